// `sluice serve` when things go wrong around it: the disk fills up under the
// landing zone and the warehouse, then space returns; and readers from other
// processes (`sluice sql`, `sluice status`) run while a client posts without
// pause. A real process, a real HTTP client, the warehouse read back.
//
// The disk-full test mounts a small tmpfs as the workspace's data dir, so it
// needs root (CAP_SYS_ADMIN); without it the test is skipped.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <regex>
#include <set>
#include <thread>

#include "cli_harness.h"
#include "serve_harness.h"
#include "testing/http_client.h"

namespace sluice::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::string ServeConfig() {
  return AccountingConfigYaml() + "http:\n  listen: 127.0.0.1:0\nlanding:\n  roll_interval: 200ms\n";
}


std::string ItemId(int id) { return fmt::format("ITEM-{:07}", id); }

// One Accounting event; `pad` bytes of incompressible text in an unmapped
// field make the landing zone (and the sealed .zst files) fill up quickly.
std::string Event(int id, const std::string& pad = "") {
  return AccountingEvent(Quote(ItemId(id)), Quote("2026-11-20T10:00:00Z"), "[" + Entry(Quote("E1"), "1.50") + "]",
                         pad.empty() ? "" : "\"Pad\": " + Quote(pad));
}

std::string RandomPad(std::mt19937& rng, size_t n) {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string s(n, ' ');
  for (char& c : s) c = kAlphabet[rng() % (sizeof(kAlphabet) - 1)];
  return s;
}

// Posts events first_id .. first_id+count-1 as one NDJSON request.
ClientResponse PostBatch(int port, int first_id, int count, std::mt19937& rng, size_t pad_bytes) {
  std::string body;
  for (int k = 0; k < count; ++k) body += Event(first_id + k, pad_bytes ? RandomPad(rng, pad_bytes) : "") + "\n";
  return RequestOnce(port, "POST", "/v1/events/Accounting", {{"Content-Type", "application/x-ndjson"}}, body);
}

