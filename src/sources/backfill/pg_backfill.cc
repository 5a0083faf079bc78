#include "sources/backfill/pg_backfill.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <simdjson.h>
#include <xxhash.h>

#include "base/text.h"
#include "base/utf8.h"
#include "loader/loader.h"
#include "postgres/pg_conn.h"
#include "sources/backfill/copy_text.h"
#include "sources/backfill/row_json.h"

namespace sluice {
namespace fs = std::filesystem;
namespace {

int ColumnIndex(const std::vector<SourceColumn>& columns, const std::string& name) {
  for (size_t i = 0; i < columns.size(); ++i)
    if (columns[i].name == name) return static_cast<int>(i);
  return -1;
}

std::string ColumnNames(const std::vector<SourceColumn>& columns) {
  std::vector<std::string> names;
  for (const auto& c : columns) names.push_back(c.name);
  return Join(names, ", ");
}

// The saved position of a named backfill: {"cursor": …, "rows": …, "batches": …}.
struct SavedCursor {
  std::string cursor;
  int64_t rows = 0;
  int64_t batches = 0;
};

std::optional<SavedCursor> ReadSaved(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(simdjson::padded_string(text)).get(doc)) return std::nullopt;
  SavedCursor saved;
  std::string_view cursor;
  if (doc["cursor"].get(cursor)) return std::nullopt;
  saved.cursor = std::string(cursor);
  if (doc["rows"].get(saved.rows) || doc["batches"].get(saved.batches)) return std::nullopt;
  return saved;
}

// Written to a temporary file, fsync'd and renamed: a crash leaves the old
// cursor or the new one, never half of one.
Status WriteSaved(const std::string& path, const SavedCursor& saved) {
  const std::string tmp = path + ".tmp";
  FILE* f = std::fopen(tmp.c_str(), "w");
  if (f == nullptr) return Status::IOError(fmt::format("cannot write '{}'", tmp));
  const std::string text = fmt::format("{{\"cursor\": {}, \"rows\": {}, \"batches\": {}}}\n", JsonQuote(saved.cursor),
                                       saved.rows, saved.batches);
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size() && std::fflush(f) == 0 &&
                  fsync(fileno(f)) == 0;
  std::fclose(f);
  if (!ok) return Status::IOError(fmt::format("cannot write '{}'", tmp));
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) return Status::IOError(fmt::format("cannot rename '{}': {}", tmp, ec.message()));
  return Status::Ok();
}

std::string DefaultName(const BackfillRequest& r) {
  const std::string what = Join({r.table, r.query, r.type, r.type_column, r.payload_column, r.cursor}, "\x1f");
  return fmt::format("pg-{:016x}", XXH3_64bits(what.data(), what.size()));
}

// The per-type NDJSON files of the batch being read.
class Batch {
 public:
  Batch(std::string dir, std::string name) : dir_(std::move(dir)), name_(std::move(name)) {}

  Status Add(const std::string& type, std::string_view line) {
    auto it = files_.find(type);
    if (it == files_.end()) {
      const std::string path = fmt::format("{}/{}/backfill-{}-{:06}.ndjson", dir_, type, name_, number_);
      std::error_code ec;
      fs::create_directories(fs::path(path).parent_path(), ec);
      auto out = std::make_unique<std::ofstream>(path, std::ios::binary | std::ios::trunc);
      if (!*out) return Status::IOError(fmt::format("cannot write '{}'", path));
      it = files_.emplace(type, File{path, std::move(out)}).first;
    }
    it->second.out->write(line.data(), static_cast<std::streamsize>(line.size())).put('\n');
    ++rows_;
    return it->second.out->good() ? Status::Ok() : Status::IOError(fmt::format("cannot write '{}'", it->second.path));
  }

  int64_t rows() const { return rows_; }

  // Loads every file of the batch, then starts the next one.
  Status Load(Env* env, const Config& config, Warehouse* warehouse, BackfillReport* report) {
    Loader loader(env, LandingFoldersOf(config), warehouse);
    for (auto& [type, file] : files_) {
      file.out->close();
      if (!*file.out) return Status::IOError(fmt::format("cannot write '{}'", file.path));
      const EventSpec* event = config.catalog.Find(type);
      ASSIGN_OR_RETURN(LoadOutcome outcome, loader.LoadFile(*event, file.path));
      if (outcome.skipped) ++report->files_skipped;
      else ++report->files_loaded;
      report->load_errors += outcome.errors;
      std::error_code ec;
      fs::remove(file.path, ec);
    }
    files_.clear();
    rows_ = 0;
    ++number_;
    return Status::Ok();
  }

