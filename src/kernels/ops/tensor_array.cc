// TensorArrayV3 and its basic ops (Write, Read, Size, Close), with the TensorArray itself
// and its DT_RESOURCE handle (see tensor_array.h): what tf.TensorArray writes in TF1 graphs,
// and with it tf.map_fn (Scatter the elements, Read one per iteration, Write the results,
// Gather them back; Gather, Scatter, Concat and Split are in tensor_array_ops.cc).
// TensorArrayV3 creates the array each time it runs; its handle carries it, so the array
// lives within one run. The float `flow` values only order the ops (Write passes flow_in on).
#include "kernels/ops/tensor_array.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/registry.h"

namespace savedserve {

using tensorflow::DT_INT32;
using tensorflow::DT_RESOURCE;

namespace {

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

}  // namespace

absl::Status TensorArray::Write(int64_t index, const Tensor& value) {
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

absl::StatusOr<Tensor> TensorArray::Read(int64_t index) {
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
          ".  Furthermore, the element shape is not fully defined: ", element_shape_.DebugString(),
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

absl::StatusOr<int64_t> TensorArray::Size() {
  absl::MutexLock lock(&mu_);
  RETURN_IF_ERROR(CheckOpen());
  return size_;
}

absl::StatusOr<PartialShape> TensorArray::MergeElementShape(const PartialShape& shape) {
  absl::MutexLock lock(&mu_);
  auto merged = MergeShapes(element_shape_, shape);
  if (!merged.ok()) {
    return Error(absl::StrCat("Inconsistent shapes: saw ", shape.DebugString(), " but expected ",
                              element_shape_.DebugString()));
  }
  element_shape_ = *merged;
  return element_shape_;
}

void TensorArray::Close() {
  absl::MutexLock lock(&mu_);
  elements_.clear();
  closed_ = true;
}

absl::Status TensorArray::Error(absl::string_view message) const {
  return absl::InvalidArgumentError(absl::StrCat("TensorArray ", name_, ": ", message));
}

absl::Status TensorArray::CheckOpen() const {
  if (!closed_) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("TensorArray ", name_, " has already been closed."));
}

absl::StatusOr<TensorArray*> TensorArrayInput(const KernelContext& ctx) {
  const Tensor& handle = ctx.input_value(0).tensor;
  auto* buffer = handle.dtype() == DT_RESOURCE && handle.is_initialized()
                     ? dynamic_cast<TensorArrayBuffer*>(handle.buffer().get())
                     : nullptr;
  if (buffer == nullptr) return ctx.Error("input 0 is not a TensorArray handle");
  return &buffer->array();
}

absl::Status CheckTensorArrayDtype(const KernelContext& ctx, const TensorArray& array,
                                   DataType dtype, absl::string_view verb) {
  if (array.dtype() == dtype) return absl::OkStatus();
  return ctx.Error(absl::StrCat("TensorArray dtype is ", DataTypeName(array.dtype()), " but Op ",
                                verb, " dtype ", DataTypeName(dtype), "."));
}

namespace {

// Input i as an int32 scalar (an index or size).
absl::StatusOr<int64_t> Int32Scalar(const KernelContext& ctx, int i, absl::string_view what) {
  ASSIGN_OR_RETURN(Tensor t, ctx.input(i));
  if (t.dtype() != DT_INT32) {
    return ctx.Error(absl::StrCat(what, " must be int32, got ", DataTypeName(t.dtype())));
  }
  return ReadIndexScalar(ctx, t, what);
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
    ASSIGN_OR_RETURN(TensorArray * array, TensorArrayInput(ctx));
    ASSIGN_OR_RETURN(int64_t index, Int32Scalar(ctx, 1, "index"));
    ASSIGN_OR_RETURN(Tensor value, ctx.input(2));
    RETURN_IF_ERROR(CheckTensorArrayDtype(ctx, *array, value.dtype(), "is trying to write"));
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
    ASSIGN_OR_RETURN(TensorArray * array, TensorArrayInput(ctx));
    RETURN_IF_ERROR(CheckTensorArrayDtype(ctx, *array, dtype_, "requested"));
    ASSIGN_OR_RETURN(int64_t index, Int32Scalar(ctx, 1, "index"));
    ASSIGN_OR_RETURN(Tensor value, array->Read(index));
    ctx.set_output(0, std::move(value));
    return absl::OkStatus();
  }

 private:
  DataType dtype_ = tensorflow::DT_INVALID;
};

class TensorArraySizeKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    return std::unique_ptr<OpKernel>(new TensorArraySizeKernel);
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(TensorArray * array, TensorArrayInput(ctx));
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
    ASSIGN_OR_RETURN(TensorArray * array, TensorArrayInput(ctx));
    array->Close();
    return absl::OkStatus();
  }
};

SS_REGISTER_KERNEL("TensorArrayV3", kReference, CreateKernel<TensorArrayV3Kernel>);
SS_REGISTER_KERNEL("TensorArrayWriteV3", kReference, CreateKernel<TensorArrayWriteKernel>);
SS_REGISTER_KERNEL("TensorArrayReadV3", kReference, CreateKernel<TensorArrayReadKernel>);
SS_REGISTER_KERNEL("TensorArraySizeV3", kReference, CreateKernel<TensorArraySizeKernel>);
SS_REGISTER_KERNEL("TensorArrayCloseV3", kReference, CreateKernel<TensorArrayCloseKernel>);

}  // namespace
}  // namespace savedserve
