#include "tensor/shape.h"

#include <limits>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace savedserve {
namespace {

// TensorFlow's TensorShape::MaxDimensions(); deeper shapes are rejected by TF as well.
constexpr int kMaxRank = 254;

std::string DimsString(const std::vector<int64_t>& dims) {
  return absl::StrCat("[", absl::StrJoin(dims, ","), "]");
}

}  // namespace

absl::StatusOr<TensorShape> TensorShape::FromDims(const std::vector<int64_t>& dims) {
  if (dims.size() > kMaxRank) {
    return absl::InvalidArgumentError(
        absl::StrCat("shape has rank ", dims.size(), ", more than the maximum ", kMaxRank));
  }
  int64_t count = 1;
  for (size_t i = 0; i < dims.size(); ++i) {
    const int64_t d = dims[i];
    if (d < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("shape ", DimsString(dims), " has ", d == -1 ? "an unknown" : "a negative",
                       " dimension ", i, "; a tensor needs a fully known shape"));
    }
    // A zero anywhere makes the product 0, but later dims must still be checked.
    if (count != 0 && d != 0 && count > std::numeric_limits<int64_t>::max() / d) {
      return absl::InvalidArgumentError(
          absl::StrCat("shape ", DimsString(dims), " has too many elements for int64"));
    }
    count *= d;
  }
  return TensorShape(dims);
}

absl::StatusOr<TensorShape> TensorShape::FromProto(const tensorflow::TensorShapeProto& proto) {
  if (proto.unknown_rank()) {
    return absl::InvalidArgumentError("shape has unknown rank; a tensor needs a known shape");
  }
  std::vector<int64_t> dims;
  dims.reserve(proto.dim_size());
  for (const auto& dim : proto.dim()) dims.push_back(dim.size());
  return FromDims(dims);
}

int64_t TensorShape::num_elements() const {
  int64_t count = 1;
  for (int64_t d : dims_) count *= d;
  return count;
}

void TensorShape::ToProto(tensorflow::TensorShapeProto* proto) const {
  proto->Clear();
  for (int64_t d : dims_) proto->add_dim()->set_size(d);
}

std::string TensorShape::DebugString() const { return DimsString(dims_); }

PartialShape PartialShape::FromProto(const tensorflow::TensorShapeProto& proto) {
  if (proto.unknown_rank()) return UnknownRank();
  std::vector<int64_t> dims;
  dims.reserve(proto.dim_size());
  // Any negative size means "unknown" (TF writes -1); normalize so callers test only -1.
  for (const auto& dim : proto.dim()) dims.push_back(dim.size() < 0 ? -1 : dim.size());
  return PartialShape(std::move(dims));
}

bool PartialShape::IsFullyDefined() const {
  if (unknown_rank_) return false;
  for (int64_t d : dims_) {
    if (d < 0) return false;
  }
  return true;
}

bool PartialShape::IsCompatibleWith(const TensorShape& shape) const {
  if (unknown_rank_) return true;
  if (shape.rank() != rank()) return false;
  for (int i = 0; i < rank(); ++i) {
    if (dims_[i] >= 0 && dims_[i] != shape.dim(i)) return false;
  }
  return true;
}

absl::StatusOr<PartialShape> PartialShape::Merge(const PartialShape& other) const {
  if (unknown_rank_) return other;
  if (other.unknown_rank_) return *this;
  auto incompatible = [&] {
    return absl::InvalidArgumentError(
        absl::StrCat("incompatible shapes ", DebugString(), " and ", other.DebugString()));
  };
  if (rank() != other.rank()) return incompatible();
  std::vector<int64_t> dims = dims_;
  for (size_t i = 0; i < dims.size(); ++i) {
    if (dims[i] < 0) {
      dims[i] = other.dims_[i];
    } else if (other.dims_[i] >= 0 && other.dims_[i] != dims[i]) {
      return incompatible();
    }
  }
  return PartialShape(std::move(dims));
}

void PartialShape::ToProto(tensorflow::TensorShapeProto* proto) const {
  proto->Clear();
  if (unknown_rank_) {
    proto->set_unknown_rank(true);
    return;
  }
  for (int64_t d : dims_) proto->add_dim()->set_size(d < 0 ? -1 : d);
}

std::string PartialShape::DebugString() const {
  return unknown_rank_ ? "<unknown>" : DimsString(dims_);
}

}  // namespace savedserve
