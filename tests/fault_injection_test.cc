// Power cuts at random moments while the landing zone takes, seals and loads
// events, in the spirit of LevelDB's db/fault_injection_test.cc.
//
// In-process: a LandingWriter and a Loader (into a SQLite warehouse) on a
// FaultInjectionEnv, driven by a random workload the way `sluice serve` drives
// them: requests landed and acknowledged through their callback, files sealed,
// ready files loaded and their markers removed, now and then a full disk or an
// I/O error. At a random call the power goes: every later call fails and
// changes nothing. The components are destroyed (SQLite's open transaction, if
// any, rolls back with its connection), the Env drops what was not durable,
// and a fresh Env over the same folder recovers — the writer's start-up
// recovery, then every ready file loaded — sometimes after a crash during a
// first recovery. After each recovery:
//   - every acknowledged event is in the landing zone exactly once, every
//     other event sent at most once, and nothing else is there;
//   - every landed file was loaded exactly once (one load-history row, its
//     lines as staging rows), and no staging row is anything but one whole
//     event that was sent: no torn line is ever loaded.
// The seed is fixed and printed with any failure; SLUICE_FAULT_SEED=<n> runs
// another.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>

#include "cli_harness.h"
#include "config/config.h"
#include "landing/byte_source.h"
#include "landing/landing_writer.h"
#include "landing/line_reader.h"
#include "loader/loader.h"
#include "testing/fault_injection_env.h"
#include "warehouse/backend.h"

namespace sluice {
namespace {
namespace fs = std::filesystem;
using testing::QueryDb;
using testing::TempDir;

constexpr uint32_t kSeed = 20'250'611;
constexpr int kSequences = 10;            // each with a fresh data folder and warehouse
constexpr int kCrashesPerSequence = 30;   // 300 power cuts in all
constexpr int64_t kCallsPerCycle = 120;   // the crash point is drawn below this: most cycles make more calls
constexpr int64_t kCallsPerRecovery = 60;
constexpr const char* kTypes[] = {"Order", "Refund"};
constexpr const char* kTenants[] = {"T1", "T2", "T3"};

// Two event types alike, so that batches touch several files.
std::string ConfigYaml() {
  std::string yaml = "data_dir: data\nevents:\n";
  for (const char* type : kTypes)
    yaml += fmt::format("  {}:\n    key: id\n    version: v\n    columns:\n"
                        "      id: {{path: Id, type: string}}\n      v: {{path: V, type: int}}\n", type);
  return yaml;
}

// An event's line: its id and some padding, so files roll at different points.
std::string EventLine(int64_t id) {
  return fmt::format(R"({{"Id":"e{}","V":1,"Pad":"{}"}})", id, std::string(static_cast<size_t>(id * 7 % 61), 'p'));
}

// The id in a line, or -1 when the line is not one EventLine wrote.
int64_t IdOf(std::string_view line) {
  const size_t start = line.find("\"e");
  if (start == std::string_view::npos) return -1;
  const int64_t id = std::strtoll(std::string(line.substr(start + 2, 20)).c_str(), nullptr, 10);
  return line == EventLine(id) ? id : -1;
}

// What was sent and what was acknowledged. Thread-safe: acknowledgements
// arrive on the landing writer's thread.
class Ledger {
 public:
  std::vector<int64_t> Send(const std::string& type, int n) {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<int64_t> ids;
    for (int i = 0; i < n; ++i) {
      ids.push_back(next_id_);
      sent_[next_id_++] = Sent{type, false};
    }
    ++in_flight_;
    return ids;
  }
  void Done(const std::vector<int64_t>& ids, bool acknowledged) {
    std::lock_guard<std::mutex> lock(mu_);
    for (int64_t id : ids) sent_[id].acknowledged = acknowledged;
    --in_flight_;
  }
  int in_flight() {
    std::lock_guard<std::mutex> lock(mu_);
    return in_flight_;
  }

  struct Sent {
    std::string type;
    bool acknowledged = false;
  };
  std::map<int64_t, Sent> sent() {
    std::lock_guard<std::mutex> lock(mu_);
    return sent_;
  }

 private:
  std::mutex mu_;
  std::map<int64_t, Sent> sent_;
  int64_t next_id_ = 0;
  int in_flight_ = 0;
};

// One landed (sealed) file: where, and its lines.
struct LandedFile {
  std::string event_type;
  std::vector<std::string> lines;
};

class CrashSequence {
 public:
  CrashSequence(uint32_t seed, const std::string& dir) : rng_(seed), dir_(dir) {}

