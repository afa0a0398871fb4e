// The `savedserve` command's subcommands. Each Register*Command adds one CLI11 subcommand
// whose callback runs the command and sets `*exit_code`. Thin: they parse flags, call the
// library layers and print.
#pragma once

#include "CLI/CLI.hpp"

namespace savedserve::tools {

void RegisterShowCommand(CLI::App& app, int* exit_code);
void RegisterExportCommand(CLI::App& app, int* exit_code);
void RegisterRunCommand(CLI::App& app, int* exit_code);
void RegisterBenchCommand(CLI::App& app, int* exit_code);
void RegisterServeCommand(CLI::App& app, int* exit_code);
void RegisterDetectCommand(CLI::App& app, int* exit_code);
void RegisterImportCommand(CLI::App& app, int* exit_code);

}  // namespace savedserve::tools
