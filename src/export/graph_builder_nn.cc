// GraphBuilder's neural-network and array ops: attrs as TF's Python wrappers write them, plus
// static shape inference (TF's shape functions, on the shapes the builder knows).
#include <algorithm>
#include <limits>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "export/graph_builder.h"

namespace savedserve {
namespace {

constexpr int64_t kUnknownDim = -1;

absl::Status RequireRank(const PartialShape& shape, int rank, absl::string_view what) {
  if (shape.unknown_rank() || shape.rank() == rank) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(what, " must have rank ", rank, ", got ", shape.DebugString()));
}

// Dim `i` of a shape that may have unknown rank.
int64_t DimOrUnknown(const PartialShape& shape, int i) {
  return shape.unknown_rank() ? kUnknownDim : shape.dims()[i];
}

// TF's GetWindowedOutputSize: the output length of a window of `k` taps (spread by
// `dilation`) moved by `stride` over `in` elements.
absl::StatusOr<int64_t> WindowedSize(int64_t in, int64_t k, int64_t stride, int64_t dilation,
                                     const std::string& padding, int64_t pad_before,
                                     int64_t pad_after) {
  if (in < 0) return kUnknownDim;
  if (padding == "SAME") return (in + stride - 1) / stride;
  const int64_t window = (k - 1) * dilation + 1;
  const int64_t padded = in + pad_before + pad_after;
  if (k >= 0 && padded < window) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a window of ", window, " does not fit an input of ", padded, " (", padding, " padding)"));
  }
  return k < 0 ? kUnknownDim : (padded - window) / stride + 1;
}

absl::Status CheckPadding(const std::string& padding, bool explicit_allowed) {
  if (padding == "SAME" || padding == "VALID" || (explicit_allowed && padding == "EXPLICIT")) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat("padding must be SAME or VALID",
                                                 explicit_allowed ? " or EXPLICIT" : "", ", got '",
                                                 padding, "'"));
}

// The spatial output dims [N, H', W'] of a window op over NHWC `input`.
absl::StatusOr<std::vector<int64_t>> WindowedShape(
    const PartialShape& input, std::array<int64_t, 2> k, std::array<int64_t, 2> strides,
    std::array<int64_t, 2> dilations, const std::string& padding, std::array<int64_t, 4> pads) {
  RETURN_IF_ERROR(RequireRank(input, 4, "input"));
  for (int i = 0; i < 2; ++i) {
    if (strides[i] < 1 || dilations[i] < 1) {
      return absl::InvalidArgumentError("strides and dilations must be >= 1");
    }
  }
  std::vector<int64_t> dims = {DimOrUnknown(input, 0)};
  for (int i = 0; i < 2; ++i) {
    ASSIGN_OR_RETURN(int64_t d, WindowedSize(DimOrUnknown(input, i + 1), k[i], strides[i],
                                             dilations[i], padding, pads[2 * i], pads[2 * i + 1]));
    dims.push_back(d);
  }
  return dims;
}

absl::StatusOr<int64_t> NormalizeAxis(int64_t axis, int rank, absl::string_view what) {
  if (axis < -rank || axis >= rank) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " ", axis, " is out of range for rank ", rank));
  }
  return axis < 0 ? axis + rank : axis;
}

absl::StatusOr<PartialShape> ReshapedShape(const PartialShape& input, std::vector<int64_t> dims) {
  int inferred = -1;
  int64_t known = 1;
  for (int i = 0; i < static_cast<int>(dims.size()); ++i) {
    if (dims[i] == -1 && inferred >= 0) {
      return absl::InvalidArgumentError("shape may hold at most one -1");
    }
    if (dims[i] < -1) return absl::InvalidArgumentError(absl::StrCat("bad dim ", dims[i]));
    if (dims[i] == -1) inferred = i;
    if (dims[i] >= 0) known *= dims[i];
  }
  if (!input.IsFullyDefined()) return PartialShape(std::move(dims));
  int64_t total = 1;
  for (int64_t d : input.dims()) total *= d;
  bool fits = inferred >= 0 ? (known > 0 && total % known == 0) : total == known;
  if (!fits) {
    return absl::InvalidArgumentError(absl::StrCat("cannot reshape ", input.DebugString(), " (",
                                                   total, " elements) to ",
                                                   PartialShape(dims).DebugString()));
  }
  if (inferred >= 0) dims[inferred] = total / known;
  return PartialShape(std::move(dims));
}

