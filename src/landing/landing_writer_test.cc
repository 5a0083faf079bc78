#include "landing/landing_writer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <future>
#include <map>
#include <set>
#include <thread>

#include "base/poll_until.h"
#include "config/config.h"
#include "landing/byte_source.h"
#include "landing/layout.h"
#include "landing/line_reader.h"
#include "testing/fault_injection_env.h"
#include "testing/files.h"
#include "testing/temp_dir.h"

namespace sluice {
namespace {
namespace fs = std::filesystem;

class LandingWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
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

  // Files in `dir` (not below), by name, or {} if it does not exist.
  static std::set<std::string> FilesIn(const std::string& dir) {
    std::set<std::string> names;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) names.insert(e.path().filename().string());
    return names;
  }
  // Every open file's content, by path.
  std::map<std::string, std::string> OpenFiles() const {
    std::map<std::string, std::string> files;
    auto paths = Env::Default()->ListFilesRecursively(config_.landing_dir() + "/_open");
    if (!paths.ok()) return files;
    for (const std::string& path : *paths) files[path] = *ReadFileToString(Env::Default(), path);
    return files;
  }
  int64_t Errors(const std::string& stage) {
    return metrics_.GetCounter("sluice_landing_errors_total", "", {{"stage", stage}}).value();
  }

  // The batch in the middle fails at its `call` (disk full): it is not
  // acknowledged, none of its bytes stay, and the batches around it land.
  void ExpectABatchFailingAt(EnvCall call) {
    faulty_.FailCall(call, config_.landing_dir() + "/_open", 2, ENOSPC);
    LandingWriter writer(&faulty_, config_.landing, LandingFoldersOf(config_), &metrics_);
    ASSERT_TRUE(writer.Recover().ok());
    writer.Start();
    ASSERT_TRUE(LandAndWait(&writer, {{"T1", R"({"Id":"a","V":1})"}, {"T1", R"({"Id":"b","V":1})"}}).ok());
    const Status failed = LandAndWait(&writer, {{"T1", R"({"Id":"c","V":1})"}, {"T1", R"({"Id":"d","V":1})"}});
    EXPECT_EQ(failed.code(), StatusCode::kUnavailable);
    EXPECT_NE(failed.message().find("disk full"), std::string::npos) << failed.message();
    EXPECT_EQ(Errors("write"), 1);
    auto open = OpenFiles();
    ASSERT_EQ(open.size(), 1u);
    EXPECT_EQ(open.begin()->second, "{\"Id\":\"a\",\"V\":1}\n{\"Id\":\"b\",\"V\":1}\n");
    ASSERT_TRUE(LandAndWait(&writer, {{"T1", R"({"Id":"e","V":1})"}}).ok());
    writer.Stop();
    EXPECT_EQ(LandedLines(&writer), (std::multiset<std::string>{R"({"Id":"a","V":1})", R"({"Id":"b","V":1})",
                                                                 R"({"Id":"e","V":1})"}));
  }

  // Lands two events, asks for a seal, and waits until it has been tried
  // `tries` times and the file is sealed.
  void LandAndSeal(LandingWriter* writer, int64_t tries) {
    ASSERT_TRUE(LandAndWait(writer, {{"T1", R"({"Id":"a","V":1})"}, {"T1", R"({"Id":"b","V":1})"}}).ok());
    writer->SealOpenedBefore(faulty_.NowMicros());
    ASSERT_TRUE(PollUntil([&] {
      return metrics_.GetCounter("sluice_landing_files_sealed_total", "").value() == 1;
    })) << "not sealed";
    EXPECT_EQ(Errors("seal"), tries - 1);
  }

  const testing::TempDir tmp_{"sluice-landing"};
  const std::string dir_ = tmp_.path();
  Config config_;
  MetricsRegistry metrics_;
  FaultInjectionEnv faulty_;  // for the tests of failures
};

TEST_F(LandingWriterTest, EveryAcknowledgedEventIsInASealedFileExactlyOnce) {
  LandingWriter writer(Env::Default(), config_.landing, LandingFoldersOf(config_), &metrics_);
  ASSERT_TRUE(writer.Recover().ok());
  writer.Start();
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
  ASSERT_TRUE(writer.Recover().ok());
  writer.Start();
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
  ASSERT_TRUE(writer.Recover().ok());
  writer.Start();
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
  ASSERT_TRUE(writer.Recover().ok());
  writer.Start();
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
  testing::WriteFile(open, "{\"Id\":\"a\",\"V\":1}\n{\"Id\":\"b\",\"V\":1}\n{\"Id\":\"c\",\"V");
  LandingWriter writer(Env::Default(), config_.landing, LandingFoldersOf(config_), &metrics_);
  auto report = writer.Recover();
  ASSERT_TRUE(report.ok()) << report.status().message();
  writer.Start();
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
  ASSERT_TRUE(writer.Recover().ok());
  writer.Start();
  writer.Stop();
  EXPECT_FALSE(writer.Ready());
  Status st = LandAndWait(&writer, {{"T1", R"({"Id":"x","V":1})"}});
  EXPECT_EQ(st.code(), StatusCode::kUnavailable);
}

