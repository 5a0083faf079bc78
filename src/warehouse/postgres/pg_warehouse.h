// The PostgreSQL warehouse: every table in one schema (warehouse.schema) of
// a shared server, so several sluice processes, analysts and tools can use
// it at once.
//
// Concurrency across processes, by transaction-scoped advisory locks:
//   - loads of one event type take turns (their staging seqs then commit in
//     seq order, so a merge never skips a row committed late), and the load
//     history's check-then-insert is atomic under that lock;
//   - merges of one event type take turns (a second one waits);
//   - Prepare (creating and evolving tables) takes turns per schema.
// A lost connection is reconnected on the next call; the call that found it
// broken fails as Unavailable, which the pipeline retries.
//
// Reading (Query without allow_writes, i.e. `sluice sql` without --write):
// one statement in a READ ONLY transaction (PgQuery), on a connection of its
// own to options.read_dsn when that is set, opened for the one query and
// closed after it, so that what PostgreSQL grants that login bounds what the
// statement can do. That login must be neither a superuser, nor a member of
// the roles that reach the server's files or programs, nor dsn's own login
// (InvalidArgument, before the statement is sent). With readonly_role set,
// Prepare grants that role to read_dsn's user, when the DSN names one that
// exists. Without read_dsn the statement runs on the warehouse's own
// connection, with its rights.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "warehouse/backend.h"
#include "warehouse/bookkeeping_store.h"
#include "warehouse/postgres/pg_dialect.h"
#include "warehouse/postgres/pg_model_store.h"
#include "warehouse/postgres/pg_options.h"
#include "warehouse/postgres/pg_session.h"
#include "warehouse/schema_plan.h"
#include "warehouse/sql/sql_bookkeeping.h"
#include "warehouse/sql/sql_warehouse.h"

namespace sluice {

class PgWarehouse final : public SqlWarehouse {
 public:
  // Connects to options.dsn (or $SLUICE_PG_DSN when it is empty); an empty
  // options.read_dsn is $SLUICE_PG_READ_DSN's value, if any.
  static Result<std::unique_ptr<Warehouse>> Open(PgOptions options);
  // Opens the schema options.schema on the server options.dsn names as
  // another backend's bookkeeping store.
  static Result<BookkeepingStore> OpenBookkeeping(PgOptions options);

  Status Prepare(const Catalog& catalog) override;
  Result<std::optional<std::string>> LoadedAs(const std::string& event_type, const std::string& checksum) override;
  Result<bool> LandedFileLoaded(const std::string& event_type, const std::string& landed_as) override;
  Result<std::unique_ptr<StagingLoad>> BeginLoad(const EventSpec& event, std::string source,
                                                 std::string file) override;
  Result<std::unique_ptr<MergeTransaction>> BeginMerge(const EventSpec& event) override;
  Result<EventStatus> GetStatus(const EventSpec& event) override;
  // pg_status.cc: a few statements, not a round trip per type.
  Result<std::vector<EventStatus>> GetStatuses(const Catalog& catalog) override;
  Status Query(std::string_view sql, bool allow_writes, QuerySink* sink) override;
  Result<int64_t> RunScript(std::string_view sql, int64_t timeout_micros) override;
  ModelStore& models() override { return models_; }

 protected:
  SqlBookkeeping& bookkeeping() override { return bookkeeping_; }

 private:
  PgWarehouse(std::unique_ptr<PgSession> session, PgOptions options)
      : session_(std::move(session)), options_(std::move(options)), dialect_(options_.schema) {}
  // Open without the environment's read_dsn (another backend's bookkeeping
  // store reads sluice's own tables, which a reader login may not).
  static Result<std::unique_ptr<Warehouse>> Connect(PgOptions options);
  PgConnection* conn() { return session_->conn(); }
  // pg_schema.cc: what the schema holds read once, not per event type.
  struct AppliedSchema;
  Result<AppliedSchema> ReadSchema();
  Result<bool> SchemaIsCurrent(const Catalog& catalog);
  // Creates and evolves every type's tables, in the open transaction.
  // `locked` runs its body in a transaction under the prepare lock; the
  // statements go in batches, a transaction each.
  Status PrepareEvents(const Catalog& catalog, const std::function<Status(const std::function<Status()>&)>& locked);
  // The sluice_columns rows of `remember` and the sluice_streams rows of `new_streams`.
  Status RememberEvents(const std::vector<SchemaPlan::Column>& remember, const std::vector<const EventSpec*>& new_streams);
  Status GrantReadOnly(const Catalog& catalog);
  // read_dsn's user when the DSN names one; nullopt otherwise.
  std::optional<std::string> ReaderUser() const;
  // Whether read_dsn's user exists and is not yet a member of readonly_role.
  Result<bool> ReaderLacksRole();
  // A connection to read_dsn in the warehouse's schema, its login checked.
  Result<std::unique_ptr<PgSession>> OpenReader();
  std::string Table(std::string_view name) const;

  std::unique_ptr<PgSession> session_;
  SqlBookkeeping bookkeeping_{session_.get()};
  PgOptions options_;
  PgDialect dialect_;
  PgModelStore models_{session_.get(), &dialect_, options_.readonly_role};
};

}  // namespace sluice
