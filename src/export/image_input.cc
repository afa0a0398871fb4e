// The encoded-image input: `images` (DT_STRING [-1]) -> While over the batch -> `pixels`.
//
//   images/Shape, images/strided_slice        n = tf.shape(images)[0]
//   images/while (While)                      loop vars (i, n, acc, images), acc starting as
//                                             float [0, H, W, 3] zeros
//     <images>_while_cond(i, n, acc, images)  i < n
//     <images>_while_body(i, n, acc, images)  image = DecodeJpeg(images[i], channels=3)
//                                             (TF's DecodeJpeg also reads PNG), [pad bottom/
//                                             right to a square], ExpandDims, ResizeBilinear
//                                             to [H, W] (uint8 in, float out),
//                                             acc = concat(acc, resized)
//   images/pixels (Identity of acc)           float [-1, H, W, 3]
//
// DecodeJpeg rather than DecodeImage: the graph says TensorFlow 1.15, whose DecodeImage is a
// Python-level cond over per-format ops (the DecodeImage op arrived in TF 2.3), while its
// DecodeJpeg kernel already detects the format. The accumulator grows by ConcatV2 with the
// shape invariant [?, H, W, 3], which TF accepts for a control flow v2 loop var.
#include "export/image_input.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "base/status.h"
#include "export/function_builder.h"

