#include "tensor/tensor_proto.h"

#include <algorithm>
#include <complex>
#include <cstring>
#include <functional>
#include <random>

#include "base/env.h"
#include "google/protobuf/stubs/logging.h"
#include "gtest/gtest.h"
#include "tensorflow/core/framework/resource_handle.pb.h"
#include "tensorflow/core/protobuf/saved_model.pb.h"
#include "test_util/testdata.h"

#if defined(__SANITIZE_ADDRESS__)
// ImpossibleSizesAreErrorsNotCrashes asks for absurd allocations on purpose; let ASan's
// allocator fail them (as the real one does) instead of aborting the test binary.
extern "C" const char* __asan_default_options() { return "allocator_may_return_null=1"; }
#endif

namespace savedserve {
namespace {

using tensorflow::DataType;
using tensorflow::TensorProto;

std::vector<DataType> AllBaseTypes() {
  std::vector<DataType> out;
  for (int v = 1; v < 100; ++v) {
    if (tensorflow::DataType_IsValid(v)) out.push_back(static_cast<DataType>(v));
  }
  return out;
}

TensorProto MakeProto(DataType dtype, const std::vector<int64_t>& dims) {
  TensorProto proto;
  proto.set_dtype(dtype);
  for (int64_t d : dims) proto.mutable_tensor_shape()->add_dim()->set_size(d);
  return proto;
}

// A [2,3] tensor with six distinct, valid values of `dtype`.
Tensor Sample(DataType dtype) {
  Tensor t(dtype, TensorShape{2, 3});
  for (int i = 0; i < 6; ++i) {
    switch (dtype) {
      case tensorflow::DT_STRING:
        t.data<std::string>()[i] = i == 2 ? std::string("\0\xff bin", 6) : std::string(i, 'a' + i);
        break;
      case tensorflow::DT_RESOURCE: {
        tensorflow::ResourceHandleProto handle;
        handle.set_device("/job:localhost/replica:0/task:0/device:CPU:0");
        handle.set_name("var" + std::to_string(i));
        handle.set_hash_code(1000 + i);
        t.data<std::string>()[i] = handle.SerializeAsString();
        break;
      }
      case tensorflow::DT_VARIANT: {
        tensorflow::VariantTensorDataProto variant;
        variant.set_type_name("tensorflow::Tensor");
        variant.set_metadata(std::string(i, 'm'));
        *variant.add_tensors() = MakeProto(tensorflow::DT_INT32, {});
        t.data<std::string>()[i] = variant.SerializeAsString();
        break;
      }
      case tensorflow::DT_FLOAT:
        t.data<float>()[i] = i * 1.25f - 3;
        break;
      case tensorflow::DT_DOUBLE:
        t.data<double>()[i] = i / 3.0;
        break;
      case tensorflow::DT_COMPLEX64:
        t.data<std::complex<float>>()[i] = {i + 0.5f, -1.0f * i};
        break;
      case tensorflow::DT_COMPLEX128:
        t.data<std::complex<double>>()[i] = {-0.1 * i, 1e300};
        break;
      case tensorflow::DT_BOOL:
        t.data<bool>()[i] = i % 2 == 1;
        break;
      case tensorflow::DT_HALF:
        t.data<Half>()[i] = FloatToHalf(i - 2.5f);
        break;
      case tensorflow::DT_BFLOAT16:
        t.data<BFloat16>()[i] = FloatToBFloat16(i * 100.0f);
        break;
      default: {
        // Integers and float8: bytes that exercise sign and high bits.
        auto* bytes = static_cast<uint8_t*>(t.raw_data());
        for (size_t b = 0; b < DataTypeSize(dtype); ++b) {
          bytes[i * DataTypeSize(dtype) + b] = static_cast<uint8_t>(0x9d * (i + 1) + 17 * b);
        }
      }
    }
  }
  return t;
}

// Number of entries the typed field TF documents for `dtype` holds.
int TypedFieldSize(const TensorProto& p) {
  switch (p.dtype()) {
    case tensorflow::DT_FLOAT:
      return p.float_val_size();
    case tensorflow::DT_DOUBLE:
      return p.double_val_size();
    case tensorflow::DT_INT64:
      return p.int64_val_size();
    case tensorflow::DT_UINT32:
      return p.uint32_val_size();
    case tensorflow::DT_UINT64:
      return p.uint64_val_size();
    case tensorflow::DT_BOOL:
      return p.bool_val_size();
    case tensorflow::DT_STRING:
      return p.string_val_size();
    case tensorflow::DT_COMPLEX64:
      return p.scomplex_val_size() / 2;
    case tensorflow::DT_COMPLEX128:
      return p.dcomplex_val_size() / 2;
    case tensorflow::DT_HALF:
    case tensorflow::DT_BFLOAT16:
      return p.half_val_size();
    case tensorflow::DT_RESOURCE:
      return p.resource_handle_val_size();
    case tensorflow::DT_VARIANT:
      return p.variant_val_size();
    case tensorflow::DT_FLOAT8_E5M2:
    case tensorflow::DT_FLOAT8_E4M3FN:
      return static_cast<int>(p.float8_val().size());
    default:
      return p.int_val_size();  // int32/16/8, uint16/8, quantized, int4
  }
}

TEST(TensorProtoTest, EveryDtypeRoundTripsThroughBothEncodings) {
  for (DataType dtype : AllBaseTypes()) {
    const Tensor original = Sample(dtype);
    for (ProtoEncoding encoding : {ProtoEncoding::kTensorContent, ProtoEncoding::kTypedValues}) {
      SCOPED_TRACE(DataTypeName(dtype) +
                   (encoding == ProtoEncoding::kTypedValues ? " typed" : " content"));
      TensorProto proto;
      TensorToProto(original, &proto, encoding);
      EXPECT_EQ(proto.dtype(), dtype);
      const bool packed = encoding == ProtoEncoding::kTensorContent && !IsStringLike(dtype) &&
                          dtype != tensorflow::DT_INT4 && dtype != tensorflow::DT_UINT4;
      if (packed) {
        EXPECT_EQ(proto.tensor_content().size(), 6 * DataTypeSize(dtype));
        EXPECT_EQ(TypedFieldSize(proto), 0);
      } else {
        EXPECT_TRUE(proto.tensor_content().empty());
        EXPECT_EQ(TypedFieldSize(proto), 6);
      }
      // Through the wire format, as a client or a GraphDef would carry it.
      TensorProto parsed;
      ASSERT_TRUE(parsed.ParseFromString(proto.SerializeAsString()));
      absl::StatusOr<Tensor> decoded = TensorFromProto(parsed);
      ASSERT_TRUE(decoded.ok()) << decoded.status();
      EXPECT_TRUE(decoded->Identical(original))
          << decoded->DebugString() << " vs " << original.DebugString();
    }
  }
}

TEST(TensorProtoTest, TensorContentIsLittleEndian) {
  TensorProto proto;
  TensorToProto(Tensor::FromVector<float>(std::vector<float>{1.0f}, TensorShape{1}), &proto);
  EXPECT_EQ(proto.tensor_content(), std::string("\x00\x00\x80\x3f", 4));  // IEEE 754 1.0f
  TensorToProto(Tensor::Scalar<int32_t>(0x01020304), &proto);
  EXPECT_EQ(proto.tensor_content(), "\x04\x03\x02\x01");
  EXPECT_EQ(proto.tensor_shape().dim_size(), 0);  // cleared, now a scalar
}

TEST(TensorProtoTest, HalfValHoldsBitPatterns) {
  TensorProto proto;
  TensorToProto(Tensor::Scalar<Half>(FloatToHalf(1.0f)), &proto, ProtoEncoding::kTypedValues);
  ASSERT_EQ(proto.half_val_size(), 1);
  EXPECT_EQ(proto.half_val(0), 0x3C00);
  TensorToProto(Tensor::Scalar<BFloat16>(FloatToBFloat16(1.0f)), &proto,
                ProtoEncoding::kTypedValues);
  ASSERT_EQ(proto.half_val_size(), 1);
  EXPECT_EQ(proto.half_val(0), 0x3F80);
  EXPECT_EQ(proto.int_val_size(), 0);

  TensorProto in = MakeProto(tensorflow::DT_HALF, {2});
  in.add_half_val(0xC000);  // -2
  in.add_half_val(0x7BFF);  // 65504
  absl::StatusOr<Tensor> t = TensorFromProto(in);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(HalfToFloat(t->data<Half>()[0]), -2.0f);
  EXPECT_EQ(HalfToFloat(t->data<Half>()[1]), 65504.0f);
}

// ---- TF's fill rule for short typed lists ----------------------------------------------

template <typename T>
std::vector<T> Values(const Tensor& t) {
  return std::vector<T>(t.flat<T>().begin(), t.flat<T>().end());
}

absl::StatusOr<Tensor> Decode(DataType dtype, const std::vector<int64_t>& dims,
                              const std::function<void(TensorProto*)>& fill) {
  TensorProto proto = MakeProto(dtype, dims);
  fill(&proto);
  return TensorFromProto(proto);
}

TEST(TensorProtoTest, ShortListsRepeatTheLastValue) {
  auto f = Decode(tensorflow::DT_FLOAT, {2, 3}, [](TensorProto* p) {
    p->add_float_val(1.5f);
    p->add_float_val(-2.0f);
  });
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(Values<float>(*f), (std::vector<float>{1.5f, -2, -2, -2, -2, -2}));

  auto i8 = Decode(tensorflow::DT_INT8, {3}, [](TensorProto* p) { p->add_int_val(-5); });
  ASSERT_TRUE(i8.ok());
  EXPECT_EQ(Values<int8_t>(*i8), (std::vector<int8_t>{-5, -5, -5}));

  auto u16 = Decode(tensorflow::DT_UINT16, {3}, [](TensorProto* p) {
    p->add_int_val(1);
    p->add_int_val(65535);
  });
  ASSERT_TRUE(u16.ok());
  EXPECT_EQ(Values<uint16_t>(*u16), (std::vector<uint16_t>{1, 65535, 65535}));

  auto q32 = Decode(tensorflow::DT_QINT32, {2}, [](TensorProto* p) { p->add_int_val(-9); });
  ASSERT_TRUE(q32.ok());
  EXPECT_EQ(Values<int32_t>(*q32), (std::vector<int32_t>{-9, -9}));

  auto i64 = Decode(tensorflow::DT_INT64, {2}, [](TensorProto* p) { p->add_int64_val(1LL << 40); });
  ASSERT_TRUE(i64.ok());
  EXPECT_EQ(Values<int64_t>(*i64), (std::vector<int64_t>{1LL << 40, 1LL << 40}));

  auto u64 = Decode(tensorflow::DT_UINT64, {2}, [](TensorProto* p) { p->add_uint64_val(~0ull); });
  ASSERT_TRUE(u64.ok());
  EXPECT_EQ(Values<uint64_t>(*u64), (std::vector<uint64_t>{~0ull, ~0ull}));

  auto u32 = Decode(tensorflow::DT_UINT32, {2}, [](TensorProto* p) { p->add_uint32_val(7); });
  ASSERT_TRUE(u32.ok());
  EXPECT_EQ(Values<uint32_t>(*u32), (std::vector<uint32_t>{7, 7}));

  auto b = Decode(tensorflow::DT_BOOL, {3}, [](TensorProto* p) {
    p->add_bool_val(false);
    p->add_bool_val(true);
  });
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(Values<bool>(*b), (std::vector<bool>{false, true, true}));

  auto bf = Decode(tensorflow::DT_BFLOAT16, {3}, [](TensorProto* p) { p->add_half_val(0x3F80); });
  ASSERT_TRUE(bf.ok());
  EXPECT_EQ(bf->data<BFloat16>()[2].bits, 0x3F80);

  auto s = Decode(tensorflow::DT_STRING, {2, 2}, [](TensorProto* p) {
    p->add_string_val("a");
    p->add_string_val("b");
  });
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(Values<std::string>(*s), (std::vector<std::string>{"a", "b", "b", "b"}));
}

TEST(TensorProtoTest, ComplexListsArePairsPaddedByTheLastPair) {
  auto c = Decode(tensorflow::DT_COMPLEX64, {3}, [](TensorProto* p) {
    for (float v : {1.0f, 2.0f, 3.0f, 4.0f}) p->add_scomplex_val(v);
  });
  ASSERT_TRUE(c.ok()) << c.status();
  using C64 = std::complex<float>;
  EXPECT_EQ(Values<C64>(*c), (std::vector<C64>{{1, 2}, {3, 4}, {3, 4}}));

  auto d = Decode(tensorflow::DT_COMPLEX128, {2}, [](TensorProto* p) {
    p->add_dcomplex_val(0.5);
    p->add_dcomplex_val(-1);
  });
  ASSERT_TRUE(d.ok());
  using C128 = std::complex<double>;
  EXPECT_EQ(Values<C128>(*d), (std::vector<C128>{{0.5, -1}, {0.5, -1}}));

  auto odd = Decode(tensorflow::DT_COMPLEX64, {2}, [](TensorProto* p) {
    for (float v : {1.0f, 2.0f, 3.0f}) p->add_scomplex_val(v);
  });
  ASSERT_FALSE(odd.ok());
  EXPECT_NE(odd.status().message().find("pairs"), std::string::npos) << odd.status();
}

TEST(TensorProtoTest, ResourcesRepeatVariantsPadWithEmptyValues) {
  tensorflow::ResourceHandleProto handle;
  handle.set_name("v");
  auto r = Decode(tensorflow::DT_RESOURCE, {3},
                  [&](TensorProto* p) { *p->add_resource_handle_val() = handle; });
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(Values<std::string>(*r), std::vector<std::string>(3, handle.SerializeAsString()));

  tensorflow::VariantTensorDataProto variant;
  variant.set_type_name("T");
  auto v =
      Decode(tensorflow::DT_VARIANT, {3}, [&](TensorProto* p) { *p->add_variant_val() = variant; });
  ASSERT_TRUE(v.ok()) << v.status();
  // TF fills the rest of a variant tensor with empty variants, not copies.
  EXPECT_EQ(Values<std::string>(*v),
            (std::vector<std::string>{variant.SerializeAsString(), "", ""}));
}

TEST(TensorProtoTest, EmptyListMeansZeros) {
  auto f = Decode(tensorflow::DT_FLOAT, {2, 2}, [](TensorProto*) {});
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(Values<float>(*f), std::vector<float>(4, 0.0f));
  auto s = Decode(tensorflow::DT_STRING, {2}, [](TensorProto*) {});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(Values<std::string>(*s), std::vector<std::string>(2));
  auto scalar = Decode(tensorflow::DT_INT32, {}, [](TensorProto* p) { p->add_int_val(7); });
  ASSERT_TRUE(scalar.ok());
  EXPECT_EQ(scalar->shape(), TensorShape{});
  EXPECT_EQ(scalar->data<int32_t>()[0], 7);
  auto empty = Decode(tensorflow::DT_DOUBLE, {0, 5}, [](TensorProto*) {});
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->num_elements(), 0);
}

TEST(TensorProtoTest, RefDtypesDecodeToTheirBase) {
  auto t = Decode(tensorflow::DT_FLOAT_REF, {1}, [](TensorProto* p) { p->add_float_val(0.5f); });
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->dtype(), tensorflow::DT_FLOAT);
  EXPECT_EQ(t->data<float>()[0], 0.5f);
}

