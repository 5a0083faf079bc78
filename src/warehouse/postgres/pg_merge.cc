// A merge run on PostgreSQL: every processed chunk is streamed with COPY into
// a temporary table, and Commit applies the whole run with one set-based
// statement — newest version per key (first arrival among equals), inserted
// or updated only where the stored version is older — then moves the stream
// position, all in one transaction.
#include <algorithm>

#include "base/clock.h"
#include "catalog/ddl.h"
#include "warehouse/postgres/pg_internal.h"

namespace sluice {
namespace {

constexpr const char* kRunTable = "sluice_merge_run";  // temporary, per connection
constexpr const char* kOrderColumn = "sluice_arrival";

std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? std::string(sep) : "") + parts[i];
  return out;
}

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
    return conn_->Exec(fmt::format("CREATE TEMPORARY TABLE {} ON COMMIT DROP AS SELECT *, 0::bigint AS {} FROM {} "
                                   "WITH NO DATA",
                                   kRunTable, kOrderColumn, PgTable(schema_, event_.table)));
  }

  Result<int64_t> Position() override {
    ASSIGN_OR_RETURN(PgResult r, conn_->Query(fmt::format("SELECT position FROM {} WHERE staging_table = $1",
                                                          PgTable(schema_, "sluice_streams")),
                                              {event_.staging_table()}));
    return r.rows() ? r.GetInt(0, 0) : 0;
  }

  Status ReadStaging(int64_t after_seq, size_t limit,
                     const std::function<void(int64_t, std::string_view)>& row) override {
    ASSIGN_OR_RETURN(PgResult r, conn_->Query(fmt::format("SELECT seq, payload::text FROM {} WHERE seq > $1 "
                                                          "ORDER BY seq LIMIT $2",
                                                          PgTable(schema_, event_.staging_table())),
                                              {std::to_string(after_seq), std::to_string(limit)}));
    for (int i = 0; i < r.rows(); ++i) row(r.GetInt(i, 0), r.Get(i, 1));
    return Status::Ok();
  }

  // Streams the batch into the run table; the final table changes at Commit.
  Result<UpsertCounts> Upsert(const RowBatch& batch) override {
    std::vector<std::string> cols;
    for (const auto& c : event_.columns) cols.push_back(QuoteIdent(c.name));
    cols.push_back(kOrderColumn);
    RETURN_IF_ERROR(conn_->BeginCopy(fmt::format("COPY {} ({}) FROM STDIN", kRunTable, Join(cols, ", "))));
    std::string block;
    const std::string& arena = batch.arena();
    for (size_t r = 0; r < batch.rows(); ++r) {
      const Value* row = batch.row(r);
      for (size_t c = 0; c < batch.width(); ++c) {
        AppendValue(row[c], event_.columns[c].type, arena, &block);
        block.push_back('\t');
      }
      block += fmt::format("{}\n", arrival_++);
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
    rows_ += static_cast<int64_t>(batch.rows());
    return UpsertCounts{};
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

  Result<UpsertCounts> Commit(int64_t position) override {
    UpsertCounts counts;
    if (rows_ > 0) {
      ASSIGN_OR_RETURN(counts, Apply());
    }
    RETURN_IF_ERROR(conn_
                        ->Query(fmt::format("UPDATE {} SET position = $1, merged_at = $2 WHERE staging_table = $3",
                                            PgTable(schema_, "sluice_streams")),
                                {std::to_string(position), FormatTimestamp(NowMicros()), event_.staging_table()})
                        .status());
    open_ = false;
    RETURN_IF_ERROR(conn_->Exec("COMMIT"));
    return counts;
  }

 private:
  // INSERT … ON CONFLICT DO UPDATE … WHERE stored version < new version, from
  // the newest row per key of the run; counts come back through RETURNING.
  Result<UpsertCounts> Apply() {
    std::vector<std::string> cols, keys, sets;
    for (const auto& c : event_.columns) cols.push_back(QuoteIdent(c.name));
    for (const auto& k : event_.key) keys.push_back(QuoteIdent(k));
    for (const auto& c : event_.columns) {
      if (std::find(event_.key.begin(), event_.key.end(), c.name) != event_.key.end()) continue;
      sets.push_back(fmt::format("{0} = excluded.{0}", QuoteIdent(c.name)));
    }
    const std::string version = QuoteIdent(event_.version);
    const std::string table = PgTable(schema_, event_.table);
    const std::string on_conflict =
        sets.empty() ? "DO NOTHING"
                     : fmt::format("DO UPDATE SET {} WHERE t.{} < excluded.{}", Join(sets, ", "), version, version);
    const std::string sql = fmt::format(
        "WITH newest AS (SELECT DISTINCT ON ({keys}) {cols} FROM {run} ORDER BY {keys}, {version} DESC, {order}), "
        "applied AS (INSERT INTO {table} AS t ({cols}) SELECT {cols} FROM newest ON CONFLICT ({keys}) {on_conflict} "
        "RETURNING (xmax = 0) AS inserted) "
        "SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM applied",
        fmt::arg("keys", Join(keys, ", ")), fmt::arg("cols", Join(cols, ", ")), fmt::arg("run", kRunTable),
        fmt::arg("version", version), fmt::arg("order", kOrderColumn), fmt::arg("table", table),
        fmt::arg("on_conflict", on_conflict));
    ASSIGN_OR_RETURN(PgResult r, conn_->Query(sql));
    UpsertCounts counts;
    counts.inserted = r.GetInt(0, 0);
    counts.updated = r.GetInt(0, 1);
    counts.stale = rows_ - counts.inserted - counts.updated;
    return counts;
  }

  PgConnection* conn_;
  const std::string schema_;
  const EventSpec& event_;
  int64_t arrival_ = 0;  // order of rows within the run: first arrival wins a version tie
  int64_t rows_ = 0;
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
