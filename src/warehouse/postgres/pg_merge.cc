// A merge run on PostgreSQL, in one transaction: staging rows stream in on a
// second connection (pg_staging_stream.h; the run's own cursor if that
// connection cannot be made); each processed chunk (one row per key already)
// is encoded in PostgreSQL's binary formats (pg_binary_copy.h) and queued for
// the writer thread (pg_merge_writer.h), which applies the chunks in order on
// the run's connection. Rows whose key the final table cannot hold yet
// (pg_known_keys.h) are COPYed straight into it; the others are sent as
// arrays to one set-based statement — inserted, or updated only where the
// stored version is older, so among equal versions the first to arrive
// stays. Commit waits for the writer and moves the stream position.
#include <algorithm>

#include "base/clock.h"
#include "base/log.h"
#include "base/text.h"
#include "warehouse/sql/sql_merge_transaction.h"
#include "warehouse/postgres/pg_binary_copy.h"
#include "warehouse/postgres/pg_internal.h"
#include "warehouse/postgres/pg_known_keys.h"
#include "warehouse/postgres/pg_merge_writer.h"
#include "warehouse/postgres/pg_staging_stream.h"

namespace sluice {
namespace {

constexpr const char* kCursor = "sluice_staging";

class PgMerge final : public SqlMergeTransaction {
 public:
  PgMerge(PgConnection* conn, std::string dsn, const std::string& schema, const EventSpec& event)
      : SqlMergeTransaction(event), conn_(conn), dsn_(std::move(dsn)), schema_(schema), hasher_(event) {
    for (const auto& k : event_.key) keys_sql_.push_back(QuoteIdent(k));
  }

  ~PgMerge() override {
    stream_.reset();  // its thread and connection end with the run
    writer_.reset();  // before the rollback: the connection is the writer's until then
    if (open_) PgAbandon(conn_, false);
  }

  Status Start() {
    RETURN_IF_ERROR(conn_->Exec("BEGIN"));
    open_ = true;
    // One merge of a type at a time: a second process waits here.
    RETURN_IF_ERROR(PgLock(conn_, fmt::format("sluice:merge:{}:{}", schema_, event_.name)));
    RETURN_IF_ERROR(LearnKeys());
    writer_ = std::make_unique<PgMergeWriter>(conn_, Statements());
    return Status::Ok();
  }

  Result<int64_t> Position() override {
    RETURN_IF_ERROR(Drain());
    ASSIGN_OR_RETURN(PgResult r, conn_->Query(fmt::format("SELECT position FROM {} WHERE staging_table = $1",
                                                          PgTable(schema_, "sluice_streams")),
                                              {event_.staging_table()}));
    return r.rows() ? r.GetInt(0, 0) : 0;
  }

  Status ReadStaging(int64_t after_seq, size_t limit,
                     const std::function<void(int64_t, std::string_view)>& row) override {
    // A backlog that fits in one read is not worth a second connection.
    if (!use_cursor_ && !stream_ && backlog_ <= static_cast<int64_t>(limit)) use_cursor_ = true;
    if (!use_cursor_ && (!stream_ || after_seq != read_after_)) {
      stream_.reset();
      auto stream = PgStagingStream::Open(dsn_, StagingSelect(after_seq));
      if (stream.ok()) {
        stream_ = std::move(*stream);
      } else {
        // The run still works on its own connection, only slower (e.g. at max_connections).
        Log("merge")->warn("reading staging on the merge's own connection: {}", stream.status().message());
        use_cursor_ = true;
      }
    }
    int64_t last = after_seq;
    const auto deliver = [&](int64_t seq, std::string_view payload) {
      last = seq;
      row(seq, payload);
    };
    if (stream_) RETURN_IF_ERROR(stream_->Read(limit, deliver));
    else RETURN_IF_ERROR(ReadThroughCursor(after_seq, limit, deliver));
    read_after_ = last;
    return Status::Ok();
  }

