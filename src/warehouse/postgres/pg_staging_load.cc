// A file's rows into <table>_stg with COPY, streamed; its bad lines into
// sluice_load_errors; its load-history row last; one transaction.
#include <vector>

#include "base/clock.h"
#include "warehouse/postgres/pg_internal.h"

namespace sluice {
namespace {

// Bad lines wait in memory while the staging COPY streams (a connection runs
// one COPY at a time); past this many bytes they are flushed in between.
constexpr size_t kErrorBufferBytes = 8u << 20;
// Rows are sent in blocks of about this size (libpq copies each block once).
constexpr size_t kCopyBlockBytes = 256u << 10;

class PgStagingLoad final : public StagingLoad {
 public:
  PgStagingLoad(PgConnection* conn, const std::string& schema, const EventSpec& event, std::string source,
                std::string file)
      : conn_(conn),
        schema_(schema),
        event_type_(event.name),
        staging_(PgTable(schema, event.staging_table())),
        source_(PgSafeText(source)),
        file_(PgSafeText(file)),
        loaded_at_(FormatTimestamp(NowMicros())) {}

  ~PgStagingLoad() override {
    if (open_) PgAbandon(conn_, in_copy_);
  }

  Status Start() {
    RETURN_IF_ERROR(conn_->Exec("BEGIN"));
    open_ = true;
    RETURN_IF_ERROR(PgLock(conn_, fmt::format("sluice:load:{}:{}", schema_, event_type_)));
    return StartCopy();
  }

  std::optional<std::string> Refuses(std::string_view payload) const override { return JsonbRefusal(payload); }

  Status Append(std::string_view payload, int64_t line) override {
    AppendCopyField(payload, &block_);
    block_.push_back('\t');
    AppendCopyField(source_, &block_);
    block_ += fmt::format("\t{}\t{}\n", line, loaded_at_);
    if (block_.size() >= kCopyBlockBytes) return SendBlock();
    return Status::Ok();
  }

  Status AddError(int64_t line, std::string_view error, std::string_view raw) override {
    for (std::string_view field : {std::string_view(event_type_), std::string_view(file_)}) {
      AppendCopyField(field, &errors_);
      errors_.push_back('\t');
    }
    errors_ += fmt::format("{}\t", line);
    AppendCopyField(source_, &errors_);
    errors_.push_back('\t');
    AppendCopyField(PgSafeText(error), &errors_);
    errors_.push_back('\t');
    AppendCopyField(PgSafeText(raw), &errors_);
    errors_ += fmt::format("\t{}\n", loaded_at_);
    if (errors_.size() < kErrorBufferBytes) return Status::Ok();
    RETURN_IF_ERROR(EndStagingCopy());
    RETURN_IF_ERROR(FlushErrors());
    return StartCopy();
  }

  Status Commit(const LoadRecord& r) override {
    RETURN_IF_ERROR(EndStagingCopy());
    RETURN_IF_ERROR(FlushErrors());
    // Under the load lock, so the content check and the insert are atomic
    // against every other process loading this event type.
    ASSIGN_OR_RETURN(PgResult inserted,
                     conn_->Query(fmt::format("INSERT INTO {0} (path, checksum, event_type, rows, errors, loaded_at, "
                                              "landed_as) SELECT $1, $2, $3, $4, $5, $6, $7 WHERE $8 = '0' OR NOT "
                                              "EXISTS (SELECT 1 FROM {0} WHERE event_type = $3 AND checksum = $2) "
                                              "ON CONFLICT DO NOTHING",
                                              PgTable(schema_, "sluice_load_history")),
                                  {PgSafeText(r.path), r.checksum, r.event_type, std::to_string(r.rows),
                                   std::to_string(r.errors), loaded_at_, PgSafeText(r.landed_as),
                                   r.identity == LoadIdentity::kContent ? "1" : "0"}));
    if (inserted.AffectedRows() == 0) {
      open_ = false;
      PgAbandon(conn_, false);
      return r.identity == LoadIdentity::kContent
                 ? Status::AlreadyExists(fmt::format("content {} was already loaded", r.checksum))
                 : Status::AlreadyExists(fmt::format("{} was already loaded", r.landed_as));
    }
    open_ = false;
    return conn_->Exec("COMMIT");
  }

 private:
  Status StartCopy() {
    RETURN_IF_ERROR(conn_->BeginCopy(fmt::format("COPY {} (payload, source, line, loaded_at) FROM STDIN", staging_)));
    in_copy_ = true;
    return Status::Ok();
  }
  Status SendBlock() {
    RETURN_IF_ERROR(conn_->PutCopy(block_));
    block_.clear();
    return Status::Ok();
  }
  Status EndStagingCopy() {
    if (!block_.empty()) RETURN_IF_ERROR(SendBlock());
    in_copy_ = false;
    return conn_->EndCopy();
  }
  Status FlushErrors() {
    if (errors_.empty()) return Status::Ok();
    RETURN_IF_ERROR(conn_->BeginCopy(fmt::format("COPY {} (event_type, file, line, landed_as, error, raw, at) FROM STDIN",
                                                 PgTable(schema_, "sluice_load_errors"))));
    in_copy_ = true;
    RETURN_IF_ERROR(conn_->PutCopy(errors_));
    errors_.clear();
    in_copy_ = false;
    return conn_->EndCopy();
  }

  PgConnection* conn_;
  const std::string schema_;
  const std::string event_type_;
  const std::string staging_;
  const std::string source_;
  const std::string file_;
  const std::string loaded_at_;
  std::string block_;
  std::string errors_;
  bool open_ = false;
  bool in_copy_ = false;
};

}  // namespace

Result<std::unique_ptr<StagingLoad>> BeginPgStagingLoad(PgConnection* conn, const std::string& schema,
                                                        const EventSpec& event, std::string source, std::string file) {
  auto load = std::make_unique<PgStagingLoad>(conn, schema, event, std::move(source), std::move(file));
  RETURN_IF_ERROR(load->Start());
  return std::unique_ptr<StagingLoad>(std::move(load));
}

}  // namespace sluice
