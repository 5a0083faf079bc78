// A load into ClickHouse staging (see ch_warehouse.h for how it stays
// exactly once without transactions).
#include <fmt/format.h>

#include "base/clock.h"
#include "warehouse/clickhouse/ch_tsv.h"
#include "warehouse/clickhouse/ch_warehouse.h"
#include "warehouse/sql/sql_values.h"

namespace sluice {
namespace {

// A block is sent when it holds this many bytes: large blocks are what
// ClickHouse inserts fastest, and this bounds the memory a load holds.
constexpr size_t kBlockBytes = 32 << 20;

class ChStagingLoad final : public StagingLoad {
 public:
  ChStagingLoad(const ChContext& context, const EventSpec& event, std::string source, std::string file)
      : context_(context), event_(event), source_(std::move(source)), file_(std::move(file)),
        loaded_at_(FormatTimestamp(NowMicros())) {}

  // A load that did not commit takes its rows out of staging again (readers
  // ignore them meanwhile: they are past the committed seq).
  ~ChStagingLoad() override {
    if (committed_load_ || !sent_) return;
    const std::string table = context_.dialect->TableName(event_.staging_table());
    if (context_.main->Run(fmt::format("ALTER TABLE {} DELETE WHERE seq > {}", table, committed_)).ok())
      (void)ChAwaitMutations(context_.main, context_.dialect->options().database, event_.staging_table());
  }

  Status Start() {
    ASSIGN_OR_RETURN(txn_, context_.bookkeeping->Begin(fmt::format("sluice load {}.{}", context_.dialect->options().database, event_.name)));
    ASSIGN_OR_RETURN(committed_, ChCommittedSeq(context_.bookkeeping, event_));
    next_seq_ = committed_ + 1;
    // Rows past the committed seq are a dead load's: gone before ours take their seqs.
    const std::string table = context_.dialect->TableName(event_.staging_table());
    const std::string orphans = fmt::format("SELECT count() FROM {} WHERE seq > {} FORMAT TabSeparated", table, committed_);
    std::string count;
    RETURN_IF_ERROR(ChRetry(context_, [&]() -> Status {
      ASSIGN_OR_RETURN(count, context_.main->Run(orphans));
      return Status::Ok();
    }));
    if (count != "0\n") {
      RETURN_IF_ERROR(context_.main->Run(fmt::format("ALTER TABLE {} DELETE WHERE seq > {}", table, committed_)).status());
      RETURN_IF_ERROR(ChAwaitMutations(context_.main, context_.dialect->options().database, event_.staging_table()));
    }
    insert_ = fmt::format("INSERT INTO {} (seq, source, line, payload, loaded_at) FORMAT TabSeparated", table);
    return Status::Ok();
  }

  Status Append(std::string_view payload, int64_t line) override {
    block_ += std::to_string(next_seq_++);
    block_ += '\t';
    AppendTsvField(source_, &block_);
    block_ += '\t';
    block_ += std::to_string(line);
    block_ += '\t';
    AppendTsvField(payload, &block_);
    block_ += '\t';
    block_ += loaded_at_;
    block_ += '\n';
    if (block_.size() >= kBlockBytes) return Send();
    return Status::Ok();
  }

  Status AddError(int64_t line, std::string_view error, std::string_view raw) override {
    return context_.bookkeeping
        ->Execute("INSERT INTO sluice_load_errors (event_type, file, line, error, raw, at, landed_as) "
                  "VALUES ($1, $2, $3, $4, $5, $6, $7)",
                  {event_.name, file_, std::to_string(line), std::string(error), std::string(raw), loaded_at_, source_})
        .status();
  }

  Status Commit(const LoadRecord& r) override {
    RETURN_IF_ERROR(Send());
    SqlSession* bk = context_.bookkeeping;
    // The load lock is held: the content check and the insert are one step
    // against other loads of the type.
    if (r.identity == LoadIdentity::kContent) {
      ASSIGN_OR_RETURN(auto seen, bk->Execute("SELECT 1 FROM sluice_load_history WHERE event_type = $1 AND "
                                              "checksum = $2",
                                              {r.event_type, r.checksum}));
      if (!seen.empty()) return Status::AlreadyExists(fmt::format("content {} was already loaded", r.checksum));
    }
    ASSIGN_OR_RETURN(auto inserted, bk->Execute("INSERT INTO sluice_load_history (path, checksum, event_type, rows, "
                                                "errors, loaded_at, landed_as) VALUES ($1, $2, $3, $4, $5, $6, $7) "
                                                "ON CONFLICT (event_type, landed_as) DO NOTHING RETURNING 1",
                                                {r.path, r.checksum, r.event_type, std::to_string(r.rows),
                                                 std::to_string(r.errors), loaded_at_, r.landed_as}));
    if (inserted.empty()) return Status::AlreadyExists(fmt::format("{} was already loaded", r.landed_as));
    if (next_seq_ > committed_ + 1)
      RETURN_IF_ERROR(bk->Execute("INSERT INTO sluice_clickhouse_loads (event_type, first_seq, last_seq, landed_as) "
                                  "VALUES ($1, $2, $3, $4)",
                                  {event_.name, std::to_string(committed_ + 1), std::to_string(next_seq_ - 1),
                                   r.landed_as})
                          .status());
    RETURN_IF_ERROR(txn_->Commit());
    committed_load_ = true;
    return Status::Ok();
  }

 private:
  // Inserts the block, synchronously; while the server is down, again.
  Status Send() {
    if (block_.empty()) return Status::Ok();
    sent_ = true;  // from the first try: an insert whose answer was lost may have landed
    RETURN_IF_ERROR(ChRetry(context_, [&] { return context_.main->Insert(insert_, block_); }));
    block_.clear();
    return Status::Ok();
  }

  const ChContext context_;
  const EventSpec& event_;
  std::string source_, file_, loaded_at_;
  std::unique_ptr<SqlSession::Transaction> txn_;
  int64_t committed_ = 0;
  int64_t next_seq_ = 1;
  std::string insert_;
  std::string block_;
  bool sent_ = false;            // a block went to staging
  bool committed_load_ = false;
};

}  // namespace

Result<std::unique_ptr<StagingLoad>> BeginChStagingLoad(const ChContext& context, const EventSpec& event,
                                                        std::string source, std::string file) {
  auto load = std::make_unique<ChStagingLoad>(context, event, std::move(source), std::move(file));
  RETURN_IF_ERROR(load->Start());
  return std::unique_ptr<StagingLoad>(std::move(load));
}

}  // namespace sluice
