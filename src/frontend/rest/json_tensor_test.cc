#include "frontend/rest/json_tensor.h"

#include <cmath>
#include <limits>
#include <string>

#include "absl/strings/str_cat.h"
#include "frontend/rest/json_test_util.h"
#include "frontend/rest/json_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace savedserve {
namespace {

using tensorflow::serving::PredictRequest;
using ::testing::HasSubstr;

TensorInfoMap Infos(std::initializer_list<std::pair<const char*, DataType>> inputs) {
  TensorInfoMap infos;
  for (const auto& [name, dtype] : inputs) {
    infos[name].set_dtype(dtype);
    infos[name].set_name(absl::StrCat(name, ":0"));
  }
  return infos;
}

// Parses `json` against a signature with `infos`; records the signature name looked up.
struct Parsed {
  absl::Status status;
  PredictRequest request;
  JsonPredictFormat format = JsonPredictFormat::kRow;
  std::string looked_up = "<none>";
  Tensor Input(const std::string& name) const {
    auto t = TensorFromProto(request.inputs().at(name));
    EXPECT_TRUE(t.ok()) << t.status();
    return t.ok() ? *t : Tensor();
  }
};

Parsed Parse(absl::string_view json, const TensorInfoMap& infos) {
  Parsed p;
  p.status = FillPredictRequestFromJson(
      json,
      [&](const std::string& sig) -> absl::StatusOr<TensorInfoMap> {
        p.looked_up = sig;
        if (sig != "" && sig != "serving_default") {
          return absl::InvalidArgumentError(
              absl::StrCat("Serving signature name: \"", sig, "\" not found in signature def"));
        }
        return infos;
      },
      &p.request, &p.format);
  return p;
}

const TensorInfoMap kX = Infos({{"x", tensorflow::DT_FLOAT}});

// --- number formatting (rest_api.md §7) ---

TEST(JsonFormatTest, FloatExamplesFromTheUnitTests) {
  EXPECT_EQ(FormatFloat(9000000), "9e+06");
  EXPECT_EQ(FormatFloat(999999), "999999.0");
  EXPECT_EQ(FormatFloat(0.5), "0.5");
  EXPECT_EQ(FormatFloat(0.0003f), "0.0003");
  EXPECT_EQ(FormatFloat(0.00003f), "3e-05");
  EXPECT_EQ(FormatFloat(555557.5), "555557.5");
  EXPECT_EQ(FormatFloat(3), "3.0");
  EXPECT_EQ(FormatFloat(0.2f), "0.2");
  EXPECT_EQ(FormatFloat(-0.0f), "-0.0");
  EXPECT_EQ(FormatFloat(std::nanf("")), "NaN");
  EXPECT_EQ(FormatFloat(std::numeric_limits<float>::infinity()), "Infinity");
  EXPECT_EQ(FormatFloat(-std::numeric_limits<float>::infinity()), "-Infinity");
}

TEST(JsonFormatTest, DoublesUseMaxDigits10WhenSixDigitsDoNotRoundTrip) {
  EXPECT_EQ(FormatDouble(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(FormatDouble(8), "8.0");
  EXPECT_EQ(FormatDouble(0.2), "0.2");
  EXPECT_EQ(FormatDouble(1e100), "1e+100");
  EXPECT_EQ(FormatFloat(0.1f + 0.2f), "0.3");  // float arithmetic: exactly 0.3f
  EXPECT_EQ(FormatFloat(1.0f / 3), "0.333333343");
}

// --- request parsing: row format ---

TEST(JsonPredictRequestTest, RowFormatBatchesInstances) {
  Parsed p = Parse(R"({"instances": [[1.0, 2.0], [3.0, 4.0]]})", kX);
  ASSERT_TRUE(p.status.ok()) << p.status;
  EXPECT_EQ(p.format, JsonPredictFormat::kRow);
  EXPECT_EQ(p.looked_up, "");
  EXPECT_TRUE(p.Input("x").Identical(MakeTensor<float>({1, 2, 3, 4}, {2, 2})));
}

TEST(JsonPredictRequestTest, SignatureShapeIsNotChecked) {
  Parsed p = Parse(R"({"instances": [1.0, 2.0, 5.0]})", kX);
  ASSERT_TRUE(p.status.ok()) << p.status;
  EXPECT_TRUE(p.Input("x").Identical(MakeTensor<float>({1, 2, 5}, {3})));
}

TEST(JsonPredictRequestTest, SignatureNameIsPassedToTheLookup) {
  Parsed p = Parse(R"({"signature_name": "serving_default", "instances": [3.0, 4.0]})", kX);
  ASSERT_TRUE(p.status.ok()) << p.status;
  EXPECT_EQ(p.looked_up, "serving_default");
  EXPECT_EQ(p.request.model_spec().signature_name(), "serving_default");

  p = Parse(R"({"signature_name": "nope", "instances": [3.0]})", kX);
  EXPECT_EQ(p.status.message(), "Serving signature name: \"nope\" not found in signature def");

  p = Parse(R"({"signature_name": 5, "instances": [3.0]})", kX);
  EXPECT_EQ(p.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(p.status.message(), HasSubstr("'signature_name' key must be a string value."));
}

TEST(JsonPredictRequestTest, RowFormatWithNamedInputs) {
  const TensorInfoMap infos = Infos({{"tag", tensorflow::DT_STRING},
                                     {"signal", tensorflow::DT_INT32},
                                     {"sensor", tensorflow::DT_FLOAT}});
  Parsed p = Parse(R"({
     "instances": [
       { "tag": "foo", "signal": [1, 2, 3, 4, 5], "sensor": [[1, 2], [3, 4]] },
       { "tag": "bar", "signal": [3, 4, 1, 2, 5], "sensor": [[4, 5], [6, 8]] }
     ]})",
                   infos);
  ASSERT_TRUE(p.status.ok()) << p.status;
  EXPECT_TRUE(p.Input("tag").Identical(MakeTensor<std::string>({"foo", "bar"}, {2})));
  EXPECT_TRUE(
      p.Input("signal").Identical(MakeTensor<int32_t>({1, 2, 3, 4, 5, 3, 4, 1, 2, 5}, {2, 5})));
  EXPECT_TRUE(p.Input("sensor").Identical(MakeTensor<float>({1, 2, 3, 4, 4, 5, 6, 8}, {2, 2, 2})));
}

TEST(JsonPredictRequestTest, RowFormatStringsAndBase64) {
  const TensorInfoMap infos = Infos({{"s", tensorflow::DT_STRING}});
  Parsed p = Parse(R"({"instances": ["foo", "bar", "baz"]})", infos);
  ASSERT_TRUE(p.status.ok()) << p.status;
  EXPECT_TRUE(p.Input("s").Identical(MakeTensor<std::string>({"foo", "bar", "baz"}, {3})));

  // A {"b64": ...} object is a value, not a row object.
  p = Parse(R"({"instances": [{"b64": "aGVsbG8="}, {"b64": "d29ybGQ="}]})", infos);
  ASSERT_TRUE(p.status.ok()) << p.status;
  EXPECT_TRUE(p.Input("s").Identical(MakeTensor<std::string>({"hello", "world"}, {2})));

  p = Parse(R"({"instances": [[[1, 2]], [[3, 4]]]})", Infos({{"i", tensorflow::DT_INT64}}));
  ASSERT_TRUE(p.status.ok()) << p.status;
  EXPECT_TRUE(p.Input("i").Identical(MakeTensor<int64_t>({1, 2, 3, 4}, {2, 1, 2})));
}

TEST(JsonPredictRequestTest, RowFormatErrors) {
  const TensorInfoMap ab = Infos({{"a", tensorflow::DT_FLOAT}, {"b", tensorflow::DT_FLOAT}});
  EXPECT_THAT(Parse(R"({"instances": 5})", kX).status.message(),
              HasSubstr("Expecting 'instances' to be an list/array"));
  EXPECT_THAT(Parse(R"({"instances": []})", kX).status.message(),
              HasSubstr("No values in 'instances' array"));
  EXPECT_THAT(Parse(R"({"instances": [1.0, 2.0]})", ab).status.message(),
              HasSubstr("instances is a plain list, but expecting list of objects as multiple "
                        "input tensors required as per tensorinfo_map"));
  EXPECT_THAT(Parse(R"({"instances": [{"a": 1, "b": 2}, [1, 2]]})", ab).status.message(),
              HasSubstr("Expecting object but got list at item 1 of input list"));
  EXPECT_THAT(Parse(R"({"instances": [1.0, {"x": 2}]})", kX).status.message(),
              HasSubstr("Expecting value/list but got object at item 1"));
  EXPECT_THAT(Parse(R"({"instances": [{"a": 1}]})", ab).status.message(),
              HasSubstr("keys must be equal to: a,b"));
  EXPECT_THAT(Parse(R"({"instances": [{"a": 1, "b": 2, "c": 3}]})", ab).status.message(),
              HasSubstr("does not have named input: c"));
  EXPECT_THAT(Parse(R"({"instances": [[1.0, 2.0], [3.0]]})", kX).status.message(),
              HasSubstr("Expecting tensor size"));
  EXPECT_THAT(Parse(R"({"instances": [[1.0, 2.0], [[3.0], [4.0]]]})", kX).status.message(),
              HasSubstr("Expecting shape"));
  EXPECT_THAT(Parse(R"({"instances": [[1.0], [[2.0]]]})", kX).status.message(),
              HasSubstr("Failed to process element: 1 of 'instances' list. Error: "
                        "INVALID_ARGUMENT: Expecting shape [1] but got: [1,1]"));
  EXPECT_THAT(Parse(R"({"instances": [[1.0], ["a"]]})", kX).status.message(),
              HasSubstr("Failed to process element: 1 of 'instances' list. Error: "
                        "INVALID_ARGUMENT: JSON Value: \"a\" Type: String is not of expected "
                        "type: float"));
  EXPECT_THAT(Parse(R"({"instances": [[1.0, [2.0]]]})", kX).status.message(),
              HasSubstr("Encountered list at unexpected level"));
  EXPECT_THAT(Parse(R"({"instances": [[[1.0], 2.0]]})", kX).status.message(),
              HasSubstr("found at incorrect level"));
}

// --- request parsing: columnar format ---

TEST(JsonPredictRequestTest, ColumnarFormat) {
  const TensorInfoMap infos = Infos({{"tag", tensorflow::DT_STRING},
                                     {"signal", tensorflow::DT_INT32},
                                     {"sensor", tensorflow::DT_FLOAT}});
  Parsed p = Parse(R"({
     "inputs": {
       "tag": ["foo", "bar"],
       "signal": [[1, 2, 3, 4, 5], [3, 4, 1, 2, 5]],
       "sensor": [[[1, 2], [3, 4]], [[4, 5], [6, 8]]],
       "ignored": "keys the signature lacks are ignored"
     }})",
                   infos);
  ASSERT_TRUE(p.status.ok()) << p.status;
  EXPECT_EQ(p.format, JsonPredictFormat::kColumnar);
  EXPECT_EQ(p.request.inputs_size(), 3);
  EXPECT_TRUE(p.Input("tag").Identical(MakeTensor<std::string>({"foo", "bar"}, {2})));
  EXPECT_TRUE(p.Input("sensor").Identical(MakeTensor<float>({1, 2, 3, 4, 4, 5, 6, 8}, {2, 2, 2})));
}

