// How sluice's tables look on ClickHouse, and dbt's cross-database macros
// spelled for it. Immutable: thread-safe.
//
// Per event type, in the warehouse's database:
//   <table>_stg    staging: the raw lines, MergeTree ordered by seq, on the
//                  server `url` names (never distributed);
//   <table>_local  the rows: ReplacingMergeTree(_sluice_version) ordered by
//                  the key, on every shard. sluice decides which version of a
//                  key wins and writes only winners, each with a higher
//                  _sluice_version than the key's stored one, so the engine's
//                  "highest _sluice_version wins" keeps exactly sluice's
//                  choice; a deleted key is a row with _sluice_deleted = 1.
//                  A type without a key gets _sluice_row, the row's place in
//                  its type's history, as its key, so a replayed insert
//                  collapses into the first;
//   <table>_all    with a cluster: a Distributed table over the shards'
//                  _local tables, sharded by _sluice_shard (a hash of the key);
//   <table>        what people query: a view of one row per key (FINAL),
//                  deleted keys left out, the catalog's columns only.
// Columns are Nullable except the key's. Timestamps and dates keep the text
// sluice writes everywhere ("YYYY-MM-DD HH:MM:SS.ffffff", "YYYY-MM-DD"):
// exact to the microsecond, any year 0001-9999, sorting in time order.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "catalog/event_spec.h"
#include "warehouse/clickhouse/ch_options.h"
#include "warehouse/dialect.h"

namespace sluice {

inline constexpr const char* kChVersionColumn = "_sluice_version";
inline constexpr const char* kChDeletedColumn = "_sluice_deleted";
inline constexpr const char* kChShardColumn = "_sluice_shard";
inline constexpr const char* kChRowColumn = "_sluice_row";

class ChDialect final : public SqlDialect {
 public:
  explicit ChDialect(ChOptions options) : options_(std::move(options)) {}

  std::string TypeName(const ColumnType& type) const override;
  std::string TypeName(SystemType type) const override;
  std::string TableName(std::string_view table) const override;
  std::string Preamble() const override;
  // What `sluice ddl` prints: the ClickHouse side (sluice's own tables live in
  // the bookkeeping store, created as that backend creates them).
  std::string CatalogDdl(const Catalog& catalog) const override;

  Result<std::string> DateTrunc(std::string_view part, std::string_view expr) const override;
  Result<std::string> DateAdd(std::string_view part, std::string_view amount, std::string_view expr) const override;
  Result<std::string> DateDiff(std::string_view first, std::string_view second, std::string_view part) const override;
  std::string Hash(std::string_view expr) const override;
  std::string SafeCast(std::string_view expr, std::string_view type) const override;
  std::string CurrentTimestamp() const override;
  std::string TypeString() const override;
  std::string TypeInt() const override;
  std::string TypeNumeric() const override;
  std::string TypeTimestamp() const override;
  bool HasCtes() const override { return false; }  // not in 18.16

  // --- The statements of the layout above, one each.
  static std::string LocalTable(const EventSpec& event) { return event.table + "_local"; }
  static std::string DistributedTable(const EventSpec& event) { return event.table + "_all"; }
  // Where reads of the rows go: _all with a cluster, else _local.
  std::string RowsTable(const EventSpec& event) const {
    return options_.distributed() ? DistributedTable(event) : LocalTable(event);
  }
  // The key of the rows table: the catalog's, or _sluice_row.
  static std::vector<std::string> StorageKey(const EventSpec& event);
  // A column's type in the rows table.
  std::string ColumnTypeOf(const EventSpec& event, const ColumnSpec& column) const;
  std::string CreateDatabase() const;
  std::string CreateStaging(const EventSpec& event) const;
  std::string CreateLocal(const EventSpec& event) const;
  // The Distributed table and the view, named `as` (default: their own
  // names): a new one is made beside the old and renamed into its place.
  std::string CreateDistributed(const EventSpec& event, std::string_view as = {}) const;
  std::string CreateView(const EventSpec& event, std::string_view as = {}) const;
  std::string AddColumn(std::string_view table, const EventSpec& event, const ColumnSpec& column) const;

  const ChOptions& options() const { return options_; }

 private:
  ChOptions options_;
};

}  // namespace sluice
