// CorrectionStore on an SQL session: the same statements on SQLite and PostgreSQL.
#pragma once

#include "warehouse/correction_store.h"
#include "warehouse/sql/sql_session.h"

namespace sluice {

class SqlCorrectionStore final : public CorrectionStore {
 public:
  // `session` outlives the store.
  explicit SqlCorrectionStore(SqlSession* session) : session_(session) {}

  Status AddExceptions(const EventSpec& event, const std::vector<CorrectedEvent>& events,
                       const CorrectionNote& note) override;
  Result<int64_t> AddExclusions(const EventSpec& event, const std::vector<Exclusion>& exclusions,
                                const std::string& by) override;
  Status Remove(const EventSpec& event, CorrectionKind kind, const std::vector<std::string>& ids,
                const CorrectionNote& note) override;
  Result<std::unordered_set<std::string>> InForce(const EventSpec& event, CorrectionKind kind) override;
  Result<std::unordered_set<int64_t>> ExcludedSeqs(const EventSpec& event) override;
  Result<std::optional<CorrectedEvent>> Exception(const EventSpec& event, const std::string& id) override;
  Status List(CorrectionKind kind, const std::string& event_type, bool include_removed, QuerySink* sink) override;

 private:
  // Queues the ids for the type's next merge (sluice_corrections_pending).
  Status QueuePending(const EventSpec& event, const std::vector<std::string>& ids);
  // Marks the corrections of `kind` in force for `ids` removed.
  Status EndInForce(const EventSpec& event, CorrectionKind kind, const std::vector<std::string>& ids,
                    const std::string& by, const std::string& at, const std::string& reason);

  SqlSession* session_;
};

}  // namespace sluice