  void set_number(int64_t n) { number_ = n; }
  int64_t number() const { return number_; }

 private:
  struct File {
    std::string path;
    std::unique_ptr<std::ofstream> out;
  };
  std::string dir_, name_;
  std::map<std::string, File> files_;
  int64_t rows_ = 0;
  int64_t number_ = 0;
};

class Progress {
 public:
  Progress(Env* env, bool on, std::optional<int64_t> total)
      : env_(env), on_(on), total_(total), start_(env->MonotonicNow()) {}
  void Update(int64_t rows, bool final = false) {
    if (!on_) return;
    const MonotonicTime now = env_->MonotonicNow();
    if (!final && now - last_ < std::chrono::milliseconds(500)) return;
    last_ = now;
    const double seconds = std::chrono::duration<double>(now - start_).count();
    const double rate = seconds > 0 ? static_cast<double>(rows) / seconds : 0;
    std::string line = fmt::format("\rbackfill: {} rows, {:.0f} rows/s", rows, rate);
    if (total_ && *total_ > 0) {
      line += fmt::format(", {:.0f}%", 100.0 * static_cast<double>(rows) / static_cast<double>(*total_));
      if (rate > 0 && rows < *total_)
        line += fmt::format(", ETA {:.0f} s", static_cast<double>(*total_ - rows) / rate);
    }
    std::cerr << line << "   " << (final ? "\n" : "") << std::flush;
  }

 private:
  Env* const env_;
  bool on_;
  std::optional<int64_t> total_;
  MonotonicTime start_, last_;
};

Status Validate(const Config& config, const BackfillRequest& r) {
  if (r.table.empty() == r.query.empty()) return Status::InvalidArgument("give the source with either --table or --query");
  if (r.type.empty() == r.type_column.empty())
    return Status::InvalidArgument("give the event type with either --type or --type-column");
  if (!r.type.empty() && config.catalog.Find(r.type) == nullptr)
    return Status::InvalidArgument(fmt::format("unknown event type '{}'", r.type));
  if (r.rows_per_file <= 0) return Status::InvalidArgument("--rows-per-file must be above 0");
  return Status::Ok();
}

}  // namespace

