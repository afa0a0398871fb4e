// Expected values: TensorFlow's documented examples for tf.sparse.reshape and
// tf.sparse.fill_empty_rows (SparseFillEmptyRows' op doc), and small cases worked by hand
// from the ops' definitions.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/array_test_util.h"

namespace savedserve {
namespace {

using testing_util::Make;
using testing_util::Values;
using testing_util::Vec;

absl::StatusOr<Tensor> ToDense(const Tensor& indices, const Tensor& shape, const Tensor& values,
                               const Tensor& default_value, bool validate = true) {
  OpRunner r("SparseToDense", "s2d");
  r.Attr("T", values.dtype()).Attr("validate_indices", validate);
  auto out = r.Run({indices, shape, values, default_value});
  if (!out.ok()) return out.status();
  return (*out)[0];
}

TEST(SparseToDense, MatrixVectorAndScalarIndices) {
  auto out = ToDense(Make<int32_t>({2, 2}, {0, 1, 1, 2}), Vec<int32_t>({2, 3}),
                     Vec<float>({5, 7}), Tensor::Scalar<float>(0));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({2, 3}));
  EXPECT_EQ(Values<float>(*out), (std::vector<float>{0, 5, 0, 0, 0, 7}));
  // Vector indices, one scalar value for all, unsorted (allowed without validation).
  out = ToDense(Vec<int64_t>({3, 0}), Vec<int64_t>({5}), Tensor::Scalar<int32_t>(1),
                Tensor::Scalar<int32_t>(-1), false);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<int32_t>(*out), (std::vector<int32_t>{1, -1, -1, 1, -1}));
  out = ToDense(Tensor::Scalar<int32_t>(2), Vec<int32_t>({4}), Tensor::Scalar<float>(9),
                Tensor::Scalar<float>(0));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<float>(*out), (std::vector<float>{0, 0, 9, 0}));
  // Without validation a repeated index takes its last value.
  out = ToDense(Vec<int32_t>({1, 1}), Vec<int32_t>({3}), Vec<float>({4, 6}),
                Tensor::Scalar<float>(0), false);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<float>(*out), (std::vector<float>{0, 6, 0}));
  Tensor words(tensorflow::DT_STRING, TensorShape({1}));
  words.data<std::string>()[0] = "x";
  out = ToDense(Vec<int32_t>({1}), Vec<int32_t>({2}), words,
                Tensor::Scalar<std::string>(std::string("-")));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<std::string>(*out), (std::vector<std::string>{"-", "x"}));
}

TEST(SparseToDense, Errors) {
  const Tensor zero = Tensor::Scalar<float>(0);
  SS_EXPECT_ERROR_CONTAINS(ToDense(Make<int32_t>({2, 2}, {1, 0, 0, 0}), Vec<int32_t>({2, 2}),
                                   Vec<float>({1, 2}), zero),
                           "indices[1] = [0,0] is out of order");
  SS_EXPECT_ERROR_CONTAINS(ToDense(Make<int32_t>({2, 2}, {1, 0, 1, 0}), Vec<int32_t>({2, 2}),
                                   Vec<float>({1, 2}), zero),
                           "indices[1] = [1,0] is repeated");
  SS_EXPECT_ERROR_CONTAINS(ToDense(Make<int32_t>({1, 2}, {0, 3}), Vec<int32_t>({2, 3}),
                                   Vec<float>({1}), zero, false),
                           "indices[0] = [0,3] is out of bounds");
  SS_EXPECT_ERROR_CONTAINS(ToDense(Vec<int32_t>({-1}), Vec<int32_t>({2}), Vec<float>({1}), zero,
                                   false),
                           "out of bounds");
  SS_EXPECT_ERROR_CONTAINS(ToDense(Make<int32_t>({1, 2}, {0, 0}), Vec<int32_t>({2}),
                                   Vec<float>({1}), zero),
                           "output_shape has 1 elements");
  SS_EXPECT_ERROR_CONTAINS(ToDense(Vec<int32_t>({0}), Vec<int32_t>({-2}), Vec<float>({1}), zero),
                           "");
  SS_EXPECT_ERROR_CONTAINS(ToDense(Vec<int32_t>({0, 1}), Vec<int32_t>({2}), Vec<float>({1, 2, 3}),
                                   zero),
                           "must be a scalar or a vector of 2");
  SS_EXPECT_ERROR_CONTAINS(ToDense(Vec<int32_t>({0}), Vec<int32_t>({2}), Vec<float>({1}),
                                   Vec<float>({0})),
                           "default_value must be a scalar");
  SS_EXPECT_ERROR_CONTAINS(ToDense(Vec<int64_t>({0}), Vec<int64_t>({int64_t{1} << 62, 8}),
                                   Vec<float>({1}), zero),
                           "");
}

