#include "warehouse/postgres/pg_merge_writer.h"

#include <string_view>

#include "base/thread_name.h"

namespace sluice {
namespace {

constexpr size_t kCopySendBytes = size_t{1} << 20;  // what one PQputCopyData call takes

}  // namespace

PgMergeWriter::PgMergeWriter(PgConnection* conn, Statements statements)
    : conn_(conn), sql_(std::move(statements)), thread_([this] {
        NameThisThread("pg-merge");
        Run();
      }) {}

PgMergeWriter::~PgMergeWriter() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    queue_.clear();
  }
  changed_.notify_all();
  thread_.join();
}

PgMergeWriter::Chunk PgMergeWriter::Spare() {
  std::lock_guard lock(mu_);
  if (spare_.empty()) return Chunk();
  Chunk chunk = std::move(spare_.back());
  spare_.pop_back();
  chunk.fresh.clear();
  for (auto& column : chunk.others) column.clear();
  chunk.fresh_rows = chunk.other_rows = 0;
  return chunk;
}

Status PgMergeWriter::Submit(Chunk chunk) {
  std::unique_lock lock(mu_);
  changed_.wait(lock, [&] { return !error_.ok() || queue_.size() < kMaxQueued; });
  RETURN_IF_ERROR(error_);
  queue_.push_back(std::move(chunk));
  changed_.notify_all();
  return Status::Ok();
}

Result<UpsertCounts> PgMergeWriter::Drain() {
  std::unique_lock lock(mu_);
  changed_.wait(lock, [&] { return !error_.ok() || (queue_.empty() && !busy_); });
  RETURN_IF_ERROR(error_);
  UpsertCounts counts = counts_;
  counts_ = UpsertCounts();
  return counts;
}

void PgMergeWriter::Run() {
  std::unique_lock lock(mu_);
  for (;;) {
    changed_.wait(lock, [&] { return stop_ || !queue_.empty(); });
    if (stop_) return;
    Chunk chunk = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    changed_.notify_all();  // room in the queue
    lock.unlock();
    UpsertCounts counts;
    Status st = Apply(&chunk, &counts);
    lock.lock();
    busy_ = false;
    if (st.ok()) {
      counts_.inserted += counts.inserted;
      counts_.updated += counts.updated;
      counts_.stale += counts.stale;
      spare_.push_back(std::move(chunk));
    } else {
      error_ = std::move(st);
      queue_.clear();  // nothing after a failure: the run rolls back
    }
    changed_.notify_all();
  }
}

Status PgMergeWriter::Apply(Chunk* chunk, UpsertCounts* counts) {
  // The `others` first: their keys may have been written by an earlier
  // chunk, which the queue's order has applied already; a chunk's two parts
  // hold different keys, so their order between themselves does not matter.
  if (chunk->other_rows > 0) {
    ASSIGN_OR_RETURN(PgResult r, conn_->QueryBinary(sql_.apply, chunk->others));
    counts->inserted += r.GetInt(0, 0);
    counts->updated += r.GetInt(0, 1);
    counts->stale += chunk->other_rows - r.GetInt(0, 0) - r.GetInt(0, 1);
  }
  if (chunk->fresh_rows > 0) RETURN_IF_ERROR(Copy(sql_.copy_fresh, chunk->fresh));
  return Status::Ok();
}

Status PgMergeWriter::Copy(const std::string& sql, const std::string& rows) {
  RETURN_IF_ERROR(conn_->BeginCopy(sql));
  Status st;
  for (size_t at = 0; at < rows.size() && st.ok(); at += kCopySendBytes)
    st = conn_->PutCopy(std::string_view(rows).substr(at, kCopySendBytes));
  Status ended = conn_->EndCopy();
  RETURN_IF_ERROR(st);
  return ended;
}

}  // namespace sluice
