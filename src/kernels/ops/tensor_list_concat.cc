// TensorListConcat and TensorListConcatV2: a list's elements concatenated along dim 0, as
// TensorArray.concat writes it, with each element's leading dim as the second output.
#include <limits>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/ops/tensor_list_util.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

// TensorListConcat(list) (element_shape attr) and TensorListConcatV2(list, element_shape,
// leading_dims) -> (elements concatenated along dim 0, each one's leading dim). An unset
// element counts as zeros of [n, ...rest], n from leading_dims (V2) or, when every set
// element has the same leading dim, that one, as TensorFlow infers it.
class ConcatKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    auto k = std::make_unique<ConcatKernel>();
    ASSIGN_OR_RETURN(k->element_dtype_, ReadDenseElementDtype(c));
    k->v2_ = c.op() == "TensorListConcatV2";
    if (!k->v2_) {
      ASSIGN_OR_RETURN(PartialShape shape,
                       c.GetAttrOr<PartialShape>("element_shape", PartialShape::UnknownRank()));
      if (shape.rank() == 0) return c.Error("Concat requires elements to be at least vectors");
      if (!shape.unknown_rank()) {
        k->rest_attr_ = PartialShape({shape.dims().begin() + 1, shape.dims().end()});
      }
    }
    return std::unique_ptr<OpKernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(const TensorList* list, InputList(ctx, 0));
    RETURN_IF_ERROR(CheckElementDtype(ctx, *list, element_dtype_));
    int64_t first_dim = -1;
    PartialShape rest = rest_attr_;
    std::vector<int64_t> leading_dims;
    if (v2_) {
      ASSIGN_OR_RETURN(PartialShape shape, ElementShapeFromInput(ctx, *list, 1));
      if (shape.rank() == 0) {
        return ctx.Error("Concat requires elements to be at least vectors, found scalars instead.");
      }
      if (!shape.unknown_rank()) {
        first_dim = shape.dims()[0];
        rest = PartialShape({shape.dims().begin() + 1, shape.dims().end()});
      }
      ASSIGN_OR_RETURN(Tensor leading, ctx.input(2));
      ASSIGN_OR_RETURN(leading_dims, ReadIndexValues(ctx, leading, "leading_dims"));
    }
    if (list->tensors.empty() && !rest.IsFullyDefined()) {
      return ctx.Error(
          absl::StrCat("All except the first dimension must be fully defined when ",
                       "concating an empty tensor list. element_shape: ", rest.DebugString()));
    }
    ASSIGN_OR_RETURN(rest, MergeRest(ctx, *list, rest, &first_dim));
    if (!rest.IsFullyDefined()) {
      return ctx.Error(absl::StrCat(
          "Trying to concat list with only uninitialized tensors but ",
          "element_shape_except_first_dim is not fully defined: ", rest.DebugString()));
    }
    ASSIGN_OR_RETURN(std::vector<int64_t> lengths, Lengths(ctx, *list, first_dim, leading_dims));
    return Output(ctx, *list, rest, lengths);
  }

 private:
  // `rest` merged with every set element's dims after the first. `first_dim`: checked
  // against each, and inferred when the list's element shape is not fully defined.
  static absl::StatusOr<PartialShape> MergeRest(const KernelContext& ctx, const TensorList& list,
                                                PartialShape rest, int64_t* first_dim) {
    const bool infer = !list.element_shape.IsFullyDefined() && *first_dim == -1;
    int64_t inferred = -1;
    bool same = true;
    for (size_t i = 0; i < list.tensors.size(); ++i) {
      const Tensor& t = list.tensors[i];
      if (t.dtype() == tensorflow::DT_INVALID) continue;
      if (t.shape().rank() < 1) {
        return ctx.Error(absl::StrCat("Concat saw a scalar shape at index ", i,
                                      " but requires at least vectors."));
      }
      auto merged = rest.Merge(PartialShape(DropFirstDim(t.shape()).dims()));
      if (!merged.ok()) {
        return ctx.Error(absl::StrCat("list element ", i, ": ", merged.status().message()));
      }
      rest = *std::move(merged);
      const int64_t dim0 = t.shape().dim(0);
      if (*first_dim != -1 && dim0 != *first_dim) {
        return ctx.Error(absl::StrCat("First entry of element_shape input does not match the ",
                                      "first dim of list element at index: ", i,
                                      " Expected: ", *first_dim, " Actual: ", dim0));
      }
      if (inferred == -1 && same) inferred = dim0;
      if (inferred != dim0) same = false;
    }
    if (infer && same) *first_dim = inferred;
    return rest;
  }

  absl::StatusOr<std::vector<int64_t>> Lengths(const KernelContext& ctx, const TensorList& list,
                                               int64_t first_dim,
                                               const std::vector<int64_t>& leading_dims) const {
    std::vector<int64_t> lengths(list.tensors.size());
    for (size_t i = 0; i < lengths.size(); ++i) {
      const Tensor& t = list.tensors[i];
      if (t.dtype() != tensorflow::DT_INVALID) {
        lengths[i] = t.shape().dim(0);
      } else if (i >= leading_dims.size() && first_dim != -1) {
        lengths[i] = first_dim;
      } else if (!v2_) {
        return ctx.Error(
            "Concating lists with uninitialized tensors is not supported in this version of "
            "TensorListConcat. Consider updating your GraphDef to run the newer version.");
      } else if (i >= leading_dims.size()) {
        return ctx.Error(absl::StrCat("List contains uninitialized tensor at index ", i,
                                      " but leading_dims has only ", leading_dims.size(),
                                      " elements."));
      } else if (leading_dims[i] < 0) {
        return ctx.Error(absl::StrCat("leading_dims[", i, "] is negative: ", leading_dims[i]));
      } else {
        lengths[i] = leading_dims[i];
      }
    }
    return lengths;
  }

  static absl::Status Output(KernelContext& ctx, const TensorList& list, const PartialShape& rest,
                             const std::vector<int64_t>& lengths) {
    Tensor* lengths_out = ctx.allocate_output(1, tensorflow::DT_INT64,
                                              TensorShape{static_cast<int64_t>(lengths.size())});
    int64_t total = 0;
    for (size_t i = 0; i < lengths.size(); ++i) {
      lengths_out->data<int64_t>()[i] = lengths[i];
      if (lengths[i] > std::numeric_limits<int64_t>::max() - total) {
        return ctx.Error("the concatenated length overflows int64");
      }
      total += lengths[i];
    }
    std::vector<int64_t> dims = {total};
    dims.insert(dims.end(), rest.dims().begin(), rest.dims().end());
    ASSIGN_OR_RETURN(TensorShape shape, MakeShape(ctx, dims));
    ASSIGN_OR_RETURN(Tensor * out, AllocateOutput(ctx, 0, list.element_dtype, shape));
    const int64_t row = DimProduct(shape, 1, shape.rank());
    int64_t offset = 0;
    for (size_t i = 0; i < lengths.size(); ++i) {
      const Tensor& t = list.tensors[i];
      if (t.dtype() != tensorflow::DT_INVALID) CopyElements(t, 0, *out, offset, lengths[i] * row);
      offset += lengths[i] * row;
    }
    return absl::OkStatus();
  }

  DataType element_dtype_ = tensorflow::DT_INVALID;
  bool v2_ = true;
  PartialShape rest_attr_;  // TensorListConcat's element_shape without its first dim
};

SS_REGISTER_KERNEL("TensorListConcat", kReference, ConcatKernel::Create);
SS_REGISTER_KERNEL("TensorListConcatV2", kReference, ConcatKernel::Create);

}  // namespace
}  // namespace savedserve
