// The TensorList ops that move whole lists to and from dense tensors: TensorListStack,
// TensorListGather (list -> tensor; TensorListConcat is in tensor_list_concat.cc) and
// TensorListFromTensor,
// TensorListScatter(V2), TensorListScatterIntoExistingList, TensorListSplit (tensor ->
// list). Rows are copied (a list element owns its buffer); unset elements read as zeros of
// the element shape, which the list, the op's element_shape input or the set elements must
// then give. Lists of variants (nested lists) are refused here: element copies would lose
// their values.
#include <algorithm>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/ops/tensor_list_util.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

// Output 0 = the elements at `indices` stacked along a new first dim. `shape` is the
// element shape merged with every element read, so each set element has it exactly.
absl::Status StackElements(KernelContext& ctx, const TensorList& list,
                           const std::vector<int64_t>& indices, const PartialShape& shape) {
  if (!shape.IsFullyDefined()) {
    return ctx.Error(absl::StrCat("Tried to stack or gather list elements that are all unset ",
                                  "with a non-fully-defined element_shape: ", shape.DebugString()));
  }
  std::vector<int64_t> dims = {static_cast<int64_t>(indices.size())};
  dims.insert(dims.end(), shape.dims().begin(), shape.dims().end());
  ASSIGN_OR_RETURN(TensorShape out_shape, MakeShape(ctx, dims));
  ASSIGN_OR_RETURN(Tensor * out, AllocateOutput(ctx, 0, list.element_dtype, out_shape));
  const int64_t row = indices.empty() ? 0 : out->num_elements() / dims[0];
  for (size_t k = 0; k < indices.size(); ++k) {
    const Tensor& t = list.tensors[indices[k]];
    if (t.dtype() == tensorflow::DT_INVALID) continue;  // zeros, as allocated
    CopyElements(t, 0, *out, static_cast<int64_t>(k) * row, row);
  }
  return absl::OkStatus();
}

std::vector<int64_t> AllIndices(const TensorList& list) {
  std::vector<int64_t> all(list.tensors.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int64_t>(i);
  return all;
}

// TensorListStack(list, element_shape) -> [size, ...element_shape].
class StackKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    auto k = std::make_unique<StackKernel>();
    ASSIGN_OR_RETURN(k->element_dtype_, ReadDenseElementDtype(c));
    ASSIGN_OR_RETURN(k->num_elements_, c.GetAttrOr<int64_t>("num_elements", -1));
    return std::unique_ptr<OpKernel>(std::move(k));
  }
  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(const TensorList* list, InputList(ctx, 0));
    RETURN_IF_ERROR(CheckElementDtype(ctx, *list, element_dtype_));
    const int64_t size = static_cast<int64_t>(list->tensors.size());
    if (num_elements_ != -1 && size != num_elements_) {
      return ctx.Error(absl::StrCat("Operation expected a list with ", num_elements_,
                                    " elements but got a list with ", size, " elements."));
    }
    ASSIGN_OR_RETURN(PartialShape shape, ElementShapeFromInput(ctx, *list, 1));
    ASSIGN_OR_RETURN(shape, MergeSetElementShapes(ctx, *list, shape));
    return StackElements(ctx, *list, AllIndices(*list), shape);
  }

 private:
  DataType element_dtype_ = tensorflow::DT_INVALID;
  int64_t num_elements_ = -1;
};

// TensorListGather(list, indices, element_shape) -> [num_indices, ...element_shape].
class GatherKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    auto k = std::make_unique<GatherKernel>();
    ASSIGN_OR_RETURN(k->element_dtype_, ReadDenseElementDtype(c));
    return std::unique_ptr<OpKernel>(std::move(k));
  }
  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(const TensorList* list, InputList(ctx, 0));
    RETURN_IF_ERROR(CheckElementDtype(ctx, *list, element_dtype_));
    ASSIGN_OR_RETURN(Tensor indices_tensor, ctx.input(1));
    ASSIGN_OR_RETURN(std::vector<int64_t> indices, ReadIndexValues(ctx, indices_tensor, "indices"));
    for (int64_t i : indices) {
      if (i < 0 || i >= static_cast<int64_t>(list->tensors.size())) {
        return ctx.Error(absl::StrCat("Index ", i, " out of range; list only has ",
                                      list->tensors.size(), " elements."));
      }
    }
    ASSIGN_OR_RETURN(PartialShape shape, ElementShapeFromInput(ctx, *list, 2));
    if (!indices.empty()) {
      ASSIGN_OR_RETURN(shape, MergeSetElementShapes(ctx, *list, shape, indices));
    }
    return StackElements(ctx, *list, indices, shape);
  }

 private:
  DataType element_dtype_ = tensorflow::DT_INVALID;
};