absl::StatusOr<std::vector<Tensor>> Reshape(const Tensor& indices, const Tensor& shape,
                                            const Tensor& new_shape) {
  OpRunner r("SparseReshape", "sr");
  r.NumOutputs(2);
  return r.Run({indices, shape, new_shape});
}

TEST(SparseReshape, DocExample) {
  // input_shape [2,3,6] -> new_shape [9,-1]
  auto out = Reshape(Make<int64_t>({5, 3}, {0, 0, 0, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1, 2, 3}),
                     Vec<int64_t>({2, 3, 6}), Vec<int64_t>({9, -1}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].shape(), TensorShape({5, 2}));
  EXPECT_EQ(Values<int64_t>((*out)[0]), (std::vector<int64_t>{0, 0, 0, 1, 1, 2, 4, 2, 8, 1}));
  EXPECT_EQ(Values<int64_t>((*out)[1]), (std::vector<int64_t>{9, 4}));
  // To rank 1 and back to rank 3, empty.
  out = Reshape(Make<int64_t>({1, 2}, {1, 2}), Vec<int64_t>({2, 3}), Vec<int64_t>({-1}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<int64_t>((*out)[0]), (std::vector<int64_t>{5}));
  out = Reshape(Make<int64_t>({0, 2}, {}), Vec<int64_t>({4, 3}), Vec<int64_t>({2, 3, 2}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].shape(), TensorShape({0, 3}));
}

TEST(SparseReshape, Errors) {
  const Tensor one = Make<int64_t>({1, 2}, {0, 0});
  SS_EXPECT_ERROR_CONTAINS(Reshape(one, Vec<int64_t>({2, 3}), Vec<int64_t>({-1, -1})),
                           "only one new_shape dimension may be -1");
  SS_EXPECT_ERROR_CONTAINS(Reshape(one, Vec<int64_t>({2, 3}), Vec<int64_t>({4, 2})),
                           "has 6 dense values but new_shape [4,2] has 8");
  SS_EXPECT_ERROR_CONTAINS(Reshape(one, Vec<int64_t>({2, 3}), Vec<int64_t>({4, -1})),
                           "cannot infer new_shape[1]");
  SS_EXPECT_ERROR_CONTAINS(Reshape(one, Vec<int64_t>({2, 3}), Vec<int64_t>({-3, -2})),
                           "is negative");
  SS_EXPECT_ERROR_CONTAINS(Reshape(Make<int64_t>({1, 2}, {0, 3}), Vec<int64_t>({2, 3}),
                                   Vec<int64_t>({6})),
                           "indices[0] = [0,3] is out of bounds");
  SS_EXPECT_ERROR_CONTAINS(Reshape(one, Vec<int64_t>({6}), Vec<int64_t>({6})),
                           "index 2 dimensions but input_shape has 1");
  SS_EXPECT_ERROR_CONTAINS(
      Reshape(one, Vec<int64_t>({2, 3}), Vec<int64_t>({int64_t{1} << 40, int64_t{1} << 40})),
      "too many elements");
  SS_EXPECT_ERROR_CONTAINS(Reshape(Make<int32_t>({1, 2}, {0, 0}), Vec<int64_t>({2, 3}),
                                   Vec<int64_t>({6})),
                           "must be int64");
}

absl::StatusOr<std::vector<Tensor>> Fill(const Tensor& indices, const Tensor& values,
                                         const Tensor& shape, const Tensor& default_value) {
  OpRunner r("SparseFillEmptyRows", "fill");
  r.Attr("T", values.dtype()).NumOutputs(4);
  return r.Run({indices, values, shape, default_value});
}

TEST(SparseFillEmptyRows, DocExample) {
  auto out = Fill(Make<int64_t>({6, 2}, {0, 0, 1, 0, 1, 3, 1, 4, 3, 2, 3, 3}),
                  Vec<float>({1, 2, 3, 4, 5, 6}), Vec<int64_t>({5, 6}), Tensor::Scalar<float>(-1));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].shape(), TensorShape({8, 2}));
  EXPECT_EQ(Values<int64_t>((*out)[0]),
            (std::vector<int64_t>{0, 0, 1, 0, 1, 3, 1, 4, 2, 0, 3, 2, 3, 3, 4, 0}));
  EXPECT_EQ(Values<float>((*out)[1]), (std::vector<float>{1, 2, 3, 4, -1, 5, 6, -1}));
  EXPECT_EQ(Values<bool>((*out)[2]), (std::vector<bool>{false, false, true, false, true}));
  EXPECT_EQ(Values<int64_t>((*out)[3]), (std::vector<int64_t>{0, 1, 2, 3, 5, 6}));
}

