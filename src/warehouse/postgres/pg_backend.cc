// Registers the PostgreSQL warehouse: `warehouse: {backend: postgres, dsn,
// schema, readonly_role, read_dsn}`, for deployments where several collectors,
// analysts and tools share one server.
#include <algorithm>
#include <cctype>

#include "warehouse/postgres/pg_dialect.h"
#include "warehouse/postgres/pg_options.h"
#include "warehouse/postgres/pg_warehouse.h"
#include "warehouse/registry.h"

namespace sluice {
namespace {

// A PostgreSQL identifier sluice will quote anyway, kept plain so that people
// can type it unquoted in psql: letters, digits and _, not starting with a digit.
std::optional<std::string> NotPlainIdentifier(const std::string& s) {
  const bool plain = !s.empty() && s.size() <= 63 && !std::isdigit(static_cast<unsigned char>(s[0])) &&
                     std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isalnum(c) || c == '_'; });
  if (plain) return std::nullopt;
  return "must be 1-63 letters, digits or _, not starting with a digit";
}

const bool kRegistered = RegisterBackend({
    .name = "postgres",
    .summary = "a schema on a shared PostgreSQL server",
    .options = {{"dsn", "", "libpq connection string or URI; empty: $SLUICE_PG_DSN", nullptr},
                {"schema", "public", "the schema every table sluice creates lives in", NotPlainIdentifier},
                {"readonly_role", "", "a role granted USAGE on the schema and SELECT on the final tables",
                 NotPlainIdentifier},
                {"read_dsn", "",
                 "the login `sluice sql` reads with (without --write), holding only readonly_role's rights; "
                 "empty: $SLUICE_PG_READ_DSN, else dsn's login",
                 nullptr}},
    .open = [](const WarehouseConfig& config, const std::string&) { return PgWarehouse::Open(PgOptions::From(config)); },
    .dialect = [](const WarehouseConfig& config) {
      return std::unique_ptr<SqlDialect>(new PgDialect(PgOptions::From(config).schema));
    },
    // A DSN as a URI: the schema is the guest warehouse's name space.
    .bookkeeping = BookkeepingHost{
        .accepts = [](std::string_view location) {
          return location.starts_with("postgresql://") || location.starts_with("postgres://");
        },
        .open = [](const std::string& location, const std::string& name_space, const std::string&) {
          return PgWarehouse::OpenBookkeeping(PgOptions{location, name_space, "", ""});
        }},
});

}  // namespace
}  // namespace sluice
