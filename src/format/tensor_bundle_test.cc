#include "format/tensor_bundle.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <random>
#include <set>
#include <tuple>

#include "absl/strings/match.h"
#include "base/crc32c.h"
#include "base/status.h"
#include "gtest/gtest.h"
#include "leveldb/env.h"
#include "leveldb/table_builder.h"
#include "tensorflow/core/protobuf/trackable_object_graph.pb.h"
#include "test_util/memory_env.h"
#include "test_util/temp_dir.h"
#include "test_util/testdata.h"

namespace savedserve {
namespace {

using tensorflow::BundleEntryProto;
using tensorflow::BundleHeaderProto;

std::string ReadOrDie(const std::string& path) {
  absl::StatusOr<std::string> data = Env::Default()->ReadFile(path);
  EXPECT_TRUE(data.ok()) << data.status();
  return data.value_or("");
}

// Every bundle in the test data: the SavedModels' variables plus the TF1 V2 checkpoint.
std::vector<std::string> TestdataPrefixes(const std::string& testdata) {
  std::vector<std::string> prefixes;
  const std::string models = JoinPath(testdata, "savedmodels");
  const std::vector<std::string> names =
      Env::Default()->ListDir(models).value_or(std::vector<std::string>{});
  for (const std::string& model : names) {
    const std::vector<std::string> versions =
        Env::Default()->ListDir(JoinPath(models, model)).value_or(std::vector<std::string>{});
    for (const std::string& version : versions) {
      std::string prefix = JoinPath(models, model + "/" + version + "/variables/variables");
      if (Env::Default()->FileExists(BundleIndexPath(prefix))) prefixes.push_back(prefix);
    }
  }
  prefixes.push_back(JoinPath(testdata, "checkpoints/half_plus_two_tf1_v2/00000123/export"));
  return prefixes;
}

// The compression of a table's data block. The test data's tables have a single data block
// (testdata/README), whose trailer's type byte sits just before the metaindex block, whose
// offset is the footer's first varint.
BundleWriter::Compression DataBlockCompression(const std::string& table) {
  absl::string_view footer = absl::string_view(table).substr(table.size() - 48);
  uint64_t offset = 0;
  for (int shift = 0; !footer.empty(); shift += 7) {
    const uint8_t byte = footer.front();
    footer.remove_prefix(1);
    offset |= uint64_t{byte & 0x7fu} << shift;
    if (byte < 0x80) break;
  }
  return table.at(offset - 5) == 1 ? BundleWriter::Compression::kSnappy
                                   : BundleWriter::Compression::kNone;
}

float ScalarFloat(const BundleReader& reader, const std::string& key) {
  absl::StatusOr<Tensor> t = reader.Lookup(key);
  EXPECT_TRUE(t.ok()) << t.status();
  if (!t.ok()) return -1;
  EXPECT_EQ(t->dtype(), tensorflow::DT_FLOAT);
  EXPECT_EQ(t->shape(), TensorShape{});
  return t->flat<float>()[0];
}

std::map<std::string, Tensor> ReadAll(const BundleReader& reader) {
  std::map<std::string, Tensor> tensors;
  for (const std::string& key : reader.keys()) {
    absl::StatusOr<Tensor> t = reader.Lookup(key);
    EXPECT_TRUE(t.ok()) << t.status();
    if (t.ok()) tensors[key] = *t;
  }
  return tensors;
}

TEST(TensorBundleTest, ReadsEveryTestdataBundle) {
  SS_REQUIRE_TESTDATA();
  const std::vector<std::string> prefixes = TestdataPrefixes(testdata);
  EXPECT_GE(prefixes.size(), 12u);
  for (const std::string& prefix : prefixes) {
    SCOPED_TRACE(prefix);
    absl::StatusOr<std::unique_ptr<BundleReader>> reader = BundleReader::Open(prefix);
    ASSERT_TRUE(reader.ok()) << reader.status();
    EXPECT_EQ((*reader)->header().num_shards(), 1);
    EXPECT_EQ((*reader)->header().version().producer(), 1);
    EXPECT_FALSE((*reader)->keys().empty());
    EXPECT_EQ(ReadAll(**reader).size(), (*reader)->keys().size());
  }
}

TEST(TensorBundleTest, ReadsDocumentedValues) {
  SS_REQUIRE_TESTDATA();
  auto cpu = BundleReader::Open(
      testdata + "/savedmodels/saved_model_half_plus_two_cpu/00000123/variables/variables");
  ASSERT_TRUE(cpu.ok()) << cpu.status();
  EXPECT_EQ((*cpu)->keys(), (std::vector<std::string>{"a", "a2", "b", "c", "c2"}));
  EXPECT_EQ(ScalarFloat(**cpu, "a"), 0.5f);
  EXPECT_EQ(ScalarFloat(**cpu, "b"), 2.0f);
  EXPECT_EQ(ScalarFloat(**cpu, "c"), 3.0f);
  EXPECT_TRUE((*cpu)->Contains("a2"));
  EXPECT_FALSE((*cpu)->Contains("d"));

  auto tf1 = BundleReader::Open(testdata + "/checkpoints/half_plus_two_tf1_v2/00000123/export");
  ASSERT_TRUE(tf1.ok()) << tf1.status();
  EXPECT_EQ(ScalarFloat(**tf1, "Variable"), 0.5f);
  EXPECT_EQ(ScalarFloat(**tf1, "Variable_1"), 2.0f);
}

// TF2 checkpoints describe themselves: every checkpoint_key in the object graph is a bundle
// key, and every other bundle key is named by the graph.
TEST(TensorBundleTest, Tf2ObjectGraphDecodes) {
  SS_REQUIRE_TESTDATA();
  auto reader = BundleReader::Open(
      testdata + "/savedmodels/saved_model_half_plus_two_tf2_cpu/00000123/variables/variables");
  ASSERT_TRUE(reader.ok()) << reader.status();
  absl::StatusOr<Tensor> graph_tensor = (*reader)->Lookup("_CHECKPOINTABLE_OBJECT_GRAPH");
  ASSERT_TRUE(graph_tensor.ok()) << graph_tensor.status();
  ASSERT_EQ(graph_tensor->dtype(), tensorflow::DT_STRING);
  ASSERT_EQ(graph_tensor->num_elements(), 1);
  tensorflow::TrackableObjectGraph graph;
  ASSERT_TRUE(graph.ParseFromString(graph_tensor->flat<std::string>()[0]));
  ASSERT_GT(graph.nodes_size(), 0);
  std::set<std::string> named = {"_CHECKPOINTABLE_OBJECT_GRAPH"};
  for (const auto& node : graph.nodes()) {
    for (const auto& attribute : node.attributes()) {
      EXPECT_TRUE((*reader)->Contains(attribute.checkpoint_key())) << attribute.checkpoint_key();
      named.insert(attribute.checkpoint_key());
    }
  }
  EXPECT_EQ(std::vector<std::string>(named.begin(), named.end()), (*reader)->keys());
  EXPECT_EQ(ScalarFloat(**reader, "a/.ATTRIBUTES/VARIABLE_VALUE"), 0.5f);
}

// Adding every tensor in data-file order with the original compression must reproduce TF's
// files exactly.
TEST(TensorBundleTest, RewritingReproducesEveryBundleByteForByte) {
  SS_REQUIRE_TESTDATA();
  for (const std::string& prefix : TestdataPrefixes(testdata)) {
    SCOPED_TRACE(prefix);
    auto reader = BundleReader::Open(prefix);
    ASSERT_TRUE(reader.ok()) << reader.status();
    std::vector<std::pair<int64_t, std::string>> by_offset;
    for (const std::string& key : (*reader)->keys()) {
      by_offset.emplace_back((*reader)->GetEntry(key)->offset(), key);
    }
    std::ranges::sort(by_offset);
    const std::string index = ReadOrDie(BundleIndexPath(prefix));
    MemoryEnv env;
    auto writer = BundleWriter::Create("out/v", {&env, DataBlockCompression(index)});
    ASSERT_TRUE(writer.ok()) << writer.status();
    for (const auto& [offset, key] : by_offset) {
      ASSERT_TRUE((*writer)->Add(key, *(*reader)->Lookup(key)).ok());
    }
    ASSERT_TRUE((*writer)->Finish().ok());
    EXPECT_TRUE(env.MutableFile("out/v.index") == index) << "index differs";
    EXPECT_TRUE(env.MutableFile("out/v.data-00000-of-00001") ==
                ReadOrDie(BundleDataPath(prefix, 0, 1)))
        << "data differs";
  }
}

TEST(TensorBundleTest, WriterRoundTripsThroughDisk) {
  TempDir dir;
  const std::string prefix = dir.path() + "/sub/ckpt";
  auto writer = BundleWriter::Create(prefix, {});
  ASSERT_TRUE(writer.ok()) << writer.status();
  Tensor strings(tensorflow::DT_STRING, TensorShape{2, 2});
  strings.flat<std::string>()[1] = "a";
  strings.flat<std::string>()[2] = std::string(300, 'x');  // a two-byte varint length
  strings.flat<std::string>()[3] = std::string("\0z", 2);
  const std::vector<float> floats = {1.5f, -2, 3, 4, 5, 6};
  std::map<std::string, Tensor> tensors = {
      {"floats", Tensor::FromVector<float>(floats, TensorShape{2, 3})},
      {"int64", Tensor::Scalar<int64_t>(-7)},
      {"bool", Tensor::Scalar<bool>(true)},
      {"half", Tensor::Scalar<Half>(Half{0x3c00})},
      {"empty", Tensor(tensorflow::DT_DOUBLE, TensorShape{0, 3})},
      {"no_strings", Tensor(tensorflow::DT_STRING, TensorShape{0})},
      {"strings", strings},
      {"scalar_string", Tensor::Scalar<std::string>("hello")},
  };
  for (const auto& [key, tensor] : tensors) ASSERT_TRUE((*writer)->Add(key, tensor).ok()) << key;
  ASSERT_TRUE((*writer)->Finish().ok());

  auto reader = BundleReader::Open(prefix);
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ((*reader)->keys().size(), tensors.size());
  for (const auto& [key, tensor] : tensors) {
    absl::StatusOr<Tensor> read = (*reader)->Lookup(key);
    ASSERT_TRUE(read.ok()) << read.status();
    EXPECT_TRUE(read->Identical(tensor)) << key << ": " << read->DebugString();
  }
}

TEST(TensorBundleTest, MappedTensorsReadTheSameAndSurviveEviction) {
  TempDir dir;
  const std::string prefix = dir.path() + "/ckpt";
  std::vector<float> big(100000);
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<float>(i) * 0.5f;
  std::vector<int8_t> odd(70003, 3);  // at offset 1: fine for int8; puts c_big at 70004
  std::map<std::string, Tensor> tensors = {
      {"a_bool", Tensor::Scalar<bool>(true)},  // written first: shifts what follows by 1 byte
      {"b_odd", Tensor::FromVector<int8_t>(odd, TensorShape{70003})},
      {"c_big", Tensor::FromVector<float>(big, TensorShape{1000, 100})},
      {"d_small", Tensor::FromVector<float>(std::vector<float>{1, 2}, TensorShape{2})},
  };
  {
    auto writer = BundleWriter::Create(prefix, {});
    ASSERT_TRUE(writer.ok()) << writer.status();
    for (const auto& [key, tensor] : tensors) ASSERT_TRUE((*writer)->Add(key, tensor).ok());
    ASSERT_TRUE((*writer)->Finish().ok());
  }
  BundleReader::Options options;
  options.map_tensors = true;
  auto reader = BundleReader::Open(prefix, options);
  ASSERT_TRUE(reader.ok()) << reader.status();
  for (const auto& [key, tensor] : tensors) {
    absl::StatusOr<Tensor> read = (*reader)->Lookup(key);
    ASSERT_TRUE(read.ok()) << read.status();
    EXPECT_TRUE(read->Identical(tensor)) << key;
    auto entry = (*reader)->GetEntry(key);
    ASSERT_TRUE(entry.ok());
    const bool mapped = reinterpret_cast<uintptr_t>(read->raw_data()) % 4096 ==
                        static_cast<uintptr_t>(entry->offset()) % 4096;
    // Large ones only (a_bool at offset 0 cannot tell: a copy could be page-aligned).
    if (key != "a_bool") {
      EXPECT_EQ(mapped, key == "b_odd" || key == "c_big") << key;
    }
    read->buffer()->Evict();  // pages dropped, contents read again from the file
    EXPECT_TRUE(read->Identical(tensor)) << key;
  }
  // The reader may go; mapped tensors keep their file mapped.
  Tensor kept = *(*reader)->Lookup("c_big");
  reader->reset();
  EXPECT_EQ(kept.data<float>()[99999], 49999.5f);

  // A flipped byte inside the mapped tensor is still caught by its CRC.
  std::string data = ReadOrDie(BundleDataPath(prefix, 0, 1));
  auto entry = (*BundleReader::Open(prefix))->GetEntry("c_big");
  ASSERT_TRUE(entry.ok());
  data[entry->offset() + 1000] ^= 0x01;
  ASSERT_TRUE(Env::Default()->WriteFile(BundleDataPath(prefix, 0, 1), data).ok());
  auto corrupt = BundleReader::Open(prefix, options);
  ASSERT_TRUE(corrupt.ok());
  EXPECT_EQ((*corrupt)->Lookup("c_big").status().code(), absl::StatusCode::kDataLoss);
}

// The DT_STRING layout from TF's format: varint lengths, the masked CRC32C of the lengths as
// uint32s, the bytes; the entry's CRC covers lengths (as uint32), that checksum and the bytes.
TEST(TensorBundleTest, StringLayoutMatchesTensorFlow) {
  MemoryEnv env;
  auto writer = BundleWriter::Create("s", {&env});
  Tensor strings(tensorflow::DT_STRING, TensorShape{2});
  strings.flat<std::string>()[0] = "ab";
  strings.flat<std::string>()[1] = "c";
  ASSERT_TRUE((*writer)->Add("s", strings).ok());
  ASSERT_TRUE((*writer)->Finish().ok());
  const uint32_t lengths[] = {2, 1};
  const uint32_t length_crc = crc32c::Mask(crc32c::Value(lengths, sizeof(lengths)));
  std::string expected = "\x02\x01";
  expected.append(reinterpret_cast<const char*>(&length_crc), 4);
  expected += "abc";
  EXPECT_EQ(env.MutableFile("s.data-00000-of-00001"), expected);

  auto reader = BundleReader::Open("s", {&env});
  ASSERT_TRUE(reader.ok()) << reader.status();
  BundleEntryProto entry = *(*reader)->GetEntry("s");
  EXPECT_EQ(entry.size(), 9);
  uint32_t crc = crc32c::Extend(crc32c::Value(lengths, sizeof(lengths)), &length_crc, 4);
  EXPECT_EQ(entry.crc32c(), crc32c::Mask(crc32c::Extend(crc, "abc", 3)));
}

TEST(TensorBundleTest, WriterRejectsMisuse) {
  MemoryEnv env;
  auto writer = BundleWriter::Create("w", {&env});
  ASSERT_TRUE(writer.ok());
  EXPECT_TRUE((*writer)->Add("x", Tensor::Scalar<float>(1)).ok());
  EXPECT_EQ((*writer)->Add("x", Tensor::Scalar<float>(2)).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ((*writer)->Add("", Tensor::Scalar<float>(2)).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ((*writer)->Add("u", Tensor()).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE((*writer)->Finish().ok());
  EXPECT_FALSE((*writer)->Add("y", Tensor::Scalar<float>(1)).ok());
  EXPECT_FALSE((*writer)->Finish().ok());
  EXPECT_FALSE(BundleWriter::Create("", {&env}).ok());
}

// Loads the half_plus_two_cpu bundle into a MemoryEnv as "m/v".
void LoadCpuBundle(const std::string& testdata, MemoryEnv* env) {
  const std::string prefix =
      testdata + "/savedmodels/saved_model_half_plus_two_cpu/00000123/variables/variables";
  env->MutableFile("m/v.index") = ReadOrDie(BundleIndexPath(prefix));
  env->MutableFile("m/v.data-00000-of-00001") = ReadOrDie(BundleDataPath(prefix, 0, 1));
}

TEST(TensorBundleTest, CorruptionIsReportedWithTheFileName) {
  SS_REQUIRE_TESTDATA();
  MemoryEnv env;
  LoadCpuBundle(testdata, &env);
  env.MutableFile("m/v.data-00000-of-00001")[9] ^= 0x10;  // inside "b" (offset 8)
  auto reader = BundleReader::Open("m/v", {&env});
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_TRUE((*reader)->Lookup("a").ok());
  absl::Status status = (*reader)->Lookup("b").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), "m/v.data-00000-of-00001")) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), "'b'")) << status;
  status = (*reader)->Lookup("zzz").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), "zzz")) << status;

  for (size_t size : {size_t{0}, size_t{20}, env.MutableFile("m/v.index").size() / 2,
                      env.MutableFile("m/v.index").size() - 1}) {
    MemoryEnv truncated;
    LoadCpuBundle(testdata, &truncated);
    truncated.MutableFile("m/v.index").resize(size);
    status = BundleReader::Open("m/v", {&truncated}).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << status;
    EXPECT_TRUE(absl::StrContains(status.message(), "m/v.index")) << status;
  }
  env.EraseFile("m/v.data-00000-of-00001");
  status = BundleReader::Open("m/v", {&env}).status();
  EXPECT_TRUE(absl::StrContains(status.message(), "m/v.data-00000-of-00001")) << status;
}

