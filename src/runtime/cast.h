// Casting tensors between numeric dtypes (and bool), for feeding a request's tensor to a
// signature input of another dtype. Values convert like C++ static_cast (TF's Cast does the
// same for these types); 16-bit floats go through float. Pure; safe for concurrent use.
#pragma once

#include "absl/status/statusor.h"
#include "tensor/tensor.h"

namespace savedserve {

// `tensor` as `dtype`: shared, not copied, when it already is. InvalidArgument when either
// dtype is not numeric or bool (strings are never converted).
absl::StatusOr<Tensor> CastTensor(const Tensor& tensor, DataType dtype);

}  // namespace savedserve
