// Each rule of the FaultInjectionEnv: what a simulated crash keeps and drops,
// which calls fail, and the manual clock.
#include "testing/fault_injection_env.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cerrno>
#include <filesystem>
#include <set>

namespace sluice {
namespace {
namespace fs = std::filesystem;

class FaultInjectionEnvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "sluice-fault-env-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string PathOf(const std::string& name) const { return dir_ + "/" + name; }

  // The file's content on disk, read past the Env under test; "<none>" if it is missing.
  std::string OnDisk(const std::string& name) const {
    auto text = ReadFileToString(Env::Default(), PathOf(name));
    return text.ok() ? *text : "<none>";
  }

  // Written past the Env under test, as if before it started.
  void WriteBehindTheEnv(const std::string& name, const std::string& content) const {
    auto file = Env::Default()->OpenWritable(PathOf(name), WriteMode::kCreateNew);
    ASSERT_TRUE(file.ok()) << file.status().message();
    ASSERT_TRUE((*file)->Append(content).ok());
  }

  std::unique_ptr<WritableFile> Create(const std::string& name, WriteMode mode = WriteMode::kCreateNew) {
    auto file = env_.OpenWritable(PathOf(name), mode);
    EXPECT_TRUE(file.ok()) << file.status().message();
    return file.ok() ? std::move(file).value() : nullptr;
  }

  // A file with `content` that a crash keeps: written, synced, its name synced.
  void MakeDurable(const std::string& name, const std::string& content) {
    auto file = Create(name);
    ASSERT_TRUE(file->Append(content).ok());
    ASSERT_TRUE(file->Sync().ok());
    ASSERT_TRUE(file->Close().ok());
    ASSERT_TRUE(env_.SyncDir(fs::path(PathOf(name)).parent_path().string()).ok());
  }

  void Crash(FaultInjectionEnv::UnsyncedBytes unsynced = FaultInjectionEnv::UnsyncedBytes::kDropped,
             uint32_t seed = 0) {
    const Status st = env_.SimulateCrash(unsynced, seed);
    ASSERT_TRUE(st.ok()) << st.message();
  }

