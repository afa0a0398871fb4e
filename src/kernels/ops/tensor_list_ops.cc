// The TensorList ops that make lists and read or change one element at a time: EmptyTensorList,
// TensorListReserve, TensorListLength, TensorListElementShape, TensorListGetItem,
// TensorListSetItem, TensorListPushBack, TensorListPopBack, TensorListResize. A list travels
// as a DT_VARIANT scalar (tensor/tensor_list.h); an op that changes one outputs a changed
// copy, sharing the element buffers, so the input list stays as it was for its other
// readers. (TensorFlow changes the list in place when it holds the only reference; here
// a copy costs one pointer per element, so a loop that sets n elements costs O(n^2)
// pointer copies, which is small next to the elements themselves for the sizes loops use.)
// Unset elements read as zeros of the element shape, which must then be known.
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/ops/tensor_list_util.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

// Base for ops with an `element_dtype` attribute.
class ElementTypedKernel : public OpKernel {
 protected:
  absl::Status ReadElementDtype(const KernelConstruction& c) {
    ASSIGN_OR_RETURN(element_dtype_, c.GetAttr<DataType>("element_dtype"));
    return absl::OkStatus();
  }
  DataType element_dtype_ = tensorflow::DT_INVALID;
};

// EmptyTensorList(element_shape, max_num_elements) and TensorListReserve(element_shape,
// num_elements): a list of no elements, or of num_elements unset ones.
class NewListKernel : public ElementTypedKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    auto k = std::make_unique<NewListKernel>();
    RETURN_IF_ERROR(k->ReadElementDtype(c));
    k->reserve_ = c.op() == "TensorListReserve";
    return std::unique_ptr<OpKernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor shape, ctx.input(0));
    ASSIGN_OR_RETURN(Tensor count, ctx.input(1));
    auto list = std::make_shared<TensorList>();
    list->element_dtype = element_dtype_;
    ASSIGN_OR_RETURN(list->element_shape, ReadShapeTensor(ctx, shape));
    ASSIGN_OR_RETURN(int64_t n,
                     ReadIndexScalar(ctx, count, reserve_ ? "num_elements" : "max_num_elements"));
    if (reserve_) {
      if (n < 0) {
        return ctx.Error(
            absl::StrCat("The num_elements to reserve must be a non negative number, but got ", n));
      }
      RETURN_IF_ERROR(CheckListSize(ctx, n));
      list->tensors.resize(n);
    } else {
      if (n < -1) {
        return ctx.Error(absl::StrCat("max_num_elements must be -1 or more, got ", n));
      }
      list->max_num_elements = static_cast<int>(n);
    }
    SetListOutput(ctx, 0, std::move(list));
    return absl::OkStatus();
  }

 private:
  bool reserve_ = false;
};

class LengthKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction&) {
    return std::make_unique<LengthKernel>();
  }
  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(const TensorList* list, InputList(ctx, 0));
    ctx.set_output(0, Tensor::Scalar<int32_t>(static_cast<int32_t>(list->tensors.size())));
    return absl::OkStatus();
  }
};

// The list's element shape as a shape_type vector (-1 for unknown dims), or the scalar -1
// when its rank is unknown.
class ElementShapeKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    auto k = std::make_unique<ElementShapeKernel>();
    ASSIGN_OR_RETURN(k->shape_type_, c.GetAttr<DataType>("shape_type"));
    if (k->shape_type_ != tensorflow::DT_INT32 && k->shape_type_ != tensorflow::DT_INT64) {
      return c.Error(
          absl::StrCat("shape_type must be int32 or int64, got ", DataTypeName(k->shape_type_)));
    }
    return std::unique_ptr<OpKernel>(std::move(k));
  }
  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(const TensorList* list, InputList(ctx, 0));
    const PartialShape& shape = list->element_shape;
    const std::vector<int64_t> dims =
        shape.unknown_rank() ? std::vector<int64_t>{-1} : shape.dims();
    Tensor* out = ctx.allocate_output(
        0, shape_type_,
        shape.unknown_rank() ? TensorShape{} : TensorShape{static_cast<int64_t>(dims.size())});
    for (size_t i = 0; i < dims.size(); ++i) {
      if (shape_type_ == tensorflow::DT_INT32) {
        out->data<int32_t>()[i] = static_cast<int32_t>(dims[i]);
      } else {
        out->data<int64_t>()[i] = dims[i];
      }
    }
    return absl::OkStatus();
  }

 private:
  DataType shape_type_ = tensorflow::DT_INT32;
};

