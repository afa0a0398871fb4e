#include "kernels/ops/fused_epilogue.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status.h"

namespace savedserve {

absl::StatusOr<Activation> ActivationFromName(absl::string_view name) {
  if (name == "Relu") return Activation::kRelu;
  if (name == "Relu6") return Activation::kRelu6;
  if (name == "Elu") return Activation::kElu;
  if (name == "LeakyRelu") return Activation::kLeakyRelu;
  if (name == "Tanh") return Activation::kTanh;
  if (name == "Sigmoid") return Activation::kSigmoid;
  if (name == "GeluApproximate") return Activation::kGeluApproximate;
  if (name == "GeluExact") return Activation::kGeluExact;
  return absl::InvalidArgumentError(absl::StrCat("'", name, "' is not an activation"));
}

float Activate(Activation activation, float alpha, float x) {
  switch (activation) {
    case Activation::kNone:
      return x;
    case Activation::kRelu:
      return x > 0 ? x : 0.0f;
    case Activation::kRelu6:
      return std::min(std::max(x, 0.0f), 6.0f);
    case Activation::kElu:
      return x > 0 ? x : std::expm1(x);
    case Activation::kLeakyRelu:
      return x > 0 ? x : alpha * x;
    case Activation::kTanh:
      return std::tanh(x);
    case Activation::kSigmoid:
      return 1.0f / (1.0f + std::exp(-x));
    case Activation::kGeluApproximate: {
      const float k = 0.7978845608028654f;  // sqrt(2 / pi)
      return 0.5f * x * (1.0f + std::tanh(k * (x + 0.044715f * x * x * x)));
    }
    case Activation::kGeluExact:
      return 0.5f * x * (1.0f + std::erf(x * 0.7071067811865476f));
  }
  return x;
}

absl::StatusOr<FusedOps> ParseFusedOps(const KernelConstruction& c, bool allow_batch_norm,
                                       bool allow_add) {
  FusedOps ops;
  ASSIGN_OR_RETURN(std::vector<std::string> names,
                   c.GetAttr<std::vector<std::string>>("fused_ops"));
  ASSIGN_OR_RETURN(ops.num_args, c.GetAttrOr<int>("num_args", 0));
  ASSIGN_OR_RETURN(ops.epsilon, c.GetAttrOr<float>("epsilon", 1e-4f));
  ASSIGN_OR_RETURN(ops.leakyrelu_alpha, c.GetAttrOr<float>("leakyrelu_alpha", 0.2f));
  auto unsupported = [&] {
    return absl::UnimplementedError(absl::StrCat(c.op(), " '", c.name(), "': fused_ops [",
                                                 absl::StrJoin(names, ","), "] is not supported"));
  };
  size_t i = 0;
  if (i < names.size() && names[i] == "BiasAdd") {
    ops.affine = FusedOps::Affine::kBiasAdd;
    ++i;
    if (allow_add && i < names.size() && names[i] == "Add") {
      ops.residual_add = true;
      ++i;
    }
  } else if (allow_batch_norm && i < names.size() && names[i] == "FusedBatchNorm") {
    ops.affine = FusedOps::Affine::kBatchNorm;
    ++i;
  } else {
    return unsupported();
  }
  if (i < names.size()) {
    auto act = ActivationFromName(names[i]);
    if (!act.ok()) return unsupported();
    ops.activation = *act;
    ++i;
  }
  if (i != names.size()) return unsupported();
  int want_args = ops.affine == FusedOps::Affine::kBatchNorm ? 4 : 1 + ops.residual_add;
  if (ops.num_args != want_args || c.num_inputs() != 2 + want_args) {
    return c.Error(absl::StrCat("fused_ops [", absl::StrJoin(names, ","), "] needs ", want_args,
                                " extra inputs, num_args is ", ops.num_args, " and the node has ",
                                c.num_inputs() - 2));
  }
  return ops;
}

absl::StatusOr<ChannelAffine> ComputeChannelAffine(const FusedOps& ops,
                                                   std::span<const Tensor> args, int64_t channels) {
  ChannelAffine affine;
  if (ops.affine == FusedOps::Affine::kNone) return affine;
  const size_t vectors = ops.affine == FusedOps::Affine::kBatchNorm ? 4 : 1;
  if (args.size() < vectors) return absl::InvalidArgumentError("missing fused arguments");
  for (size_t i = 0; i < vectors; ++i) {
    if (args[i].dtype() != tensorflow::DT_FLOAT || args[i].shape().rank() != 1 ||
        args[i].num_elements() != channels) {
      return absl::InvalidArgumentError(absl::StrCat(
          "fused argument ", i, " must be a float vector of ", channels, " elements, got ",
          DataTypeName(args[i].dtype()), " ", args[i].shape().DebugString()));
    }
  }
  if (ops.affine == FusedOps::Affine::kBiasAdd) {
    const float* bias = args[0].data<float>();
    affine.shift.assign(bias, bias + channels);
    return affine;
  }
  const float* scale = args[0].data<float>();
  const float* offset = args[1].data<float>();
  const float* mean = args[2].data<float>();
  const float* variance = args[3].data<float>();
  affine.scale.resize(channels);
  affine.shift.resize(channels);
  for (int64_t c = 0; c < channels; ++c) {
    affine.scale[c] = scale[c] / std::sqrt(variance[c] + ops.epsilon);
    affine.shift[c] = offset[c] - mean[c] * affine.scale[c];
  }
  return affine;
}

void ApplyEpilogue(const FusedOps& ops, const ChannelAffine& affine, const float* residual,
                   float* data, int64_t rows, int64_t channels, ThreadPool* pool) {
  auto run = [&](int64_t begin, int64_t end) {
    const float* scale = affine.scale.empty() ? nullptr : affine.scale.data();
    const float* shift = affine.shift.empty() ? nullptr : affine.shift.data();
    for (int64_t r = begin; r < end; ++r) {
      float* row = data + r * channels;
      if (scale != nullptr) {
        for (int64_t c = 0; c < channels; ++c) row[c] *= scale[c];
      }
      if (shift != nullptr) {
        for (int64_t c = 0; c < channels; ++c) row[c] += shift[c];
      }
      if (residual != nullptr) {
        const float* res = residual + r * channels;
        for (int64_t c = 0; c < channels; ++c) row[c] += res[c];
      }
      if (ops.activation == Activation::kRelu) {
        for (int64_t c = 0; c < channels; ++c) row[c] = row[c] > 0 ? row[c] : 0.0f;
      } else if (ops.activation != Activation::kNone) {
        for (int64_t c = 0; c < channels; ++c) {
          row[c] = Activate(ops.activation, ops.leakyrelu_alpha, row[c]);
        }
      }
    }
  };
  if (pool == nullptr) {
    run(0, rows);
  } else {
    pool->ParallelFor(rows, channels * 4, run);
  }
}

}  // namespace savedserve
