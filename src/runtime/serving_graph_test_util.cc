#include "runtime/serving_graph_test_util.h"

#include "export/signature.h"
#include "format/saved_model.h"
#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"

namespace savedserve::testing {

tensorflow::MetaGraphDef ServingMetaGraph(
    GraphBuilder& g, const std::map<std::string, SignatureTensors>& signatures) {
  const std::string init = g.GlobalVariablesInitializer();
  g.AddSaver();
  auto meta = g.Finish();
  EXPECT_TRUE(meta.ok()) << meta.status();
  if (!meta.ok()) return {};
  (*meta->mutable_collection_def())[kSavedModelMainOpKey].mutable_node_list()->add_value(init);
  for (const auto& [key, tensors] : signatures) {
    TensorInfoMap inputs, outputs;
    for (const auto& [alias, t] : tensors.inputs) {
      inputs[alias] = BuildTensorInfo(t.tensor_name(), t.dtype, t.shape);
    }
    for (const auto& [alias, t] : tensors.outputs) {
      outputs[alias] = BuildTensorInfo(t.tensor_name(), t.dtype, t.shape);
    }
    auto signature = PredictSignatureDef(inputs, outputs);
    EXPECT_TRUE(signature.ok()) << signature.status();
    if (signature.ok()) (*meta->mutable_signature_def())[key] = *signature;
  }
  return *meta;
}

const tensorflow::NodeDef* FindNode(const std::vector<tensorflow::NodeDef>& nodes,
                                    const std::string& name) {
  for (const auto& node : nodes) {
    if (node.name() == name) return &node;
  }
  return nullptr;
}

std::unique_ptr<LoadedModel> LoadForTest(const tensorflow::MetaGraphDef& meta, bool optimize) {
  LoadOptions options;
  options.optimize = optimize;
  options.intra_op_threads = 2;
  auto model = LoadedModel::FromMetaGraph(meta, "", options);
  EXPECT_TRUE(model.ok()) << model.status();
  return model.ok() ? *std::move(model) : nullptr;
}

void ExpectSameWithAndWithoutPasses(const tensorflow::MetaGraphDef& meta, const std::string& key,
                                    const std::map<std::string, Tensor>& inputs, double tolerance) {
  std::unique_ptr<LoadedModel> plain = LoadForTest(meta, false);
  std::unique_ptr<LoadedModel> optimized = LoadForTest(meta, true);
  ASSERT_NE(plain, nullptr);
  ASSERT_NE(optimized, nullptr);
  ExpectSameOutputs(*optimized, *plain, key, inputs, tolerance);
}

void ExpectSameOutputs(const LoadedModel& actual, const LoadedModel& expected,
                       const std::string& key, const std::map<std::string, Tensor>& inputs,
                       double tolerance) {
  auto want = expected.RunSignature(key, inputs);
  auto got = actual.RunSignature(key, inputs);
  ASSERT_TRUE(want.ok()) << want.status();
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->size(), want->size());
  for (const auto& [alias, tensor] : *want) {
    EXPECT_TRUE(TensorsNear(got->at(alias), tensor, tolerance)) << "output " << alias;
  }
}

}  // namespace savedserve::testing
