// Statements over many rows at once, for changes that touch many ids (a
// dedupe that excludes 100 000 deliveries, an import of fixes): a few
// statements instead of a round trip per row. Both statements keep the
// rows' order, so ids that a table assigns follow it.
#pragma once

#include <string_view>
#include <vector>

#include "base/status.h"
#include "warehouse/sql/sql_session.h"

namespace sluice {

// Runs `insert` ("INSERT INTO t (a, b, c)") followed by VALUES for `rows`
// (every row as wide as the column list), as many rows per statement as the
// backends' parameter limits allow.
Status InsertRows(SqlSession* session, std::string_view insert, const std::vector<SqlParams>& rows);

// Runs `sql` once per chunk of `tuples`, with "{tuples}" in it replaced by
// the chunk as a list for IN: "($3, $4)" for one-value tuples, "(($3, $4),
// ($5, $6))" for pairs. `fixed` are the parameters $1… that come before.
Status ExecuteForTuples(SqlSession* session, std::string_view sql, const SqlParams& fixed,
                        const std::vector<SqlParams>& tuples);

}  // namespace sluice
