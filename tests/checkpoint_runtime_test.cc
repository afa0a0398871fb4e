// SavedModels written by the export layer load in the runtime and compute what their graphs
// say (0.5x + 2): a TF1 checkpoint exported by ExportCheckpoint, and the C++-built demo.
#include "export/checkpoint_export.h"
#include "export/demo_models.h"
#include "gtest/gtest.h"
#include "runtime/loaded_model.h"
#include "test_util/temp_dir.h"
#include "test_util/testdata.h"

namespace savedserve {
namespace {

void ExpectHalfPlusTwo(const std::string& dir) {
  auto model = LoadedModel::Load(dir);
  ASSERT_TRUE(model.ok()) << model.status();
  const std::vector<float> x = {1, 2, 5};
  auto out = (*model)->RunSignature("serving_default",
                                    {{"x", Tensor::FromVector<float>(x, TensorShape{3})}});
  ASSERT_TRUE(out.ok()) << out.status();
  const Tensor& y = out->at("y");
  ASSERT_EQ(y.num_elements(), 3);
  EXPECT_EQ(y.data<float>()[0], 2.5f);
  EXPECT_EQ(y.data<float>()[1], 3.0f);
  EXPECT_EQ(y.data<float>()[2], 4.5f);
}

TEST(ExportRuntime, DemoHalfPlusTwoRuns) {
  TempDir tmp;
  auto exported = ExportHalfPlusTwo(tmp.path(), "half_plus_two", std::nullopt);
  ASSERT_TRUE(exported.ok()) << exported.status();
  ExpectHalfPlusTwo(exported->path);
}

TEST(ExportRuntime, ExportedCheckpointPredictsHalfPlusTwo) {
  SS_REQUIRE_TESTDATA();
  TempDir tmp;
  CheckpointExportOptions options;
  options.checkpoint = JoinPath(testdata, "checkpoints/half_plus_two_tf1_v2/00000123/export");
  options.inputs = {{"x", "Placeholder:0"}};
  options.outputs = {{"y", "Add:0"}};
  options.export_base = tmp.path();
  options.model_name = "half_plus_two";
  auto exported = ExportCheckpoint(options);
  ASSERT_TRUE(exported.ok()) << exported.status();

  ExpectHalfPlusTwo(exported->path);
}

}  // namespace
}  // namespace savedserve
