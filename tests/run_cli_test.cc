// End-to-end tests of `savedserve run` and `savedserve bench`: run the built binary on the
// real SavedModels and check what it prints (the layout of `saved_model_cli run`).
#include <string>

#include "absl/strings/match.h"
#include "base/env.h"
#include "gtest/gtest.h"
#include "test_util/temp_dir.h"
#include "test_util/testdata.h"

namespace savedserve {
namespace {

std::string Model(const std::string& testdata, const std::string& name,
                  const std::string& version = "00000123") {
  return ShellQuote(testdata + "/savedmodels/" + name + "/" + version);
}

// Runs `savedserve <args>`; stdout only unless `with_stderr`.
CommandResult Savedserve(const std::string& args, bool with_stderr = false) {
  return RunCommand("{ " + ShellQuote(SavedserveBinary()) + " " + args +
                    (with_stderr ? " 2>&1; }" : " 2>/dev/null; }"));
}

::testing::AssertionResult Contains(const std::string& text, const std::string& part) {
  if (absl::StrContains(text, part)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << part << "\" not in:\n" << text;
}

TEST(RunCliTest, PredictPrintsLikeSavedModelCli) {
  SS_REQUIRE_TESTDATA();
  CommandResult r = Savedserve("run --dir " + Model(testdata, "saved_model_half_plus_two_cpu") +
                               " --tag_set serve --signature_def serving_default"
                               " --input_exprs 'x=[[1.0],[2.0],[5.0]]'");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.output, "Result for output key y:\n[[2.5]\n [3. ]\n [4.5]]\n");
}

TEST(RunCliTest, ExamplesAndSeveralInputs) {
  SS_REQUIRE_TESTDATA();
  CommandResult r = Savedserve("run --dir " + Model(testdata, "saved_model_half_plus_two_cpu") +
                               " --signature_def regress_x_to_y"
                               " --input_examples 'inputs=[{\"x\":[80.0]},{\"x\":[20.0]}]'");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.output, "Result for output key outputs:\n[[42.]\n [12.]]\n");
  CommandResult counter = Savedserve("run --dir " + Model(testdata, "saved_model_counter") +
                                     " --signature_def incr_counter_by --input_exprs 'delta=3;'");
  EXPECT_EQ(counter.exit_code, 0);
  EXPECT_EQ(counter.output, "Result for output key output:\n3.0\n");
}

TEST(RunCliTest, Tf2ModelAndNpyFiles) {
  SS_REQUIRE_TESTDATA();
  TempDir tmp;
  const std::string out = tmp.path() + "/out";
  const std::string args = "run --dir " + Model(testdata, "saved_model_half_plus_two_tf2_cpu") +
                           " --signature_def serving_default --input_exprs 'x=[4]' --outdir " +
                           ShellQuote(out);
  CommandResult r = Savedserve(args);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(Contains(r.output, "Result for output key y:\n[4.]\n"));
  EXPECT_TRUE(Contains(r.output, "Output y is saved to " + out + "/y.npy"));
  // The saved output feeds another run through --inputs.
  CommandResult again =
      Savedserve("run --dir " + Model(testdata, "saved_model_half_plus_two_tf2_cpu") +
                 " --inputs 'x=" + out + "/y.npy'");
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_EQ(again.output, "Result for output key y:\n[4.]\n");
  // Existing outputs are kept unless --overwrite.
  CommandResult refused = Savedserve(args, /*with_stderr=*/true);
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_TRUE(Contains(refused.output, "--overwrite"));
  EXPECT_EQ(Savedserve(args + " --overwrite").exit_code, 0);
}

TEST(RunCliTest, BadInputsNameTheSignaturesInputs) {
  SS_REQUIRE_TESTDATA();
  const std::string dir = Model(testdata, "saved_model_half_plus_two_cpu");
  CommandResult unknown = Savedserve("run --dir " + dir + " --input_exprs 'y=1'", true);
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_TRUE(Contains(unknown.output, "\"y\" is not a valid input key. Please choose from \"x\""));
  CommandResult none = Savedserve("run --dir " + dir, true);
  EXPECT_NE(none.exit_code, 0);
  EXPECT_TRUE(Contains(none.output, "--input_exprs"));
  CommandResult missing = Savedserve("run --dir " + Model(testdata, "saved_model_counter") +
                                         " --signature_def incr_counter_by --input_exprs 'x=1'",
                                     true);
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_TRUE(Contains(missing.output, "delta"));
  CommandResult not_literal =
      Savedserve("run --dir " + dir + " --input_exprs 'x=np.ones(3)'", true);
  EXPECT_NE(not_literal.exit_code, 0);
  EXPECT_TRUE(Contains(not_literal.output, "only literals"));
}

TEST(BenchCliTest, PrintsLatencies) {
  SS_REQUIRE_TESTDATA();
  CommandResult r = Savedserve("bench --dir " + Model(testdata, "matrix_half_plus_two", "1") +
                               " --batch 8 --threads 2 --iterations 20");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(Contains(r.output, "input x: float32 [8,3,3]"));
  EXPECT_TRUE(Contains(r.output, "median"));
  EXPECT_TRUE(Contains(r.output, "p90"));
  EXPECT_TRUE(Contains(r.output, "GFLOP/s"));
  CommandResult parse = Savedserve(
      "bench --dir " + Model(testdata, "saved_model_half_plus_two_cpu") +
      " --signature_def regress_x_to_y --iterations 5 --input_examples 'inputs=[{\"x\":[1.0]}]'");
  EXPECT_EQ(parse.exit_code, 0) << parse.output;
}

}  // namespace
}  // namespace savedserve