  void SetUp() {
    auto config = ParseConfig(ConfigYaml(), dir_ + "/sluice.yaml");
    ASSERT_TRUE(config.ok()) << config.status().message();
    config_ = std::move(config).value();
    config_.landing.roll_interval_micros = 3'600'000'000;  // files roll on size, or are sealed on request
    config_.landing.roll_size = 2000;
    fs::create_directories(config_.data_dir);
    auto warehouse = OpenWarehouse(config_.warehouse, config_.data_dir);
    ASSERT_TRUE(warehouse.ok()) << warehouse.status().message();
    ASSERT_TRUE((*warehouse)->Prepare(config_.catalog).ok());
  }

  // Work, a power cut, recovery, and the checks.
  void Cycle() {
    {
      FaultInjectionEnv env;
      const int64_t crash_after = Uniform(0, kCallsPerCycle);
      log_ = fmt::format("the power goes after call {}", crash_after);
      env.CrashAfter(crash_after);
      if (Uniform(0, 3) == 0) InjectAFault(&env);
      RunWorkload(&env);
      ASSERT_NO_FATAL_FAILURE(PowerCut(&env));
    }
    if (Uniform(0, 2) == 0) {
      FaultInjectionEnv env;
      const int64_t crash_after = Uniform(0, kCallsPerRecovery);
      log_ += fmt::format("; again during recovery, after call {}", crash_after);
      env.CrashAfter(crash_after);
      Recover(&env);
      ASSERT_NO_FATAL_FAILURE(PowerCut(&env));
    }
    FaultInjectionEnv env;
    ASSERT_TRUE(Recover(&env)) << "recovery without faults failed";
    ASSERT_NO_FATAL_FAILURE(Check());
  }

  const std::string& log() const { return log_; }
  bool saw_acknowledged() const { return saw_acknowledged_; }

 private:
  int64_t Uniform(int64_t low, int64_t high) { return std::uniform_int_distribution<int64_t>(low, high)(rng_); }

  LandingFolders Folders() const { return LandingFoldersOf(config_); }

  // A full disk or an I/O error at one random call in the landing zone.
  void InjectAFault(FaultInjectionEnv* env) {
    constexpr EnvCall kCalls[] = {EnvCall::kAppend, EnvCall::kSync, EnvCall::kTruncate, EnvCall::kOpenWritable,
                                  EnvCall::kRename, EnvCall::kRemove, EnvCall::kSyncDir, EnvCall::kRead};
    const EnvCall call = kCalls[Uniform(0, std::size(kCalls) - 1)];
    const int nth = static_cast<int>(Uniform(1, 15));
    const int error = Uniform(0, 1) ? ENOSPC : EIO;
    env->FailCall(call, config_.landing_dir(), nth, error);
    log_ += fmt::format("; call kind {} number {} fails with errno {}", static_cast<int>(call), nth, error);
  }

  void RunWorkload(FaultInjectionEnv* env) {
    auto warehouse = OpenWarehouse(config_.warehouse, config_.data_dir);
    ASSERT_TRUE(warehouse.ok()) << warehouse.status().message();
    MetricsRegistry metrics;
    LandingWriter writer(env, config_.landing, Folders(), &metrics);
    Loader loader(env, Folders(), warehouse->get());
    if (!writer.Recover().ok()) return;  // the power went during its recovery
    writer.Start();
    for (int64_t steps = Uniform(5, 40); steps > 0 && !env->crashed(); --steps) {
      const int64_t action = Uniform(0, 99);
      if (action < 55) {
        Land(&writer);
      } else if (action < 65) {
        EXPECT_TRUE(PollUntil([&] { return ledger_.in_flight() == 0; })) << "a landing never finished";
      } else if (action < 80) {
        writer.SealOpenedBefore(env->NowMicros());
      } else {
        LoadReady(&writer, &loader);
      }
    }
    // Mostly the power goes while everything runs; now and then after an
    // orderly stop, which must leave everything durable.
    if (Uniform(0, 9) > 0) env->CrashNow();
    else log_ += "; after an orderly stop";
  }

