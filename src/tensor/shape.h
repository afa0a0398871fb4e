// Tensor shapes. TensorShape is fully known (every dim >= 0); PartialShape may have unknown
// dims (-1) or unknown rank, as in signatures and graph attributes. Value types.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tensorflow/core/framework/tensor_shape.pb.h"

namespace savedserve {

class TensorShape {
 public:
  TensorShape() = default;  // a scalar
  TensorShape(std::initializer_list<int64_t> dims) : dims_(dims) {}
  explicit TensorShape(std::vector<int64_t> dims) : dims_(std::move(dims)) {}
  // Fails unless every dim is known and the element count fits in int64.
  static absl::StatusOr<TensorShape> FromDims(const std::vector<int64_t>& dims);
  static absl::StatusOr<TensorShape> FromProto(const tensorflow::TensorShapeProto& proto);

  int rank() const { return static_cast<int>(dims_.size()); }
  int64_t dim(int i) const { return dims_[i]; }
  const std::vector<int64_t>& dims() const { return dims_; }
  int64_t num_elements() const;
  void AddDim(int64_t d) { dims_.push_back(d); }
  void ToProto(tensorflow::TensorShapeProto* proto) const;
  std::string DebugString() const;  // "[2,3]"
  bool operator==(const TensorShape& o) const { return dims_ == o.dims_; }
  bool operator!=(const TensorShape& o) const { return dims_ != o.dims_; }

 private:
  std::vector<int64_t> dims_;
};

class PartialShape {
 public:
  PartialShape() : unknown_rank_(true) {}
  explicit PartialShape(std::vector<int64_t> dims) : dims_(std::move(dims)) {}
  static PartialShape UnknownRank() { return PartialShape(); }
  static PartialShape FromProto(const tensorflow::TensorShapeProto& proto);

  bool unknown_rank() const { return unknown_rank_; }
  int rank() const { return unknown_rank_ ? -1 : static_cast<int>(dims_.size()); }
  const std::vector<int64_t>& dims() const { return dims_; }
  bool IsFullyDefined() const;
  bool IsCompatibleWith(const TensorShape& shape) const;
  // The most specific shape compatible with both (TF's PartialTensorShape::MergeWith); an
  // error when ranks or known dims differ.
  absl::StatusOr<PartialShape> Merge(const PartialShape& other) const;
  void ToProto(tensorflow::TensorShapeProto* proto) const;
  std::string DebugString() const;  // "[-1,3]" or "<unknown>"

 private:
  bool unknown_rank_ = false;
  std::vector<int64_t> dims_;
};

}  // namespace savedserve
