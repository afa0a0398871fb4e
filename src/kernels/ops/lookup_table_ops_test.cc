// HashTable ops against TensorFlow's documented semantics (tf.lookup.StaticHashTable,
// KeyValueTensorInitializer, TextFileInitializer), expected values worked by hand.
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/array_test_util.h"

namespace savedserve {
namespace {

using testing_util::Make;
using testing_util::Values;
using testing_util::Vec;

Tensor Strings(const std::vector<std::string>& values) { return Vec<std::string>(values); }

class TableTest : public ::testing::Test {
 protected:
  // Runs HashTableV2 (or HashTable) as node `name`; returns the handle.
  Tensor CreateTable(DataType key, DataType value, const std::string& op = "HashTableV2",
                     const std::string& name = "table") {
    OpRunner r(op, name);
    r.Attr("key_dtype", key).Attr("value_dtype", value).Resources(&resources_);
    auto out = r.Run({});
    EXPECT_TRUE(out.ok()) << out.status();
    return out.ok() ? (*out)[0] : Tensor();
  }
  absl::StatusOr<std::vector<Tensor>> Run(const std::string& op, const std::vector<Tensor>& in,
                                          int num_outputs = 0) {
    OpRunner r(op, "op");
    r.Resources(&resources_).NumOutputs(num_outputs);
    if (op.starts_with("LookupTableFind") || op.starts_with("LookupTableImport")) {
      r.Attr("Tin", in[1].dtype()).Attr("Tout", in[2].dtype());
    } else if (op.starts_with("InitializeTable")) {
      r.Attr("Tkey", in[1].dtype()).Attr("Tval", in[2].dtype());
    }
    return r.Run(in);
  }
  absl::StatusOr<std::vector<Tensor>> InitFromFile(const Tensor& table, const std::string& text,
                                                   int64_t key_index, int64_t value_index,
                                                   int64_t vocab_size = -1,
                                                   const std::string& delimiter = "\t") {
    const std::string path = ::testing::TempDir() + "/vocab_" +
                             ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::ofstream(path, std::ios::binary) << text;
    OpRunner r("InitializeTableFromTextFileV2", "init");
    r.Resources(&resources_).NumOutputs(0);
    r.Attr("key_index", key_index).Attr("value_index", value_index);
    r.Attr("vocab_size", vocab_size).Attr("delimiter", delimiter);
    return r.Run({table, Tensor::Scalar<std::string>(path)});
  }
  ResourceManager resources_;
};

TEST_F(TableTest, FindsKeysOfAnyShapeWithDefault) {
  Tensor table = CreateTable(tensorflow::DT_STRING, tensorflow::DT_INT64);
  ASSERT_TRUE(Run("InitializeTableV2",
                  {table, Strings({"emerson", "lake", "palmer"}), Vec<int64_t>({0, 1, 2})})
                  .ok());
  auto out = Run("LookupTableFindV2",
                 {table, Make<std::string>({2, 2}, {"lake", "tarkus", "palmer", ""}),
                  Tensor::Scalar<int64_t>(-1)},
                 1);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].shape(), TensorShape({2, 2}));
  EXPECT_EQ(Values<int64_t>((*out)[0]), (std::vector<int64_t>{1, -1, 2, -1}));
  out = Run("LookupTableSizeV2", {table}, 1);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<int64_t>((*out)[0]), (std::vector<int64_t>{3}));
  // A default per key, in the keys' shape.
  out = Run("LookupTableFindV2", {table, Strings({"lake", "x"}), Vec<int64_t>({7, 8})}, 1);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<int64_t>((*out)[0]), (std::vector<int64_t>{1, 8}));
  // A scalar key.
  out = Run("LookupTableFindV2",
            {table, Tensor::Scalar<std::string>("palmer"), Tensor::Scalar<int64_t>(-1)}, 1);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].shape(), TensorShape{});
  EXPECT_EQ(Values<int64_t>((*out)[0]), (std::vector<int64_t>{2}));
}

