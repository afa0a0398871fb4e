// numpy's .npy format (version 1.0/2.0/3.0 headers, C order) for reading inputs and writing
// outputs of `savedserve run`, and .npz archives (stored or deflated zip members) for
// reading. Numeric dtypes and bool in either byte order; byte strings ('S') and unicode
// ('U') arrays become DT_STRING; string tensors are written as fixed-width 'S' arrays.
// Pure; safe for concurrent use.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tensor/tensor.h"

namespace savedserve::tools {

absl::StatusOr<Tensor> ParseNpy(const std::string& bytes);
absl::StatusOr<std::string> SerializeNpy(const Tensor& tensor);

// The members of an .npz archive, by name without the ".npy" suffix.
absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ReadNpzMembers(
    const std::string& bytes);

// True when `bytes` starts like a zip archive (an .npz) rather than an .npy.
bool LooksLikeZip(const std::string& bytes);

}  // namespace savedserve::tools