  FaultInjectionEnv env_;
  std::string dir_;
};

TEST_F(FaultInjectionEnvTest, UnsyncedBytesAreDroppedAtACrashAndSyncedOnesKept) {
  MakeDurable("f", "");
  auto file = Create("f", WriteMode::kAppendOnly);
  ASSERT_TRUE(file->Append("synced;").ok());
  ASSERT_TRUE(file->Sync().ok());
  ASSERT_TRUE(file->Append("not synced").ok());
  ASSERT_TRUE(file->Close().ok());
  EXPECT_EQ(OnDisk("f"), "synced;not synced");  // until the power goes
  Crash();
  EXPECT_EQ(OnDisk("f"), "synced;");
}

TEST_F(FaultInjectionEnvTest, AFilesNameIsDurableOnlyOnceItsFolderIsSynced) {
  auto early = Create("early");
  ASSERT_TRUE(early->Append("data").ok());
  ASSERT_TRUE(early->Sync().ok());
  MakeDurable("kept", "data");  // syncs the folder: every name made before is durable
  auto late = Create("late");
  ASSERT_TRUE(late->Append("data").ok());
  ASSERT_TRUE(late->Sync().ok());  // its bytes, not its name
  EXPECT_EQ(OnDisk("late"), "data");
  Crash();
  EXPECT_EQ(OnDisk("early"), "data");
  EXPECT_EQ(OnDisk("kept"), "data");
  EXPECT_EQ(OnDisk("late"), "<none>");
}

TEST_F(FaultInjectionEnvTest, ARenameIsUndoneUntilItsFolderIsSynced) {
  MakeDurable("a", "A");
  ASSERT_TRUE(env_.RenameFile(PathOf("a"), PathOf("b")).ok());
  EXPECT_EQ(OnDisk("b"), "A");
  Crash();
  EXPECT_EQ(OnDisk("a"), "A");
  EXPECT_EQ(OnDisk("b"), "<none>");

  ASSERT_TRUE(env_.RenameFile(PathOf("a"), PathOf("b")).ok());
  ASSERT_TRUE(env_.SyncDir(dir_).ok());
  Crash();
  EXPECT_EQ(OnDisk("a"), "<none>");
  EXPECT_EQ(OnDisk("b"), "A");
}

TEST_F(FaultInjectionEnvTest, AnUndoneRenameBringsBackTheFileItReplaced) {
  MakeDurable("new", "new content");
  MakeDurable("target", "old content");
  ASSERT_TRUE(env_.RenameFile(PathOf("new"), PathOf("target")).ok());
  EXPECT_EQ(OnDisk("target"), "new content");
  Crash();
  EXPECT_EQ(OnDisk("new"), "new content");
  EXPECT_EQ(OnDisk("target"), "old content");
}

TEST_F(FaultInjectionEnvTest, AnUndoneRemoveBringsBackTheDurableBytes) {
  MakeDurable("f", "durable;");
  auto file = Create("f", WriteMode::kAppendOnly);
  ASSERT_TRUE(file->Append("unsynced").ok());
  file.reset();
  ASSERT_TRUE(env_.RemoveFile(PathOf("f")).ok());
  EXPECT_EQ(OnDisk("f"), "<none>");
  Crash();
  EXPECT_EQ(OnDisk("f"), "durable;");

  ASSERT_TRUE(env_.RemoveFile(PathOf("f")).ok());
  ASSERT_TRUE(env_.SyncDir(dir_).ok());
  Crash();
  EXPECT_EQ(OnDisk("f"), "<none>");
}

TEST_F(FaultInjectionEnvTest, AFolderWhoseParentIsNotSyncedVanishesWithWhatItHolds) {
  ASSERT_TRUE(CreateDirDurably(&env_, PathOf("e/f")).ok());
  MakeDurable("e/f/g", "data");
  ASSERT_TRUE(env_.CreateDir(PathOf("d")).ok());
  MakeDurable("d/f", "data");  // syncs d, not d's parent
  EXPECT_EQ(OnDisk("d/f"), "data");
  Crash();
  EXPECT_FALSE(fs::exists(PathOf("d")));
  EXPECT_EQ(OnDisk("e/f/g"), "data");
}

TEST_F(FaultInjectionEnvTest, TruncateShrinksWhatIsDurable) {
  MakeDurable("f", "abcdef");
  auto file = Create("f", WriteMode::kAppendOnly);
  ASSERT_TRUE(file->Truncate(2).ok());
  ASSERT_TRUE(file->Append("XY").ok());  // after the end, unsynced
  file.reset();
  EXPECT_EQ(OnDisk("f"), "abXY");
  Crash();
  EXPECT_EQ(OnDisk("f"), "ab");
}

TEST_F(FaultInjectionEnvTest, FilesTheEnvNeverWroteAreDurableAsTheyAre) {
  WriteBehindTheEnv("old", "before the env");
  auto file = Create("old", WriteMode::kAppendOnly);
  ASSERT_TRUE(file->Append(" and after").ok());
  file.reset();
  Crash();
  EXPECT_EQ(OnDisk("old"), "before the env");
}

TEST_F(FaultInjectionEnvTest, ATornWriteKeepsARandomPartOfTheUnsyncedBytes) {
  std::set<std::string> seen;
  for (uint32_t seed = 0; seed < 40; ++seed) {
    MakeDurable("f" + std::to_string(seed), "abc");
    auto file = Create("f" + std::to_string(seed), WriteMode::kAppendOnly);
    ASSERT_TRUE(file->Append("defgh").ok());
    file.reset();
    Crash(FaultInjectionEnv::UnsyncedBytes::kRandomPrefixKept, seed);
    const std::string kept = OnDisk("f" + std::to_string(seed));
    ASSERT_EQ(kept, std::string("abcdefgh").substr(0, kept.size())) << "seed " << seed;
    ASSERT_GE(kept.size(), 3u) << "seed " << seed;
    seen.insert(kept);
  }
  EXPECT_GE(seen.size(), 3u);  // not always all, not always none
}

TEST_F(FaultInjectionEnvTest, AfterTheCrashPointEveryCallFailsAndChangesNothing) {
  MakeDurable("f", "abc");
  auto file = Create("f", WriteMode::kAppendOnly);
  env_.CrashAfter(env_.calls() + 1);
  EXPECT_FALSE(env_.crashed());
  ASSERT_TRUE(file->Append("d").ok());  // the last call before the power goes
  EXPECT_TRUE(env_.crashed());
  const Status write = file->Append("e");
  EXPECT_EQ(write.code(), StatusCode::kIOError);
  EXPECT_NE(write.message().find(PathOf("f")), std::string::npos) << write.message();
  EXPECT_FALSE(file->Sync().ok());
  EXPECT_FALSE(file->Truncate(0).ok());
  EXPECT_FALSE(env_.RenameFile(PathOf("f"), PathOf("g")).ok());
  EXPECT_FALSE(env_.RemoveFile(PathOf("f")).ok());
  EXPECT_FALSE(env_.CreateDir(PathOf("d")).ok());
  EXPECT_FALSE(env_.OpenWritable(PathOf("h"), WriteMode::kCreateNew).ok());
  EXPECT_FALSE(env_.OpenReadable(PathOf("f")).ok());
  EXPECT_FALSE(env_.Exists(PathOf("f")));
  EXPECT_FALSE(file->Close().ok());
  EXPECT_EQ(OnDisk("f"), "abcd");
  EXPECT_FALSE(fs::exists(PathOf("g")) || fs::exists(PathOf("h")) || fs::exists(PathOf("d")));
  Crash();
  EXPECT_EQ(OnDisk("f"), "abc");
  EXPECT_TRUE(env_.Exists(PathOf("f")));  // a fresh start: calls work again
  EXPECT_EQ(env_.calls(), 1);
}

TEST_F(FaultInjectionEnvTest, AChosenCallFailsOnlyAtItsTurnAndUnderItsFolder) {
  ASSERT_TRUE(env_.CreateDir(PathOf("x")).ok());
  env_.FailCall(EnvCall::kSync, PathOf("x"), 3, ENOSPC, 2);
  auto inside = Create("x/f");
  auto outside = Create("xy");  // "x" is a prefix of its name, not its folder
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(outside->Sync().ok());
  std::vector<StatusCode> codes;
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(inside->Append(std::to_string(i)).ok());
    const Status st = inside->Sync();
    codes.push_back(st.code());
    if (!st.ok()) {
      EXPECT_EQ(st.message(), "cannot sync '" + PathOf("x/f") + "': disk full");
    }
  }
  EXPECT_EQ(codes, (std::vector<StatusCode>{StatusCode::kOk, StatusCode::kOk, StatusCode::kUnavailable,
                                            StatusCode::kUnavailable, StatusCode::kOk}));
}

