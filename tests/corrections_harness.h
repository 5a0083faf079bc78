// What the suites of `sluice exceptions`, `sluice exclusions` and `sluice
// rebuild` (cli_corrections_*_test.cc, all in the CorrectionsCli suite)
// share: Accounting events with one entry at two instants, the final rows
// they become, a load-and-merge step, a snapshot of everything a correction
// command may change (so that a refused command can be shown to change
// nothing), and a reader of `--format csv` listings by column name.
//
// The helpers live in sluice::testing::corrections: `Row` here builds a
// final row's text, where sluice::testing::Row is a row of Cells, so the
// suites' tests sit in this namespace too.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "cli_harness.h"

namespace sluice::testing::corrections {

inline constexpr const char* kT1 = "2026-01-01T10:00:00Z";
inline constexpr const char* kT2 = "2026-01-01T11:00:00Z";
// added_at / removed_at in list output (ListTimestampsAreSpelledAlikeOnBothBackends pins the spelling).
inline constexpr const char* kTimestamp = "[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,6})?";
// The columns most tests look at, as FinalRows text.
inline const std::string kCols = "eventitemid, entryidentifier, amount, eventdatetime";

// One Accounting event with one entry.
std::string Ev(const std::string& item, const std::string& at, const std::string& amount,
               const std::string& extra = "", const std::string& entry = "E1");
// One final row as FinalRows(kCols) prints it; `hour` of 2026-01-01.
std::string Row(const std::string& item, const std::string& entry, const std::string& amount, const std::string& hour);
// An Accounting event id as sluice prints and stores it: ["item","at"].
std::string Id(const std::string& item, const std::string& at);

// Loads `lines` as the input file `name`, then merges; both must succeed.
void LoadAndMerge(const Workspace& ws, const std::string& name, const std::vector<std::string>& lines);
// A query's rows as "a|b|c" texts.
std::vector<std::string> Rows(const Workspace& ws, const std::string& sql);
// Everything a correction command may change: the correction tables, the
// pending queue, the final table and the stream (a merge moves merged_at).
std::vector<std::string> Snapshot(const Workspace& ws);
// Runs a command that must be refused: its exit code, a message naming the
// problem, and no change anywhere.
void ExpectRefused(const Workspace& ws, const std::vector<std::string>& args, int exit_code,
                   const std::string& message);
// Runs a command that must succeed (a non-fatal failure otherwise).
RunResult SluiceOk(const Workspace& ws, const std::vector<std::string>& args);

// A CSV listing by column name: `want` must be among its columns, in this
// order (columns added later may sit between them). Reads RFC 4180: CRLF,
// quoted fields, "" inside quotes.
class Listing {
 public:
  Listing(const std::string& csv, const std::vector<std::string>& want);
  size_t rows() const { return rows_.empty() ? 0 : rows_.size() - 1; }
  // Row `r` (0-based, after the header), column `name`; "<missing>" when there is none.
  std::string at(size_t r, const std::string& name) const;
  const std::vector<std::string>& header() const { return rows_.at(0); }

 private:
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace sluice::testing::corrections
