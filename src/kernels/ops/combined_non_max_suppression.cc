// CombinedNonMaxSuppression: per-class greedy NMS over a batch of images, all classes'
// selections merged by score (tf.image.combined_non_max_suppression; the post-processing of
// TF Object Detection API exports with use_combined_nms, EfficientDet and KerasCV).
//   inputs: boxes [batch, num_boxes, q, 4] float ([y1, x1, y2, x2], corners in any order;
//           q == 1 shares the boxes between classes, q == num_classes gives one per class),
//           scores [batch, num_boxes, num_classes] float, max_output_size_per_class and
//           max_total_size (int32 scalars, > 0), iou_threshold (in [0, 1]) and
//           score_threshold (float scalars; candidates must score strictly above it)
//   attrs:  pad_per_class (false: max_detections = max_total_size; true: max_detections =
//           min(max_total_size, max_output_size_per_class * num_classes)), clip_boxes (true:
//           output coordinates clamped to [0, 1])
//   output: nmsed_boxes [batch, max_detections, 4], nmsed_scores and nmsed_classes (the class
//           index as float) [batch, max_detections], valid_detections [batch] int32; rows
//           past valid_detections are zero.
// Each class keeps at most min(max_output_size_per_class, num_boxes) boxes, chosen by the
// shared NonMaxSuppression (equal scores in box order). TensorFlow sorts the merged list
// with an unstable sort, so equal scores of different classes have no defined order there;
// here they go in class order.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/ops/non_max_suppression.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

// batch * max_detections above this is refused. TensorFlow allocates whatever
// max_total_size asks (it only logs a warning above 1e6) though every row past the
// selections is zero padding; a hostile max_total_size must not become gigabytes of it.
constexpr int64_t kMaxOutputRows = int64_t{1} << 24;

struct Dims {
  int64_t batch, num_boxes, q, num_classes;
};

struct Detection {
  float score;
  int class_index;
  int box_index;
};

absl::StatusOr<Dims> CheckShapes(const KernelContext& ctx, const Tensor& boxes,
                                 const Tensor& scores) {
  if (boxes.dtype() != tensorflow::DT_FLOAT || scores.dtype() != tensorflow::DT_FLOAT) {
    return ctx.Error(absl::StrCat("boxes and scores must be float, got ",
                                  DataTypeName(boxes.dtype()), " and ",
                                  DataTypeName(scores.dtype())));
  }
  const TensorShape& b = boxes.shape();
  const TensorShape& s = scores.shape();
  if (b.rank() != 4 || b.dim(3) != 4) {
    return ctx.Error(
        absl::StrCat("boxes must be [batch, num_boxes, q, 4], got shape ", b.DebugString()));
  }
  if (s.rank() != 3) {
    return ctx.Error(absl::StrCat("scores must be [batch, num_boxes, num_classes], got shape ",
                                  s.DebugString()));
  }
  const Dims d{b.dim(0), b.dim(1), b.dim(2), s.dim(2)};
  if (s.dim(0) != d.batch || s.dim(1) != d.num_boxes) {
    return ctx.Error(absl::StrCat("scores ", s.DebugString(), " and boxes ", b.DebugString(),
                                  " disagree on batch or num_boxes"));
  }
  if (d.q != 1 && d.q != d.num_classes) {
    return ctx.Error(absl::StrCat("boxes' third dimension must be 1 or num_classes (",
                                  d.num_classes, "), got ", d.q));
  }
  if (d.num_boxes > std::numeric_limits<int>::max() ||
      d.num_classes > std::numeric_limits<int>::max()) {
    return ctx.Error("num_boxes and num_classes must fit in int32");
  }
  return d;
}

absl::StatusOr<int64_t> ReadPositiveSize(const KernelContext& ctx, const Tensor& t,
                                         absl::string_view what) {
  ASSIGN_OR_RETURN(int64_t value, ReadIndexScalar(ctx, t, what));
  if (value <= 0) return ctx.Error(absl::StrCat(what, " must be positive, got ", value));
  return value;
}

absl::StatusOr<float> ReadFloatScalar(const KernelContext& ctx, const Tensor& t,
                                      absl::string_view what) {
  if (t.dtype() != tensorflow::DT_FLOAT || t.shape().rank() != 0) {
    return ctx.Error(absl::StrCat(what, " must be a float scalar, got ", DataTypeName(t.dtype()),
                                  " ", t.shape().DebugString()));
  }
  return t.data<float>()[0];
}

// The selections of one image: per class NMS, then all of them by descending score.
std::vector<Detection> SelectImage(const float* boxes, const float* scores, const Dims& d,
                                   const NmsOptions& options) {
  const int64_t n = d.num_boxes;
  std::vector<float> class_scores(n);
  std::vector<float> class_boxes(d.q > 1 ? n * 4 : 0);
  std::vector<Detection> detections;
  for (int64_t c = 0; c < d.num_classes; ++c) {
    for (int64_t i = 0; i < n; ++i) class_scores[i] = scores[i * d.num_classes + c];
    const float* box_rows = boxes;  // q == 1: the rows are already [num_boxes, 4]
    if (d.q > 1) {
      for (int64_t i = 0; i < n; ++i) {
        std::copy_n(boxes + (i * d.q + c) * 4, 4, class_boxes.begin() + i * 4);
      }
      box_rows = class_boxes.data();
    }
    const NmsResult r = NonMaxSuppression(box_rows, class_scores.data(), n, options);
    for (size_t k = 0; k < r.indices.size(); ++k) {
      detections.push_back({r.scores[k], static_cast<int>(c), r.indices[k]});
    }
  }
  std::stable_sort(detections.begin(), detections.end(),
                   [](const Detection& a, const Detection& b) { return a.score > b.score; });
  return detections;
}

class CombinedNmsKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    auto k = std::make_unique<CombinedNmsKernel>();
    ASSIGN_OR_RETURN(k->pad_per_class_, c.GetAttrOr<bool>("pad_per_class", false));
    ASSIGN_OR_RETURN(k->clip_boxes_, c.GetAttrOr<bool>("clip_boxes", true));
    return std::unique_ptr<OpKernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor boxes, ctx.input(0));
    ASSIGN_OR_RETURN(Tensor scores, ctx.input(1));
    ASSIGN_OR_RETURN(Dims d, CheckShapes(ctx, boxes, scores));
    ASSIGN_OR_RETURN(Tensor per_class_t, ctx.input(2));
    ASSIGN_OR_RETURN(Tensor total_t, ctx.input(3));
    ASSIGN_OR_RETURN(Tensor iou_t, ctx.input(4));
    ASSIGN_OR_RETURN(Tensor score_t, ctx.input(5));
    ASSIGN_OR_RETURN(int64_t per_class,
                     ReadPositiveSize(ctx, per_class_t, "max_output_size_per_class"));
    ASSIGN_OR_RETURN(int64_t total, ReadPositiveSize(ctx, total_t, "max_total_size"));
    NmsOptions options;
    options.max_output_size = std::min(per_class, d.num_boxes);
    ASSIGN_OR_RETURN(options.iou_threshold, ReadFloatScalar(ctx, iou_t, "iou_threshold"));
    ASSIGN_OR_RETURN(options.score_threshold, ReadFloatScalar(ctx, score_t, "score_threshold"));
    if (!(options.iou_threshold >= 0 && options.iou_threshold <= 1)) {
      return ctx.Error(
          absl::StrCat("iou_threshold must be in [0, 1], got ", options.iou_threshold));
    }
    const int64_t max_detections = MaxDetections(per_class, total, d.num_classes);
    if (max_detections > 0 && d.batch > kMaxOutputRows / max_detections) {
      return ctx.Error(absl::StrCat("max_total_size ", total, " over a batch of ", d.batch,
                                    " asks for more than ", kMaxOutputRows,
                                    " output rows (mostly zero padding); refused"));
    }
    ASSIGN_OR_RETURN(Tensor * out_boxes,
                     AllocateOutput(ctx, 0, tensorflow::DT_FLOAT, {d.batch, max_detections, 4}));
    ASSIGN_OR_RETURN(Tensor * out_scores,
                     AllocateOutput(ctx, 1, tensorflow::DT_FLOAT, {d.batch, max_detections}));
    ASSIGN_OR_RETURN(Tensor * out_classes,
                     AllocateOutput(ctx, 2, tensorflow::DT_FLOAT, {d.batch, max_detections}));
    ASSIGN_OR_RETURN(Tensor * out_valid, AllocateOutput(ctx, 3, tensorflow::DT_INT32, {d.batch}));
    const float* in_boxes = boxes.data<float>();
    const float* in_scores = scores.data<float>();
    ParallelFor(ctx, d.batch, d.num_boxes * d.num_classes * 16, [&](int64_t begin, int64_t end) {
      for (int64_t b = begin; b < end; ++b) {
        const float* image_boxes = in_boxes + b * d.num_boxes * d.q * 4;
        const std::vector<Detection> detections =
            SelectImage(image_boxes, in_scores + b * d.num_boxes * d.num_classes, d, options);
        const int64_t valid = std::min<int64_t>(detections.size(), max_detections);
        out_valid->data<int32_t>()[b] = static_cast<int32_t>(valid);
        for (int64_t k = 0; k < valid; ++k) {
          const Detection& det = detections[k];
          const int64_t row = b * max_detections + k;
          const int64_t box_q = d.q > 1 ? det.class_index : 0;
          const float* box = image_boxes + (det.box_index * d.q + box_q) * 4;
          for (int j = 0; j < 4; ++j) {
            // In this argument order a NaN coordinate stays NaN, as in TensorFlow.
            out_boxes->data<float>()[row * 4 + j] =
                clip_boxes_ ? std::max(std::min(box[j], 1.0f), 0.0f) : box[j];
          }
          out_scores->data<float>()[row] = det.score;
          out_classes->data<float>()[row] = static_cast<float>(det.class_index);
        }
      }
    });
    return absl::OkStatus();
  }

 private:
  // Rows per image: max_total_size, or with pad_per_class at most per_class * num_classes
  // (compared by division: an int64 size input could overflow the product).
  int64_t MaxDetections(int64_t per_class, int64_t total, int64_t num_classes) const {
    if (!pad_per_class_) return total;
    if (num_classes == 0) return 0;
    return per_class > total / num_classes ? total : per_class * num_classes;
  }

  bool pad_per_class_ = false;
  bool clip_boxes_ = true;
};

SS_REGISTER_KERNEL("CombinedNonMaxSuppression", kReference, CombinedNmsKernel::Create);

}  // namespace
}  // namespace savedserve
