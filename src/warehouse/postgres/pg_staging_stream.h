// A staging table's rows after a position, streamed by one
// `COPY (SELECT seq, payload … ORDER BY seq) TO STDOUT (FORMAT binary)` on a
// second connection, drained by a thread of its own into a bounded queue.
//
// Why a second connection: printing jsonb back to text is the largest cost of
// reading staging, and on the merge's own connection it ran in the same
// server process as the upserts, one after the other. On its own backend it
// runs beside them, on another core. It reads only, outside the merge's
// transaction; its one statement sees the rows committed when it starts, as
// the merge's own cursor did (READ COMMITTED), and the merge still commits
// its rows and stream position in its one transaction.
//
// Memory: at most kMaxQueuedBytes of payloads wait in the queue. Read is
// called from one thread at a time (the merge's); the destructor cancels the
// COPY and joins the thread. Errors of the stream (the server gone, the COPY
// failed) come back from Read as Status.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "base/status.h"
#include "postgres/pg_conn.h"

namespace sluice {

class PgStagingStream {
 public:
  static constexpr size_t kMaxQueuedBytes = size_t{24} << 20;

  // Connects to `dsn` and starts streaming `select_sql`, a query of
  // (seq bigint, payload jsonb) in seq order.
  static Result<std::unique_ptr<PgStagingStream>> Open(const std::string& dsn, const std::string& select_sql);
  ~PgStagingStream();
  PgStagingStream(const PgStagingStream&) = delete;
  PgStagingStream& operator=(const PgStagingStream&) = delete;

  // Calls `row` for the next rows, at most `limit`; fewer only when the
  // stream has ended. The payload (JSON text) is valid only during the call.
  Status Read(size_t limit, const std::function<void(int64_t seq, std::string_view payload)>& row);

 private:
  struct Block {
    std::string bytes;
    std::vector<int64_t> seqs;
    std::vector<uint32_t> ends;  // payload i is bytes[ends[i-1], ends[i])
  };

  explicit PgStagingStream(std::unique_ptr<PgConnection> conn);
  void Drain();            // the thread
  bool Push(Block block);  // false once stopping
  Block Spare();           // an empty block with the buffers of a consumed one
  void Finish(Status status);

  std::unique_ptr<PgConnection> conn_;
  PGcancel* cancel_ = nullptr;
  std::mutex mu_;
  std::condition_variable has_data_, has_space_;
  std::deque<Block> queue_;
  std::vector<Block> spare_;  // consumed blocks, their buffers reused (no page faults per block)
  size_t queued_bytes_ = 0;
  bool done_ = false, stop_ = false;
  Status end_status_;
  Block current_;  // the block Read takes rows from (the merge's thread only)
  size_t next_ = 0;
  std::thread thread_;
};

}  // namespace sluice
