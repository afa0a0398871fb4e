// SIGBUS guard for file mappings (used by the POSIX Env; see MappedFile in env.h). Reading a
// page of a mapping past the end of its file, which can happen when the file is truncated
// or rewritten in place while mapped, raises SIGBUS, which kills the process. Registered
// mappings instead get that page replaced by a page of zeros and are marked damaged; a
// SIGBUS anywhere else keeps its previous disposition (by default, the crash).
// Safe for concurrent use; the handler only touches a fixed table of atomics.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace savedserve {
namespace sigbus_guard {

// Registers the mapping [data, data + size) of `path`, installing the handler on first use.
// Returns a slot for Unregister, or -1 when the table is full (the caller should not map).
int Register(const void* data, uint64_t size, const std::string& path);
// Forgets a slot. Call before unmapping.
void Unregister(int slot);
// Paths of registered mappings found damaged.
std::vector<std::string> DamagedPaths();

}  // namespace sigbus_guard
}  // namespace savedserve
