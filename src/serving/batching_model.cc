#include "serving/batching_model.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "serving/batching_util.h"

namespace savedserve {
namespace {

absl::Status CheckParameters(const BatchingConfig& config) {
  const BatchQueueOptions& queue = config.batching.queue;
  RETURN_IF_ERROR(ValidateBatchQueueOptions(queue));
  if (config.scheduler.num_batch_threads <= 0) {
    return absl::InvalidArgumentError(absl::StrCat("num_batch_threads must be positive; was ",
                                                   config.scheduler.num_batch_threads));
  }
  const std::vector<int64_t>& allowed = config.batching.allowed_batch_sizes;
  for (size_t i = 0; i < allowed.size(); ++i) {
    if (allowed[i] <= 0 || (i > 0 && allowed[i] <= allowed[i - 1])) {
      return absl::InvalidArgumentError(
          "allowed_batch_sizes entries must be monotonically increasing");
    }
  }
  const char* largest =
      config.batching.max_split_input_rows > 0 ? "max_execution_batch_size" : "max_batch_size";
  if (!allowed.empty() && allowed.back() != queue.max_batch_size) {
    return absl::InvalidArgumentError(absl::StrCat("Last entry in allowed_batch_sizes must match ",
                                                   largest, "; last entry was ", allowed.back(),
                                                   "; expected ", queue.max_batch_size));
  }
  return absl::OkStatus();
}

// One string per kind of call: calls of one kind share a queue.
std::string KindOf(absl::string_view what, absl::string_view key,
                   const std::vector<std::pair<std::string, Tensor>>& inputs,
                   const std::vector<std::string>& outputs) {
  std::string kind = absl::StrCat(what, "\n", key, "\n");
  for (const auto& [name, tensor] : inputs) {
    absl::StrAppend(&kind, name, ":", static_cast<int>(tensor.dtype()), "\n");
  }
  for (const std::string& name : outputs) absl::StrAppend(&kind, "->", name, "\n");
  return kind;
}

std::vector<std::string> SortedUnique(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

absl::Status CheckOutputs(const std::map<std::string, Tensor>& outputs, int64_t rows) {
  for (const auto& [name, tensor] : outputs) {
    if (tensor.shape().rank() == 0) {
      return absl::FailedPreconditionError("Batched output tensor has 0 dimensions");
    }
    if (tensor.shape().dim(0) != rows) {
      return absl::FailedPreconditionError(
          "Batched output tensor's 0th dimension does not equal the sum of the 0th dimension "
          "sizes of the input tensors");
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<BatchingConfig> BatchingConfigFromParameters(
    const tensorflow::serving::BatchingParameters& p) {
  BatchingConfig config;
  BatchQueueOptions& queue = config.batching.queue;
  if (p.has_max_batch_size()) queue.max_batch_size = p.max_batch_size().value();
  if (p.has_batch_timeout_micros()) queue.batch_timeout_micros = p.batch_timeout_micros().value();
  if (p.has_max_enqueued_batches()) queue.max_enqueued_batches = p.max_enqueued_batches().value();
  if (p.has_num_batch_threads()) {
    config.scheduler.num_batch_threads =
        static_cast<int>(std::clamp<int64_t>(p.num_batch_threads().value(), -1, 1 << 16));
  }
  if (p.has_thread_pool_name()) config.scheduler.thread_pool_name = p.thread_pool_name().value();
  config.batching.allowed_batch_sizes.assign(p.allowed_batch_sizes().begin(),
                                             p.allowed_batch_sizes().end());
  config.batching.pad_variable_length_inputs = p.pad_variable_length_inputs();
  if (p.enable_large_batch_splitting().value()) {
    config.batching.max_split_input_rows = queue.max_batch_size;
    if (p.has_max_execution_batch_size()) {
      queue.max_batch_size = p.max_execution_batch_size().value();
    }
  }
  RETURN_IF_ERROR(CheckParameters(config));
  return config;
}

// One caller's part of a batch, on the caller's stack; the batch fills in the answer.
struct BatchingModel::Call : public BatchTask {
  Call(Inputs in, int64_t r, uint64_t now_micros)
      : inputs(std::move(in)), rows(r), enqueued_micros(now_micros) {}
  int64_t size() const override { return rows; }
  void Finish(absl::Status s, Outputs o = {}) {
    status = std::move(s);
    outputs = std::move(o);
  }

  const Inputs inputs;  // sorted by name, as every call of its kind
  const int64_t rows;
  const uint64_t enqueued_micros;  // the scheduler's clock
  absl::Status status = absl::InternalError("batch not processed");
  Outputs outputs;
};

struct BatchingModel::Queue {
  Runner runner;
  std::unique_ptr<BatchQueue> queue;
};

BatchingModel::BatchingModel(std::unique_ptr<LoadedModel> model,
                             std::shared_ptr<SharedBatchScheduler> scheduler,
                             BatchingOptions options)
    : model_(std::move(model)), scheduler_(std::move(scheduler)), options_(std::move(options)) {}

absl::StatusOr<std::unique_ptr<BatchingModel>> BatchingModel::Create(
    std::unique_ptr<LoadedModel> model, std::shared_ptr<SharedBatchScheduler> scheduler,
    BatchingOptions options) {
  BatchingConfig config;
  config.batching = options;
  RETURN_IF_ERROR(CheckParameters(config));
  return std::unique_ptr<BatchingModel>(
      new BatchingModel(std::move(model), std::move(scheduler), std::move(options)));
}

BatchingModel::~BatchingModel() {
  std::map<std::string, std::unique_ptr<Queue>> queues;
  {
    absl::MutexLock lock(&mu_);
    queues.swap(queues_);
  }
  queues.clear();  // each waits for its batches
}

absl::StatusOr<std::map<std::string, Tensor>> BatchingModel::RunSignature(
    const std::string& key, std::map<std::string, Tensor> inputs,
    const std::vector<std::string>& output_filter) const {
  // Unknown names get the wrapped model's error, without a queue of their own.
  auto signature = signatures().find(key);
  bool known = signature != signatures().end() && !inputs.empty();
  for (const auto& [alias, tensor] : inputs) {
    known = known && signature->second.inputs().contains(alias);
  }
  for (const std::string& alias : output_filter) {
    known = known && signature->second.outputs().contains(alias);
  }
  if (!known) return model_->RunSignature(key, std::move(inputs), output_filter);

  Inputs sorted(std::make_move_iterator(inputs.begin()), std::make_move_iterator(inputs.end()));
  std::vector<std::string> filter = SortedUnique(output_filter);
  const std::string kind = KindOf("signature", key, sorted, filter);
  return Submit(kind, std::move(sorted), [this, key, filter]() -> Runner {
    return [model = model_.get(), key, filter](const Inputs& merged) {
      return model->RunSignature(key, {merged.begin(), merged.end()}, filter);
    };
  });
}

absl::StatusOr<std::vector<Tensor>> BatchingModel::Run(
    const std::vector<std::pair<std::string, Tensor>>& feeds,
    const std::vector<std::string>& fetches, const std::vector<std::string>& targets) const {
  if (!targets.empty() || feeds.empty()) return model_->Run(feeds, fetches, targets);
  Inputs sorted = feeds;
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> unique = SortedUnique(fetches);
  const std::string kind = KindOf("run", "", sorted, unique);
  auto make_runner = [this, unique]() -> Runner {
    return [model = model_.get(), unique](const Inputs& merged) -> absl::StatusOr<Outputs> {
      ASSIGN_OR_RETURN(std::vector<Tensor> values, model->Run(merged, unique, {}));
      Outputs by_name;
      for (size_t i = 0; i < unique.size(); ++i) by_name[unique[i]] = values[i];
      return by_name;
    };
  };
  ASSIGN_OR_RETURN(Outputs outputs, Submit(kind, std::move(sorted), make_runner));
  std::vector<Tensor> values;
  for (const std::string& fetch : fetches) values.push_back(outputs.at(fetch));
  return values;
}

absl::StatusOr<BatchingModel::Outputs> BatchingModel::Submit(
    const std::string& kind, Inputs inputs, const std::function<Runner()>& make_runner) const {
  ASSIGN_OR_RETURN(const int64_t rows, InputBatchSize(inputs));
  if (options_.max_split_input_rows > 0 && rows > options_.queue.max_batch_size) {
    return SubmitSplit(kind, inputs, rows, make_runner);
  }
  ASSIGN_OR_RETURN(Queue * queue, QueueFor(kind, make_runner));
  Call call(std::move(inputs), rows, scheduler_->env()->NowMicros());
  RETURN_IF_ERROR(queue->queue->Schedule(call));
  if (!call.status.ok()) return call.status;
  return std::move(call.outputs);
}

absl::StatusOr<BatchingModel::Outputs> BatchingModel::SubmitSplit(
    const std::string& kind, const Inputs& inputs, int64_t rows,
    const std::function<Runner()>& make_runner) const {
  if (rows > options_.max_split_input_rows) {
    return absl::InvalidArgumentError(absl::StrCat("Task size ", rows,
                                                   " is larger than maximum input batch size ",
                                                   options_.max_split_input_rows));
  }
  std::map<std::string, std::vector<Tensor>> parts;
  for (int64_t begin = 0; begin < rows; begin += options_.queue.max_batch_size) {
    const int64_t end = std::min(rows, begin + options_.queue.max_batch_size);
    Inputs part;
    for (const auto& [name, tensor] : inputs)
      part.emplace_back(name, SliceRows(tensor, begin, end));
    ASSIGN_OR_RETURN(Outputs outputs, Submit(kind, std::move(part), make_runner));
    for (auto& [name, tensor] : outputs) parts[name].push_back(std::move(tensor));
  }
  Outputs joined;
  for (const auto& [name, tensors] : parts) {
    for (const Tensor& t : tensors) {
      if (!SameDimsExceptFirst(t.shape(), tensors[0].shape())) {
        return absl::FailedPreconditionError(absl::StrCat(
            "The parts of a split request gave outputs '", name, "' of different shapes: ",
            tensors[0].shape().DebugString(), " and ", t.shape().DebugString()));
      }
    }
    joined[name] = ConcatRows(tensors);
  }
  return joined;
}

absl::StatusOr<BatchingModel::Queue*> BatchingModel::QueueFor(
    const std::string& kind, const std::function<Runner()>& make_runner) const {
  absl::MutexLock lock(&mu_);
  std::unique_ptr<Queue>& slot = queues_[kind];
  if (slot != nullptr) return slot.get();
  auto queue = std::make_unique<Queue>();
  queue->runner = make_runner();
  const Runner* runner = &queue->runner;
  absl::StatusOr<std::unique_ptr<BatchQueue>> added = scheduler_->AddQueue(
      options_.queue, [this, runner](const Batch& batch) { ProcessBatch(*runner, batch); });
  if (!added.ok()) {
    queues_.erase(kind);
    return added.status();
  }
  queue->queue = *std::move(added);
  slot = std::move(queue);
  return slot.get();
}

void BatchingModel::ProcessBatch(const Runner& runner, const Batch& batch) const {
  std::vector<Call*> calls;
  for (BatchTask* task : batch) calls.push_back(static_cast<Call*>(task));
  if (options_.metrics != nullptr) {
    const uint64_t now = scheduler_->env()->NowMicros();
    for (const Call* call : calls) {
      options_.metrics->RecordBatchQueuing(
          scheduler_->thread_pool_name(),
          static_cast<int64_t>(now - std::min(now, call->enqueued_micros)));
    }
  }
  calls = DropUnbatchable(std::move(calls));
  if (calls.empty()) return;
  absl::Status status = RunMerged(runner, calls);
  if (status.ok()) return;
  if (calls.size() == 1) {
    calls[0]->Finish(status);
    return;
  }
  // Run each call alone, so that only the calls that fail by themselves get an error.
  for (Call* call : calls) {
    status = RunMerged(runner, {call});
    if (!status.ok()) call->Finish(status);
  }
}

// Finishes, with TF Serving's error, the calls whose inputs cannot join the batch's first
// call; returns the others.
std::vector<BatchingModel::Call*> BatchingModel::DropUnbatchable(std::vector<Call*> calls) const {
  const Inputs& reference = calls[0]->inputs;
  std::vector<Call*> kept = {calls[0]};
  for (size_t c = 1; c < calls.size(); ++c) {
    absl::Status status;
    for (size_t i = 0; i < reference.size() && status.ok(); ++i) {
      const TensorShape& a = reference[i].second.shape();
      const TensorShape& b = calls[c]->inputs[i].second.shape();
      const std::string& name = reference[i].first;
      if (options_.pad_variable_length_inputs && a.rank() != b.rank()) {
        status = absl::FailedPreconditionError(
            absl::StrCat("Tensors with name '", name,
                         "' from different tasks have different ranks, so "
                         "they cannot be padded to one shape."));
      } else if (!options_.pad_variable_length_inputs && !SameDimsExceptFirst(a, b)) {
        status = absl::FailedPreconditionError(absl::StrCat(
            "Tensors with name '", name,
            "' from different tasks have different shapes and "
            "padding is turned off. Set pad_variable_length_inputs to true, or ensure that all "
            "tensors with the same name have equal dimensions starting with the first dim."));
      }
    }
    if (status.ok()) {
      kept.push_back(calls[c]);
    } else {
      calls[c]->Finish(status);
    }
  }
  return kept;
}

// Merges the calls' inputs, runs them once and gives each call its rows of every output;
// on error no call is finished.
absl::Status BatchingModel::RunMerged(const Runner& runner, const std::vector<Call*>& calls) const {
  int64_t rows = 0;
  for (const Call* call : calls) rows += call->rows;
  const int64_t padded =
      rows == 0 ? 0 : RoundToAllowedBatchSize(options_.allowed_batch_sizes, rows);
  const bool as_is = calls.size() == 1 && padded == rows;
  Inputs merged;
  if (as_is) merged = calls[0]->inputs;
  for (size_t i = 0; !as_is && i < calls[0]->inputs.size(); ++i) {
    std::vector<int64_t> dims = calls[0]->inputs[i].second.shape().dims();
    for (const Call* call : calls) {
      const std::vector<int64_t>& d = call->inputs[i].second.shape().dims();
      for (size_t k = 0; k < dims.size(); ++k) dims[k] = std::max(dims[k], d[k]);
    }
    std::vector<Tensor> parts;
    for (const Call* call : calls) parts.push_back(PadToDims(call->inputs[i].second, dims));
    merged.emplace_back(calls[0]->inputs[i].first, ConcatRows(parts, padded - rows));
  }
  if (options_.metrics != nullptr) options_.metrics->RecordWrappedRun();
  ASSIGN_OR_RETURN(Outputs outputs, runner(merged));
  RETURN_IF_ERROR(CheckOutputs(outputs, padded));
  int64_t offset = 0;
  for (Call* call : calls) {
    Outputs own;
    for (const auto& [name, tensor] : outputs) {
      own[name] = as_is ? tensor : SliceRows(tensor, offset, offset + call->rows);
    }
    offset += call->rows;
    call->Finish(absl::OkStatus(), std::move(own));
  }
  return absl::OkStatus();
}

}  // namespace savedserve
