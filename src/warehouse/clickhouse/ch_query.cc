#include "warehouse/clickhouse/ch_query.h"

#include <cctype>

#include <fmt/format.h>

#include "base/text.h"
#include "warehouse/clickhouse/ch_tsv.h"
#include "warehouse/table_def.h"

namespace sluice {
namespace {

// Walks `sql`, calling `code(i)` for each character outside quotes and
// comments and `boundary(i)` for each semicolon there.
template <typename Code>
void ScanCode(std::string_view sql, Code&& code) {
  size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    if (c == '\'' || c == '"' || c == '`') {
      for (++i; i < sql.size() && sql[i] != c; ++i)
        if (sql[i] == '\\') ++i;
      ++i;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      while (i < sql.size() && sql[i] != '\n') ++i;
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      const size_t end = sql.find("*/", i + 2);
      i = end == std::string_view::npos ? sql.size() : end + 2;
    } else {
      code(i);
      ++i;
    }
  }
}

QueryCell::Kind KindOf(std::string_view type) {
  while (type.starts_with("Nullable(") || type.starts_with("LowCardinality(")) {
    type.remove_prefix(type.find('(') + 1);
    type.remove_suffix(1);
  }
  if (type.starts_with("Int") || type.starts_with("UInt")) return QueryCell::Kind::kInt;
  if (type.starts_with("Float") || type.starts_with("Decimal")) return QueryCell::Kind::kReal;
  if (type == "Nothing") return QueryCell::Kind::kNull;
  return QueryCell::Kind::kText;
}

}  // namespace

bool NamesBookkeepingTable(std::string_view sql) {
  const auto word_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  bool found = false;
  ScanCode(sql, [&](size_t i) {
    if (found || (i > 0 && word_char(sql[i - 1])) || !word_char(sql[i])) return;
    size_t end = i;
    while (end < sql.size() && word_char(sql[end])) ++end;
    const std::string word = AsciiLower(sql.substr(i, end - i));
    if (word.starts_with("sluice_clickhouse_")) found = true;
    for (const TableDef& table : SystemTables())
      if (word == table.name) found = true;
  });
  return found;
}

std::vector<std::string> SplitStatements(std::string_view sql) {
  std::vector<std::string> statements;
  size_t start = 0;
  const auto cut = [&](size_t end) {
    const std::string_view statement = TrimWhitespace(sql.substr(start, end - start));
    if (!statement.empty()) statements.emplace_back(statement);
  };
  ScanCode(sql, [&](size_t i) {
    if (sql[i] != ';') return;
    cut(i);
    start = i + 1;
  });
  cut(sql.size());
  return statements;
}

Status ChQuery(ClickHouseClient* client, std::string_view sql, bool allow_writes, QuerySink* sink) {
  ClickHouseClient::Settings settings = {{"default_format", "TabSeparatedWithNamesAndTypes"}};
  // readonly=1, not 2: 2 still lets table functions (file(), url(), remote()) through.
  if (!allow_writes) settings["readonly"] = "1";
  for (const std::string& statement : SplitStatements(sql)) {
    auto out = client->Run(statement, settings);
    if (!out.ok()) {
      if (!allow_writes && ChErrorCode(out.status().message()) == 164)  // READONLY
        return Status::InvalidArgument(fmt::format("sluice sql is read-only without --write: {}", out.status().message()));
      return out.status();
    }
    if (out->empty()) continue;  // a statement without rows (with --write)
    const auto rows = ParseTsv(*out);
    if (!rows || rows->size() < 2)
      return Status::Internal(fmt::format("ClickHouse answered '{}' with output sluice cannot read", statement));
    std::vector<std::string> names;
    for (const auto& name : (*rows)[0]) names.push_back(name.value_or(""));
    std::vector<QueryCell::Kind> kinds;
    std::vector<bool> floats;
    for (const auto& type : (*rows)[1]) {
      kinds.push_back(KindOf(type.value_or("")));
      floats.push_back(type.value_or("").find("Float") != std::string::npos);
    }
    sink->Columns(names);
    std::vector<QueryCell> cells(names.size());
    for (size_t r = 2; r < rows->size(); ++r) {
      for (size_t c = 0; c < names.size(); ++c) {
        const auto& field = (*rows)[r][c];
        cells[c].kind = field ? kinds[c] : QueryCell::Kind::kNull;
        cells[c].text = field.value_or("");
        // A float prints as a real, as on the other backends ("5.0", not "5").
        if (floats[c] && field && cells[c].text.find_first_not_of("-0123456789") == std::string::npos)
          cells[c].text += ".0";
      }
      sink->Row(cells);
    }
  }
  return Status::Ok();
}

Result<int64_t> ChRunScript(ClickHouseClient* client, std::string_view sql, int64_t timeout_micros) {
  ClickHouseClient::Settings settings;
  if (timeout_micros > 0) settings["max_execution_time"] = std::to_string(std::max<int64_t>(1, timeout_micros / 1'000'000));
  for (const std::string& statement : SplitStatements(sql)) {
    Status status = client->Run(statement, settings).status();
    // Code 159, TIMEOUT_EXCEEDED: said as the other backends say it.
    if (ChErrorCode(status.message()) == 159)
      return Status::Unavailable(fmt::format("the task ran past its timeout ({} s) and was cancelled",
                                             timeout_micros / 1'000'000));
    RETURN_IF_ERROR(status);
  }
  return 0;
}

}  // namespace sluice
