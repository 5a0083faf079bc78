// What the SQL backends' warehouses share: sluice's bookkeeping, the same
// statements on each (sql_bookkeeping.h). A backend derives from this and
// says where its bookkeeping is.
#pragma once

#include "warehouse/backend.h"
#include "warehouse/sql/sql_bookkeeping.h"

namespace sluice {

class SqlWarehouse : public Warehouse {
 public:
  Result<int64_t> ArrivalNow(const EventSpec& event) override { return bookkeeping().ArrivalNow(event); }
  Result<int64_t> DeleteMergedStagingRows(const EventSpec& event, const std::string& loaded_before) override {
    return bookkeeping().DeleteMergedStagingRows(event, loaded_before);
  }
  Result<std::vector<std::string>> FilesLoadedBefore(const EventSpec& event,
                                                     const std::string& loaded_before) override {
    return bookkeeping().FilesLoadedBefore(event, loaded_before);
  }
  TaskStore& tasks() override { return bookkeeping().tasks(); }
  CorrectionStore& corrections() override { return bookkeeping().corrections(); }
  LoadErrorStore& load_errors() override { return bookkeeping().load_errors(); }

 protected:
  // On the warehouse's own connection.
  virtual SqlBookkeeping& bookkeeping() = 0;
};

}  // namespace sluice
