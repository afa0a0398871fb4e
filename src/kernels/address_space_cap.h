// A scoped cap on the process's address space, for tests that feed kernels hostile sizes.
#pragma once

#include <cstddef>
#include <cstdint>

namespace savedserve {

// Caps the process's address space at its current size plus `headroom` bytes while in scope,
// so a kernel that tries to allocate far more than its inputs justify gets bad_alloc (which
// it must turn into an error) instead of taking the machine's memory. Does nothing under
// AddressSanitizer (its shadow memory needs terabytes of address space); active() says.
class ScopedAddressSpaceCap {
 public:
  explicit ScopedAddressSpaceCap(size_t headroom);
  ~ScopedAddressSpaceCap();
  ScopedAddressSpaceCap(const ScopedAddressSpaceCap&) = delete;
  ScopedAddressSpaceCap& operator=(const ScopedAddressSpaceCap&) = delete;
  bool active() const { return active_; }

 private:
  uint64_t saved_cur_ = 0, saved_max_ = 0;
  bool active_ = false;
};

}  // namespace savedserve
