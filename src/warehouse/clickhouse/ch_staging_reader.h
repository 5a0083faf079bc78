// A merge run's reader of one type's committed staging rows on ClickHouse:
// in seq order, each seq once, a window of seqs at a time, the next window
// fetched on a thread of its own while the run works on the current one.
//
// ClickHouse answers a few large reads far quicker than many small ones
// (a read costs whole index granules, and a query its own overhead), and a
// window read ahead overlaps the server's work with the run's. Rows are
// read as RowBinary (no escaping either side) in whatever order the server
// finds them and put in seq order here, so the server neither sorts nor
// de-duplicates: a block inserted twice (a retry after a lost answer) holds
// the same seq twice, and the second is skipped.
//
// Reads are bounded: seqs after the last committed one belong to a dead
// load and are never read; a gap left by retention is skipped by asking for
// the next seq there is. Memory: at most two windows (kWindowSeqs rows
// each) are held, the current one and the one being read ahead.
//
// Not thread-safe: one merge run uses it; the read-ahead runs on the
// reader's own thread and connection, joined by the destructor.
#pragma once

#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/worker_thread.h"
#include "warehouse/clickhouse/ch_client.h"

namespace sluice {

struct ChContext;

class ChStagingReader {
 public:
  // Seqs per window: one index granule, about 8 MB of typical events.
  static constexpr int64_t kWindowSeqs = 8192;

  // Reads `staging` (a qualified table name) of `context`'s main server,
  // committed rows only (seq <= committed).
  static Result<std::unique_ptr<ChStagingReader>> Make(const ChContext& context, std::string staging,
                                                       int64_t committed);
  ~ChStagingReader();

  // Calls `row` for up to `limit` rows with seq > after, in seq order.
  Status Read(int64_t after, size_t limit, const std::function<void(int64_t, std::string_view)>& row);

 private:
  // The committed rows with from < seq <= through, in seq order, each once.
  struct Window {
    int64_t from = 0;
    int64_t through = 0;
    std::string data;  // the server's answer; rows point into it
    struct Row {
      int64_t seq;
      size_t offset, size;
    };
    std::vector<Row> rows;
    std::string_view payload(const Row& r) const { return std::string_view(data).substr(r.offset, r.size); }
  };

  ChStagingReader(const ChContext& context, std::unique_ptr<ClickHouseClient> ahead, std::string staging,
                  int64_t committed);
  // The window after `from`, starting at the next seq there is.
  Result<Window> Fetch(ClickHouseClient* client, int64_t from) const;
  // Makes the window holding the rows after `after` current.
  Status MoveTo(int64_t after);
  void ReadAhead();

  const ChContext& context_;
  std::unique_ptr<ClickHouseClient> ahead_client_;  // the read-ahead's own connection
  const std::string staging_;
  const int64_t committed_;
  std::optional<Window> current_;
  std::future<Result<Window>> ahead_;  // the window after current_, while it is read
  WorkerThread worker_{"ch-staging"};  // last: joins before what the read-ahead uses is gone
};

// The (seq, payload) rows of a RowBinary answer to "SELECT seq, payload";
// Corruption if it is cut short.
Status ParseStagingRowBinary(std::string_view data, const std::function<void(int64_t, size_t, size_t)>& row);

}  // namespace sluice
