#include "warehouse/dialect.h"

#include <algorithm>

#include <fmt/format.h>

#include "base/text.h"

namespace sluice {

std::string SqlDialect::ColumnClause(const TableDef& table, const ColumnDef& column) const {
  std::string clause = table.final_table ? QuoteIdent(column.name) : column.name;
  clause += ' ';
  clause += std::holds_alternative<SystemType>(column.type) ? TypeName(std::get<SystemType>(column.type))
                                                             : TypeName(std::get<ColumnType>(column.type));
  if (column.not_null) clause += " NOT NULL";
  if (column.default_value) clause += " DEFAULT " + *column.default_value;
  return clause;
}

std::string SqlDialect::CreateTable(const TableDef& table) const {
  std::vector<std::pair<std::string, std::string>> lines;  // clause, comment
  for (const auto& column : table.columns) lines.emplace_back(ColumnClause(table, column), column.comment);
  if (!table.primary_key.empty()) {
    std::vector<std::string> keys;
    for (const auto& k : table.primary_key) keys.push_back(table.final_table ? QuoteIdent(k) : k);
    lines.emplace_back(fmt::format("PRIMARY KEY ({})", Join(keys, ", ")), "");
  }
  for (size_t i = 0; i + 1 < lines.size(); ++i) lines[i].first += ',';
  size_t width = 0;  // comments start in one column
  for (const auto& [clause, comment] : lines)
    if (!comment.empty()) width = std::max(width, clause.size());
  std::string out;
  if (!table.comment.empty()) out += fmt::format("-- {}\n", table.comment);
  out += fmt::format("CREATE TABLE IF NOT EXISTS {} (\n", TableName(table.name));
  for (const auto& [clause, comment] : lines) {
    out += "  " + clause;
    if (!comment.empty()) out += std::string(width - clause.size() + 2, ' ') + "-- " + comment;
    out += '\n';
  }
  out += ")";
  if (table.final_table) out += FinalTableOptions(table);
  return out + ";\n";
}

std::string SqlDialect::CreateIndexes(const TableDef& table) const {
  std::string out;
  for (const auto& index : table.indexes)
    out += fmt::format("CREATE INDEX IF NOT EXISTS {} ON {} ({});\n", index.name, TableName(table.name),
                       Join(index.columns, ", "));
  return out;
}

std::string SqlDialect::AddColumn(const TableDef& table, const ColumnDef& column) const {
  return fmt::format("ALTER TABLE {} ADD COLUMN {}", TableName(table.name), ColumnClause(table, column));
}

std::string SqlDialect::Concat(const std::vector<std::string>& exprs) const {
  if (exprs.empty()) return "''";
  return "(" + Join(exprs, " || ") + ")";
}

std::string SqlDialect::CatalogDdl(const Catalog& catalog) const {
  std::string out = "-- sluice's own tables\n" + Preamble();
  for (const auto& table : SystemTables()) out += CreateTable(table) + CreateIndexes(table);
  for (const auto& event : catalog.events)
    out += "\n" + CreateTable(FinalTableDef(event)) + CreateIndexes(FinalTableDef(event)) +
           CreateTable(StagingTableDef(event));
  return out;
}

}  // namespace sluice
