#include <memory>

#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/array_test_util.h"

namespace savedserve {
namespace {

using testing_util::Iota;
using testing_util::Make;
using testing_util::Values;
using testing_util::Vec;

absl::StatusOr<Tensor> ResourceGather(const std::shared_ptr<Variable>& variable,
                                      const Tensor& indices, int64_t batch_dims = 0,
                                      DataType dtype = tensorflow::DT_FLOAT) {
  OpRunner r("ResourceGather", "embedding_lookup");
  r.Attr("dtype", dtype).Attr("validate_indices", true);
  if (batch_dims != 0) r.Attr("batch_dims", batch_dims);
  auto out =
      r.RunValues({Value{Tensor(tensorflow::DT_RESOURCE, {}), variable}, Value{indices, nullptr}});
  if (!out.ok()) return out.status();
  return (*out)[0].tensor;
}

std::shared_ptr<Variable> VariableHolding(const Tensor& value) {
  auto variable = std::make_shared<Variable>("embeddings", value.dtype());
  variable->Assign(value);
  return variable;
}

TEST(ResourceGather, RowsOfTheVariable) {
  // An embedding table np.arange(8).reshape(4, 2) looked up by [[3, 0], [1, 1]].
  auto out =
      ResourceGather(VariableHolding(Iota<float>({4, 2})), Make<int32_t>({2, 2}, {3, 0, 1, 1}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({2, 2, 2}));
  EXPECT_EQ(Values<float>(*out), (std::vector<float>{6, 7, 0, 1, 2, 3, 2, 3}));
  // A later assignment is what the next run reads.
  auto variable = VariableHolding(Iota<float>({3}));
  variable->Assign(Vec<float>({5, 6, 7}));
  out = ResourceGather(variable, Tensor::Scalar<int64_t>(2));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({}));
  EXPECT_EQ(Values<float>(*out), (std::vector<float>{7}));
}

TEST(ResourceGather, BatchDims) {
  // params [2,3], indices [2,2], batch_dims 1: out[b][n] = params[b][indices[b][n]], as
  // tf.gather(params, indices, batch_dims=1) (axis = batch_dims).
  auto out =
      ResourceGather(VariableHolding(Iota<float>({2, 3})), Make<int32_t>({2, 2}, {2, 0, 1, 1}), 1);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({2, 2}));
  EXPECT_EQ(Values<float>(*out), (std::vector<float>{2, 0, 4, 4}));
}

TEST(ResourceGather, Errors) {
  SS_EXPECT_ERROR_CONTAINS(ResourceGather(VariableHolding(Iota<float>({4, 2})), Vec<int32_t>({4})),
                           "indices[0] = 4 is not in [0, 4)");
  SS_EXPECT_ERROR_CONTAINS(ResourceGather(VariableHolding(Iota<int32_t>({4})), Vec<int32_t>({0})),
                           "variable embeddings holds DT_INT32, expected DT_FLOAT");
  auto uninitialized = std::make_shared<Variable>("embeddings", tensorflow::DT_FLOAT);
  auto out = ResourceGather(uninitialized, Vec<int32_t>({0}));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kFailedPrecondition) << out.status();
  SS_EXPECT_ERROR_CONTAINS(ResourceGather(nullptr, Vec<int32_t>({0})),
                           "input 0 must be a variable handle");
  SS_EXPECT_ERROR_CONTAINS(
      ResourceGather(VariableHolding(Tensor::Scalar<float>(1)), Vec<int32_t>({0})),
      "params must be at least a vector");
}

}  // namespace
}  // namespace savedserve
