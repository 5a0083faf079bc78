#include "warehouse/sqlite/sqlite_authorizer.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <iterator>

namespace sluice {
namespace {

// The functions user SQL may call, by family (any case). What is not here
// is refused, including whatever a later SQLite or an extension adds. Left
// out on purpose: fts3_tokenizer() (a code address, and with a pointer a
// jump to it), load_extension(), sqlite_compileoption_get/used() and
// sqlite_source_id() (the build, beyond sqlite_version()), sqlite_offset()
// (where a row sits in the file), sqlite_log() (writes to the process's
// log), and the full-text and R-Tree helpers (bm25, highlight, snippet,
// offsets, matchinfo, match, optimize, fts5, fts5_source_id, rtree*).
// Some names exist only in later SQLite versions (concat, format, if,
// octet_length, string_agg, timediff, unhex, unistr, percentile …).
constexpr std::string_view kCoreFunctions[] = {
    "abs", "changes", "char", "coalesce", "concat", "concat_ws", "format", "glob", "hex", "if", "ifnull", "iif",
    "instr", "last_insert_rowid", "length", "like", "likelihood", "likely", "lower", "ltrim", "max", "min", "nullif",
    "octet_length", "printf", "quote", "random", "randomblob", "replace", "round", "rtrim", "sign", "soundex",
    "sqlite_version", "substr", "substring", "total_changes", "trim", "typeof", "unhex", "unicode", "unistr",
    "unistr_quote", "unlikely", "upper", "zeroblob"};
constexpr std::string_view kDateFunctions[] = {"date",         "time",         "datetime",          "julianday",
                                               "unixepoch",    "strftime",     "timediff",          "current_date",
                                               "current_time", "current_timestamp"};
constexpr std::string_view kAggregateFunctions[] = {"avg",    "count",      "group_concat",    "string_agg",
                                                    "sum",    "total",      "median",          "percentile",
                                                    "percentile_cont", "percentile_disc"};
constexpr std::string_view kWindowFunctions[] = {"row_number", "rank",  "dense_rank", "percent_rank",
                                                 "cume_dist",  "ntile", "lag",        "lead",
                                                 "first_value", "last_value", "nth_value"};
constexpr std::string_view kMathFunctions[] = {
    "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "ceil", "ceiling", "cos", "cosh", "degrees", "exp",
    "floor", "ln", "log", "log10", "log2", "mod", "pi", "pow", "power", "radians", "sin", "sinh", "sqrt", "tan",
    "tanh", "trunc"};
// JSON: json, json_*, jsonb, jsonb_* by prefix, and the operators.
constexpr std::string_view kJsonOperators[] = {"->", "->>"};
// sluice's own (SqliteDb::Open): md5() for dbt.hash().
constexpr std::string_view kSluiceFunctions[] = {"md5"};
// What SQLite compiles into ALTER TABLE … RENAME / DROP COLUMN (besides
// like(), substr(), printf() and length()); top-level SQL cannot call them.
constexpr std::string_view kAlterFunctions[] = {"sqlite_drop_column", "sqlite_rename_column",
                                                "sqlite_rename_quotefix", "sqlite_rename_table",
                                                "sqlite_rename_test"};

// PRAGMAs that only describe tables: allowed to every speaker.
constexpr std::string_view kDescribingPragmas[] = {"table_info",  "table_xinfo",      "index_list", "index_info",
                                                   "index_xinfo", "foreign_key_list", "table_list"};
// PRAGMAs that maintain or check the file and change nothing else: allowed
// with `sluice sql --write`.
constexpr std::string_view kMaintainingPragmas[] = {"user_version",      "optimize",        "wal_checkpoint",
                                                    "incremental_vacuum", "integrity_check", "quick_check",
                                                    "foreign_key_check"};

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && sqlite3_strnicmp(s.data(), prefix.data(), static_cast<int>(prefix.size())) == 0;
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && sqlite3_strnicmp(a.data(), b.data(), static_cast<int>(a.size())) == 0;
}

template <size_t N>
bool OneOf(const std::string_view (&names)[N], std::string_view name) {
  return std::any_of(std::begin(names), std::end(names), [&](std::string_view n) { return EqualsNoCase(n, name); });
}

enum class Owner { kUser, kSluice, kSqlite, kSchema };

// Whose table `name` is. kSchema: sqlite_master and its aliases, which
// SQLite writes itself for CREATE, DROP and ALTER, and which defensive mode
// refuses to any other write.
Owner OwnerOf(const SqliteAuthority& a, std::string_view name) {
  if (StartsWithNoCase(name, "sluice_")) return Owner::kSluice;
  if (StartsWithNoCase(name, "sqlite_")) {
    for (std::string_view schema : {"sqlite_master", "sqlite_schema", "sqlite_temp_master", "sqlite_temp_schema"})
      if (EqualsNoCase(name, schema)) return Owner::kSchema;
    return Owner::kSqlite;
  }
  for (const std::string& staging : a.staging_tables)
    if (EqualsNoCase(name, staging)) return Owner::kSluice;
  return Owner::kUser;
}

class Authorizer {
 public:
  Authorizer(SqliteAuthority* a, const char* inner) : a_(*a), inner_(inner) {
    // What a view or trigger holds was written by a user, whoever reads it.
    speaker_ = a->speaker;
    if (inner != nullptr && speaker_ != SqliteSpeaker::kUserReads) speaker_ = SqliteSpeaker::kUserWrites;
  }

