// How large a catalog may be. config/ refuses a catalog past any of these
// when it loads the file, naming the limit and where it is crossed, so that
// nothing downstream meets a table a backend cannot create or a name it
// would silently cut. Code after config/ may rely on them.
//
// Each limit is set by the smallest backend that must hold what it bounds
// (SQLite: 2000 columns a table; PostgreSQL: 1600 columns a table, rows of
// at most 8160 bytes of fixed-width values, names of at most 63 bytes;
// ClickHouse: no smaller limit), with room for what sluice adds itself.
#pragma once

#include <cstddef>
#include <string_view>

namespace sluice {

// Columns an event type declares. sluice adds up to 2 to the final table
// (sluice_event_id, sluice_item) and ClickHouse's rows table 4 more
// (_sluice_version, _sluice_deleted, _sluice_shard, _sluice_row), which
// stays far below SQLite's 2000 and PostgreSQL's 1600. The tighter bound is
// PostgreSQL's row, which must fit 8160 bytes apart from long text: 1000
// non-null 8-byte values (int, double, timestamp) with sluice's columns do
// (tried on PostgreSQL 15, flattened and with an id; 1020 do not).
inline constexpr size_t kMaxColumnsPerEvent = 1000;

// Event types in one catalog. Each type is 2 tables (4 on a ClickHouse
// cluster), a landing folder and its own merge; 20 000 types is a size the
// tests load, and this leaves room above it.
inline constexpr size_t kMaxEventTypes = 50'000;

// Levels of a path into an event: its segments (a field or an [index]
// each), and for a path from `item` also the flattened array's path and
// the element itself. The loader's JSON reader (simdjson's default
// max_depth, 1024) refuses an event nested 1024 levels deep, the event's
// own object being the first, so a value under a path of up to 1022 levels,
// even an object or array, can be in an event it accepts; a deeper path
// would never find anything. 1000 is that, rounded down.
inline constexpr size_t kMaxPathDepth = 1000;

// Bytes of a name sluice creates in the warehouse (a table or a column):
// PostgreSQL keeps 63 (NAMEDATALEN - 1) and silently cuts longer names, so
// two long names that differ only past byte 63 would become one table.
inline constexpr size_t kMaxIdentifierBytes = 63;

// The longest suffix sluice appends to a table name for a name that
// PostgreSQL holds: the staging table `<table>_stg`. (ClickHouse's
// `<table>_local`, `<table>_all` and `<table>_all__sluice_new`, at most 16
// bytes more, are file names there, which may be 255 bytes long.)
inline constexpr std::string_view kLongestTableSuffix = "_stg";
inline constexpr size_t kMaxTableNameBytes = kMaxIdentifierBytes - kLongestTableSuffix.size();

// Bytes of an event type's name: it names a landing folder
// (data_dir/landing/<name>/…, one path component) and is the `event_type`
// value in sluice's own tables; the table's name is derived from it unless
// `table:` is set.
inline constexpr size_t kMaxEventNameBytes = 128;

}  // namespace sluice
