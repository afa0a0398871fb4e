#include "runtime/shape_inference.h"

#include <deque>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>

#include "kernels/ops/conv_util.h"
#include "runtime/tensor_names.h"
#include "tensor/shape.h"
#include "tensor/tensor_proto.h"

namespace savedserve {
namespace {

using tensorflow::NodeDef;
constexpr int64_t kUnknown = -1;

const std::set<std::string>& SameShapeOps() {
  static const auto* ops = new std::set<std::string>{
      "Identity", "StopGradient", "Snapshot", "PreventGradient", "Cast", "Relu", "Relu6", "Elu",
      "Selu", "LeakyRelu", "Sigmoid", "Tanh", "Softplus", "Softsign", "Neg", "Abs", "Square",
      "Sqrt", "Rsqrt", "Exp", "Log", "Erf", "Softmax", "LogSoftmax", "BiasAdd", "BiasAddV1",
      "FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3"};
  return *ops;
}

const std::set<std::string>& BroadcastOps() {
  static const auto* ops = new std::set<std::string>{
      "Add", "AddV2", "Sub", "Mul", "RealDiv", "Div", "Maximum", "Minimum", "SquaredDifference",
      "Pow"};
  return *ops;
}

int NumOutputs(const NodeDef& node) {
  if (node.op() == "FusedBatchNormV3") return 6;
  if (node.op() == "FusedBatchNorm" || node.op() == "FusedBatchNormV2") return 5;
  return 1;
}

const tensorflow::AttrValue* FindAttr(const NodeDef& node, const char* name) {
  auto it = node.attr().find(name);
  return it == node.attr().end() ? nullptr : &it->second;
}

// An int list attr, or `fallback` when absent.
std::vector<int64_t> IntList(const NodeDef& node, const char* name, std::vector<int64_t> fallback) {
  const tensorflow::AttrValue* attr = FindAttr(node, name);
  if (attr == nullptr) return fallback;
  return std::vector<int64_t>(attr->list().i().begin(), attr->list().i().end());
}

bool Nhwc(const NodeDef& node) {
  const tensorflow::AttrValue* format = FindAttr(node, "data_format");
  return format == nullptr || format->s() == "NHWC";
}

// Output size of a window along one dimension, by the kernels' own padding rules
// (kernels/ops/conv_util.h); unknown for an unknown input or a geometry the kernel refuses.
int64_t WindowedSize(int64_t in, int64_t window, int64_t stride, int64_t dilation,
                     const std::string& padding, int64_t pad_before, int64_t pad_after) {
  if (in < 0) return kUnknown;
  Padding mode;
  if (padding == "SAME") {
    mode = Padding::kSame;
  } else if (padding == "VALID") {
    mode = Padding::kValid;
  } else if (padding == "EXPLICIT") {
    mode = Padding::kExplicit;
  } else {
    return kUnknown;
  }
  absl::StatusOr<WindowDim> dim =
      ComputeWindowDim(in, window, stride, dilation, mode, pad_before, pad_after);
  return dim.ok() && dim->out > 0 ? dim->out : kUnknown;
}

class ShapePass {
 public:
  explicit ShapePass(std::vector<NodeDef>* nodes) : nodes_(*nodes), shapes_(nodes->size()) {
    for (size_t i = 0; i < nodes_.size(); ++i) index_[nodes_[i].name()] = static_cast<int>(i);
  }

  int Run() {
    int written = 0;
    for (int i : TopologicalOrder()) {
      const tensorflow::AttrValue* known = FindAttr(nodes_[i], "_output_shapes");
      if (known != nullptr) {
        for (const auto& proto : known->list().shape()) {
          shapes_[i].push_back(PartialShape::FromProto(proto));
        }
      }
      std::optional<PartialShape> inferred = Infer(nodes_[i]);
      if (!inferred.has_value() || inferred->unknown_rank()) continue;
      const int outputs = NumOutputs(nodes_[i]);
      if (shapes_[i].empty()) shapes_[i].resize(outputs);
      if (static_cast<int>(shapes_[i].size()) != outputs) continue;  // not the op we think
      // The most specific shape both allow; a conflict keeps what the graph says.
      absl::StatusOr<PartialShape> merged = shapes_[i][0].Merge(*inferred);
      if (!merged.ok() || (merged->dims() == shapes_[i][0].dims() &&
                               merged->unknown_rank() == shapes_[i][0].unknown_rank())) {
        continue;
      }
      shapes_[i][0] = *merged;
      auto* list = (*nodes_[i].mutable_attr())["_output_shapes"].mutable_list();
      list->Clear();
      for (const PartialShape& shape : shapes_[i]) shape.ToProto(list->add_shape());
      ++written;
    }
    return written;
  }

