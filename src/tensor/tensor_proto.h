// Conversion between Tensor and tensorflow::TensorProto. Pure functions; safe for
// concurrent use.
#pragma once

#include "absl/status/statusor.h"
#include "tensor/tensor.h"
#include "tensorflow/core/framework/tensor.pb.h"

namespace savedserve {

// Decodes `proto` from `tensor_content` or from its typed `*_val` field. As in TensorFlow, a
// typed list shorter than the shape is filled out by repeating its last value, and an empty
// one means all zeros. Ref dtypes decode to their base type. Errors name the problem
// (unknown dims, too many values, content size mismatch, unsupported dtype).
absl::StatusOr<Tensor> TensorFromProto(const tensorflow::TensorProto& proto);

enum class ProtoEncoding {
  kTensorContent,  // numeric data as packed bytes in tensor_content (TF's AsProtoTensorContent)
  kTypedValues,    // typed *_val fields (TF's AsProtoField)
};
// Writes `tensor` into `proto` (cleared first). String-like dtypes always use string_val
// (resource_handle_val / variant_val for DT_RESOURCE / DT_VARIANT).
void TensorToProto(const Tensor& tensor, tensorflow::TensorProto* proto,
                   ProtoEncoding encoding = ProtoEncoding::kTensorContent);

}  // namespace savedserve