// ---- failures (the fault-injection Env)

TEST_F(LandingWriterTest, ABatchWhoseSyncFailsIsNotAcknowledgedAndLeavesNoBytes) {
  ExpectABatchFailingAt(EnvCall::kSync);
}

TEST_F(LandingWriterTest, ABatchWhoseWriteFailsIsNotAcknowledgedAndLeavesNoBytes) {
  ExpectABatchFailingAt(EnvCall::kAppend);
}

TEST_F(LandingWriterTest, ASealThatFailsMidwayIsRetriedAndSealsOnce) {
  // The compressed copy is complete, but cannot be renamed into place.
  faulty_.FailCall(EnvCall::kRename, config_.landing_dir() + "/Order", 1, EIO);
  LandingWriter writer(&faulty_, config_.landing, LandingFoldersOf(config_), &metrics_);
  ASSERT_TRUE(writer.Recover().ok());
  writer.Start();
  LandAndSeal(&writer, 2);
  writer.Stop();
  EXPECT_EQ(LandedLines(&writer), (std::multiset<std::string>{R"({"Id":"a","V":1})", R"({"Id":"b","V":1})"}));
  auto ready = writer.ready_queue()->List();
  ASSERT_EQ(ready->size(), 1u);
  const std::string sealed_dir = fs::path(config_.data_dir + "/" + ready->front().landed_as).parent_path().string();
  EXPECT_EQ(FilesIn(sealed_dir), (std::set<std::string>{fs::path(ready->front().landed_as).filename().string()}))
      << "the failed try left its temporary file";
  EXPECT_TRUE(OpenFiles().empty());
}

TEST_F(LandingWriterTest, AMarkerThatCannotBeWrittenFailsTheSealWhichIsRetried) {
  const std::string ready_dir = config_.landing_dir() + "/_ready";
  faulty_.FailCall(EnvCall::kSync, ready_dir, 1, ENOSPC);
  LandingWriter writer(&faulty_, config_.landing, LandingFoldersOf(config_), &metrics_);
  ASSERT_TRUE(writer.Recover().ok());
  writer.Start();
  LandAndSeal(&writer, 2);
  writer.Stop();
  EXPECT_EQ(FilesIn(ready_dir).size(), 1u) << "one marker, and no temporary one";
  EXPECT_EQ(LandedLines(&writer), (std::multiset<std::string>{R"({"Id":"a","V":1})", R"({"Id":"b","V":1})"}));
  EXPECT_TRUE(OpenFiles().empty());
}

// A new partition's folder whose parent cannot be synced (disk full) fails
// its batch; the next batch into it must sync that parent before it is
// acknowledged, or a power cut takes the folder, and the events, away.
TEST_F(LandingWriterTest, AFolderWhoseParentSyncFailedIsSyncedBeforeAnEventInItIsAcknowledged) {
  faulty_.FailCall(EnvCall::kSyncDir, config_.landing_dir() + "/_open", 1, ENOSPC);
  {
    LandingWriter writer(&faulty_, config_.landing, LandingFoldersOf(config_), &metrics_);
    ASSERT_TRUE(writer.Recover().ok());
    writer.Start();
    EXPECT_EQ(LandAndWait(&writer, {{"T1", R"({"Id":"a","V":1})"}}).code(), StatusCode::kUnavailable);
    ASSERT_TRUE(LandAndWait(&writer, {{"T1", R"({"Id":"b","V":1})"}}).ok());
    faulty_.CrashNow();  // the power goes: the writer's stop changes nothing
  }
  ASSERT_TRUE(faulty_.SimulateCrash().ok());
  LandingWriter after(&faulty_, config_.landing, LandingFoldersOf(config_), &metrics_);
  ASSERT_TRUE(after.Recover().ok());
  after.Start();
  after.Stop();
  EXPECT_EQ(LandedLines(&after), (std::multiset<std::string>{R"({"Id":"b","V":1})"}));
}

TEST_F(LandingWriterTest, AReadyMarkerThatCannotBeWrittenIsNotAdded) {
  const std::string ready_dir = config_.landing_dir() + "/_ready";
  ReadyQueue queue(&faulty_, ready_dir);
  faulty_.FailCall(EnvCall::kAppend, ready_dir, 1, ENOSPC);
  const Status full = queue.Add("Order", "landing/Order/x.ndjson.zst", "c0ffee", 10);
  EXPECT_EQ(full.code(), StatusCode::kUnavailable);
  EXPECT_NE(full.message().find("disk full"), std::string::npos) << full.message();
  EXPECT_TRUE(queue.List()->empty());
  EXPECT_TRUE(FilesIn(ready_dir).empty()) << "the temporary marker was left behind";
  ASSERT_TRUE(queue.Add("Order", "landing/Order/x.ndjson.zst", "c0ffee", 10).ok());
  auto ready = queue.List();
  ASSERT_EQ(ready->size(), 1u);
  EXPECT_EQ(ready->front().landed_as, "landing/Order/x.ndjson.zst");
  EXPECT_EQ(ready->front().checksum, "c0ffee");
  EXPECT_EQ(ready->front().bytes, 10u);
}

}  // namespace
}  // namespace sluice
