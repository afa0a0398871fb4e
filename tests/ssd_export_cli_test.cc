// `savedserve export ssd300` and `ssd-mobilenet-v1` end to end: the command's output, then
// `savedserve show --all` on the result, checked against docs/ssd.md's feature layers; and
// their flag errors.
#include <functional>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "base/env.h"
#include "gtest/gtest.h"
#include "test_util/temp_dir.h"
#include "test_util/testdata.h"

namespace savedserve {
namespace {

CommandResult Savedserve(const std::string& args) {
  return RunCommand(ShellQuote(SavedserveBinary()) + " " + args);
}

::testing::AssertionResult Contains(const std::string& text, const std::string& part) {
  if (absl::StrContains(text, part)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << part << "\" not in:\n" << text;
}

// The dtype and shape lines `show` prints for `<kind>['<alias>']` inside `block`.
std::pair<std::string, std::string> TensorInfoIn(const std::string& block, const std::string& kind,
                                                 const std::string& alias) {
  const std::string marker = kind + "['" + alias + "'] tensor_info:";
  size_t at = block.find(marker);
  if (at == std::string::npos) return {"<missing>", "<missing>"};
  std::vector<std::string> lines = absl::StrSplit(block.substr(at), '\n');
  if (lines.size() < 3) return {"<short>", "<short>"};
  return {std::string(absl::StripPrefix(absl::StripAsciiWhitespace(lines[1]), "dtype: ")),
          std::string(absl::StripPrefix(absl::StripAsciiWhitespace(lines[2]), "shape: "))};
}

// Runs `savedserve <args>`, expecting it to fail with `exit_code` (-1: any non-zero code, as
// for CLI11's flag errors) and to say `part`.
void ExpectFailure(const std::string& args, int exit_code, const std::string& part) {
  SCOPED_TRACE(args);
  CommandResult out = Savedserve(args);
  if (exit_code < 0) {
    EXPECT_NE(out.exit_code, 0) << out.output;
  } else {
    EXPECT_EQ(out.exit_code, exit_code) << out.output;
  }
  EXPECT_TRUE(Contains(out.output, part));
}

// The text `show --all` prints for signature `key`, up to its method line ("" if absent).
std::string SignatureBlock(const std::string& show, const std::string& key) {
  size_t start = show.find("signature_def['" + key + "']:");
  if (start == std::string::npos) return "";
  size_t end = show.find("Method name is:", start);
  return end == std::string::npos ? "" : show.substr(start, end - start);
}

// Checks the six (predictions_i, localizations_i) pairs of `block`: feature maps `sizes`,
// `anchors` per cell, `classes` scores per anchor.
void ExpectDetectionOutputs(const std::string& block, const int (&sizes)[6],
                            const int (&anchors)[6], int classes) {
  for (int i = 0; i < 6; ++i) {
    const std::string hwa = absl::StrCat("(-1, ", sizes[i], ", ", sizes[i], ", ", anchors[i]);
    EXPECT_EQ(TensorInfoIn(block, "outputs", absl::StrCat("predictions_", i)),
              std::make_pair(std::string("DT_FLOAT"), absl::StrCat(hwa, ", ", classes, ")")));
    EXPECT_EQ(TensorInfoIn(block, "outputs", absl::StrCat("localizations_", i)),
              std::make_pair(std::string("DT_FLOAT"), hwa + ", 4)"));
  }
}

// Runs `show --all` on `dir` and checks both detection signatures: float input `images` of
// `images_shape`, then `check` on the signature's text.
void ExpectDetectionSignatures(const std::string& dir, const std::string& images_shape,
                               const std::function<void(const std::string&)>& check) {
  CommandResult show = Savedserve("show --dir " + ShellQuote(dir) + " --all");
  ASSERT_EQ(show.exit_code, 0) << show.output;
  for (const std::string key : {"detected_model", "serving_default"}) {
    SCOPED_TRACE(key);
    const std::string block = SignatureBlock(show.output, key);
    ASSERT_FALSE(block.empty()) << show.output;
    EXPECT_EQ(TensorInfoIn(block, "inputs", "images"),
              std::make_pair(std::string("DT_FLOAT"), images_shape));
    check(block);
  }
  EXPECT_TRUE(Env::Default()->FileExists(JoinPath(dir, "assets/labels.txt")));
}

TEST(SsdExportCli, Ssd300ExportListsTheDetectionSignature) {
  TempDir tmp;
  CommandResult out = Savedserve("export ssd300 --export_base " + ShellQuote(tmp.path()) +
                                 " --model_name commodity --version 1");
  ASSERT_EQ(out.exit_code, 0) << out.output;
  const std::string dir = JoinPath(tmp.path(), "commodity/1");
  EXPECT_TRUE(Contains(out.output, "Exported version 1 of model 'commodity' to " + dir));
  EXPECT_TRUE(Contains(out.output, "UNTRAINED"));
  EXPECT_TRUE(Contains(out.output, "seed 0"));

  ExpectDetectionSignatures(dir, "(-1, 300, 300, 3)", [](const std::string& block) {
    // docs/ssd.md: feature maps 38, 19, 10, 5, 3, 1 with A = 4, 6, 6, 6, 4, 4; 21 classes.
    ExpectDetectionOutputs(block, {38, 19, 10, 5, 3, 1}, {4, 6, 6, 6, 4, 4}, 21);
    std::vector<std::string> parts = absl::StrSplit(block, "outputs['");
    EXPECT_EQ(parts.size(), 13u);  // 12 outputs
  });
}

TEST(SsdExportCli, Ssd300FlagErrors) {
  TempDir tmp;
  const std::string base = " --export_base " + ShellQuote(tmp.path()) + " --model_name m";
  ExpectFailure("export ssd300 --input_format png" + base, -1, "--input_format");
  const std::string missing = JoinPath(tmp.path(), "no_such_checkpoint");
  ExpectFailure("export ssd300 --checkpoint " + missing + base, 1, missing);
  EXPECT_FALSE(Env::Default()->FileExists(JoinPath(tmp.path(), "m/1")));

  // Encoded-image input: either the export works (images is DT_STRING [-1]) or the command
  // says why it cannot, leaving nothing behind.
  CommandResult jpeg = Savedserve("export ssd300 --input_format jpeg --version 3" + base);
  const std::string dir = JoinPath(tmp.path(), "m/3");
  if (jpeg.exit_code != 0) {
    EXPECT_TRUE(Contains(jpeg.output, "savedserve export:"));
    EXPECT_FALSE(Env::Default()->FileExists(dir));
    return;
  }
  CommandResult show = Savedserve("show --dir " + ShellQuote(dir) + " --all");
  EXPECT_EQ(TensorInfoIn(show.output, "inputs", "images"),
            std::make_pair(std::string("DT_STRING"), std::string("(-1)")));
}

TEST(SsdExportCli, SsdMobilenetV1ExportListsAnchorsAndLayers) {
  SS_REQUIRE_TESTDATA();
  TempDir tmp;
  CommandResult out =
      Savedserve("export ssd-mobilenet-v1 --weights " +
                 ShellQuote(JoinPath(testdata, "tfjs/face-api-ssd-mobilenetv1")) +
                 " --export_base " + ShellQuote(tmp.path()) + " --model_name faces --version 1");
  ASSERT_EQ(out.exit_code, 0) << out.output;
  const std::string dir = JoinPath(tmp.path(), "faces/1");
  EXPECT_TRUE(Contains(out.output, "Exported version 1 of model 'faces' to " + dir));
  ExpectDetectionSignatures(dir, "(-1, 512, 512, 3)", [](const std::string& block) {
    // docs/ssd.md: 512 input, feature maps 32 .. 1 with A = 3, 6, 6, 6, 6, 6 (5118 anchors).
    ExpectDetectionOutputs(block, {32, 16, 8, 4, 2, 1}, {3, 6, 6, 6, 6, 6}, 3);
    EXPECT_EQ(TensorInfoIn(block, "outputs", "anchors"),
              std::make_pair(std::string("DT_FLOAT"), std::string("(-1, 5118, 4)")));
  });
}

TEST(SsdExportCli, SsdMobilenetV1WeightErrors) {
  TempDir tmp;
  const std::string base = " --export_base " + ShellQuote(tmp.path()) + " --model_name m";
  ExpectFailure("export ssd-mobilenet-v1" + base, -1, "--weights");
  const std::string missing = JoinPath(tmp.path(), "no_such_weights");
  ExpectFailure("export ssd-mobilenet-v1 --weights " + missing + base, 1, missing);
  const std::string manifest = JoinPath(tmp.path(), "w/model-weights_manifest.json");
  ASSERT_TRUE(Env::Default()->CreateDirs(JoinPath(tmp.path(), "w")).ok());
  ASSERT_TRUE(Env::Default()->WriteFile(manifest, "[{\"paths\": [").ok());
  ExpectFailure("export ssd-mobilenet-v1 --weights " + JoinPath(tmp.path(), "w") + base, 1,
                manifest + ": malformed JSON");
  EXPECT_FALSE(Env::Default()->FileExists(JoinPath(tmp.path(), "m/1")));
}

}  // namespace
}  // namespace savedserve