TEST(TensorBundleTest, V1CheckpointsAreRejectedClearly) {
  SS_REQUIRE_TESTDATA();
  const std::string v1_sharded =
      testdata + "/checkpoints/half_plus_two_session_bundle_v1/00000123/export";
  const std::string v1_single = testdata + "/savedmodels/bad_half_plus_two/00000123/export";
  MemoryEnv env;  // a V1 table under a V2 name is recognised by its header entry
  env.MutableFile("x.index") = ReadOrDie(v1_sharded + "-00000-of-00001");
  for (auto [prefix, file, options] :
       {std::tuple{v1_sharded, v1_sharded + "-00000-of-00001", BundleReader::Options{}},
        std::tuple{v1_single, v1_single, BundleReader::Options{}},
        std::tuple{std::string("x"), std::string("x.index"), BundleReader::Options{&env}}}) {
    absl::Status status = BundleReader::Open(prefix, options).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kUnimplemented) << status;
    EXPECT_TRUE(absl::StrContains(status.message(),
                                  "V1 checkpoint (SavedTensorSlices) format is not supported"))
        << status;
    EXPECT_TRUE(absl::StrContains(status.message(), file)) << status;
  }
  EXPECT_EQ(BundleReader::Open(testdata + "/nonexistent/x").status().code(),
            absl::StatusCode::kNotFound);
}