// Output `i` as zeros of the element shape (for an unset element), which must be known.
absl::Status OutputZeros(KernelContext& ctx, int i, DataType dtype, const PartialShape& shape) {
  if (!shape.IsFullyDefined()) {
    return ctx.Error(absl::StrCat("Trying to read an uninitialized tensor but element_shape ",
                                  "is not fully defined: ", shape.DebugString()));
  }
  ASSIGN_OR_RETURN(TensorShape dense, MakeShape(ctx, shape.dims()));
  return AllocateOutput(ctx, i, dtype, std::move(dense)).status();
}

// GetItem(list, index, element_shape) -> element.
class GetItemKernel : public ElementTypedKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    auto k = std::make_unique<GetItemKernel>();
    RETURN_IF_ERROR(k->ReadElementDtype(c));
    return std::unique_ptr<OpKernel>(std::move(k));
  }
  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(const TensorList* list, InputList(ctx, 0));
    RETURN_IF_ERROR(CheckElementDtype(ctx, *list, element_dtype_));
    ASSIGN_OR_RETURN(Tensor index_tensor, ctx.input(1));
    ASSIGN_OR_RETURN(int64_t index, ReadIndexScalar(ctx, index_tensor, "index"));
    const int64_t size = static_cast<int64_t>(list->tensors.size());
    if (index < 0 || index >= size) {
      return ctx.Error(
          absl::StrCat("Trying to access element ", index, " in a list with ", size, " elements."));
    }
    const Tensor& item = list->tensors[index];
    if (item.dtype() != tensorflow::DT_INVALID) {
      ctx.set_output(0, item);
      return absl::OkStatus();
    }
    // As TensorFlow: an unknown shape may be learned from the elements that are set.
    ASSIGN_OR_RETURN(PartialShape shape, ElementShapeFromInput(ctx, *list, 2));
    if (!shape.IsFullyDefined()) {
      ASSIGN_OR_RETURN(shape, MergeSetElementShapes(ctx, *list, shape));
    }
    return OutputZeros(ctx, 0, element_dtype_, shape);
  }
};

// The list, copied, with one more element or one changed.
absl::StatusOr<std::shared_ptr<TensorList>> CopyForUpdate(const KernelContext& ctx,
                                                          const TensorList& list,
                                                          const Tensor& item, DataType dtype) {
  RETURN_IF_ERROR(CheckElementDtype(ctx, list, dtype));
  if (item.dtype() != dtype) {
    return ctx.Error(absl::StrCat("item is ", DataTypeName(item.dtype()), ", the list holds ",
                                  DataTypeName(dtype)));
  }
  if (!list.element_shape.IsCompatibleWith(item.shape())) {
    return ctx.Error(absl::StrCat(
        "Tried to set a tensor with incompatible shape. Item shape: ", item.shape().DebugString(),
        " list element shape: ", list.element_shape.DebugString()));
  }
  return std::make_shared<TensorList>(list);
}

// SetItem(list, index, item) -> list. With resize_if_index_out_of_bounds (what a
// dynamic-size TensorArray writes), an index past the end grows the list.
class SetItemKernel : public ElementTypedKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    auto k = std::make_unique<SetItemKernel>();
    RETURN_IF_ERROR(k->ReadElementDtype(c));
    ASSIGN_OR_RETURN(k->resize_, c.GetAttrOr<bool>("resize_if_index_out_of_bounds", false));
    return std::unique_ptr<OpKernel>(std::move(k));
  }
  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(const TensorList* list, InputList(ctx, 0));
    ASSIGN_OR_RETURN(Tensor index_tensor, ctx.input(1));
    ASSIGN_OR_RETURN(Tensor item, ctx.input(2));
    ASSIGN_OR_RETURN(int64_t index, ReadIndexScalar(ctx, index_tensor, "index"));
    const int64_t size = static_cast<int64_t>(list->tensors.size());
    if (index < 0 || (index >= size && !resize_)) {
      return ctx.Error(
          absl::StrCat("Trying to modify element ", index, " in a list with ", size, " elements."));
    }
    ASSIGN_OR_RETURN(auto out, CopyForUpdate(ctx, *list, item, element_dtype_));
    if (index >= size) {
      RETURN_IF_ERROR(CheckListSize(ctx, index + 1));
      out->tensors.resize(index + 1);
    }
    out->tensors[index] = std::move(item);
    SetListOutput(ctx, 0, std::move(out));
    return absl::OkStatus();
  }

 private:
  bool resize_ = false;
};