TEST_F(TableTest, IntKeysToStrings) {
  Tensor table = CreateTable(tensorflow::DT_INT64, tensorflow::DT_STRING);
  ASSERT_TRUE(
      Run("LookupTableImportV2", {table, Vec<int64_t>({5, -3}), Strings({"five", "minus"})}).ok());
  auto out = Run("LookupTableFindV2",
                 {table, Vec<int64_t>({-3, 4, 5}), Tensor::Scalar<std::string>("UNK")}, 1);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<std::string>((*out)[0]), (std::vector<std::string>{"minus", "UNK", "five"}));
}

TEST_F(TableTest, V1RefOps) {
  Tensor table = CreateTable(tensorflow::DT_INT32, tensorflow::DT_FLOAT, "HashTable", "t1");
  EXPECT_EQ(table.dtype(), tensorflow::DT_STRING);
  ASSERT_TRUE(Run("InitializeTable", {table, Vec<int32_t>({1, 2}), Vec<float>({0.5f, 1.5f})}).ok());
  auto out = Run("LookupTableFind", {table, Vec<int32_t>({2, 3}), Tensor::Scalar<float>(0)}, 1);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<float>((*out)[0]), (std::vector<float>{1.5f, 0}));
  out = Run("LookupTableSize", {table}, 1);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<int64_t>((*out)[0]), (std::vector<int64_t>{2}));
}

TEST_F(TableTest, InitializingTwice) {
  Tensor table = CreateTable(tensorflow::DT_STRING, tensorflow::DT_INT64);
  // A repeated key with the same value is fine; with another value it is not.
  ASSERT_TRUE(
      Run("InitializeTableV2", {table, Strings({"a", "b", "a"}), Vec<int64_t>({1, 2, 1})}).ok());
  // The same contents again (a re-run init op) are accepted; different ones are refused.
  EXPECT_TRUE(Run("InitializeTableV2", {table, Strings({"b", "a"}), Vec<int64_t>({2, 1})}).ok());
  SS_EXPECT_ERROR_CONTAINS(
      Run("InitializeTableV2", {table, Strings({"a", "b"}), Vec<int64_t>({1, 3})}),
      "already initialized with different data");
  Tensor other = CreateTable(tensorflow::DT_STRING, tensorflow::DT_INT64, "HashTableV2", "t2");
  SS_EXPECT_ERROR_CONTAINS(
      Run("InitializeTableV2", {other, Strings({"a", "a"}), Vec<int64_t>({1, 2})}),
      "HashTable has different value for same key. Key \"a\" has 1 and trying to add value 2");
}

TEST_F(TableTest, Errors) {
  Tensor table = CreateTable(tensorflow::DT_STRING, tensorflow::DT_INT64);
  SS_EXPECT_ERROR_CONTAINS(
      Run("LookupTableFindV2", {table, Strings({"a"}), Tensor::Scalar<int64_t>(0)}, 1),
      "not initialized");
  SS_EXPECT_ERROR_CONTAINS(
      Run("InitializeTableV2", {table, Strings({"a", "b"}), Vec<int64_t>({1})}), "Expected shape");
  SS_EXPECT_ERROR_CONTAINS(Run("InitializeTableV2", {table, Vec<int64_t>({1}), Vec<int64_t>({1})}),
                           "given DT_INT64 keys");
  ASSERT_TRUE(Run("InitializeTableV2", {table, Strings({"a"}), Vec<int64_t>({1})}).ok());
  SS_EXPECT_ERROR_CONTAINS(
      Run("LookupTableFindV2", {table, Strings({"a", "b"}), Vec<int64_t>({0, 0, 0})}, 1),
      "default_value must be a scalar or have the keys' shape");
  SS_EXPECT_ERROR_CONTAINS(
      Run("LookupTableFindV2", {table, Strings({"a"}), Tensor::Scalar<float>(0)}, 1),
      "DT_FLOAT default value");
  SS_EXPECT_ERROR_CONTAINS(Run("LookupTableSizeV2", {Tensor::Scalar<std::string>("/nope")}, 1),
                           "does not exist");
  OpRunner bad("HashTableV2", "bad");
  bad.Attr("key_dtype", tensorflow::DT_FLOAT).Attr("value_dtype", tensorflow::DT_INT64);
  SS_EXPECT_ERROR_CONTAINS(bad.Run({}), "no HashTable kernel maps DT_FLOAT to DT_INT64");
}

