// The TensorArray ops that move many elements at once (see tensor_array.h): Gather stacks
// elements into one tensor, Scatter writes the rows of one, Concat joins every element along
// its first dimension, Split writes consecutive pieces of one. tf.map_fn scatters its
// elements and gathers its results this way. The float `flow` values only order the ops
// (Scatter/Split pass flow_in on). Messages follow TF's tensor_array_ops.cc kernels.
#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/ops/tensor_array.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

// Stacks the elements at `indices` into one tensor [len(indices), element...].
class TensorArrayGatherKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    auto k = std::unique_ptr<TensorArrayGatherKernel>(new TensorArrayGatherKernel);
    ASSIGN_OR_RETURN(k->dtype_, c.GetAttr<DataType>("dtype"));
    ASSIGN_OR_RETURN(k->element_shape_,
                     c.GetAttrOr<PartialShape>("element_shape", PartialShape::UnknownRank()));
    if (!IsCopyableType(k->dtype_)) return c.Error("unsupported dtype");
    return std::unique_ptr<OpKernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(TensorArray * array, TensorArrayInput(ctx));
    RETURN_IF_ERROR(CheckTensorArrayDtype(ctx, *array, dtype_, "requested"));
    ASSIGN_OR_RETURN(Tensor indices_tensor, ctx.input(1));
    ASSIGN_OR_RETURN(std::vector<int64_t> indices, ReadIndexVector(ctx, indices_tensor, "indices"));
    ASSIGN_OR_RETURN(PartialShape element_shape, array->MergeElementShape(element_shape_));
    if (indices.empty()) {
      if (!element_shape.IsFullyDefined()) {
        return absl::UnimplementedError(absl::StrCat(
            ctx.node().op(), " '", ctx.node().name(),
            "': TensorArray has size zero, but element shape ", element_shape.DebugString(),
            " is not fully defined. Currently only static shapes are supported when packing "
            "zero-size TensorArrays."));
      }
      std::vector<int64_t> dims = {0};
      dims.insert(dims.end(), element_shape.dims().begin(), element_shape.dims().end());
      ASSIGN_OR_RETURN(TensorShape shape, MakeShape(ctx, dims));
      return AllocateOutput(ctx, 0, dtype_, std::move(shape)).status();
    }
    std::vector<Tensor> values;
    for (int64_t index : indices) {
      ASSIGN_OR_RETURN(Tensor value, array->Read(index));
      if (!values.empty() && value.shape() != values[0].shape()) {
        return ctx.Error(absl::StrCat("TensorArray has inconsistent shapes.  Index 0 has shape: ",
                                      values[0].shape().DebugString(), " but index ", values.size(),
                                      " has shape: ", value.shape().DebugString()));
      }
      values.push_back(std::move(value));
    }
    if (!element_shape_.IsCompatibleWith(values[0].shape())) {
      return ctx.Error(absl::StrCat(
          "TensorArray was passed element_shape ", element_shape_.DebugString(),
          " which does not match the Tensor at index 0: ", values[0].shape().DebugString()));
    }
    std::vector<int64_t> dims = {static_cast<int64_t>(values.size())};
    dims.insert(dims.end(), values[0].shape().dims().begin(), values[0].shape().dims().end());
    ASSIGN_OR_RETURN(TensorShape shape, MakeShape(ctx, dims));
    ASSIGN_OR_RETURN(Tensor * out, AllocateOutput(ctx, 0, dtype_, std::move(shape), true));
    const int64_t stride = values[0].num_elements();
    for (size_t i = 0; i < values.size(); ++i) {
      CopyElements(values[i], 0, *out, static_cast<int64_t>(i) * stride, stride);
    }
    return absl::OkStatus();
  }

 private:
  DataType dtype_ = tensorflow::DT_INVALID;
  PartialShape element_shape_;
};