TEST(TensorProtoTest, TensorContentWinsOverTypedValues) {
  auto t = Decode(tensorflow::DT_INT32, {1}, [](TensorProto* p) {
    p->set_tensor_content(std::string("\x05\x00\x00\x00", 4));
    p->add_int_val(9);
  });
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->data<int32_t>()[0], 5);
}

TEST(TensorProtoTest, BoolContentIsNormalized) {
  auto t = Decode(tensorflow::DT_BOOL, {3},
                  [](TensorProto* p) { p->set_tensor_content(std::string("\x00\x02\x01", 3)); });
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->tensor_data(), std::string("\x00\x01\x01", 3));
  EXPECT_EQ(t->DebugString(), "DT_BOOL [3] {false, true, true}");
}

TEST(TensorProtoTest, StringTensorContentUsesTheStringListEncoding) {
  // TF's EncodeStringList: varint32 lengths first, then the bytes back to back.
  std::string content = std::string("\x01\x00\x83\x01", 4) + "a" + std::string(131, 'z');
  auto t =
      Decode(tensorflow::DT_STRING, {3}, [&](TensorProto* p) { p->set_tensor_content(content); });
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(Values<std::string>(*t), (std::vector<std::string>{"a", "", std::string(131, 'z')}));

  // Writing never uses tensor_content for strings.
  TensorProto out;
  TensorToProto(*t, &out, ProtoEncoding::kTensorContent);
  EXPECT_TRUE(out.tensor_content().empty());
  EXPECT_EQ(out.string_val_size(), 3);

  for (const std::string& bad : {std::string("\x80", 1), std::string("\x02\x01", 2) + "ab",
                                 std::string("\x01", 1), std::string("\x05\x05", 2) + "x"}) {
    auto r =
        Decode(tensorflow::DT_STRING, {2}, [&](TensorProto* p) { p->set_tensor_content(bad); });
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find("tensor_content"), std::string::npos) << r.status();
  }
}

