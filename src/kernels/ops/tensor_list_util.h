// Helpers shared by the TensorList kernels (tensor_list_ops.cc, tensor_list_stack.cc):
// reading the list a DT_VARIANT input carries, element shapes given as shape tensors, and
// moving rows between dense tensors and list elements. Errors name the node through the
// context and follow TensorFlow's list_kernels wording where it has one.
// Pure functions; safe for concurrent use.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "kernels/op_kernel.h"
#include "tensor/tensor_list.h"

namespace savedserve {

// The most elements a list may have here. TensorFlow has no limit, but a hostile size or
// index must not make us allocate gigabytes of empty elements.
inline constexpr int64_t kMaxTensorListSize = int64_t{1} << 24;

// The TensorList that input `i` (a DT_VARIANT scalar) holds; valid while the input is.
absl::StatusOr<const TensorList*> InputList(const KernelContext& ctx, int i);

// Checks that `list` holds `element_dtype` (the op's attribute).
absl::Status CheckElementDtype(const KernelContext& ctx, const TensorList& list,
                               DataType element_dtype);

// A shape given as an int32/int64 tensor (TF's TensorShapeFromTensor): a vector of dims
// (-1 unknown), or the scalar -1 for an unknown rank.
absl::StatusOr<PartialShape> ReadShapeTensor(const KernelContext& ctx, const Tensor& t);

// The list's element shape merged with the shape tensor of input `i`.
absl::StatusOr<PartialShape> ElementShapeFromInput(const KernelContext& ctx, const TensorList& list,
                                                   int i);

// `shape` merged with the shape of every set element among `indices` (all of them when
// empty); an element that does not fit is an error.
absl::StatusOr<PartialShape> MergeSetElementShapes(const KernelContext& ctx, const TensorList& list,
                                                   PartialShape shape,
                                                   const std::vector<int64_t>& indices = {});

// Checks that a list of `size` elements is allowed (kMaxTensorListSize).
absl::Status CheckListSize(const KernelContext& ctx, int64_t size);

// Sets output `i` to a DT_VARIANT scalar holding `list`.
void SetListOutput(KernelContext& ctx, int i, std::shared_ptr<const TensorList> list);

// Checks that elements of `dtype` can be copied into or out of dense tensors (every
// numeric, bool and string type; not variants, whose values element copies would lose).
absl::Status CheckDenseElementType(const KernelContext& ctx, DataType dtype);

// The `element_dtype` attribute of an op that copies elements into or out of dense tensors
// (see CheckDenseElementType).
absl::StatusOr<DataType> ReadDenseElementDtype(const KernelConstruction& c);

// Rows [begin, end) of `t` along dim 0 as a new tensor of `shape`. REQUIRES: rank(t) >= 1,
// the range is in bounds and `shape` has (end - begin) rows' worth of elements.
Tensor CopyRows(const Tensor& t, int64_t begin, int64_t end, TensorShape shape);

// `shape` with its first dim removed. REQUIRES: rank >= 1.
TensorShape DropFirstDim(const TensorShape& shape);

}  // namespace savedserve
