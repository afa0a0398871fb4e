// TensorArrayV3 and the ops on it (Write, Read, Gather, Scatter, Concat, Split, Size,
// Close): what
// tf.TensorArray writes in TF1 graphs, and with it tf.map_fn (Scatter the elements, Read
// one per iteration, Write the results, Gather them back). TensorArrayV3 creates the array
// each time it runs; its DT_RESOURCE handle carries it (a TensorBuffer holding the array), so
// the array lives as long as some value holds the handle, i.e. within one run. The float
// `flow` values only order the ops (Write/Scatter pass flow_in on).
// Semantics and messages follow TF's tensor_array.h: writes at most once per index, reads
// clear the element when clear_after_read, an unwritten element reads as zeros only when the
// element shape is fully known, indices are checked against the size unless dynamic_size.
// Elements are kept sparsely, so a huge declared size costs nothing until written (or until
// Concat, which reads every index below the size, as TF does).
#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

using tensorflow::DT_INT32;
using tensorflow::DT_RESOURCE;

// `a` and `b` as one shape (unknown dims and ranks filled in from the other), or an error
// when they disagree.
absl::StatusOr<PartialShape> MergeShapes(const PartialShape& a, const PartialShape& b) {
  if (a.unknown_rank()) return b;
  if (b.unknown_rank()) return a;
  if (a.rank() != b.rank()) return absl::InvalidArgumentError("");
  std::vector<int64_t> dims = a.dims();
  for (int i = 0; i < a.rank(); ++i) {
    if (dims[i] < 0) dims[i] = b.dims()[i];
    if (b.dims()[i] >= 0 && dims[i] != b.dims()[i]) return absl::InvalidArgumentError("");
  }
  return PartialShape(std::move(dims));
}

// One TensorArray. Safe for concurrent use.
class TensorArray {
 public:
  struct Options {
    DataType dtype = tensorflow::DT_INVALID;
    PartialShape element_shape;
    bool dynamic_size = false;
    bool clear_after_read = true;
    bool identical_element_shapes = false;
  };
  TensorArray(std::string name, Options options, int64_t size)
      : name_(std::move(name)),
        options_(options),
        element_shape_(options.element_shape),
        size_(size) {}

  const std::string& name() const { return name_; }
  DataType dtype() const { return options_.dtype; }
  bool dynamic_size() const { return options_.dynamic_size; }

  absl::Status Write(int64_t index, const Tensor& value) {
    absl::MutexLock lock(&mu_);
    RETURN_IF_ERROR(CheckOpen());
    if (index < 0 || (!options_.dynamic_size && index >= size_)) {
      return Error(absl::StrCat("Tried to write to index ", index,
                                " but array is not resizeable and size is: ", size_));
    }
    if (value.dtype() != dtype()) {
      return Error(absl::StrCat("Could not write to TensorArray index ", index,
                                " because the value dtype is ", DataTypeName(value.dtype()),
                                " but TensorArray dtype is ", DataTypeName(dtype()), "."));
    }
    if (!element_shape_.IsCompatibleWith(value.shape())) {
      return Error(absl::StrCat("Could not write to TensorArray index ", index,
                                " because the value shape is ", value.shape().DebugString(),
                                " which is incompatible with the TensorArray's inferred element "
                                "shape: ",
                                element_shape_.DebugString(),
                                " (consider setting infer_shape=False)."));
    }
    if (options_.identical_element_shapes && !element_shape_.IsFullyDefined()) {
      element_shape_ = PartialShape(value.shape().dims());
    }
    Element& e = elements_[index];
    if (e.read) {
      return Error(absl::StrCat("Could not write to TensorArray index ", index,
                                " because it has already been read."));
    }
    if (e.written) {
      return Error(absl::StrCat("Could not write to TensorArray index ", index,
                                " because it has already been written to."));
    }
    e.value = value;
    e.written = true;
    size_ = std::max(size_, index + 1);
    return absl::OkStatus();
  }