// Checks that `t` has rows and that `shape` fits each; returns the row shape.
absl::StatusOr<TensorShape> RowShape(const KernelContext& ctx, const Tensor& t,
                                     const PartialShape& shape) {
  if (t.shape().rank() < 1) {
    return ctx.Error(
        absl::StrCat("Tensor must be at least a vector, but saw shape: ", t.shape().DebugString()));
  }
  TensorShape row = DropFirstDim(t.shape());
  if (!shape.IsCompatibleWith(row)) {
    return ctx.Error(absl::StrCat("Specified a list with shape ", shape.DebugString(),
                                  " from a tensor with shape ", row.DebugString()));
  }
  return row;
}

// TensorListFromTensor(tensor, element_shape): one element per row.
class FromTensorKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    RETURN_IF_ERROR(ReadDenseElementDtype(c).status());
    return std::make_unique<FromTensorKernel>();
  }
  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor t, ctx.input(0));
    ASSIGN_OR_RETURN(Tensor shape_tensor, ctx.input(1));
    RETURN_IF_ERROR(CheckDenseElementType(ctx, t.dtype()));
    auto list = std::make_shared<TensorList>();
    list->element_dtype = t.dtype();
    ASSIGN_OR_RETURN(list->element_shape, ReadShapeTensor(ctx, shape_tensor));
    ASSIGN_OR_RETURN(TensorShape row, RowShape(ctx, t, list->element_shape));
    RETURN_IF_ERROR(CheckListSize(ctx, t.shape().dim(0)));
    for (int64_t i = 0; i < t.shape().dim(0); ++i)
      list->tensors.push_back(CopyRows(t, i, i + 1, row));
    SetListOutput(ctx, 0, std::move(list));
    return absl::OkStatus();
  }
};

// Sets list element indices[k] to row k of `t` (later rows win). REQUIRES: indices in range.
void ScatterRows(const Tensor& t, const TensorShape& row, const std::vector<int64_t>& indices,
                 TensorList* list) {
  for (size_t k = 0; k < indices.size(); ++k) {
    list->tensors[indices[k]] = CopyRows(t, k, k + 1, row);
  }
}

// Reads `indices` (one per row of `t`, non-negative) and returns the largest plus one.
absl::StatusOr<int64_t> ReadScatterIndices(const KernelContext& ctx, const Tensor& t,
                                           const Tensor& indices_tensor,
                                           std::vector<int64_t>* indices) {
  ASSIGN_OR_RETURN(*indices, ReadIndexValues(ctx, indices_tensor, "indices"));
  if (static_cast<int64_t>(indices->size()) != t.shape().dim(0)) {
    return ctx.Error(absl::StrCat("Invalid number of rows in input tensor. Expected: ",
                                  indices->size(), " Actual: ", t.shape().dim(0)));
  }
  int64_t end = 0;
  for (int64_t i : *indices) {
    if (i < 0)
      return ctx.Error(
          absl::StrCat("Indices in TensorListScatter must all be "
                       "non-negative, got ",
                       i));
    end = std::max(end, i + 1);
  }
  RETURN_IF_ERROR(CheckListSize(ctx, end));
  return end;
}

// TensorListScatter(tensor, indices, element_shape) and TensorListScatterV2(..., num_elements):
// a new list of max(num_elements, largest index + 1) elements, row k at indices[k].
class ScatterKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    RETURN_IF_ERROR(ReadDenseElementDtype(c).status());
    return std::make_unique<ScatterKernel>();
  }
  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor t, ctx.input(0));
    ASSIGN_OR_RETURN(Tensor indices_tensor, ctx.input(1));
    ASSIGN_OR_RETURN(Tensor shape_tensor, ctx.input(2));
    RETURN_IF_ERROR(CheckDenseElementType(ctx, t.dtype()));
    int64_t num_elements = -1;
    if (ctx.num_inputs() > 3) {
      ASSIGN_OR_RETURN(Tensor n, ctx.input(3));
      ASSIGN_OR_RETURN(num_elements, ReadIndexScalar(ctx, n, "num_elements"));
      if (num_elements < -1) {
        return ctx.Error(
            absl::StrCat("TensorListScatter expects num_elements >= -1, found: ", num_elements));
      }
    }
    auto list = std::make_shared<TensorList>();
    list->element_dtype = t.dtype();
    ASSIGN_OR_RETURN(list->element_shape, ReadShapeTensor(ctx, shape_tensor));
    ASSIGN_OR_RETURN(TensorShape row, RowShape(ctx, t, list->element_shape));
    std::vector<int64_t> indices;
    ASSIGN_OR_RETURN(int64_t end, ReadScatterIndices(ctx, t, indices_tensor, &indices));
    if (num_elements != -1 && end > num_elements) {
      return ctx.Error(absl::StrCat("TensorListScatter: Trying to scatter at index ", end - 1,
                                    " in list with size ", num_elements));
    }
    RETURN_IF_ERROR(CheckListSize(ctx, num_elements));
    list->tensors.resize(std::max(end, num_elements));
    ScatterRows(t, row, indices, list.get());
    SetListOutput(ctx, 0, std::move(list));
    return absl::OkStatus();
  }
};