  // Data edges only; nodes on cycles (TF1 loops) are left out and so stay unknown.
  std::vector<int> TopologicalOrder() const {
    std::vector<int> pending(nodes_.size(), 0);
    std::vector<std::vector<int>> readers(nodes_.size());
    for (size_t i = 0; i < nodes_.size(); ++i) {
      for (const std::string& input : nodes_[i].input()) {
        auto id = ParseTensorId(input);
        if (!id.ok() || id->control) continue;
        auto it = index_.find(id->node);
        if (it == index_.end()) continue;
        ++pending[i];
        readers[it->second].push_back(static_cast<int>(i));
      }
    }
    std::deque<int> ready;
    for (size_t i = 0; i < nodes_.size(); ++i) {
      if (pending[i] == 0) ready.push_back(static_cast<int>(i));
    }
    std::vector<int> order;
    while (!ready.empty()) {
      const int i = ready.front();
      ready.pop_front();
      order.push_back(i);
      for (int r : readers[i]) {
        if (--pending[r] == 0) ready.push_back(r);
      }
    }
    return order;
  }

  // Data input k's shape, when known (its producer is earlier in the order).
  std::optional<PartialShape> Input(const NodeDef& node, int k) const {
    if (k >= node.input_size()) return std::nullopt;
    auto id = ParseTensorId(node.input(k));
    if (!id.ok() || id->control) return std::nullopt;
    auto it = index_.find(id->node);
    if (it == index_.end() || id->index >= static_cast<int>(shapes_[it->second].size())) {
      return std::nullopt;
    }
    const PartialShape& shape = shapes_[it->second][id->index];
    if (shape.unknown_rank()) return std::nullopt;
    return shape;
  }

  // Data input k's value, when it is a Const integer tensor.
  std::optional<std::vector<int64_t>> ConstInts(const NodeDef& node, int k) const {
    if (k >= node.input_size()) return std::nullopt;
    auto id = ParseTensorId(node.input(k));
    if (!id.ok() || id->control || id->index != 0) return std::nullopt;
    auto it = index_.find(id->node);
    if (it == index_.end() || nodes_[it->second].op() != "Const") return std::nullopt;
    const tensorflow::AttrValue* value = FindAttr(nodes_[it->second], "value");
    if (value == nullptr) return std::nullopt;
    auto tensor = TensorFromProto(value->tensor());
    if (!tensor.ok()) return std::nullopt;
    std::vector<int64_t> values;
    for (int64_t e = 0; e < tensor->num_elements(); ++e) {
      if (tensor->dtype() == tensorflow::DT_INT32) {
        values.push_back(tensor->data<int32_t>()[e]);
      } else if (tensor->dtype() == tensorflow::DT_INT64) {
        values.push_back(tensor->data<int64_t>()[e]);
      } else {
        return std::nullopt;
      }
    }
    return values;
  }

  std::optional<PartialShape> Infer(const NodeDef& node) const {
    const std::string& op = node.op();
    if (op == "Placeholder" || op == "PlaceholderWithDefault") {
      const tensorflow::AttrValue* shape = FindAttr(node, "shape");
      if (shape == nullptr) return std::nullopt;
      return PartialShape::FromProto(shape->shape());
    }
    if (op == "Const") {
      const tensorflow::AttrValue* value = FindAttr(node, "value");
      if (value == nullptr) return std::nullopt;
      return PartialShape::FromProto(value->tensor().tensor_shape());
    }
    if (SameShapeOps().contains(op)) return Input(node, 0);
    if (BroadcastOps().contains(op)) return Broadcast(node);
    if (op == "Conv2D" || op == "_FusedConv2D" || op == "DepthwiseConv2dNative" ||
        op == "_FusedDepthwiseConv2dNative") {
      return Convolution(node);
    }
    if (op == "MaxPool" || op == "AvgPool") return Pool(node);
    if (op == "Pad" || op == "PadV2" || op == "MirrorPad") return Padded(node);
    if (op == "ConcatV2") return Concat(node);
    return std::nullopt;
  }

  std::optional<PartialShape> Broadcast(const NodeDef& node) const {
    auto x = Input(node, 0), y = Input(node, 1);
    if (!x || !y) return std::nullopt;
    const int rank = std::max(x->rank(), y->rank());
    std::vector<int64_t> dims(rank);
    for (int d = 0; d < rank; ++d) {
      const int dx = d - (rank - x->rank()), dy = d - (rank - y->rank());
      const int64_t a = dx >= 0 ? x->dims()[dx] : 1, b = dy >= 0 ? y->dims()[dy] : 1;
      if (a == b || b == 1) {
        dims[d] = a;
      } else if (a == 1) {
        dims[d] = b;
      } else if (a == kUnknown || b == kUnknown) {
        dims[d] = kUnknown;  // the known one, or 1 broadcast to it: not known here
      } else {
        return std::nullopt;  // incompatible: the kernel reports it
      }
    }
    return PartialShape(dims);
  }

