#include "kernels/ops/conv_util.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status.h"

namespace savedserve {
namespace {

absl::Status CheckNhwc(const KernelConstruction& c) {
  ASSIGN_OR_RETURN(std::string format, c.GetAttrOr<std::string>("data_format", "NHWC"));
  if (format == "NHWC") return absl::OkStatus();
  if (format == "NCHW") {
    return absl::UnimplementedError(absl::StrCat(
        c.op(), " '", c.name(), "': data_format NCHW is not supported on CPU; use NHWC"));
  }
  return c.Error(absl::StrCat("unknown data_format '", format, "'"));
}

// A 4-element NHWC list attribute whose batch and channel entries must be 1.
absl::Status ReadSpatialPair(const KernelConstruction& c, const std::string& name, int64_t* h,
                             int64_t* w) {
  ASSIGN_OR_RETURN(std::vector<int64_t> v, c.GetAttrOr<std::vector<int64_t>>(name, {1, 1, 1, 1}));
  if (v.size() != 4) return c.Error(absl::StrCat("'", name, "' must have 4 elements"));
  if (v[0] != 1 || v[3] != 1) {
    return absl::UnimplementedError(absl::StrCat(c.op(), " '", c.name(), "': '", name,
                                                 "' over batch or channels is not supported"));
  }
  if (v[1] < 1 || v[2] < 1) return c.Error(absl::StrCat("'", name, "' must be positive"));
  *h = v[1];
  *w = v[2];
  return absl::OkStatus();
}

absl::Status ReadPadding(const KernelConstruction& c, WindowAttrs* attrs) {
  ASSIGN_OR_RETURN(std::string padding, c.GetAttr<std::string>("padding"));
  if (padding == "VALID") {
    attrs->padding = Padding::kValid;
  } else if (padding == "SAME") {
    attrs->padding = Padding::kSame;
  } else if (padding == "EXPLICIT") {
    attrs->padding = Padding::kExplicit;
    ASSIGN_OR_RETURN(std::vector<int64_t> pads,
                     c.GetAttr<std::vector<int64_t>>("explicit_paddings"));
    // One (before, after) pair per NHWC dimension.
    if (pads.size() != 8) return c.Error("explicit_paddings must have 8 elements");
    if (pads[0] != 0 || pads[1] != 0 || pads[6] != 0 || pads[7] != 0) {
      return c.Error("explicit_paddings must be zero for the batch and channel dimensions");
    }
    for (int i = 2; i < 6; ++i) {
      if (pads[i] < 0) return c.Error("explicit_paddings must be non-negative");
      attrs->explicit_pads[i - 2] = pads[i];
    }
  } else {
    return c.Error(absl::StrCat("unknown padding '", padding, "'"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<WindowAttrs> ParseConvAttrs(const KernelConstruction& c, bool with_dilations) {
  RETURN_IF_ERROR(CheckNhwc(c));
  WindowAttrs attrs;
  RETURN_IF_ERROR(ReadSpatialPair(c, "strides", &attrs.stride_h, &attrs.stride_w));
  if (with_dilations) {
    RETURN_IF_ERROR(ReadSpatialPair(c, "dilations", &attrs.dilation_h, &attrs.dilation_w));
  }
  RETURN_IF_ERROR(ReadPadding(c, &attrs));
  return attrs;
}

absl::StatusOr<WindowAttrs> ParsePoolAttrs(const KernelConstruction& c) {
  ASSIGN_OR_RETURN(WindowAttrs attrs, ParseConvAttrs(c, /*with_dilations=*/false));
  RETURN_IF_ERROR(ReadSpatialPair(c, "ksize", &attrs.window_h, &attrs.window_w));
  return attrs;
}

absl::StatusOr<WindowDim> ComputeWindowDim(int64_t in, int64_t window, int64_t stride,
                                           int64_t dilation, Padding padding,
                                           int64_t explicit_before, int64_t explicit_after) {
  const int64_t effective = (window - 1) * dilation + 1;
  WindowDim d;
  switch (padding) {
    case Padding::kValid:
      d.out = (in - effective + stride) / stride;
      break;
    case Padding::kSame: {
      d.out = (in + stride - 1) / stride;
      int64_t total = std::max<int64_t>((d.out - 1) * stride + effective - in, 0);
      d.pad_before = total / 2;
      d.pad_after = total - d.pad_before;
      break;
    }
    case Padding::kExplicit:
      d.pad_before = explicit_before;
      d.pad_after = explicit_after;
      d.out = (in + explicit_before + explicit_after - effective + stride) / stride;
      break;
  }
  if (in + d.pad_before + d.pad_after < effective && in > 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("window of extent ", effective, " does not fit input of size ", in));
  }
  d.out = std::max<int64_t>(d.out, 0);
  return d;
}

absl::StatusOr<WindowGeometry> ComputeWindowGeometry(const WindowAttrs& attrs,
                                                     const TensorShape& input, int64_t window_h,
                                                     int64_t window_w, int64_t out_c) {
  if (input.rank() != 4) {
    return absl::InvalidArgumentError(
        absl::StrCat("input must be 4-D NHWC, got ", input.DebugString()));
  }
  WindowGeometry g;
  g.batch = input.dim(0);
  g.in_h = input.dim(1);
  g.in_w = input.dim(2);
  g.in_c = input.dim(3);
  g.window_h = window_h;
  g.window_w = window_w;
  g.out_c = out_c;
  g.stride_h = attrs.stride_h;
  g.stride_w = attrs.stride_w;
  g.dilation_h = attrs.dilation_h;
  g.dilation_w = attrs.dilation_w;
  ASSIGN_OR_RETURN(WindowDim h,
                   ComputeWindowDim(g.in_h, window_h, g.stride_h, g.dilation_h, attrs.padding,
                                    attrs.explicit_pads[0], attrs.explicit_pads[1]));
  ASSIGN_OR_RETURN(WindowDim w,
                   ComputeWindowDim(g.in_w, window_w, g.stride_w, g.dilation_w, attrs.padding,
                                    attrs.explicit_pads[2], attrs.explicit_pads[3]));
  g.out_h = h.out;
  g.out_w = w.out;
  g.pad_top = h.pad_before;
  g.pad_bottom = h.pad_after;
  g.pad_left = w.pad_before;
  g.pad_right = w.pad_after;
  return g;
}

}  // namespace savedserve
