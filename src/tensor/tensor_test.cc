#include "tensor/tensor.h"

#include <cmath>
#include <complex>
#include <cstring>
#include <limits>
#include <vector>

#include "gtest/gtest.h"

namespace savedserve {
namespace {

using tensorflow::DataType;

std::vector<DataType> FixedSizeTypes() {
  std::vector<DataType> out;
  for (int v = 1; v < 100; ++v) {
    auto dtype = static_cast<DataType>(v);
    if (tensorflow::DataType_IsValid(v) && DataTypeSize(dtype) > 0) out.push_back(dtype);
  }
  return out;
}

bool IsAligned(const void* p) { return reinterpret_cast<uintptr_t>(p) % Tensor::kAlignment == 0; }

TEST(TensorTest, DefaultIsInvalidAndEmpty) {
  Tensor t;
  EXPECT_EQ(t.dtype(), tensorflow::DT_INVALID);
  EXPECT_FALSE(t.is_initialized());
  EXPECT_EQ(t.raw_data(), nullptr);
  EXPECT_EQ(t.TotalBytes(), 0u);
  EXPECT_EQ(t.DebugString(), "DT_INVALID [] <no data>");
  EXPECT_TRUE(t.Identical(Tensor()));
}

TEST(TensorTest, NumericBuffersAreAlignedAndZeroFilled) {
  for (DataType dtype : FixedSizeTypes()) {
    Tensor t(dtype, TensorShape{3, 5});
    ASSERT_TRUE(t.is_initialized()) << DataTypeName(dtype);
    EXPECT_TRUE(IsAligned(t.raw_data())) << DataTypeName(dtype);
    absl::string_view bytes = t.tensor_data();
    EXPECT_EQ(bytes.size(), 15 * DataTypeSize(dtype));
    EXPECT_EQ(t.TotalBytes(), bytes.size());
    EXPECT_EQ(bytes.find_first_not_of('\0'), absl::string_view::npos) << DataTypeName(dtype);
  }
}

TEST(TensorTest, EmptyTensorsStillHaveABuffer) {
  Tensor t(tensorflow::DT_FLOAT, TensorShape{0, 4});
  EXPECT_TRUE(t.is_initialized());
  EXPECT_TRUE(IsAligned(t.raw_data()));
  EXPECT_EQ(t.num_elements(), 0);
  EXPECT_EQ(t.tensor_data().size(), 0u);
  EXPECT_EQ(t.DebugString(), "DT_FLOAT [0,4] {}");
}

TEST(TensorTest, RefTypesAreStoredAsTheirBase) {
  Tensor t(tensorflow::DT_FLOAT_REF, TensorShape{2});
  EXPECT_EQ(t.dtype(), tensorflow::DT_FLOAT);
  EXPECT_EQ(t.tensor_data().size(), 8u);
}

TEST(TensorTest, StringLikeTensorsHoldStrings) {
  for (DataType dtype : {tensorflow::DT_STRING, tensorflow::DT_RESOURCE, tensorflow::DT_VARIANT}) {
    Tensor t(dtype, TensorShape{2, 2});
    ASSERT_TRUE(t.is_initialized());
    for (const std::string& s : t.flat<std::string>()) EXPECT_TRUE(s.empty());
    t.flat<std::string>()[1] = "abc";
    t.flat<std::string>()[3] = std::string(1000, 'x');  // heap-allocated element
    EXPECT_EQ(t.TotalBytes(), 1003u);
  }
}

TEST(TensorTest, CopiesShareClonesDoNot) {
  Tensor a = Tensor::FromVector<int32_t>(std::vector<int32_t>{1, 2, 3}, TensorShape{3});
  Tensor shared = a;
  EXPECT_TRUE(shared.SharesBufferWith(a));
  shared.data<int32_t>()[0] = 42;
  EXPECT_EQ(a.data<int32_t>()[0], 42);

  Tensor deep = a.Clone();
  EXPECT_FALSE(deep.SharesBufferWith(a));
  EXPECT_TRUE(deep.Identical(a));
  EXPECT_TRUE(IsAligned(deep.raw_data()));
  deep.data<int32_t>()[1] = -1;
  EXPECT_EQ(a.data<int32_t>()[1], 2);

  Tensor s = Tensor::FromVector<std::string>(std::vector<std::string>{"x", "yy"}, TensorShape{2});
  Tensor s_clone = s.Clone();
  s.data<std::string>()[0] = "changed";
  EXPECT_EQ(s_clone.data<std::string>()[0], "x");
  EXPECT_EQ(s_clone.data<std::string>()[1], "yy");
}

TEST(TensorTest, BufferOutlivesTheTensorThatMadeIt) {
  Tensor survivor;
  {
    Tensor original = Tensor::FromVector<std::string>(
        std::vector<std::string>{std::string(100, 'a'), "b"}, TensorShape{2});
    survivor = original;
  }
  EXPECT_EQ(survivor.data<std::string>()[0], std::string(100, 'a'));
}

TEST(TensorTest, ReshapedSharesTheBuffer) {
  Tensor a = Tensor::FromVector<float>(std::vector<float>{1, 2, 3, 4, 5, 6}, TensorShape{6});
  Tensor b = a.Reshaped(TensorShape{2, 3});
  EXPECT_TRUE(b.SharesBufferWith(a));
  EXPECT_EQ(b.shape(), (TensorShape{2, 3}));
  EXPECT_EQ(b.dtype(), tensorflow::DT_FLOAT);
  EXPECT_EQ(b.flat<float>()[5], 6.0f);
}

TEST(TensorTest, WrapsAnExistingBufferWithoutCopying) {
  std::shared_ptr<TensorBuffer> buffer = AllocateBuffer(3 * sizeof(double));
  EXPECT_EQ(buffer->size_bytes(), 24u);
  EXPECT_TRUE(IsAligned(buffer->data()));
  Tensor t(tensorflow::DT_DOUBLE, TensorShape{3}, buffer);
  EXPECT_EQ(t.raw_data(), buffer->data());
  t.data<double>()[2] = 0.25;
  EXPECT_EQ(static_cast<double*>(buffer->data())[2], 0.25);

  std::shared_ptr<TensorBuffer> empty = AllocateBuffer(0);
  EXPECT_NE(empty->data(), nullptr);
  EXPECT_EQ(empty->size_bytes(), 0u);
}

TEST(TensorTest, AcceptsCustomBuffers) {
  class VectorBuffer : public TensorBuffer {
   public:
    explicit VectorBuffer(std::vector<int64_t> v) : v_(std::move(v)) {}
    void* data() override { return v_.data(); }
    size_t size_bytes() const override { return v_.size() * sizeof(int64_t); }

   private:
    std::vector<int64_t> v_;
  };
  Tensor t(tensorflow::DT_INT64, TensorShape{2},
           std::make_shared<VectorBuffer>(std::vector<int64_t>{7, -7}));
  EXPECT_EQ(t.DebugString(), "DT_INT64 [2] {7, -7}");
}

TEST(TensorTest, IdenticalComparesBits) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  Tensor a = Tensor::FromVector<float>(std::vector<float>{nan, 1}, TensorShape{2});
  EXPECT_TRUE(a.Identical(a.Clone()));  // NaN equals itself bitwise
  Tensor zero = Tensor::Scalar<float>(0.0f);
  EXPECT_FALSE(zero.Identical(Tensor::Scalar<float>(-0.0f)));
  EXPECT_FALSE(a.Identical(a.Reshaped(TensorShape{2, 1})));
  EXPECT_FALSE(Tensor::Scalar<int32_t>(1).Identical(Tensor::Scalar<uint32_t>(1)));
  EXPECT_FALSE(Tensor::Scalar<std::string>("a").Identical(Tensor::Scalar<std::string>("b")));
  EXPECT_TRUE(Tensor::Scalar<std::string>("a").Identical(Tensor::Scalar<std::string>("a")));
}

TEST(TensorTest, DebugStringFormatsValues) {
  // The half_plus_two outputs for x = [1, 2, 5] (testdata README).
  Tensor y = Tensor::FromVector<float>(std::vector<float>{2.5f, 3.0f, 4.5f}, TensorShape{3});
  EXPECT_EQ(y.DebugString(), "DT_FLOAT [3] {2.5, 3, 4.5}");
  EXPECT_EQ(Tensor::Scalar<double>(0.1).DebugString(), "DT_DOUBLE [] {0.1}");
  EXPECT_EQ(Tensor::Scalar<bool>(true).DebugString(), "DT_BOOL [] {true}");
  EXPECT_EQ(Tensor::Scalar<int8_t>(-3).DebugString(), "DT_INT8 [] {-3}");
  EXPECT_EQ(Tensor::Scalar<uint8_t>(200).DebugString(), "DT_UINT8 [] {200}");
  EXPECT_EQ(Tensor::Scalar<Half>(FloatToHalf(1.5f)).DebugString(), "DT_HALF [] {1.5}");
  EXPECT_EQ(Tensor::Scalar<BFloat16>(FloatToBFloat16(-2.0f)).DebugString(), "DT_BFLOAT16 [] {-2}");

  Tensor c(tensorflow::DT_COMPLEX64, TensorShape{1});
  c.data<std::complex<float>>()[0] = {1.0f, -2.5f};
  EXPECT_EQ(c.DebugString(), "DT_COMPLEX64 [1] {(1,-2.5)}");

  Tensor s =
      Tensor::FromVector<std::string>(std::vector<std::string>{"a\"b", "\n", "ok"}, TensorShape{3});
  EXPECT_EQ(s.DebugString(), "DT_STRING [3] {\"a\\\"b\", \"\\n\", \"ok\"}");
}

TEST(TensorTest, DebugStringTruncates) {
  std::vector<int32_t> values(100);
  for (int i = 0; i < 100; ++i) values[i] = i;
  Tensor t = Tensor::FromVector<int32_t>(values, TensorShape{10, 10});
  EXPECT_EQ(t.DebugString(3), "DT_INT32 [10,10] {0, 1, 2, ...}");
  EXPECT_EQ(t.DebugString(0), "DT_INT32 [10,10] {...}");
  EXPECT_EQ(t.DebugString(100), t.DebugString(1000));
}

TEST(TensorTest, DebugStringOfEveryDtypeDoesNotCrash) {
  for (int v = 1; v < 100; ++v) {
    if (!tensorflow::DataType_IsValid(v)) continue;
    Tensor t(static_cast<DataType>(v), TensorShape{2});
    EXPECT_EQ(t.DebugString().rfind(DataTypeName(t.dtype()), 0), 0u) << t.DebugString();
  }
}

}  // namespace
}  // namespace savedserve
