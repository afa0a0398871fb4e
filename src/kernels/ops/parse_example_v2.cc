// ParseExampleV2: serialized tf.Example protos (a scalar or a vector) to tensors.
//   inputs: serialized, names (same shape or empty), sparse_keys [num_sparse],
//           dense_keys [num_dense], ragged_keys [num_ragged] (string vectors),
//           dense_defaults (num_dense tensors of Tdense; empty = required)
//   attrs:  Tdense, num_sparse, sparse_types, ragged_value_types, ragged_split_types,
//           dense_shapes
//   outputs: sparse_indices, sparse_values, sparse_shapes, dense_values, ragged_values,
//            ragged_row_splits
// TF2-era exports of classify/regress signatures use it. Parsing is in example_parsing.h;
// constant keys and defaults make the spec once at load.
#include <optional>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/example_parsing.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

constexpr int kFirstDefault = 5;

class ParseExampleV2Kernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    auto k = std::make_unique<ParseExampleV2Kernel>();
    ASSIGN_OR_RETURN(k->attrs_, ReadParseExampleAttrs(c, "num_sparse"));
    const int want_inputs = kFirstDefault + static_cast<int>(k->attrs_.dense_types.size());
    if (c.num_inputs() != want_inputs) {
      return c.Error(absl::StrCat("expected ", want_inputs, " inputs, got ", c.num_inputs()));
    }
    ASSIGN_OR_RETURN(k->spec_, SpecFromConstants(c, want_inputs, k->Builder()));
    return std::unique_ptr<OpKernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor serialized, ctx.input(0));
    ASSIGN_OR_RETURN(Tensor names, ctx.input(1));
    return ParseAndSetOutputs(ctx, serialized, names, spec_, Builder());
  }

 private:
  // The keys in string-vector input i; there must be `count` of them.
  SpecBuilder Builder() const {
    return [this](const SpecInput& input) { return BuildSpec(input); };
  }

  static absl::StatusOr<std::vector<std::string>> Keys(const SpecInput& input, int i, size_t count,
                                                       absl::string_view what) {
    ASSIGN_OR_RETURN(Tensor t, input(i));
    if (t.dtype() != tensorflow::DT_STRING || t.shape().rank() > 1 ||
        static_cast<size_t>(t.num_elements()) != count) {
      return absl::InvalidArgumentError(absl::StrCat(what, " must be a string vector of ", count,
                                                     " keys, got ", DataTypeName(t.dtype()), " ",
                                                     t.shape().DebugString()));
    }
    return std::vector<std::string>(t.data<std::string>(), t.data<std::string>() + count);
  }

  absl::StatusOr<ExampleParserSpec> BuildSpec(const SpecInput& input) const {
    ExampleParserSpec spec;
    ASSIGN_OR_RETURN(auto sparse_keys, Keys(input, 2, attrs_.sparse_types.size(), "sparse_keys"));
    ASSIGN_OR_RETURN(auto dense_keys, Keys(input, 3, attrs_.dense_types.size(), "dense_keys"));
    ASSIGN_OR_RETURN(auto ragged_keys,
                     Keys(input, 4, attrs_.ragged_value_types.size(), "ragged_keys"));
    for (size_t s = 0; s < sparse_keys.size(); ++s) {
      spec.sparse.push_back({sparse_keys[s], attrs_.sparse_types[s]});
    }
    for (size_t d = 0; d < dense_keys.size(); ++d) {
      DenseFeatureSpec dense;
      dense.key = dense_keys[d];
      dense.dtype = attrs_.dense_types[d];
      dense.shape = attrs_.dense_shapes[d];
      ASSIGN_OR_RETURN(dense.default_value, input(kFirstDefault + static_cast<int>(d)));
      spec.dense.push_back(std::move(dense));
    }
    for (size_t r = 0; r < ragged_keys.size(); ++r) {
      spec.ragged.push_back(
          {ragged_keys[r], attrs_.ragged_value_types[r], attrs_.ragged_split_types[r]});
    }
    RETURN_IF_ERROR(ValidateExampleParserSpec(spec));
    return spec;
  }

  ParseExampleAttrs attrs_;
  std::optional<ExampleParserSpec> spec_;  // set when keys and defaults are constants
};

SS_REGISTER_KERNEL("ParseExampleV2", kReference, CreateKernel<ParseExampleV2Kernel>);

}  // namespace
}  // namespace savedserve
