// A merge run's writes, applied by a thread of its own on the run's
// connection, in the order the chunks were submitted.
//
// Why a thread: the server's inserts are the merge's longest stage. Measured
// at 1M events, the run's main thread spent as long encoding chunk k+1 (while
// competing for the two cores with the worker and both server processes) as
// waiting for the server to finish chunk k, and the server sat idle in
// between. With the writes queued, the server always has the next chunk while
// the merge encodes the one after.
//
// Each chunk holds `fresh`, a binary COPY stream (pg_binary_copy.h) of rows
// whose key the final table cannot hold, COPYed straight into it; and
// `others`, one binary array per column, applied by one INSERT … SELECT FROM
// unnest(…) ON CONFLICT … WHERE older statement that reports (inserted,
// updated). Arrays rather than a temporary table: its COPY and TRUNCATE per
// chunk were a measurable part of the server's work.
//
// While chunks are queued the connection belongs to the thread: the owner
// calls Drain before using it. After the first error the writer applies
// nothing more; Submit and Drain return that error (the run then rolls back
// as a whole). At most kMaxQueued chunks wait, which bounds memory.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "warehouse/backend.h"
#include "postgres/pg_conn.h"

namespace sluice {

class PgMergeWriter {
 public:
  static constexpr size_t kMaxQueued = 2;

  struct Statements {
    std::string copy_fresh;  // COPY final (…) FROM STDIN (FORMAT binary)
    std::string apply;       // $1… the `others` arrays; one row: (inserted, updated)
  };
  struct Chunk {
    std::string fresh;                // a binary COPY stream, trailer included
    std::vector<std::string> others;  // binary arrays, one per column
    int64_t fresh_rows = 0, other_rows = 0;
  };

  PgMergeWriter(PgConnection* conn, Statements statements);
  ~PgMergeWriter();  // finishes the chunk being applied, drops the queued ones
  PgMergeWriter(const PgMergeWriter&) = delete;
  PgMergeWriter& operator=(const PgMergeWriter&) = delete;

  // An empty chunk whose buffers keep the capacity of an applied one.
  Chunk Spare();
  // Queues `chunk`; waits while kMaxQueued chunks are queued.
  Status Submit(Chunk chunk);
  // Waits until every queued chunk is applied. Returns what the `others`
  // rows did since the last Drain (the `fresh` rows were all inserted).
  Result<UpsertCounts> Drain();

 private:
  void Run();  // the thread
  Status Apply(Chunk* chunk, UpsertCounts* counts);
  Status Copy(const std::string& sql, const std::string& rows);

  PgConnection* conn_;
  const Statements sql_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<Chunk> queue_;
  std::vector<Chunk> spare_;
  bool busy_ = false;  // the thread is applying a chunk taken off the queue
  bool stop_ = false;
  Status error_;
  UpsertCounts counts_;
  std::thread thread_;
};

}  // namespace sluice
