#include "export/tfjs_graph_rewrite.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status.h"

namespace savedserve {
namespace {

using tensorflow::NodeDef;

constexpr char kFusedDepthwise[] = "FusedDepthwiseConv2dNative";
constexpr char kDepthwiseAlias[] = "DepthwiseConv2d";
constexpr char kPrelu[] = "Prelu";

// Activations TensorFlow has as standalone ops with the same name.
const std::set<std::string>& PlainActivations() {
  static const auto* ops = new std::set<std::string>{"Relu", "Relu6", "Elu", "Sigmoid", "Tanh"};
  return *ops;
}

// Builds the replacement nodes of one original node, with names unique in the graph.
class Replacement {
 public:
  Replacement(const NodeDef& original, std::set<std::string>* names)
      : original_(original), names_(names) {
    for (const std::string& input : original.input()) {
      (input.rfind('^', 0) == 0 ? control_inputs_ : data_inputs_).push_back(input);
    }
  }

  const std::vector<std::string>& data_inputs() const { return data_inputs_; }
  std::vector<NodeDef>& nodes() { return nodes_; }

  // Adds a node computing `op` of `inputs`, with the original's device and T attribute. An
  // empty `suffix` gives the original's own name (the last node of a replacement).
  NodeDef* Add(const std::string& suffix, const std::string& op,
               const std::vector<std::string>& inputs) {
    NodeDef& node = nodes_.emplace_back();
    node.set_name(suffix.empty() ? original_.name() : UniqueName(suffix));
    node.set_op(op);
    node.set_device(original_.device());
    for (const std::string& input : inputs) node.add_input(input);
    // Control dependencies go on the first node, which every other one follows.
    if (nodes_.size() == 1) {
      for (const std::string& input : control_inputs_) node.add_input(input);
    }
    CopyAttr("T", &node);
    return &node;
  }

  void CopyAttr(const std::string& name, NodeDef* to, const std::string& as = "") const {
    auto it = original_.attr().find(name);
    if (it != original_.attr().end()) (*to->mutable_attr())[as.empty() ? name : as] = it->second;
  }

  // x -> Relu(x) + alpha * (x - Relu(x)): x - Relu(x) is exactly min(x, 0), so this equals
  // TF.js's prelu (x < 0 ? alpha * x : x) bit for bit.
  void AddPrelu(const std::string& x, const std::string& alpha) {
    std::string pos = Add("prelu/positive", "Relu", {x})->name();
    std::string neg = Add("prelu/negative", "Sub", {x, pos})->name();
    std::string scaled = Add("prelu/scaled", "Mul", {alpha, neg})->name();
    Add("", "AddV2", {pos, scaled});
  }

  // Adds `activation` of `x` as the last node; `alpha` is Prelu's argument.
  absl::Status AddActivation(const std::string& activation, const std::string& x,
                             const std::string& alpha) {
    if (activation == kPrelu) {
      AddPrelu(x, alpha);
    } else if (activation == "LeakyRelu") {
      NodeDef* node = Add("", "LeakyRelu", {x});
      CopyAttr("leakyrelu_alpha", node, "alpha");
    } else if (PlainActivations().contains(activation)) {
      Add("", activation, {x});
    } else {
      return absl::UnimplementedError(absl::StrCat(original_.op(), " '", original_.name(),
                                                   "': activation '", activation,
                                                   "' has no TensorFlow equivalent here"));
    }
    return absl::OkStatus();
  }

 private:
  std::string UniqueName(const std::string& suffix) {
    std::string base = absl::StrCat(original_.name(), "/", suffix);
    std::string name = base;
    for (int i = 1; names_->contains(name); ++i) name = absl::StrCat(base, "_", i);
    names_->insert(name);
    return name;
  }