  std::optional<PartialShape> Convolution(const NodeDef& node) const {
    auto input = Input(node, 0), filter = Input(node, 1);
    if (!input || !filter || input->rank() != 4 || filter->rank() != 4 || !Nhwc(node)) {
      return std::nullopt;
    }
    const bool depthwise = node.op().find("Depthwise") != std::string::npos;
    const std::vector<int64_t>& f = filter->dims();
    if (f[2] < 0 || f[3] < 0) return std::nullopt;
    const std::vector<int64_t> strides = IntList(node, "strides", {1, 1, 1, 1});
    const std::vector<int64_t> dilations = IntList(node, "dilations", {1, 1, 1, 1});
    std::vector<int64_t> pads = IntList(node, "explicit_paddings", {});
    if (pads.empty()) pads.assign(8, 0);  // TF's default: only EXPLICIT padding reads them
    const tensorflow::AttrValue* padding = FindAttr(node, "padding");
    if (strides.size() != 4 || dilations.size() != 4 || pads.size() != 8 || padding == nullptr) {
      return std::nullopt;
    }
    const std::vector<int64_t>& in = input->dims();
    return PartialShape(std::vector<int64_t>{
        in[0],
        WindowedSize(in[1], f[0], strides[1], dilations[1], padding->s(), pads[2], pads[3]),
        WindowedSize(in[2], f[1], strides[2], dilations[2], padding->s(), pads[4], pads[5]),
        depthwise ? f[2] * f[3] : f[3]});
  }

  std::optional<PartialShape> Pool(const NodeDef& node) const {
    auto input = Input(node, 0);
    const std::vector<int64_t> ksize = IntList(node, "ksize", {});
    const std::vector<int64_t> strides = IntList(node, "strides", {});
    const tensorflow::AttrValue* padding = FindAttr(node, "padding");
    if (!input || input->rank() != 4 || !Nhwc(node) || ksize.size() != 4 || strides.size() != 4 ||
        padding == nullptr || ksize[0] != 1 || ksize[3] != 1) {
      return std::nullopt;
    }
    const std::vector<int64_t>& in = input->dims();
    return PartialShape(std::vector<int64_t>{
        in[0], WindowedSize(in[1], ksize[1], strides[1], 1, padding->s(), 0, 0),
        WindowedSize(in[2], ksize[2], strides[2], 1, padding->s(), 0, 0), in[3]});
  }

  std::optional<PartialShape> Padded(const NodeDef& node) const {
    auto input = Input(node, 0);
    auto paddings = ConstInts(node, 1);
    if (!input || !paddings || paddings->size() != 2 * static_cast<size_t>(input->rank())) {
      return std::nullopt;
    }
    std::vector<int64_t> dims = input->dims();
    for (size_t d = 0; d < dims.size(); ++d) {
      const int64_t before = (*paddings)[2 * d], after = (*paddings)[2 * d + 1];
      if (before < 0 || after < 0) return std::nullopt;
      if (dims[d] >= 0) dims[d] += before + after;
    }
    return PartialShape(dims);
  }

  std::optional<PartialShape> Concat(const NodeDef& node) const {
    int n = 0;
    while (n < node.input_size() && node.input(n)[0] != '^') ++n;
    if (n < 2) return std::nullopt;
    auto axis_value = ConstInts(node, n - 1);
    if (!axis_value || axis_value->size() != 1) return std::nullopt;
    std::optional<PartialShape> first = Input(node, 0);
    if (!first) return std::nullopt;
    const int rank = first->rank();
    const int64_t axis = (*axis_value)[0] < 0 ? (*axis_value)[0] + rank : (*axis_value)[0];
    if (axis < 0 || axis >= rank) return std::nullopt;
    std::vector<int64_t> dims = first->dims();
    for (int k = 1; k < n - 1; ++k) {
      auto other = Input(node, k);
      if (!other || other->rank() != rank) return std::nullopt;
      for (int d = 0; d < rank; ++d) {
        const int64_t b = other->dims()[d];
        if (d == axis) {
          dims[d] = dims[d] < 0 || b < 0 ? kUnknown : dims[d] + b;
        } else if (dims[d] < 0) {
          dims[d] = b;
        } else if (b >= 0 && b != dims[d]) {
          return std::nullopt;  // mismatched: the kernel reports it
        }
      }
    }
    return PartialShape(dims);
  }

  std::vector<NodeDef>& nodes_;
  std::unordered_map<std::string, int> index_;
  std::vector<std::vector<PartialShape>> shapes_;  // per node, per output
};

}  // namespace

int InferMissingShapes(std::vector<NodeDef>* nodes) { return ShapePass(nodes).Run(); }

}  // namespace savedserve
