#include "kernels/op_kernel.h"

#include "absl/strings/str_cat.h"
#include "tensor/tensor_proto.h"

namespace savedserve {
namespace {

absl::Status AttrError(const tensorflow::NodeDef& node, const std::string& name,
                       absl::string_view want) {
  return absl::InvalidArgumentError(absl::StrCat(node.op(), " '", node.name(), "': attribute '",
                                                 name, "' is missing or not ", want));
}

}  // namespace

absl::Status KernelConstruction::Error(absl::string_view message) const {
  return absl::InvalidArgumentError(absl::StrCat(node_.op(), " '", node_.name(), "': ", message));
}

absl::Status KernelContext::Error(absl::string_view message) const {
  return absl::InvalidArgumentError(absl::StrCat(node_.op(), " '", node_.name(), "': ", message));
}

absl::StatusOr<Tensor> KernelContext::input(int i) const {
  const Value& v = *inputs_[i];
  if (v.variable != nullptr && !v.tensor.is_initialized()) return v.variable->Read();
  return v.tensor;
}

#define SS_ATTR_GETTER(T, want, has, expr)                                          \
  template <>                                                                       \
  absl::StatusOr<T> KernelConstruction::GetAttr<T>(const std::string& name) const { \
    auto it = node_.attr().find(name);                                              \
    if (it == node_.attr().end() || !(has)) return AttrError(node_, name, want);    \
    const tensorflow::AttrValue& a = it->second;                                    \
    (void)a;                                                                        \
    return expr;                                                                    \
  }

SS_ATTR_GETTER(int64_t, "an int", it->second.value_case() == tensorflow::AttrValue::kI, a.i())
SS_ATTR_GETTER(int, "an int", it->second.value_case() == tensorflow::AttrValue::kI,
               static_cast<int>(a.i()))
SS_ATTR_GETTER(float, "a float", it->second.value_case() == tensorflow::AttrValue::kF, a.f())
SS_ATTR_GETTER(bool, "a bool", it->second.value_case() == tensorflow::AttrValue::kB, a.b())
SS_ATTR_GETTER(std::string, "a string", it->second.value_case() == tensorflow::AttrValue::kS,
               a.s())
SS_ATTR_GETTER(DataType, "a type", it->second.value_case() == tensorflow::AttrValue::kType,
               BaseType(a.type()))
SS_ATTR_GETTER(std::vector<int64_t>, "a list of ints", true,
               std::vector<int64_t>(a.list().i().begin(), a.list().i().end()))
SS_ATTR_GETTER(std::vector<int>, "a list of ints", true,
               std::vector<int>(a.list().i().begin(), a.list().i().end()))
SS_ATTR_GETTER(std::vector<float>, "a list of floats", true,
               std::vector<float>(a.list().f().begin(), a.list().f().end()))
SS_ATTR_GETTER(std::vector<std::string>, "a list of strings", true,
               std::vector<std::string>(a.list().s().begin(), a.list().s().end()))
SS_ATTR_GETTER(PartialShape, "a shape", it->second.value_case() == tensorflow::AttrValue::kShape,
               PartialShape::FromProto(a.shape()))
SS_ATTR_GETTER(tensorflow::NameAttrList, "a function",
               it->second.value_case() == tensorflow::AttrValue::kFunc, a.func())
#undef SS_ATTR_GETTER

template <>
absl::StatusOr<std::vector<DataType>> KernelConstruction::GetAttr<std::vector<DataType>>(
    const std::string& name) const {
  auto it = node_.attr().find(name);
  if (it == node_.attr().end()) return AttrError(node_, name, "a list of types");
  std::vector<DataType> types;
  for (int t : it->second.list().type()) types.push_back(BaseType(static_cast<DataType>(t)));
  return types;
}

template <>
absl::StatusOr<Tensor> KernelConstruction::GetAttr<Tensor>(const std::string& name) const {
  auto it = node_.attr().find(name);
  if (it == node_.attr().end() || it->second.value_case() != tensorflow::AttrValue::kTensor) {
    return AttrError(node_, name, "a tensor");
  }
  auto t = TensorFromProto(it->second.tensor());
  if (!t.ok()) return Error(absl::StrCat("attribute '", name, "': ", t.status().message()));
  return t;
}

}  // namespace savedserve