TEST(JsonPredictRequestTest, ColumnarSingleInputAndScalars) {
  Parsed p = Parse(R"({"signature_name": "serving_default", "inputs": [3.0, 4.0]})", kX);
  ASSERT_TRUE(p.status.ok()) << p.status;
  EXPECT_TRUE(p.Input("x").Identical(MakeTensor<float>({3, 4}, {2})));

  p = Parse(R"({"inputs": 7.5})", kX);
  ASSERT_TRUE(p.status.ok()) << p.status;
  EXPECT_TRUE(p.Input("x").Identical(Tensor::Scalar<float>(7.5)));

  p = Parse(R"({"inputs": {"b64": "aGVsbG8="}})", Infos({{"s", tensorflow::DT_STRING}}));
  ASSERT_TRUE(p.status.ok()) << p.status;
  EXPECT_TRUE(p.Input("s").Identical(Tensor::Scalar<std::string>("hello")));

  // Inputs need not share dim 0.
  p = Parse(R"({"inputs": {"a": [1.0], "b": [1.0, 2.0, 3.0]}})",
            Infos({{"a", tensorflow::DT_FLOAT}, {"b", tensorflow::DT_FLOAT}}));
  ASSERT_TRUE(p.status.ok()) << p.status;
}

TEST(JsonPredictRequestTest, ColumnarErrors) {
  const TensorInfoMap ab = Infos({{"a", tensorflow::DT_FLOAT}, {"b", tensorflow::DT_FLOAT}});
  EXPECT_THAT(Parse(R"({"inputs": [1.0, 2.0]})", ab).status.message(),
              HasSubstr("inputs is a plain value/list, but expecting an object as multiple "
                        "input tensors required as per tensorinfo_map"));
  EXPECT_EQ(Parse(R"({"inputs": {"a": [1.0]}})", ab).status.message(),
            "Missing named input: b in 'inputs' object.");
}

