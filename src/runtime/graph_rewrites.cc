#include "runtime/graph_rewrites.h"

#include <map>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "runtime/tensor_names.h"
#include "tensor/tensor_proto.h"

namespace savedserve {
namespace {

using tensorflow::NodeDef;

// Names, producers and readers of a node list, as it was when the index was built.
class NodeIndex {
 public:
  NodeIndex(const std::vector<NodeDef>& nodes, const std::set<std::string>& keep)
      : readers_(nodes.size()) {
    for (size_t i = 0; i < nodes.size(); ++i) index_[nodes[i].name()] = static_cast<int>(i);
    for (size_t r = 0; r < nodes.size(); ++r) {
      for (const std::string& input : nodes[r].input()) {
        auto id = ParseTensorId(input);
        auto it = id.ok() ? index_.find(id->node) : index_.end();
        if (it == index_.end()) continue;
        Readers& readers = readers_[it->second];
        if (id->control) {
          ++readers.others;
        } else if (id->index != 0) {
          ++readers.others;
          ++readers.of_other_outputs;
        } else {
          readers.of_first_output.push_back(static_cast<int>(r));
        }
      }
    }
    // A kept node has readers the graph does not show.
    for (const std::string& name : keep) {
      auto it = index_.find(name);
      if (it != index_.end()) ++readers_[it->second].others;
    }
  }

  // The node and output data input `i` of `node` reads, if it is a node of the list.
  std::optional<std::pair<int, int>> Producer(const NodeDef& node, int i) const {
    if (i >= node.input_size()) return std::nullopt;
    auto id = ParseTensorId(node.input(i));
    if (!id.ok() || id->control) return std::nullopt;
    auto it = index_.find(id->node);
    if (it == index_.end()) return std::nullopt;
    return std::make_pair(it->second, id->index);
  }
  bool HasReadersBeyondFirstOutput(int n) const { return readers_[n].of_other_outputs > 0; }
  // The only reader of node `n`, when nothing else reads any of its outputs (nor keeps it)
  // and that reader reads output 0 once.
  std::optional<int> SoleReader(int n) const {
    const Readers& readers = readers_[n];
    if (readers.others != 0 || readers.of_first_output.size() != 1) return std::nullopt;
    return readers.of_first_output[0];
  }

