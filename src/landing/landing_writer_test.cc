#include "landing/landing_writer.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <set>
#include <thread>

#include "config/config.h"
#include "landing/byte_source.h"
#include "landing/layout.h"
#include "landing/line_reader.h"

namespace sluice {
namespace {
namespace fs = std::filesystem;

class LandingWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/sluice-landing-XXXXXX";
    dir_ = mkdtemp(tmpl);
    auto config = ParseConfig(R"(
data_dir: data
events:
  Order:
    key: id
    version: v
    tenant: Tenant
    columns:
      id: {path: Id, type: string}
      v: {path: V, type: int}
)", dir_ + "/sluice.yaml");
    ASSERT_TRUE(config.ok()) << config.status().message();
    config_ = std::move(config).value();
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Every line of every sealed file the ready queue names.
  std::multiset<std::string> LandedLines(LandingWriter* writer) {
    std::multiset<std::string> lines;
    auto ready = writer->ready_queue()->List();
    EXPECT_TRUE(ready.ok());
    for (const auto& f : *ready) {
      auto source = OpenByteSource(Env::Default(), config_.data_dir + "/" + f.landed_as);
      EXPECT_TRUE(source.ok()) << f.landed_as;
      LineReader reader(std::move(source).value());
      Line line;
      while (*reader.Next(&line)) lines.insert(std::string(line.text));
    }
    return lines;
  }

  static IncomingEvents Events(const std::vector<IncomingEvent>& list) {
    IncomingEvents events;
    for (const IncomingEvent& e : list) events.Add(e.line, e.tenant);
    return events;
  }

  Status LandAndWait(LandingWriter* writer, const std::vector<IncomingEvent>& list) {
    std::promise<Status> done;
    writer->Land(*config_.catalog.Find("Order"), Events(list), [&](const Status& st) { done.set_value(st); });
    return done.get_future().get();
  }

