// savedserve: one binary, one subcommand per job.
#include <malloc.h>

#include <cstdio>

#include "CLI/CLI.hpp"
#include "base/denormal.h"
#include "tools/commands.h"

int main(int argc, char** argv) {
  // As TensorFlow runs its CPU kernels; every thread started from here on inherits it.
  savedserve::FlushDenormalsInThisThread();
  // Large allocations outside the BufferPool (request and response payloads in protobuf
  // strings, gRPC's buffers) are mapped and unmapped directly. By default glibc raises its
  // mmap threshold to the size of each mapped block freed, after which such blocks come
  // from per-thread arenas that keep them: a server's many threads then each hold a
  // high-water mark of payloads. SSD300 served to one client: peak RSS 164.7-167.1 MB with
  // this, 166.6-172.8 MB without.
  mallopt(M_MMAP_THRESHOLD, 256 << 10);
  CLI::App app{"savedserve: TensorFlow SavedModel export and serving, natively in C++"};
  app.require_subcommand(1);
  int exit_code = 0;
  savedserve::tools::RegisterShowCommand(app, &exit_code);
  savedserve::tools::RegisterExportCommand(app, &exit_code);
  savedserve::tools::RegisterRunCommand(app, &exit_code);
  savedserve::tools::RegisterBenchCommand(app, &exit_code);
  savedserve::tools::RegisterServeCommand(app, &exit_code);
  savedserve::tools::RegisterDetectCommand(app, &exit_code);
  savedserve::tools::RegisterImportCommand(app, &exit_code);
  CLI11_PARSE(app, argc, argv);
  return exit_code;
}
