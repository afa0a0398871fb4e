// Parsing `savedserve run` inputs the way `saved_model_cli run` takes them, without running
// any Python: several inputs separated by ';' in each flag, each `key=...`.
//   --inputs         key=file.npy | key=file.npz | key=file.npz[name]
//   --input_exprs    key=<literal>: numbers, True/False, 'strings', nested [lists]/(tuples)
//   --input_examples key=[{"feature": [values], ...}, ...] -> serialized tf.Examples
//                    (a feature's kind follows its first value: float, int or string)
// Literal lists become tensors of float64, int64, bool or string; the runtime casts them to
// the signature's dtype. Pure apart from reading files through the Env.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "base/env.h"
#include "tensor/tensor.h"

namespace savedserve::tools {

// "a=1;b='x;y'" -> {{"a","1"}, {"b","'x;y'"}}: splits on ';' outside quotes and brackets,
// skips empty pieces, and splits each at its first '='.
absl::StatusOr<std::vector<std::pair<std::string, std::string>>> SplitAssignments(
    absl::string_view flag, absl::string_view flag_name);

// One literal (list, number, ...) as a tensor.
absl::StatusOr<Tensor> LiteralToTensor(absl::string_view text);
// A list of feature dicts as a 1-D DT_STRING tensor of serialized tf.Examples.
absl::StatusOr<Tensor> ExamplesToTensor(absl::string_view text);

absl::StatusOr<std::map<std::string, Tensor>> ParseInputFiles(absl::string_view flag, Env* env);
absl::StatusOr<std::map<std::string, Tensor>> ParseInputExprs(absl::string_view flag);
absl::StatusOr<std::map<std::string, Tensor>> ParseInputExamples(absl::string_view flag);

}  // namespace savedserve::tools
