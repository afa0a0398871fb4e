#include "kernels/ops/tensor_list_util.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"

namespace savedserve {

absl::StatusOr<const TensorList*> InputList(const KernelContext& ctx, int i) {
  ASSIGN_OR_RETURN(Tensor t, ctx.input(i));
  if (t.dtype() != tensorflow::DT_VARIANT || t.shape().rank() != 0) {
    return ctx.Error(absl::StrCat("input ", i, " must be a DT_VARIANT scalar holding a list, got ",
                                  DataTypeName(t.dtype()), " ", t.shape().DebugString()));
  }
  // The Value behind input i owns the tensor, so the list outlives this call.
  const auto* list =
      dynamic_cast<const TensorList*>(ctx.input_value(i).tensor.variant_value(0).get());
  if (list == nullptr) {
    return ctx.Error(absl::StrCat(
        "input ", i, " is not a TensorList: ", t.DebugString(),
        " (a variant read from a TensorProto, or copied element by element, keeps no list)"));
  }
  return list;
}

absl::Status CheckElementDtype(const KernelContext& ctx, const TensorList& list,
                               DataType element_dtype) {
  if (list.element_dtype == element_dtype) return absl::OkStatus();
  return ctx.Error(absl::StrCat("Invalid data types; op elements ", DataTypeName(element_dtype),
                                " but list elements ", DataTypeName(list.element_dtype)));
}

absl::StatusOr<PartialShape> ReadShapeTensor(const KernelContext& ctx, const Tensor& t) {
  ASSIGN_OR_RETURN(std::vector<int64_t> dims, ReadIndexValues(ctx, t, "element_shape"));
  if (t.shape().rank() == 0) {
    if (dims[0] != -1) {
      return ctx.Error(absl::StrCat("element_shape: the only valid scalar shape tensor is the ",
                                    "fully unknown shape specified as -1, got ", dims[0]));
    }
    return PartialShape::UnknownRank();
  }
  if (t.shape().rank() != 1) {
    return ctx.Error(absl::StrCat("element_shape must be a vector or the scalar -1, got shape ",
                                  t.shape().DebugString()));
  }
  for (int64_t d : dims) {
    if (d < -1) return ctx.Error(absl::StrCat("element_shape has an invalid dim ", d));
  }
  return PartialShape(std::move(dims));
}

absl::StatusOr<PartialShape> ElementShapeFromInput(const KernelContext& ctx, const TensorList& list,
                                                   int i) {
  ASSIGN_OR_RETURN(Tensor t, ctx.input(i));
  ASSIGN_OR_RETURN(PartialShape given, ReadShapeTensor(ctx, t));
  auto merged = list.element_shape.Merge(given);
  if (!merged.ok()) return ctx.Error(absl::StrCat("element_shape: ", merged.status().message()));
  return merged;
}

absl::StatusOr<PartialShape> MergeSetElementShapes(const KernelContext& ctx, const TensorList& list,
                                                   PartialShape shape,
                                                   const std::vector<int64_t>& indices) {
  const int64_t n = indices.empty() ? static_cast<int64_t>(list.tensors.size())
                                    : static_cast<int64_t>(indices.size());
  for (int64_t k = 0; k < n; ++k) {
    const Tensor& t = list.tensors[indices.empty() ? k : indices[k]];
    if (t.dtype() == tensorflow::DT_INVALID) continue;
    auto merged = shape.Merge(PartialShape(t.shape().dims()));
    if (!merged.ok()) {
      return ctx.Error(absl::StrCat("list element ", indices.empty() ? k : indices[k], ": ",
                                    merged.status().message()));
    }
    shape = *std::move(merged);
  }
  return shape;
}

absl::Status CheckListSize(const KernelContext& ctx, int64_t size) {
  if (size <= kMaxTensorListSize) return absl::OkStatus();
  return absl::ResourceExhaustedError(
      absl::StrCat(ctx.node().op(), " '", ctx.node().name(), "': a list of ", size,
                   " elements is over the limit of ", kMaxTensorListSize));
}

void SetListOutput(KernelContext& ctx, int i, std::shared_ptr<const TensorList> list) {
  ctx.set_output(i, Tensor::FromVariant(std::move(list)));
}

absl::StatusOr<DataType> ReadDenseElementDtype(const KernelConstruction& c) {
  ASSIGN_OR_RETURN(DataType dtype, c.GetAttr<DataType>("element_dtype"));
  if (!IsCopyableType(dtype) || dtype == tensorflow::DT_VARIANT) {
    return c.Error(absl::StrCat("element_dtype ", DataTypeName(dtype), " is not supported"));
  }
  return dtype;
}

absl::Status CheckDenseElementType(const KernelContext& ctx, DataType dtype) {
  if (IsCopyableType(dtype) && dtype != tensorflow::DT_VARIANT) return absl::OkStatus();
  return UnsupportedType(ctx, dtype);
}

Tensor CopyRows(const Tensor& t, int64_t begin, int64_t end, TensorShape shape) {
  const int64_t row = t.shape().dim(0) == 0 ? 0 : t.num_elements() / t.shape().dim(0);
  Tensor out = Tensor::ForOverwrite(t.dtype(), std::move(shape));
  CopyElements(t, begin * row, out, 0, (end - begin) * row);
  return out;
}

TensorShape DropFirstDim(const TensorShape& shape) {
  return TensorShape(std::vector<int64_t>(shape.dims().begin() + 1, shape.dims().end()));
}

}  // namespace savedserve