// --- request parsing: document-level errors ---

TEST(JsonPredictRequestTest, DocumentErrors) {
  EXPECT_EQ(Parse("", kX).status.message(), "JSON Parse error: The document is empty");
  EXPECT_THAT(Parse("instances = [1, 2]", kX).status.message(),
              HasSubstr("JSON Parse error: Invalid value"));
  EXPECT_THAT(Parse("[1, 2]", kX).status.message(), HasSubstr("Is not object"));
  EXPECT_THAT(Parse("[1, 2]", kX).status.message(), HasSubstr("JSON Value: "));
  const Parsed both = Parse(R"({"instances": [1.0], "inputs": [1.0]})", kX);
  EXPECT_EQ(both.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(both.status.message(),
              HasSubstr("Not formatted correctly expecting only one of 'inputs' or "
                        "'instances' keys to exist"));
  EXPECT_EQ(Parse(R"({"foo": 1})", kX).status.message(), "Missing 'inputs' or 'instances' key");
  EXPECT_THAT(Parse(R"({"instances": [1.0]})", TensorInfoMap()).status.message(),
              HasSubstr("Failed to get input map for signature: DEFAULT"));
}

TEST(JsonPredictRequestTest, DeeplyNestedArraysAreRejectedAtTheDepthLimit) {
  for (int depth : {kMaxJsonDepth + 1, 100000}) {
    const std::string json =
        absl::StrCat(R"({"instances": )", std::string(depth, '['), std::string(depth, ']'), "}");
    const absl::Status status = Parse(json, kX).status;
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(status.message(), HasSubstr("nesting deeper than"));
  }
  // Brackets inside strings do not count.
  const std::string quoted =
      absl::StrCat(R"({"instances": [")", std::string(100000, '['), R"("]})");
  EXPECT_TRUE(Parse(quoted, Infos({{"s", tensorflow::DT_STRING}})).status.ok());
  // Just under the limit parses, then fails on the tensor's rank, cleanly.
  const int ok_depth = kMaxJsonDepth - 1;
  const std::string deep = absl::StrCat(R"({"instances": )", std::string(ok_depth, '['), "1.0",
                                        std::string(ok_depth, ']'), "}");
  EXPECT_TRUE(Parse(deep, kX).status.ok());
}

// --- value conversion (rest_api.md §7) ---

TEST(JsonPredictRequestTest, ValuesConvertToTheSignatureDtype) {
  auto parse1 = [](absl::string_view value, DataType dtype) {
    return Parse(absl::StrCat(R"({"inputs": [)", value, "]}"), Infos({{"v", dtype}}));
  };
  EXPECT_EQ(parse1(R"("x")", tensorflow::DT_FLOAT).status.message(),
            "JSON Value: \"x\" Type: String is not of expected type: float");
  EXPECT_THAT(parse1("1.5", tensorflow::DT_INT32).status.message(),
              HasSubstr("is not of expected type: int32"));
  EXPECT_THAT(parse1("3000000000", tensorflow::DT_INT32).status.message(),
              HasSubstr("is not of expected type: int32"));
  EXPECT_THAT(parse1("-1", tensorflow::DT_UINT32).status.message(),
              HasSubstr("is not of expected type: uint32"));
  EXPECT_THAT(parse1("1", tensorflow::DT_BOOL).status.message(),
              HasSubstr("is not of expected type: bool"));
  EXPECT_THAT(parse1("{\"b64\": \"AA==\"}", tensorflow::DT_FLOAT).status.message(),
              HasSubstr("Type: Object is not of expected type: float"));
  EXPECT_THAT(parse1("1", tensorflow::DT_COMPLEX64).status.message(),
              HasSubstr("to type: complex64"));
  EXPECT_THAT(parse1("16777217", tensorflow::DT_FLOAT).status.message(),
              HasSubstr("Cannot convert JSON value: 16777217 to float without loss of precision"));
  EXPECT_THAT(parse1("1e39", tensorflow::DT_FLOAT).status.message(),
              HasSubstr("without loss of precision"));

  Parsed p = parse1("NaN, Infinity, -Infinity, 1", tensorflow::DT_FLOAT);
  ASSERT_TRUE(p.status.ok()) << p.status;
  const Tensor f = p.Input("v");
  EXPECT_TRUE(std::isnan(f.data<float>()[0]));
  EXPECT_EQ(f.data<float>()[1], std::numeric_limits<float>::infinity());
  EXPECT_EQ(f.data<float>()[2], -std::numeric_limits<float>::infinity());
  EXPECT_EQ(f.data<float>()[3], 1.0f);

  p = parse1("0.1, 9007199254740991", tensorflow::DT_DOUBLE);
  ASSERT_TRUE(p.status.ok()) << p.status;
  EXPECT_TRUE(p.Input("v").Identical(MakeTensor<double>({0.1, 9007199254740991.0}, {2})));

  p = parse1("-9223372036854775808, 9223372036854775807", tensorflow::DT_INT64);
  ASSERT_TRUE(p.status.ok()) << p.status;
  EXPECT_EQ(p.Input("v").data<int64_t>()[0], std::numeric_limits<int64_t>::min());

  p = parse1("18446744073709551615", tensorflow::DT_UINT64);
  ASSERT_TRUE(p.status.ok()) << p.status;
  EXPECT_EQ(p.Input("v").data<uint64_t>()[0], std::numeric_limits<uint64_t>::max());

  p = parse1("true, false", tensorflow::DT_BOOL);
  ASSERT_TRUE(p.status.ok()) << p.status;
  EXPECT_TRUE(p.Input("v").Identical(MakeTensor<bool>({true, false}, {2})));

  p = parse1("-128, 127", tensorflow::DT_INT8);
  ASSERT_TRUE(p.status.ok()) << p.status;
  EXPECT_TRUE(p.Input("v").Identical(MakeTensor<int8_t>({-128, 127}, {2})));
}

TEST(JsonPredictRequestTest, Base64Errors) {
  const TensorInfoMap s = Infos({{"s", tensorflow::DT_STRING}});
  EXPECT_EQ(Parse(R"({"inputs": [{"b64": "!!!"}]})", s).status.message(),
            "Unable to base64 decode");
  EXPECT_THAT(Parse(R"({"inputs": [{"b64": 1}]})", s).status.message(),
              HasSubstr("not formatted correctly for base64 data"));
  EXPECT_THAT(Parse(R"({"inputs": [{"b64": "AA==", "x": 1}]})", s).status.message(),
              HasSubstr("not formatted correctly for base64 data"));
}

// --- response writing ---

TensorProtoMap Outputs(std::initializer_list<std::pair<const char*, Tensor>> tensors) {
  TensorProtoMap map;
  for (const auto& [name, tensor] : tensors) map[name] = MakeProto(tensor);
  return map;
}

TEST(JsonPredictResponseTest, SingleOutput) {
  const TensorProtoMap y = Outputs({{"y", MakeTensor<float>({2.5, 3, 4.5}, {3})}});
  auto json = MakeJsonFromTensors(y, JsonPredictFormat::kRow);
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_EQ(*json, "{\n    \"predictions\": [2.5, 3.0, 4.5\n    ]\n}");
  json = MakeJsonFromTensors(y, JsonPredictFormat::kColumnar);
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_TRUE(JsonEquals(*json, R"({"outputs": [2.5, 3.0, 4.5]})"));

  const TensorProtoMap y2 = Outputs({{"y", MakeTensor<float>({2.5, 3, 3.5, 4}, {2, 2})}});
  EXPECT_TRUE(JsonEquals(*MakeJsonFromTensors(y2, JsonPredictFormat::kRow),
                         R"({ "predictions": [[2.5, 3.0], [3.5, 4.0]] })"));
}

TensorProtoMap MultiOutputs() {
  return Outputs({
      {"double_scalar_tensor", MakeTensor<double>({8, 9}, {2})},
      {"float_tensor", MakeTensor<float>({1, 2}, {2, 1})},
      {"int_tensor", MakeTensor<int32_t>({1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2}, {2, 3, 2})},
      {"str_tensor", MakeTensor<std::string>({"foo", "bar", "baz", "bat"}, {2, 2})},
      {"str_tensor_bytes", MakeTensor<std::string>({"hello", "world", "tf", "serving"}, {2, 2})},
  });
}

TEST(JsonPredictResponseTest, MultipleOutputsRowFormat) {
  auto json = MakeJsonFromTensors(MultiOutputs(), JsonPredictFormat::kRow);
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_TRUE(JsonEquals(*json, R"({
  "predictions": [
    { "double_scalar_tensor": 8.0, "float_tensor": [1.0], "int_tensor": [[1, 2], [3, 4], [5, 6]],
      "str_tensor": ["foo", "bar"], "str_tensor_bytes": [ {"b64": "aGVsbG8="}, {"b64": "d29ybGQ="} ] },
    { "double_scalar_tensor": 9.0, "float_tensor": [2.0], "int_tensor": [[7, 8], [9, 0], [1, 2]],
      "str_tensor": ["baz", "bat"], "str_tensor_bytes": [ {"b64": "dGY="}, {"b64": "c2VydmluZw=="} ] }
  ]})"));
  EXPECT_THAT(*json, HasSubstr("\"double_scalar_tensor\": 8.0"));  // whole floats keep ".0"
}

TEST(JsonPredictResponseTest, MultipleOutputsColumnarFormat) {
  auto json = MakeJsonFromTensors(MultiOutputs(), JsonPredictFormat::kColumnar);
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_TRUE(JsonEquals(*json, R"({
  "outputs": {
    "double_scalar_tensor": [8.0, 9.0],
    "float_tensor": [[1.0], [2.0]],
    "int_tensor": [[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 0], [1, 2]]],
    "str_tensor": [["foo", "bar"], ["baz", "bat"]],
    "str_tensor_bytes": [[{"b64": "aGVsbG8="}, {"b64": "d29ybGQ="}], [{"b64": "dGY="}, {"b64": "c2VydmluZw=="}]]
  }})"));
}

