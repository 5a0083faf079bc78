// The operations of a merge run that are the same SQL on SQLite and
// PostgreSQL (corrections' bookkeeping, the history reads, deletes in the
// final table), written once over the run's own connection. A backend's run
// derives from this and supplies Execute, which runs one statement inside
// the run's transaction after applying any upserts it queued.
#pragma once

#include "catalog/event_spec.h"
#include "warehouse/merge_transaction.h"
#include "warehouse/sql/sql_session.h"

namespace sluice {

class SqlMergeTransaction : public MergeTransaction {
 public:
  Result<StoredCorrections> ReadCorrections() override;
  Status ForgetPendingCorrections(int64_t through) override;
  Result<std::vector<std::string>> TrimmedFiles() override;
  Result<std::optional<int64_t>> FirstSeqLoadedSince(const std::string& time) override;
  Result<std::optional<int64_t>> LastSeqLoadedBefore(const std::string& time) override;
  Result<std::optional<int64_t>> FirstStagingSeq() override;
  Result<std::string> DeliveryOf(int64_t seq) override;
  Result<std::unordered_set<int64_t>> SeqsWithErrors(int64_t through) override;
  Result<std::unordered_set<std::string>> DeliveredEventIds(const std::vector<std::string>& ids) override;
  Status DeleteKeys(const std::vector<KeyValues>& keys) override;
  Status DeleteAllRows() override;
  Status DeleteErrorsOf(const std::unordered_set<int64_t>& seqs) override;
  Result<int64_t> DeleteErrorsBetween(int64_t first, int64_t last) override;

 protected:
  // `event` outlives the run.
  explicit SqlMergeTransaction(const EventSpec& event) : event_(event) {}
  // One statement with $n parameters inside the run's transaction.
  virtual Result<std::vector<SqlRow>> Execute(std::string_view sql, const SqlParams& params = {}) = 0;

  const EventSpec& event_;

 private:
  Result<std::optional<int64_t>> QuerySeq(const std::string& sql, const SqlParams& params);
};

}  // namespace sluice