class PushBackKernel : public ElementTypedKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    auto k = std::make_unique<PushBackKernel>();
    RETURN_IF_ERROR(k->ReadElementDtype(c));
    return std::unique_ptr<OpKernel>(std::move(k));
  }
  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(const TensorList* list, InputList(ctx, 0));
    ASSIGN_OR_RETURN(Tensor item, ctx.input(1));
    const int64_t size = static_cast<int64_t>(list->tensors.size());
    if (list->max_num_elements != -1 && size >= list->max_num_elements) {
      return ctx.Error(absl::StrCat("Tried to push item into a full list list size: ", size,
                                    " max_num_elements: ", list->max_num_elements));
    }
    RETURN_IF_ERROR(CheckListSize(ctx, size + 1));
    ASSIGN_OR_RETURN(auto out, CopyForUpdate(ctx, *list, item, element_dtype_));
    out->tensors.push_back(std::move(item));
    SetListOutput(ctx, 0, std::move(out));
    return absl::OkStatus();
  }
};

// PopBack(list, element_shape) -> (list without its last element, that element).
class PopBackKernel : public ElementTypedKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    auto k = std::make_unique<PopBackKernel>();
    RETURN_IF_ERROR(k->ReadElementDtype(c));
    return std::unique_ptr<OpKernel>(std::move(k));
  }
  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(const TensorList* list, InputList(ctx, 0));
    RETURN_IF_ERROR(CheckElementDtype(ctx, *list, element_dtype_));
    if (list->tensors.empty()) return ctx.Error("Trying to pop from an empty list.");
    const Tensor& last = list->tensors.back();
    if (last.dtype() != tensorflow::DT_INVALID) {
      ctx.set_output(1, last);
    } else {
      ASSIGN_OR_RETURN(PartialShape shape, ElementShapeFromInput(ctx, *list, 1));
      RETURN_IF_ERROR(OutputZeros(ctx, 1, element_dtype_, shape));
    }
    auto out = std::make_shared<TensorList>(*list);
    out->tensors.pop_back();
    SetListOutput(ctx, 0, std::move(out));
    return absl::OkStatus();
  }
};

// Resize(list, size): truncated, or grown with unset elements.
class ResizeKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction&) {
    return std::make_unique<ResizeKernel>();
  }
  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(const TensorList* list, InputList(ctx, 0));
    ASSIGN_OR_RETURN(Tensor size_tensor, ctx.input(1));
    ASSIGN_OR_RETURN(int64_t size, ReadIndexScalar(ctx, size_tensor, "size"));
    if (size < 0) {
      return ctx.Error(
          absl::StrCat("TensorListResize expects size to be non-negative. Got: ", size));
    }
    RETURN_IF_ERROR(CheckListSize(ctx, size));
    auto out = std::make_shared<TensorList>(*list);
    out->tensors.resize(size);
    SetListOutput(ctx, 0, std::move(out));
    return absl::OkStatus();
  }
};

SS_REGISTER_KERNEL("EmptyTensorList", kReference, NewListKernel::Create);
SS_REGISTER_KERNEL("TensorListReserve", kReference, NewListKernel::Create);
SS_REGISTER_KERNEL("TensorListLength", kReference, LengthKernel::Create);
SS_REGISTER_KERNEL("TensorListElementShape", kReference, ElementShapeKernel::Create);
SS_REGISTER_KERNEL("TensorListGetItem", kReference, GetItemKernel::Create);
SS_REGISTER_KERNEL("TensorListSetItem", kReference, SetItemKernel::Create);
SS_REGISTER_KERNEL("TensorListPushBack", kReference, PushBackKernel::Create);
SS_REGISTER_KERNEL("TensorListPopBack", kReference, PopBackKernel::Create);
SS_REGISTER_KERNEL("TensorListResize", kReference, ResizeKernel::Create);

}  // namespace
}  // namespace savedserve
