// End-to-end tests of the `savedserve` command: run the built binary, check what it prints.
// Expected `show` output follows TensorFlow's `saved_model_cli show` layout.
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "test_util/testdata.h"

namespace savedserve {
namespace {

std::string ModelDir(const std::string& testdata, const std::string& name) {
  return testdata + "/savedmodels/" + name + "/00000123";
}

std::string Savedserve(const std::string& args) {
  return ShellQuote(SavedserveBinary()) + " " + args;
}

// Runs `savedserve <args>` keeping only stdout (stderr discarded).
CommandResult RunStdout(const std::string& args) {
  return RunCommand("{ " + Savedserve(args) + " 2>/dev/null; }");
}

// Runs `savedserve <args>` keeping only stderr (stdout discarded).
CommandResult RunStderr(const std::string& args) {
  return RunCommand("{ " + Savedserve(args) + " >/dev/null; }");
}

::testing::AssertionResult Contains(const std::string& text, const std::string& part) {
  if (absl::StrContains(text, part)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << part << "\" not in:\n" << text;
}

// ---- show ----

TEST(CliShowTest, ListsTagSets) {
  SS_REQUIRE_TESTDATA();
  const std::string dir = ModelDir(testdata, "saved_model_half_plus_two_cpu");
  CommandResult result = RunStdout("show --dir " + ShellQuote(dir));
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.output, "The given SavedModel contains the following tag-sets:\n'serve'\n");
}

TEST(CliShowTest, ListsSignatureKeysSorted) {
  SS_REQUIRE_TESTDATA();
  const std::string dir = ModelDir(testdata, "saved_model_half_plus_two_cpu");
  CommandResult result = RunStdout("show --dir " + ShellQuote(dir) + " --tag_set serve");
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.output,
            "The given SavedModel MetaGraphDef contains SignatureDefs with the following keys:\n"
            "SignatureDef key: \"classify_x_to_y\"\n"
            "SignatureDef key: \"regress_x2_to_y3\"\n"
            "SignatureDef key: \"regress_x_to_y\"\n"
            "SignatureDef key: \"regress_x_to_y2\"\n"
            "SignatureDef key: \"serving_default\"\n");
}

TEST(CliShowTest, ShowsOneSignature) {
  SS_REQUIRE_TESTDATA();
  const std::string dir = ModelDir(testdata, "saved_model_half_plus_two_cpu");
  CommandResult result = RunStdout("show --dir " + ShellQuote(dir) +
                                   " --tag_set serve --signature_def serving_default");
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.output,
            "The given SavedModel SignatureDef contains the following input(s):\n"
            "  inputs['x'] tensor_info:\n"
            "      dtype: DT_FLOAT\n"
            "      shape: (-1, 1)\n"
            "      name: x:0\n"
            "The given SavedModel SignatureDef contains the following output(s):\n"
            "  outputs['y'] tensor_info:\n"
            "      dtype: DT_FLOAT\n"
            "      shape: (-1, 1)\n"
            "      name: y:0\n"
            "Method name is: tensorflow/serving/predict\n");
}

TEST(CliShowTest, UnknownRankShape) {
  SS_REQUIRE_TESTDATA();
  const std::string dir = ModelDir(testdata, "saved_model_half_plus_two_cpu");
  CommandResult result = RunStdout("show --dir " + ShellQuote(dir) +
                                   " --tag_set serve --signature_def classify_x_to_y");
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_TRUE(Contains(result.output,
                       "  inputs['inputs'] tensor_info:\n"
                       "      dtype: DT_STRING\n"
                       "      shape: unknown_rank\n"
                       "      name: tf_example:0\n"));
  EXPECT_TRUE(Contains(result.output, "Method name is: tensorflow/serving/classify\n"));
}

TEST(CliShowTest, ScalarShapeAndRefDtype) {
  SS_REQUIRE_TESTDATA();
  const std::string dir = ModelDir(testdata, "saved_model_counter");
  CommandResult result = RunStdout("show --dir " + ShellQuote(dir) +
                                   " --tag_set serve --signature_def incr_counter_by");
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_TRUE(Contains(result.output,
                       "  outputs['output'] tensor_info:\n"
                       "      dtype: DT_FLOAT_REF\n"
                       "      shape: ()\n"));
}