// Writes value[i] to index indices[i].
class TensorArrayScatterKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    return std::unique_ptr<OpKernel>(new TensorArrayScatterKernel);
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(TensorArray * array, TensorArrayInput(ctx));
    ASSIGN_OR_RETURN(Tensor indices_tensor, ctx.input(1));
    if (indices_tensor.shape().rank() != 1) {
      return ctx.Error(absl::StrCat("Expected indices to be a vector, but received shape: ",
                                    indices_tensor.shape().DebugString()));
    }
    ASSIGN_OR_RETURN(std::vector<int64_t> indices, ReadIndexVector(ctx, indices_tensor, "indices"));
    ASSIGN_OR_RETURN(Tensor value, ctx.input(2));
    RETURN_IF_ERROR(CheckTensorArrayDtype(ctx, *array, value.dtype(), "is trying to write"));
    if (value.shape().rank() < 1) {
      return ctx.Error(absl::StrCat("Expected value to be at least a vector, but received shape: ",
                                    value.shape().DebugString()));
    }
    if (static_cast<int64_t>(indices.size()) != value.shape().dim(0)) {
      return ctx.Error(absl::StrCat("Expected len(indices) == values.shape[0], but saw: ",
                                    indices.size(), " vs. ", value.shape().dim(0)));
    }
    if (!IsCopyableType(value.dtype())) return UnsupportedType(ctx, value.dtype());
    const TensorShape element(
        std::vector<int64_t>(value.shape().dims().begin() + 1, value.shape().dims().end()));
    const int64_t stride = element.num_elements();
    for (size_t i = 0; i < indices.size(); ++i) {
      Tensor slice = Tensor::ForOverwrite(value.dtype(), element);
      CopyElements(value, static_cast<int64_t>(i) * stride, slice, 0, stride);
      RETURN_IF_ERROR(array->Write(indices[i], slice));
    }
    ASSIGN_OR_RETURN(Tensor flow, ctx.input(3));
    ctx.set_output(0, std::move(flow));
    return absl::OkStatus();
  }
};

// Concatenates every element along its first dimension; also outputs each one's length.
class TensorArrayConcatKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    auto k = std::unique_ptr<TensorArrayConcatKernel>(new TensorArrayConcatKernel);
    ASSIGN_OR_RETURN(k->dtype_, c.GetAttr<DataType>("dtype"));
    ASSIGN_OR_RETURN(
        k->element_shape_except0_,
        c.GetAttrOr<PartialShape>("element_shape_except0", PartialShape::UnknownRank()));
    if (!IsCopyableType(k->dtype_)) return c.Error("unsupported dtype");
    return std::unique_ptr<OpKernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(TensorArray * array, TensorArrayInput(ctx));
    RETURN_IF_ERROR(CheckTensorArrayDtype(ctx, *array, dtype_, "requested"));
    ASSIGN_OR_RETURN(int64_t size, array->Size());
    if (size == 0) {
      if (!element_shape_except0_.IsFullyDefined()) {
        return absl::UnimplementedError(
            absl::StrCat(ctx.node().op(), " '", ctx.node().name(),
                         "': TensorArray has size zero, but element_shape_except0 ",
                         element_shape_except0_.DebugString(),
                         " is not fully defined. Currently only static shapes are supported when "
                         "concatenating zero-size TensorArrays."));
      }
      std::vector<int64_t> dims = {0};
      dims.insert(dims.end(), element_shape_except0_.dims().begin(),
                  element_shape_except0_.dims().end());
      ASSIGN_OR_RETURN(TensorShape shape, MakeShape(ctx, dims));
      RETURN_IF_ERROR(AllocateOutput(ctx, 0, dtype_, std::move(shape)).status());
      return AllocateOutput(ctx, 1, tensorflow::DT_INT64, TensorShape({0})).status();
    }
    std::vector<Tensor> values;
    int64_t rows = 0;
    for (int64_t i = 0; i < size; ++i) {
      ASSIGN_OR_RETURN(Tensor value, array->Read(i));
      const TensorShape& shape = value.shape();
      if (shape.rank() == 0) {
        return ctx.Error(absl::StrCat("Concat saw a scalar shape at index ", i,
                                      " but requires at least vectors."));
      }
      if (i > 0 && !SameExceptFirst(shape, values[0].shape())) {
        return ctx.Error(absl::StrCat(
            "TensorArray has inconsistent shapes.  Index 0 has (excepting dimension 0) shape: ",
            ExceptFirst(values[0].shape()).DebugString(), " but index ", i,
            " has (excepting dimension 0) shape: ", ExceptFirst(shape).DebugString()));
      }
      rows += shape.dim(0);  // each is an allocated tensor's dimension: no overflow
      values.push_back(std::move(value));
    }
    std::vector<int64_t> dims = values[0].shape().dims();
    dims[0] = rows;
    ASSIGN_OR_RETURN(TensorShape shape, MakeShape(ctx, dims));
    ASSIGN_OR_RETURN(Tensor * out, AllocateOutput(ctx, 0, dtype_, std::move(shape), true));
    ASSIGN_OR_RETURN(Tensor * lengths,
                     AllocateOutput(ctx, 1, tensorflow::DT_INT64, TensorShape({size}), true));
    int64_t at = 0;
    for (size_t i = 0; i < values.size(); ++i) {
      lengths->data<int64_t>()[i] = values[i].shape().dim(0);
      CopyElements(values[i], 0, *out, at, values[i].num_elements());
      at += values[i].num_elements();
    }
    return absl::OkStatus();
  }

 private:
  static TensorShape ExceptFirst(const TensorShape& shape) {
    return TensorShape(std::vector<int64_t>(shape.dims().begin() + 1, shape.dims().end()));
  }
  static bool SameExceptFirst(const TensorShape& a, const TensorShape& b) {
    return a.rank() == b.rank() &&
           std::equal(a.dims().begin() + 1, a.dims().end(), b.dims().begin() + 1);
  }

  DataType dtype_ = tensorflow::DT_INVALID;
  PartialShape element_shape_except0_;
};