// Writes an index holding `header` and `entries` (in key order) plus a 16-byte data shard.
void WriteCustomBundle(MemoryEnv* env, const BundleHeaderProto& header,
                       const std::map<std::string, BundleEntryProto>& entries) {
  struct Sink : leveldb::WritableFile {
    std::string data;
    leveldb::Status Append(const leveldb::Slice& s) override {
      data.append(s.data(), s.size());
      return {};
    }
    leveldb::Status Close() override { return {}; }
    leveldb::Status Flush() override { return {}; }
    leveldb::Status Sync() override { return {}; }
  } sink;
  leveldb::TableBuilder builder(leveldb::Options(), &sink);
  builder.Add("", header.SerializeAsString());
  for (const auto& [key, entry] : entries) builder.Add(key, entry.SerializeAsString());
  ASSERT_TRUE(builder.Finish().ok());
  env->MutableFile("c.index") = sink.data;
  env->MutableFile(BundleDataPath("c", 0, header.num_shards())) = std::string(16, '\0');
}

BundleHeaderProto GoodHeader() {
  BundleHeaderProto header;
  header.set_num_shards(1);
  header.mutable_version()->set_producer(1);
  return header;
}

TEST(TensorBundleTest, HeaderIsChecked) {
  struct Case {
    void (*edit)(BundleHeaderProto*);
    absl::StatusCode code;
  };
  const Case cases[] = {
      {[](BundleHeaderProto*) {}, absl::StatusCode::kOk},
      {[](BundleHeaderProto* h) { h->mutable_version()->set_producer(0); }, absl::StatusCode::kOk},
      {[](BundleHeaderProto* h) { h->set_endianness(BundleHeaderProto::BIG); },
       absl::StatusCode::kUnimplemented},
      {[](BundleHeaderProto* h) { h->mutable_version()->set_min_consumer(2); },
       absl::StatusCode::kFailedPrecondition},
      {[](BundleHeaderProto* h) { h->mutable_version()->add_bad_consumers(1); },
       absl::StatusCode::kFailedPrecondition},
      {[](BundleHeaderProto* h) { h->set_num_shards(0); }, absl::StatusCode::kDataLoss},
  };
  for (const Case& c : cases) {
    MemoryEnv env;
    BundleHeaderProto header = GoodHeader();
    c.edit(&header);
    WriteCustomBundle(&env, header, {});
    absl::Status status = BundleReader::Open("c", {&env}).status();
    EXPECT_EQ(status.code(), c.code) << header.ShortDebugString() << ": " << status;
    if (!status.ok()) {
      EXPECT_TRUE(absl::StrContains(status.message(), "c.index")) << status;
    }
  }
}