absl::StatusOr<PartialShape> ReducedShape(const PartialShape& input,
                                          const std::vector<int64_t>& axes, bool keep_dims) {
  if (input.unknown_rank()) return PartialShape::UnknownRank();
  std::vector<bool> reduced(input.rank(), false);
  for (int64_t axis : axes) {
    ASSIGN_OR_RETURN(int64_t a, NormalizeAxis(axis, input.rank(), "axis"));
    reduced[a] = true;
  }
  std::vector<int64_t> dims;
  for (int i = 0; i < input.rank(); ++i) {
    if (!reduced[i])
      dims.push_back(input.dims()[i]);
    else if (keep_dims)
      dims.push_back(1);
  }
  return PartialShape(std::move(dims));
}

absl::StatusOr<PartialShape> ConcatShape(const std::vector<NodeOutput>& values, int64_t axis) {
  int rank = -1;
  for (const NodeOutput& v : values) {
    if (v.shape.unknown_rank()) continue;
    if (rank >= 0 && v.shape.rank() != rank) {
      return absl::InvalidArgumentError(
          absl::StrCat("inputs have different ranks (", rank, " and ", v.shape.rank(), ")"));
    }
    rank = v.shape.rank();
  }
  if (rank < 0) return PartialShape::UnknownRank();
  ASSIGN_OR_RETURN(int64_t a, NormalizeAxis(axis, rank, "axis"));
  std::vector<int64_t> dims(rank, kUnknownDim);
  dims[a] = 0;
  for (const NodeOutput& v : values) {
    for (int i = 0; i < rank; ++i) {
      int64_t d = DimOrUnknown(v.shape, i);
      if (i == a) {
        dims[i] = (d < 0 || dims[i] < 0) ? kUnknownDim : dims[i] + d;
      } else if (d >= 0 && dims[i] >= 0 && d != dims[i]) {
        return absl::InvalidArgumentError(
            absl::StrCat("dimension ", i, " differs: ", dims[i], " vs ", d));
      } else if (d >= 0) {
        dims[i] = d;
      }
    }
  }
  return PartialShape(std::move(dims));
}

TensorShape Vector(size_t n) { return TensorShape{static_cast<int64_t>(n)}; }

std::vector<int64_t> Nhwc(std::array<int64_t, 2> hw) { return {1, hw[0], hw[1], 1}; }

}  // namespace

bool GraphBuilder::CheckShape(const absl::Status& status, absl::string_view op,
                              absl::string_view name) {
  if (status.ok()) return status_.ok();
  Fail(Annotate(status, absl::StrCat("adding ", op, " '", name.empty() ? op : name, "'")));
  return false;
}

std::string GraphBuilder::NameFor(absl::string_view op, absl::string_view name) {
  return status_.ok() ? UniqueName(name.empty() ? op : name) : std::string();
}

NodeOutput GraphBuilder::Int32Const(const std::string& name, const std::vector<int64_t>& values,
                                    const TensorShape& shape) {
  std::vector<int32_t> narrowed;
  for (int64_t v : values) {
    if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
      Fail(absl::InvalidArgumentError(absl::StrCat(name, ": ", v, " does not fit int32")));
      return NodeOutput();
    }
    narrowed.push_back(static_cast<int32_t>(v));
  }
  return Const(name, Tensor::FromVector<int32_t>(narrowed, shape));
}

NodeOutput GraphBuilder::UnaryOp(absl::string_view op, absl::string_view name,
                                 const NodeOutput& x) {
  return AddOp(op, name, {x}, {}, {x.shape}).output();
}

