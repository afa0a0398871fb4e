#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/array_test_util.h"

namespace savedserve {
namespace {

using testing_util::Iota;
using testing_util::Make;
using testing_util::Values;

absl::StatusOr<Tensor> BandPart(const Tensor& in, int64_t lower, int64_t upper) {
  OpRunner r("MatrixBandPart");
  auto out = r.Run({in, Tensor::Scalar<int64_t>(lower), Tensor::Scalar<int64_t>(upper)});
  if (!out.ok()) return out.status();
  return (*out)[0];
}

TEST(MatrixBandPart, KeepsTheBand) {
  // np.where(((lo < 0) | (m - n <= lo)) & ((up < 0) | (n - m <= up)), a, 0) with
  // a = np.arange(1, 13).reshape(3, 4).
  const Tensor a = Make<float>({3, 4}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
  const struct {
    int64_t lower, upper;
    std::vector<float> expected;
  } bands[] = {
      {1, -1, {1, 2, 3, 4, 5, 6, 7, 8, 0, 10, 11, 12}},
      {0, 0, {1, 0, 0, 0, 0, 6, 0, 0, 0, 0, 11, 0}},
      {-1, 1, {1, 2, 0, 0, 5, 6, 7, 0, 9, 10, 11, 12}},
      {2, 0, {1, 0, 0, 0, 5, 6, 0, 0, 9, 10, 11, 0}},
      {-1, -1, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}},
  };
  for (const auto& band : bands) {
    auto out = BandPart(a, band.lower, band.upper);
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_EQ(Values<float>(*out), band.expected) << band.lower << ", " << band.upper;
  }
}

TEST(MatrixBandPart, BatchesOtherTypesAndEmpty) {
  // Two 2x2 int32 matrices, lower triangle (tf.linalg.band_part(x, -1, 0)).
  auto out = BandPart(Iota<int32_t>({2, 2, 2}), -1, 0);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<int32_t>(*out), (std::vector<int32_t>{0, 0, 2, 3, 4, 0, 6, 7}));
  OpRunner r("MatrixBandPart");
  auto bools = r.Run({Make<bool>({2, 2}, {true, true, true, true}), Tensor::Scalar<int32_t>(0),
                      Tensor::Scalar<int32_t>(1)});
  ASSERT_TRUE(bools.ok()) << bools.status();
  EXPECT_EQ(Values<bool>((*bools)[0]), (std::vector<bool>{true, true, false, true}));
  out = BandPart(Tensor(tensorflow::DT_FLOAT, {2, 0, 3}), 0, 0);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({2, 0, 3}));
}

TEST(MatrixBandPart, Errors) {
  SS_EXPECT_ERROR_CONTAINS(BandPart(Iota<float>({3, 4}), 4, 0),
                           "num_lower must be negative or less or equal to number of rows (3) "
                           "got: 4");
  SS_EXPECT_ERROR_CONTAINS(BandPart(Iota<float>({3, 4}), 0, INT64_MAX),
                           "num_upper must be negative or less or equal to number of columns (4)");
  SS_EXPECT_ERROR_CONTAINS(BandPart(Iota<float>({4}), 0, 0), "at least 2-dim");
  OpRunner r("MatrixBandPart");
  SS_EXPECT_ERROR_CONTAINS(r.Run({Iota<float>({2, 2}), Iota<int32_t>({1}), Tensor::Scalar(0)}),
                           "num_lower must be a scalar");
}

}  // namespace
}  // namespace savedserve
