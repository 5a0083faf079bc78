// For a team that keeps Snowflake: the per-event objects the seed sets up by
// hand (stage, pipe, staging table, stream, final table, merge task, cleanup
// task), generated from the same catalog. Not a backend: sluice prints this
// DDL (`sluice ddl --dialect snowflake`), it does not run it.
#pragma once

#include <string>

#include "warehouse/dialect.h"

namespace sluice {

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

// The objects of one event type.
std::string SnowflakeObjects(const EventSpec& event, const SnowflakeOptions& options);

class SnowflakeDialect final : public Dialect {
 public:
  explicit SnowflakeDialect(SnowflakeOptions options) : options_(std::move(options)) {}
  // Every event type's objects, one after the other.
  std::string CatalogDdl(const Catalog& catalog) const override;

 private:
  SnowflakeOptions options_;
};

}  // namespace sluice