  void Land(LandingWriter* writer) {
    const std::string type = kTypes[Uniform(0, 1)];
    const std::vector<int64_t> ids = ledger_.Send(type, static_cast<int>(Uniform(1, 6)));
    IncomingEvents events;
    for (int64_t id : ids) events.Add(EventLine(id), kTenants[Uniform(0, 2)]);
    writer->Land(*config_.catalog.Find(type), std::move(events),
                 [this, ids](const Status& st) { ledger_.Done(ids, st.ok()); });
  }

  // As serve's pipeline does: each ready file in sealing order, then its
  // marker removed. False at the first failure.
  bool LoadReady(LandingWriter* writer, Loader* loader) {
    auto ready = writer->ready_queue()->List();
    if (!ready.ok()) return false;
    for (const ReadyFile& f : *ready) {
      const EventSpec* event = config_.catalog.Find(f.event_type);
      if (event == nullptr) {
        ADD_FAILURE() << "a ready marker names the unknown type '" << f.event_type << "'";
        return false;
      }
      if (!loader->LoadLandedFile(*event, f.landed_as, f.landed_as, f.checksum).ok()) return false;
      if (!writer->ready_queue()->Remove(f).ok()) return false;
      writer->Loaded(f.bytes);
    }
    return true;
  }

  // The start-up recovery, then every ready file loaded. False if something failed.
  bool Recover(FaultInjectionEnv* env) {
    auto warehouse = OpenWarehouse(config_.warehouse, config_.data_dir);
    if (!warehouse.ok()) return false;
    MetricsRegistry metrics;
    LandingWriter writer(env, config_.landing, Folders(), &metrics);
    Loader loader(env, Folders(), warehouse->get());
    if (!writer.Recover().ok()) return false;
    writer.Start();
    return LoadReady(&writer, &loader);
  }

  // Everything after the crash point fails: the components stop (their
  // destructors have run when this is called), then the Env keeps only what
  // was durable.
  void PowerCut(FaultInjectionEnv* env) {
    env->CrashNow();
    const auto unsynced = Uniform(0, 1) ? FaultInjectionEnv::UnsyncedBytes::kDropped
                                        : FaultInjectionEnv::UnsyncedBytes::kRandomPrefixKept;
    const Status st = env->SimulateCrash(unsynced, static_cast<uint32_t>(Uniform(0, 1 << 30)));
    ASSERT_TRUE(st.ok()) << st.message();
    ASSERT_EQ(ledger_.in_flight(), 0) << "a landing callback never ran";
  }

  // Every sealed file of the landing zone, by path relative to data_dir.
  std::map<std::string, LandedFile> LandingZone() const {
    std::map<std::string, LandedFile> files;
    auto paths = Env::Default()->ListFilesRecursively(config_.landing_dir());
    if (!paths.ok()) {
      EXPECT_EQ(paths.status().code(), StatusCode::kNotFound) << paths.status().message();
      return files;
    }
    for (const std::string& path : *paths) {
      const std::string relative = fs::path(path).lexically_relative(config_.landing_dir()).string();
      if (relative.starts_with("_ready/") || fs::path(path).filename().string().starts_with(".")) continue;
      EXPECT_FALSE(relative.starts_with("_open/")) << path << " is still open after recovery";
      if (!relative.ends_with(".ndjson.zst")) continue;
      LandedFile& file = files[fs::path(path).lexically_relative(config_.data_dir).string()];
      file.event_type = relative.substr(0, relative.find('/'));
      auto source = OpenByteSource(Env::Default(), path);
      EXPECT_TRUE(source.ok()) << source.status().message();
      if (!source.ok()) continue;
      LineReader reader(std::move(source).value());
      Line line;
      while (true) {
        auto more = reader.Next(&line);
        EXPECT_TRUE(more.ok()) << path << ": " << more.status().message();
        if (!more.ok() || !*more) break;
        file.lines.emplace_back(line.text);
      }
    }
    return files;
  }

