// `savedserve detect` end to end: models exported with `savedserve export` (the face
// detector from the shared TF.js weights, its jpeg-input variant, an untrained SSD300 and
// half_plus_two), served by one `savedserve serve` process on 127.0.0.1 free ports, called
// over gRPC and REST. The faces must match the reference detections in the test data's
// README (parsed from it); the SSD300 just has to run. The faces tests skip without the
// test data; the rest run anyway.
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "client/prediction_client.h"
#include "gtest/gtest.h"
#include "kernels/ops/image_util.h"
#include "rapidjson/document.h"
#include "test_util/temp_dir.h"
#include "test_util/testdata.h"

extern char** environ;

namespace savedserve {
namespace {

namespace tfs = tensorflow::serving;

int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

std::string Bin() { return "'" + SavedserveBinary() + "'"; }

// Runs a command with stderr kept apart (in `err_file`), so stdout can be parsed.
CommandResult RunQuiet(const std::string& command, const std::string& err_file) {
  CommandResult r = RunCommand("{ " + command + " 2>'" + err_file + "'; }");
  std::ifstream err(err_file);
  std::stringstream text;
  text << err.rdbuf();
  if (r.exit_code != 0) r.output += text.str();
  return r;
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// One `savedserve serve` for the whole suite.
class DetectCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const std::string base = dir_->path() + "/models";
    testdata_ = TestDataDir();
    std::string config = "model_config_list {\n";
    auto add = [&](const std::string& name, const std::string& export_args) {
      const CommandResult r =
          RunCommand(absl::StrCat(Bin(), " export ", export_args, " --export_base ", base,
                                  " --model_name ", name, " --version 1"));
      ASSERT_EQ(r.exit_code, 0) << r.output;
      absl::StrAppend(&config, "  config { name: '", name, "' base_path: '", base, "/", name,
                      "' model_platform: 'tensorflow' }\n");
      models_.push_back(name);
    };
    if (testdata_) {
      const std::string weights = *testdata_ + "/tfjs/face-api-ssd-mobilenetv1";
      add("faces", "ssd-mobilenet-v1 --weights " + weights);
      add("faces_jpeg", "ssd-mobilenet-v1 --input_format jpeg --weights " + weights);
      // BlazeFace, imported from TF.js with its own signature (serving_default only).
      const CommandResult r = RunCommand(absl::StrCat(
          Bin(), " import tfjs ", *testdata_, "/tfjs/blazeface/blazeface.json --export_base ", base,
          " --model_name blazeface --version 1"));
      ASSERT_EQ(r.exit_code, 0) << r.output;
      absl::StrAppend(&config, "  config { name: 'blazeface' base_path: '", base,
                      "/blazeface' model_platform: 'tensorflow' }\n");
      models_.push_back("blazeface");
    }
    add("commodity", "ssd300");
    add("half_plus_two", "half_plus_two");
    config += "}\n";
    std::ofstream(dir_->path() + "/models.config") << config;

    grpc_port_ = FreePort();
    rest_port_ = FreePort();
    StartServer();
    WaitUntilAvailable();
  }

