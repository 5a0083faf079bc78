// A row of a PostgreSQL query as the event it becomes: the payload column's
// JSON as is, or an object of all the row's columns, typed by their
// PostgreSQL types (numbers and booleans bare, json/jsonb embedded, the rest
// strings, NULL as null).
#pragma once

#include <libpq-fe.h>

#include <string>
#include <vector>

#include "sources/backfill/copy_text.h"

namespace sluice {

struct SourceColumn {
  std::string name;
  Oid type = 0;
};

// Appends the JSON object of `fields` (one per column) to *out.
void AppendRowObject(const std::vector<SourceColumn>& columns, const CopyFields& fields, std::string* out);

}  // namespace sluice
