#include "export/graph_builder.h"

#include <set>

#include "absl/strings/match.h"
#include "export/checkpoint_export.h"
#include "format/op_defs.h"
#include "format/saved_model.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tensorflow/core/framework/variable.pb.h"
#include "test_util/testdata.h"

namespace savedserve {
namespace {

using google::protobuf::util::MessageDifferencer;
using tensorflow::DT_FLOAT;
using tensorflow::DT_INT32;
using tensorflow::DT_STRING;

PartialShape Dims(std::vector<int64_t> dims) { return PartialShape(std::move(dims)); }

const tensorflow::NodeDef* FindNode(const tensorflow::GraphDef& graph, const std::string& name) {
  for (const auto& node : graph.node()) {
    if (node.name() == name) return &node;
  }
  return nullptr;
}

// half_plus_two's graph plus a zeros-initialised variable of each size class.
tensorflow::MetaGraphDef BuildSample(GraphBuilder& g) {
  VariableNodes a = g.VariableV2("a", Tensor::Scalar(0.5f));
  VariableNodes b = g.VariableV2("b", Tensor::Scalar(2.0f));
  VariableOptions zeros;
  zeros.init = VariableOptions::Init::kZeros;
  zeros.trainable = false;
  g.VariableV2("w_small", Tensor(DT_FLOAT, TensorShape{2, 3}), zeros);
  g.VariableV2("w_big", Tensor(DT_INT32, TensorShape{10, 10, 10}), zeros);
  NodeOutput x = g.Placeholder("x", DT_FLOAT, Dims({-1}));
  g.Identity("y", g.Add("", g.Mul("", a.value, x), b.value));
  g.GlobalVariablesInitializer();
  g.AddSaver();
  auto meta = g.Finish();
  EXPECT_TRUE(meta.ok()) << meta.status();
  return meta.ok() ? *meta : tensorflow::MetaGraphDef();
}

TEST(GraphBuilder, GraphIsWellFormed) {
  GraphBuilder g;
  tensorflow::MetaGraphDef meta = BuildSample(g);
  std::set<std::string> names, ops;
  for (const auto& node : meta.graph_def().node()) {
    EXPECT_TRUE(names.insert(node.name()).second) << "duplicate " << node.name();
  }
  for (const auto& op : meta.meta_info_def().stripped_op_list().op()) ops.insert(op.name());
  for (const auto& node : meta.graph_def().node()) {
    SCOPED_TRACE(node.name());
    ASSERT_TRUE(ops.contains(node.op())) << node.op() << " missing from stripped_op_list";
    const tensorflow::OpDef& def = *RegisteredOpDef(node.op());
    bool seen_control = false;
    for (const std::string& input : node.input()) {
      bool control = absl::StartsWith(input, "^");
      EXPECT_FALSE(seen_control && !control) << "data input after a control input";
      seen_control |= control;
      std::string source = input.substr(control ? 1 : 0);
      source = source.substr(0, source.find(':'));
      EXPECT_TRUE(names.contains(source)) << "input " << input;
    }
    for (const auto& attr : def.attr()) {
      EXPECT_TRUE(node.attr().contains(attr.name())) << "attr " << attr.name();
    }
    EXPECT_EQ(node.attr().contains("_output_shapes"), def.output_arg_size() > 0);
  }
  EXPECT_EQ(meta.graph_def().versions().producer(), kTf1GraphDefProducer);
  EXPECT_EQ(meta.meta_info_def().tensorflow_version(), kTf1Version);
}

TEST(GraphBuilder, TensorInfoFromGraphTypesEveryTensor) {
  GraphBuilder g;
  tensorflow::MetaGraphDef meta = BuildSample(g);
  struct Case {
    std::string tensor;
    DataType dtype;
    std::string shape;
  };
  for (const Case& c : std::vector<Case>{{"x:0", DT_FLOAT, "[-1]"},
                                         {"Mul:0", DT_FLOAT, "[-1]"},
                                         {"y:0", DT_FLOAT, "[-1]"},
                                         {"a:0", DT_FLOAT, "[]"},
                                         {"a/read:0", DT_FLOAT, "[]"},
                                         {"w_big/Initializer/zeros:0", DT_INT32, "[10,10,10]"},
                                         {"save/Const:0", DT_STRING, "[]"},
                                         {"save/Identity:0", DT_STRING, "[]"},
                                         {"save/RestoreV2:2", DT_INT32, "<unknown>"}}) {
    auto info = TensorInfoFromGraph(meta, c.tensor);
    ASSERT_TRUE(info.ok()) << c.tensor << ": " << info.status();
    EXPECT_EQ(info->dtype(), c.dtype) << c.tensor;
    EXPECT_EQ(PartialShape::FromProto(info->tensor_shape()).DebugString(), c.shape) << c.tensor;
  }
}

TEST(GraphBuilder, NamesAreMadeUniqueAsTensorFlowDoes) {
  GraphBuilder g;
  NodeOutput one = g.Const("", Tensor::Scalar(1.0f));
  EXPECT_EQ(one.node, "Const");
  EXPECT_EQ(g.Add("", one, one).node, "Add");
  EXPECT_EQ(g.Add("", one, one).node, "Add_1");
  EXPECT_EQ(g.Add("add", one, one).node, "add_2");  // case-insensitive, as in TF
  EXPECT_EQ(g.Add("Add_1", one, one).node, "Add_1_1");
  EXPECT_EQ(g.Add("", one, one).node, "Add_3");
  EXPECT_EQ(g.Const("", Tensor::Scalar(2.0f)).node, "Const_1");
  EXPECT_TRUE(g.status().ok()) << g.status();
}

TEST(GraphBuilder, VariablesCollectionsAndCheckpoint) {
  GraphBuilder g;
  tensorflow::MetaGraphDef meta = BuildSample(g);
  const auto& vars = meta.collection_def().at("variables").bytes_list().value();
  ASSERT_EQ(vars.size(), 4);
  tensorflow::VariableDef a;
  ASSERT_TRUE(a.ParseFromString(vars[0]));
  EXPECT_EQ(a.variable_name(), "a:0");
  EXPECT_EQ(a.initializer_name(), "a/Assign");
  EXPECT_EQ(a.snapshot_name(), "a/read:0");
  EXPECT_EQ(a.initial_value_name(), "a/initial_value:0");
  EXPECT_TRUE(a.trainable());
  tensorflow::VariableDef big;
  ASSERT_TRUE(big.ParseFromString(vars[3]));
  EXPECT_EQ(big.initial_value_name(), "w_big/Initializer/zeros:0");
  EXPECT_EQ(meta.collection_def().at("trainable_variables").bytes_list().value_size(), 2);

  // Zeros initialisers: a compact Const while small, Fill beyond 1000 elements.
  const auto* small = FindNode(meta.graph_def(), "w_small/Initializer/zeros");
  ASSERT_NE(small, nullptr);
  EXPECT_EQ(small->op(), "Const");
  EXPECT_EQ(small->attr().at("value").tensor().float_val_size(), 1);
  EXPECT_EQ(small->attr().at("_class").list().s(0), "loc:@w_small");
  EXPECT_EQ(FindNode(meta.graph_def(), "w_big/Initializer/zeros")->op(), "Fill");

  VariableList checkpoint = g.Variables();
  ASSERT_EQ(checkpoint.size(), 4);
  EXPECT_EQ(checkpoint[0].first, "a");
  EXPECT_EQ(checkpoint[0].second.flat<float>()[0], 0.5f);
  EXPECT_EQ(checkpoint[1].first, "b");
  EXPECT_EQ(checkpoint[3].first, "w_small");

  const auto* init = FindNode(meta.graph_def(), "init");
  ASSERT_NE(init, nullptr);
  EXPECT_EQ(
      std::vector<std::string>(init->input().begin(), init->input().end()),
      (std::vector<std::string>{"^a/Assign", "^b/Assign", "^w_big/Assign", "^w_small/Assign"}));
}

TEST(GraphBuilder, SaverDefAndRestoreMatchVariables) {
  GraphBuilder g;
  tensorflow::MetaGraphDef meta = BuildSample(g);
  const tensorflow::SaverDef& saver = meta.saver_def();
  EXPECT_EQ(saver.filename_tensor_name(), "save/Const:0");
  EXPECT_EQ(saver.save_tensor_name(), "save/Identity:0");
  EXPECT_EQ(saver.restore_op_name(), "save/restore_all");
  EXPECT_TRUE(saver.sharded());
  EXPECT_EQ(saver.max_to_keep(), 5);
  EXPECT_EQ(saver.keep_checkpoint_every_n_hours(), 10000.0f);
  EXPECT_EQ(saver.version(), tensorflow::SaverDef::V2);

  VariableList vars = g.Variables();
  for (const char* op : {"save/RestoreV2", "save/SaveV2"}) {
    SCOPED_TRACE(op);
    const auto* node = FindNode(meta.graph_def(), op);
    ASSERT_NE(node, nullptr);
    const auto* names = FindNode(meta.graph_def(), std::string(op) + "/tensor_names");
    ASSERT_NE(names, nullptr);
    const auto& dtypes = node->attr().at("dtypes").list();
    ASSERT_EQ(dtypes.type_size(), static_cast<int>(vars.size()));
    for (size_t i = 0; i < vars.size(); ++i) {
      EXPECT_EQ(names->attr().at("value").tensor().string_val(i), vars[i].first);
      EXPECT_EQ(dtypes.type(i), vars[i].second.dtype());
    }
  }
  // Each restored tensor is assigned to the variable of the same name.
  for (size_t i = 0; i < vars.size(); ++i) {
    std::string name = i == 0 ? "save/Assign" : "save/Assign_" + std::to_string(i);
    const auto* assign = FindNode(meta.graph_def(), name);
    ASSERT_NE(assign, nullptr) << name;
    EXPECT_EQ(assign->input(0), vars[i].first);
    EXPECT_EQ(assign->input(1), i == 0 ? "save/RestoreV2" : "save/RestoreV2:" + std::to_string(i));
  }
  EXPECT_EQ(FindNode(meta.graph_def(), "save/restore_all")->input(0), "^save/restore_shard");
}

TEST(GraphBuilder, UnshardedSaver) {
  GraphBuilder g;
  g.VariableV2("v", Tensor::Scalar(1.0f));
  SaverOptions options;
  options.sharded = false;
  tensorflow::SaverDef saver = g.AddSaver(options);
  EXPECT_EQ(saver.save_tensor_name(), "save/control_dependency:0");
  EXPECT_FALSE(saver.sharded());
  auto meta = g.Finish();
  ASSERT_TRUE(meta.ok()) << meta.status();
  EXPECT_EQ(FindNode(meta->graph_def(), "save/SaveV2")->input(0), "save/Const");
  EXPECT_EQ(FindNode(meta->graph_def(), "save/restore_all")->input(0), "^save/Assign");
}

TEST(GraphBuilder, FirstErrorIsKeptAndReturnedByFinish) {
  GraphBuilder g;
  NodeOutput f = g.Const("f", Tensor::Scalar(1.0f));
  NodeOutput i = g.Const("i", Tensor::Scalar<int32_t>(1));
  NodeOutput bad = g.Add("", f, i);
  EXPECT_TRUE(bad.node.empty());
  g.AddOp("NoSuchOp", "", {});  // ignored: an error is already recorded
  EXPECT_EQ(g.Finish().status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(g.status().message(), "DT_INT32")) << g.status();

  GraphBuilder unknown;
  unknown.AddOp("NoSuchOp", "", {});
  EXPECT_EQ(unknown.Finish().status().code(), absl::StatusCode::kUnimplemented);

  GraphBuilder shapes;
  NodeOutput x = shapes.Placeholder("x", DT_FLOAT, Dims({2, 3}));
  NodeOutput y = shapes.Placeholder("y", DT_FLOAT, Dims({4}));
  shapes.Add("", x, y);
  EXPECT_FALSE(shapes.status().ok());

  GraphBuilder late;
  late.VariableV2("v", Tensor::Scalar(1.0f));
  late.AddSaver();
  late.VariableV2("w", Tensor::Scalar(1.0f));
  EXPECT_EQ(late.Finish().status().code(), absl::StatusCode::kFailedPrecondition);

  GraphBuilder no_saver;
  no_saver.VariableV2("v", Tensor::Scalar(1.0f));
  EXPECT_EQ(no_saver.Finish().status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(GraphBuilder, BroadcastsShapesAndInfersListAttrs) {
  GraphBuilder g;
  NodeOutput x = g.Placeholder("x", DT_FLOAT, Dims({-1, 1, 3}));
  NodeOutput y = g.Placeholder("y", DT_FLOAT, Dims({4, 1}));
  EXPECT_EQ(g.Mul("", x, y).shape.DebugString(), "[-1,4,3]");
  EXPECT_EQ(g.Sub("", x, g.Placeholder("u", DT_FLOAT, PartialShape())).shape.DebugString(),
            "<unknown>");
  BuiltNode pack = g.AddOp("Pack", "", {x, x, x}, {{"axis", IntAttr(1)}});
  ASSERT_TRUE(g.status().ok()) << g.status();
  const auto* node = FindNode(g.graph_def(), pack.name);
  EXPECT_EQ(node->attr().at("N").i(), 3);
  EXPECT_EQ(node->attr().at("T").type(), DT_FLOAT);
  EXPECT_EQ(pack.output().shape.DebugString(), "<unknown>");
}

// Our OpDefs equal the ones TensorFlow recorded in a real TF1 SavedModel.
TEST(GraphBuilder, OpDefsMatchTensorFlow) {
  SS_REQUIRE_TESTDATA();
  auto model =
      ReadSavedModelProto(testdata + "/savedmodels/saved_model_half_plus_two_cpu/00000123");
  ASSERT_TRUE(model.ok()) << model.status();
  int compared = 0;
  for (const auto& tf_def : model->meta_graphs(0).meta_info_def().stripped_op_list().op()) {
    const tensorflow::OpDef* ours = RegisteredOpDef(tf_def.name());
    if (ours == nullptr) continue;
    std::string diff;
    MessageDifferencer differ;
    differ.ReportDifferencesToString(&diff);
    EXPECT_TRUE(differ.Compare(tf_def, *ours)) << tf_def.name() << ": " << diff;
    ++compared;
  }
  EXPECT_EQ(compared, 17);  // every op the model uses, ParseExample included
}

// The variable and saver nodes equal those TF 1.14 wrote for the same variables, but for
// device placement (that model was built under tf.device("/cpu:0")) and the saver's random
// temporary-directory name.
TEST(GraphBuilder, VariableAndSaverNodesMatchTensorFlow) {
  SS_REQUIRE_TESTDATA();
  auto model =
      ReadSavedModelProto(testdata + "/savedmodels/saved_model_half_plus_two_cpu/00000123");
  ASSERT_TRUE(model.ok()) << model.status();
  const tensorflow::MetaGraphDef& tf_meta = model->meta_graphs(0);
  GraphBuilder g;
  for (const auto& [name, value] : std::vector<std::pair<const char*, float>>{
           {"a", 0.5f}, {"b", 2.0f}, {"c", 3.0f}, {"a2", 0.5f}, {"c2", 3.0f}}) {
    g.VariableV2(name, Tensor::Scalar(value));
  }
  g.AddSaver();
  auto meta = g.Finish();
  ASSERT_TRUE(meta.ok()) << meta.status();
  int compared = 0;
  for (tensorflow::NodeDef tf_node : tf_meta.graph_def().node()) {
    bool variable_node = absl::StartsWith(tf_node.name(), "a/") || tf_node.name() == "a";
    if (!absl::StartsWith(tf_node.name(), "save/") && !variable_node) continue;
    SCOPED_TRACE(tf_node.name());
    const tensorflow::NodeDef* ours = FindNode(meta->graph_def(), tf_node.name());
    ASSERT_NE(ours, nullptr);
    tensorflow::NodeDef mine = *ours;
    tf_node.clear_device();
    mine.clear_device();
    if (tf_node.name() == "save/StringJoin/inputs_1") {
      EXPECT_EQ(mine.attr().at("value").tensor().string_val(0).size(),
                tf_node.attr().at("value").tensor().string_val(0).size());
      continue;
    }
    EXPECT_TRUE(MessageDifferencer::Equals(tf_node, mine)) << "TF:\n"
                                                           << tf_node.DebugString() << "ours:\n"
                                                           << mine.DebugString();
    ++compared;
  }
  EXPECT_EQ(compared, 4 + 24);
  EXPECT_EQ(meta->saver_def().DebugString(), tf_meta.saver_def().DebugString());
  const auto& tf_vars = tf_meta.collection_def().at("variables").bytes_list().value();
  const auto& our_vars = meta->collection_def().at("variables").bytes_list().value();
  ASSERT_EQ(our_vars.size(), tf_vars.size());
  for (int i = 0; i < tf_vars.size(); ++i) EXPECT_EQ(our_vars[i], tf_vars[i]);
}

}  // namespace
}  // namespace savedserve