  absl::StatusOr<Tensor> Read(int64_t index) {
    absl::MutexLock lock(&mu_);
    RETURN_IF_ERROR(CheckOpen());
    if (index < 0 || index >= size_) {
      return Error(absl::StrCat("Tried to read from index ", index, " but array size is: ", size_));
    }
    Element& e = elements_[index];
    if (e.cleared) {
      return Error(absl::StrCat("Could not read index ", index,
                                " twice because it was cleared after a previous read (perhaps "
                                "try setting clear_after_read = false?)."));
    }
    Tensor value = e.value;
    if (!e.written) {
      if (!element_shape_.IsFullyDefined()) {
        return Error(absl::StrCat(
            "Could not read from TensorArray index ", index,
            ".  Furthermore, the element shape is not fully defined: ",
            element_shape_.DebugString(),
            ".  It is possible you are working with a resizeable TensorArray and stop_gradients "
            "is not allowing the gradients to be written.  If you set the full element_shape "
            "property on the forward TensorArray, the proper all-zeros tensor will be returned "
            "instead of incurring this error."));
      }
      value = Tensor(dtype(), TensorShape(element_shape_.dims()));
    }
    if (options_.clear_after_read) {
      e.value = Tensor();
      e.cleared = true;
    }
    e.read = true;
    return value;
  }

  absl::StatusOr<int64_t> Size() {
    absl::MutexLock lock(&mu_);
    RETURN_IF_ERROR(CheckOpen());
    return size_;
  }

  // Merges `shape` (Gather's element_shape) into the element shape; returns the result.
  absl::StatusOr<PartialShape> MergeElementShape(const PartialShape& shape) {
    absl::MutexLock lock(&mu_);
    auto merged = MergeShapes(element_shape_, shape);
    if (!merged.ok()) {
      return Error(absl::StrCat("Inconsistent shapes: saw ", shape.DebugString(), " but expected ",
                                element_shape_.DebugString()));
    }
    element_shape_ = *merged;
    return element_shape_;
  }

  void Close() {
    absl::MutexLock lock(&mu_);
    elements_.clear();
    closed_ = true;
  }

 private:
  struct Element {
    Tensor value;
    bool written = false;
    bool read = false;
    bool cleared = false;
  };

  absl::Status Error(absl::string_view message) const {
    return absl::InvalidArgumentError(absl::StrCat("TensorArray ", name_, ": ", message));
  }
  absl::Status CheckOpen() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (!closed_) return absl::OkStatus();
    return absl::InvalidArgumentError(
        absl::StrCat("TensorArray ", name_, " has already been closed."));
  }

  const std::string name_;
  const Options options_;
  absl::Mutex mu_;
  PartialShape element_shape_ ABSL_GUARDED_BY(mu_);
  int64_t size_ ABSL_GUARDED_BY(mu_);
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  std::map<int64_t, Element> elements_ ABSL_GUARDED_BY(mu_);  // by index, sparse
};

// The storage of a TensorArray handle: the DT_RESOURCE scalar's one string (its name, for
// code that treats resource tensors as strings) and the array itself.
class TensorArrayBuffer final : public TensorBuffer {
 public:
  explicit TensorArrayBuffer(std::unique_ptr<TensorArray> array)
      : array_(std::move(array)), name_(array_->name()) {}
  void* data() override { return &name_; }
  size_t size_bytes() const override { return sizeof(std::string); }
  TensorArray& array() const { return *array_; }

 private:
  const std::unique_ptr<TensorArray> array_;
  std::string name_;
};

absl::StatusOr<TensorArray*> ArrayInput(const KernelContext& ctx) {
  const Tensor& handle = ctx.input_value(0).tensor;
  auto* buffer = handle.dtype() == DT_RESOURCE && handle.is_initialized()
                     ? dynamic_cast<TensorArrayBuffer*>(handle.buffer().get())
                     : nullptr;
  if (buffer == nullptr) return ctx.Error("input 0 is not a TensorArray handle");
  return &buffer->array();
}

