// sluice load [--type TYPE] FILE...
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <iostream>

#include "cli/command.h"
#include "loader/loader.h"

namespace sluice {
namespace {

// Without --type: the only event type, or the one a folder of the path (or
// the file name's leading word) is named after.
const EventSpec* InferEvent(const Catalog& catalog, const std::string& file) {
  if (catalog.events.size() == 1) return &catalog.events[0];
  // Case-insensitive: files are often named in lowercase (accounting-*.ndjson).
  const auto same = [](std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
             return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
  };
  const std::filesystem::path path(file);
  for (const auto& part : path.parent_path())
    for (const auto& e : catalog.events)
      if (same(part.string(), e.name)) return &e;
  const std::string name = path.filename().string();
  for (const auto& e : catalog.events) {
    if (name.size() > e.name.size() && same(std::string_view(name).substr(0, e.name.size()), e.name) &&
        std::string_view("-_.").find(name[e.name.size()]) != std::string_view::npos)
      return &e;
  }
  return nullptr;
}

int RunLoad(const GlobalOptions& global, const std::string& type, const std::vector<std::string>& files) {
  int exit_code = kExitOk;
  auto session = OpenSession(global, &exit_code);
  if (!session) return exit_code;
  const EventSpec* forced = nullptr;
  if (!type.empty() && !(forced = FindEventOrReport(session->config.catalog, type))) return kExitUsage;

  Loader loader(Env::Default(), LandingFoldersOf(session->config), session->warehouse.get());
  int64_t total_rows = 0, total_errors = 0;
  for (const auto& file : files) {
    const EventSpec* event = forced ? forced : InferEvent(session->config.catalog, file);
    if (event == nullptr) {
      exit_code = std::max(exit_code, ReportError(Status::InvalidArgument(fmt::format(
                                          "cannot tell the event type of '{}': pass --type", file)), kExitUsage));
      continue;
    }
    auto outcome = loader.LoadFile(*event, file);
    if (!outcome.ok()) {
      exit_code = std::max(exit_code, ReportError(outcome.status().WithContext(fmt::format("loading '{}'", file))));
      continue;
    }
    if (outcome->skipped) {
      if (outcome->identity == LoadIdentity::kLandedFile)
        std::cout << fmt::format("{}: skipped, this landed file was already loaded into {}\n", file, event->name);
      else
        std::cout << fmt::format("{}: skipped, this content was already loaded into {} (checksum {})\n", file,
                                 event->name, outcome->checksum);
      continue;
    }
    total_rows += outcome->rows;
    total_errors += outcome->errors;
    std::cout << fmt::format("{}: loaded {} rows into {}{}\n", file, outcome->rows, event->staging_table(),
                             outcome->errors ? fmt::format(", {} bad {} in sluice_load_errors", outcome->errors,
                                                           outcome->errors == 1 ? "line" : "lines")
                                             : "");
  }
  if (files.size() > 1)
    std::cout << fmt::format("total: {} rows, {} bad lines\n", total_rows, total_errors);
  return exit_code;
}

}  // namespace

void AddLoadCommand(CLI::App& app, const GlobalOptions& global, CommandRunner* runner) {
  auto* cmd = app.add_subcommand("load", "load NDJSON files (plain, .gz or .zst) into staging, each exactly once");
  auto type = std::make_shared<std::string>();
  auto files = std::make_shared<std::vector<std::string>>();
  cmd->add_option("--type,-t", *type, "the event type of the files (default: inferred from the path)");
  cmd->add_option("FILE", *files, "files to load")->required();
  cmd->callback([=, &global] { *runner = [=, &global] { return RunLoad(global, *type, *files); }; });
}

}  // namespace sluice