NodeOutput GraphBuilder::Maximum(absl::string_view name, const NodeOutput& x, const NodeOutput& y) {
  return BinaryOp("Maximum", name, x, y);
}
NodeOutput GraphBuilder::Minimum(absl::string_view name, const NodeOutput& x, const NodeOutput& y) {
  return BinaryOp("Minimum", name, x, y);
}
NodeOutput GraphBuilder::RealDiv(absl::string_view name, const NodeOutput& x, const NodeOutput& y) {
  return BinaryOp("RealDiv", name, x, y);
}
NodeOutput GraphBuilder::Relu(absl::string_view name, const NodeOutput& features) {
  return UnaryOp("Relu", name, features);
}
NodeOutput GraphBuilder::Relu6(absl::string_view name, const NodeOutput& features) {
  return UnaryOp("Relu6", name, features);
}
NodeOutput GraphBuilder::Sigmoid(absl::string_view name, const NodeOutput& x) {
  return UnaryOp("Sigmoid", name, x);
}
NodeOutput GraphBuilder::Square(absl::string_view name, const NodeOutput& x) {
  return UnaryOp("Square", name, x);
}

NodeOutput GraphBuilder::ZerosLike(absl::string_view name, const NodeOutput& x) {
  return UnaryOp("ZerosLike", name, x);
}
NodeOutput GraphBuilder::Rsqrt(absl::string_view name, const NodeOutput& x) {
  return UnaryOp("Rsqrt", name, x);
}

NodeOutput GraphBuilder::Softmax(absl::string_view name, const NodeOutput& logits) {
  absl::Status s = logits.shape.rank() == 0
                       ? absl::InvalidArgumentError("logits must have rank >= 1")
                       : absl::OkStatus();
  if (!CheckShape(s, "Softmax", name)) return NodeOutput();
  return UnaryOp("Softmax", name, logits);
}

NodeOutput GraphBuilder::ConvOp(absl::string_view op, absl::string_view name,
                                const NodeOutput& input, const NodeOutput& filter,
                                const ConvOptions& options) {
  const bool depthwise = op == "DepthwiseConv2dNative";
  const bool is_explicit = options.padding == "EXPLICIT";
  absl::Status s = CheckPadding(options.padding, !depthwise);
  if (s.ok()) s = RequireRank(filter.shape, 4, "filter");
  const int64_t in_channels = filter.shape.rank() == 4 ? filter.shape.dims()[2] : kUnknownDim;
  const int64_t channels = input.shape.rank() == 4 ? input.shape.dims()[3] : kUnknownDim;
  if (s.ok() && in_channels >= 0 && channels >= 0 && in_channels != channels) {
    s = absl::InvalidArgumentError(
        absl::StrCat("input has ", channels, " channels, the filter expects ", in_channels));
  }
  std::array<int64_t, 2> k = {DimOrUnknown(filter.shape, 0), DimOrUnknown(filter.shape, 1)};
  std::array<int64_t, 4> pads =
      is_explicit ? options.explicit_paddings : std::array<int64_t, 4>{0, 0, 0, 0};
  absl::StatusOr<std::vector<int64_t>> dims =
      s.ok()
          ? WindowedShape(input.shape, k, options.strides, options.dilations, options.padding, pads)
          : s;
  if (!CheckShape(dims.status(), op, name)) return NodeOutput();
  int64_t out = DimOrUnknown(filter.shape, 3);
  if (depthwise) out = (out < 0 || in_channels < 0) ? kUnknownDim : out * in_channels;
  dims->push_back(out);
  AttrMap attrs = {{"strides", IntListAttr(Nhwc(options.strides))},
                   {"dilations", IntListAttr(Nhwc(options.dilations))},
                   {"padding", StringAttr(options.padding)},
                   {"data_format", StringAttr("NHWC")}};
  if (!depthwise) {
    std::vector<int64_t> explicit_pads;
    if (is_explicit) explicit_pads = {0, 0, pads[0], pads[1], pads[2], pads[3], 0, 0};
    attrs["explicit_paddings"] = IntListAttr(explicit_pads);
    attrs["use_cudnn_on_gpu"] = BoolAttr(true);
  }
  return AddOp(op, name, {input, filter}, std::move(attrs), {PartialShape(*std::move(dims))})
      .output();
}