TEST(TensorBundleTest, EntriesAreValidatedOnLookup) {
  BundleEntryProto good;  // a float[2] at offset 8 of the 16-byte shard
  good.set_dtype(tensorflow::DT_FLOAT);
  good.mutable_shape()->add_dim()->set_size(2);
  good.set_offset(8);
  good.set_size(8);
  good.set_crc32c(crc32c::Mask(crc32c::Value(std::string(8, '\0'))));
  std::map<std::string, BundleEntryProto> entries;
  auto add = [&](const std::string& key, auto edit) {
    BundleEntryProto entry = good;
    edit(&entry);
    entries[key] = entry;
  };
  add("good", [](BundleEntryProto*) {});
  add("crc", [](BundleEntryProto* e) { e->set_crc32c(e->crc32c() + 1); });
  add("size", [](BundleEntryProto* e) { e->set_size(4); });
  add("past_end", [](BundleEntryProto* e) { e->set_offset(12); });
  add("negative_offset", [](BundleEntryProto* e) { e->set_offset(-8); });
  add("shard", [](BundleEntryProto* e) { e->set_shard_id(1); });
  add("negative_dim",
      [](BundleEntryProto* e) { e->mutable_shape()->mutable_dim(0)->set_size(-2); });
  add("huge_strings", [](BundleEntryProto* e) {
    e->set_dtype(tensorflow::DT_STRING);
    e->mutable_shape()->mutable_dim(0)->set_size(int64_t{1} << 40);
  });
  add("no_string_bytes", [](BundleEntryProto* e) {
    e->set_dtype(tensorflow::DT_STRING);
    e->mutable_shape()->mutable_dim(0)->set_size(int64_t{1} << 40);
    e->set_size(0);
  });
  add("overflow", [](BundleEntryProto* e) {
    e->mutable_shape()->mutable_dim(0)->set_size(int64_t{1} << 62);
    e->mutable_shape()->add_dim()->set_size(4);
  });
  add("dtype", [](BundleEntryProto* e) { e->set_dtype(static_cast<tensorflow::DataType>(999)); });
  add("resource", [](BundleEntryProto* e) { e->set_dtype(tensorflow::DT_RESOURCE); });
  add("sliced", [](BundleEntryProto* e) { e->add_slices(); });
  MemoryEnv env;
  WriteCustomBundle(&env, GoodHeader(), entries);
  auto reader = BundleReader::Open("c", {&env});
  ASSERT_TRUE(reader.ok()) << reader.status();
  for (const auto& [key, entry] : entries) {
    absl::Status status = (*reader)->Lookup(key).status();
    EXPECT_EQ(status.ok(), key == "good") << key << ": " << status;
    if (!status.ok()) {
      EXPECT_TRUE(absl::StrContains(status.message(), "'" + key + "'")) << status;
    }
  }
  EXPECT_EQ((*reader)->Lookup("sliced").status().code(), absl::StatusCode::kUnimplemented);
}