// Input i as an int32 scalar (an index or size).
absl::StatusOr<int64_t> Int32Scalar(const KernelContext& ctx, int i, absl::string_view what) {
  ASSIGN_OR_RETURN(Tensor t, ctx.input(i));
  if (t.dtype() != DT_INT32) {
    return ctx.Error(absl::StrCat(what, " must be int32, got ", DataTypeName(t.dtype())));
  }
  return ReadIndexScalar(ctx, t, what);
}

absl::Status CheckDtype(const KernelContext& ctx, const TensorArray& array, DataType dtype,
                        absl::string_view verb) {
  if (array.dtype() == dtype) return absl::OkStatus();
  return ctx.Error(absl::StrCat("TensorArray dtype is ", DataTypeName(array.dtype()), " but Op ",
                                verb, " dtype ", DataTypeName(dtype), "."));
}

class TensorArrayV3Kernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    auto k = std::unique_ptr<TensorArrayV3Kernel>(new TensorArrayV3Kernel);
    ASSIGN_OR_RETURN(k->options_.dtype, c.GetAttr<DataType>("dtype"));
    ASSIGN_OR_RETURN(k->options_.element_shape,
                     c.GetAttrOr<PartialShape>("element_shape", PartialShape::UnknownRank()));
    ASSIGN_OR_RETURN(k->options_.dynamic_size, c.GetAttrOr<bool>("dynamic_size", false));
    ASSIGN_OR_RETURN(k->options_.clear_after_read, c.GetAttrOr<bool>("clear_after_read", true));
    ASSIGN_OR_RETURN(k->options_.identical_element_shapes,
                     c.GetAttrOr<bool>("identical_element_shapes", false));
    ASSIGN_OR_RETURN(k->name_, c.GetAttrOr<std::string>("tensor_array_name", ""));
    if (k->name_.empty()) k->name_ = c.name();
    return std::unique_ptr<OpKernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(int64_t size, Int32Scalar(ctx, 0, "size"));
    if (size < 0) return ctx.Error("Size should be >= 0.");
    auto array = std::make_unique<TensorArray>(name_, options_, size);
    ctx.set_output(0, Tensor(DT_RESOURCE, TensorShape{},
                             std::make_shared<TensorArrayBuffer>(std::move(array))));
    ctx.set_output(1, Tensor::Scalar<float>(0.0f));
    return absl::OkStatus();
  }

 private:
  TensorArray::Options options_;
  std::string name_;
};

class TensorArrayWriteKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    return std::unique_ptr<OpKernel>(new TensorArrayWriteKernel);
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(TensorArray * array, ArrayInput(ctx));
    ASSIGN_OR_RETURN(int64_t index, Int32Scalar(ctx, 1, "index"));
    ASSIGN_OR_RETURN(Tensor value, ctx.input(2));
    RETURN_IF_ERROR(CheckDtype(ctx, *array, value.dtype(), "is trying to write"));
    RETURN_IF_ERROR(array->Write(index, value));
    ASSIGN_OR_RETURN(Tensor flow, ctx.input(3));
    ctx.set_output(0, std::move(flow));
    return absl::OkStatus();
  }
};

class TensorArrayReadKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    auto k = std::unique_ptr<TensorArrayReadKernel>(new TensorArrayReadKernel);
    ASSIGN_OR_RETURN(k->dtype_, c.GetAttr<DataType>("dtype"));
    return std::unique_ptr<OpKernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(TensorArray * array, ArrayInput(ctx));
    RETURN_IF_ERROR(CheckDtype(ctx, *array, dtype_, "requested"));
    ASSIGN_OR_RETURN(int64_t index, Int32Scalar(ctx, 1, "index"));
    ASSIGN_OR_RETURN(Tensor value, array->Read(index));
    ctx.set_output(0, std::move(value));
    return absl::OkStatus();
  }

 private:
  DataType dtype_ = tensorflow::DT_INVALID;
};

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
    ASSIGN_OR_RETURN(TensorArray * array, ArrayInput(ctx));
    RETURN_IF_ERROR(CheckDtype(ctx, *array, dtype_, "requested"));
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
    ASSIGN_OR_RETURN(TensorArray * array, ArrayInput(ctx));
    ASSIGN_OR_RETURN(Tensor indices_tensor, ctx.input(1));
    if (indices_tensor.shape().rank() != 1) {
      return ctx.Error(absl::StrCat("Expected indices to be a vector, but received shape: ",
                                    indices_tensor.shape().DebugString()));
    }
    ASSIGN_OR_RETURN(std::vector<int64_t> indices, ReadIndexVector(ctx, indices_tensor, "indices"));
    ASSIGN_OR_RETURN(Tensor value, ctx.input(2));
    RETURN_IF_ERROR(CheckDtype(ctx, *array, value.dtype(), "is trying to write"));
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
    ASSIGN_OR_RETURN(k->element_shape_except0_, c.GetAttrOr<PartialShape>(
                                                    "element_shape_except0",
                                                    PartialShape::UnknownRank()));
    if (!IsCopyableType(k->dtype_)) return c.Error("unsupported dtype");
    return std::unique_ptr<OpKernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(TensorArray * array, ArrayInput(ctx));
    RETURN_IF_ERROR(CheckDtype(ctx, *array, dtype_, "requested"));
    ASSIGN_OR_RETURN(int64_t size, array->Size());
    if (size == 0) {
      if (!element_shape_except0_.IsFullyDefined()) {
        return absl::UnimplementedError(absl::StrCat(
            ctx.node().op(), " '", ctx.node().name(),
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
    return a.rank() == b.rank() && std::equal(a.dims().begin() + 1, a.dims().end(),
                                              b.dims().begin() + 1);
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
    ASSIGN_OR_RETURN(TensorArray * array, ArrayInput(ctx));
    ASSIGN_OR_RETURN(Tensor value, ctx.input(1));
    ASSIGN_OR_RETURN(Tensor lengths_tensor, ctx.input(2));
    RETURN_IF_ERROR(CheckDtype(ctx, *array, value.dtype(), "is trying to write"));
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
                                      " is negative or runs past value's first dimension ",
                                      rows));
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

class TensorArraySizeKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    return std::unique_ptr<OpKernel>(new TensorArraySizeKernel);
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(TensorArray * array, ArrayInput(ctx));
    ASSIGN_OR_RETURN(int64_t size, array->Size());
    ctx.set_output(0, Tensor::Scalar<int32_t>(static_cast<int32_t>(size)));
    return absl::OkStatus();
  }
};

class TensorArrayCloseKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    return std::unique_ptr<OpKernel>(new TensorArrayCloseKernel);
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(TensorArray * array, ArrayInput(ctx));
    array->Close();
    return absl::OkStatus();
  }
};

SS_REGISTER_KERNEL("TensorArrayV3", kReference, CreateKernel<TensorArrayV3Kernel>);
SS_REGISTER_KERNEL("TensorArrayWriteV3", kReference, CreateKernel<TensorArrayWriteKernel>);
SS_REGISTER_KERNEL("TensorArrayReadV3", kReference, CreateKernel<TensorArrayReadKernel>);
SS_REGISTER_KERNEL("TensorArrayGatherV3", kReference, CreateKernel<TensorArrayGatherKernel>);
SS_REGISTER_KERNEL("TensorArrayScatterV3", kReference, CreateKernel<TensorArrayScatterKernel>);
SS_REGISTER_KERNEL("TensorArrayConcatV3", kReference, CreateKernel<TensorArrayConcatKernel>);
SS_REGISTER_KERNEL("TensorArraySplitV3", kReference, CreateKernel<TensorArraySplitKernel>);
SS_REGISTER_KERNEL("TensorArraySizeV3", kReference, CreateKernel<TensorArraySizeKernel>);
SS_REGISTER_KERNEL("TensorArrayCloseV3", kReference, CreateKernel<TensorArrayCloseKernel>);

}  // namespace
}  // namespace savedserve
