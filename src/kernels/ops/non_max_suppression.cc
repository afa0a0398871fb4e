// The NMS algorithm (see non_max_suppression.h) and the NonMaxSuppression op family:
//   NonMaxSuppression   (boxes, scores, max_output_size; attr iou_threshold) -> indices
//   NonMaxSuppressionV2 (boxes, scores, max_output_size, iou_threshold) -> indices
//   NonMaxSuppressionV3 (... , score_threshold) -> indices
//   NonMaxSuppressionV4 (as V3; attr pad_to_max_output_size) -> indices, valid_outputs
//   NonMaxSuppressionV5 (... , soft_nms_sigma; attr pad_to_max_output_size)
//                       -> indices, scores, valid_outputs
// One kernel serves all versions; they differ only in which inputs and outputs exist.
#include "kernels/ops/non_max_suppression.h"

#include <algorithm>
#include <cmath>
#include <queue>
#include <string>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/registry.h"

namespace savedserve {

float BoxIou(const float* a, const float* b) {
  const float a_ymin = std::min(a[0], a[2]), a_ymax = std::max(a[0], a[2]);
  const float a_xmin = std::min(a[1], a[3]), a_xmax = std::max(a[1], a[3]);
  const float b_ymin = std::min(b[0], b[2]), b_ymax = std::max(b[0], b[2]);
  const float b_xmin = std::min(b[1], b[3]), b_xmax = std::max(b[1], b[3]);
  const float a_area = (a_ymax - a_ymin) * (a_xmax - a_xmin);
  const float b_area = (b_ymax - b_ymin) * (b_xmax - b_xmin);
  if (a_area <= 0 || b_area <= 0) return 0.0f;
  const float h = std::max(std::min(a_ymax, b_ymax) - std::max(a_ymin, b_ymin), 0.0f);
  const float w = std::max(std::min(a_xmax, b_xmax) - std::max(a_xmin, b_xmin), 0.0f);
  const float intersection = h * w;
  return intersection / (a_area + b_area - intersection);
}

NmsResult NonMaxSuppression(const float* boxes, const float* scores, int64_t num_boxes,
                            const NmsOptions& options) {
  struct Candidate {
    int index;
    float score;
    int checked;  // selections [0, checked) have already decayed this candidate's score
  };
  auto lower_priority = [](const Candidate& a, const Candidate& b) {
    return a.score < b.score || (a.score == b.score && a.index > b.index);
  };
  std::priority_queue<Candidate, std::vector<Candidate>, decltype(lower_priority)> queue(
      lower_priority);
  for (int64_t i = 0; i < num_boxes; ++i) {
    if (scores[i] > options.score_threshold) {
      queue.push({static_cast<int>(i), scores[i], 0});
    }
  }
  const bool soft = options.soft_nms_sigma > 0;
  const float decay_scale = soft ? -0.5f / options.soft_nms_sigma : 0.0f;
  NmsResult result;
  while (static_cast<int64_t>(result.indices.size()) < options.max_output_size && !queue.empty()) {
    Candidate c = queue.top();
    queue.pop();
    const float original = c.score;
    bool suppressed = false;
    // Later selections are likelier to overlap, so compare newest first.
    for (int j = static_cast<int>(result.indices.size()) - 1; j >= c.checked; --j) {
      const float iou = BoxIou(boxes + 4 * int64_t{c.index}, boxes + 4 * result.indices[j]);
      if (!soft && iou > options.iou_threshold) {
        suppressed = true;
        break;
      }
      if (soft) c.score *= std::exp(decay_scale * iou * iou);
      if (c.score <= options.score_threshold) break;
    }
    c.checked = static_cast<int>(result.indices.size());
    if (suppressed) continue;
    if (c.score == original) {
      result.indices.push_back(c.index);
      result.scores.push_back(c.score);
    } else if (c.score > options.score_threshold) {
      queue.push(c);  // decayed but still eligible: compete again with its new score
    }
  }
  return result;
}

namespace {

// A scalar float/half/double threshold input as float.
absl::StatusOr<float> ReadFloatScalar(const KernelContext& ctx, const Tensor& t,
                                      absl::string_view what) {
  if (t.num_elements() != 1 || t.shape().rank() > 1) {
    return ctx.Error(absl::StrCat(what, " must be a scalar, got shape ", t.shape().DebugString()));
  }
  switch (t.dtype()) {
    case tensorflow::DT_FLOAT:
      return t.data<float>()[0];
    case tensorflow::DT_HALF:
      return HalfToFloat(t.data<Half>()[0]);
    case tensorflow::DT_DOUBLE:
      return static_cast<float>(t.data<double>()[0]);
    default:
      return ctx.Error(absl::StrCat(what, " must be float or half, got ", DataTypeName(t.dtype())));
  }
}

// A float or half tensor's values as floats.
absl::StatusOr<std::vector<float>> ReadFloats(const KernelContext& ctx, const Tensor& t,
                                              absl::string_view what) {
  std::vector<float> values(t.num_elements());
  if (t.dtype() == tensorflow::DT_FLOAT) {
    std::copy_n(t.data<float>(), values.size(), values.begin());
  } else if (t.dtype() == tensorflow::DT_HALF) {
    for (size_t i = 0; i < values.size(); ++i) values[i] = HalfToFloat(t.data<Half>()[i]);
  } else {
    return ctx.Error(absl::StrCat(what, " must be float or half, got ", DataTypeName(t.dtype())));
  }
  return values;
}

class NonMaxSuppressionKernel : public OpKernel {
 public:
  explicit NonMaxSuppressionKernel(int version) : version_(version) {}

  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c,
                                                          int version) {
    auto k = std::make_unique<NonMaxSuppressionKernel>(version);
    if (version == 1) {
      ASSIGN_OR_RETURN(k->v1_iou_threshold_, c.GetAttrOr<float>("iou_threshold", 0.5f));
    }
    if (version >= 4) {
      ASSIGN_OR_RETURN(k->pad_, c.GetAttrOr<bool>("pad_to_max_output_size", false));
    }
    return std::unique_ptr<OpKernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor boxes_t, ctx.input(0));
    ASSIGN_OR_RETURN(Tensor scores_t, ctx.input(1));
    ASSIGN_OR_RETURN(NmsOptions options, ReadOptions(ctx));
    if (boxes_t.shape().rank() != 2 || boxes_t.shape().dim(1) != 4) {
      return ctx.Error(
          absl::StrCat("boxes must be [num_boxes, 4], got shape ", boxes_t.shape().DebugString()));
    }
    const int64_t n = boxes_t.shape().dim(0);
    if (scores_t.shape().rank() != 1 || scores_t.shape().dim(0) != n) {
      return ctx.Error(absl::StrCat("scores must be [", n, "] to match boxes, got shape ",
                                    scores_t.shape().DebugString()));
    }
    ASSIGN_OR_RETURN(std::vector<float> boxes, ReadFloats(ctx, boxes_t, "boxes"));
    ASSIGN_OR_RETURN(std::vector<float> scores, ReadFloats(ctx, scores_t, "scores"));
    const NmsResult result = NonMaxSuppression(boxes.data(), scores.data(), n, options);
    // Padding fills with index 0 and score 0 (the zero-initialised tail of the outputs).
    const int64_t size = pad_ ? options.max_output_size : result.indices.size();
    return WriteOutputs(ctx, result, size, scores_t.dtype());
  }

