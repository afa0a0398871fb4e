// A TF1 classifier export's label lookup, run through LoadedModel::Load: a vocabulary asset
// (assets/labels.txt) fed to InitializeTableFromTextFileV2 by the legacy init op, and
// signatures that map class ids to labels (LookupTableFindV2, with AsString beside it) and
// labels to ids. Expected values worked by hand from the vocabulary "cat", "dog", "bird".
#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "runtime/loaded_model.h"
#include "runtime/runtime_test_util.h"
#include "test_util/temp_dir.h"

namespace savedserve {
namespace {

using testing::ConstNode;
using testing::Node;
using testing::PlaceholderNode;
using testing::TypeAttr;

std::string TableNode(const std::string& name, const std::string& key, const std::string& value) {
  return Node(name, "HashTableV2", {},
              absl::StrCat(TypeAttr("key_dtype", key), " ", TypeAttr("value_dtype", value),
                           " attr { key: 'shared_name' value { s: 'hash_table_", name, "' } }"));
}

std::string InitFromFile(const std::string& name, const std::string& table, int key_index,
                         int value_index) {
  return Node(name, "InitializeTableFromTextFileV2", {table, "asset_filepath"},
              absl::StrCat("attr { key: 'key_index' value { i: ", key_index,
                           " } } attr { key: 'value_index' value { i: ", value_index,
                           " } } attr { key: 'vocab_size' value { i: -1 } } "
                           "attr { key: 'delimiter' value { s: '\\t' } }"));
}

std::string Find(const std::string& name, const std::string& table, const std::string& keys,
                 const std::string& default_value, const std::string& tin,
                 const std::string& tout) {
  return Node(name, "LookupTableFindV2", {table, keys, default_value},
              absl::StrCat(TypeAttr("Tin", tin), " ", TypeAttr("Tout", tout)));
}

std::string SavedModelText() {
  const std::string graph = absl::StrCat(
      PlaceholderNode("class_ids", "DT_INT64"), PlaceholderNode("words", "DT_STRING"),
      ConstNode("asset_filepath", "labels.txt"), ConstNode("unknown_label", "UNK"),
      Node("unknown_id", "Const", {},
           absl::StrCat(TypeAttr("dtype", "DT_INT64"),
                        " attr { key: 'value' value { tensor { dtype: DT_INT64 tensor_shape {} "
                        "int64_val: -1 } } }")),
      TableNode("index_to_string", "DT_INT64", "DT_STRING"),
      TableNode("string_to_index", "DT_STRING", "DT_INT64"),
      InitFromFile("index_to_string_init", "index_to_string", -1, -2),
      InitFromFile("string_to_index_init", "string_to_index", -2, -1),
      Node("legacy_init_op", "NoOp", {"^index_to_string_init", "^string_to_index_init"}),
      Find("labels", "index_to_string", "class_ids", "unknown_label", "DT_INT64", "DT_STRING"),
      Node("class_id_strings", "AsString", {"class_ids"}, TypeAttr("T", "DT_INT64")),
      Find("ids", "string_to_index", "words", "unknown_id", "DT_STRING", "DT_INT64"));
  return absl::StrCat(R"pb(
    meta_graphs {
      meta_info_def { tags: "serve" }
      graph_def {)pb",
                      graph, R"pb(}
      collection_def {
        key: "legacy_init_op"
        value { node_list { value: "legacy_init_op" } }
      }
      asset_file_def {
        tensor_info { name: "asset_filepath:0" dtype: DT_STRING }
        filename: "labels.txt"
      }
      signature_def {
        key: "classify"
        value {
          inputs {
            key: "class_ids"
            value { name: "class_ids:0" dtype: DT_INT64 }
          }
          outputs {
            key: "labels"
            value { name: "labels:0" dtype: DT_STRING }
          }
          outputs {
            key: "class_id_strings"
            value { name: "class_id_strings:0" dtype: DT_STRING }
          }
        }
      }
      signature_def {
        key: "index"
        value {
          inputs {
            key: "words"
            value { name: "words:0" dtype: DT_STRING }
          }
          outputs {
            key: "ids"
            value { name: "ids:0" dtype: DT_INT64 }
          }
        }
      }
    })pb");
}

// Writes the SavedModel (and the vocabulary, unless empty) under `dir`.
void WriteModel(const std::string& dir, const std::string& vocabulary) {
  std::filesystem::create_directories(dir + "/assets");
  std::ofstream(dir + "/saved_model.pbtxt") << SavedModelText();
  if (!vocabulary.empty()) std::ofstream(dir + "/assets/labels.txt") << vocabulary;
}

std::vector<std::string> StringsOf(const Tensor& t) {
  return std::vector<std::string>(t.data<std::string>(), t.data<std::string>() + t.num_elements());
}

TEST(LookupTableModelTest, LegacyInitOpFillsTablesFromTheVocabularyAsset) {
  TempDir dir;
  WriteModel(dir.path(), "cat\ndog\nbird\n");
  auto model = LoadedModel::Load(dir.path());
  ASSERT_TRUE(model.ok()) << model.status();
  const LoadedModel& m = **model;
  const Tensor class_ids = Tensor::FromVector<int64_t>(std::vector<int64_t>{2, 0, 7},
                                                       TensorShape{3});
  auto out = m.RunSignature("classify", {{"class_ids", class_ids}});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(StringsOf(out->at("labels")), (std::vector<std::string>{"bird", "cat", "UNK"}));
  EXPECT_EQ(StringsOf(out->at("class_id_strings")), (std::vector<std::string>{"2", "0", "7"}));

  const Tensor words = Tensor::FromVector<std::string>(
      std::vector<std::string>{"dog", "fish", "bird"}, TensorShape{3});
  // Requests read the tables concurrently.
  std::vector<std::thread> threads;
  std::atomic<int> wrong = 0;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        auto ids = m.RunSignature("index", {{"words", words}});
        if (!ids.ok() || std::vector<int64_t>(ids->at("ids").data<int64_t>(),
                                              ids->at("ids").data<int64_t>() + 3) !=
                             std::vector<int64_t>{1, -1, 2}) {
          ++wrong;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong, 0);
}

TEST(LookupTableModelTest, MissingVocabularyIsALoadErrorNamingTheFile) {
  TempDir dir;
  WriteModel(dir.path(), "");
  auto model = LoadedModel::Load(dir.path());
  ASSERT_FALSE(model.ok());
  EXPECT_NE(model.status().message().find("labels.txt"), std::string::npos) << model.status();
  EXPECT_NE(model.status().message().find("legacy_init_op"), std::string::npos)
      << model.status();
}

}  // namespace
}  // namespace savedserve
