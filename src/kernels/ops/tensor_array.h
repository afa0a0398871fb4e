// A TensorArray (what tf.TensorArray builds in TF1 graphs, V3 ops) and what its kernels
// share: tensor_array.cc holds the array, its DT_RESOURCE handle and the TensorArrayV3,
// Write, Read, Size and Close kernels; tensor_array_ops.cc the Gather, Scatter, Concat and
// Split kernels.
// Ownership: TensorArrayV3 creates the array each time it runs and its DT_RESOURCE handle
// owns it (a TensorBuffer holding the array), so the array lives as long as some value holds
// the handle, i.e. within one run. Kernels only borrow it, through TensorArrayInput.
// Semantics and messages follow TF's tensor_array.h: writes at most once per index, reads
// clear the element when clear_after_read, an unwritten element reads as zeros only when the
// element shape is fully known, indices are checked against the size unless dynamic_size.
// TensorArray is safe for concurrent use; the functions are pure.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "kernels/op_kernel.h"
#include "tensor/tensor.h"

namespace savedserve {

// One TensorArray. Elements are kept sparsely, so a huge declared size costs nothing until
// written (or until Concat, which reads every index below the size, as TF does).
// Safe for concurrent use.
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

  // Stores `value` at `index`, once per index; grows the size when dynamic_size.
  absl::Status Write(int64_t index, const Tensor& value);
  // The element at `index` (zeros if unwritten and the element shape is fully known);
  // clears it when clear_after_read.
  absl::StatusOr<Tensor> Read(int64_t index);
  absl::StatusOr<int64_t> Size();
  // Merges `shape` (Gather's element_shape) into the element shape; returns the result.
  absl::StatusOr<PartialShape> MergeElementShape(const PartialShape& shape);
  // Drops every element; later Write, Read and Size calls fail.
  void Close();

 private:
  struct Element {
    Tensor value;
    bool written = false;
    bool read = false;
    bool cleared = false;
  };

  absl::Status Error(absl::string_view message) const;
  absl::Status CheckOpen() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::string name_;
  const Options options_;
  absl::Mutex mu_;
  PartialShape element_shape_ ABSL_GUARDED_BY(mu_);
  int64_t size_ ABSL_GUARDED_BY(mu_);
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  std::map<int64_t, Element> elements_ ABSL_GUARDED_BY(mu_);  // by index, sparse
};

// The array that input 0 (a TensorArray handle) carries; valid while the input is.
absl::StatusOr<TensorArray*> TensorArrayInput(const KernelContext& ctx);

// Checks that `array` holds `dtype`, the dtype the op reads or writes; `verb` says which in
// the error ("requested", "is trying to write").
absl::Status CheckTensorArrayDtype(const KernelContext& ctx, const TensorArray& array,
                                   DataType dtype, absl::string_view verb);

}  // namespace savedserve
