#include "kernels/ops/control_flow_util.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/dispatch.h"

namespace savedserve {

absl::StatusOr<bool> TensorToBool(const Tensor& t) {
  if (t.shape().rank() != 0) return t.num_elements() > 0;
  switch (t.dtype()) {
    case tensorflow::DT_BOOL:
      return t.data<bool>()[0];
    case tensorflow::DT_STRING:
      return !t.data<std::string>()[0].empty();
    default:
      break;
  }
  bool value = false;
  using Types = TypeList<float, double, int32_t, uint8_t, int16_t, int8_t, int64_t>;
  if (!VisitDType<Types>(t.dtype(), [&](auto tag) {
        using T = typename decltype(tag)::type;
        value = t.data<T>()[0] != T(0);
      })) {
    return absl::InvalidArgumentError(
        absl::StrCat(DataTypeName(t.dtype()), " cannot be converted to a boolean"));
  }
  return value;
}

absl::StatusOr<const Function*> InstantiateChecked(const KernelConstruction& c,
                                                   const tensorflow::NameAttrList& f,
                                                   absl::string_view what, int num_args,
                                                   int num_rets) {
  ASSIGN_OR_RETURN(const Function* function, InstantiateForNode(c, f));
  if (function->num_args() != num_args || function->num_rets() != num_rets) {
    return c.Error(absl::StrCat(what, " '", f.name(), "' takes ", function->num_args(),
                                " arguments and returns ", function->num_rets(),
                                " values; expected ", num_args, " and ", num_rets));
  }
  return function;
}

absl::Status CalledFunctionError(const KernelContext& ctx, absl::string_view where,
                                 const absl::Status& status) {
  return absl::Status(status.code(), absl::StrCat(ctx.node().op(), " '", ctx.node().name(), "' ",
                                                  where, ": ", status.message()));
}

absl::Status CheckValueTypes(const KernelContext& ctx, absl::string_view where,
                             absl::string_view what, const std::vector<Value>& values,
                             const std::vector<DataType>& types) {
  if (values.size() != types.size()) {
    return ctx.Error(
        absl::StrCat(where, " returned ", values.size(), " values, expected ", types.size()));
  }
  for (size_t i = 0; i < values.size(); ++i) {
    const DataType got = values[i].tensor.dtype();
    if (got != types[i]) {
      return ctx.Error(absl::StrCat(where, " returned ", DataTypeName(got), " for ", what, " ", i,
                                    ", expected ", DataTypeName(types[i])));
    }
  }
  return absl::OkStatus();
}

}  // namespace savedserve
