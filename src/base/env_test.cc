// The real Env (Env::Default()) on a temporary folder.
#include "base/env.h"

#include <gtest/gtest.h>
#include <limits.h>
#include <stdlib.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>

namespace sluice {
namespace {
namespace fs = std::filesystem;

class EnvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "sluice-env-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string PathOf(const std::string& name) const { return dir_ + "/" + name; }

  std::string Content(const std::string& name) {
    auto text = ReadFileToString(env_, PathOf(name));
    EXPECT_TRUE(text.ok()) << text.status().message();
    return text.ok() ? *text : "";
  }

  void Write(const std::string& name, const std::string& content) {
    auto file = env_->OpenWritable(PathOf(name), WriteMode::kTruncate);
    ASSERT_TRUE(file.ok()) << file.status().message();
    ASSERT_TRUE((*file)->Append(content).ok());
    ASSERT_TRUE((*file)->Close().ok());
  }

  Env* env_ = Env::Default();
  std::string dir_;
};

TEST_F(EnvTest, AppendPiecesWritesEveryPieceInOrderPastIovMax) {
  std::vector<std::string> texts;
  std::vector<iovec> pieces;
  std::string expected;
  for (int i = 0; i < 3 * IOV_MAX + 7; ++i) texts.push_back(std::to_string(i) + (i % 3 ? "," : ""));
  for (std::string& t : texts) {
    pieces.push_back({t.data(), t.size()});
    expected += t;
  }
  auto file = env_->OpenWritable(PathOf("f"), WriteMode::kCreateNew);
  ASSERT_TRUE(file.ok()) << file.status().message();
  ASSERT_TRUE((*file)->AppendPieces(pieces).ok());
  ASSERT_TRUE((*file)->Sync().ok());
  ASSERT_TRUE((*file)->Close().ok());
  EXPECT_EQ(Content("f"), expected);
}

TEST_F(EnvTest, WritesGoToTheEndEvenAfterTruncate) {
  auto file = env_->OpenWritable(PathOf("f"), WriteMode::kCreateNew);
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->Append("abcdef").ok());
  ASSERT_TRUE((*file)->Truncate(3).ok());
  ASSERT_TRUE((*file)->Append("XY").ok());
  file->reset();
  EXPECT_EQ(Content("f"), "abcXY");
  auto again = env_->OpenWritable(PathOf("f"), WriteMode::kAppendOnly);
  ASSERT_TRUE(again.ok());
  ASSERT_TRUE((*again)->Append("!").ok());
  again->reset();
  EXPECT_EQ(Content("f"), "abcXY!");
}

TEST_F(EnvTest, ErrorsNameThePathAndMapTheirCause) {
  Write("f", "x");
  auto exclusive = env_->OpenWritable(PathOf("f"), WriteMode::kCreateNew);
  ASSERT_FALSE(exclusive.ok());
  EXPECT_EQ(exclusive.status().code(), StatusCode::kAlreadyExists);
  EXPECT_NE(exclusive.status().message().find(PathOf("f")), std::string::npos) << exclusive.status().message();

  auto missing = env_->OpenReadable(PathOf("nope"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "cannot open '" + PathOf("nope") + "': No such file or directory");
  EXPECT_EQ(env_->OpenWritable(PathOf("nope"), WriteMode::kAppendOnly).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(env_->RemoveFile(PathOf("nope")).code(), StatusCode::kNotFound);
  EXPECT_EQ(env_->ListDir(PathOf("nope")).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(env_->ListFilesRecursively(PathOf("nope")).status().code(), StatusCode::kNotFound);

  const Status full = FileSystemError("cannot write", "/d/f", ENOSPC);
  EXPECT_EQ(full.code(), StatusCode::kUnavailable);
  EXPECT_EQ(full.message(), "cannot write '/d/f': disk full");
  EXPECT_EQ(FileSystemError("cannot sync", "/d/f", EIO).code(), StatusCode::kIOError);
}

TEST_F(EnvTest, ReadAtLeavesTheSequentialPositionAlone) {
  Write("f", "0123456789");
  auto file = env_->OpenReadable(PathOf("f"));
  ASSERT_TRUE(file.ok());
  char buf[16];
  ASSERT_EQ(*(*file)->Read(buf, 3), 3u);
  EXPECT_EQ(std::string(buf, 3), "012");
  ASSERT_EQ(*(*file)->ReadAt(7, buf, 16), 3u);  // fewer only at the end
  EXPECT_EQ(std::string(buf, 3), "789");
  ASSERT_EQ(*(*file)->Read(buf, 2), 2u);
  EXPECT_EQ(std::string(buf, 2), "34");
}

TEST_F(EnvTest, FoldersAreCreatedListedAndSynced) {
  ASSERT_TRUE(CreateDirDurably(env_, PathOf("a/b/c")).ok());
  ASSERT_TRUE(CreateDirDurably(env_, PathOf("a/b/c")).ok());  // already there: fine
  Write("a/b/c/z", "1");
  Write("a/y", "2");
  Write("a/b/x", "3");
  EXPECT_TRUE(env_->Exists(PathOf("a/b/c")));
  EXPECT_FALSE(env_->Exists(PathOf("a/q")));
  auto all = env_->ListFilesRecursively(PathOf("a"));
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(*all, (std::vector<std::string>{PathOf("a/b/c/z"), PathOf("a/b/x"), PathOf("a/y")}));
  auto names = env_->ListDir(PathOf("a"));
  ASSERT_TRUE(names.ok());
  std::sort(names->begin(), names->end());
  EXPECT_EQ(*names, (std::vector<std::string>{"b", "y"}));
  EXPECT_TRUE(env_->SyncDir(PathOf("a/b")).ok());
  EXPECT_EQ(env_->SyncDir(PathOf("nope")).code(), StatusCode::kNotFound);
}

TEST_F(EnvTest, RenameReplacesAndRemoveDeletes) {
  Write("a", "new");
  Write("b", "old");
  ASSERT_TRUE(env_->RenameFile(PathOf("a"), PathOf("b")).ok());
  EXPECT_FALSE(env_->Exists(PathOf("a")));
  EXPECT_EQ(Content("b"), "new");
  EXPECT_EQ(*env_->FileSize(PathOf("b")), 3u);
  ASSERT_TRUE(env_->RemoveFile(PathOf("b")).ok());
  EXPECT_FALSE(env_->Exists(PathOf("b")));
}

TEST_F(EnvTest, ResolvePathFollowsLinksAsFarAsThePathExists) {
  ASSERT_TRUE(CreateDirDurably(env_, PathOf("real")).ok());
  fs::create_directory_symlink(PathOf("real"), PathOf("link"));
  auto resolved = env_->ResolvePath(PathOf("link/./not-yet"));
  ASSERT_TRUE(resolved.ok());
  EXPECT_EQ(*resolved, fs::canonical(PathOf("real")).string() + "/not-yet");
}

TEST_F(EnvTest, TheClocksTellTheTimeAndMonotonicTimeNeverGoesBack) {
  const int64_t system = std::chrono::duration_cast<std::chrono::microseconds>(
                             std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_NEAR(static_cast<double>(env_->NowMicros()), static_cast<double>(system), 5e6);
  MonotonicTime last = env_->MonotonicNow();
  for (int i = 0; i < 1000; ++i) {
    const MonotonicTime now = env_->MonotonicNow();
    ASSERT_GE(now, last);
    last = now;
  }
}

}  // namespace
}  // namespace sluice