  static void StartServer() {
    const std::string bin = SavedserveBinary();
    std::vector<std::string> args = {bin, "serve", absl::StrCat("--port=", grpc_port_),
                                     absl::StrCat("--rest_api_port=", rest_port_),
                                     "--model_config_file=" + dir_->path() + "/models.config"};
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    const std::string log = dir_->path() + "/serve.log";
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    ASSERT_EQ(posix_spawn(&server_pid_, bin.c_str(), &actions, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);
  }

  static void WaitUntilAvailable() {
    auto client = *PredictionClient::Create(
        {.target = absl::StrCat("127.0.0.1:", grpc_port_), .deadline_ms = 2000});
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(3);
    for (const std::string& name : models_) {
      tfs::GetModelStatusRequest request;
      request.mutable_model_spec()->set_name(name);
      for (;;) {
        auto status = client->GetModelStatus(request);
        if (status.ok() && status->model_version_status_size() > 0 &&
            status->model_version_status(0).state() == tfs::ModelVersionStatus::AVAILABLE) {
          break;
        }
        ASSERT_LT(std::chrono::steady_clock::now(), deadline)
            << name << " did not become available:\n"
            << ReadText(dir_->path() + "/serve.log");
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
  }

  static void TearDownTestSuite() {
    if (server_pid_ > 0) {
      kill(server_pid_, SIGTERM);
      waitpid(server_pid_, nullptr, 0);
      server_pid_ = 0;
    }
    delete dir_;
    dir_ = nullptr;
    models_.clear();
  }

  static std::string SampleImage() { return *testdata_ + "/images/faces-sample1.jpg"; }

  // `savedserve detect` with `args` over gRPC (or REST when `rest`); stdout on success.
  static CommandResult Detect(const std::string& args, bool rest = false) {
    const std::string transport = rest ? absl::StrCat(" --rest http://127.0.0.1:", rest_port_)
                                       : absl::StrCat(" --server 127.0.0.1:", grpc_port_);
    return RunQuiet(absl::StrCat(Bin(), " detect ", args, transport), dir_->path() + "/err.txt");
  }

  static TempDir* dir_;
  static std::optional<std::string> testdata_;
  static std::vector<std::string> models_;
  static int grpc_port_, rest_port_;
  static pid_t server_pid_;
};

TempDir* DetectCliTest::dir_ = nullptr;
std::optional<std::string> DetectCliTest::testdata_;
std::vector<std::string> DetectCliTest::models_;
int DetectCliTest::grpc_port_ = 0;
int DetectCliTest::rest_port_ = 0;
pid_t DetectCliTest::server_pid_ = 0;

struct RefBox {
  double x0, y0, x1, y1;
};

// The face-api SSD-MobileNetV1 reference boxes of the test data README, "x,y,w,h about
// (414,355,177,240), ...", as corners.
std::vector<RefBox> ReferenceFaces(const std::string& testdata) {
  const std::string readme = ReadText(testdata + "/README.md");
  const size_t section = readme.find("SSD-MobileNetV1 with its own");
  const size_t from = readme.find("x,y,w,h", section);
  if (section == std::string::npos || from == std::string::npos) return {};
  const std::string text = readme.substr(from, 200);
  const std::regex box(R"(\((\d+),\s*(\d+),\s*(\d+),\s*(\d+)\))");
  std::vector<RefBox> boxes;
  for (std::sregex_iterator it(text.begin(), text.end(), box), end; it != end; ++it) {
    const double x = std::stod((*it)[1]), y = std::stod((*it)[2]);
    boxes.push_back({x, y, x + std::stod((*it)[3]), y + std::stod((*it)[4])});
  }
  return boxes;
}

// The detections of image 0 of a --json output.
std::vector<std::pair<double, RefBox>> ParseDetections(const std::string& json, int* class_id) {
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  EXPECT_FALSE(doc.HasParseError()) << json;
  if (doc.HasParseError() || !doc.IsArray() || doc.Empty()) return {};
  std::vector<std::pair<double, RefBox>> out;
  for (const auto& d : doc[0]["detections"].GetArray()) {
    const auto& b = d["box"];
    if (class_id) *class_id = d["class_id"].GetInt();
    out.push_back(
        {d["score"].GetDouble(),
         {b["x0"].GetDouble(), b["y0"].GetDouble(), b["x1"].GetDouble(), b["y1"].GetDouble()}});
  }
  return out;
}

// `output` (detect --json on the sample photo) holds exactly the `reference` faces as class 1
// "face", each box within 5% of the image size, each score at least `min_score`.
void ExpectReferenceFaces(const std::string& output, const std::vector<RefBox>& reference,
                          const DecodedImage& image, double min_score) {
  int class_id = -1;
  const auto found = ParseDetections(output, &class_id);
  ASSERT_EQ(found.size(), reference.size()) << output;
  EXPECT_EQ(class_id, 1);
  const double tx = 0.05 * image.width, ty = 0.05 * image.height;
  for (const RefBox& ref : reference) {
    bool matched = false;
    for (const auto& [score, box] : found) {
      if (std::abs(box.x0 - ref.x0) <= tx && std::abs(box.x1 - ref.x1) <= tx &&
          std::abs(box.y0 - ref.y0) <= ty && std::abs(box.y1 - ref.y1) <= ty) {
        matched = true;
        EXPECT_GE(score, min_score);
      }
    }
    EXPECT_TRUE(matched) << "no detection near (" << ref.x0 << "," << ref.y0 << ")-(" << ref.x1
                         << "," << ref.y1 << ") in\n"
                         << output;
  }
  EXPECT_TRUE(absl::StrContains(output, "\"label\": \"face\"")) << output;
}

TEST_F(DetectCliTest, FacesMatchTheReferenceDetections) {
  SS_REQUIRE_TESTDATA();
  const std::vector<RefBox> reference = ReferenceFaces(testdata);
  ASSERT_EQ(reference.size(), 3u) << "could not parse the README's reference boxes";
  const CommandResult r = Detect(SampleImage() + " --model faces --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ExpectReferenceFaces(r.output, reference, *DecodeImageToRgb(ReadText(SampleImage())), 0.9);
}

// The README's BlazeFace reference detections, "0.935 (420,406,618,605), ...", as corners.
std::vector<RefBox> BlazeFaceReference(const std::string& testdata) {
  const std::string readme = ReadText(testdata + "/README.md");
  const size_t from = readme.find("NMS IoU 0.3):");
  if (from == std::string::npos) return {};
  const std::string text = readme.substr(from, 200);
  const std::regex box(R"(\((\d+),(\d+),(\d+),(\d+)\))");
  std::vector<RefBox> boxes;
  for (std::sregex_iterator it(text.begin(), text.end(), box), end; it != end; ++it) {
    boxes.push_back(
        {std::stod((*it)[1]), std::stod((*it)[2]), std::stod((*it)[3]), std::stod((*it)[4])});
  }
  return boxes;
}

// BlazeFace imported from TF.js: found by its outputs' layout, fed -1..1 letterboxed input.
// Its scores are lower than SSD-MobileNetV1's (the README's are 0.83-0.94).
TEST_F(DetectCliTest, ImportedBlazeFaceFindsTheReferenceFaces) {
  SS_REQUIRE_TESTDATA();
  const std::vector<RefBox> reference = BlazeFaceReference(testdata);
  ASSERT_EQ(reference.size(), 3u) << "could not parse the README's BlazeFace boxes";
  const CommandResult r = Detect(SampleImage() + " --model blazeface --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ExpectReferenceFaces(r.output, reference, *DecodeImageToRgb(ReadText(SampleImage())), 0.6);
}

// BlazeFace's signature fixes a batch of 1: several images go in one request each, and each
// gets the detections it gets alone.
TEST_F(DetectCliTest, FixedBatchModelTakesSeveralImages) {
  SS_REQUIRE_TESTDATA();
  const CommandResult one = Detect(SampleImage() + " --model blazeface --json");
  const CommandResult two =
      Detect(SampleImage() + " " + SampleImage() + " --model blazeface --json");
  ASSERT_EQ(one.exit_code, 0) << one.output;
  ASSERT_EQ(two.exit_code, 0) << two.output;
  rapidjson::Document alone, both;
  ASSERT_FALSE(alone.Parse(one.output.c_str()).HasParseError()) << one.output;
  ASSERT_FALSE(both.Parse(two.output.c_str()).HasParseError()) << two.output;
  ASSERT_EQ(alone.Size(), 1u);
  ASSERT_EQ(both.Size(), 2u);
  EXPECT_GE(alone[0]["detections"].Size(), 3u);
  for (const auto& image : both.GetArray()) {
    EXPECT_TRUE(image["detections"] == alone[0]["detections"]) << two.output;
  }
}

TEST_F(DetectCliTest, RestGivesTheSameDetectionsAsGrpc) {
  SS_REQUIRE_TESTDATA();
  const CommandResult grpc = Detect(SampleImage() + " --model faces --json");
  const CommandResult rest = Detect(SampleImage() + " --model faces --json", /*rest=*/true);
  ASSERT_EQ(grpc.exit_code, 0) << grpc.output;
  ASSERT_EQ(rest.exit_code, 0) << rest.output;
  EXPECT_EQ(rest.output, grpc.output);
}

TEST_F(DetectCliTest, JpegInputModelGivesTheSameDetections) {
  SS_REQUIRE_TESTDATA();
  const CommandResult floats = Detect(SampleImage() + " --model faces --json");
  const CommandResult jpeg = Detect(SampleImage() + " --model faces_jpeg --json");
  ASSERT_EQ(jpeg.exit_code, 0) << jpeg.output;
  const auto a = ParseDetections(floats.output, nullptr);
  const auto b = ParseDetections(jpeg.output, nullptr);
  ASSERT_EQ(a.size(), b.size()) << floats.output << jpeg.output;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_NEAR(a[i].first, b[i].first, 1e-3);
    EXPECT_NEAR(a[i].second.x0, b[i].second.x0, 1.0);
    EXPECT_NEAR(a[i].second.y1, b[i].second.y1, 1.0);
  }
}

TEST_F(DetectCliTest, OutWritesAnAnnotatedPngOfTheOriginalSize) {
  SS_REQUIRE_TESTDATA();
  const std::string out = dir_->path() + "/annotated.png";
  const CommandResult r = Detect(SampleImage() + " --model faces --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(absl::StrContains(r.output, "face")) << r.output;  // the table
  const DecodedImage original = *DecodeImageToRgb(ReadText(SampleImage()));
  auto png = DecodePngToRgb(ReadText(out));
  ASSERT_TRUE(png.ok()) << png.status();
  EXPECT_EQ(png->width, original.width);
  EXPECT_EQ(png->height, original.height);
  EXPECT_NE(png->data, original.data);  // something was drawn
}

// An image with no testdata needed: a gradient PNG written by the test.
std::string WriteGradientPng(const std::string& path, int64_t height, int64_t width) {
  DecodedImage image{height, width, 3, 8, std::vector<uint8_t>(height * width * 3)};
  for (size_t i = 0; i < image.data.size(); ++i) image.data[i] = static_cast<uint8_t>(i * 7);
  std::ofstream(path, std::ios::binary) << *EncodePng(image);
  return path;
}

TEST_F(DetectCliTest, UntrainedSsd300RunsOnSeveralImages) {
  const std::string a = WriteGradientPng(dir_->path() + "/a.png", 120, 200);
  const std::string b = WriteGradientPng(dir_->path() + "/b.png", 90, 60);
  const CommandResult r = Detect(a + " " + b + " --model commodity --json --threshold 0.05 --out " +
                                 dir_->path() + "/c.png");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  rapidjson::Document doc;
  ASSERT_FALSE(doc.Parse(r.output.c_str()).HasParseError()) << r.output;
  ASSERT_EQ(doc.Size(), 2u);
  for (const auto& image : doc.GetArray()) {
    EXPECT_LE(image["detections"].Size(), 200u);
    for (const auto& d : image["detections"].GetArray()) {
      EXPECT_GE(d["class_id"].GetInt(), 1);
      EXPECT_LT(d["class_id"].GetInt(), 21);
    }
  }
  EXPECT_TRUE(DecodePngToRgb(ReadText(dir_->path() + "/c_0.png")).ok());
  auto second = DecodePngToRgb(ReadText(dir_->path() + "/c_1.png"));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->width, 60);
}

TEST_F(DetectCliTest, ErrorsSayWhatIsWrong) {
  const std::string image = WriteGradientPng(dir_->path() + "/e.png", 20, 20);
  struct Case {
    std::string args;
    std::string message;
  };
  const int closed_port = FreePort();
  const std::vector<Case> cases = {
      {"/nonexistent.jpg --model commodity", "cannot read image /nonexistent.jpg"},
      {dir_->path() + "/models.config --model commodity", "cannot decode image"},
      {image + " --model nope", "model 'nope'"},
      {image + " --model commodity --signature nope", "no signature 'nope'"},
      {image + " --model half_plus_two --signature serving_default",
       "input 'x' should be DT_FLOAT"},
  };
  for (const Case& c : cases) {
    const CommandResult r = Detect(c.args);
    EXPECT_EQ(r.exit_code, 1) << c.args << "\n" << r.output;
    EXPECT_TRUE(absl::StrContains(r.output, c.message)) << c.args << "\n" << r.output;
  }
  for (bool rest : {false, true}) {
    const std::string server = rest ? absl::StrCat(" --rest http://127.0.0.1:", closed_port)
                                    : absl::StrCat(" --server 127.0.0.1:", closed_port);
    const CommandResult down =
        RunQuiet(absl::StrCat(Bin(), " detect ", image, " --model commodity", server),
                 dir_->path() + "/err.txt");
    EXPECT_EQ(down.exit_code, 1) << down.output;
    EXPECT_TRUE(absl::StrContains(down.output, "is a model server running there?")) << down.output;
  }
}

}  // namespace
}  // namespace savedserve
