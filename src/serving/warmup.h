// Model warmup, as TF Serving does it: before a version becomes available, the requests
// logged in <export_dir>/assets.extra/tf_serving_warmup_requests (a TFRecord file of
// tensorflow.serving.PredictionLog) are replayed against it, so the first real request
// does not pay for lazy initialisation. Predict, classify, regress and multi-inference logs
// are replayed; a failing request fails the load. Safe for concurrent use.
#pragma once

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "base/env.h"
#include "serving/servable.h"
#include "tensorflow_serving/apis/prediction_log.pb.h"

namespace savedserve {

inline constexpr char kWarmupRequestsFileName[] = "tf_serving_warmup_requests";
// TF Serving's limit on warmup records per model.
inline constexpr int kMaxWarmupRecords = 1000;

// Runs one logged request (its predict_log / classify_log / regress_log /
// multi_inference_log) against `servable`, discarding the response. Provided by the
// request handlers (PredictionServices), which this layer does not depend on.
using WarmupRunner = std::function<absl::Status(const Servable& servable,
                                                const tensorflow::serving::PredictionLog& log)>;

// <export_dir>/assets.extra/tf_serving_warmup_requests
std::string WarmupFilePath(const std::string& export_dir);

// Replays the warmup file of `export_dir` against `servable`, each record
// `num_request_iterations` times, and returns the number of records (0 when there is no
// file). Errors: DataLoss for a damaged TFRecord file, InvalidArgument for an unparsable
// record or more than kMaxWarmupRecords, Unimplemented for session_run / streamed logs, and
// the runner's error for a failing request, each naming the file.
absl::StatusOr<int> RunSavedModelWarmup(const Servable& servable, const std::string& export_dir,
                                        const WarmupRunner& runner, Env* env = Env::Default(),
                                        int num_request_iterations = 1);

}  // namespace savedserve