// Entries with arbitrary field values (the index's checksums cannot catch a bad writer) must
// give errors, never crashes or huge allocations.
TEST(TensorBundleTest, RandomEntriesNeverCrash) {
  std::mt19937 rng(7);
  auto pick = [&](std::initializer_list<int64_t> values) {
    return values.begin()[rng() % values.size()];
  };
  constexpr int64_t kBig = int64_t{1} << 40;
  for (int iteration = 0; iteration < 300; ++iteration) {
    std::map<std::string, BundleEntryProto> entries;
    for (int i = 0; i < 8; ++i) {
      BundleEntryProto& e = entries["k" + std::to_string(i)];
      e.set_dtype(static_cast<tensorflow::DataType>(
          pick({1, 2, 7, 7, 9, 10, 19, 20, 21, 23, 101, 999, int64_t(rng() % 32)})));
      for (int d = rng() % 4; d > 0; --d) {
        e.mutable_shape()->add_dim()->set_size(pick({0, 1, 2, 3, 5, -1, kBig, INT64_MAX}));
      }
      e.mutable_shape()->set_unknown_rank(rng() % 16 == 0);
      e.set_shard_id(pick({0, 0, 0, 1, -1}));
      e.set_offset(pick({0, 1, 4, 8, 15, 16, -1, kBig, INT64_MAX}));
      e.set_size(pick({0, 1, 2, 4, 5, 8, 16, -8, kBig, INT64_MAX}));
      e.set_crc32c(rng() % 2 ? rng() : crc32c::Mask(0));
    }
    MemoryEnv env;
    WriteCustomBundle(&env, GoodHeader(), entries);
    std::string& data = env.MutableFile("c.data-00000-of-00001");
    for (char& c : data) c = static_cast<char>(rng() % 4 == 0 ? rng() : 1);
    auto reader = BundleReader::Open("c", {&env});
    ASSERT_TRUE(reader.ok()) << reader.status();
    for (const auto& [key, entry] : entries) {
      absl::StatusOr<Tensor> t = (*reader)->Lookup(key);
      if (t.ok()) {
        EXPECT_LE(t->num_elements(), 16) << entry.ShortDebugString();
      }
    }
  }
}