NodeOutput GraphBuilder::Conv2D(absl::string_view name, const NodeOutput& input,
                                const NodeOutput& filter, const ConvOptions& options) {
  return ConvOp("Conv2D", name, input, filter, options);
}

NodeOutput GraphBuilder::DepthwiseConv2dNative(absl::string_view name, const NodeOutput& input,
                                               const NodeOutput& filter,
                                               const ConvOptions& options) {
  return ConvOp("DepthwiseConv2dNative", name, input, filter, options);
}

NodeOutput GraphBuilder::BiasAdd(absl::string_view name, const NodeOutput& value,
                                 const NodeOutput& bias) {
  absl::Status s = RequireRank(bias.shape, 1, "bias");
  const int64_t n = bias.shape.rank() == 1 ? bias.shape.dims()[0] : kUnknownDim;
  const int64_t c = value.shape.rank() > 0 ? value.shape.dims().back() : kUnknownDim;
  if (s.ok() && value.shape.rank() == 0)
    s = absl::InvalidArgumentError("value must not be a scalar");
  if (s.ok() && n >= 0 && c >= 0 && n != c) {
    s = absl::InvalidArgumentError(
        absl::StrCat("bias has ", n, " elements, the value's last dimension is ", c));
  }
  if (!CheckShape(s, "BiasAdd", name)) return NodeOutput();
  return AddOp("BiasAdd", name, {value, bias}, {{"data_format", StringAttr("NHWC")}}, {value.shape})
      .output();
}

NodeOutput GraphBuilder::MaxPool(absl::string_view name, const NodeOutput& input,
                                 const PoolOptions& options) {
  absl::Status s = CheckPadding(options.padding, false);
  absl::StatusOr<std::vector<int64_t>> dims =
      s.ok() ? WindowedShape(input.shape, options.ksize, options.strides, {1, 1}, options.padding,
                             {0, 0, 0, 0})
             : s;
  if (!CheckShape(dims.status(), "MaxPool", name)) return NodeOutput();
  dims->push_back(DimOrUnknown(input.shape, 3));
  return AddOp("MaxPool", name, {input},
               {{"ksize", IntListAttr(Nhwc(options.ksize))},
                {"strides", IntListAttr(Nhwc(options.strides))},
                {"padding", StringAttr(options.padding)},
                {"data_format", StringAttr("NHWC")}},
               {PartialShape(*std::move(dims))})
      .output();
}

NodeOutput GraphBuilder::FusedBatchNormV3(absl::string_view name, const NodeOutput& x,
                                          const NodeOutput& scale, const NodeOutput& offset,
                                          const NodeOutput& mean, const NodeOutput& variance,
                                          float epsilon) {
  absl::Status s = RequireRank(x.shape, 4, "x");
  for (const NodeOutput* p : {&scale, &offset, &mean, &variance}) {
    if (s.ok()) s = RequireRank(p->shape, 1, "scale, offset, mean and variance");
  }
  if (!CheckShape(s, "FusedBatchNormV3", name)) return NodeOutput();
  PartialShape c(std::vector<int64_t>{DimOrUnknown(x.shape, 3)});
  return AddOp("FusedBatchNormV3", name, {x, scale, offset, mean, variance},
               {{"epsilon", FloatAttr(epsilon)},
                {"is_training", BoolAttr(false)},
                {"data_format", StringAttr("NHWC")}},
               {x.shape, c, c, c, c, PartialShape::UnknownRank()})
      .output();
}

NodeOutput GraphBuilder::Pad(absl::string_view name, const NodeOutput& input,
                             const std::vector<std::pair<int64_t, int64_t>>& paddings) {
  absl::Status s = RequireRank(input.shape, static_cast<int>(paddings.size()), "input");
  std::vector<int64_t> flat, dims;
  for (size_t i = 0; i < paddings.size(); ++i) {
    const auto [before, after] = paddings[i];
    if (before < 0 || after < 0) s = absl::InvalidArgumentError("paddings must be >= 0");
    flat.push_back(before);
    flat.push_back(after);
    int64_t d = DimOrUnknown(input.shape, static_cast<int>(i));
    dims.push_back(d < 0 ? kUnknownDim : d + before + after);
  }
  if (!CheckShape(s, "Pad", name)) return NodeOutput();
  const std::string node = NameFor("Pad", name);
  NodeOutput pads =
      Int32Const(node + "/paddings", flat, TensorShape{static_cast<int64_t>(paddings.size()), 2});
  return AddNamedOp(node, "Pad", {input, pads}, {}, {PartialShape(std::move(dims))}, {}).output();
}

