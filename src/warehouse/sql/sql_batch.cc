#include "warehouse/sql/sql_batch.h"

#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "base/text.h"

namespace sluice {
namespace {

// Parameters per statement: within SQLite's default limit (32 766) and
// PostgreSQL's (65 535).
constexpr size_t kMaxParams = 30'000;

// "($k, $k+1, …)" for `width` parameters from `*next` on.
std::string Placeholders(size_t width, size_t* next) {
  std::vector<std::string> names;
  for (size_t i = 0; i < width; ++i) names.push_back(fmt::format("${}", (*next)++));
  return "(" + Join(names, ", ") + ")";
}

size_t RowsPerStatement(size_t width, size_t fixed) {
  return std::max<size_t>(1, (kMaxParams - fixed) / std::max<size_t>(1, width));
}

}  // namespace

Status InsertRows(SqlSession* session, std::string_view insert, const std::vector<SqlParams>& rows) {
  if (rows.empty()) return Status::Ok();
  const size_t width = rows.front().size();
  const size_t per_statement = RowsPerStatement(width, 0);
  for (size_t first = 0; first < rows.size(); first += per_statement) {
    const size_t last = std::min(rows.size(), first + per_statement);
    std::vector<std::string> values;
    SqlParams params;
    size_t next = 1;
    for (size_t r = first; r < last; ++r) {
      values.push_back(Placeholders(width, &next));
      params.insert(params.end(), rows[r].begin(), rows[r].end());
    }
    RETURN_IF_ERROR(session->Execute(fmt::format("{} VALUES {}", insert, Join(values, ", ")), params).status());
  }
  return Status::Ok();
}

Status ExecuteForTuples(SqlSession* session, std::string_view sql, const SqlParams& fixed,
                        const std::vector<SqlParams>& tuples) {
  if (tuples.empty()) return Status::Ok();
  const size_t width = tuples.front().size();
  const size_t per_statement = RowsPerStatement(width, fixed.size());
  for (size_t first = 0; first < tuples.size(); first += per_statement) {
    const size_t last = std::min(tuples.size(), first + per_statement);
    std::vector<std::string> list;
    SqlParams params = fixed;
    size_t next = fixed.size() + 1;
    for (size_t t = first; t < last; ++t) {
      list.push_back(width == 1 ? fmt::format("${}", next++) : Placeholders(width, &next));
      params.insert(params.end(), tuples[t].begin(), tuples[t].end());
    }
    std::string statement(sql);
    const size_t at = statement.find("{tuples}");
    if (at == std::string::npos) return Status::Internal(fmt::format("no {{tuples}} in: {}", sql));
    statement.replace(at, 8, "(" + Join(list, ", ") + ")");
    RETURN_IF_ERROR(session->Execute(statement, params).status());
  }
  return Status::Ok();
}

}  // namespace sluice
