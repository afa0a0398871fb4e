// `savedserve serve` flag handling, through the built binary: tensorflow_model_server's flag
// names in both `--flag=value` and `--flag value` forms, unknown flags listing the valid
// ones, and start-up errors for bad configurations. `--version` makes the command exit right
// after parsing, so flag parsing is tested without starting a server.
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "test_util/testdata.h"

namespace savedserve {
namespace {

CommandResult Serve(const std::string& args) {
  return RunCommand("'" + SavedserveBinary() + "' serve " + args + " 2>&1");
}

TEST(ServeCliTest, AcceptsTfServingFlagsInBothForms) {
  const CommandResult result = Serve(
      "--port=8500 --rest_api_port 8501 --model_name=m --model_base_path /tmp/m "
      "--enable_model_warmup=false --enable_batching --rest_api_enable_cors_support=true "
      "--file_system_poll_wait_seconds=0.5 --model_config_file_poll_wait_seconds 10 "
      "--rest_api_num_threads=8 --rest_api_timeout_in_ms=1000 --grpc_max_threads=4 "
      "--tensorflow_intra_op_parallelism=2 --tensorflow_inter_op_parallelism=2 "
      "--allow_version_labels_for_unavailable_models --max_num_load_retries=1 "
      "--load_retry_interval_micros=10 --saved_model_tags=serve,gpu "
      "--grpc_max_message_size_bytes=1000 --monitoring_config_file=/x "
      "--batching_parameters_file=/y --model_config_file=/z --grpc_socket_path=/tmp/s.sock "
      "--grpc_channel_arguments=grpc.max_concurrent_streams=10 "
      "--enable_per_model_batching_parameters --enable_signature_method_name_check "
      "--ssl_config_file=/ssl.txt --version");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(absl::StrContains(result.output, "ModelServer")) << result.output;
}

TEST(ServeCliTest, AcceptsTfServingFlagsAboutTensorFlowItself) {
  const CommandResult result = Serve(
      "--flush_filesystem_caches=false --remove_unused_fields_from_bundle_metagraph=true "
      "--enable_profiler=false --enable_grpc_healthcheck_service=true --num_load_threads=4 "
      "--num_unload_threads 2 --version");
  EXPECT_EQ(result.exit_code, 0) << result.output;
}

TEST(ServeCliTest, UnsupportedTfServingFlagsAreErrorsNamingThem) {
  for (const std::string flag :
       {"--platform_config_file=/p.txt",
        "--tensorflow_session_config_file=/s.txt", "--prefer_tflite_model"}) {
    const CommandResult result = Serve("--model_base_path=/tmp/m " + flag);
    EXPECT_EQ(result.exit_code, 2) << flag << ": " << result.output;
    const std::string name = flag.substr(0, flag.find('='));
    EXPECT_TRUE(absl::StrContains(result.output, name + " is not supported")) << result.output;
  }
  // Set to their defaults they are fine.
  EXPECT_EQ(Serve("--prefer_tflite_model=false --version").exit_code, 0);
}

TEST(ServeCliTest, UnknownFlagListsValidFlags) {
  const CommandResult result = Serve("--model_base_path=/tmp/m --enable_bathcing");
  EXPECT_NE(result.exit_code, 0);
  EXPECT_TRUE(absl::StrContains(result.output, "--enable_bathcing")) << result.output;
  EXPECT_TRUE(absl::StrContains(result.output, "Valid flags:")) << result.output;
  EXPECT_TRUE(absl::StrContains(result.output, "--enable_batching")) << result.output;
}

TEST(ServeCliTest, BadValuesAndConfigurationsFail) {
  EXPECT_NE(Serve("--port=abc --version").exit_code, 0);
  const CommandResult no_model = Serve("--port=0 --rest_api_port=0");
  EXPECT_EQ(no_model.exit_code, 1);
  EXPECT_TRUE(absl::StrContains(no_model.output, "--model_base_path")) << no_model.output;
}

TEST(ServeCliTest, MalformedModelConfigFile) {
  SS_REQUIRE_TESTDATA();
  const CommandResult result = Serve("--port=0 --rest_api_port=0 --model_config_file=" + testdata +
                                     "/serving/bad_model_config.txt");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(absl::StrContains(result.output, "Invalid protobuf file")) << result.output;
}

}  // namespace
}  // namespace savedserve
