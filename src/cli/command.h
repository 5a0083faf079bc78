// What every subcommand shares: the global options, exit codes, opening the
// config and the warehouse, and reporting errors as "error: …" on stderr.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "base/status.h"
#include "config/config.h"
#include "warehouse/backend.h"

namespace sluice {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;  // bad usage or bad config

struct GlobalOptions {
  std::string config_path;  // --config/-c
};

// The subcommand chosen on the command line sets this to its work.
using CommandRunner = std::function<int()>;

// Prints "error: <message>" to stderr and returns `exit_code`.
int ReportError(const Status& status, int exit_code = kExitFailure);

// A config and a warehouse whose schema matches the catalog.
struct Session {
  Config config;
  std::unique_ptr<Warehouse> warehouse;
};

// Loads the config and opens and prepares the warehouse. On failure prints
// the error and sets *exit_code (2 for config problems, 1 otherwise).
std::unique_ptr<Session> OpenSession(const GlobalOptions& global, int* exit_code);

// Who runs the command, for the audit trail of corrections: the OS user.
std::string OsUser();

// Looks up an event type by name; prints an error naming the known ones.
const EventSpec* FindEventOrReport(const Catalog& catalog, const std::string& name);

void AddLoadCommand(CLI::App& app, const GlobalOptions& global, CommandRunner* runner);
void AddMergeCommand(CLI::App& app, const GlobalOptions& global, CommandRunner* runner);
void AddSqlCommand(CLI::App& app, const GlobalOptions& global, CommandRunner* runner);
void AddStatusCommand(CLI::App& app, const GlobalOptions& global, CommandRunner* runner);
void AddDdlCommand(CLI::App& app, const GlobalOptions& global, CommandRunner* runner);
void AddServeCommand(CLI::App& app, const GlobalOptions& global, CommandRunner* runner);
void AddKeysCommand(CLI::App& app, const GlobalOptions& global, CommandRunner* runner);
void AddTasksCommand(CLI::App& app, const GlobalOptions& global, CommandRunner* runner);
void AddCorrectionsCommands(CLI::App& app, const GlobalOptions& global, CommandRunner* runner);
void AddRebuildCommand(CLI::App& app, const GlobalOptions& global, CommandRunner* runner);
void AddDedupeCommand(CLI::App& app, const GlobalOptions& global, CommandRunner* runner);
void AddReplayCommand(CLI::App& app, const GlobalOptions& global, CommandRunner* runner);
void AddBackfillCommand(CLI::App& app, const GlobalOptions& global, CommandRunner* runner);
void AddLoadErrorsCommand(CLI::App& app, const GlobalOptions& global, CommandRunner* runner);
void AddPublishCommand(CLI::App& app, const GlobalOptions& global, CommandRunner* runner);
void AddModelsCommand(CLI::App& app, const GlobalOptions& global, CommandRunner* runner);

struct MergeCounts;
struct MergeOptions;
// The merge options of a command: where the landing zone is.
MergeOptions SessionMergeOptions(const Session& session);
// What a merge run did, for the terminal: one line, two after a recompute.
std::string MergeSummary(const EventSpec& event, const MergeCounts& counts);

}  // namespace sluice
