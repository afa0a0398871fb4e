// A served model whose variables file is overwritten in place (shrinking it) while loaded:
// its weights are read from the mapped file, so the pages past the new end are gone. The
// model answers DataLoss naming the file instead of crashing the process (SIGBUS).
#include <unistd.h>

#include <vector>

#include "absl/strings/match.h"
#include "export/demo_models.h"
#include "export/graph_builder.h"
#include "export/signature.h"
#include "gtest/gtest.h"
#include "runtime/loaded_model.h"
#include "test_util/temp_dir.h"

namespace savedserve {
namespace {

TEST(OverwrittenWeightsTest, ModelFailsCleanlyWhenItsVariablesFileShrinks) {
  constexpr int64_t kSize = 1 << 15;  // 128 KiB of floats: large enough to stay mapped
  std::vector<float> values(kSize);
  for (int64_t i = 0; i < kSize; ++i) values[i] = static_cast<float>(i % 97) + 0.5f;
  GraphBuilder g;
  VariableNodes v =
      g.VariableV2("v", Tensor::FromVector<float>(values, TensorShape({kSize})));
  NodeOutput x =
      g.Placeholder("x", tensorflow::DT_FLOAT, PartialShape(std::vector<int64_t>{kSize}));
  NodeOutput y = g.Identity("y", g.Add("", x, v.value));
  g.GlobalVariablesInitializer();
  g.AddSaver();
  BuiltModel model;
  auto meta = g.Finish();
  ASSERT_TRUE(meta.ok()) << meta.status();
  model.meta_graph = *meta;
  model.variables = g.Variables();
  auto signature = PredictSignatureDef({{"x", BuildTensorInfo(x.tensor_name(), x.dtype, x.shape)}},
                                       {{"y", BuildTensorInfo(y.tensor_name(), y.dtype, y.shape)}});
  ASSERT_TRUE(signature.ok()) << signature.status();
  model.signatures["serving_default"] = *signature;
  TempDir tmp;
  auto exported = ExportBuiltModel(model, tmp.path(), "big", 1);
  ASSERT_TRUE(exported.ok()) << exported.status();
  auto loaded = LoadedModel::Load(exported->path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const std::map<std::string, Tensor> inputs = {
      {"x", Tensor(tensorflow::DT_FLOAT, TensorShape({kSize}))}};
  auto out = (*loaded)->RunSignature("serving_default", inputs);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->at("y").data<float>()[kSize - 1], values[kSize - 1]);

  const std::string data = exported->path + "/variables/variables.data-00000-of-00001";
  ASSERT_EQ(truncate(data.c_str(), 0), 0) << data;
  auto broken = (*loaded)->RunSignature("serving_default", inputs);
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.status().code(), absl::StatusCode::kDataLoss) << broken.status();
  EXPECT_TRUE(absl::StrContains(broken.status().message(), data)) << broken.status();

  // Another model in the process is not affected.
  auto other = ExportHalfPlusTwo(tmp.path(), "half_plus_two", 1);
  ASSERT_TRUE(other.ok()) << other.status();
  auto half = LoadedModel::Load(other->path);
  ASSERT_TRUE(half.ok()) << half.status();
  auto fine = (*half)->RunSignature(
      "serving_default", {{"x", Tensor::FromVector<float>(std::vector<float>{4.0f},
                                                          TensorShape({1}))}});
  ASSERT_TRUE(fine.ok()) << fine.status();
  EXPECT_EQ(fine->at("y").data<float>()[0], 4.0f);
}

}  // namespace
}  // namespace savedserve
