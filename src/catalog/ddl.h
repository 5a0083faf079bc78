// DDL for the catalog, per SQL dialect.
//
// sqlite:    the final and staging tables sluice itself creates.
// postgres:  the same tables on PostgreSQL.
// snowflake: for a team that keeps Snowflake, the per-event objects the seed
//            sets up by hand (stage, pipe, staging table, stream, final table,
//            merge task, cleanup task), generated from the same catalog.
#pragma once

#include <string>

#include "catalog/event_spec.h"

namespace sluice {

// Quotes an SQL identifier ("name"), doubling embedded quotes.
std::string QuoteIdent(std::string_view name);

// The column type as declared in an SQLite final table. Chosen for the
// affinity each value needs: number(p,s) is REAL (SQLite has no exact
// decimal), timestamps and dates are fixed-width text.
std::string SqliteColumnType(const ColumnType& type);

std::string SqliteCreateFinalTable(const EventSpec& event);
std::string SqliteCreateStagingTable(const EventSpec& event);

// PostgreSQL: native types (numeric(p,s), timestamp, varchar(n), bigint,
// boolean, date, jsonb), tables qualified by `schema`.
std::string PostgresColumnType(const ColumnType& type);
std::string PostgresCreateFinalTable(const EventSpec& event, const std::string& schema);
std::string PostgresCreateStagingTable(const EventSpec& event, const std::string& schema);

struct SnowflakeOptions {
  std::string schema = "SLUICE.PUBLIC";              // database.schema
  std::string stage_url = "s3://YOUR-BUCKET/load/";  // the event name is appended
  std::string storage_integration = "YOUR_S3_INTEGRATION";
  std::string file_format;        // default: <schema>.JSON_FILE_FORMAT
  std::string readonly_role;      // GRANT SELECT on the final table when set
  std::string merge_schedule = "5 MINUTE";
  std::string cleanup_schedule = "USING CRON 0 10 * * SUN UTC";
  int cleanup_days = 7;
};

std::string SnowflakeObjects(const EventSpec& event, const SnowflakeOptions& options);

}  // namespace sluice