TEST(SparseFillEmptyRows, UnorderedRowsAndNoEntries) {
  auto out = Fill(Make<int64_t>({3, 2}, {2, 1, 0, 0, 2, 0}), Vec<int32_t>({1, 2, 3}),
                  Vec<int64_t>({3, 2}), Tensor::Scalar<int32_t>(9));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<int64_t>((*out)[0]), (std::vector<int64_t>{0, 0, 1, 0, 2, 1, 2, 0}));
  EXPECT_EQ(Values<int32_t>((*out)[1]), (std::vector<int32_t>{2, 9, 1, 3}));
  EXPECT_EQ(Values<bool>((*out)[2]), (std::vector<bool>{false, true, false}));
  EXPECT_EQ(Values<int64_t>((*out)[3]), (std::vector<int64_t>{2, 0, 3}));
  out = Fill(Make<int64_t>({0, 3}, {}), Vec<float>({}), Vec<int64_t>({2, 4, 4}),
             Tensor::Scalar<float>(7));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<int64_t>((*out)[0]), (std::vector<int64_t>{0, 0, 0, 1, 0, 0}));
  EXPECT_EQ(Values<float>((*out)[1]), (std::vector<float>{7, 7}));
  EXPECT_EQ((*out)[3].shape(), TensorShape({0}));
}

TEST(SparseFillEmptyRows, Errors) {
  const Tensor d = Tensor::Scalar<float>(0);
  SS_EXPECT_ERROR_CONTAINS(
      Fill(Make<int64_t>({1, 2}, {3, 0}), Vec<float>({1}), Vec<int64_t>({3, 2}), d),
      "indices[0, 0] = 3 is not in [0, 3)");
  SS_EXPECT_ERROR_CONTAINS(
      Fill(Make<int64_t>({1, 2}, {-1, 0}), Vec<float>({1}), Vec<int64_t>({3, 2}), d),
      "indices[0, 0] = -1 is not in [0, 3)");
  SS_EXPECT_ERROR_CONTAINS(
      Fill(Make<int64_t>({1, 2}, {0, 0}), Vec<float>({1}), Vec<int64_t>({0, 2}), d),
      "dense_shape[0] is 0 but there are 1 indices");
  SS_EXPECT_ERROR_CONTAINS(
      Fill(Make<int64_t>({1, 2}, {0, 0}), Vec<float>({1, 2}), Vec<int64_t>({3, 2}), d),
      "must be a vector of 1");
  SS_EXPECT_ERROR_CONTAINS(
      Fill(Make<int64_t>({1, 2}, {0, 0}), Vec<float>({1}), Vec<int64_t>({3}), d),
      "dense_shape has 1 elements");
  SS_EXPECT_ERROR_CONTAINS(
      Fill(Make<int64_t>({1, 2}, {0, 0}), Vec<float>({1}), Vec<int64_t>({3, 2}),
           Tensor::Scalar<int32_t>(0)),
      "must have one copyable dtype");
  SS_EXPECT_ERROR_CONTAINS(
      Fill(Make<int64_t>({0, 2}, {}), Vec<float>({}), Vec<int64_t>({-4, 2}), d), "negative");
}

}  // namespace
}  // namespace savedserve