  std::string dir_;
  Config config_;
  MetricsRegistry metrics_;
};

TEST_F(LandingWriterTest, EveryAcknowledgedEventIsInASealedFileExactlyOnce) {
  LandingWriter writer(Env::Default(), config_.landing, LandingFoldersOf(config_), &metrics_);
  ASSERT_TRUE(writer.Start().ok());
  std::vector<std::thread> clients;
  std::atomic<int> acknowledged{0};
  for (int c = 0; c < 8; ++c) {
    clients.emplace_back([&, c] {
      for (int r = 0; r < 50; ++r) {
        std::vector<IncomingEvent> events;
        for (int e = 0; e < 3; ++e)
          events.push_back({(c + e) % 2 ? "T1" : "T2", fmt::format(R"({{"Id":"{}-{}-{}","V":1}})", c, r, e)});
        if (LandAndWait(&writer, std::move(events)).ok()) ++acknowledged;
      }
    });
  }
  for (auto& t : clients) t.join();
  writer.Stop();
  EXPECT_EQ(acknowledged.load(), 400);
  const auto lines = LandedLines(&writer);
  EXPECT_EQ(lines.size(), 1200u);
  EXPECT_EQ(std::set<std::string>(lines.begin(), lines.end()).size(), 1200u);
  EXPECT_FALSE(fs::exists(config_.landing_dir() + "/_open/Order/x"));
  // Each request spans both tenants → at least two sealed files, in tenant folders.
  auto ready = writer.ready_queue()->List();
  std::set<std::string> tenants;
  for (const auto& f : *ready) tenants.insert(fs::path(f.landed_as).parent_path().filename().string());
  EXPECT_EQ(tenants, (std::set<std::string>{"T1", "T2"}));
}

TEST_F(LandingWriterTest, OneFsyncCoversManyQueuedRequests) {
  LandingWriter writer(Env::Default(), config_.landing, LandingFoldersOf(config_), &metrics_);
  ASSERT_TRUE(writer.Start().ok());
  // Queue many requests without waiting, then wait for all.
  std::vector<std::future<Status>> results;
  std::vector<std::shared_ptr<std::promise<Status>>> promises;
  for (int r = 0; r < 500; ++r) {
    auto p = std::make_shared<std::promise<Status>>();
    results.push_back(p->get_future());
    writer.Land(*config_.catalog.Find("Order"), Events({{"T1", fmt::format(R"({{"Id":"{}","V":1}})", r)}}),
                [p](const Status& st) { p->set_value(st); });
  }
  for (auto& r : results) EXPECT_TRUE(r.get().ok());
  const int64_t fsyncs = metrics_.GetCounter("sluice_landing_fsyncs_total", "").value();
  EXPECT_GE(fsyncs, 1);
  EXPECT_LT(fsyncs, 500);
  writer.Stop();
}

TEST_F(LandingWriterTest, ABatchTouchingMoreFilesThanSyncHelpersLandsEveryFile) {
  // 20 tenants in one request: 20 open files synced in one batch, more than
  // the flusher and its helper threads, so helpers take several files each.
  LandingWriter writer(Env::Default(), config_.landing, LandingFoldersOf(config_), &metrics_);
  ASSERT_TRUE(writer.Start().ok());
  std::vector<IncomingEvent> events;
  for (int t = 0; t < 20; ++t) events.push_back({fmt::format("T{}", t), fmt::format(R"({{"Id":"{}","V":1}})", t)});
  ASSERT_TRUE(LandAndWait(&writer, events).ok());
  EXPECT_EQ(metrics_.GetCounter("sluice_landing_fsyncs_total", "").value(), 20);
  ASSERT_TRUE(LandAndWait(&writer, events).ok());  // a second batch of the same 20 files
  EXPECT_EQ(metrics_.GetCounter("sluice_landing_fsyncs_total", "").value(), 40);
  writer.Stop();
  EXPECT_EQ(LandedLines(&writer).size(), 40u);
  auto ready = writer.ready_queue()->List();
  ASSERT_TRUE(ready.ok());
  std::set<std::string> tenants;
  for (const auto& f : *ready) tenants.insert(fs::path(f.landed_as).parent_path().filename().string());
  EXPECT_EQ(tenants.size(), 20u);
}

TEST_F(LandingWriterTest, FilesRollAtRollSize) {
  config_.landing.roll_size = 200;
  LandingWriter writer(Env::Default(), config_.landing, LandingFoldersOf(config_), &metrics_);
  ASSERT_TRUE(writer.Start().ok());
  for (int r = 0; r < 20; ++r)
    ASSERT_TRUE(LandAndWait(&writer, {{"T1", fmt::format(R"({{"Id":"{:020}","V":1}})", r)}}).ok());
  writer.Stop();
  auto ready = writer.ready_queue()->List();
  ASSERT_TRUE(ready.ok());
  EXPECT_GE(ready->size(), 4u);  // 20 lines of 29 bytes in files of about 200
  EXPECT_EQ(LandedLines(&writer).size(), 20u);
}

TEST_F(LandingWriterTest, RecoveryDropsOnlyTheTornLastLineAndSealsTheRest) {
  const std::string open = OpenFilePath(config_.landing_dir(), "Order", "T1", 1'700'000'000'000'000, 7);
  fs::create_directories(fs::path(open).parent_path());
  std::ofstream(open) << "{\"Id\":\"a\",\"V\":1}\n{\"Id\":\"b\",\"V\":1}\n{\"Id\":\"c\",\"V";
  LandingWriter writer(Env::Default(), config_.landing, LandingFoldersOf(config_), &metrics_);
  auto report = writer.Start();
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(report->files_sealed, 1);
  EXPECT_EQ(report->torn_bytes_dropped, 12);
  writer.Stop();
  EXPECT_FALSE(fs::exists(open));
  EXPECT_EQ(LandedLines(&writer), (std::multiset<std::string>{"{\"Id\":\"a\",\"V\":1}", "{\"Id\":\"b\",\"V\":1}"}));
  auto ready = writer.ready_queue()->List();
  ASSERT_EQ(ready->size(), 1u);
  EXPECT_EQ(ready->front().landed_as, "landing/Order/2023/11/14/T1/Order-20231114T221320-7.ndjson.zst");
}

TEST_F(LandingWriterTest, AfterStopEventsAreRefusedAsUnavailable) {
  LandingWriter writer(Env::Default(), config_.landing, LandingFoldersOf(config_), &metrics_);
  ASSERT_TRUE(writer.Start().ok());
  writer.Stop();
  EXPECT_FALSE(writer.Ready());
  Status st = LandAndWait(&writer, {{"T1", R"({"Id":"x","V":1})"}});
  EXPECT_EQ(st.code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace sluice
