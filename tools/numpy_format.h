// Printing tensors the way numpy's str() prints arrays (array2string defaults: precision 8,
// "maxprec" float mode, line width 75, summarised with "..." beyond 1000 elements), so that
// `savedserve run` output matches `saved_model_cli run`: "[[2.5]\n [3. ]\n [4.5]]".
// Strings print as Python bytes literals (b'...'). Pure; safe for concurrent use.
#pragma once

#include <string>

#include "tensor/tensor.h"

namespace savedserve::tools {

std::string NumpyString(const Tensor& tensor);

// Python's repr() of a bytes object: b'abc', b"it's", b'\x00'.
std::string PythonBytesRepr(const std::string& bytes);

}  // namespace savedserve::tools