  Result<UpsertCounts> Upsert(const RowBatch& batch) override {
    // Split the batch: rows whose key the table cannot hold yet, and the rest.
    PgMergeWriter::Chunk chunk = writer_->Spare();
    const std::string& arena = batch.arena();
    const int width = static_cast<int>(batch.width());
    AppendBinaryCopyHeader(&chunk.fresh);
    chunk.others.resize(static_cast<size_t>(width));
    for (auto& column : chunk.others) StartBinaryArray(&column);
    has_null_.assign(static_cast<size_t>(width), false);
    constexpr size_t kPrefetchAhead = 16;
    if (keys_) {
      hashes_.resize(batch.rows());
      for (size_t r = 0; r < batch.rows(); ++r) hashes_[r] = hasher_.FromRow(batch.row(r), arena);
    }
    for (size_t r = 0; r < batch.rows(); ++r) {
      const Value* row = batch.row(r);
      bool fresh = false;
      if (keys_) {
        if (r + kPrefetchAhead < batch.rows()) keys_->Prefetch(hashes_[r + kPrefetchAhead]);
        const PgKnownKeys::Outcome added = keys_->Add(hashes_[r]);
        fresh = added == PgKnownKeys::Outcome::kAdded;
        if (added == PgKnownKeys::Outcome::kFull) {
          Log("merge")->info("{}: more than {} keys; the rest of the run upserts every row", event_.name,
                             PgKnownKeys::kMaxKeys);
          keys_.reset();
        }
      }
      ++(fresh ? chunk.fresh_rows : chunk.other_rows);
      if (fresh) AppendBinaryRowStart(width, &chunk.fresh);
      for (int c = 0; c < width; ++c) {
        const ColumnSpec& column = event_.columns[static_cast<size_t>(c)];
        std::string* out = fresh ? &chunk.fresh : &chunk.others[static_cast<size_t>(c)];
        if (!fresh && row[c].is_null()) has_null_[static_cast<size_t>(c)] = true;
        if (!AppendBinaryField(row[c], column.type, arena, out))
          return Status::Internal(fmt::format("postgres: column {} holds a value of another type", column.name));
      }
    }
    AppendBinaryCopyTrailer(&chunk.fresh);
    for (int c = 0; c < width; ++c)
      FinishBinaryArray(event_.columns[static_cast<size_t>(c)].type, static_cast<int>(chunk.other_rows),
                        has_null_[static_cast<size_t>(c)], &chunk.others[static_cast<size_t>(c)]);
    // The fresh rows are inserted, or the run fails; what the others did
    // comes back from the writer at Commit.
    UpsertCounts counts;
    counts.inserted = chunk.fresh_rows;
    RETURN_IF_ERROR(writer_->Submit(std::move(chunk)));
    return counts;
  }

  Status AddErrors(const std::vector<MergeError>& errors) override {
    if (errors.empty()) return Status::Ok();
    RETURN_IF_ERROR(Drain());
    const std::string at = FormatTimestamp(NowMicros());
    std::string block;
    for (const auto& e : errors) {
      AppendCopyField(event_.name, &block);
      block += fmt::format("\t{}\t", e.seq);
      if (e.item_index) block += fmt::format("{}", *e.item_index);
      else AppendCopyNull(&block);
      block.push_back('\t');
      AppendCopyField(PgSafeText(e.column), &block);
      block.push_back('\t');
      if (e.value) AppendCopyField(PgSafeText(*e.value), &block);
      else AppendCopyNull(&block);
      block.push_back('\t');
      AppendCopyField(PgSafeText(e.error), &block);
      block += fmt::format("\t{}\n", at);
    }
    RETURN_IF_ERROR(conn_->BeginCopy(
        fmt::format("COPY {} (event_type, seq, item_index, column_name, value, error, at) FROM STDIN",
                    PgTable(schema_, "sluice_merge_errors"))));
    Status st = conn_->PutCopy(block);
    Status ended = conn_->EndCopy();
    RETURN_IF_ERROR(st);
    return ended;
  }

  Result<UpsertCounts> Flush() override {
    RETURN_IF_ERROR(Drain());
    UpsertCounts applied = applied_;
    applied_ = UpsertCounts{};
    return applied;
  }

  Result<UpsertCounts> Commit(int64_t position) override {
    RETURN_IF_ERROR(Drain());
    RETURN_IF_ERROR(conn_
                        ->Query(fmt::format("UPDATE {} SET position = $1, merged_at = $2 WHERE staging_table = $3",
                                            PgTable(schema_, "sluice_streams")),
                                {std::to_string(position), FormatTimestamp(NowMicros()), event_.staging_table()})
                        .status());
    open_ = false;
    RETURN_IF_ERROR(conn_->Exec("COMMIT"));
    return applied_;  // the rows that went through ON CONFLICT
  }