Result<BackfillReport> RunPgBackfill(Env* env, const Config& config, Warehouse* warehouse,
                                     const BackfillRequest& request) {
  RETURN_IF_ERROR(Validate(config, request));
  const MonotonicTime started = env->MonotonicNow();
  ASSIGN_OR_RETURN(auto source, PgConnection::Connect(request.dsn));
  const std::string base = request.query.empty() ? "SELECT * FROM " + request.table : request.query;

  ASSIGN_OR_RETURN(PgResult shape, source->Query(fmt::format("SELECT * FROM ({}) AS sluice_source LIMIT 0", base)));
  std::vector<SourceColumn> columns;
  for (int c = 0; c < shape.columns(); ++c) columns.push_back({shape.ColumnName(c), shape.ColumnType(c)});
  const auto find = [&](const std::string& flag, const std::string& name) -> Result<int> {
    if (name.empty()) return -1;
    const int i = ColumnIndex(columns, name);
    if (i < 0)
      return Status::InvalidArgument(fmt::format("{} '{}' is not a column of the source (it has: {})", flag, name,
                                                 ColumnNames(columns)));
    return i;
  };
  ASSIGN_OR_RETURN(const int type_column, find("--type-column", request.type_column));
  ASSIGN_OR_RETURN(const int payload_column, find("--payload-column", request.payload_column));
  ASSIGN_OR_RETURN(const int cursor_column, find("--cursor", request.cursor));

  BackfillReport report;
  report.name = request.name.empty() ? DefaultName(request) : request.name;
  const std::string dir = config.data_dir + "/backfill";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::IOError(fmt::format("cannot create '{}': {}", dir, ec.message()));
  const std::string saved_path = fmt::format("{}/{}.cursor", dir, report.name);
  SavedCursor saved;
  if (cursor_column >= 0 && !request.restart) {
    if (auto s = ReadSaved(saved_path)) {
      saved = *s;
      report.resumed_after = saved.cursor;
    }
  }

  if (cursor_column >= 0) {
    // A NULL cursor value has no place in the order a rerun resumes from.
    ASSIGN_OR_RETURN(PgResult nulls, source->Query(fmt::format("SELECT count(*) FROM ({}) AS sluice_source WHERE {} "
                                                               "IS NULL",
                                                               base, QuoteIdent(request.cursor))));
    if (nulls.GetInt(0, 0) > 0)
      return Status::InvalidArgument(fmt::format("--cursor {} is NULL in {} rows of the source; a cursor needs a value "
                                                 "in every row (leave those rows out with --query, or pick another "
                                                 "column)",
                                                 request.cursor, nulls.GetInt(0, 0)));
  }
  std::string select = fmt::format("SELECT * FROM ({}) AS sluice_source", base);
  if (cursor_column >= 0) {
    const std::string cursor = QuoteIdent(request.cursor);
    if (report.resumed_after) select += fmt::format(" WHERE {} > {}", cursor, SqlLiteral(*report.resumed_after));
    select += " ORDER BY " + cursor;
  }
  std::optional<int64_t> total;
  if (request.progress) {
    ASSIGN_OR_RETURN(PgResult count, source->Query(fmt::format("SELECT count(*) FROM ({}) AS sluice_count", select)));
    total = count.GetInt(0, 0);
  }

  Batch batch(dir + "/tmp", report.name);
  batch.set_number(saved.batches);
  Progress progress(env, request.progress, total);
  std::optional<std::string> batch_cursor;  // the cursor value of the batch's last row
  const int64_t rows_before = saved.rows;   // read by the runs this one resumes
  const auto finish_batch = [&]() -> Status {
    RETURN_IF_ERROR(batch.Load(env, config, warehouse, &report));
    if (cursor_column < 0 || !batch_cursor) return Status::Ok();
    saved.cursor = *batch_cursor;
    saved.rows = rows_before + report.rows;
    saved.batches = batch.number();
    report.last_cursor = saved.cursor;
    return WriteSaved(saved_path, saved);
  };

  PGconn* conn = source->get();
  PgResult copy(PQexec(conn, fmt::format("COPY ({}) TO STDOUT", select).c_str()));
  if (PQresultStatus(copy.get()) != PGRES_COPY_OUT) return PgError(conn, copy.get(), "reading the backfill source");
  CopyFields fields;
  std::string line;
  Status failed;
  while (true) {
    char* buffer = nullptr;
    const int n = PQgetCopyData(conn, &buffer, 0);
    if (n == -1) break;  // the end of the COPY
    if (n < 0) return PgError(conn, nullptr, "reading the backfill source");
    std::string_view data(buffer, static_cast<size_t>(n));
    if (!data.empty() && data.back() == '\n') data.remove_suffix(1);
    ParseCopyTextLine(data, &fields);
    PQfreemem(buffer);
    if (!failed.ok()) continue;  // drain the COPY before reporting
    if (cursor_column >= 0) {
      const auto& value = fields[static_cast<size_t>(cursor_column)];
      // A batch ends only where the cursor value changes.
      if (batch.rows() >= request.rows_per_file && value != batch_cursor) failed = finish_batch();
      batch_cursor = value.value_or("");
    } else if (batch.rows() >= request.rows_per_file) {
      failed = finish_batch();
    }
    std::string type = request.type;
    if (type_column >= 0) type = fields[static_cast<size_t>(type_column)].value_or("");
    if (config.catalog.Find(type) == nullptr) {
      ++report.unknown_types[type];
      continue;
    }
    line.clear();
    if (payload_column >= 0) {
      const auto& payload = fields[static_cast<size_t>(payload_column)];
      if (!payload) {
        ++report.null_payloads;
        continue;
      }
      line = *payload;
    } else {
      AppendRowObject(columns, fields, &line);
    }
    if (failed.ok()) failed = batch.Add(type, line);
    ++report.rows;
    ++report.rows_by_type[type];
    progress.Update(report.rows);
  }
  PgResult end(PQgetResult(conn));
  if (PQresultStatus(end.get()) != PGRES_COMMAND_OK) return PgError(conn, end.get(), "reading the backfill source");
  RETURN_IF_ERROR(failed);
  RETURN_IF_ERROR(finish_batch());
  progress.Update(report.rows, /*final=*/true);
  report.seconds = std::chrono::duration<double>(env->MonotonicNow() - started).count();
  return report;
}

}  // namespace sluice
