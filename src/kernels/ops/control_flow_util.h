// Helpers shared by the functional control-flow kernels (While, If, Case and their Stateless
// forms), which call library functions through kernels/function_runtime.h.
// Pure functions; safe for concurrent use.
#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "kernels/function_runtime.h"
#include "kernels/op_kernel.h"

namespace savedserve {

// TensorFlow's ToBool, for If's `cond` and the result of While's `cond`: a scalar is true
// when non-zero (bool and the usual number types) or non-empty (string); a tensor of any
// other shape is true when it has elements. Other scalar dtypes are an error.
absl::StatusOr<bool> TensorToBool(const Tensor& t);

// Instantiates `f` for the node and checks that it takes `num_args` arguments and returns
// `num_rets` values; errors name the node, the attribute (`what`) and the function.
absl::StatusOr<const Function*> InstantiateChecked(const KernelConstruction& c,
                                                   const tensorflow::NameAttrList& f,
                                                   absl::string_view what, int num_args,
                                                   int num_rets);

// `status` from a function the node called, prefixed with the node and `where` ("iteration
// 3", "then_branch 'f'"). Keeps the code: a corrupt image stays InvalidArgument.
absl::Status CalledFunctionError(const KernelContext& ctx, absl::string_view where,
                                 const absl::Status& status);

// Checks that `values` has the dtypes `types`: "<where> returned DT_FLOAT for <what> 2,
// expected DT_INT32", naming the node.
absl::Status CheckValueTypes(const KernelContext& ctx, absl::string_view where,
                             absl::string_view what, const std::vector<Value>& values,
                             const std::vector<DataType>& types);

}  // namespace savedserve