 protected:
  // The run's other statements (a recompute's deletes, corrections'
  // bookkeeping) see every row queued before them.
  Result<std::vector<SqlRow>> Execute(std::string_view sql, const SqlParams& params) override {
    RETURN_IF_ERROR(Drain());
    return PgExecute(conn_, sql, params);
  }

 private:
  // The writer's statements: the chunk's COPY, and INSERT … ON CONFLICT DO
  // UPDATE … WHERE stored version < new version from the chunk's arrays,
  // counting through RETURNING.
  PgMergeWriter::Statements Statements() const {
    std::vector<std::string> cols, sets, arrays;
    for (const auto& c : event_.columns) cols.push_back(QuoteIdent(c.name));
    for (size_t i = 0; i < event_.columns.size(); ++i)
      arrays.push_back(fmt::format("${}::{}", i + 1, BinaryArrayTypeName(event_.columns[i].type)));
    for (const auto& c : event_.columns) {
      if (std::find(event_.key.begin(), event_.key.end(), c.name) != event_.key.end()) continue;
      sets.push_back(fmt::format("{0} = excluded.{0}", QuoteIdent(c.name)));
    }
    const std::string version = QuoteIdent(event_.version);
    // An append-only type keeps the first delivery of a key (DO NOTHING), or
    // every row when it has no key (no ON CONFLICT at all).
    std::string on_conflict =
        sets.empty() || event_.append_only()
            ? "DO NOTHING"
            : fmt::format("DO UPDATE SET {} WHERE t.{} < excluded.{}", Join(sets, ", "), version, version);
    on_conflict = keys_sql_.empty() ? "" : fmt::format("ON CONFLICT ({}) {}", Join(keys_sql_, ", "), on_conflict);
    const std::string table = PgTable(schema_, event_.table);
    PgMergeWriter::Statements sql;
    sql.copy_fresh = fmt::format("COPY {} ({}) FROM STDIN (FORMAT binary)", table, Join(cols, ", "));
    sql.apply = fmt::format(
        "WITH applied AS (INSERT INTO {table} AS t ({cols}) SELECT * FROM unnest({arrays}) "
        "{on_conflict} RETURNING (xmax = 0) AS inserted) "
        "SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM applied",
        fmt::arg("table", table), fmt::arg("cols", Join(cols, ", ")), fmt::arg("arrays", Join(arrays, ", ")),
        fmt::arg("on_conflict", on_conflict));
    return sql;
  }

  // Waits for the writer's queued chunks before the connection is used here.
  Status Drain() {
    if (!writer_) return Status::Ok();
    ASSIGN_OR_RETURN(UpsertCounts counts, writer_->Drain());
    applied_.inserted += counts.inserted;
    applied_.updated += counts.updated;
    applied_.stale += counts.stale;
    return Status::Ok();
  }

