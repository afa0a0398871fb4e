// Blocked ("nChw16c") activations: the layout oneDNN's AVX-512 convolutions and pools run
// natively. A blocked tensor is a float tensor [N, C/16, H, W, 16] holding the NHWC tensor
// [N, H, W, C] with channels in blocks of 16 (C a multiple of 16). The serving graph keeps
// runs of convolutions and pools blocked (runtime/blocked_layout.h): those nodes carry the
// attribute _layout = "nChw16c" and read and write blocked tensors, and _ToNChw16c /
// _FromNChw16c convert at the edges of a run. The ops are internal to savedserve (never in
// a SavedModel). Pure functions; safe for concurrent use.
#pragma once

#include <cstdint>

#include "absl/status/statusor.h"
#include "kernels/op_kernel.h"
#include "tensor/shape.h"

namespace savedserve {

inline constexpr int64_t kChannelBlock = 16;
inline constexpr char kLayoutAttr[] = "_layout";
inline constexpr char kBlockedLayout[] = "nChw16c";
inline constexpr char kToBlockedOp[] = "_ToNChw16c";
inline constexpr char kFromBlockedOp[] = "_FromNChw16c";

// Whether the node's _layout attribute says blocked; other values are InvalidArgument.
absl::StatusOr<bool> IsBlockedLayout(const KernelConstruction& c);

// [N, H, W, C] -> [N, C/16, H, W, 16]. REQUIRES: rank 4, C a multiple of 16.
TensorShape BlockedShape(const TensorShape& nhwc);
PartialShape BlockedShape(const PartialShape& nhwc);
// [N, C/16, H, W, 16] -> [N, H, W, C]; InvalidArgument for other shapes.
absl::StatusOr<TensorShape> NhwcShape(const TensorShape& blocked);
// The NHWC shape a kernel's input of `shape` stands for: NhwcShape when `blocked`, else
// the shape itself.
absl::StatusOr<TensorShape> LogicalShape(const TensorShape& shape, bool blocked);
// The NHWC side of a conversion of `input`: its own shape when converting to blocked
// (checked: rank 4, channels a multiple of 16), else the shape it stands for.
absl::StatusOr<TensorShape> ConversionNhwcShape(const TensorShape& input, bool to_blocked);

// Moves the elements of a float tensor standing for NHWC shape `nhwc` from NHWC to blocked
// (to_blocked) or back, one at a time (the reference for the oneDNN reorders).
void ConvertLayoutReference(const float* src, const TensorShape& nhwc, bool to_blocked,
                            float* dst);

// _ToNChw16c (to_blocked) or _FromNChw16c: checks the input, allocates the output and has
// Convert move the elements. The reference loops and the oneDNN reorders derive from it.
class LayoutConversionKernel : public OpKernel {
 public:
  explicit LayoutConversionKernel(bool to_blocked) : to_blocked_(to_blocked) {}
  absl::Status Compute(KernelContext& ctx) const final;

 protected:
  // `nhwc`: the shape of the NHWC side (in or out).
  virtual absl::Status Convert(KernelContext& ctx, const Tensor& in, const TensorShape& nhwc,
                               Tensor* out) const = 0;
  bool to_blocked() const { return to_blocked_; }

 private:
  const bool to_blocked_;
};

// A factory for SS_REGISTER_KERNEL: K is constructed from `to_blocked`.
template <typename K, bool kToBlocked>
absl::StatusOr<std::unique_ptr<OpKernel>> CreateLayoutKernel(const KernelConstruction&) {
  return std::unique_ptr<OpKernel>(new K(kToBlocked));
}

}  // namespace savedserve
