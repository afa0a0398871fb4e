#include "runtime/cast.h"

#include "absl/strings/str_cat.h"

namespace savedserve {
namespace {

// Calls fn(T{}) with the C++ type of `dtype`; false when there is none.
template <typename Fn>
bool VisitNumeric(DataType dtype, Fn&& fn) {
  switch (dtype) {
    case tensorflow::DT_FLOAT:
      fn(float{});
      return true;
    case tensorflow::DT_DOUBLE:
      fn(double{});
      return true;
    case tensorflow::DT_HALF:
      fn(Half{});
      return true;
    case tensorflow::DT_BFLOAT16:
      fn(BFloat16{});
      return true;
    case tensorflow::DT_INT8:
      fn(int8_t{});
      return true;
    case tensorflow::DT_INT16:
      fn(int16_t{});
      return true;
    case tensorflow::DT_INT32:
      fn(int32_t{});
      return true;
    case tensorflow::DT_INT64:
      fn(int64_t{});
      return true;
    case tensorflow::DT_UINT8:
      fn(uint8_t{});
      return true;
    case tensorflow::DT_UINT16:
      fn(uint16_t{});
      return true;
    case tensorflow::DT_UINT32:
      fn(uint32_t{});
      return true;
    case tensorflow::DT_UINT64:
      fn(uint64_t{});
      return true;
    case tensorflow::DT_BOOL:
      fn(bool{});
      return true;
    default:
      return false;
  }
}

template <typename T>
auto Widen(T v) {
  if constexpr (std::is_same_v<T, Half>) {
    return HalfToFloat(v);
  } else if constexpr (std::is_same_v<T, BFloat16>) {
    return BFloat16ToFloat(v);
  } else {
    return v;
  }
}

template <typename To, typename From>
To Convert(From v) {
  auto wide = Widen(v);
  if constexpr (std::is_same_v<To, Half>) {
    return FloatToHalf(static_cast<float>(wide));
  } else if constexpr (std::is_same_v<To, BFloat16>) {
    return FloatToBFloat16(static_cast<float>(wide));
  } else if constexpr (std::is_same_v<To, bool>) {
    return wide != 0;
  } else {
    return static_cast<To>(wide);
  }
}

}  // namespace

absl::StatusOr<Tensor> CastTensor(const Tensor& tensor, DataType dtype) {
  if (tensor.dtype() == dtype) return tensor;
  Tensor out(dtype, tensor.shape());
  bool ok = false;
  VisitNumeric(tensor.dtype(), [&](auto from) {
    using From = decltype(from);
    ok = VisitNumeric(dtype, [&](auto to) {
      using To = decltype(to);
      const From* src = tensor.data<From>();
      To* dst = out.data<To>();
      for (int64_t i = 0; i < tensor.num_elements(); ++i) dst[i] = Convert<To>(src[i]);
    });
  });
  if (!ok) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot convert ", DataTypeName(tensor.dtype()), " to ", DataTypeName(dtype)));
  }
  return out;
}

}  // namespace savedserve