 private:
  absl::StatusOr<NmsOptions> ReadOptions(const KernelContext& ctx) const {
    NmsOptions options;
    ASSIGN_OR_RETURN(Tensor max_size, ctx.input(2));
    ASSIGN_OR_RETURN(options.max_output_size, ReadIndexScalar(ctx, max_size, "max_output_size"));
    if (options.max_output_size < 0) return ctx.Error("max_output_size must be non-negative");
    options.iou_threshold = v1_iou_threshold_;
    if (version_ >= 2) {
      ASSIGN_OR_RETURN(Tensor t, ctx.input(3));
      ASSIGN_OR_RETURN(options.iou_threshold, ReadFloatScalar(ctx, t, "iou_threshold"));
    }
    if (!(options.iou_threshold >= 0 && options.iou_threshold <= 1)) {
      return ctx.Error(
          absl::StrCat("iou_threshold must be in [0, 1], got ", options.iou_threshold));
    }
    if (version_ >= 3) {
      ASSIGN_OR_RETURN(Tensor t, ctx.input(4));
      ASSIGN_OR_RETURN(options.score_threshold, ReadFloatScalar(ctx, t, "score_threshold"));
    }
    if (version_ >= 5) {
      ASSIGN_OR_RETURN(Tensor t, ctx.input(5));
      ASSIGN_OR_RETURN(options.soft_nms_sigma, ReadFloatScalar(ctx, t, "soft_nms_sigma"));
      if (!(options.soft_nms_sigma >= 0)) return ctx.Error("soft_nms_sigma must be non-negative");
    }
    return options;
  }

  absl::Status WriteOutputs(KernelContext& ctx, const NmsResult& result, int64_t m,
                            DataType score_type) const {
    const int64_t valid = static_cast<int64_t>(result.indices.size());
    ASSIGN_OR_RETURN(Tensor * indices, AllocateOutput(ctx, 0, tensorflow::DT_INT32, {m}));
    std::copy(result.indices.begin(), result.indices.end(), indices->data<int32_t>());
    int next = 1;
    if (version_ >= 5) {
      ASSIGN_OR_RETURN(Tensor * scores, AllocateOutput(ctx, next++, score_type, {m}));
      for (int64_t i = 0; i < valid; ++i) {
        if (score_type == tensorflow::DT_HALF) {
          scores->data<Half>()[i] = FloatToHalf(result.scores[i]);
        } else {
          scores->data<float>()[i] = result.scores[i];
        }
      }
    }
    if (version_ >= 4 && next < ctx.num_outputs()) {
      ctx.set_output(next, Tensor::Scalar<int32_t>(static_cast<int32_t>(valid)));
    }
    return absl::OkStatus();
  }

  int version_;
  float v1_iou_threshold_ = 0.5f;
  bool pad_ = false;
};

template <int kVersion>
absl::StatusOr<std::unique_ptr<OpKernel>> CreateNms(const KernelConstruction& c) {
  return NonMaxSuppressionKernel::Create(c, kVersion);
}

SS_REGISTER_KERNEL("NonMaxSuppression", kReference, CreateNms<1>);
SS_REGISTER_KERNEL("NonMaxSuppressionV2", kReference, CreateNms<2>);
SS_REGISTER_KERNEL("NonMaxSuppressionV3", kReference, CreateNms<3>);
SS_REGISTER_KERNEL("NonMaxSuppressionV4", kReference, CreateNms<4>);
SS_REGISTER_KERNEL("NonMaxSuppressionV5", kReference, CreateNms<5>);

}  // namespace
}  // namespace savedserve