// ---- malformed protos ------------------------------------------------------------------

void ExpectError(const absl::StatusOr<Tensor>& result, absl::StatusCode code,
                 const std::vector<std::string>& mentions) {
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), code) << result.status();
  for (const std::string& m : mentions) {
    EXPECT_NE(result.status().message().find(m), std::string::npos)
        << "\"" << m << "\" not in: " << result.status();
  }
}

TEST(TensorProtoTest, MalformedProtosGiveClearErrors) {
  const auto kInvalid = absl::StatusCode::kInvalidArgument;
  ExpectError(Decode(tensorflow::DT_FLOAT, {2},
                     [](TensorProto* p) {
                       for (int i = 0; i < 3; ++i) p->add_float_val(i);
                     }),
              kInvalid, {"float_val", "3 values", "2 elements"});
  ExpectError(Decode(tensorflow::DT_STRING, {1},
                     [](TensorProto* p) {
                       p->add_string_val("a");
                       p->add_string_val("b");
                     }),
              kInvalid, {"string_val"});
  ExpectError(Decode(tensorflow::DT_FLOAT, {2, 3},
                     [](TensorProto* p) { p->set_tensor_content(std::string(20, '\0')); }),
              kInvalid, {"tensor_content", "20 bytes", "24"});
  ExpectError(
      Decode(tensorflow::DT_FLOAT, {0}, [](TensorProto* p) { p->set_tensor_content("abcd"); }),
      kInvalid, {"4 bytes"});
  ExpectError(Decode(tensorflow::DT_FLOAT, {-1, 3}, [](TensorProto*) {}), kInvalid,
              {"tensor_shape", "unknown"});
  ExpectError(Decode(tensorflow::DT_FLOAT, {-4}, [](TensorProto*) {}), kInvalid, {"negative"});
  ExpectError(Decode(tensorflow::DT_FLOAT, {},
                     [](TensorProto* p) { p->mutable_tensor_shape()->set_unknown_rank(true); }),
              kInvalid, {"unknown rank"});
  ExpectError(Decode(tensorflow::DT_INVALID, {1}, [](TensorProto*) {}), kInvalid, {"DT_INVALID"});
  ExpectError(Decode(static_cast<DataType>(77), {1}, [](TensorProto*) {}),
              absl::StatusCode::kUnimplemented, {"77"});
  ExpectError(
      Decode(tensorflow::DT_INT4, {2}, [](TensorProto* p) { p->set_tensor_content("\x01\x02"); }),
      absl::StatusCode::kUnimplemented, {"4-bit"});
}

