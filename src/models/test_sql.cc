#include "models/test_sql.h"

#include <fmt/format.h>

namespace sluice::models {
namespace {

std::string Column(const TestDefinition& test) {
  if (!test.quote_column) return *test.column;
  std::string out = "\"";
  for (char c : *test.column) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

std::string SqlString(std::string_view text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::string TestedRelation(std::string_view relation, const NodeConfig& config) {
  if (!config.where) return std::string(relation);
  return fmt::format("(select * from {} where {}) dbt_subquery", relation, *config.where);
}

std::string LimitFailures(std::string_view sql, const NodeConfig& config) {
  if (!config.limit) return std::string(sql);
  return fmt::format("select * from (\n{}\n) dbt_limit limit {}", sql, *config.limit);
}

Result<std::string> BuiltinTestSql(const TestDefinition& test, std::string_view relation,
                                   std::string_view to_relation) {
  if (test.kind == GenericTestKind::kCustom)
    return Status::InvalidArgument(fmt::format("test '{}' is the project's own, not a built-in one", test.test_name));
  if (!test.column)
    return Status::InvalidArgument(fmt::format("test '{}' needs a column (declare it under a column, or give column_name)",
                                               test.name));
  const std::string col = Column(test);
  switch (test.kind) {
    case GenericTestKind::kUnique:
      return fmt::format(
          "select {0} as unique_field, count(*) as n_records\nfrom {1}\nwhere {0} is not null\ngroup by {0}\n"
          "having count(*) > 1",
          col, relation);
    case GenericTestKind::kNotNull:
      return fmt::format("select {0}\nfrom {1}\nwhere {0} is null", col, relation);
    case GenericTestKind::kAcceptedValues: {
      std::string values;
      for (const std::string& v : test.accepted_values) {
        if (!values.empty()) values += ", ";
        values += test.quote_values ? SqlString(v) : v;
      }
      // Subqueries rather than CTEs: ClickHouse 18.16 has no WITH name AS (…).
      return fmt::format(
          "select *\nfrom (\n  select {0} as value_field, count(*) as n_records\n  from {1}\n  group by {0}\n) "
          "all_values\nwhere value_field not in ({2})",
          col, relation, values);
    }
    case GenericTestKind::kRelationships:
      // NOT IN over the parent's non-null values: a left join's unmatched
      // side is NULL only where the warehouse says so (ClickHouse fills defaults).
      return fmt::format(
          "select {0} as from_field\nfrom {1}\nwhere {0} is not null\n  and {0} not in (\n    select {2}\n    "
          "from {3}\n    where {2} is not null\n  )",
          col, relation, test.field, to_relation);
    case GenericTestKind::kCustom: break;
  }
  return Status::Internal("unreachable");
}

}  // namespace sluice::models