// TensorListScatterIntoExistingList(list, tensor, indices): the list, copied, with row k at
// indices[k], grown when an index is past its end.
class ScatterIntoListKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    auto k = std::make_unique<ScatterIntoListKernel>();
    ASSIGN_OR_RETURN(k->element_dtype_, ReadDenseElementDtype(c));
    return std::unique_ptr<OpKernel>(std::move(k));
  }
  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(const TensorList* list, InputList(ctx, 0));
    ASSIGN_OR_RETURN(Tensor t, ctx.input(1));
    ASSIGN_OR_RETURN(Tensor indices_tensor, ctx.input(2));
    RETURN_IF_ERROR(CheckElementDtype(ctx, *list, element_dtype_));
    if (t.dtype() != list->element_dtype) {
      return ctx.Error(
          absl::StrCat("Invalid data types; input tensor type: ", DataTypeName(t.dtype()),
                       " list element_type: ", DataTypeName(list->element_dtype)));
    }
    if (indices_tensor.shape().rank() != 1) {
      return ctx.Error(absl::StrCat("Expected indices to be a vector, but received shape: ",
                                    indices_tensor.shape().DebugString()));
    }
    ASSIGN_OR_RETURN(TensorShape row, RowShape(ctx, t, list->element_shape));
    std::vector<int64_t> indices;
    ASSIGN_OR_RETURN(int64_t end, ReadScatterIndices(ctx, t, indices_tensor, &indices));
    auto out = std::make_shared<TensorList>(*list);
    if (end > static_cast<int64_t>(out->tensors.size())) out->tensors.resize(end);
    ScatterRows(t, row, indices, out.get());
    SetListOutput(ctx, 0, std::move(out));
    return absl::OkStatus();
  }

 private:
  DataType element_dtype_ = tensorflow::DT_INVALID;
};

// TensorListSplit(tensor, element_shape, lengths): element i = the next lengths[i] rows.
class SplitKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    RETURN_IF_ERROR(ReadDenseElementDtype(c).status());
    return std::make_unique<SplitKernel>();
  }
  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor t, ctx.input(0));
    ASSIGN_OR_RETURN(Tensor shape_tensor, ctx.input(1));
    ASSIGN_OR_RETURN(Tensor lengths_tensor, ctx.input(2));
    RETURN_IF_ERROR(CheckDenseElementType(ctx, t.dtype()));
    auto list = std::make_shared<TensorList>();
    list->element_dtype = t.dtype();
    ASSIGN_OR_RETURN(list->element_shape, ReadShapeTensor(ctx, shape_tensor));
    if (list->element_shape.rank() == 0) {
      return ctx.Error("TensorListSplit requires element_shape to be at least of rank 1");
    }
    PartialShape rest;
    if (!list->element_shape.unknown_rank()) {
      const std::vector<int64_t>& dims = list->element_shape.dims();
      rest = PartialShape({dims.begin() + 1, dims.end()});
    }
    ASSIGN_OR_RETURN(TensorShape row, RowShape(ctx, t, rest));
    ASSIGN_OR_RETURN(std::vector<int64_t> lengths, ReadIndexVector(ctx, lengths_tensor, "lengths"));
    RETURN_IF_ERROR(CheckListSize(ctx, static_cast<int64_t>(lengths.size())));
    const int64_t rows = t.shape().dim(0);
    int64_t start = 0;
    for (int64_t length : lengths) {
      if (length < 0) return ctx.Error(absl::StrCat("Invalid value in lengths: ", length));
      if (length > rows - start) {
        return ctx.Error(absl::StrCat("Attempting to slice [", start, ", ", start + length,
                                      "] from tensor with length ", rows));
      }
      std::vector<int64_t> dims = {length};
      dims.insert(dims.end(), row.dims().begin(), row.dims().end());
      list->tensors.push_back(CopyRows(t, start, start + length, TensorShape(dims)));
      start += length;
    }
    if (start != rows) {
      return ctx.Error(absl::StrCat("Unused values in tensor. Length of tensor: ", rows,
                                    " Values used: ", start));
    }
    SetListOutput(ctx, 0, std::move(list));
    return absl::OkStatus();
  }
};

SS_REGISTER_KERNEL("TensorListStack", kReference, StackKernel::Create);
SS_REGISTER_KERNEL("TensorListGather", kReference, GatherKernel::Create);
SS_REGISTER_KERNEL("TensorListFromTensor", kReference, FromTensorKernel::Create);
SS_REGISTER_KERNEL("TensorListScatter", kReference, ScatterKernel::Create);
SS_REGISTER_KERNEL("TensorListScatterV2", kReference, ScatterKernel::Create);
SS_REGISTER_KERNEL("TensorListScatterIntoExistingList", kReference, ScatterIntoListKernel::Create);
SS_REGISTER_KERNEL("TensorListSplit", kReference, SplitKernel::Create);

}  // namespace
}  // namespace savedserve