  const NodeDef& original_;
  std::set<std::string>* names_;
  std::vector<std::string> data_inputs_, control_inputs_;
  std::vector<NodeDef> nodes_;
};

// fused_ops of a TF.js fused node: [BiasAdd] [activation], as TF.js's executor reads them.
struct FusedSpec {
  bool bias_add = false;
  std::string activation;  // empty: none
};

absl::StatusOr<FusedSpec> ParseFusedSpec(const NodeDef& node, int data_inputs) {
  std::vector<std::string> ops;
  auto it = node.attr().find("fused_ops");
  if (it != node.attr().end())
    ops.assign(it->second.list().s().begin(), it->second.list().s().end());
  FusedSpec spec;
  size_t i = 0;
  if (i < ops.size() && ops[i] == "BiasAdd") {
    spec.bias_add = true;
    ++i;
  }
  if (i < ops.size()) spec.activation = ops[i++];
  int want_args = spec.bias_add + (spec.activation == kPrelu);
  if (i != ops.size() || data_inputs != 2 + want_args) {
    return absl::UnimplementedError(
        absl::StrCat(node.op(), " '", node.name(), "': fused_ops [", absl::StrJoin(ops, ","),
                     "] with ", data_inputs - 2, " extra inputs is not supported (expected ",
                     "[BiasAdd] [activation] with their arguments)"));
  }
  return spec;
}

// The attributes a depthwise convolution keeps from the fused node.
void CopyConvAttrs(const Replacement& r, NodeDef* node) {
  for (const char* attr : {"strides", "padding", "dilations", "data_format"}) {
    r.CopyAttr(attr, node);
  }
}

absl::StatusOr<std::vector<NodeDef>> SplitFusedDepthwise(const NodeDef& node,
                                                         std::set<std::string>* names) {
  Replacement r(node, names);
  const auto& in = r.data_inputs();
  if (in.size() < 2) {
    return absl::InvalidArgumentError(
        absl::StrCat(kFusedDepthwise, " '", node.name(), "' needs at least two inputs"));
  }
  ASSIGN_OR_RETURN(FusedSpec spec, ParseFusedSpec(node, in.size()));
  bool last = !spec.bias_add && spec.activation.empty();
  NodeDef* conv = r.Add(last ? "" : "depthwise", "DepthwiseConv2dNative", {in[0], in[1]});
  CopyConvAttrs(r, conv);
  auto paddings = node.attr().find("explicit_paddings");
  if (paddings != node.attr().end() && paddings->second.list().i_size() > 0) {
    (*conv->mutable_attr())["explicit_paddings"] = paddings->second;
  }
  std::string x = conv->name();
  if (spec.bias_add) {
    NodeDef* bias = r.Add(spec.activation.empty() ? "" : "bias_add", "BiasAdd", {x, in[2]});
    r.CopyAttr("data_format", bias);
    x = bias->name();
  }
  if (!spec.activation.empty()) {
    RETURN_IF_ERROR(r.AddActivation(spec.activation, x, in.back()));
  }
  return std::move(r.nodes());
}

// _FusedConv2D / _FusedMatMul ending in Prelu: the fused op without it, then Prelu.
absl::StatusOr<std::vector<NodeDef>> SplitFusedPrelu(const NodeDef& node,
                                                     std::set<std::string>* names) {
  Replacement r(node, names);
  const auto& in = r.data_inputs();
  ASSIGN_OR_RETURN(FusedSpec spec, ParseFusedSpec(node, in.size()));
  std::vector<std::string> inputs(in.begin(), in.end() - 1);
  std::string base_op = node.op() == "_FusedConv2D" ? "Conv2D" : "MatMul";
  NodeDef* core = r.Add("fused", spec.bias_add ? node.op() : base_op, inputs);
  for (const auto& [name, value] : node.attr()) {
    if (name != "fused_ops" && name != "num_args") (*core->mutable_attr())[name] = value;
  }
  if (spec.bias_add) {
    (*core->mutable_attr())["fused_ops"].mutable_list()->add_s("BiasAdd");
    (*core->mutable_attr())["num_args"].set_i(1);
  } else {
    for (const char* attr : {"epsilon", "leakyrelu_alpha"}) core->mutable_attr()->erase(attr);
  }
  r.AddPrelu(core->name(), in.back());
  return std::move(r.nodes());
}

bool EndsInPrelu(const NodeDef& node) {
  auto it = node.attr().find("fused_ops");
  if (it == node.attr().end()) return false;
  const auto& ops = it->second.list().s();
  return !ops.empty() && ops[ops.size() - 1] == kPrelu;
}

// The replacement of `node`, or an empty vector when it stays as it is.
absl::StatusOr<std::vector<NodeDef>> Rewrite(const NodeDef& node, std::set<std::string>* names) {
  if (node.op() == kFusedDepthwise) return SplitFusedDepthwise(node, names);
  if ((node.op() == "_FusedConv2D" || node.op() == "_FusedMatMul") && EndsInPrelu(node)) {
    return SplitFusedPrelu(node, names);
  }
  if (node.op() == kPrelu) {
    Replacement r(node, names);
    if (r.data_inputs().size() != 2) {
      return absl::InvalidArgumentError(absl::StrCat("Prelu '", node.name(), "' needs 2 inputs"));
    }
    r.AddPrelu(r.data_inputs()[0], r.data_inputs()[1]);
    return std::move(r.nodes());
  }
  if (node.op() == kDepthwiseAlias) {
    NodeDef renamed = node;
    renamed.set_op("DepthwiseConv2dNative");
    return std::vector<NodeDef>{std::move(renamed)};
  }
  return std::vector<NodeDef>{};
}

absl::Status CheckFunctions(const tensorflow::GraphDef& graph) {
  std::vector<std::string> only = TfjsOnlyOps();
  for (const auto& function : graph.library().function()) {
    for (const auto& node : function.node_def()) {
      bool tfjs_only = std::find(only.begin(), only.end(), node.op()) != only.end();
      if (tfjs_only ||
          ((node.op() == "_FusedConv2D" || node.op() == "_FusedMatMul") && EndsInPrelu(node))) {
        return absl::UnimplementedError(absl::StrCat(
            "node '", node.name(), "' in function '", function.signature().name(),
            "' is the TF.js-only op ", node.op(), "; rewriting inside functions is not supported"));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status RewriteTfjsOnlyOps(tensorflow::GraphDef* graph) {
  RETURN_IF_ERROR(CheckFunctions(*graph));
  std::set<std::string> names;
  for (const auto& node : graph->node()) names.insert(node.name());
  google::protobuf::RepeatedPtrField<NodeDef> out;
  for (const auto& node : graph->node()) {
    ASSIGN_OR_RETURN(std::vector<NodeDef> replacement, Rewrite(node, &names));
    if (replacement.empty()) {
      *out.Add() = node;
      continue;
    }
    for (NodeDef& n : replacement) *out.Add() = std::move(n);
  }
  graph->mutable_node()->Swap(&out);
  return absl::OkStatus();
}

std::vector<std::string> TfjsOnlyOps() { return {kDepthwiseAlias, kFusedDepthwise, kPrelu}; }

}  // namespace savedserve