  int Check(int action, const char* arg1, const char* arg2) {
    switch (action) {
      case SQLITE_ATTACH:
        // VACUUM attaches a database of its own, without a file name.
        if (arg1 != nullptr && arg1[0] == '\0' &&
            (speaker_ == SqliteSpeaker::kSluice || speaker_ == SqliteSpeaker::kOperatorWrites))
          return SQLITE_OK;
        [[fallthrough]];
      case SQLITE_DETACH:
        // A file anywhere the process can write, and its tables in the query.
        return Deny("ATTACH and DETACH are not allowed");
      case SQLITE_FUNCTION: return Function(arg2 != nullptr ? arg2 : "");
      case SQLITE_PRAGMA: return Pragma(arg1 != nullptr ? arg1 : "", arg2 != nullptr);
      case SQLITE_TRANSACTION:
        if (speaker_ != SqliteSpeaker::kUserWrites) return SQLITE_OK;
        return Deny("BEGIN, COMMIT and ROLLBACK are not allowed in a task or model: sluice runs its SQL in one "
                    "transaction");
      case SQLITE_CREATE_TRIGGER:
      case SQLITE_CREATE_TEMP_TRIGGER:
        if (speaker_ != SqliteSpeaker::kUserWrites) return SQLITE_OK;
        return Deny("triggers are not allowed in a task or model: their SQL would run inside sluice's own statements");
      case SQLITE_INSERT:
      case SQLITE_UPDATE:
      case SQLITE_DELETE: return Write(action, arg1, arg2);
      // The table is arg1; creating a sqlite_* table is SQLite's own doing
      // (sqlite_stat1 for ANALYZE, sqlite_sequence for AUTOINCREMENT).
      case SQLITE_CREATE_TABLE:
      case SQLITE_CREATE_TEMP_TABLE:
      case SQLITE_CREATE_VIEW:
      case SQLITE_CREATE_TEMP_VIEW:
      case SQLITE_CREATE_VTABLE: return Table(arg1, /*creates=*/true);
      case SQLITE_DROP_TABLE:
      case SQLITE_DROP_TEMP_TABLE:
      case SQLITE_DROP_VIEW:
      case SQLITE_DROP_TEMP_VIEW:
      case SQLITE_DROP_VTABLE:
      case SQLITE_ANALYZE: return Ddl(arg1);
      // The table is arg2.
      case SQLITE_ALTER_TABLE: return Ddl(arg2);
      case SQLITE_CREATE_INDEX:
      case SQLITE_CREATE_TEMP_INDEX:
      case SQLITE_DROP_INDEX:
      case SQLITE_DROP_TEMP_INDEX:
      case SQLITE_DROP_TRIGGER:
      case SQLITE_DROP_TEMP_TRIGGER: return Table(arg2, /*creates=*/false);
      default: return SQLITE_OK;
    }
  }