TEST(TensorProtoTest, ImpossibleSizesAreErrorsNotCrashes) {
  ExpectError(Decode(tensorflow::DT_FLOAT, {int64_t{1} << 48}, [](TensorProto*) {}),
              absl::StatusCode::kResourceExhausted, {"DT_FLOAT"});
  ExpectError(Decode(tensorflow::DT_STRING, {int64_t{1} << 31, int64_t{1} << 31},
                     [](TensorProto* p) { p->add_string_val("x"); }),
              absl::StatusCode::kResourceExhausted, {"DT_STRING"});
  ExpectError(Decode(tensorflow::DT_COMPLEX128, {int64_t{1} << 61}, [](TensorProto*) {}),
              absl::StatusCode::kResourceExhausted, {});
  ExpectError(Decode(tensorflow::DT_DOUBLE, {int64_t{1} << 62},
                     [](TensorProto* p) { p->set_tensor_content("12345678"); }),
              absl::StatusCode::kInvalidArgument, {"tensor_content"});
  ExpectError(Decode(tensorflow::DT_STRING, {int64_t{1} << 40},
                     [](TensorProto* p) { p->set_tensor_content("\x01x"); }),
              absl::StatusCode::kInvalidArgument, {"tensor_content"});
}

TEST(TensorProtoTest, CorruptedWireBytesNeverCrash) {
  std::string wire;
  {
    TensorProto proto;
    TensorToProto(Sample(tensorflow::DT_FLOAT), &proto, ProtoEncoding::kTypedValues);
    wire = proto.SerializeAsString();
  }
  // Mutations can produce string fields with invalid UTF-8, which protobuf logs about.
  google::protobuf::LogSilencer quiet_protobuf;
  std::mt19937 rng(7);
  int decoded = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string bytes = wire;
    for (int k = 0; k < 3; ++k) bytes[rng() % bytes.size()] = static_cast<char>(rng());
    TensorProto proto;
    if (!proto.ParseFromString(bytes)) continue;
    // Keep allocations sane: the rule under test is "no crash", not "no OOM".
    int64_t count = 1;
    for (const auto& dim : proto.tensor_shape().dim()) {
      if (dim.size() > 0) count *= std::min<int64_t>(dim.size(), 1 << 21);
      count = std::min<int64_t>(count, 1 << 21);
    }
    if (count > (1 << 20)) continue;
    absl::StatusOr<Tensor> t = TensorFromProto(proto);
    if (t.ok()) {
      ++decoded;
      t->DebugString();
    }
  }
  EXPECT_GT(decoded, 0);
}

