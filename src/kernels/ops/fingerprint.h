// TensorFlow's Fingerprint64: FarmHash's Fingerprint64 (farmhashna::Hash64), a 64-bit hash
// of bytes that never changes between versions or platforms, so string hash buckets
// (StringToHashBucketFast) computed at training time hold at serving time.
// A pure function, safe for concurrent use.
#pragma once

#include <cstdint>

#include "absl/strings/string_view.h"

namespace savedserve {

uint64_t Fingerprint64(absl::string_view bytes);

}  // namespace savedserve
