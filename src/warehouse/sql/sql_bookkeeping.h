// sluice's bookkeeping on an SQL session, the same statements on SQLite and
// PostgreSQL: the task, correction and load-error stores, and the reads and
// deletes of retention and corrections that touch staging and the load
// history. A backend's Warehouse holds one over its connection and hands its
// operations through.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "catalog/event_spec.h"
#include "warehouse/sql/sql_correction_store.h"
#include "warehouse/sql/sql_load_error_store.h"
#include "warehouse/sql/sql_session.h"
#include "warehouse/sql/sql_task_store.h"

namespace sluice {

class SqlBookkeeping {
 public:
  // `session` outlives this.
  explicit SqlBookkeeping(SqlSession* session)
      : session_(session), tasks_(session), corrections_(session), load_errors_(session) {}

  TaskStore& tasks() { return tasks_; }
  CorrectionStore& corrections() { return corrections_; }
  LoadErrorStore& load_errors() { return load_errors_; }

  // As Warehouse's operations of the same names.
  Result<int64_t> ArrivalNow(const EventSpec& event);
  Result<int64_t> DeleteMergedStagingRows(const EventSpec& event, const std::string& loaded_before);
  Result<std::vector<std::string>> FilesLoadedBefore(const EventSpec& event, const std::string& loaded_before);

 private:
  SqlSession* session_;
  SqlTaskStore tasks_;
  SqlCorrectionStore corrections_;
  SqlLoadErrorStore load_errors_;
};

}  // namespace sluice
