// The load-time passes on a real network: SSD300-VGG16 (seeded weights, restored from
// variables/) gives the same detections' inputs with and without them. Its serving graph
// freezes all 71 variables, folds the 4 Pads of blocks 8..11 and fuses every Conv2D.
#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "models/ssd/ssd300_model.h"
#include "runtime/loaded_model.h"
#include "test_util/temp_dir.h"

namespace savedserve {
namespace {

TEST(Ssd300ServingGraphTest, SameOutputsWithAndWithoutPasses) {
  TempDir dir;
  auto exported = ExportSsd300({}, dir.path(), "ssd300", 1);
  ASSERT_TRUE(exported.ok()) << exported.status();
  std::map<std::string, Tensor> want;
  const std::map<std::string, Tensor> inputs = {
      {"images", RandomTensor(tensorflow::DT_FLOAT, TensorShape({2, 300, 300, 3}), 1, 0, 255)}};
  for (bool optimize : {false, true}) {
    LoadOptions options;
    options.optimize = optimize;
    options.intra_op_threads = 2;
    auto model = LoadedModel::Load(exported->path, options);
    ASSERT_TRUE(model.ok()) << model.status();
    auto outputs = (*model)->RunSignature("detected_model", inputs);
    ASSERT_TRUE(outputs.ok()) << outputs.status();
    ASSERT_EQ(outputs->size(), 12u);
    if (!optimize) {
      want = *std::move(outputs);
      continue;
    }
    for (const auto& [alias, tensor] : want) {
      EXPECT_TRUE(TensorsNear(outputs->at(alias), tensor, 1e-4)) << alias;
    }
  }
}

}  // namespace
}  // namespace savedserve
