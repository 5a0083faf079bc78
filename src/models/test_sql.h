// The queries of dbt's built-in generic tests: each returns the failing
// rows, as dbt's own macros do, so a count of zero is a pass.
//
//   unique           the values that occur more than once, with how often
//   not_null         the rows where the column is NULL
//   accepted_values  the values outside the list, with how often
//   relationships    the child values with no parent row
//
// Thread-safe; never throws.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "models/project.h"

namespace sluice::models {

// `relation` is the tested relation as SQL (quoted, or a subquery with its
// `where`); `to_relation` the parent of a relationships test.
// InvalidArgument for a custom test (project_tests' to render) or a test
// that lacks its column.
Result<std::string> BuiltinTestSql(const TestDefinition& test, std::string_view relation,
                                   std::string_view to_relation);

// The relation a test reads: `relation`, or with the test's `where` config
// a subquery of the rows it keeps.
std::string TestedRelation(std::string_view relation, const NodeConfig& config);

// The query with the test's `limit`, when it has one.
std::string LimitFailures(std::string_view sql, const NodeConfig& config);

// A SQL string literal.
std::string SqlString(std::string_view text);

}  // namespace sluice::models
