// REST JSON codec speed (issue 7): decoding a predict body that carries one 300x300x3 float
// image, and encoding SSD300's twelve outputs (docs/ssd.md: 8732 anchors x (21 + 4) floats),
// both through the functions the REST handler calls. Each reports MB/s of JSON (the
// `bytes_per_second` counter); the target is >= 300 MB/s.
//
//   build/bench/json_bench
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "frontend/rest/float_format.h"
#include "frontend/rest/json_tensor.h"
#include "tensor/tensor.h"
#include "tensor/tensor_proto.h"

namespace savedserve {
namespace {

// Pixel values as a client writes them after resizing: floats with a fractional part.
std::string ImageBody(int size) {
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> pixel(0.0f, 255.0f);
  std::string body = "{\"instances\": [";
  for (int y = 0; y < size; ++y) {
    body += y ? ",[" : "[";
    for (int x = 0; x < size; ++x) {
      if (x) body += ',';
      absl::StrAppend(&body, "[", pixel(rng), ",", pixel(rng), ",", pixel(rng), "]");
    }
    body += ']';
  }
  body += "]}";
  return body;
}

void BM_DecodePredictImage(benchmark::State& state) {
  const std::string body = ImageBody(300);
  TensorInfoMap inputs;
  tensorflow::TensorInfo& info = inputs["images"];
  info.set_name("images:0");
  info.set_dtype(tensorflow::DT_FLOAT);
  InputInfoLookup lookup = [&](const std::string&) -> absl::StatusOr<TensorInfoMap> {
    return inputs;
  };
  for (auto _ : state) {
    tensorflow::serving::PredictRequest request;
    JsonPredictFormat format;
    absl::Status status = FillPredictRequestFromJson(body, lookup, &request, &format);
    if (!status.ok()) {
      state.SkipWithError(std::string(status.message()).c_str());
      break;
    }
    benchmark::DoNotOptimize(request);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(body.size()));
  state.counters["json_bytes"] = static_cast<double>(body.size());
}
BENCHMARK(BM_DecodePredictImage)->Unit(benchmark::kMillisecond);

// SSD300's outputs for one image: predictions_i [1,H,W,A,21] (softmax-like values) and
// localizations_i [1,H,W,A,4].
TensorProtoMap SsdOutputs() {
  const int shapes[] = {38, 19, 10, 5, 3, 1};
  const int anchors[] = {4, 6, 6, 6, 4, 4};
  std::mt19937 rng(2);
  std::uniform_real_distribution<float> prob(0.0f, 1.0f), offset(-3.0f, 3.0f);
  TensorProtoMap outputs;
  for (int i = 0; i < 6; ++i) {
    for (int depth : {21, 4}) {
      Tensor t(tensorflow::DT_FLOAT, TensorShape({1, shapes[i], shapes[i], anchors[i], depth}));
      float* data = t.data<float>();
      for (int64_t k = 0; k < t.num_elements(); ++k)
        data[k] = depth == 21 ? prob(rng) : offset(rng);
      const std::string name = absl::StrCat(depth == 21 ? "predictions_" : "localizations_", i);
      TensorToProto(t, &outputs[name]);
    }
  }
  return outputs;
}

void BM_EncodeSsdOutputs(benchmark::State& state) {
  const TensorProtoMap outputs = SsdOutputs();
  size_t bytes = 0;
  for (auto _ : state) {
    absl::StatusOr<std::string> json = MakeJsonFromTensors(outputs, JsonPredictFormat::kRow);
    if (!json.ok()) {
      state.SkipWithError(std::string(json.status().message()).c_str());
      break;
    }
    bytes = json->size();
    benchmark::DoNotOptimize(*json);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(bytes));
  state.counters["json_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_EncodeSsdOutputs)->Unit(benchmark::kMillisecond);

// The number formatter alone, on softmax-like values (most need nine digits).
void BM_FormatFloat(benchmark::State& state) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> prob(0.0f, 1.0f);
  std::vector<float> values(4096);
  for (float& v : values) v = prob(rng);
  char buf[kJsonFloatBufferSize];
  size_t bytes = 0;
  for (auto _ : state) {
    for (float v : values) bytes += FormatJsonFloat(v, buf);
    benchmark::DoNotOptimize(buf);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(values.size()));
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_FormatFloat);

}  // namespace
}  // namespace savedserve

BENCHMARK_MAIN();
