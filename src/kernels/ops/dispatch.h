// Typed dispatch: turning a runtime DataType into a C++ element type, for kernels written
// once as templates. Usage:
//
//   bool ok = VisitDType<NumberTypes>(dtype, [&](auto tag) {
//     using T = typename decltype(tag)::type;
//     kernel = std::make_unique<MyKernel<T>>(...);
//   });
//   if (!ok) return c.Error(UnsupportedDTypeMessage<NumberTypes>(dtype));
//
// Also the small checks every typed kernel makes: resolving its "T" attribute
// (ResolveTypeAttr), its input count (CheckNumInputs) and, at run time, its input dtypes
// (CheckInputType). Header-only, pure; safe for concurrent use.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/op_kernel.h"
#include "tensor/dtype.h"

namespace savedserve {

// Names a C++ element type as a value, so generic lambdas can receive it.
template <typename T>
struct TypeTag {
  using type = T;
};

template <typename... Ts>
struct TypeList {};

template <typename... Lists>
struct ConcatTypeLists;
template <typename... As>
struct ConcatTypeLists<TypeList<As...>> {
  using type = TypeList<As...>;
};
template <typename... As, typename... Bs, typename... Rest>
struct ConcatTypeLists<TypeList<As...>, TypeList<Bs...>, Rest...> {
  using type = typename ConcatTypeLists<TypeList<As..., Bs...>, Rest...>::type;
};

// The element-type families TF's op definitions use.
using FloatTypes = TypeList<float, double, Half, BFloat16>;
using SignedIntTypes = TypeList<int8_t, int16_t, int32_t, int64_t>;
using UnsignedIntTypes = TypeList<uint8_t, uint16_t, uint32_t, uint64_t>;
using IntTypes = ConcatTypeLists<SignedIntTypes, UnsignedIntTypes>::type;
// Every real number type (TF's "realnumbertype" without complex).
using NumberTypes = ConcatTypeLists<FloatTypes, IntTypes>::type;
// Numbers and bool: what Cast converts between.
using NumberAndBoolTypes = ConcatTypeLists<NumberTypes, TypeList<bool>>::type;

namespace dispatch_internal {

template <typename Fn, typename... Ts>
bool Visit(TypeList<Ts...>, DataType dtype, Fn& fn) {
  return ((dtype == DataTypeOf<Ts>() ? (fn(TypeTag<Ts>{}), true) : false) || ...);
}

template <typename... Ts>
std::string Names(TypeList<Ts...>) {
  std::string names;
  ((absl::StrAppend(&names, names.empty() ? "" : ", ", DataTypeShortName(DataTypeOf<Ts>()))), ...);
  return names;
}

}  // namespace dispatch_internal

// Calls fn(TypeTag<T>{}) for the T of `List` whose DataType is `dtype` (ref flavours are
// not matched: pass BaseType(dtype)). Returns false, without calling fn, when none is.
template <typename List, typename Fn>
bool VisitDType(DataType dtype, Fn&& fn) {
  return dispatch_internal::Visit(List{}, dtype, fn);
}

// True when `dtype` is one of `List`'s types.
template <typename List>
bool DTypeIn(DataType dtype) {
  return VisitDType<List>(dtype, [](auto) {});
}

// "unsupported dtype DT_X (expected one of float32, float64, ...)".
template <typename List>
std::string UnsupportedDTypeMessage(DataType dtype) {
  return absl::StrCat("unsupported dtype ", DataTypeName(dtype), " (expected one of ",
                      dispatch_internal::Names(List{}), ")");
}

// The element type a kernel is built for: attribute `attr` (TF's "T"), or the type of
// input `inputs[0]` when the node lacks it. InvalidArgument naming the node when one of
// `inputs` has another (known) type.
inline absl::StatusOr<DataType> ResolveTypeAttr(const KernelConstruction& c,
                                                const std::string& attr,
                                                std::initializer_list<int> inputs) {
  DataType dtype = tensorflow::DT_INVALID;
  if (c.HasAttr(attr)) {
    ASSIGN_OR_RETURN(dtype, c.GetAttr<DataType>(attr));
  } else if (inputs.size() > 0 && *inputs.begin() < c.num_inputs()) {
    dtype = BaseType(c.input_type(*inputs.begin()));
  }
  for (int i : inputs) {
    if (i >= c.num_inputs()) continue;
    const DataType got = BaseType(c.input_type(i));
    if (got != tensorflow::DT_INVALID && got != dtype) {
      return c.Error(absl::StrCat("input ", i, " is ", DataTypeName(got), " but ", attr, " is ",
                                  DataTypeName(dtype)));
    }
  }
  return dtype;
}

// At run time: InvalidArgument naming the node unless input `i` (`t`) has dtype `want`.
inline absl::Status CheckInputType(const KernelContext& ctx, int i, const Tensor& t,
                                   DataType want) {
  if (t.dtype() == want) return absl::OkStatus();
  return ctx.Error(absl::StrCat("input ", i, " is ", DataTypeName(t.dtype()), ", expected ",
                                DataTypeName(want)));
}

// InvalidArgument naming the node unless it has exactly `n` data inputs.
inline absl::Status CheckNumInputs(const KernelConstruction& c, int n) {
  if (c.num_inputs() == n) return absl::OkStatus();
  return c.Error(absl::StrCat("expects ", n, " inputs, got ", c.num_inputs()));
}

}  // namespace savedserve
