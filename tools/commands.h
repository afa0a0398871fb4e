// The `savedserve` command's subcommands. Each Register*Command adds one CLI11 subcommand
// whose callback runs the command and sets `*exit_code`. Thin: they parse flags, call the
// library layers and print.
#pragma once

#include <string>
#include <vector>

#include "CLI/CLI.hpp"

namespace savedserve::tools {

void RegisterShowCommand(CLI::App& app, int* exit_code);
void RegisterExportCommand(CLI::App& app, int* exit_code);
void RegisterRunCommand(CLI::App& app, int* exit_code);
void RegisterBenchCommand(CLI::App& app, int* exit_code);
void RegisterServeCommand(CLI::App& app, int* exit_code);
void RegisterDetectCommand(CLI::App& app, int* exit_code);
void RegisterImportCommand(CLI::App& app, int* exit_code);

// Help of --conv_winograd (serve, bench): the speed/memory trade of Winograd convolutions.
inline constexpr char kConvWinogradHelp[] =
    "Where 3x3 stride-1 convolutions use Winograd F(4x4,3x3), about 2x faster than direct "
    "convolution; oneDNN's needs up to tens of MB of scratch per running request, ours (in "
    "depth-first chains, e.g. SSD300's blocks 1-3) ~2 MB: 'large' only on large images "
    "(>= 2048 output pixels; served SSD300 then peaks as with 'none'), 'all' wherever "
    "faster (SSD300: ~36 MiB more), 'none' direct only";
// The values --conv_winograd takes.
inline const std::vector<std::string> kConvWinogradValues = {"large", "all", "none", "true",
                                                             "false"};

}  // namespace savedserve::tools
