// Test-only helpers for the oneDNN kernel tests: asking a kernel which implementation oneDNN
// picked, running one already-created kernel, and running checks from several threads at once.
#pragma once

#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "base/status.h"
#include "gtest/gtest.h"
#include "kernels/cpu/onednn_util.h"
#include "kernels/kernel_testing.h"

namespace savedserve {
namespace nn_testing {

// The oneDNN implementation `runner`'s optimized kernel uses for `inputs` with `threads`.
inline std::string ImplementationOf(OpRunner& runner, const std::vector<Tensor>& inputs,
                                    int threads) {
  auto kernel = runner.Create(inputs, KernelVariant::kOptimized);
  if (!kernel.ok()) return "create failed: " + std::string(kernel.status().message());
  auto* introspect = dynamic_cast<const onednn::Introspectable*>(kernel->get());
  if (introspect == nullptr) return "not a oneDNN kernel";
  std::vector<TensorShape> shapes;
  for (const Tensor& t : inputs) shapes.push_back(t.shape());
  auto impl = introspect->Implementation(shapes, threads);
  return impl.ok() ? *impl : "error: " + std::string(impl.status().message());
}

// Runs `kernel` once on `inputs` with its own context; output 0.
inline absl::StatusOr<Tensor> ComputeOnce(const OpKernel& kernel, const tensorflow::NodeDef& node,
                                          const std::vector<Tensor>& inputs, ThreadPool* pool) {
  std::vector<Value> values;
  for (const Tensor& t : inputs) values.push_back(Value{t, nullptr});
  std::vector<const Value*> pointers;
  for (const Value& v : values) pointers.push_back(&v);
  std::vector<Value> outputs(1);
  ResourceManager resources;
  KernelContext ctx(node, pointers, &outputs, pool, &resources, nullptr);
  RETURN_IF_ERROR(kernel.Compute(ctx));
  return outputs[0].tensor;
}

// Runs check(thread, run, pool) `runs` times on each of `threads` threads at once, each
// thread with its own pool (1 or 2 threads); returns "thread T run I" for the first failed
// check of each thread that had one.
inline std::vector<std::string> RunConcurrently(
    int threads, int runs,
    const std::function<bool(int thread, int run, ThreadPool* pool)>& check) {
  std::vector<std::string> failures(threads);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      ThreadPool pool(1 + t % 2);
      for (int i = 0; i < runs; ++i) {
        if (!check(t, i, &pool)) {
          failures[t] = "thread " + std::to_string(t) + " run " + std::to_string(i);
          return;
        }
      }
    });
  }
  for (std::thread& w : workers) w.join();
  std::erase(failures, "");
  return failures;
}

}  // namespace nn_testing
}  // namespace savedserve