  // Learns the final table's keys so that rows with new keys skip ON
  // CONFLICT — when that pays: the table holds no more rows than staging has
  // left to merge (reading a key back costs less than the upsert it saves),
  // and few enough for PgKnownKeys. The table is then locked against other
  // writers until commit (reads go on), so that no key appears behind the
  // run's back. Otherwise every row is upserted.
  Status LearnKeys() {
    const std::string table = PgTable(schema_, event_.table);
    ASSIGN_OR_RETURN(PgResult backlog,
                     conn_->Query(fmt::format("SELECT coalesce((SELECT max(seq) FROM {}), 0) - "
                                              "coalesce((SELECT position FROM {} WHERE staging_table = $1), 0)",
                                              PgTable(schema_, event_.staging_table()),
                                              PgTable(schema_, "sluice_streams")),
                                  {event_.staging_table()}));
    backlog_ = backlog.GetInt(0, 0);
    const int64_t budget = std::min<int64_t>(backlog_, PgKnownKeys::kMaxKeys / 2);
    if (budget <= 0 || keys_sql_.empty()) return Status::Ok();  // a log without key: every row is new anyway
    const std::string count_sql = fmt::format("SELECT count(*) FROM (SELECT FROM {} LIMIT {}) s", table, budget + 1);
    ASSIGN_OR_RETURN(PgResult before, conn_->Query(count_sql));
    int64_t rows = before.GetInt(0, 0);
    if (rows > budget || (rows > 0 && !hasher_.ReadableFromServer())) return Status::Ok();
    RETURN_IF_ERROR(conn_->Exec(fmt::format("LOCK TABLE {} IN SHARE ROW EXCLUSIVE MODE", table)));
    ASSIGN_OR_RETURN(PgResult locked, conn_->Query(count_sql));  // again: nobody else writes it now
    rows = locked.GetInt(0, 0);
    if (rows > budget || (rows > 0 && !hasher_.ReadableFromServer())) return Status::Ok();
    auto keys = std::make_unique<PgKnownKeys>();
    if (rows > 0) {
      RETURN_IF_ERROR(conn_->BeginCopyOut(
          fmt::format("COPY (SELECT {} FROM {}) TO STDOUT (FORMAT binary)", Join(keys_sql_, ", "), table)));
      bool first = true;
      for (;;) {
        std::string_view row;
        ASSIGN_OR_RETURN(bool more, conn_->NextCopyRow(&row));
        if (!more) break;
        if (first) {  // the stream's 19-byte header comes with the first row
          first = false;
          if (row.size() < kBinaryCopyHeaderBytes) return Status::Internal("postgres: short binary COPY header");
          row.remove_prefix(kBinaryCopyHeaderBytes);
        }
        if (row == kBinaryCopyTrailer) continue;
        uint64_t hash = 0;
        if (!hasher_.FromBinaryRow(row, &hash)) return Status::Internal("postgres: unexpected key in binary COPY");
        keys->Add(hash);
      }
    }
    keys_ = std::move(keys);
    return Status::Ok();
  }

  std::string StagingSelect(int64_t after_seq) const {
    return fmt::format("SELECT seq, payload FROM {} WHERE seq > {} ORDER BY seq",
                       PgTable(schema_, event_.staging_table()), after_seq);
  }

  // The fallback: one cursor on the run's own connection.
  Status ReadThroughCursor(int64_t after_seq, size_t limit,
                           const std::function<void(int64_t, std::string_view)>& row) {
    RETURN_IF_ERROR(Drain());
    if (!cursor_open_ || after_seq != read_after_) {
      if (cursor_open_) RETURN_IF_ERROR(conn_->Exec(fmt::format("CLOSE {}", kCursor)));
      RETURN_IF_ERROR(conn_->Exec(fmt::format("DECLARE {} NO SCROLL CURSOR FOR SELECT seq, payload::text FROM {} "
                                              "WHERE seq > {} ORDER BY seq",
                                              kCursor, PgTable(schema_, event_.staging_table()), after_seq)));
      cursor_open_ = true;
    }
    ASSIGN_OR_RETURN(PgResult r, conn_->Query(fmt::format("FETCH FORWARD {} FROM {}", limit, kCursor)));
    for (int i = 0; i < r.rows(); ++i) row(r.GetInt(i, 0), r.Get(i, 1));
    return Status::Ok();
  }

  PgConnection* conn_;
  const std::string dsn_;
  const std::string schema_;
  PgKeyHasher hasher_;
  std::vector<std::string> keys_sql_;  // the key columns, quoted
  std::unique_ptr<PgKnownKeys> keys_;  // null: upsert every row
  std::vector<uint64_t> hashes_;       // the batch's key hashes, reused
  std::vector<bool> has_null_;         // per column: an `others` row holds NULL there
  std::unique_ptr<PgStagingStream> stream_;
  std::unique_ptr<PgMergeWriter> writer_;  // null until Start has learnt the keys
  UpsertCounts applied_;                   // what the writer's ON CONFLICT rows did
  int64_t backlog_ = 0;  // staging rows after the position when the run started (seqs may have gaps)
  bool use_cursor_ = false;
  bool cursor_open_ = false;
  int64_t read_after_ = 0;  // the last seq ReadStaging returned
  bool open_ = false;
};

}  // namespace

Result<std::unique_ptr<MergeTransaction>> BeginPgMerge(PgConnection* conn, const std::string& dsn,
                                                       const std::string& schema, const EventSpec& event) {
  auto merge = std::make_unique<PgMerge>(conn, dsn, schema, event);
  RETURN_IF_ERROR(merge->Start());
  return std::unique_ptr<MergeTransaction>(std::move(merge));
}

}  // namespace sluice
