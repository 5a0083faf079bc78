// A merge run on PostgreSQL, in one transaction: staging rows stream in
// through a cursor; each processed chunk (one row per key already) is
// streamed with COPY into a temporary table and applied with one set-based
// statement — inserted, or updated only where the stored version is older,
// so among equal versions the first to arrive stays — and Commit moves the
// stream position.
#include <algorithm>

#include "base/clock.h"
#include "base/text.h"
#include "catalog/ddl.h"
#include "warehouse/postgres/pg_internal.h"

namespace sluice {
namespace {

constexpr const char* kRunTable = "sluice_merge_chunk";  // temporary, dropped at commit
constexpr const char* kCursor = "sluice_staging";


void AppendValue(const Value& v, const ColumnType& type, const std::string& arena, std::string* line) {
  switch (v.kind) {
    case Value::Kind::kNull: AppendCopyNull(line); break;
    case Value::Kind::kInt:
      if (type.kind == TypeKind::kBoolean) line->append(v.int_value ? "t" : "f");
      else line->append(fmt::format("{}", v.int_value));
      break;
    case Value::Kind::kReal: line->append(fmt::format("{}", v.real_value)); break;  // shortest round-trip text
    case Value::Kind::kText: AppendCopyField(v.text(arena), line); break;
  }
}

class PgMerge final : public MergeTransaction {
 public:
  PgMerge(PgConnection* conn, const std::string& schema, const EventSpec& event)
      : conn_(conn), schema_(schema), event_(event) {}

  ~PgMerge() override {
    if (open_) PgAbandon(conn_, false);
  }

  Status Start() {
    RETURN_IF_ERROR(conn_->Exec("BEGIN"));
    open_ = true;
    // One merge of a type at a time: a second process waits here.
    RETURN_IF_ERROR(PgLock(conn_, fmt::format("sluice:merge:{}:{}", schema_, event_.name)));
    RETURN_IF_ERROR(conn_->Exec(fmt::format("CREATE TEMPORARY TABLE {} ON COMMIT DROP AS SELECT * FROM {} WITH NO DATA",
                                            kRunTable, PgTable(schema_, event_.table))));
    return PrepareApply();
  }

  Result<int64_t> Position() override {
    ASSIGN_OR_RETURN(PgResult r, conn_->Query(fmt::format("SELECT position FROM {} WHERE staging_table = $1",
                                                          PgTable(schema_, "sluice_streams")),
                                              {event_.staging_table()}));
    return r.rows() ? r.GetInt(0, 0) : 0;
  }

  // One cursor for the run: no re-planning, no index descent per chunk.
  Status ReadStaging(int64_t after_seq, size_t limit,
                     const std::function<void(int64_t, std::string_view)>& row) override {
    if (!cursor_open_ || after_seq != cursor_after_) {
      if (cursor_open_) RETURN_IF_ERROR(conn_->Exec(fmt::format("CLOSE {}", kCursor)));
      RETURN_IF_ERROR(conn_->Exec(fmt::format("DECLARE {} NO SCROLL CURSOR FOR SELECT seq, payload::text FROM {} "
                                              "WHERE seq > {} ORDER BY seq",
                                              kCursor, PgTable(schema_, event_.staging_table()), after_seq)));
      cursor_open_ = true;
    }
    ASSIGN_OR_RETURN(PgResult r, conn_->Query(fmt::format("FETCH FORWARD {} FROM {}", limit, kCursor)));
    for (int i = 0; i < r.rows(); ++i) row(r.GetInt(i, 0), r.Get(i, 1));
    if (r.rows() > 0) cursor_after_ = r.GetInt(r.rows() - 1, 0);
    else cursor_after_ = after_seq;
    return Status::Ok();
  }

