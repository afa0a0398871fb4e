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

// Help of --conv_winograd (serve, bench): the speed/memory trade of Winograd convolutions.
inline constexpr char kConvWinogradHelp[] =
    "3x3 stride-1 convolutions via Winograd F(4x4,3x3): about 2x faster on VGG-like "
    "networks, but their packed weights take 4x the memory, plus large scratch buffers "
    "(SSD300: ~300 MB instead of ~110 MB); false: direct convolution only";

}  // namespace savedserve::tools
