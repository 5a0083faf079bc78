#include "cli_harness.h"

#include <sqlite3.h>

#include <iterator>
#include <mutex>
#include <regex>
#include <stdexcept>

#include <fmt/format.h>

#include "backends/postgres_test_warehouse.h"
#include "test_warehouse.h"

namespace sluice::testing {

std::string AccountingConfigYaml() { return ReadFile(SourceDir() + "/examples/accounting/sluice.yaml"); }

bool Cell::is_null() const { return type == SQLITE_NULL; }

bool Cell::operator==(const Cell& o) const {
  if (type != o.type) return false;
  switch (type) {
    case SQLITE_NULL: return true;
    case SQLITE_INTEGER: return integer == o.integer;
    case SQLITE_FLOAT: return real == o.real;
    default: return text == o.text;
  }
}

std::string ToString(const Row& row) {
  std::string s;
  for (size_t i = 0; i < row.size(); ++i) {
    s += i ? "|" : "";
    s += row[i].is_null() ? "NULL" : row[i].type == SQLITE_FLOAT ? fmt::format("{}", row[i].real) : row[i].text;
  }
  return s;
}

std::vector<Row> QueryDb(const std::string& db_path, const std::string& sql,
                         const std::vector<std::pair<std::string, std::string>>& attach) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    const std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw std::runtime_error(fmt::format("open {}: {}", db_path, msg));
  }
  sqlite3_busy_timeout(db, 30'000);
  for (const auto& [schema, path] : attach) {
    char* quoted = sqlite3_mprintf("ATTACH DATABASE %Q AS %Q", path.c_str(), schema.c_str());
    const int rc = sqlite3_exec(db, quoted, nullptr, nullptr, nullptr);
    sqlite3_free(quoted);
    if (rc != SQLITE_OK) {
      const std::string msg = sqlite3_errmsg(db);
      sqlite3_close(db);
      throw std::runtime_error(fmt::format("attach {}: {}", path, msg));
    }
  }
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    const std::string msg = sqlite3_errmsg(db);
    sqlite3_close(db);
    throw std::runtime_error(fmt::format("{}: {}", sql, msg));
  }
  std::vector<Row> rows;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    Row row(static_cast<size_t>(sqlite3_column_count(stmt)));
    for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
      Cell& c = row[static_cast<size_t>(i)];
      c.type = sqlite3_column_type(stmt, i);
      if (c.type == SQLITE_INTEGER) c.integer = sqlite3_column_int64(stmt, i);
      if (c.type == SQLITE_FLOAT) c.real = sqlite3_column_double(stmt, i);
      if (c.type != SQLITE_NULL) {
        const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt, i));
        c.text.assign(p ? p : "", static_cast<size_t>(sqlite3_column_bytes(stmt, i)));
      }
    }
    rows.push_back(std::move(row));
  }
  const std::string msg = sqlite3_errmsg(db);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  if (rc != SQLITE_DONE) throw std::runtime_error(fmt::format("{}: {}", sql, msg));
  return rows;
}

Workspace::Workspace(const std::string& config_yaml, WorkspaceOptions options) : dir_("sluice-e2e") {
  const TestBackend& backend = options.sqlite ? TestBackends().front() : CurrentTestBackend();
  warehouse_ = backend.make(data_dir(), options);
  SetConfig(config_yaml);
}

Workspace::~Workspace() = default;

std::string Workspace::backend() const { return warehouse_->backend(); }

std::string Workspace::pg_dsn() const {
  const auto* pg = dynamic_cast<const PostgresTestWarehouse*>(warehouse_.get());
  return pg ? pg->dsn() : "";
}

std::string Workspace::pg_schema() const {
  const auto* pg = dynamic_cast<const PostgresTestWarehouse*>(warehouse_.get());
  return pg ? pg->schema() : "";
}

void Workspace::SetConfig(const std::string& yaml) const { WriteFile(config_path(), warehouse_->Configure(yaml)); }

std::vector<Row> Workspace::Query(const std::string& sql) const { return warehouse_->Query(sql); }

void Workspace::Exec(const std::string& sql) const { warehouse_->Exec(sql); }

std::vector<std::string> Workspace::Columns(const std::string& table) const { return warehouse_->Columns(table); }

bool Workspace::HasTable(const std::string& name) const { return warehouse_->HasTable(name); }

int64_t Workspace::WarehouseWriteBytes() const { return warehouse_->WriteBytes(); }

std::string Workspace::WriteInput(const std::string& name, std::string_view content) const {
  const std::string path = dir() + "/in/" + name;
  WriteFile(path, content);
  return path;
}

std::string Workspace::WriteLines(const std::string& name, const std::vector<std::string>& lines) const {
  std::string content;
  for (const auto& l : lines) content += l + "\n";
  return WriteInput(name, content);
}

RunResult Workspace::Sluice(const std::vector<std::string>& args, RunOptions options) const {
  std::vector<std::string> argv = {SluiceBin(), "-c", config_path()};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProcess(argv, options);
}

