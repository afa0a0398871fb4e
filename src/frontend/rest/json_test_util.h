// Test helpers for the REST JSON tests: JSON equality that ignores member order and
// formatting (numbers compare by value, so 42 equals 42.0, as in TF Serving's tests), and
// small tensor builders. Header-only; tests only.
#pragma once

#include <string>
#include <type_traits>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"
#include "rapidjson/error/en.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "tensor/tensor.h"
#include "tensor/tensor_proto.h"

namespace savedserve {

inline ::testing::AssertionResult JsonEquals(absl::string_view actual, absl::string_view expected) {
  constexpr unsigned kFlags = rapidjson::kParseNanAndInfFlag | rapidjson::kParseFullPrecisionFlag;
  rapidjson::Document a, e;
  if (a.Parse<kFlags>(actual.data(), actual.size()).HasParseError()) {
    return ::testing::AssertionFailure()
           << "actual is not JSON (" << rapidjson::GetParseError_En(a.GetParseError())
           << "): " << actual;
  }
  if (e.Parse<kFlags>(expected.data(), expected.size()).HasParseError()) {
    return ::testing::AssertionFailure() << "expected is not JSON: " << expected;
  }
  if (a != e) {
    return ::testing::AssertionFailure()
           << "JSON differs.\nactual:   " << actual << "\nexpected: " << expected;
  }
  return ::testing::AssertionSuccess();
}

// `json` with every object member called `name` removed, at any depth (compact text).
inline std::string WithoutMembers(absl::string_view json, const char* name) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  EXPECT_FALSE(doc.HasParseError()) << json;
  std::vector<rapidjson::Value*> pending = {&doc};
  while (!pending.empty()) {
    rapidjson::Value* v = pending.back();
    pending.pop_back();
    if (v->IsObject()) {
      v->RemoveMember(name);
      for (auto& m : v->GetObject()) pending.push_back(&m.value);
    } else if (v->IsArray()) {
      for (auto& e : v->GetArray()) pending.push_back(&e);
    }
  }
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  doc.Accept(writer);
  return buffer.GetString();
}

template <typename T>
Tensor MakeTensor(std::vector<T> values, TensorShape shape) {
  if constexpr (std::is_same_v<T, bool>) {  // vector<bool> has no contiguous storage
    Tensor t(DataTypeOf<bool>(), std::move(shape));
    for (size_t i = 0; i < values.size(); ++i) t.data<bool>()[i] = values[i];
    return t;
  } else {
    return Tensor::FromVector<T>(std::span<const T>(values), std::move(shape));
  }
}

inline tensorflow::TensorProto MakeProto(const Tensor& tensor) {
  tensorflow::TensorProto proto;
  TensorToProto(tensor, &proto);
  return proto;
}

}  // namespace savedserve
