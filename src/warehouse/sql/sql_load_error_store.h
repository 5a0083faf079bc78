// LoadErrorStore on an SQL session: the same statements on SQLite and PostgreSQL.
#pragma once

#include "warehouse/load_error_store.h"
#include "warehouse/sql/sql_session.h"

namespace sluice {

class SqlLoadErrorStore final : public LoadErrorStore {
 public:
  // `session` outlives the store.
  explicit SqlLoadErrorStore(SqlSession* session) : session_(session) {}

  Status RecordRejected(const RejectedInput& input) override;
  Result<std::vector<LoadErrorRow>> Unfixed(const EventSpec& event) override;
  Status StoreFixes(const EventSpec& event, const std::vector<LoadErrorFix>& fixes, const std::string& by) override;
  Result<std::vector<LoadErrorFix>> Unreplayed(const EventSpec& event) override;
  Status MarkReplayed(const EventSpec& event, const std::vector<LoadErrorFix>& fixes) override;

 private:
  SqlSession* session_;
};

}  // namespace sluice
