// VariantValue: the in-memory value of one DT_VARIANT element (TensorFlow's Variant), such
// as a TensorList. A value is immutable once a tensor holds it and is shared by every tensor
// that does; a kernel that "modifies" one builds a new value (copy on write). Safe for
// concurrent reads.
//
// A DT_VARIANT tensor stores its elements as std::string like DT_STRING, each the serialized
// VariantTensorDataProto TensorProto carries; a tensor made by Tensor::FromVariant holds the
// value beside its string (the type name alone). Sharing the tensor (Identity, Reshape, a
// loop variable, a function argument) keeps the value; a kernel that copies elements one
// by one copies only the strings, so a consumer finds no value there and says so.
#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "tensorflow/core/framework/tensor.pb.h"

namespace savedserve {

class VariantValue {
 public:
  virtual ~VariantValue() = default;
  // TensorFlow's name for the C++ type ("tensorflow::TensorList"), as in
  // VariantTensorDataProto.type_name.
  virtual absl::string_view TypeName() const = 0;
  // TensorFlow's encoding of the value (what its Variant::Encode writes).
  virtual void Encode(tensorflow::VariantTensorDataProto* proto) const = 0;
  virtual std::string DebugString() const = 0;
};

}  // namespace savedserve