NodeOutput GraphBuilder::Reshape(absl::string_view name, const NodeOutput& tensor,
                                 const std::vector<int64_t>& shape) {
  absl::StatusOr<PartialShape> out = ReshapedShape(tensor.shape, shape);
  if (!CheckShape(out.status(), "Reshape", name)) return NodeOutput();
  const std::string node = NameFor("Reshape", name);
  NodeOutput shape_tensor = Int32Const(node + "/shape", shape, Vector(shape.size()));
  return AddNamedOp(node, "Reshape", {tensor, shape_tensor}, {}, {*out}, {}).output();
}

NodeOutput GraphBuilder::Reshape(absl::string_view name, const NodeOutput& tensor,
                                 const NodeOutput& shape, const PartialShape& output_shape) {
  return AddOp("Reshape", name, {tensor, shape}, {}, {output_shape}).output();
}

NodeOutput GraphBuilder::Sum(absl::string_view name, const NodeOutput& input,
                             const std::vector<int64_t>& axes, bool keep_dims) {
  absl::StatusOr<PartialShape> out = ReducedShape(input.shape, axes, keep_dims);
  if (!CheckShape(out.status(), "Sum", name)) return NodeOutput();
  const std::string node = NameFor("Sum", name);
  NodeOutput indices = Int32Const(node + "/reduction_indices", axes, Vector(axes.size()));
  return AddNamedOp(node, "Sum", {input, indices}, {{"keep_dims", BoolAttr(keep_dims)}}, {*out}, {})
      .output();
}

NodeOutput GraphBuilder::ConcatV2(absl::string_view name, const std::vector<NodeOutput>& values,
                                  int64_t axis) {
  absl::StatusOr<PartialShape> out = values.size() < 2
                                         ? absl::InvalidArgumentError("needs at least two values")
                                         : ConcatShape(values, axis);
  if (!CheckShape(out.status(), "ConcatV2", name)) return NodeOutput();
  const std::string node = NameFor("ConcatV2", name);
  std::vector<NodeOutput> inputs = values;
  inputs.push_back(Int32Const(node + "/axis", {axis}, TensorShape{}));
  return AddNamedOp(node, "ConcatV2", inputs, {}, {*out}, {}).output();
}

NodeOutput GraphBuilder::ExpandDims(absl::string_view name, const NodeOutput& input, int64_t axis) {
  PartialShape out = PartialShape::UnknownRank();
  if (!input.shape.unknown_rank()) {
    absl::StatusOr<int64_t> a = NormalizeAxis(axis, input.shape.rank() + 1, "axis");
    if (!CheckShape(a.status(), "ExpandDims", name)) return NodeOutput();
    std::vector<int64_t> dims = input.shape.dims();
    dims.insert(dims.begin() + *a, 1);
    out = PartialShape(std::move(dims));
  }
  const std::string node = NameFor("ExpandDims", name);
  NodeOutput dim = Int32Const(node + "/dim", {axis}, TensorShape{});
  return AddNamedOp(node, "ExpandDims", {input, dim}, {}, {out}, {}).output();
}

NodeOutput GraphBuilder::Cast(absl::string_view name, const NodeOutput& x, DataType dst) {
  return AddOp("Cast", name, {x}, {{"DstT", TypeAttr(dst)}, {"Truncate", BoolAttr(false)}},
               {x.shape})
      .output();
}

NodeOutput GraphBuilder::Shape(absl::string_view name, const NodeOutput& input) {
  PartialShape out(std::vector<int64_t>{input.shape.rank()});  // -1 when the rank is unknown
  return AddOp("Shape", name, {input}, {{"out_type", TypeAttr(tensorflow::DT_INT32)}}, {out})
      .output();
}

}  // namespace savedserve
