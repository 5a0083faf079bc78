// What ModelStore does the same way on every SQL backend: the failing rows
// of a data test, and the run history. A backend's store derives from this
// and builds the relations its own way.
#pragma once

#include <string>

#include "warehouse/model_store.h"
#include "warehouse/sql/sql_session.h"

namespace sluice {

class SqlModelStore : public ModelStore {
 public:
  Result<FailingRows> Failures(std::string_view select, size_t sample) override;
  Status RecordRun(const ModelRun& run) override;
  Status EnsureKeyIndex(std::string_view name, const std::vector<std::string>& key) override;
  Result<std::map<std::string, int64_t>> MergePositions() override;
  std::string_view adapter_type() const override { return adapter_type_; }
  const SqlDialect& dialect() const override { return *dialect_; }

 protected:
  // `session` and `dialect` outlive the store; `adapter_type` is the backend's name.
  SqlModelStore(SqlSession* session, const SqlDialect* dialect, std::string adapter_type)
      : session_(session), dialect_(dialect), adapter_type_(std::move(adapter_type)) {}
  SqlSession* session() { return session_; }

  // A seed's rows as parameters for the backend's columns: timestamps in
  // UTC, an offset applied (as the event tables' are; PostgreSQL's
  // `timestamp` would drop it), and with `booleans_as_integers` true/false as
  // 1/0. A column with a declared type gets the text as written.
  // InvalidArgument naming the column for a value its type cannot hold.
  static Result<std::vector<SqlParams>> SeedParams(const SeedRows& seed, bool booleans_as_integers);

  // The columns an incremental run of `name` inserts, given the table's
  // columns and those of the rows arriving: the shared ones, and with
  // kAppendNewColumns the new ones too (*to_add gets those, for the backend
  // to add to the table first). kFail: InvalidArgument naming what changed.
  static Result<std::vector<std::string>> IncrementalColumns(std::string_view name,
                                                             const std::vector<RelationColumn>& existing,
                                                             const std::vector<RelationColumn>& arriving,
                                                             SchemaChange change, std::vector<RelationColumn>* to_add);

 private:
  SqlSession* session_;
  const SqlDialect* dialect_;
  std::string adapter_type_;
};

}  // namespace sluice
