// Parsing serialized tf.Example protos into tensors: the engine behind ParseExample (V1) and
// ParseExampleV2, with TensorFlow's semantics:
//   * dense features: output [batch] + dense_shape, filled from the example or from the
//     default (an empty default makes the feature required); a dense_shape whose first dim
//     is -1 is "variable length": [batch, max_rows, rest...] padded with the default element;
//   * sparse features: (indices [n, 2], values [n], dense_shape [batch, max_count]);
//   * ragged features: (values [n], row_splits [batch + 1]).
// A scalar `serialized` drops the batch dimension (dense [shape], sparse indices [n, 1]).
// A feature with no value list set counts as missing; a list of the wrong kind is an error.
// Errors are InvalidArgument naming the example and feature. Pure; safe for concurrent use.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "kernels/op_kernel.h"
#include "tensor/tensor.h"

namespace savedserve {

struct DenseFeatureSpec {
  std::string key;
  DataType dtype = tensorflow::DT_FLOAT;  // DT_FLOAT, DT_INT64 or DT_STRING
  PartialShape shape;                     // only the first dim may be unknown (-1)
  Tensor default_value;                   // no elements: the feature is required
};

struct SparseFeatureSpec {
  std::string key;
  DataType dtype = tensorflow::DT_FLOAT;
};

struct RaggedFeatureSpec {
  std::string key;
  DataType dtype = tensorflow::DT_FLOAT;
  DataType splits_dtype = tensorflow::DT_INT64;  // DT_INT32 or DT_INT64
};

struct ExampleParserSpec {
  std::vector<SparseFeatureSpec> sparse;
  std::vector<DenseFeatureSpec> dense;
  std::vector<RaggedFeatureSpec> ragged;
};

struct ParsedExamples {
  std::vector<Tensor> sparse_indices;  // int64 [n, 2] (or [n, 1] for a scalar input)
  std::vector<Tensor> sparse_values;
  std::vector<Tensor> sparse_shapes;  // int64 [2] (or [1])
  std::vector<Tensor> dense_values;
  std::vector<Tensor> ragged_values;
  std::vector<Tensor> ragged_splits;
};

// Checks dtypes, shapes and defaults against each other (what TF checks when the op is
// built or run).
absl::Status ValidateExampleParserSpec(const ExampleParserSpec& spec);

// serialized: DT_STRING scalar or vector; names: DT_STRING of the same size, or empty.
// REQUIRES: ValidateExampleParserSpec(spec) is OK.
absl::StatusOr<ParsedExamples> ParseExamples(const ExampleParserSpec& spec,
                                             const Tensor& serialized, const Tensor& names);

// The attributes both op versions share, read when the kernel is created.
struct ParseExampleAttrs {
  std::vector<DataType> sparse_types;
  std::vector<DataType> dense_types;  // Tdense
  std::vector<PartialShape> dense_shapes;
  std::vector<DataType> ragged_value_types;  // V2 only
  std::vector<DataType> ragged_split_types;  // V2 only
};
// `sparse_count_attr` is "Nsparse" (V1) or "num_sparse" (V2).
absl::StatusOr<ParseExampleAttrs> ReadParseExampleAttrs(const KernelConstruction& c,
                                                        const std::string& sparse_count_attr);

// Writes `parsed` to the kernel's outputs in TF's order: sparse indices, values, shapes,
// dense values, ragged values, ragged row splits.
absl::Status SetParsedOutputs(KernelContext& ctx, ParsedExamples parsed);

// Both op versions build their feature spec from inputs 2.. (keys and dense defaults):
// once at load when all of them are graph constants (the usual case), else on every run.
using SpecInput = std::function<absl::StatusOr<Tensor>(int input_index)>;
using SpecBuilder = std::function<absl::StatusOr<ExampleParserSpec>(const SpecInput&)>;
// The spec built from constant inputs 2..num_inputs-1, or nullopt when one of them varies.
absl::StatusOr<std::optional<ExampleParserSpec>> SpecFromConstants(const KernelConstruction& c,
                                                                   int num_inputs,
                                                                   const SpecBuilder& build);
// Parses `serialized` (with `names`) using `constant_spec`, or a spec built from this run's
// inputs when there is none, and sets the outputs.
absl::Status ParseAndSetOutputs(KernelContext& ctx, const Tensor& serialized, const Tensor& names,
                                const std::optional<ExampleParserSpec>& constant_spec,
                                const SpecBuilder& build);

}  // namespace savedserve
