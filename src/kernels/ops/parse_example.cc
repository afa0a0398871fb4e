// ParseExample (V1): a batch of serialized tf.Example protos to tensors.
//   inputs: serialized [batch] string, names [batch] or [0] string,
//           sparse_keys (Nsparse scalar strings), dense_keys (Ndense scalar strings),
//           dense_defaults (Ndense tensors of Tdense; empty = required)
//   attrs:  Nsparse, Ndense, sparse_types, Tdense, dense_shapes
//   outputs: sparse_indices, sparse_values, sparse_shapes (Nsparse each), dense_values
// TF1 SavedModels' classify/regress signatures feed their tf_example input through it.
// The parsing itself is in example_parsing.h; when the keys and defaults are graph
// constants (the usual case) the feature spec is built once at load.
#include <optional>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/example_parsing.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

class ParseExampleKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    auto k = std::make_unique<ParseExampleKernel>();
    ASSIGN_OR_RETURN(k->attrs_, ReadParseExampleAttrs(c, "Nsparse"));
    ASSIGN_OR_RETURN(int64_t num_dense, c.GetAttrOr<int64_t>("Ndense", k->num_dense()));
    if (num_dense != k->num_dense()) {
      return c.Error(
          absl::StrCat("Ndense is ", num_dense, " but Tdense has ", k->num_dense(), " entries"));
    }
    const int want_inputs = 2 + k->num_sparse() + 2 * k->num_dense();
    if (c.num_inputs() != want_inputs) {
      return c.Error(absl::StrCat("expected ", want_inputs, " inputs, got ", c.num_inputs()));
    }
    ASSIGN_OR_RETURN(k->spec_, SpecFromConstants(c, want_inputs, k->Builder()));
    return std::unique_ptr<OpKernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor serialized, ctx.input(0));
    ASSIGN_OR_RETURN(Tensor names, ctx.input(1));
    if (serialized.shape().rank() != 1) {
      return ctx.Error(absl::StrCat("serialized must be a vector, got shape ",
                                    serialized.shape().DebugString()));
    }
    return ParseAndSetOutputs(ctx, serialized, names, spec_, Builder());
  }

 private:
  int num_sparse() const { return static_cast<int>(attrs_.sparse_types.size()); }
  int num_dense() const { return static_cast<int>(attrs_.dense_types.size()); }

  SpecBuilder Builder() const {
    return [this](const SpecInput& input) { return BuildSpec(input); };
  }

  // `input(i)` gives input i (a constant at load, or the run's value).
  absl::StatusOr<ExampleParserSpec> BuildSpec(const SpecInput& input) const {
    ExampleParserSpec spec;
    auto key = [&](int i) -> absl::StatusOr<std::string> {
      ASSIGN_OR_RETURN(Tensor t, input(i));
      if (t.dtype() != tensorflow::DT_STRING || t.num_elements() != 1) {
        return absl::InvalidArgumentError(
            absl::StrCat("feature keys must be scalar strings; input ", i, " is ",
                         DataTypeName(t.dtype()), " ", t.shape().DebugString()));
      }
      return t.data<std::string>()[0];
    };
    for (int s = 0; s < num_sparse(); ++s) {
      ASSIGN_OR_RETURN(std::string name, key(2 + s));
      spec.sparse.push_back({std::move(name), attrs_.sparse_types[s]});
    }
    for (int d = 0; d < num_dense(); ++d) {
      DenseFeatureSpec dense;
      ASSIGN_OR_RETURN(dense.key, key(2 + num_sparse() + d));
      ASSIGN_OR_RETURN(dense.default_value, input(2 + num_sparse() + num_dense() + d));
      dense.dtype = attrs_.dense_types[d];
      dense.shape = attrs_.dense_shapes[d];
      spec.dense.push_back(std::move(dense));
    }
    RETURN_IF_ERROR(ValidateExampleParserSpec(spec));
    return spec;
  }

  ParseExampleAttrs attrs_;
  std::optional<ExampleParserSpec> spec_;  // set when keys and defaults are constants
};

SS_REGISTER_KERNEL("ParseExample", kReference, CreateKernel<ParseExampleKernel>);

}  // namespace
}  // namespace savedserve
