#include "export/demo_models.h"

#include "export/checkpoint_export.h"
#include "format/saved_model.h"
#include "format/tensor_bundle.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "test_util/temp_dir.h"

namespace savedserve {
namespace {

TEST(DemoModels, HalfPlusTwoReadsBack) {
  TempDir tmp;
  auto result = ExportHalfPlusTwo(tmp.path(), "half_plus_two", std::nullopt);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->version, 1);
  EXPECT_EQ(result->path, JoinPath(tmp.path(), "half_plus_two/1"));

  auto contents = ReadSavedModel(result->path, {"serve"});
  ASSERT_TRUE(contents.ok()) << contents.status();
  const tensorflow::MetaGraphDef& meta = contents->meta_graph;
  const auto& sig = meta.signature_def().at("serving_default");
  EXPECT_EQ(sig.method_name(), "tensorflow/serving/predict");
  EXPECT_EQ(sig.inputs().at("x").name(), "x:0");
  EXPECT_EQ(sig.inputs().at("x").dtype(), tensorflow::DT_FLOAT);
  EXPECT_EQ(PartialShape::FromProto(sig.inputs().at("x").tensor_shape()).DebugString(), "[-1]");
  EXPECT_EQ(sig.outputs().at("y").name(), "y:0");
  EXPECT_EQ(sig.outputs().at("y").dtype(), tensorflow::DT_FLOAT);
  EXPECT_EQ(meta.saver_def().restore_op_name(), "save/restore_all");
  // The signature agrees with what the graph itself says about its tensors.
  for (const char* tensor : {"x:0", "y:0"}) {
    auto info = TensorInfoFromGraph(meta, tensor);
    ASSERT_TRUE(info.ok()) << info.status();
    EXPECT_EQ(info->dtype(), tensorflow::DT_FLOAT);
  }

  ASSERT_FALSE(contents->variables_prefix.empty());
  auto reader = BundleReader::Open(contents->variables_prefix);
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ((*reader)->keys(), (std::vector<std::string>{"a", "b"}));
  auto a = (*reader)->Lookup("a");
  auto b = (*reader)->Lookup("b");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->shape(), TensorShape{});
  EXPECT_EQ(a->flat<float>()[0], 0.5f);
  EXPECT_EQ(b->flat<float>()[0], 2.0f);
}

TEST(DemoModels, VersionsAreNeverOverwritten) {
  TempDir tmp;
  ASSERT_TRUE(ExportHalfPlusTwo(tmp.path(), "m", 7).ok());
  EXPECT_EQ(ExportHalfPlusTwo(tmp.path(), "m", 7).status().code(),
            absl::StatusCode::kAlreadyExists);
  auto next = ExportHalfPlusTwo(tmp.path(), "m", std::nullopt);
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(next->version, 8);
}

TEST(DemoModels, BuildIsDeterministic) {
  auto first = BuildHalfPlusTwo();
  auto second = BuildHalfPlusTwo();
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_TRUE(
      google::protobuf::util::MessageDifferencer::Equals(first->meta_graph, second->meta_graph));
}

}  // namespace
}  // namespace savedserve
