#include <string>

#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/array_test_util.h"

namespace savedserve {
namespace {

using testing_util::Iota;
using testing_util::Make;
using testing_util::StringIota;
using testing_util::Values;
using testing_util::Vec;

absl::StatusOr<Tensor> Transpose(const Tensor& in, const std::vector<int32_t>& perm,
                                 KernelVariant variant, int threads = 1) {
  OpRunner r("Transpose", "t");
  r.Threads(threads);
  auto out = r.Run({in, Vec<int32_t>(perm)}, variant);
  if (!out.ok()) return out.status();
  return (*out)[0];
}

// The flat input index of each output element, by decomposing the output index (an
// independent computation from the kernels' incremental walks).
std::vector<int64_t> ExpectedSources(const TensorShape& in, const std::vector<int32_t>& perm) {
  const int rank = in.rank();
  std::vector<int64_t> out_dims(rank), in_strides(rank, 1), sources;
  for (int d = rank - 2; d >= 0; --d) in_strides[d] = in_strides[d + 1] * in.dim(d + 1);
  int64_t n = 1;
  for (int d = 0; d < rank; ++d) n *= (out_dims[d] = in.dim(perm[d]));
  for (int64_t flat = 0; flat < n; ++flat) {
    int64_t rest = flat, src = 0;
    for (int d = rank - 1; d >= 0; --d) {
      src += (rest % out_dims[d]) * in_strides[perm[d]];
      rest /= out_dims[d];
    }
    sources.push_back(src);
  }
  return sources;
}

TEST(Transpose, Matrix) {
  for (KernelVariant v : {KernelVariant::kReference, KernelVariant::kOptimized}) {
    auto out = Transpose(Iota<float>({2, 3}), {1, 0}, v);
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_EQ(out->shape(), TensorShape({3, 2}));
    EXPECT_EQ(Values<float>(*out), (std::vector<float>{0, 3, 1, 4, 2, 5}));
  }
}

TEST(Transpose, ThreeDims) {
  // np.arange(24).reshape(2,3,4).transpose(2,0,1)
  for (KernelVariant v : {KernelVariant::kReference, KernelVariant::kOptimized}) {
    auto out = Transpose(Iota<int32_t>({2, 3, 4}), {2, 0, 1}, v);
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_EQ(out->shape(), TensorShape({4, 2, 3}));
    EXPECT_EQ(Values<int32_t>(*out),
              (std::vector<int32_t>{0, 4, 8,  12, 16, 20, 1, 5, 9,  13, 17, 21,
                                    2, 6, 10, 14, 18, 22, 3, 7, 11, 15, 19, 23}));
  }
}

TEST(Transpose, ScalarEmptyAndStrings) {
  for (KernelVariant v : {KernelVariant::kReference, KernelVariant::kOptimized}) {
    auto out = Transpose(Tensor::Scalar<float>(5), {}, v);
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_EQ(Values<float>(*out), (std::vector<float>{5}));
    out = Transpose(Tensor(tensorflow::DT_FLOAT, {0, 3}), {1, 0}, v);
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_EQ(out->shape(), TensorShape({3, 0}));
    out = Transpose(StringIota({2, 3}), {1, 0}, v);
    ASSERT_TRUE(out.ok()) << out.status();
    const std::vector<std::string> want = {"0", "3", "1", "4", "2", "5"};
    EXPECT_EQ(Values<std::string>(*out), want);
  }
}

TEST(Transpose, BadPerm) {
  for (KernelVariant v : {KernelVariant::kReference, KernelVariant::kOptimized}) {
    SS_EXPECT_ERROR_CONTAINS(Transpose(Iota<float>({2, 3}), {0}, v),
                             "perm [0] has 1 entries but the input [2,3] has rank 2");
    SS_EXPECT_ERROR_CONTAINS(Transpose(Iota<float>({2, 3}), {0, 0}, v), "0 appears twice");
    SS_EXPECT_ERROR_CONTAINS(Transpose(Iota<float>({2, 3}), {0, 2}, v),
                             "entry 2, out of range [0, 2)");
    SS_EXPECT_ERROR_CONTAINS(Transpose(Iota<float>({2, 3}), {-1, 0}, v), "out of range");
  }
}

struct DiffCase {
  TensorShape shape;
  std::vector<int32_t> perm;
};

const std::vector<DiffCase>& DiffCases() {
  static const auto* cases = new std::vector<DiffCase>{
      {{64, 48}, {1, 0}},
      {{33, 65}, {1, 0}},  // tiles with remainders
      {{1, 200}, {1, 0}},
      {{2, 7, 9, 5}, {0, 3, 1, 2}},  // NHWC -> NCHW
      {{2, 5, 7, 9}, {0, 2, 3, 1}},  // NCHW -> NHWC
      {{3, 4, 5, 6}, {3, 2, 1, 0}},
      {{3, 4, 5, 6}, {1, 0, 2, 3}},  // innermost stays: memcpy runs
      {{3, 1, 5, 1}, {3, 2, 1, 0}},  // size-1 dims dropped
      {{4, 1, 6}, {0, 2, 1}},        // only a size-1 dim moves: zero-copy
      {{2, 3, 4, 5, 6}, {4, 2, 0, 3, 1}},
      {{2, 3, 4, 5, 6}, {0, 1, 2, 3, 4}},
      {{6, 0, 3}, {2, 1, 0}},
      {{5, 70, 3}, {2, 1, 0}},
  };
  return *cases;
}

template <typename T>
void CheckAgainstReference(DataType dtype) {
  for (const DiffCase& c : DiffCases()) {
    Tensor in = RandomTensor(dtype, c.shape, 7, -100, 100);
    auto ref = Transpose(in, c.perm, KernelVariant::kReference);
    auto fast = Transpose(in, c.perm, KernelVariant::kOptimized, /*threads=*/3);
    ASSERT_TRUE(ref.ok()) << ref.status();
    ASSERT_TRUE(fast.ok()) << fast.status();
    EXPECT_TRUE(fast->Identical(*ref)) << DataTypeName(dtype) << " " << c.shape.DebugString();
    const std::vector<int64_t> sources = ExpectedSources(c.shape, c.perm);
    ASSERT_EQ(static_cast<int64_t>(sources.size()), ref->num_elements());
    for (size_t i = 0; i < sources.size(); ++i) {
      ASSERT_EQ(std::memcmp(&ref->data<T>()[i], &in.data<T>()[sources[i]], sizeof(T)), 0)
          << c.shape.DebugString() << " element " << i;
    }
  }
}

TEST(Transpose, OptimizedMatchesReference) {
  CheckAgainstReference<float>(tensorflow::DT_FLOAT);
  CheckAgainstReference<double>(tensorflow::DT_DOUBLE);
  CheckAgainstReference<int8_t>(tensorflow::DT_INT8);
  CheckAgainstReference<BFloat16>(tensorflow::DT_BFLOAT16);
}

TEST(Transpose, OptimizedMatchesReferenceForStringsAndComplex) {
  for (const DiffCase& c : DiffCases()) {
    Tensor strings = StringIota(c.shape);
    Tensor complex(tensorflow::DT_COMPLEX128, c.shape);
    for (int64_t i = 0; i < complex.num_elements() * 2; ++i) {
      static_cast<double*>(complex.raw_data())[i] = static_cast<double>(i);
    }
    for (const Tensor& in : {strings, complex}) {
      auto ref = Transpose(in, c.perm, KernelVariant::kReference);
      auto fast = Transpose(in, c.perm, KernelVariant::kOptimized, /*threads=*/2);
      ASSERT_TRUE(ref.ok() && fast.ok());
      EXPECT_TRUE(fast->Identical(*ref)) << c.shape.DebugString();
    }
  }
}

}  // namespace
}  // namespace savedserve