  void Check() {
    const std::map<int64_t, Ledger::Sent> sent = ledger_.sent();
    const std::map<std::string, LandedFile> landed = LandingZone();

    // The landing zone: acknowledged events exactly once, others at most once, nothing else.
    std::map<int64_t, int> copies;
    for (const auto& [path, file] : landed) {
      for (const std::string& line : file.lines) {
        const int64_t id = IdOf(line);
        const auto it = sent.find(id);
        ASSERT_TRUE(id >= 0 && it != sent.end()) << path << " holds a line that was never sent: " << line;
        ASSERT_EQ(it->second.type, file.event_type) << path << " holds an event of another type: " << line;
        ++copies[id];
      }
    }
    int64_t acknowledged = 0;
    for (const auto& [id, s] : sent) {
      const int n = copies.count(id) ? copies.at(id) : 0;
      if (s.acknowledged) {
        ++acknowledged;
        ASSERT_EQ(n, 1) << "acknowledged event " << id << " is in the landing zone " << n << " times";
      } else {
        ASSERT_LE(n, 1) << "unacknowledged event " << id << " is in the landing zone " << n << " times";
      }
    }
    if (acknowledged > 0) saw_acknowledged_ = true;

    // Nothing is waiting: recovery loaded every ready file.
    auto ready = ReadyQueue(Env::Default(), config_.landing_dir() + "/_ready").List();
    ASSERT_TRUE(ready.ok()) << ready.status().message();
    ASSERT_TRUE(ready->empty()) << ready->size() << " ready files were not loaded by recovery";

    // Each landed file loaded exactly once, with every line, and nothing more.
    const std::string db = config_.data_dir + "/warehouse.db";  // the embedded default
    std::map<std::string, int64_t> history;
    for (const auto& row : QueryDb(db, "SELECT landed_as, count(*), sum(rows), sum(errors) FROM sluice_load_history "
                                       "GROUP BY landed_as")) {
      ASSERT_EQ(row[1].integer, 1) << row[0].text << " was loaded " << row[1].integer << " times";
      ASSERT_EQ(row[3].integer, 0) << row[0].text << " had bad lines";
      history[row[0].text] = row[2].integer;
    }
    std::map<std::string, int64_t> expected;
    for (const auto& [path, file] : landed) expected[path] = static_cast<int64_t>(file.lines.size());
    ASSERT_EQ(history, expected) << "load history (file: rows) differs from the landing zone (file: lines)";
    ASSERT_EQ(QueryDb(db, "SELECT count(*) FROM sluice_load_errors")[0][0].integer, 0);
    std::multiset<std::pair<std::string, std::string>> staged, lines;
    for (const char* type : kTypes) {
      const std::string table = config_.catalog.Find(type)->staging_table();
      for (const auto& row : QueryDb(db, "SELECT source, payload FROM " + table))
        staged.insert({row[0].text, row[1].text});
    }
    for (const auto& [path, file] : landed)
      for (const std::string& line : file.lines) lines.insert({path, line});
    ASSERT_EQ(staged.size(), lines.size()) << "staging rows vs. landed lines";
    ASSERT_TRUE(staged == lines) << "staging rows are not the landed lines, file by file";
  }

  std::mt19937 rng_;
  const std::string dir_;
  Config config_;
  Ledger ledger_;
  std::string log_;
  bool saw_acknowledged_ = false;
};

uint32_t Seed() {
  const char* seed = std::getenv("SLUICE_FAULT_SEED");
  return seed ? static_cast<uint32_t>(std::strtoul(seed, nullptr, 10)) : kSeed;
}

// fsync costs nothing there, and this test syncs nothing for real anyway.
std::string TempBase() {
  std::error_code ec;
  return fs::is_directory("/dev/shm", ec) ? "/dev/shm" : "";
}

TEST(FaultInjection, AfterEveryPowerCutEachAcknowledgedEventIsLandedAndLoadedExactlyOnce) {
  const uint32_t seed = Seed();
  for (int s = 0; s < kSequences; ++s) {
    TempDir dir("sluice-fault", TempBase());
    CrashSequence sequence(seed + static_cast<uint32_t>(s), dir.path());
    ASSERT_NO_FATAL_FAILURE(sequence.SetUp());
    for (int c = 0; c < kCrashesPerSequence; ++c) {
      SCOPED_TRACE(fmt::format("seed {} (SLUICE_FAULT_SEED), sequence {}, cycle {}", seed, s, c));
      sequence.Cycle();
      if (::testing::Test::HasFatalFailure() || ::testing::Test::HasNonfatalFailure()) {
        ADD_FAILURE() << "in that cycle " << sequence.log();
        return;
      }
    }
    EXPECT_TRUE(sequence.saw_acknowledged()) << "sequence " << s << ": nothing was ever acknowledged";
  }
}

}  // namespace
}  // namespace sluice
