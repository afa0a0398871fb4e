// The tail that TensorFlow's grappler remapper fuses into a contraction (_FusedConv2D,
// _FusedDepthwiseConv2dNative, _FusedMatMul): a per-output-channel affine step (BiasAdd, or
// an inference FusedBatchNorm folded to scale/shift), an optional residual Add, then an
// optional activation. Shared by the reference kernels (which apply it as a loop) and the
// oneDNN ones (which turn it into post-ops or fold it into packed weights).
// Pure functions and value types; safe for concurrent use.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "base/thread_pool.h"
#include "kernels/op_kernel.h"
#include "tensor/tensor.h"

namespace savedserve {

enum class Activation {
  kNone,
  kRelu,
  kRelu6,
  kElu,
  kLeakyRelu,
  kTanh,
  kSigmoid,
  kGeluApproximate,
  kGeluExact,
};

// "Relu" -> kRelu, ...; nullopt-like InvalidArgument for names that are not activations.
absl::StatusOr<Activation> ActivationFromName(absl::string_view name);

// The activation applied to one value; `alpha` is LeakyRelu's slope.
float Activate(Activation activation, float alpha, float x);

struct FusedOps {
  enum class Affine { kNone, kBiasAdd, kBatchNorm };
  Affine affine = Affine::kNone;
  bool residual_add = false;  // "Add" after BiasAdd: the last arg, shaped like the output
  Activation activation = Activation::kNone;
  float leakyrelu_alpha = 0.2f;
  float epsilon = 1e-4f;  // FusedBatchNorm's
  int num_args = 0;       // extra inputs after the contraction's two
};

// Parses `fused_ops`, `num_args`, `epsilon` and `leakyrelu_alpha` of a fused node and checks
// the combination is one we run: [BiasAdd | FusedBatchNorm (when allow_batch_norm)]
// [Add (when allow_add, BiasAdd only)] [activation]. Others are Unimplemented.
absl::StatusOr<FusedOps> ParseFusedOps(const KernelConstruction& c, bool allow_batch_norm,
                                       bool allow_add);

// Per-channel y = x * scale + shift. `scale` is empty when it is all ones (BiasAdd).
struct ChannelAffine {
  std::vector<float> scale;
  std::vector<float> shift;
};

// From the fused args (bias; or scale, offset, mean, variance for batch norm), checking
// each is a float vector of `channels` elements. An empty affine for Affine::kNone.
absl::StatusOr<ChannelAffine> ComputeChannelAffine(const FusedOps& ops,
                                                   std::span<const Tensor> args, int64_t channels);

// In place over a [rows, channels] float array: x = act(x * scale + shift + residual).
// `residual` may be null. Splits rows over `pool` when it pays (pool may be null).
void ApplyEpilogue(const FusedOps& ops, const ChannelAffine& affine, const float* residual,
                   float* data, int64_t rows, int64_t channels, ThreadPool* pool);

}  // namespace savedserve