TEST_F(TableTest, TextFileWholeLineToLineNumber) {
  // index_table_from_file: key = the whole line (-2), value = the line number (-1).
  Tensor table = CreateTable(tensorflow::DT_STRING, tensorflow::DT_INT64);
  ASSERT_TRUE(InitFromFile(table, "cat\r\ndog\nbird\n", -2, -1).ok());
  auto out = Run("LookupTableFindV2",
                 {table, Strings({"bird", "cat", "dog", "fish"}), Tensor::Scalar<int64_t>(-1)}, 1);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<int64_t>((*out)[0]), (std::vector<int64_t>{2, 0, 1, -1}));
}

TEST_F(TableTest, TextFileColumnsAndVocabSize) {
  // index_to_string_table_from_file: key = line number, value = column 1 of "id label".
  Tensor table = CreateTable(tensorflow::DT_INT64, tensorflow::DT_STRING);
  ASSERT_TRUE(InitFromFile(table, "10 zero\n11 one\n12 two", -1, 1, 2, " ").ok());
  auto out = Run("LookupTableFindV2",
                 {table, Vec<int64_t>({1, 0, 2}), Tensor::Scalar<std::string>("UNK")}, 1);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<std::string>((*out)[0]), (std::vector<std::string>{"one", "zero", "UNK"}));
  // Integer keys parsed from a column.
  Tensor by_id = CreateTable(tensorflow::DT_INT64, tensorflow::DT_STRING, "HashTableV2", "t2");
  ASSERT_TRUE(InitFromFile(by_id, "10 zero\n11 one\n", 0, 1, -1, " ").ok());
  out =
      Run("LookupTableFindV2", {by_id, Vec<int64_t>({11, 1}), Tensor::Scalar<std::string>("?")}, 1);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<std::string>((*out)[0]), (std::vector<std::string>{"one", "?"}));
}

TEST_F(TableTest, TextFileErrors) {
  Tensor table = CreateTable(tensorflow::DT_STRING, tensorflow::DT_INT64);
  SS_EXPECT_ERROR_CONTAINS(InitFromFile(table, "a\nb\n", -2, -1, 3), "Invalid vocab_size");
  SS_EXPECT_ERROR_CONTAINS(InitFromFile(table, "a\n\nb\n", -2, -1), "empty line");
  SS_EXPECT_ERROR_CONTAINS(InitFromFile(table, "a\t1\nc\n", 0, 1), "Invalid number of columns");
  SS_EXPECT_ERROR_CONTAINS(InitFromFile(table, "a\tb\n", 0, 1), "is not a valid DT_INT64");
  Tensor by_line = CreateTable(tensorflow::DT_INT32, tensorflow::DT_STRING, "HashTableV2", "t2");
  SS_EXPECT_ERROR_CONTAINS(InitFromFile(by_line, "a\n", -1, -2), "needs a key dtype of int64");
  OpRunner r("InitializeTableFromTextFileV2", "init");
  r.Resources(&resources_).NumOutputs(0).Attr("key_index", -2).Attr("value_index", -1);
  SS_EXPECT_ERROR_CONTAINS(r.Run({table, Tensor::Scalar<std::string>("/no/such/vocab.txt")}),
                           "/no/such/vocab.txt");
  r.Attr("delimiter", ", ");
  SS_EXPECT_ERROR_CONTAINS(r.Run({table, Tensor::Scalar<std::string>("x")}), "only 1 char");
}

TEST_F(TableTest, ConcurrentFinds) {
  Tensor table = CreateTable(tensorflow::DT_INT64, tensorflow::DT_INT64);
  ASSERT_TRUE(Run("InitializeTableV2", {table, Vec<int64_t>({1, 2}), Vec<int64_t>({10, 20})}).ok());
  std::vector<std::thread> threads;
  std::atomic<int> wrong = 0;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        auto out = Run("LookupTableFindV2",
                       {table, Vec<int64_t>({2, 1, 3}), Tensor::Scalar<int64_t>(0)}, 1);
        if (!out.ok() || Values<int64_t>((*out)[0]) != std::vector<int64_t>{20, 10, 0}) ++wrong;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong, 0);
}

}  // namespace
}  // namespace savedserve
