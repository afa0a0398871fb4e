// savedserve: one binary, one subcommand per job.
#include <cstdio>

#include "CLI/CLI.hpp"
#include "base/denormal.h"
#include "tools/commands.h"

int main(int argc, char** argv) {
  // As TensorFlow runs its CPU kernels; every thread started from here on inherits it.
  savedserve::FlushDenormalsInThisThread();
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