TEST(JsonPredictResponseTest, OtherDtypesAndNonFiniteValues) {
  const float inf = std::numeric_limits<float>::infinity();
  auto json = MakeJsonFromTensors(
      Outputs({{"f", MakeTensor<float>({0.2f, inf, 1, -inf, std::nanf("")}, {5})}}),
      JsonPredictFormat::kRow);
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_THAT(*json, HasSubstr("[0.2, Infinity, 1.0, -Infinity, NaN"));
  json = MakeJsonFromTensors(
      Outputs({{"b", MakeTensor<bool>({true, false}, {2})},
               {"u", MakeTensor<uint8_t>({255, 0}, {2})},
               {"h", MakeTensor<Half>({FloatToHalf(1.5f), FloatToHalf(2)}, {2})},
               {"l", MakeTensor<int64_t>({-(int64_t{1} << 40), 3}, {2})}}),
      JsonPredictFormat::kRow);
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_TRUE(JsonEquals(*json, R"({"predictions": [
      {"b": true, "u": 255, "h": 1.5, "l": -1099511627776},
      {"b": false, "u": 0, "h": 2.0, "l": 3}]})"));
}

TEST(JsonPredictResponseTest, RowFormatNeedsABatchDimension) {
  EXPECT_THAT(
      MakeJsonFromTensors(Outputs({{"s", Tensor::Scalar<float>(1)}}), JsonPredictFormat::kRow)
          .status()
          .message(),
      HasSubstr("Tensor name: s has no shape information"));
  EXPECT_THAT(MakeJsonFromTensors(Outputs({{"a", MakeTensor<float>({1, 2}, {2})},
                                           {"b", MakeTensor<float>({1, 2, 3}, {3})}}),
                                  JsonPredictFormat::kRow)
                  .status()
                  .message(),
              HasSubstr("has inconsistent batch size: 3 expecting: 2"));
  // Columnar allows a scalar.
  auto json =
      MakeJsonFromTensors(Outputs({{"s", Tensor::Scalar<float>(1)}}), JsonPredictFormat::kColumnar);
  ASSERT_TRUE(json.ok());
  EXPECT_TRUE(JsonEquals(*json, R"({"outputs": 1.0})"));
  // A batch of 0.
  json = MakeJsonFromTensors(Outputs({{"y", Tensor(tensorflow::DT_FLOAT, TensorShape{0, 1})}}),
                             JsonPredictFormat::kRow);
  ASSERT_TRUE(json.ok());
  EXPECT_TRUE(JsonEquals(*json, R"({ "predictions": [] })"));
  EXPECT_THAT(MakeJsonFromTensors({}, JsonPredictFormat::kRow).status().message(),
              HasSubstr("Cannot convert empty tensor map to JSON"));
  EXPECT_THAT(
      MakeJsonFromTensors(Outputs({{"c", Tensor(tensorflow::DT_COMPLEX64, TensorShape{1})}}),
                          JsonPredictFormat::kColumnar)
          .status()
          .message(),
      HasSubstr("Failed to write JSON value for tensor type: complex64"));
}

TEST(JsonErrorTest, ErrorBodyEscapesQuotes) {
  const std::string body = MakeJsonFromStatus(absl::InvalidArgumentError("Bad key: \"key\""));
  EXPECT_TRUE(JsonEquals(body, R"({ "error": "Bad key: \"key\"" })"));
  EXPECT_EQ(body, "{\n    \"error\": \"Bad key: \\\"key\\\"\"\n}");
}

}  // namespace
}  // namespace savedserve
