#include "kernels/ops/pooling.h"

#include <algorithm>
#include <limits>

#include "absl/strings/str_cat.h"
#include "base/status.h"

namespace savedserve {
namespace {

// Calls fn(out, in_pixel) for each in-bounds window element of output pixel (row, x).
template <typename Fn>
void ForWindow(const WindowGeometry& g, int64_t row, int64_t x, const float* input, Fn fn) {
  const int64_t n = row / g.out_h, y = row % g.out_h;
  const int64_t y0 = std::max<int64_t>(y * g.stride_h - g.pad_top, 0);
  const int64_t y1 = std::min<int64_t>(y * g.stride_h - g.pad_top + g.window_h, g.in_h);
  const int64_t x0 = std::max<int64_t>(x * g.stride_w - g.pad_left, 0);
  const int64_t x1 = std::min<int64_t>(x * g.stride_w - g.pad_left + g.window_w, g.in_w);
  for (int64_t iy = y0; iy < y1; ++iy) {
    for (int64_t ix = x0; ix < x1; ++ix) {
      fn(input + ((n * g.in_h + iy) * g.in_w + ix) * g.in_c);
    }
  }
}

template <typename Fn>
void ForRows(const WindowGeometry& g, ThreadPool* pool, Fn fn) {
  const int64_t rows = g.batch * g.out_h;
  const int64_t cost = g.out_w * g.out_c * g.window_h * g.window_w;
  auto run = [&](int64_t begin, int64_t end) {
    for (int64_t row = begin; row < end; ++row) fn(row);
  };
  if (pool == nullptr) {
    run(0, rows);
  } else {
    pool->ParallelFor(rows, cost, run);
  }
}

}  // namespace

absl::StatusOr<PoolSpec> PoolSpec::Parse(const KernelConstruction& c, bool average) {
  PoolSpec spec;
  spec.average = average;
  ASSIGN_OR_RETURN(DataType t, c.GetAttrOr<DataType>("T", tensorflow::DT_FLOAT));
  if (t != tensorflow::DT_FLOAT) {
    return absl::UnimplementedError(
        absl::StrCat(c.op(), " '", c.name(), "': type ", DataTypeName(t), " is not supported"));
  }
  if (c.num_inputs() != 1) return c.Error("expects 1 input");
  ASSIGN_OR_RETURN(spec.window, ParsePoolAttrs(c));
  return spec;
}

absl::StatusOr<WindowGeometry> PoolSpec::Geometry(const TensorShape& input) const {
  if (input.rank() != 4) {
    return absl::InvalidArgumentError(
        absl::StrCat("input must be 4-D NHWC, got ", input.DebugString()));
  }
  return ComputeWindowGeometry(window, input, window.window_h, window.window_w, input.dim(3));
}

void ReferenceMaxPoolCore(const WindowGeometry& g, const float* input, float* output,
                          ThreadPool* pool) {
  const int64_t c = g.in_c;
  ForRows(g, pool, [&](int64_t row) {
    for (int64_t x = 0; x < g.out_w; ++x) {
      float* out = output + (row * g.out_w + x) * c;
      std::fill(out, out + c, std::numeric_limits<float>::lowest());
      ForWindow(g, row, x, input, [&](const float* in) {
        for (int64_t k = 0; k < c; ++k) out[k] = std::max(out[k], in[k]);
      });
    }
  });
}

void ReferenceAvgPoolCore(const WindowGeometry& g, const float* input, float* output,
                          ThreadPool* pool) {
  const int64_t c = g.in_c;
  ForRows(g, pool, [&](int64_t row) {
    for (int64_t x = 0; x < g.out_w; ++x) {
      float* out = output + (row * g.out_w + x) * c;
      std::fill(out, out + c, 0.0f);
      int64_t count = 0;
      ForWindow(g, row, x, input, [&](const float* in) {
        for (int64_t k = 0; k < c; ++k) out[k] += in[k];
        ++count;
      });
      const float scale = count > 0 ? 1.0f / static_cast<float>(count) : 0.0f;
      for (int64_t k = 0; k < c; ++k) out[k] *= scale;
    }
  });
}

}  // namespace savedserve
