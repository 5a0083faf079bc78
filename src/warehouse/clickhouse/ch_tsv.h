// ClickHouse's TabSeparated format, both ways: what sluice writes in an
// INSERT (rows of fields, \N for NULL, backslash escapes) and reads back from
// a SELECT … FORMAT TabSeparated. Pure functions, no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

// Appends `text` escaped as one TSV field (backslash, tab, newline, carriage
// return and NUL escaped).
void AppendTsvField(std::string_view text, std::string* out);
inline void AppendTsvNull(std::string* out) { out->append("\\N"); }

using TsvRow = std::vector<std::optional<std::string>>;  // nullopt: \N

// Splits TabSeparated output into rows of unescaped fields. A row whose
// field count differs from the first row's is an error (nullopt), as is a
// dangling escape.
std::optional<std::vector<TsvRow>> ParseTsv(std::string_view text);

// `text` as a ClickHouse string literal: single quotes, backslash escapes.
std::string ChStringLiteral(std::string_view text);
// `name` as a ClickHouse identifier: backquoted, backquotes and backslashes escaped.
std::string ChIdent(std::string_view name);

}  // namespace sluice