TEST(CliShowTest, AllPrintsEverySignatureInOrder) {
  SS_REQUIRE_TESTDATA();
  const std::string dir = ModelDir(testdata, "saved_model_half_plus_two_cpu");
  CommandResult result = RunStdout("show --dir " + ShellQuote(dir) + " --all");
  EXPECT_EQ(result.exit_code, 0);
  const std::string& out = result.output;
  EXPECT_TRUE(Contains(out,
                       "\nMetaGraphDef with tag-set: 'serve' contains the following "
                       "SignatureDefs:\n\nsignature_def['classify_x_to_y']:\n"
                       "  The given SavedModel SignatureDef contains the following input(s):\n"
                       "    inputs['inputs'] tensor_info:\n"
                       "        dtype: DT_STRING\n"
                       "        shape: unknown_rank\n"
                       "        name: tf_example:0\n"));
  EXPECT_TRUE(Contains(out,
                       "\nsignature_def['serving_default']:\n"
                       "  The given SavedModel SignatureDef contains the following input(s):\n"
                       "    inputs['x'] tensor_info:\n"
                       "        dtype: DT_FLOAT\n"
                       "        shape: (-1, 1)\n"
                       "        name: x:0\n"));
  EXPECT_TRUE(Contains(out, "  Method name is: tensorflow/serving/predict\n"));
  const char* order[] = {"classify_x_to_y", "regress_x2_to_y3", "regress_x_to_y", "regress_x_to_y2",
                         "serving_default"};
  size_t last = 0;
  for (const char* key : order) {
    size_t at = out.find(std::string("signature_def['") + key + "']:");
    ASSERT_NE(at, std::string::npos) << key;
    EXPECT_GT(at, last) << key;
    last = at;
  }
}

TEST(CliShowTest, TagSetCommaSyntax) {
  SS_REQUIRE_TESTDATA();
  const std::string dir = ModelDir(testdata, "saved_model_half_plus_two_cpu");
  // "serve," is the one-tag set {serve}; "serve,gpu" is a different, absent set.
  CommandResult ok = RunStdout("show --dir " + ShellQuote(dir) + " --tag_set serve,");
  EXPECT_EQ(ok.exit_code, 0);
  EXPECT_TRUE(Contains(ok.output, "SignatureDef key: \"serving_default\"\n"));

  CommandResult absent = RunStderr("show --dir " + ShellQuote(dir) + " --tag_set serve,gpu");
  EXPECT_NE(absent.exit_code, 0);
  EXPECT_TRUE(Contains(absent.output, "MetaGraphDef with tags {gpu, serve} not found"));
  EXPECT_TRUE(Contains(absent.output, "available tag sets: {serve}"));
}

TEST(CliShowTest, LegacyExportFailsOnStderr) {
  SS_REQUIRE_TESTDATA();
  const std::string dir = testdata + "/savedmodels/bad_half_plus_two/00000123";
  CommandResult err = RunStderr("show --dir " + ShellQuote(dir));
  EXPECT_EQ(err.exit_code, 1);
  EXPECT_TRUE(Contains(err.output, "saved_model.pb"));
  EXPECT_TRUE(Contains(err.output, "found export.meta: a legacy SessionBundle export"));
  CommandResult out = RunStdout("show --dir " + ShellQuote(dir));
  EXPECT_EQ(out.output, "");
}

TEST(CliShowTest, MissingDirectoryFails) {
  CommandResult err = RunStderr("show --dir /nonexistent/savedserve/model");
  EXPECT_EQ(err.exit_code, 1);
  EXPECT_TRUE(Contains(err.output, "/nonexistent/savedserve/model"));
  EXPECT_TRUE(Contains(err.output, "does not exist"));
}

TEST(CliShowTest, UnknownSignatureFails) {
  SS_REQUIRE_TESTDATA();
  const std::string dir = ModelDir(testdata, "saved_model_half_plus_two_cpu");
  CommandResult err =
      RunStderr("show --dir " + ShellQuote(dir) + " --tag_set serve --signature_def nope");
  EXPECT_EQ(err.exit_code, 1);
  EXPECT_TRUE(Contains(err.output, "\"nope\" not found"));
  EXPECT_TRUE(Contains(err.output, "serving_default"));
}

TEST(CliShowTest, SignatureDefRequiresTagSet) {
  SS_REQUIRE_TESTDATA();
  const std::string dir = ModelDir(testdata, "saved_model_half_plus_two_cpu");
  CommandResult err =
      RunStderr("show --dir " + ShellQuote(dir) + " --signature_def serving_default");
  EXPECT_NE(err.exit_code, 0);
  EXPECT_TRUE(Contains(err.output, "--tag_set"));
}

TEST(CliShowTest, DirIsRequired) {
  CommandResult err = RunStderr("show");
  EXPECT_NE(err.exit_code, 0);
  EXPECT_TRUE(Contains(err.output, "--dir"));
}

}  // namespace
}  // namespace savedserve