 private:
  int Deny(std::string what, bool needs_write = false) {
    if (inner_ != nullptr) what += fmt::format(" (in {})", inner_);
    if (a_.refusal.what.empty()) a_.refusal = {std::move(what), needs_write};
    return SQLITE_DENY;
  }

  int Function(std::string_view name) {
    if (speaker_ == SqliteSpeaker::kSluice) {
      // What no statement of sluice's calls, in case one is ever built from
      // a user's text.
      if (EqualsNoCase(name, "fts3_tokenizer") || EqualsNoCase(name, "load_extension"))
        return Deny(fmt::format("the function {}() is not allowed in sluice's SQL", name));
      return SQLITE_OK;
    }
    if (SqliteFunctionAllowed(name)) return SQLITE_OK;
    return Deny(fmt::format("the function {}() is not allowed in sluice's SQL", name));
  }

  int Pragma(std::string_view name, bool has_value) {
    if (speaker_ == SqliteSpeaker::kSluice) return SQLITE_OK;
    if (OneOf(kDescribingPragmas, name)) return SQLITE_OK;
    if (!has_value && EqualsNoCase(name, "user_version")) return SQLITE_OK;
    if (OneOf(kMaintainingPragmas, name)) {
      if (speaker_ == SqliteSpeaker::kOperatorWrites) return SQLITE_OK;
      if (speaker_ == SqliteSpeaker::kUserReads)
        return Deny(fmt::format("PRAGMA {} may change the warehouse", name), /*needs_write=*/true);
      return Deny(fmt::format("PRAGMA {} maintains the warehouse file: only `sluice sql --write` may run it", name));
    }
    // Connection settings (journal_mode, synchronous, query_only,
    // writable_schema …) and what reveals the process or the build
    // (database_list, compile_options, function_list …).
    return Deny(fmt::format("PRAGMA {} is not allowed in sluice's SQL: it changes the connection or reveals the "
                            "process",
                            name));
  }

  int Write(int action, const char* table, const char* column) {
    if (speaker_ != SqliteSpeaker::kUserWrites || table == nullptr) return SQLITE_OK;
    const Owner owner = OwnerOf(a_, table);
    if (owner == Owner::kUser || owner == Owner::kSchema) return SQLITE_OK;
    // SQLite's own follow-up of the DROP or RENAME being compiled.
    if (!a_.ddl_table.empty() && EqualsNoCase(table, "sqlite_sequence") &&
        (action == SQLITE_DELETE || (action == SQLITE_UPDATE && column != nullptr && EqualsNoCase(column, "name"))))
      return SQLITE_OK;
    return Refuse(table, owner);
  }

  int Table(const char* table, bool creates) {
    if (speaker_ != SqliteSpeaker::kUserWrites || table == nullptr) return SQLITE_OK;
    const Owner owner = OwnerOf(a_, table);
    if (owner == Owner::kUser || (creates && owner != Owner::kSluice)) return SQLITE_OK;
    return Refuse(table, owner);
  }

  // A DROP, ALTER or ANALYZE of `table`.
  int Ddl(const char* table) {
    const int rc = Table(table, /*creates=*/false);
    if (rc == SQLITE_OK && table != nullptr) a_.ddl_table = table;
    return rc;
  }

  int Refuse(std::string_view table, Owner owner) {
    return Deny(fmt::format("{} is one of {} own tables: a task or model may not change it", table,
                            owner == Owner::kSluice ? "sluice's" : "SQLite's"));
  }

  SqliteAuthority& a_;
  const char* inner_;
  SqliteSpeaker speaker_;
};

}  // namespace

bool SqliteFunctionAllowed(std::string_view name) {
  return StartsWithNoCase(name, "json") || OneOf(kCoreFunctions, name) || OneOf(kDateFunctions, name) ||
         OneOf(kAggregateFunctions, name) || OneOf(kWindowFunctions, name) || OneOf(kMathFunctions, name) ||
         OneOf(kJsonOperators, name) || OneOf(kSluiceFunctions, name) || OneOf(kAlterFunctions, name);
}

int SqliteAuthorize(void* authority, int action, const char* arg1, const char* arg2, const char* /*db*/,
                    const char* inner) {
  return Authorizer(static_cast<SqliteAuthority*>(authority), inner).Check(action, arg1, arg2);
}

}  // namespace sluice
