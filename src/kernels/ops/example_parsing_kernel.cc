// The spec-at-load-or-per-run plumbing shared by ParseExample and ParseExampleV2.
#include "base/status.h"
#include "kernels/ops/example_parsing.h"

namespace savedserve {

absl::StatusOr<std::optional<ExampleParserSpec>> SpecFromConstants(const KernelConstruction& c,
                                                                   int num_inputs,
                                                                   const SpecBuilder& build) {
  for (int i = 2; i < num_inputs; ++i) {
    if (c.constant_input(i) == nullptr) return std::optional<ExampleParserSpec>();
  }
  auto spec = build([&](int i) -> absl::StatusOr<Tensor> { return *c.constant_input(i); });
  if (!spec.ok()) return c.Error(spec.status().message());
  return std::optional<ExampleParserSpec>(*std::move(spec));
}

absl::Status ParseAndSetOutputs(KernelContext& ctx, const Tensor& serialized, const Tensor& names,
                                const std::optional<ExampleParserSpec>& constant_spec,
                                const SpecBuilder& build) {
  std::optional<ExampleParserSpec> built;
  if (!constant_spec.has_value()) {
    auto spec = build([&](int i) { return ctx.input(i); });
    if (!spec.ok()) return ctx.Error(spec.status().message());
    built = *std::move(spec);
  }
  auto parsed =
      ParseExamples(constant_spec.has_value() ? *constant_spec : *built, serialized, names);
  if (!parsed.ok()) return ctx.Error(parsed.status().message());
  return SetParsedOutputs(ctx, *std::move(parsed));
}

}  // namespace savedserve
