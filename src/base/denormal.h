// Flush-to-zero for denormal floats, as TensorFlow runs its CPU kernels (its
// ScopedFlushDenormal around every session run and in its thread pools): denormal inputs and
// results are treated as zero, which keeps kernels from slowing down by 10-100x on the tiny
// activations that untrained or badly scaled networks produce. Settings are per thread and
// inherited by threads created afterwards.
#pragma once

namespace savedserve {

// Sets flush-to-zero and denormals-are-zero for the calling thread (x86 SSE/AVX; no-op
// elsewhere).
void FlushDenormalsInThisThread();

// Sets them for the lifetime of the object and restores the previous mode after.
class ScopedFlushDenormal {
 public:
  ScopedFlushDenormal();
  ~ScopedFlushDenormal();
  ScopedFlushDenormal(const ScopedFlushDenormal&) = delete;
  ScopedFlushDenormal& operator=(const ScopedFlushDenormal&) = delete;

 private:
  unsigned previous_ = 0;
};

}  // namespace savedserve
