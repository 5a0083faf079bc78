// TaskStore on an SQL session: the same statements on SQLite and PostgreSQL.
#pragma once

#include "warehouse/sql/sql_session.h"
#include "warehouse/task_store.h"

namespace sluice {

class SqlTaskStore final : public TaskStore {
 public:
  // `session` outlives the store.
  explicit SqlTaskStore(SqlSession* session) : session_(session) {}

  Result<int64_t> Record(const TaskRun& run) override;
  Result<std::set<std::string>> Suspended() override;
  Status SetSuspended(const std::string& task, bool suspended) override;
  Result<std::vector<TaskRunRow>> History(const std::string& task, int limit) override;
  Result<std::map<std::string, TaskRunRow>> LastRuns() override;
  Result<std::map<std::string, int64_t>> Failures() override;

 private:
  SqlSession* session_;
};

}  // namespace sluice
