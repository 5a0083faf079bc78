#include "corrections_harness.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include <fmt/format.h>

namespace sluice::testing::corrections {

namespace {

std::vector<std::vector<std::string>> ParseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, any = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field.push_back(c);
      }
    } else if (c == '"') {
      quoted = any = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      any = true;
    } else if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      if (any || !field.empty()) row.push_back(std::move(field));
      if (!row.empty()) rows.push_back(std::move(row));
      row.clear();
      field.clear();
      any = false;
    } else {
      field.push_back(c);
      any = true;
    }
  }
  if (any || !field.empty()) row.push_back(std::move(field));
  if (!row.empty()) rows.push_back(std::move(row));
  return rows;
}

}  // namespace

std::string Ev(const std::string& item, const std::string& at, const std::string& amount, const std::string& extra,
               const std::string& entry) {
  return AccountingEvent(Quote(item), Quote(at), "[" + Entry(Quote(entry), amount) + "]", extra);
}

std::string Row(const std::string& item, const std::string& entry, const std::string& amount, const std::string& hour) {
  return fmt::format("{}|{}|{}|2026-01-01 {}:00:00.000000", item, entry, amount, hour);
}

std::string Id(const std::string& item, const std::string& at) { return fmt::format(R"(["{}","{}"])", item, at); }

void LoadAndMerge(const Workspace& ws, const std::string& name, const std::vector<std::string>& lines) {
  const RunResult load = ws.Load({ws.WriteLines(name, lines)});
  ASSERT_RUN_OK(load);
  const RunResult merge = ws.Merge();
  ASSERT_RUN_OK(merge);
}

std::vector<std::string> Rows(const Workspace& ws, const std::string& sql) {
  std::vector<std::string> out;
  for (const auto& r : ws.Query(sql)) out.push_back(ToString(r));
  return out;
}

std::vector<std::string> Snapshot(const Workspace& ws) {
  std::vector<std::string> out;
  for (const char* sql : {"SELECT * FROM sluice_exceptions ORDER BY id", "SELECT * FROM sluice_exclusions ORDER BY id",
                          "SELECT * FROM sluice_corrections_pending ORDER BY change",
                          "SELECT * FROM accounting ORDER BY eventitemid, entryidentifier",
                          "SELECT staging_table, position, merged_at FROM sluice_streams",
                          "SELECT count(*) FROM sluice_merge_errors"}) {
    out.push_back(std::string("-- ") + sql);
    for (auto& r : Rows(ws, sql)) out.push_back(std::move(r));
  }
  return out;
}

void ExpectRefused(const Workspace& ws, const std::vector<std::string>& args, int exit_code, const std::string& message) {
  SCOPED_TRACE(fmt::format("sluice {}", fmt::join(args, " ")));
  const auto before = Snapshot(ws);
  const RunResult r = ws.Sluice(args);
  EXPECT_EQ(r.exit_code, exit_code) << r.Describe();
  EXPECT_THAT(r.err, ::testing::HasSubstr(message)) << r.Describe();
  EXPECT_THAT(r.out, ::testing::Not(::testing::HasSubstr("merged"))) << r.Describe();
  EXPECT_EQ(Snapshot(ws), before);
}

RunResult SluiceOk(const Workspace& ws, const std::vector<std::string>& args) {
  RunResult r = ws.Sluice(args);
  EXPECT_RUN_OK(r);
  return r;
}

Listing::Listing(const std::string& csv, const std::vector<std::string>& want) : rows_(ParseCsv(csv)) {
  if (rows_.empty()) {
    ADD_FAILURE() << "no header in: " << csv;
    return;
  }
  size_t last = 0;
  for (const auto& name : want) {
    const auto it = std::find(rows_[0].begin(), rows_[0].end(), name);
    if (it == rows_[0].end()) {
      ADD_FAILURE() << "no column " << name << " in " << fmt::format("{}", fmt::join(rows_[0], ","));
      continue;
    }
    const size_t at = static_cast<size_t>(it - rows_[0].begin());
    EXPECT_GE(at, last) << name << " is out of order in " << fmt::format("{}", fmt::join(rows_[0], ","));
    last = at;
  }
}

std::string Listing::at(size_t r, const std::string& name) const {
  const auto it = std::find(rows_[0].begin(), rows_[0].end(), name);
  if (r + 1 >= rows_.size() || it == rows_[0].end() || rows_[r + 1].size() != rows_[0].size()) return "<missing>";
  return rows_[r + 1][static_cast<size_t>(it - rows_[0].begin())];
}

}  // namespace sluice::testing::corrections
