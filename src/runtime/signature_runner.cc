// LoadedModel's signature entry points: inputs by alias (checked, cast, defaults filled in),
// outputs by alias, and flop estimates.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status.h"
#include "runtime/cast.h"
#include "runtime/saved_model_impl.h"
#include "tensor/tensor_proto.h"

namespace savedserve {
namespace {

template <typename Map>
std::string Aliases(const Map& map) {
  std::vector<std::string> names;
  for (const auto& [alias, info] : map) names.push_back(alias);
  return names.empty() ? "(none)" : absl::StrJoin(names, ", ");
}

// The tensor EstimateFlops feeds: zeros, or empty strings (an empty tf.Example).
Tensor ZeroInput(const tensorflow::TensorInfo& info, const TensorShape* shape) {
  TensorShape concrete;
  if (shape != nullptr) {
    concrete = *shape;
  } else if (!info.tensor_shape().unknown_rank()) {
    for (const auto& dim : info.tensor_shape().dim())
      concrete.AddDim(dim.size() < 0 ? 1 : dim.size());
  }
  return Tensor(BaseType(info.dtype()), concrete);
}

}  // namespace

absl::StatusOr<const tensorflow::SignatureDef*> SavedModelImpl::FindSignature(
    const std::string& key) const {
  auto it = signatures_.find(key);
  if (it == signatures_.end()) {
    return absl::NotFoundError(
        absl::StrCat("no signature '", key, "'; the model has: ", Aliases(signatures_)));
  }
  return &it->second;
}

absl::Status SavedModelImpl::SignatureFeeds(const std::string& key,
                                            const tensorflow::SignatureDef& signature,
                                            std::map<std::string, Tensor>& inputs,
                                            PlanSpec* spec, std::vector<Value>* feeds) const {
  for (const auto& [alias, tensor] : inputs) {
    if (!signature.inputs().contains(alias)) {
      return absl::InvalidArgumentError(
          absl::StrCat("signature '", key, "' has no input '", alias,
                       "'; its inputs are: ", Aliases(signature.inputs())));
    }
  }
  for (const auto& [alias, info] : signature.inputs()) {
    Tensor value;
    auto given = inputs.find(alias);
    auto fallback = signature.defaults().find(alias);
    if (given != inputs.end()) {
      value = std::move(given->second);  // the run then holds the only reference
    } else if (fallback != signature.defaults().end()) {
      ASSIGN_OR_RETURN(value, TensorFromProto(fallback->second));
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("signature '", key, "': missing input '", alias,
                       "'; its inputs are: ", Aliases(signature.inputs())));
    }
    const DataType want = BaseType(info.dtype());
    if (want != tensorflow::DT_INVALID && value.dtype() != want) {
      auto cast = CastTensor(value, want);
      if (!cast.ok()) {
        return Annotate(cast.status(), absl::StrCat("signature '", key, "' input '", alias, "'"));
      }
      value = *std::move(cast);
    }
    spec->feeds.push_back(info.name());
    feeds->push_back(Value{std::move(value), nullptr});
  }
  return absl::OkStatus();
}

absl::StatusOr<std::map<std::string, Tensor>> SavedModelImpl::RunSignature(
    const std::string& key, std::map<std::string, Tensor> inputs,
    const std::vector<std::string>& output_filter) const {
  ASSIGN_OR_RETURN(const tensorflow::SignatureDef* signature, FindSignature(key));
  PlanSpec spec;
  std::vector<Value> feeds;
  RETURN_IF_ERROR(SignatureFeeds(key, *signature, inputs, &spec, &feeds));
  std::vector<std::string> aliases;
  if (output_filter.empty()) {
    for (const auto& [alias, info] : signature->outputs()) aliases.push_back(alias);
  } else {
    for (const std::string& alias : output_filter) {
      if (!signature->outputs().contains(alias)) {
        return absl::InvalidArgumentError(
            absl::StrCat("signature '", key, "' has no output '", alias,
                         "'; its outputs are: ", Aliases(signature->outputs())));
      }
      aliases.push_back(alias);
    }
  }
  for (const std::string& alias : aliases)
    spec.fetches.push_back(signature->outputs().at(alias).name());
  auto fetched = RunValues(spec, std::move(feeds));
  if (!fetched.ok()) return Annotate(fetched.status(), absl::StrCat("signature '", key, "'"));
  std::map<std::string, Tensor> outputs;
  for (size_t i = 0; i < aliases.size(); ++i) {
    ASSIGN_OR_RETURN(outputs[aliases[i]], ValueToTensor((*fetched)[i]));
  }
  return outputs;
}

int64_t SavedModelImpl::EstimateFlops(
    const std::string& key, const std::map<std::string, TensorShape>& input_shapes) const {
  auto signature = FindSignature(key);
  if (!signature.ok()) return 0;
  PlanSpec spec;
  std::vector<Value> feeds;
  for (const auto& [alias, info] : (*signature)->inputs()) {
    auto shape = input_shapes.find(alias);
    spec.feeds.push_back(info.name());
    feeds.push_back(
        Value{ZeroInput(info, shape == input_shapes.end() ? nullptr : &shape->second), nullptr});
  }
  for (const auto& [alias, info] : (*signature)->outputs()) spec.fetches.push_back(info.name());
  ExecStats stats;
  stats.count_flops = true;
  if (!RunValues(spec, std::move(feeds), &stats).ok()) return 0;
  return stats.flops;
}

}  // namespace savedserve
