// What a SQL warehouse holds of a catalog's tables, and what it must do to
// hold the catalog: the same judgement on every SQL backend, made for every
// type before anything changes (so a refusal changes nothing), in time
// linear in the catalog's size.
#pragma once

#include <map>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "catalog/event_spec.h"
#include "warehouse/dialect.h"
#include "warehouse/schema_diff.h"

namespace sluice {

// Read in one pass over the warehouse's own catalog and sluice's tables.
struct StoredSchema {
  // Tables, views and indexes by name: one namespace in SQLite and in a
  // PostgreSQL schema alike.
  std::unordered_set<std::string> relations;
  std::unordered_map<std::string, std::map<std::string, AppliedColumn>> columns;  // sluice_columns, by table
  std::unordered_set<std::string> streams;  // sluice_streams' staging tables
  bool system_tables = false;               // every one of SystemTables() exists
};

// Whether every type's tables, columns, indexes and stream are there as the
// catalog declares them (the system tables too).
bool SchemaHoldsCatalog(const StoredSchema& schema, const Catalog& catalog);

struct SchemaPlan {
  std::vector<std::string> statements;  // DDL, in order, each idempotent (IF NOT EXISTS)
  struct Column {
    const EventSpec* event;
    const ColumnSpec* column;
  };
  std::vector<Column> remember;               // rows for sluice_columns
  std::vector<const EventSpec*> new_streams;  // rows for sluice_streams
  std::vector<std::string> refusals;          // RefusalStatus: when any, run nothing
};

// What brings `schema` to `catalog` in `dialect`: new tables, added columns,
// missing indexes and staging tables; a name taken by a table sluice did not
// create, or a change that would lose data, is refused.
SchemaPlan PlanSchema(const StoredSchema& schema, const Catalog& catalog, const SqlDialect& dialect);

}  // namespace sluice