// Random truncations, bit flips and byte overwrites of index and data must only ever give
// errors, or (for bytes nothing reads) the original tensors; damaged data must be detected.
TEST(TensorBundleTest, FuzzedFilesNeverCrash) {
  SS_REQUIRE_TESTDATA();
  std::mt19937 rng(20240601);
  int opened = 0, failed_lookups = 0;
  for (const std::string& prefix : TestdataPrefixes(testdata)) {
    const std::map<std::string, Tensor> originals = ReadAll(**BundleReader::Open(prefix));
    const std::string files[2] = {ReadOrDie(BundleIndexPath(prefix)),
                                  ReadOrDie(BundleDataPath(prefix, 0, 1))};
    for (int iteration = 0; iteration < 250; ++iteration) {
      const int target = iteration % 2;  // 0: index, 1: data
      std::string bytes = files[target];
      const int mutation = std::uniform_int_distribution<int>(0, 2)(rng);
      auto position = [&] {
        return std::uniform_int_distribution<size_t>(0, bytes.size() - 1)(rng);
      };
      if (mutation == 0) {
        bytes.resize(position());
      } else if (mutation == 1) {
        for (int flips = 1 + iteration % 3; flips > 0; --flips) {
          bytes[position()] ^= 1 << (rng() % 8);
        }
      } else {
        bytes[position()] = static_cast<char>(rng());
      }
      const bool changed = bytes != files[target];
      MemoryEnv env;
      env.MutableFile("f/v.index") = target == 0 ? bytes : files[0];
      env.MutableFile("f/v.data-00000-of-00001") = target == 1 ? bytes : files[1];
      auto reader = BundleReader::Open("f/v", {&env});
      if (!reader.ok()) continue;
      ++opened;
      bool any_failed = false;
      for (const std::string& key : (*reader)->keys()) {
        absl::StatusOr<Tensor> t = (*reader)->Lookup(key);
        if (!t.ok()) {
          any_failed = true;
          continue;
        }
        ASSERT_TRUE(originals.count(key)) << prefix << ": invented key " << key;
        ASSERT_TRUE(t->Identical(originals.at(key))) << prefix << ": undetected damage to " << key;
      }
      failed_lookups += any_failed;
      if (target == 1 && changed) {
        EXPECT_TRUE(any_failed) << prefix << ": undetected data damage";
      }
    }
  }
  EXPECT_GT(opened, 0);
  EXPECT_GT(failed_lookups, 0);
}

}  // namespace
}  // namespace savedserve