std::string ReasonOf(const std::string& body) {
  static const std::regex kReason(R"re("reason"\s*:\s*"([^"]*)")re");
  std::smatch m;
  return std::regex_search(body, m, kReason) ? std::string(m[1]) : std::string();
}

// The value of one sample of a Prometheus text exposition (0 when absent).
double MetricValue(const std::string& text, const std::string& sample) {
  size_t at = 0;
  while ((at = text.find(sample, at)) != std::string::npos) {
    const bool line_start = at == 0 || text[at - 1] == '\n';
    const size_t after = at + sample.size();
    if (line_start && after < text.size() && text[after] == ' ') return std::stod(text.substr(after + 1));
    at = after;
  }
  return 0;
}

int IdOf(const std::string& item_id) { return std::stoi(item_id.substr(5)); }

// ---------------------------------------------------------------------------
// Disk full.

class ServeFailureDiskFull : public ::testing::Test {
 protected:
  void SetUp() override {
    ws_ = std::make_unique<Workspace>(ServeConfig());
    mount_point_ = ws_->data_dir();
    ASSERT_EQ(::mkdir(mount_point_.c_str(), 0755), 0) << std::strerror(errno);
    if (::mount("tmpfs", mount_point_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "size=4m,mode=0755") != 0) {
      const int err = errno;
      GTEST_SKIP() << "cannot mount a tmpfs at " << mount_point_ << " (" << std::strerror(err)
                   << "); the disk-full test needs root / CAP_SYS_ADMIN";
    }
    mounted_ = true;
  }

  void TearDown() override {
    if (mounted_ && ::umount2(mount_point_.c_str(), 0) != 0) {
      ADD_FAILURE() << "umount " << mount_point_ << ": " << std::strerror(errno) << "; detaching it lazily";
      ::umount2(mount_point_.c_str(), MNT_DETACH);
    }
    mounted_ = false;
    ws_.reset();
  }

  bool Grow(const std::string& size) {
    return ::mount("tmpfs", mount_point_.c_str(), "tmpfs", MS_REMOUNT | MS_NOSUID | MS_NODEV,
                   ("size=" + size + ",mode=0755").c_str()) == 0;
  }

  // Fills the disk through HTTP, checks the 503s, gives space back, checks
  // the 202s return and, after SIGTERM, that every acknowledged event is in
  // the final table exactly once. With `pace`, the client waits every few
  // requests for a file to be sealed and loaded, so that the warehouse grows
  // on the tmpfs too and the full disk hits the pipeline; without it the disk
  // fills faster than a roll, and hits the landing writer and the sealer.
  void FillThenFreeTheDisk(bool pace);

  std::unique_ptr<Workspace> ws_;
  std::string mount_point_;
  bool mounted_ = false;
};

void ServeFailureDiskFull::FillThenFreeTheDisk(bool pace) {
  const auto started = Clock::now();
  std::mt19937 rng(20261124);
  constexpr int kBatch = 20;           // events per request
  constexpr size_t kPad = 1024;        // ~1.2 KiB per event, ~24 KiB per request
  constexpr int kMaxRequests = 1000;   // 4 MiB fills in well under 200 requests
  std::set<int> acknowledged;
  int next_id = 0;

  std::optional<Server> server;
  server.emplace(*ws_);
  ASSERT_GT(server->port(), 0) << server->process().Stderr();
  const int port = server->port();

  // 1. Fill the disk until the server refuses.
  ClientResponse refused;
  int requests = 0;
  int statuses_other = 0;
  double sealed_seen = 0;
  for (; requests < kMaxRequests; ++requests) {
    const int first = next_id;
    next_id += kBatch;
    const ClientResponse r = PostBatch(port, first, kBatch, rng, kPad);
    if (r.status == 202) {
      for (int k = 0; k < kBatch; ++k) acknowledged.insert(first + k);
      // Every few requests, let the sealer and the pipeline catch up, so that
      // the warehouse grows on the tmpfs too and the disk fills under all of
      // them, not only under the landing writer. Bounded, not required.
      if (pace && requests % 8 == 7) {
        PollUntil([&] {
          const std::string m = RequestOnce(port, "GET", "/metrics").body;
          const double sealed = MetricValue(m, "sluice_landing_files_sealed_total");
          if (sealed <= sealed_seen || MetricValue(m, "sluice_loader_files_total") < sealed) return false;
          sealed_seen = sealed;
          return true;
        }, 3s);
      }
    } else if (r.status == 503) {
      refused = r;
      break;
    } else {
      ++statuses_other;
      ADD_FAILURE() << "unexpected status " << r.status << " while filling the disk: " << r.body;
      if (statuses_other > 3) break;
    }
  }
  ASSERT_EQ(refused.status, 503) << "no 503 after " << requests << " requests of " << kBatch << " events; "
                                 << acknowledged.size() << " acknowledged\n" << server->process().Stderr();
  EXPECT_GT(acknowledged.size(), 0u) << "the disk was full before anything was accepted";
  EXPECT_TRUE(refused.headers.count("retry-after")) << "503 without Retry-After: " << refused.body;
  const std::string reason = ReasonOf(refused.body);
  EXPECT_TRUE(reason == "landing_failed" || reason == "not_ready") << "503 body: " << refused.body;
  EXPECT_NE(refused.body.find("\"error\""), std::string::npos) << refused.body;

  // The process is still up and answers while the disk is full.
  EXPECT_TRUE(server->process().Running()) << server->process().Stderr();
  const ClientResponse health = RequestOnce(port, "GET", "/healthz");
  EXPECT_EQ(health.status, 200) << health.body;

  // A few more posts while full: still refused (or accepted, if the pipeline
  // freed something); whatever got a 202 counts as acknowledged.
  for (int i = 0; i < 5; ++i) {
    const int first = next_id;
    next_id += kBatch;
    const ClientResponse r = PostBatch(port, first, kBatch, rng, kPad);
    if (r.status == 202) {
      for (int k = 0; k < kBatch; ++k) acknowledged.insert(first + k);
    } else {
      EXPECT_EQ(r.status, 503) << r.body;
      if (r.status == 503) {
        EXPECT_TRUE(r.headers.count("retry-after")) << r.body;
      }
    }
  }
  const auto full_at = Clock::now();
  const std::string usage = RunProcess({"du", "-a", mount_point_}).out;

  // Keep the disk full until the stage behind the landing writer that this
  // run aims at has hit it too (paced: loading into the warehouse on the same
  // tmpfs; unpaced: sealing a file), so that recovery covers it as well.
  // Bounded: both retry about every second.
  std::string metrics;
  const bool behind_failed = PollUntil([&] {
    metrics = RequestOnce(port, "GET", "/metrics").body;
    return pace ? MetricValue(metrics, "sluice_pipeline_failures_total") > 0
                : MetricValue(metrics, R"(sluice_landing_errors_total{stage="seal"})") > 0;
  }, 10s);
  std::cout << "[ metrics  ] while full: seal errors "
            << MetricValue(metrics, R"(sluice_landing_errors_total{stage="seal"})") << ", write errors "
            << MetricValue(metrics, R"(sluice_landing_errors_total{stage="write"})") << ", pipeline failures "
            << MetricValue(metrics, "sluice_pipeline_failures_total")
            << "\n";
  if (std::getenv("SLUICE_TEST_VERBOSE")) std::cout << usage;
  EXPECT_TRUE(behind_failed) << "the " << (pace ? "pipeline" : "sealer") << " did not fail within 10 s of a full disk\n"
                             << metrics << usage;
  EXPECT_GT(MetricValue(metrics, R"(sluice_landing_errors_total{stage="write"})"), 0) << metrics;
  EXPECT_EQ(RequestOnce(port, "GET", "/healthz").status, 200);

  // 2. Space returns: posts are accepted again.
  ASSERT_TRUE(Grow("64m")) << "remount: " << std::strerror(errno);
  int accepted_after = 0;
  const bool recovered = PollUntil([&] {
    const int first = next_id;
    next_id += kBatch;
    const ClientResponse r = PostBatch(port, first, kBatch, rng, /*pad_bytes=*/64);
    if (r.status == 202) {
      for (int k = 0; k < kBatch; ++k) acknowledged.insert(first + k);
      ++accepted_after;
    }
    return accepted_after >= 5;
  }, 30s);
  ASSERT_TRUE(recovered) << "no 202 within 30 s after space returned\n" << server->process().Stderr();
  const auto recovered_at = Clock::now();

  // 3. A clean stop lands, seals, loads and merges everything.
  server->process().Kill(SIGTERM);
  const RunResult done = server->process().Wait(60s);
  ASSERT_EQ(done.exit_code, 0) << done.Describe();
  server.reset();

  std::multiset<int> merged;
  for (const auto& row : ws_->Query("SELECT eventitemid FROM accounting")) merged.insert(IdOf(row[0].text));
  std::vector<int> lost, duplicated;
  for (int id : acknowledged) {
    const size_t n = merged.count(id);
    if (n == 0) lost.push_back(id);
    if (n > 1) duplicated.push_back(id);
  }
  EXPECT_TRUE(lost.empty()) << lost.size() << " of " << acknowledged.size()
                            << " acknowledged events are missing from accounting, e.g. " << ItemId(lost.front())
                            << "\n" << done.err;
  EXPECT_TRUE(duplicated.empty()) << duplicated.size() << " acknowledged events are in accounting more than once, e.g. "
                                  << ItemId(duplicated.front());
  // Events that were refused may still land (written but not acknowledged is
  // allowed), but nothing that was never posted.
  for (int id : merged) EXPECT_LT(id, next_id);
  EXPECT_TRUE(ListFiles(ws_->landing_dir() + "/_open").empty());

  const auto ms = [](auto d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); };
  std::cout << "[ timing   ] " << (pace ? "paced" : "unpaced") << ": full after " << requests << " requests (" << ms(full_at - started) << " ms), "
            << "recovered in " << ms(recovered_at - full_at) << " ms, " << acknowledged.size()
            << " acknowledged, " << merged.size() << " merged, 503 reason " << reason << "\n";
}

TEST_F(ServeFailureDiskFull, LandingAndSealingOnAFullDiskAnswer503AndRecoverWithoutLosingAcknowledgedEvents) {
  FillThenFreeTheDisk(/*pace=*/false);
}

TEST_F(ServeFailureDiskFull, WarehouseOnAFullDiskRecoversAndLosesNoAcknowledgedEvent) {
  if (ws_->on_postgres()) GTEST_SKIP() << "the warehouse is a PostgreSQL server, not a file on the full disk";
  if (ws_->on_clickhouse())
    GTEST_SKIP() << "the warehouse is a ClickHouse server; only its small bookkeeping file is on the full disk";
  FillThenFreeTheDisk(/*pace=*/true);
}

// ---------------------------------------------------------------------------
// Readers beside the pipeline.

TEST(ServeFailureReaders, SqlAndStatusAnswerWhileAClientPostsAndDoNotStallIt) {
  Workspace ws(ServeConfig());
  Server server(ws);
  ASSERT_GT(server.port(), 0) << server.process().Stderr();
  const int port = server.port();

  // Something merged first, so that the final table exists for `sql`.
  std::mt19937 seed_rng(1);
  ASSERT_EQ(PostBatch(port, 0, 10, seed_rng, 0).status, 202);
  ASSERT_TRUE(PollUntil([&] {
    try {
      return ws.Count("accounting") >= 10;  // throws until the warehouse and the table exist
    } catch (...) {
      return false;
    }
  }, 30s)) << server.process().Stderr();

  constexpr int kBatch = 10;
  constexpr int kMaxRequests = 5000;  // the client's bound
  std::atomic<bool> stop{false};
  std::atomic<int> acked_requests{0};
  std::mutex mu;
  std::set<int> acknowledged;
  std::vector<std::string> failures;
  std::thread client([&] {
    std::mt19937 rng(2);
    for (int i = 0; i < kMaxRequests && !stop; ++i) {
      const int first = 1000 + i * kBatch;
      const ClientResponse r = PostBatch(port, first, kBatch, rng, 0);
      std::lock_guard<std::mutex> lock(mu);
      if (r.status == 202) {
        for (int k = 0; k < kBatch; ++k) acknowledged.insert(first + k);
        ++acked_requests;
      } else if (failures.size() < 5) {
        failures.push_back(fmt::format("request {}: {} {}", i, r.status, r.body));
      }
    }
  });

  RunOptions quick;
  quick.timeout = 20s;  // a reader blocked for long is a failure, not a hang
  constexpr int kRounds = 6;
  std::chrono::milliseconds slowest{0};
  for (int round = 0; round < kRounds; ++round) {
    // The client makes progress between readers.
    const int before = acked_requests.load();
    ASSERT_TRUE(PollUntil([&] { return acked_requests.load() >= before + 5; }, 20s))
        << "the client stopped getting 202s in round " << round << "\n" << server.process().Stderr();

    const auto t0 = Clock::now();
    const RunResult sql = ws.Sluice({"sql", "SELECT count(*) AS n FROM accounting"}, quick);
    const auto t1 = Clock::now();
    EXPECT_RUN_OK(sql);
    EXPECT_FALSE(sql.timed_out);
    EXPECT_NE(sql.out.find_first_of("0123456789"), std::string::npos) << sql.out;
    const RunResult status = ws.Sluice({"status"}, quick);
    const auto t2 = Clock::now();
    EXPECT_RUN_OK(status);
    EXPECT_FALSE(status.timed_out);
    slowest = std::max({slowest, std::chrono::duration_cast<std::chrono::milliseconds>(t1 - t0),
                        std::chrono::duration_cast<std::chrono::milliseconds>(t2 - t1)});
  }
  // While the readers ran, the pipeline kept merging.
  const int posted_by_now = acked_requests.load();
  stop = true;
  client.join();
  {
    std::lock_guard<std::mutex> lock(mu);
    EXPECT_TRUE(failures.empty()) << failures.size() << " requests were not accepted, e.g. " << failures.front();
  }
  EXPECT_GT(posted_by_now, kRounds * 5);
  EXPECT_LT(slowest, 10s) << "a reader took " << slowest.count() << " ms while serve ran";

  server.process().Kill(SIGTERM);
  const RunResult done = server.process().Wait(60s);
  ASSERT_EQ(done.exit_code, 0) << done.Describe();
  std::set<int> merged;
  for (const auto& row : ws.Query("SELECT eventitemid FROM accounting")) merged.insert(IdOf(row[0].text));
  std::vector<int> lost;
  std::set_difference(acknowledged.begin(), acknowledged.end(), merged.begin(), merged.end(),
                      std::back_inserter(lost));
  EXPECT_TRUE(lost.empty()) << lost.size() << " acknowledged events are missing, e.g. " << ItemId(lost.front());
  std::cout << "[ timing   ] " << acknowledged.size() << " events acknowledged during " << kRounds
            << " reader rounds; slowest reader " << slowest.count() << " ms\n";
}

}  // namespace
}  // namespace sluice::testing
