#include "base/sigbus_guard.h"

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <mutex>

#include "absl/synchronization/mutex.h"

namespace savedserve {
namespace sigbus_guard {
namespace {

struct Region {
  std::atomic<uintptr_t> begin{0};  // 0: free slot
  std::atomic<uintptr_t> end{0};
  std::atomic<bool> damaged{false};
};

constexpr int kSlots = 1024;
Region regions[kSlots];
std::atomic<int> damaged_count{0};
struct sigaction previous;  // the disposition before ours, for faults that are not ours

absl::Mutex paths_mu;
std::string* paths ABSL_GUARDED_BY(paths_mu) = nullptr;  // per slot; never freed

void OnSigbus(int signal, siginfo_t* info, void* context) {
  if (info->si_code > 0) {  // a fault at si_addr (not a signal someone sent)
    const uintptr_t address = reinterpret_cast<uintptr_t>(info->si_addr);
    for (Region& region : regions) {
      const uintptr_t begin = region.begin.load(std::memory_order_acquire);
      if (begin == 0 || address < begin || address >= region.end.load(std::memory_order_acquire)) {
        continue;
      }
      const uintptr_t page_size = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
      void* page = reinterpret_cast<void*>(address & ~(page_size - 1));
      // The faulting read restarts on zeros. (mmap is a plain system call on Linux.)
      if (mmap(page, page_size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
          MAP_FAILED) {
        break;
      }
      if (!region.damaged.exchange(true)) damaged_count.fetch_add(1);
      return;
    }
  }
  // Not ours: the previous disposition handles it. A handler is called; otherwise it is
  // restored and takes over when the access restarts (or at once, for a sent signal).
  if ((previous.sa_flags & SA_SIGINFO) != 0 && previous.sa_sigaction != nullptr) {
    previous.sa_sigaction(signal, info, context);
    return;
  }
  if ((previous.sa_flags & SA_SIGINFO) == 0 && previous.sa_handler != SIG_DFL &&
      previous.sa_handler != SIG_IGN) {
    previous.sa_handler(signal);
    return;
  }
  sigaction(SIGBUS, &previous, nullptr);
  if (info->si_code <= 0) raise(signal);
}

void Install() {
  struct sigaction action = {};
  action.sa_sigaction = OnSigbus;
  action.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigemptyset(&action.sa_mask);
  sigaction(SIGBUS, &action, &previous);
}

}  // namespace

int Register(const void* data, uint64_t size, const std::string& path) {
  static std::once_flag installed;
  std::call_once(installed, Install);
  absl::MutexLock lock(&paths_mu);
  if (paths == nullptr) paths = new std::string[kSlots];
  for (int slot = 0; slot < kSlots; ++slot) {
    Region& region = regions[slot];
    if (region.begin.load(std::memory_order_relaxed) != 0) continue;
    paths[slot] = path;
    region.damaged.store(false);
    region.end.store(reinterpret_cast<uintptr_t>(data) + size, std::memory_order_release);
    region.begin.store(reinterpret_cast<uintptr_t>(data), std::memory_order_release);
    return slot;
  }
  return -1;
}

void Unregister(int slot) {
  if (slot < 0 || slot >= kSlots) return;
  absl::MutexLock lock(&paths_mu);
  Region& region = regions[slot];
  region.begin.store(0, std::memory_order_release);
  if (region.damaged.exchange(false)) damaged_count.fetch_sub(1);
  paths[slot].clear();
}

std::vector<std::string> DamagedPaths() {
  std::vector<std::string> damaged;
  if (damaged_count.load(std::memory_order_relaxed) == 0) return damaged;
  absl::MutexLock lock(&paths_mu);
  for (int slot = 0; slot < kSlots; ++slot) {
    if (regions[slot].begin.load() != 0 && regions[slot].damaged.load()) {
      damaged.push_back(paths[slot]);
    }
  }
  return damaged;
}

}  // namespace sigbus_guard
}  // namespace savedserve
