#include "runtime/blocked_layout.h"

#include <map>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "kernels/ops/blocked_layout.h"
#include "runtime/tensor_names.h"
#include "tensor/shape.h"

namespace savedserve {
namespace {

using tensorflow::NodeDef;

std::string Attr(const NodeDef& node, const std::string& name) {
  auto it = node.attr().find(name);
  return it == node.attr().end() ? "" : it->second.s();
}

// Output `index` of `node` as its _output_shapes declares it, if it is 4-D with known
// channels that are a multiple of 16.
std::optional<PartialShape> BlockableShape(const NodeDef& node, int index) {
  auto it = node.attr().find("_output_shapes");
  if (it == node.attr().end() || index >= it->second.list().shape_size()) return std::nullopt;
  PartialShape shape = PartialShape::FromProto(it->second.list().shape(index));
  if (shape.rank() != 4 || shape.dims()[3] <= 0 || shape.dims()[3] % kChannelBlock != 0) {
    return std::nullopt;
  }
  return shape;
}

class BlockedLayoutPass {
 public:
  explicit BlockedLayoutPass(std::vector<NodeDef>* nodes) : nodes_(*nodes) {
    for (size_t i = 0; i < nodes_.size(); ++i) index_[nodes_[i].name()] = static_cast<int>(i);
  }

  int Run() {
    std::vector<bool> blockable(nodes_.size());
    for (size_t i = 0; i < nodes_.size(); ++i) blockable[i] = Blockable(nodes_[i]);
    std::vector<NodeDef> added;
    int blocked = 0;
    for (size_t i = 0; i < nodes_.size(); ++i) {
      if (!blockable[i]) continue;
      NodeDef node = nodes_[i];
      auto input = ParseTensorId(node.input(0));
      if (!input.ok()) continue;
      auto producer = index_.find(input->node);
      std::string blocked_input;
      if (producer != index_.end() && blockable[producer->second] && input->index == 0) {
        blocked_input = BlockedName(input->node);
      } else {
        blocked_input = Converter(node.input(0), *input, &added);
      }
      node.set_name(BlockedName(nodes_[i].name()));
      node.set_input(0, blocked_input);
      (*node.mutable_attr())[kLayoutAttr].set_s(kBlockedLayout);
      const PartialShape shape = *BlockableShape(nodes_[i], 0);
      SetShape(BlockedShape(shape), &node);
      NodeDef from;
      from.set_name(nodes_[i].name());
      from.set_op(kFromBlockedOp);
      from.set_device(nodes_[i].device());
      from.add_input(node.name());
      (*from.mutable_attr())["T"].set_type(tensorflow::DT_FLOAT);
      SetShape(shape, &from);
      nodes_[i] = std::move(from);
      added.push_back(std::move(node));
      ++blocked;
    }
    for (NodeDef& node : added) nodes_.push_back(std::move(node));
    return blocked;
  }

 private:
  static std::string BlockedName(const std::string& name) { return name + "/_nChw16c"; }

  static void SetShape(const PartialShape& shape, NodeDef* node) {
    auto* list = (*node->mutable_attr())["_output_shapes"].mutable_list();
    list->Clear();
    shape.ToProto(list->add_shape());
  }

  // The shape of tensor `input` of some node, if blockable.
  std::optional<PartialShape> InputShape(const std::string& input) const {
    auto id = ParseTensorId(input);
    if (!id.ok() || id->control) return std::nullopt;
    auto it = index_.find(id->node);
    if (it == index_.end()) return std::nullopt;
    return BlockableShape(nodes_[it->second], id->index);
  }

  bool Blockable(const NodeDef& node) const {
    const bool conv = node.op() == "Conv2D" || node.op() == "_FusedConv2D";
    const bool pool = node.op() == "MaxPool" || node.op() == "AvgPool";
    if (!conv && !pool) return false;
    if (index_.contains(BlockedName(node.name()))) return false;  // the name is taken
    auto type = node.attr().find("T");
    if (type == node.attr().end() || type->second.type() != tensorflow::DT_FLOAT) return false;
    const std::string format = Attr(node, "data_format");
    if (!format.empty() && format != "NHWC") return false;
    if (node.input_size() < (conv ? 2 : 1) || !BlockableShape(node, 0) ||
        !InputShape(node.input(0)) || !BlockableTail(node)) {
      return false;
    }
    if (!conv) return true;
    // The filter [kh, kw, in, out]: both channel counts known multiples of 16.
    auto id = ParseTensorId(node.input(1));
    auto filter = id.ok() ? index_.find(id->node) : index_.end();
    if (filter == index_.end()) return false;
    auto shapes = nodes_[filter->second].attr().find("_output_shapes");
    if (shapes == nodes_[filter->second].attr().end() ||
        id->index >= shapes->second.list().shape_size()) {
      return false;
    }
    const PartialShape f = PartialShape::FromProto(shapes->second.list().shape(id->index));
    return f.rank() == 4 && f.dims()[2] > 0 && f.dims()[2] % kChannelBlock == 0 &&
           f.dims()[3] > 0 && f.dims()[3] % kChannelBlock == 0;
  }

  // The _ToNChw16c node converting tensor `input` (made once per tensor).
  std::string Converter(const std::string& input, const TensorId& id, std::vector<NodeDef>* added) {
    const std::string tensor = TensorId{id.node, id.index, false}.ToString();
    auto [it, inserted] = converters_.emplace(tensor, "");
    if (inserted) {
      std::string name = id.node + "/_to_nChw16c";
      if (id.index != 0) name += "_" + std::to_string(id.index);
      while (index_.contains(name)) name += "_";
      it->second = name;
      NodeDef& to = added->emplace_back();
      to.set_name(name);
      to.set_op(kToBlockedOp);
      to.add_input(input);
      (*to.mutable_attr())["T"].set_type(tensorflow::DT_FLOAT);
      SetShape(BlockedShape(*InputShape(input)), &to);
    }
    return it->second;
  }

  std::vector<NodeDef>& nodes_;
  absl::flat_hash_map<std::string, int> index_;
  std::map<std::string, std::string> converters_;  // tensor -> its _ToNChw16c node
};

}  // namespace

bool BlockableTail(const NodeDef& node) {
  if (node.op() != "_FusedConv2D") return true;
  auto it = node.attr().find("fused_ops");
  if (it == node.attr().end()) return false;
  const auto& ops = it->second.list().s();
  return !ops.empty() && ops[0] == "BiasAdd" && ops.size() <= 2 &&
         (ops.size() == 1 || ops[1] != "Add");
}

int KeepActivationsBlocked(std::vector<NodeDef>* nodes) { return BlockedLayoutPass(nodes).Run(); }

}  // namespace savedserve
