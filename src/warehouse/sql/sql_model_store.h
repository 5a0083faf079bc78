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

 private:
  SqlSession* session_;
  const SqlDialect* dialect_;
  std::string adapter_type_;
};

}  // namespace sluice