TEST_F(FaultInjectionEnvTest, AFailedSyncMakesNothingDurable) {
  MakeDurable("f", "a");
  env_.FailCall(EnvCall::kSync, PathOf("f"), 1, EIO);
  auto file = Create("f", WriteMode::kAppendOnly);
  ASSERT_TRUE(file->Append("b").ok());
  EXPECT_EQ(file->Sync().code(), StatusCode::kIOError);
  file.reset();
  Crash();
  EXPECT_EQ(OnDisk("f"), "a");
}

TEST_F(FaultInjectionEnvTest, TheManualClockMovesOnlyWhenTold) {
  env_.SetNowMicros(1'000'000);
  const MonotonicTime start = env_.MonotonicNow();
  EXPECT_EQ(env_.NowMicros(), 1'000'000);
  EXPECT_EQ(env_.MonotonicNow(), start);
  env_.AdvanceMicros(250);
  EXPECT_EQ(env_.NowMicros(), 1'000'250);
  EXPECT_EQ(env_.MonotonicNow() - start, std::chrono::microseconds(250));
  env_.SetNowMicros(10);  // the wall clock may be set back; monotonic time stays
  EXPECT_EQ(env_.NowMicros(), 10);
  EXPECT_EQ(env_.MonotonicNow() - start, std::chrono::microseconds(250));
  env_.SetNowMicros(110);
  EXPECT_EQ(env_.MonotonicNow() - start, std::chrono::microseconds(350));
}

}  // namespace
}  // namespace sluice
