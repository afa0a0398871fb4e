#include "serving/warmup.h"

#include <algorithm>
#include <memory>

#include "absl/strings/str_cat.h"
#include "base/logging.h"
#include "base/status.h"
#include "serving/tfrecord.h"

namespace savedserve {
namespace {

using tensorflow::serving::PredictionLog;

absl::Status RunOne(const Servable& servable, const PredictionLog& log, const WarmupRunner& runner,
                    int iterations) {
  switch (log.log_type_case()) {
    case PredictionLog::kPredictLog:
    case PredictionLog::kClassifyLog:
    case PredictionLog::kRegressLog:
    case PredictionLog::kMultiInferenceLog:
      for (int i = 0; i < iterations; ++i) RETURN_IF_ERROR(runner(servable, log));
      return absl::OkStatus();
    case PredictionLog::kSessionRunLog:
    case PredictionLog::kPredictStreamedLog:
      return absl::UnimplementedError(
          absl::StrCat("Unsupported log_type for warmup: ", log.log_type_case()));
    case PredictionLog::LOG_TYPE_NOT_SET:
      return absl::OkStatus();  // nothing to replay, as in TF Serving
  }
  return absl::OkStatus();
}

}  // namespace

std::string WarmupFilePath(const std::string& export_dir) {
  return JoinPath(JoinPath(export_dir, "assets.extra"), kWarmupRequestsFileName);
}

absl::StatusOr<int> RunSavedModelWarmup(const Servable& servable, const std::string& export_dir,
                                        const WarmupRunner& runner, Env* env,
                                        int num_request_iterations) {
  const std::string path = WarmupFilePath(export_dir);
  if (!env->FileExists(path)) return 0;
  if (!runner) {
    return absl::FailedPreconditionError(
        absl::StrCat("model has warmup requests at ", path, " but no warmup runner is set"));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<RandomAccessFile> file, env->OpenForRead(path));
  TFRecordReader reader(file.get());
  std::string record;
  int num_records = 0;
  for (;;) {
    absl::Status status = reader.ReadRecord(&record);
    if (absl::IsOutOfRange(status)) break;
    if (absl::IsDataLoss(status)) {
      return absl::DataLossError(absl::StrCat(
          status.message(), ". Please verify your warmup data is in TFRecord format."));
    }
    RETURN_IF_ERROR(status);
    if (++num_records > kMaxWarmupRecords) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Number of warmup records exceeds the maximum (", kMaxWarmupRecords, ") at ", path));
    }
    PredictionLog log;
    if (!log.ParseFromString(record)) {
      return absl::InvalidArgumentError(
          absl::StrCat("Failed to parse warmup record ", num_records, " from ", path));
    }
    absl::Status ran = RunOne(servable, log, runner, std::max(num_request_iterations, 1));
    if (!ran.ok()) {
      return Annotate(ran, absl::StrCat("warmup request ", num_records, " from ", path));
    }
  }
  SS_LOG(INFO) << "warmup: ran " << num_records << " requests for model " << servable.id().name
               << " version " << servable.id().version;
  return num_records;
}

}  // namespace savedserve