namespace savedserve {
namespace {

using tensorflow::DT_FLOAT;
using tensorflow::DT_INT32;
using tensorflow::DT_STRING;

// Output sizes beyond this are a mistake (and [H, W, 3] floats per image would not fit).
constexpr int kMaxImageSide = 16384;

PartialShape Dims(std::vector<int64_t> dims) { return PartialShape(std::move(dims)); }
PartialShape Scalar() { return Dims({}); }

NodeOutput Int32Vector(GraphBuilder& b, const std::string& name,
                       const std::vector<int32_t>& values) {
  return b.Const(
      name, Tensor::FromVector<int32_t>(values, TensorShape{static_cast<int64_t>(values.size())}));
}

// The loop vars' order and shapes: (i, n, acc, images).
struct LoopArgs {
  NodeOutput i, n, acc, images;
};
LoopArgs DeclareLoopArgs(FunctionBuilder& f, const PartialShape& pixels_shape) {
  LoopArgs a;
  a.i = f.Arg("i", DT_INT32, Scalar());
  a.n = f.Arg("n", DT_INT32, Scalar());
  a.acc = f.Arg("acc", DT_FLOAT, pixels_shape);
  a.images = f.Arg("images", DT_STRING, Dims({-1}));
  return a;
}

// Pads [h, w, 3] at the bottom and right with zeros to [s, s, 3], s = max(h, w).
NodeOutput PadToSquare(FunctionBuilder& f, const NodeOutput& image) {
  NodeOutput shape = f.AddOp("Shape", "letterbox/Shape", {image}, {}, {Dims({3})}).output();
  NodeOutput spatial = Int32Vector(f, "letterbox/spatial", {1, 1, 0});
  NodeOutput hw0 = f.Mul("letterbox/hw0", shape, spatial);  // [h, w, 0]
  NodeOutput side =
      f.AddOp("Max", "letterbox/side", {hw0, f.Const("letterbox/axis", Tensor::Scalar<int32_t>(0))},
              {}, {Scalar()})
          .output();
  NodeOutput after = f.Mul("letterbox/after", f.Sub("letterbox/missing", side, shape), spatial);
  NodeOutput paddings =
      f.AddOp("Pack", "letterbox/paddings", {Int32Vector(f, "letterbox/before", {0, 0, 0}), after},
              {{"axis", IntAttr(1)}}, {Dims({3, 2})})
          .output();
  return f.AddOp("Pad", "letterbox/Pad", {image, paddings}, {}, {Dims({-1, -1, 3})}).output();
}

void BuildCond(FunctionBuilder& cond, const PartialShape& pixels_shape) {
  LoopArgs a = DeclareLoopArgs(cond, pixels_shape);
  cond.Ret("more", cond.AddOp("Less", "Less", {a.i, a.n}, {}, {Scalar()}).output());
}

void BuildBody(FunctionBuilder& body, const ImageInputOptions& options,
               const PartialShape& pixels_shape) {
  LoopArgs a = DeclareLoopArgs(body, pixels_shape);
  NodeOutput zero = body.Const("zero", Tensor::Scalar<int32_t>(0));
  NodeOutput bytes =
      body.AddOp("GatherV2", "GatherV2", {a.images, a.i, zero}, {}, {Scalar()}).output();
  NodeOutput decoded = body.AddOp("DecodeJpeg", "DecodeJpeg", {bytes}, {{"channels", IntAttr(3)}},
                                  {Dims({-1, -1, 3})})
                           .output();
  // Padded and resized as uint8: ResizeBilinear computes in float from the samples, so
  // this equals casting to float first, with a quarter of the memory traffic.
  NodeOutput image = options.letterbox ? PadToSquare(body, decoded) : decoded;
  NodeOutput batch1 =
      body.AddOp("ExpandDims", "ExpandDims", {image, zero}, {}, {Dims({1, -1, -1, 3})}).output();
  NodeOutput resized =
      body.AddOp("ResizeBilinear", "ResizeBilinear",
                 {batch1, Int32Vector(body, "size", {options.height, options.width})},
                 {{"align_corners", BoolAttr(false)}, {"half_pixel_centers", BoolAttr(false)}},
                 {Dims({1, options.height, options.width, 3})})
          .output();
  body.Ret("i_next", body.AddV2("i_next", a.i, body.Const("one", Tensor::Scalar<int32_t>(1))));
  body.Ret("n_next", a.n);
  body.Ret("acc_next",
           body.AddOp("ConcatV2", "acc_next", {a.acc, resized, zero}, {}, {pixels_shape}).output());
  body.Ret("images_next", a.images);
}

}  // namespace

absl::StatusOr<ImageInput> AddEncodedImageInput(GraphBuilder& builder,
                                                const ImageInputOptions& options) {
  if (options.height <= 0 || options.width <= 0 || options.height > kMaxImageSide ||
      options.width > kMaxImageSide) {
    return absl::InvalidArgumentError(absl::StrCat("encoded image input '", options.name,
                                                   "': size ", options.height, "x", options.width,
                                                   " must be in 1..", kMaxImageSide));
  }
  if (options.name.empty()) {
    return absl::InvalidArgumentError("encoded image input: the placeholder needs a name");
  }
  ImageInput input;
  input.placeholder = builder.Placeholder(options.name, DT_STRING, Dims({-1}));
  RETURN_IF_ERROR(builder.status());
  const std::string scope = input.placeholder.node;  // unique, even if `name` was taken
  const std::string prefix = absl::StrReplaceAll(scope, {{"/", "_"}});
  const PartialShape pixels_shape = Dims({-1, options.height, options.width, 3});

  NodeOutput shape =
      builder.AddOp("Shape", scope + "/Shape", {input.placeholder}, {}, {Dims({1})}).output();
  NodeOutput n = builder
                     .AddOp("StridedSlice", scope + "/strided_slice",
                            {shape, Int32Vector(builder, scope + "/strided_slice/stack", {0}),
                             Int32Vector(builder, scope + "/strided_slice/stack_1", {1}),
                             Int32Vector(builder, scope + "/strided_slice/stack_2", {1})},
                            {{"shrink_axis_mask", IntAttr(1)}}, {Scalar()})
                     .output();
  NodeOutput i0 = builder.Const(scope + "/while/loop_counter", Tensor::Scalar<int32_t>(0));
  NodeOutput acc0 =
      builder.Const(scope + "/while/empty_pixels",
                    Tensor(DT_FLOAT, TensorShape{0, options.height, options.width, 3}));
  FunctionBuilder cond(prefix + "_while_cond");
  BuildCond(cond, pixels_shape);
  FunctionBuilder body(prefix + "_while_body");
  BuildBody(body, options, pixels_shape);
  std::vector<NodeOutput> loop =
      builder.While(scope + "/while", {i0, n, acc0, input.placeholder}, cond, body,
                    {Scalar(), Scalar(), pixels_shape, Dims({-1})});
  RETURN_IF_ERROR(builder.status());
  input.pixels = builder.Identity(scope + "/pixels", loop[2]);
  RETURN_IF_ERROR(builder.status());
  return input;
}

}  // namespace savedserve