// Writes consecutive pieces of `value` along its first dimension, of the given lengths, to
// indices 0, 1, ...
class TensorArraySplitKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    return std::unique_ptr<OpKernel>(new TensorArraySplitKernel);
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(TensorArray * array, TensorArrayInput(ctx));
    ASSIGN_OR_RETURN(Tensor value, ctx.input(1));
    ASSIGN_OR_RETURN(Tensor lengths_tensor, ctx.input(2));
    RETURN_IF_ERROR(CheckTensorArrayDtype(ctx, *array, value.dtype(), "is trying to write"));
    if (!IsCopyableType(value.dtype())) return UnsupportedType(ctx, value.dtype());
    if (value.shape().rank() < 1) {
      return ctx.Error(absl::StrCat("Expected value to be at least a vector, but received shape: ",
                                    value.shape().DebugString()));
    }
    if (lengths_tensor.shape().rank() != 1 || lengths_tensor.dtype() != tensorflow::DT_INT64) {
      return ctx.Error(absl::StrCat("Expected lengths to be an int64 vector, but received ",
                                    DataTypeName(lengths_tensor.dtype()), " ",
                                    lengths_tensor.shape().DebugString()));
    }
    const auto lengths = lengths_tensor.flat<int64_t>();
    const int64_t rows = value.shape().dim(0);
    int64_t total = 0;
    for (size_t i = 0; i < lengths.size(); ++i) {
      if (lengths[i] < 0 || lengths[i] > rows - total) {
        return ctx.Error(absl::StrCat("lengths[", i, "] = ", lengths[i],
                                      " is negative or runs past value's first dimension ", rows));
      }
      total += lengths[i];
    }
    if (total != rows) {
      return ctx.Error(absl::StrCat(
          "Expected sum of lengths to be equal to values.shape[0], but sum of lengths is ", total,
          " and value's shape is: ", value.shape().DebugString()));
    }
    ASSIGN_OR_RETURN(int64_t size, array->Size());
    const int64_t count = static_cast<int64_t>(lengths.size());
    if (!array->dynamic_size() && size != count) {
      return ctx.Error(absl::StrCat("TensorArray's size is not equal to the size of lengths (",
                                    size, " vs. ", count,
                                    "), and the TensorArray is not marked as dynamically "
                                    "resizeable"));
    }
    const int64_t row = DimProduct(value.shape(), 1, value.shape().rank());
    std::vector<int64_t> dims = value.shape().dims();
    int64_t start = 0;
    for (int64_t i = 0; i < count; ++i) {
      dims[0] = lengths[i];
      Tensor piece = Tensor::ForOverwrite(value.dtype(), TensorShape(dims));
      CopyElements(value, start * row, piece, 0, lengths[i] * row);
      RETURN_IF_ERROR(array->Write(i, piece));
      start += lengths[i];
    }
    ASSIGN_OR_RETURN(Tensor flow, ctx.input(3));
    ctx.set_output(0, std::move(flow));
    return absl::OkStatus();
  }
};

SS_REGISTER_KERNEL("TensorArrayGatherV3", kReference, CreateKernel<TensorArrayGatherKernel>);
SS_REGISTER_KERNEL("TensorArrayScatterV3", kReference, CreateKernel<TensorArrayScatterKernel>);
SS_REGISTER_KERNEL("TensorArrayConcatV3", kReference, CreateKernel<TensorArrayConcatKernel>);
SS_REGISTER_KERNEL("TensorArraySplitV3", kReference, CreateKernel<TensorArraySplitKernel>);

}  // namespace
}  // namespace savedserve
