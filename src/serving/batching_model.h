// Server-side batching, as TF Serving's BatchingSession: a LoadedModel wrapper whose
// RunSignature and Run calls queue their inputs into a SharedBatchScheduler and block until
// their batch has run. Calls are batched together only when they are of one kind: the same
// signature (or, for Run, the same feed and fetch names), the same input aliases with the
// same dtypes and the same output filter; each kind gets its own queue, created on first use.
// A batch concatenates its calls' inputs along the 0th dimension, pads the batch with copies
// of the last call's first row up to the next allowed_batch_sizes entry, runs the wrapped
// model once and slices every output back along the 0th dimension, so each caller gets
// exactly its own rows.
//
// Calls whose inputs cannot be batched fail with TF Serving's errors: a scalar input or inputs
// with different 0th dimensions (InvalidArgument), more rows than max_batch_size
// (InvalidArgument; with enable_large_batch_splitting such calls are split into parts that
// run one after another), a full queue (Unavailable), and, with pad_variable_length_inputs off, an
// input whose dimensions from the 1st on differ from those of the first call in its batch
// (FailedPrecondition; the rest of the batch runs). With pad_variable_length_inputs on, such
// inputs are padded to the largest shape in the batch with their first element's value, as TF
// Serving does; outputs are returned with the padded shape. When a batch of several calls
// fails, each call is retried alone, so one bad request (say an unparsable tf.Example) cannot
// fail its batch-mates. Calls with target nodes, or without inputs, run unbatched.
//
// With BatchingOptions::metrics, each call's time in the queue and each run of the wrapped
// model are recorded as TF Serving's BatchingSession does (serving/metrics.h).
//
// Ownership: the wrapper owns the wrapped model and its queues, and shares the scheduler.
// It lives inside a Servable, so a version being unloaded stays alive until its queued calls
// (whose callers hold the ServableHandle) have run; its destructor then removes its queues.
// Thread-safety: safe for concurrent use, like every LoadedModel.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "runtime/loaded_model.h"
#include "serving/batching_scheduler.h"
#include "serving/metrics.h"
#include "tensorflow_serving/servables/tensorflow/batching_parameters.pb.h"

namespace savedserve {

struct BatchingOptions {
  BatchQueueOptions queue;  // per kind of call
  // Batch sizes to pad up to: ascending, the last equal to queue.max_batch_size; empty
  // means batches run at their own size.
  std::vector<int64_t> allowed_batch_sizes;
  bool pad_variable_length_inputs = false;
  // TF Serving's enable_large_batch_splitting: a call of up to this many rows (its
  // max_batch_size) larger than queue.max_batch_size (its max_execution_batch_size) is split
  // into parts of at most queue.max_batch_size rows, queued one after another; the outputs are
  // joined again. 0: no splitting, larger calls fail.
  int64_t max_split_input_rows = 0;
  Metrics* metrics = nullptr;  // not owned; may be null
};

// BatchingParameters read as TF Serving reads them: unset fields keep TF Serving's defaults
// (max_batch_size 1000, batch_timeout_micros 0, max_enqueued_batches 10, num_batch_threads
// one per core, thread_pool_name "batch_threads"). InvalidArgument, with TF Serving's
// messages, for non-positive sizes or thread counts, a negative timeout, or allowed batch
// sizes that do not increase or do not end at the largest batch (max_batch_size, or with
// enable_large_batch_splitting max_execution_batch_size, which defaults to max_batch_size).
struct BatchingConfig {
  SharedBatchScheduler::Options scheduler;
  BatchingOptions batching;
};
absl::StatusOr<BatchingConfig> BatchingConfigFromParameters(
    const tensorflow::serving::BatchingParameters& parameters);

class BatchingModel : public LoadedModel {
 public:
  static absl::StatusOr<std::unique_ptr<BatchingModel>> Create(
      std::unique_ptr<LoadedModel> model, std::shared_ptr<SharedBatchScheduler> scheduler,
      BatchingOptions options);
  // Removes the queues, each after running what is still queued in it.
  ~BatchingModel() override;

  const tensorflow::MetaGraphDef& meta_graph() const override { return model_->meta_graph(); }
  const std::map<std::string, tensorflow::SignatureDef>& signatures() const override {
    return model_->signatures();
  }
  absl::StatusOr<std::map<std::string, Tensor>> RunSignature(
      const std::string& key, std::map<std::string, Tensor> inputs,
      const std::vector<std::string>& output_filter) const override;
  absl::StatusOr<std::vector<Tensor>> Run(const std::vector<std::pair<std::string, Tensor>>& feeds,
                                          const std::vector<std::string>& fetches,
                                          const std::vector<std::string>& targets) const override;
  int64_t EstimateFlops(const std::string& key,
                        const std::map<std::string, TensorShape>& input_shapes) const override {
    return model_->EstimateFlops(key, input_shapes);
  }

  const LoadedModel& wrapped() const { return *model_; }

 private:
  struct Call;
  struct Queue;
  using Inputs = std::vector<std::pair<std::string, Tensor>>;
  using Outputs = std::map<std::string, Tensor>;
  // Runs one kind of call on merged inputs, giving outputs by name.
  using Runner = std::function<absl::StatusOr<Outputs>(const Inputs& inputs)>;

  BatchingModel(std::unique_ptr<LoadedModel> model, std::shared_ptr<SharedBatchScheduler> scheduler,
                BatchingOptions options);
  // Queues `inputs` (sorted by name) on the queue for `kind`, made with `runner` on first
  // use, and waits for the outputs.
  absl::StatusOr<Outputs> Submit(const std::string& kind, Inputs inputs,
                                 const std::function<Runner()>& make_runner) const;
  // Submits a call too large for one batch part by part (enable_large_batch_splitting).
  absl::StatusOr<Outputs> SubmitSplit(const std::string& kind, const Inputs& inputs, int64_t rows,
                                      const std::function<Runner()>& make_runner) const;
  absl::StatusOr<Queue*> QueueFor(const std::string& kind,
                                  const std::function<Runner()>& make_runner) const;
  void ProcessBatch(const Runner& runner, const Batch& batch) const;
  std::vector<Call*> DropUnbatchable(std::vector<Call*> calls) const;
  absl::Status RunMerged(const Runner& runner, const std::vector<Call*>& calls) const;

  const std::unique_ptr<LoadedModel> model_;
  const std::shared_ptr<SharedBatchScheduler> scheduler_;
  const BatchingOptions options_;
  mutable absl::Mutex mu_;
  mutable std::map<std::string, std::unique_ptr<Queue>> queues_ ABSL_GUARDED_BY(mu_);
};

}  // namespace savedserve