TEST(TensorToProtoTest, ClearsTheProtoAndHandlesEmptyTensors) {
  TensorProto proto;
  proto.add_float_val(1);
  proto.set_tensor_content("junk");
  TensorToProto(Tensor(tensorflow::DT_FLOAT, TensorShape{0, 2}), &proto);
  EXPECT_EQ(proto.float_val_size(), 0);
  EXPECT_TRUE(proto.tensor_content().empty());
  EXPECT_EQ(proto.tensor_shape().dim_size(), 2);
  absl::StatusOr<Tensor> back = TensorFromProto(proto);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->shape(), (TensorShape{0, 2}));

  TensorToProto(Tensor(), &proto);
  EXPECT_EQ(proto.dtype(), tensorflow::DT_INVALID);
}

TEST(TensorToProtoTest, UnparsableResourceElementsDoNotCrash) {
  Tensor t(tensorflow::DT_RESOURCE, TensorShape{1});
  t.data<std::string>()[0] = "\xff\xff\xff";  // not a serialized ResourceHandleProto
  TensorProto proto;
  TensorToProto(t, &proto);
  EXPECT_EQ(proto.resource_handle_val_size(), 1);
}

// ---- real TensorFlow output ------------------------------------------------------------

void CollectTensors(const tensorflow::AttrValue& attr, std::vector<const TensorProto*>* out) {
  if (attr.has_tensor()) out->push_back(&attr.tensor());
  for (const TensorProto& t : attr.list().tensor()) out->push_back(&t);
}

