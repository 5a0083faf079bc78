#include "warehouse/clickhouse/ch_staging_reader.h"

#include <algorithm>
#include <charconv>
#include <cstring>

#include <fmt/format.h>

#include "warehouse/clickhouse/ch_warehouse.h"

namespace sluice {

Status ParseStagingRowBinary(std::string_view data, const std::function<void(int64_t, size_t, size_t)>& row) {
  const auto cut = [] { return Status::Corruption("ClickHouse: a staging row cut short in the answer"); };
  size_t at = 0;
  while (at < data.size()) {
    if (data.size() - at < 8) return cut();
    uint64_t seq = 0;  // Int64, little-endian
    for (int b = 7; b >= 0; --b) seq = (seq << 8) | static_cast<unsigned char>(data[at + static_cast<size_t>(b)]);
    at += 8;
    uint64_t size = 0;  // String: its length as a LEB128 varint, then its bytes
    for (int shift = 0;; shift += 7) {
      if (at >= data.size() || shift > 63) return cut();
      const auto byte = static_cast<unsigned char>(data[at++]);
      size |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) break;
    }
    if (size > data.size() - at) return cut();
    row(static_cast<int64_t>(seq), at, static_cast<size_t>(size));
    at += static_cast<size_t>(size);
  }
  return Status::Ok();
}

Result<std::unique_ptr<ChStagingReader>> ChStagingReader::Make(const ChContext& context, std::string staging,
                                                               int64_t committed) {
  ASSIGN_OR_RETURN(auto ahead, ClickHouseClient::Make(context.main->url(), context.main->database()));
  return std::unique_ptr<ChStagingReader>(new ChStagingReader(context, std::move(ahead), std::move(staging), committed));
}

ChStagingReader::ChStagingReader(const ChContext& context, std::unique_ptr<ClickHouseClient> ahead,
                                 std::string staging, int64_t committed)
    : context_(context), ahead_client_(std::move(ahead)), staging_(std::move(staging)), committed_(committed) {}

ChStagingReader::~ChStagingReader() {
  if (ahead_.valid()) ahead_.wait();
}

Result<ChStagingReader::Window> ChStagingReader::Fetch(ClickHouseClient* client, int64_t from) const {
  Window window;
  const int64_t start = from;
  window.through = from;
  const auto run = [&](const std::string& sql) -> Result<std::string> {
    std::string out;
    RETURN_IF_ERROR(ChRetry(context_, [&]() -> Status {
      ASSIGN_OR_RETURN(out, client->Run(sql));
      return Status::Ok();
    }));
    return out;
  };
  while (from < committed_) {
    window.through = std::min(committed_, from + kWindowSeqs);
    ASSIGN_OR_RETURN(window.data, run(fmt::format("SELECT seq, payload FROM {} WHERE seq > {} AND seq <= {} "
                                                  "FORMAT RowBinary",
                                                  staging_, from, window.through)));
    RETURN_IF_ERROR(ParseStagingRowBinary(window.data, [&](int64_t seq, size_t offset, size_t size) {
      window.rows.push_back({seq, offset, size});
    }));
    if (!window.rows.empty()) break;
    // A gap (retention deleted these rows): go on from the next seq there is.
    ASSIGN_OR_RETURN(std::string next, run(fmt::format("SELECT min(seq) FROM {} WHERE seq > {} AND seq <= {} "
                                                       "FORMAT TabSeparated",
                                                       staging_, window.through, committed_)));
    int64_t seq = 0;
    if (std::from_chars(next.data(), next.data() + next.size(), seq).ec != std::errc())
      return Status::Corruption(fmt::format("ClickHouse: an unreadable seq from {}: '{}'", staging_, next));
    if (seq <= window.through) {  // none left (min() of nothing is 0)
      window.through = committed_;
      break;
    }
    from = seq - 1;
  }
  window.from = start;  // every committed seq after it, through window.through, is here
  const auto by_seq = [](const Window::Row& a, const Window::Row& b) { return a.seq < b.seq; };
  if (!std::is_sorted(window.rows.begin(), window.rows.end(), by_seq))
    std::stable_sort(window.rows.begin(), window.rows.end(), by_seq);
  const auto same_seq = [](const Window::Row& a, const Window::Row& b) { return a.seq == b.seq; };
  window.rows.erase(std::unique(window.rows.begin(), window.rows.end(), same_seq), window.rows.end());
  return window;
}

void ChStagingReader::ReadAhead() {
  if (!current_ || current_->through >= committed_) return;
  const int64_t from = current_->through;
  ahead_ = worker_.Submit([this, from] { return Fetch(ahead_client_.get(), from); });
}

Status ChStagingReader::MoveTo(int64_t after) {
  if (current_ && after >= current_->from && after < current_->through) return Status::Ok();
  std::optional<Window> next;
  if (ahead_.valid()) {
    Result<Window> ahead = ahead_.get();
    // A read out of order (a correction looking back) leaves the window read
    // ahead unused.
    if (ahead.ok() && after >= ahead->from && after < ahead->through) next = std::move(*ahead);
  }
  if (!next) {
    ASSIGN_OR_RETURN(Window fetched, Fetch(context_.main, after));
    next = std::move(fetched);
  }
  current_ = std::move(next);
  ReadAhead();
  return Status::Ok();
}

Status ChStagingReader::Read(int64_t after, size_t limit, const std::function<void(int64_t, std::string_view)>& row) {
  size_t read = 0;
  while (read < limit && after < committed_) {
    RETURN_IF_ERROR(MoveTo(after));
    const auto& rows = current_->rows;
    auto it = std::upper_bound(rows.begin(), rows.end(), after,
                               [](int64_t seq, const Window::Row& r) { return seq < r.seq; });
    for (; it != rows.end() && read < limit; ++it, ++read) {
      row(it->seq, current_->payload(*it));
      after = it->seq;
    }
    if (it == rows.end()) after = std::max(after, current_->through);
  }
  return Status::Ok();
}

}  // namespace sluice
