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
#pragma once

#include <memory>
#include <string>

#include "warehouse/backend.h"
#include "warehouse/bookkeeping_store.h"
#include "warehouse/postgres/pg_dialect.h"
#include "warehouse/postgres/pg_model_store.h"
#include "warehouse/postgres/pg_options.h"
#include "warehouse/postgres/pg_session.h"
#include "warehouse/sql/sql_bookkeeping.h"
#include "warehouse/sql/sql_warehouse.h"

namespace sluice {

class PgWarehouse final : public SqlWarehouse {
 public:
  // Connects to options.dsn (or $SLUICE_PG_DSN when it is empty).
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
  Status Query(std::string_view sql, bool allow_writes, QuerySink* sink) override;
  Result<int64_t> RunScript(std::string_view sql, int64_t timeout_micros) override;
  ModelStore& models() override { return models_; }

 protected:
  SqlBookkeeping& bookkeeping() override { return bookkeeping_; }

 private:
  PgWarehouse(std::unique_ptr<PgSession> session, PgOptions options)
      : session_(std::move(session)), options_(std::move(options)), dialect_(options_.schema) {}
  PgConnection* conn() { return session_->conn(); }
  Result<bool> SchemaIsCurrent(const Catalog& catalog);
  Status PrepareEvent(const EventSpec& event, std::vector<std::string>* refusals);
  Status GrantReadOnly(const Catalog& catalog);
  std::string Table(std::string_view name) const;

  std::unique_ptr<PgSession> session_;
  SqlBookkeeping bookkeeping_{session_.get()};
  PgOptions options_;
  PgDialect dialect_;
  PgModelStore models_{session_.get(), &dialect_, options_.readonly_role};
};

}  // namespace sluice