TEST(TensorProtoTest, DecodesEveryTensorInTheTestSavedModels) {
  SS_REQUIRE_TESTDATA();
  Env* env = Env::Default();
  const std::string root = JoinPath(testdata, "savedmodels");
  absl::StatusOr<std::vector<std::string>> models = env->ListDir(root);
  ASSERT_TRUE(models.ok()) << models.status();
  int checked = 0;
  std::vector<float> matrix_consts;
  for (const std::string& model : *models) {
    absl::StatusOr<std::vector<std::string>> versions = env->ListDir(JoinPath(root, model));
    ASSERT_TRUE(versions.ok());
    for (const std::string& version : *versions) {
      const std::string path = JoinPath(JoinPath(JoinPath(root, model), version), "saved_model.pb");
      if (!env->FileExists(path)) continue;
      absl::StatusOr<std::string> bytes = env->ReadFile(path);
      ASSERT_TRUE(bytes.ok()) << bytes.status();
      tensorflow::SavedModel saved_model;
      ASSERT_TRUE(saved_model.ParseFromString(*bytes)) << path;
      std::vector<const TensorProto*> tensors;
      for (const auto& meta : saved_model.meta_graphs()) {
        for (const auto& node : meta.graph_def().node()) {
          for (const auto& [name, attr] : node.attr()) CollectTensors(attr, &tensors);
        }
        for (const auto& fn : meta.graph_def().library().function()) {
          for (const auto& node : fn.node_def()) {
            for (const auto& [name, attr] : node.attr()) CollectTensors(attr, &tensors);
          }
        }
      }
      for (const TensorProto* proto : tensors) {
        absl::StatusOr<Tensor> t = TensorFromProto(*proto);
        ASSERT_TRUE(t.ok()) << path << ": " << t.status() << "\n" << proto->DebugString();
        for (ProtoEncoding e : {ProtoEncoding::kTensorContent, ProtoEncoding::kTypedValues}) {
          TensorProto again;
          TensorToProto(*t, &again, e);
          absl::StatusOr<Tensor> back = TensorFromProto(again);
          ASSERT_TRUE(back.ok()) << back.status();
          EXPECT_TRUE(back->Identical(*t)) << t->DebugString();
        }
        if (model == "matrix_half_plus_two" && t->dtype() == tensorflow::DT_FLOAT &&
            t->num_elements() == 1) {
          matrix_consts.push_back(t->data<float>()[0]);
        }
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 100);
  // matrix_half_plus_two computes y = 0.5x + 2 with two Const nodes (testdata README).
  std::sort(matrix_consts.begin(), matrix_consts.end());
  EXPECT_EQ(matrix_consts, (std::vector<float>{0.5f, 2.0f}));
}

}  // namespace
}  // namespace savedserve
