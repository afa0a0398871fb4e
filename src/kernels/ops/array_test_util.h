// Test-only helpers for the array-op tests: tensor literals and value checks.
#pragma once

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tensor/tensor.h"

namespace savedserve {
namespace testing_util {

// A tensor of `shape` holding `values` (row-major).
template <typename T>
Tensor Make(const TensorShape& shape, const std::vector<T>& values) {
  Tensor t(DataTypeOf<T>(), shape);
  EXPECT_EQ(static_cast<int64_t>(values.size()), t.num_elements());
  for (size_t i = 0; i < values.size() && static_cast<int64_t>(i) < t.num_elements(); ++i) {
    t.data<T>()[i] = values[i];
  }
  return t;
}
template <typename T>
Tensor Vec(const std::vector<T>& values) {
  return Make<T>(TensorShape{static_cast<int64_t>(values.size())}, values);
}
// 0, 1, 2, ... as T in `shape`.
template <typename T>
Tensor Iota(const TensorShape& shape) {
  Tensor t(DataTypeOf<T>(), shape);
  for (int64_t i = 0; i < t.num_elements(); ++i) t.data<T>()[i] = static_cast<T>(i);
  return t;
}
template <typename T>
std::vector<T> Values(const Tensor& t) {
  return std::vector<T>(t.data<T>(), t.data<T>() + t.num_elements());
}
// "0", "1", ... in `shape`.
inline Tensor StringIota(const TensorShape& shape) {
  Tensor t(tensorflow::DT_STRING, shape);
  for (int64_t i = 0; i < t.num_elements(); ++i) t.data<std::string>()[i] = std::to_string(i);
  return t;
}

}  // namespace testing_util
}  // namespace savedserve

// Checks a StatusOr is an error whose message contains `substring`.
#define SS_EXPECT_ERROR_CONTAINS(status_or, substring)                                       \
  do {                                                                                       \
    const auto& ss_result_ = (status_or);                                                    \
    ASSERT_FALSE(ss_result_.ok()) << "expected an error containing: " << (substring);        \
    EXPECT_NE(std::string(ss_result_.status().message()).find(substring), std::string::npos) \
        << ss_result_.status().message();                                                    \
  } while (0)
