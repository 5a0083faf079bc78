#include "warehouse/sql/sql_task_store.h"

#include <cstdio>

#include <fmt/format.h>

#include "base/clock.h"
#include "warehouse/sql/sql_values.h"

namespace sluice {
namespace {

std::optional<std::string> Time(int64_t micros) {
  if (micros == 0) return std::nullopt;
  return FormatTimestamp(micros);
}

constexpr const char* kRunColumns =
    "id, task, scheduled_for, started, finished, status, rows, error, attempts";

// Parses a timestamp as either backend prints it ("2026-11-24 16:00:00.5",
// fraction optional) into micros; -1 if it is not one.
int64_t ParseTime(const std::string& s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (s.size() < 19 || std::sscanf(s.c_str(), "%4d-%2d-%2d %2d:%2d:%2d", &y, &mo, &d, &h, &mi, &sec) != 6) return -1;
  int64_t micros = 0, scale = 100'000;
  for (size_t i = 20; i < s.size() && s[19] == '.' && scale > 0; ++i, scale /= 10) micros += (s[i] - '0') * scale;
  return ((DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 24 + h) * 60 + mi) * 60'000'000 +
         sec * 1'000'000 + micros;
}

TaskRunRow ToRow(const SqlRow& r) {
  TaskRunRow row;
  row.id = SqlInt(r[0]);
  row.task = r[1].value_or("");
  row.scheduled_for = r[2].value_or("");
  row.started = r[3].value_or("");
  row.finished = r[4].value_or("");
  row.status = r[5].value_or("");
  row.rows = SqlOptionalInt(r[6]);
  row.error = r[7].value_or("");
  row.attempts = static_cast<int>(SqlInt(r[8]));
  const int64_t started = row.started.empty() ? -1 : ParseTime(row.started);
  const int64_t finished = row.finished.empty() ? -1 : ParseTime(row.finished);
  if (started >= 0 && finished >= started) row.duration_seconds = static_cast<double>(finished - started) / 1e6;
  return row;
}

}  // namespace

Result<int64_t> SqlTaskStore::Record(const TaskRun& run) {
  ASSIGN_OR_RETURN(auto rows, session_->Execute(
                                  "INSERT INTO sluice_task_runs (task, scheduled_for, started, finished, status, rows, "
                                  "error, attempts) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                                  {run.task, FormatTimestamp(run.scheduled_for_micros), Time(run.started_micros),
                                   Time(run.finished_micros), run.status, SqlText(run.rows),
                                   run.error.empty() ? std::nullopt : std::optional<std::string>(run.error),
                                   std::to_string(run.attempts)}));
  return rows.empty() ? 0 : SqlInt(rows[0][0]);
}

Result<std::set<std::string>> SqlTaskStore::Suspended() {
  ASSIGN_OR_RETURN(auto rows, session_->Execute("SELECT task FROM sluice_task_state WHERE suspended = 1"));
  std::set<std::string> out;
  for (const auto& r : rows) out.insert(r[0].value_or(""));
  return out;
}

Status SqlTaskStore::SetSuspended(const std::string& task, bool suspended) {
  return session_
      ->Execute("INSERT INTO sluice_task_state (task, suspended, changed_at) VALUES ($1, $2, $3) "
                "ON CONFLICT (task) DO UPDATE SET suspended = excluded.suspended, changed_at = excluded.changed_at",
                {task, suspended ? "1" : "0", FormatTimestamp(NowMicros())})
      .status();
}

Result<std::vector<TaskRunRow>> SqlTaskStore::History(const std::string& task, int limit) {
  const std::string sql = fmt::format("SELECT {} FROM sluice_task_runs {} ORDER BY id DESC LIMIT {}", kRunColumns,
                                      task.empty() ? "" : "WHERE task = $1", limit);
  ASSIGN_OR_RETURN(auto rows, session_->Execute(sql, task.empty() ? SqlParams{} : SqlParams{task}));
  std::vector<TaskRunRow> out;
  for (const auto& r : rows) out.push_back(ToRow(r));
  return out;
}

Result<std::map<std::string, TaskRunRow>> SqlTaskStore::LastRuns() {
  ASSIGN_OR_RETURN(auto rows, session_->Execute(fmt::format(
                                  "SELECT {} FROM sluice_task_runs WHERE id IN "
                                  "(SELECT max(id) FROM sluice_task_runs GROUP BY task)", kRunColumns)));
  std::map<std::string, TaskRunRow> out;
  for (const auto& r : rows) {
    TaskRunRow row = ToRow(r);
    out[row.task] = std::move(row);
  }
  return out;
}

Result<std::map<std::string, int64_t>> SqlTaskStore::Failures() {
  ASSIGN_OR_RETURN(auto rows, session_->Execute(
                                  "SELECT task, count(*) FROM sluice_task_runs WHERE status = 'failed' GROUP BY task"));
  std::map<std::string, int64_t> out;
  for (const auto& r : rows) out[r[0].value_or("")] = SqlInt(r[1]);
  return out;
}

}  // namespace sluice