 private:
  struct Readers {
    std::vector<int> of_first_output;  // one entry per reading input
    int others = 0;                    // reads of other outputs, control edges, keeps
    int of_other_outputs = 0;
  };
  absl::flat_hash_map<std::string, int> index_;
  std::vector<Readers> readers_;
};

const std::string& StringAttr(const NodeDef& node, const std::string& name) {
  static const std::string* empty = new std::string;
  auto it = node.attr().find(name);
  return it == node.attr().end() ? *empty : it->second.s();
}

bool IsNhwc(const NodeDef& node) {
  const std::string& format = StringAttr(node, "data_format");
  return format.empty() || format == "NHWC";
}

bool IsFloat(const NodeDef& node) {
  auto it = node.attr().find("T");
  return it != node.attr().end() && it->second.type() == tensorflow::DT_FLOAT;
}

// The value of a Const node, if `node` is one.
std::optional<Tensor> ConstValue(const NodeDef& node) {
  if (node.op() != "Const" || !node.attr().contains("value")) return std::nullopt;
  auto value = TensorFromProto(node.attr().at("value").tensor());
  if (!value.ok()) return std::nullopt;
  return *std::move(value);
}

// A Pad's [4, 2] paddings when they pad with zeros and only the spatial dims (NHWC).
std::optional<std::vector<int64_t>> SpatialZeroPads(const std::vector<NodeDef>& nodes,
                                                    const NodeIndex& index, const NodeDef& pad) {
  if (!(pad.op() == "Pad" && pad.input_size() >= 2) &&
      !(pad.op() == "PadV2" && pad.input_size() >= 3)) {
    return std::nullopt;
  }
  if (pad.op() == "PadV2") {
    auto fill = index.Producer(pad, 2);
    std::optional<Tensor> value = fill ? ConstValue(nodes[fill->first]) : std::nullopt;
    if (!value || value->dtype() != tensorflow::DT_FLOAT || value->num_elements() != 1 ||
        value->data<float>()[0] != 0.0f) {
      return std::nullopt;
    }
  }
  auto producer = index.Producer(pad, 1);
  std::optional<Tensor> paddings = producer ? ConstValue(nodes[producer->first]) : std::nullopt;
  if (!paddings || paddings->shape() != TensorShape({4, 2})) return std::nullopt;
  std::vector<int64_t> pads(8);
  for (int i = 0; i < 8; ++i) {
    if (paddings->dtype() == tensorflow::DT_INT32) {
      pads[i] = paddings->data<int32_t>()[i];
    } else if (paddings->dtype() == tensorflow::DT_INT64) {
      pads[i] = paddings->data<int64_t>()[i];
    } else {
      return std::nullopt;
    }
    if (pads[i] < 0) return std::nullopt;
  }
  if (pads[0] || pads[1] || pads[6] || pads[7]) return std::nullopt;
  return pads;
}

// Adds `from`'s control inputs to `to`.
void CopyControlInputs(const NodeDef& from, NodeDef* to) {
  for (const std::string& input : from.input()) {
    if (!input.empty() && input[0] == '^') to->add_input(input);
  }
}

bool IsActivation(const std::string& op) {
  static const absl::flat_hash_set<std::string> ops = {"Relu",      "Relu6", "Elu",
                                                       "LeakyRelu", "Tanh",  "Sigmoid"};
  return ops.contains(op);
}

std::string FusedOpFor(const std::string& contraction) {
  if (contraction == "Conv2D") return "_FusedConv2D";
  if (contraction == "DepthwiseConv2dNative") return "_FusedDepthwiseConv2dNative";
  if (contraction == "MatMul") return "_FusedMatMul";
  return "";
}

// Whether `tail` (a BiasAdd or an inference FusedBatchNorm) can be folded into `contraction`.
bool TailFits(const NodeDef& contraction, const NodeDef& tail) {
  if (!IsFloat(contraction)) return false;
  const bool matmul = contraction.op() == "MatMul";
  if (!matmul && !IsNhwc(contraction)) return false;
  if (tail.op() == "BiasAdd" || tail.op() == "BiasAddV1") {
    return tail.input_size() >= 2 && IsNhwc(tail);
  }
  if (tail.op() != "FusedBatchNorm" && tail.op() != "FusedBatchNormV2" &&
      tail.op() != "FusedBatchNormV3") {
    return false;
  }
  auto training = tail.attr().find("is_training");
  const bool is_training = training == tail.attr().end() || training->second.b();
  return !matmul && !is_training && IsNhwc(tail) && tail.input_size() >= 5;
}

// The fused node replacing `last`: contraction + tail (+ activation, when `last` is one).
NodeDef FusedNode(const NodeDef& contraction, const NodeDef& tail, const NodeDef& last) {
  NodeDef fused;
  fused.set_name(last.name());
  fused.set_op(FusedOpFor(contraction.op()));
  fused.set_device(last.device());
  *fused.mutable_attr() = contraction.attr();
  fused.mutable_attr()->erase("_output_shapes");
  if (last.attr().contains("_output_shapes")) {
    (*fused.mutable_attr())["_output_shapes"] = last.attr().at("_output_shapes");
  }
  const bool batch_norm = tail.op().rfind("FusedBatchNorm", 0) == 0;
  fused.add_input(contraction.input(0));
  fused.add_input(contraction.input(1));
  for (int i = 1; i < (batch_norm ? 5 : 2); ++i) fused.add_input(tail.input(i));
  auto* ops = (*fused.mutable_attr())["fused_ops"].mutable_list();
  ops->add_s(batch_norm ? "FusedBatchNorm" : "BiasAdd");
  (*fused.mutable_attr())["num_args"].set_i(batch_norm ? 4 : 1);
  (*fused.mutable_attr())["epsilon"].set_f(
      batch_norm && tail.attr().contains("epsilon") ? tail.attr().at("epsilon").f() : 1e-4f);
  (*fused.mutable_attr())["leakyrelu_alpha"].set_f(
      last.op() == "LeakyRelu" && last.attr().contains("alpha") ? last.attr().at("alpha").f()
                                                                : 0.2f);
  if (&last != &tail) ops->add_s(last.op());
  CopyControlInputs(contraction, &fused);
  CopyControlInputs(tail, &fused);
  if (&last != &tail) CopyControlInputs(last, &fused);
  return fused;
}

}  // namespace

int FoldPadsIntoConvolutions(const std::set<std::string>& keep, std::vector<NodeDef>* nodes) {
  const NodeIndex index(*nodes, keep);
  int folded = 0;
  for (NodeDef& conv : *nodes) {
    if (conv.op() != "Conv2D" && conv.op() != "DepthwiseConv2dNative") continue;
    const std::string& padding = StringAttr(conv, "padding");
    if (!IsNhwc(conv) || (padding != "VALID" && padding != "EXPLICIT")) continue;
    auto producer = index.Producer(conv, 0);
    if (!producer || producer->second != 0) continue;
    const NodeDef& pad = (*nodes)[producer->first];
    std::optional<std::vector<int64_t>> pads = SpatialZeroPads(*nodes, index, pad);
    if (!pads) continue;
    if (padding == "EXPLICIT") {
      auto it = conv.attr().find("explicit_paddings");
      if (it == conv.attr().end() || it->second.list().i_size() != 8) continue;
      for (int i = 0; i < 8; ++i) (*pads)[i] += it->second.list().i(i);
    }
    conv.set_input(0, pad.input(0));
    CopyControlInputs(pad, &conv);
    (*conv.mutable_attr())["padding"].set_s("EXPLICIT");
    auto* list = (*conv.mutable_attr())["explicit_paddings"].mutable_list();
    list->clear_i();
    for (int64_t p : *pads) list->add_i(p);
    ++folded;
  }
  return folded;
}

int FuseContractionTails(const std::set<std::string>& keep, std::vector<NodeDef>* nodes) {
  const NodeIndex index(*nodes, keep);
  int fused = 0;
  for (int t = 0; t < static_cast<int>(nodes->size()); ++t) {
    const NodeDef& tail = (*nodes)[t];
    auto producer = index.Producer(tail, 0);
    if (!producer || producer->second != 0) continue;
    const NodeDef& contraction = (*nodes)[producer->first];
    if (FusedOpFor(contraction.op()).empty() || !TailFits(contraction, tail)) continue;
    if (index.SoleReader(producer->first) != t || index.HasReadersBeyondFirstOutput(t)) continue;
    int last = t;
    std::optional<int> reader = index.SoleReader(t);
    if (reader && IsActivation((*nodes)[*reader].op()) && IsFloat((*nodes)[*reader])) {
      last = *reader;
    }
    NodeDef node = FusedNode(contraction, tail, (*nodes)[last]);
    (*nodes)[last] = std::move(node);
    ++fused;
  }
  return fused;
}

std::string RewriteForServing(const std::set<std::string>& keep, std::vector<NodeDef>* nodes) {
  const int folded = FoldPadsIntoConvolutions(keep, nodes);
  const int fused = FuseContractionTails(keep, nodes);
  return absl::StrCat(folded, " pads folded into convolutions, ", fused,
                      " contractions fused with their tails");
}

}  // namespace savedserve