RunResult Workspace::Load(const std::vector<std::string>& files) const {
  std::vector<std::string> args = {"load"};
  args.insert(args.end(), files.begin(), files.end());
  return Sluice(args);
}

RunResult Workspace::Merge() const { return Sluice({"merge"}); }

int64_t Workspace::Count(const std::string& table_or_query) const {
  const bool is_query = table_or_query.find(' ') != std::string::npos;
  const auto rows = Query(is_query ? table_or_query : "SELECT count(*) FROM " + table_or_query);
  if (rows.empty() || rows[0].empty()) throw std::runtime_error("no result: " + table_or_query);
  return rows[0][0].integer;
}

void Workspace::AwaitMutations() const {
  if (!on_clickhouse()) return;
  const std::string running = "SELECT count() FROM system.mutations WHERE database = currentDatabase() AND is_done = 0";
  if (!PollUntil([&] { return Count(running) == 0; }, std::chrono::seconds(60)))
    throw std::runtime_error(fmt::format("ClickHouse mutations still running after 60 s: {}", Count(running)));
}

std::vector<std::string> Workspace::FinalRows(const std::string& columns) const {
  std::vector<std::string> out;
  for (const auto& r : Query(fmt::format("SELECT {} FROM accounting ORDER BY eventitemid, entryidentifier", columns)))
    out.push_back(ToString(r));
  return out;
}

std::optional<MergeLine> ParseMergeLine(const std::string& out, const std::string& type) {
  const std::regex re(type + R"(: merged (\d+) staging rows into \w+: (\d+) inserted, (\d+) updated, (\d+) stale, )"
                             R"((\d+) filtered, (\d+) rejected)");
  std::smatch m;
  if (!std::regex_search(out, m, re)) return std::nullopt;
  MergeLine line;
  line.staging_rows = std::stoll(m[1]);
  line.inserted = std::stoll(m[2]);
  line.updated = std::stoll(m[3]);
  line.stale = std::stoll(m[4]);
  line.filtered = std::stoll(m[5]);
  line.rejected = std::stoll(m[6]);
  return line;
}

std::string Quote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

std::string AccountingEvent(const std::string& item_id, const std::string& version, const std::string& entry_list,
                            const std::string& extra) {
  std::string s = R"({"TenantId": "T001", "ClientId": "CLIENT-01", "ClaimId": "CLM-1")";
  if (!version.empty()) s += ", \"EventDateTime\": " + version;
  if (!item_id.empty()) s += ", \"EventItemId\": " + item_id;
  if (!entry_list.empty()) s += ", \"EntryList\": " + entry_list;
  if (!extra.empty()) s += ", " + extra;
  return s + "}";
}

std::string LargeAccountingFile(int events, int bad_line_every) {
  std::string out;
  out.reserve(static_cast<size_t>(events) * 900);
  for (int i = 0; i < events; ++i) {
    if (bad_line_every > 0 && i % bad_line_every == bad_line_every - 1) {
      out += "{\"EventItemId\": \"broken\n";
      continue;
    }
    fmt::format_to(std::back_inserter(out),
                   R"({{"TenantId": "T{:03}", "ClientId": "CLIENT-{:05}", "ClaimId": "CLM-{:07}", "DisputeId": )"
                   R"("DSP-{:07}", "ExecutionMethod": "Manual", "StepIdentifier": "STEP-{}", "EventDateTime": )"
                   R"("2026-01-{:02}T10:{:02}:{:02}Z", "EventIdentifier": "EVT-{:08}", "EventItemId": "ITEM-{:07}", )"
                   R"("EntryList": [)",
                   i % 7, i % 1000, i, i, i % 9, 1 + i % 28, (i / 60) % 60, i % 60, i, i % 250'000);
    for (int k = 0; k < 2; ++k) {
      fmt::format_to(std::back_inserter(out),
                     R"({}{{"EntryIdentifier": "ENT-{}", "PerformedOn": "2026-01-01T10:00:00.250Z", )"
                     R"("PerformedByOperatorID": "op.alice", "ExecutedOn": "2026-01-01T05:00:00-05:00", )"
                     R"("ExecutedByOperatorID": "op.bob", "CollectionName": "Ledger", "DebitCredit": "Debit", )"
                     R"("Amount": {}, "Reason": "Provisional credit {}"}})",
                     k ? ", " : "", k, i % 997 == 0 ? "\"oops\"" : fmt::format("\"{}.{:02}\"", i % 100'000, k), i);
    }
    out += "]}\n";
  }
  return out;
}

std::string Entry(const std::string& entry_id, const std::string& amount, const std::string& extra) {
  std::string s = "{";
  if (!entry_id.empty()) s += "\"EntryIdentifier\": " + entry_id + ", ";
  s += R"("DebitCredit": "Debit")";
  if (!amount.empty()) s += ", \"Amount\": " + amount;
  if (!extra.empty()) s += ", " + extra;
  return s + "}";
}

}  // namespace sluice::testing