  Result<UpsertCounts> Upsert(const RowBatch& batch) override {
    RETURN_IF_ERROR(conn_->BeginCopy(copy_sql_));
    std::string block;
    const std::string& arena = batch.arena();
    for (size_t r = 0; r < batch.rows(); ++r) {
      const Value* row = batch.row(r);
      for (size_t c = 0; c < batch.width(); ++c) {
        if (c > 0) block.push_back('\t');
        AppendValue(row[c], event_.columns[c].type, arena, &block);
      }
      block.push_back('\n');
      if (block.size() >= (256u << 10)) {
        if (Status st = conn_->PutCopy(block); !st.ok()) {
          (void)conn_->EndCopy();
          return st;
        }
        block.clear();
      }
    }
    Status st = conn_->PutCopy(block);
    Status ended = conn_->EndCopy();
    RETURN_IF_ERROR(st);
    RETURN_IF_ERROR(ended);
    ASSIGN_OR_RETURN(PgResult r, conn_->Query(apply_sql_));
    RETURN_IF_ERROR(conn_->Exec(fmt::format("TRUNCATE {}", kRunTable)));
    UpsertCounts counts;
    counts.inserted = r.GetInt(0, 0);
    counts.updated = r.GetInt(0, 1);
    counts.stale = static_cast<int64_t>(batch.rows()) - counts.inserted - counts.updated;
    return counts;
  }

  Status AddErrors(const std::vector<MergeError>& errors) override {
    if (errors.empty()) return Status::Ok();
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

  Result<std::vector<SqlRow>> Execute(std::string_view sql, const SqlParams& params) override {
    return PgExecute(conn_, sql, params);
  }

  Result<UpsertCounts> Commit(int64_t position) override {
    RETURN_IF_ERROR(conn_
                        ->Query(fmt::format("UPDATE {} SET position = $1, merged_at = $2 WHERE staging_table = $3",
                                            PgTable(schema_, "sluice_streams")),
                                {std::to_string(position), FormatTimestamp(NowMicros()), event_.staging_table()})
                        .status());
    open_ = false;
    RETURN_IF_ERROR(conn_->Exec("COMMIT"));
    return UpsertCounts{};  // applied in Upsert
  }

 private:
  // The chunk's COPY, and INSERT … ON CONFLICT DO UPDATE … WHERE stored
  // version < new version from the chunk table, counting through RETURNING.
  Status PrepareApply() {
    std::vector<std::string> cols, keys, sets;
    for (const auto& c : event_.columns) cols.push_back(QuoteIdent(c.name));
    for (const auto& k : event_.key) keys.push_back(QuoteIdent(k));
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
    on_conflict = keys.empty() ? "" : fmt::format("ON CONFLICT ({}) {}", Join(keys, ", "), on_conflict);
    copy_sql_ = fmt::format("COPY {} ({}) FROM STDIN", kRunTable, Join(cols, ", "));
    apply_sql_ = fmt::format(
        "WITH applied AS (INSERT INTO {table} AS t ({cols}) SELECT {cols} FROM {chunk} "
        "{on_conflict} RETURNING (xmax = 0) AS inserted) "
        "SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM applied",
        fmt::arg("table", PgTable(schema_, event_.table)), fmt::arg("cols", Join(cols, ", ")),
        fmt::arg("chunk", kRunTable), fmt::arg("on_conflict", on_conflict));
    return Status::Ok();
  }

  PgConnection* conn_;
  const std::string schema_;
  const EventSpec& event_;
  std::string copy_sql_, apply_sql_;
  bool cursor_open_ = false;
  int64_t cursor_after_ = 0;  // the last seq the cursor returned
  bool open_ = false;
};

}  // namespace

Result<std::unique_ptr<MergeTransaction>> BeginPgMerge(PgConnection* conn, const std::string& schema,
                                                       const EventSpec& event) {
  auto merge = std::make_unique<PgMerge>(conn, schema, event);
  RETURN_IF_ERROR(merge->Start());
  return std::unique_ptr<MergeTransaction>(std::move(merge));
}

}  // namespace sluice
