#include "warehouse/postgres/pg_staging_stream.h"

#include <cstring>

#include <fmt/format.h>

#include "base/thread_name.h"
#include "warehouse/postgres/pg_binary_copy.h"

namespace sluice {
namespace {

constexpr size_t kRowsPerBlock = 1000;  // rows handed over under one lock

uint32_t BigEndian32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return __builtin_bswap32(v);
}

// One binary COPY tuple of (seq bigint, payload jsonb): int16 field count,
// then each field's int32 length and bytes; jsonb's are a version byte (1)
// and the JSON text.
bool ParseRow(std::string_view row, int64_t* seq, std::string_view* payload) {
  if (row.size() < 2 + 4 + 8 + 4 + 1 || row[0] != 0 || row[1] != 2 || BigEndian32(row.data() + 2) != 8) return false;
  *seq = static_cast<int64_t>((uint64_t{BigEndian32(row.data() + 6)} << 32) | BigEndian32(row.data() + 10));
  const uint32_t length = BigEndian32(row.data() + 14);
  if (length < 1 || 18 + size_t{length} != row.size() || row[18] != 1) return false;
  *payload = row.substr(19);
  return true;
}

}  // namespace

PgStagingStream::PgStagingStream(std::unique_ptr<PgConnection> conn) : conn_(std::move(conn)) {}

Result<std::unique_ptr<PgStagingStream>> PgStagingStream::Open(const std::string& dsn, const std::string& select_sql) {
  ASSIGN_OR_RETURN(auto conn, PgConnection::Connect(dsn));
  // Rows come in the primary key's order: walking the key streams from the
  // first row on (and reads the heap in order: seq is arrival order). Sorting
  // every payload instead would spill to disk before the first row came; the
  // planner has chosen the walk in every plan seen, and this makes sure
  // whatever the statistics say. The session runs nothing else.
  RETURN_IF_ERROR(conn->Exec("SET enable_sort = off"));
  RETURN_IF_ERROR(conn->BeginCopyOut(fmt::format("COPY ({}) TO STDOUT (FORMAT binary)", select_sql)));
  std::unique_ptr<PgStagingStream> stream(new PgStagingStream(std::move(conn)));
  stream->cancel_ = PQgetCancel(stream->conn_->get());  // made here: PQcancel itself is thread-safe
  stream->thread_ = std::thread([s = stream.get()] {
    NameThisThread("pg-stream");
    s->Drain();
  });
  return stream;
}

PgStagingStream::~PgStagingStream() {
  bool done;
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    done = done_;
  }
  has_space_.notify_all();
  if (!done && cancel_) {
    char error[256];
    (void)PQcancel(cancel_, error, sizeof(error));  // ends a COPY still sending; failing, the server ends it at close
  }
  if (thread_.joinable()) thread_.join();
  if (cancel_) PQfreeCancel(cancel_);
}

void PgStagingStream::Drain() {
  Block block;
  for (bool first = true;; first = false) {
    std::string_view raw;
    Result<bool> more = conn_->NextCopyRow(&raw);
    if (!more.ok()) return Finish(more.status());
    if (!*more) {
      if (!block.seqs.empty() && !Push(std::move(block))) return;
      return Finish(Status::Ok());
    }
    if (first) {  // the stream's 19-byte header comes with the first row
      if (raw.size() < kBinaryCopyHeaderBytes) return Finish(Status::Internal("postgres: short COPY header"));
      raw.remove_prefix(kBinaryCopyHeaderBytes);
    }
    if (raw == kBinaryCopyTrailer) continue;
    int64_t seq = 0;
    std::string_view payload;
    if (!ParseRow(raw, &seq, &payload)) return Finish(Status::Internal("postgres: unexpected row in the staging COPY"));
    block.bytes.append(payload);
    block.seqs.push_back(seq);
    block.ends.push_back(static_cast<uint32_t>(block.bytes.size()));
    if (block.seqs.size() == kRowsPerBlock) {
      if (!Push(std::move(block))) return;
      block = Spare();
    }
  }
}

PgStagingStream::Block PgStagingStream::Spare() {
  std::lock_guard lock(mu_);
  if (spare_.empty()) return Block();
  Block block = std::move(spare_.back());
  spare_.pop_back();
  block.bytes.clear();
  block.seqs.clear();
  block.ends.clear();
  return block;
}

bool PgStagingStream::Push(Block block) {
  std::unique_lock lock(mu_);
  has_space_.wait(lock, [&] { return stop_ || queued_bytes_ < kMaxQueuedBytes; });
  if (stop_) return false;
  queued_bytes_ += block.bytes.size();
  queue_.push_back(std::move(block));
  has_data_.notify_one();
  return true;
}

void PgStagingStream::Finish(Status status) {
  std::lock_guard lock(mu_);
  done_ = true;
  end_status_ = std::move(status);
  has_data_.notify_one();
}

Status PgStagingStream::Read(size_t limit, const std::function<void(int64_t, std::string_view)>& row) {
  for (size_t delivered = 0; delivered < limit;) {
    if (next_ == current_.seqs.size()) {
      std::unique_lock lock(mu_);
      has_data_.wait(lock, [&] { return !queue_.empty() || done_; });
      if (queue_.empty()) return end_status_;  // the end (or the stream's error)
      if (current_.bytes.capacity() > 0) spare_.push_back(std::move(current_));  // its buffers, for Drain again
      current_ = std::move(queue_.front());
      queue_.pop_front();
      queued_bytes_ -= current_.bytes.size();
      next_ = 0;
      lock.unlock();
      has_space_.notify_one();
    }
    for (; next_ < current_.seqs.size() && delivered < limit; ++next_, ++delivered) {
      const uint32_t begin = next_ == 0 ? 0 : current_.ends[next_ - 1];
      row(current_.seqs[next_], std::string_view(current_.bytes).substr(begin, current_.ends[next_] - begin));
    }
  }
  return Status::Ok();
}

}  // namespace sluice
