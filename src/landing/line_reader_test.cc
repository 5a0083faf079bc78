#include "landing/line_reader.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <set>

#include "landing/byte_source.h"
#include "landing/landed_file_writer.h"
#include "testing/compression.h"
#include "testing/files.h"
#include "testing/temp_dir.h"

namespace sluice {
namespace {

namespace fs = std::filesystem;

// Serves a string, at most `chunk` bytes per Read, so lines straddle reads.
class StringSource final : public ByteSource {
 public:
  StringSource(std::string data, size_t chunk) : data_(std::move(data)), chunk_(chunk) {}
  Result<size_t> Read(char* buf, size_t n) override {
    const size_t take = std::min({n, chunk_, data_.size() - pos_});
    std::copy_n(data_.data() + pos_, take, buf);
    pos_ += take;
    return take;
  }

 private:
  std::string data_;
  size_t chunk_;
  size_t pos_ = 0;
};

// A line of `length` 'x' bytes, then "\n" + `tail`, made up as it is read:
// nothing of that size ever exists in the test's own memory.
class GeneratedLongLine final : public ByteSource {
 public:
  GeneratedLongLine(size_t length, std::string tail) : length_(length), tail_("\n" + std::move(tail)) {}
  Result<size_t> Read(char* buf, size_t n) override {
    largest_request_ = std::max(largest_request_, n);
    size_t written = 0;
    while (written < n && pos_ < length_ + tail_.size()) {
      buf[written++] = pos_ < length_ ? 'x' : tail_[pos_ - length_];
      ++pos_;
    }
    return written;
  }
  static size_t largest_request_;

 private:
  size_t length_;
  std::string tail_;
  size_t pos_ = 0;
};
size_t GeneratedLongLine::largest_request_ = 0;

struct ReadLine {
  std::string text;
  int64_t number;
  bool too_long;
};

std::vector<ReadLine> ReadLines(std::unique_ptr<ByteSource> source, size_t max_line = kDefaultMaxLine) {
  LineReader reader(std::move(source), max_line);
  std::vector<ReadLine> out;
  Line line;
  while (true) {
    auto more = reader.Next(&line);
    EXPECT_TRUE(more.ok()) << more.status().message();
    if (!more.ok() || !*more) break;
    out.push_back({std::string(line.text), line.number, line.too_long});
  }
  return out;
}

std::vector<ReadLine> LinesOf(std::string data, size_t chunk = 1 << 20, size_t max_line = kDefaultMaxLine) {
  return ReadLines(std::make_unique<StringSource>(std::move(data), chunk), max_line);
}

std::vector<std::string> Texts(const std::vector<ReadLine>& lines) {
  std::vector<std::string> out;
  for (const auto& l : lines) out.push_back(l.text);
  return out;
}

using Strings = std::vector<std::string>;

TEST(LineReader, SplitsOnNewlinesWithOneBasedNumbers) {
  const auto lines = LinesOf("a\nbb\nccc\n");
  ASSERT_EQ(Texts(lines), (Strings{"a", "bb", "ccc"}));
  for (size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(lines[i].number, static_cast<int64_t>(i + 1));
    EXPECT_FALSE(lines[i].too_long);
  }
}

TEST(LineReader, ReturnsTheLastLineWithoutNewline) { EXPECT_EQ(Texts(LinesOf("a\nlast")), (Strings{"a", "last"})); }

TEST(LineReader, DropsOnlyATrailingCarriageReturn) {
  EXPECT_EQ(Texts(LinesOf("a\r\nb\r\nc\r")), (Strings{"a", "b", "c"}));
  EXPECT_EQ(Texts(LinesOf("x\ry\r\r\n")), (Strings{"x\ry\r"}));
}

TEST(LineReader, EmptyLinesAreLinesAndCount) {
  const auto lines = LinesOf("\n\nthird\n\r\n");
  EXPECT_EQ(Texts(lines), (Strings{"", "", "third", ""}));
  EXPECT_EQ(lines.back().number, 4);
}

TEST(LineReader, EmptyInputHasNoLines) { EXPECT_TRUE(LinesOf("").empty()); }

TEST(LineReader, LinesStraddlingReadsAreJoined) {
  const std::string data = "{\"a\":1}\n{\"bb\":22}\r\nlast line";
  for (size_t chunk : {1u, 2u, 3u, 7u}) EXPECT_EQ(Texts(LinesOf(data, chunk)), (Strings{"{\"a\":1}", "{\"bb\":22}", "last line"})) << chunk;
}

TEST(LineReader, LinesLongerThanTheFirstBufferAreReadWhole) {
  const std::string big(3 << 20, 'y');  // 3 MB: the buffer must grow past its first 1 MB
  const auto lines = LinesOf("a\n" + big + "\nb\n", 1 << 16);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[1].text, big);
  EXPECT_FALSE(lines[1].too_long);
  EXPECT_EQ(lines[2].text, "b");
}

TEST(LineReader, LongLineIsReportedAndTheReaderGoesOnAtTheNextLine) {
  const std::string data = "short\n" + std::string(2 << 20, 'x') + "\nafter\n";
  const auto lines = LinesOf(data, 1 << 16, 1 << 20);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].text, "short");
  EXPECT_TRUE(lines[1].too_long);
  EXPECT_EQ(lines[1].number, 2);
  EXPECT_FALSE(lines[1].text.empty());
  EXPECT_LE(lines[1].text.size(), size_t{1} << 20);
  EXPECT_EQ(lines[1].text.find_first_not_of('x'), std::string::npos);  // its first bytes
  EXPECT_EQ(lines[2].text, "after");
  EXPECT_EQ(lines[2].number, 3);
  EXPECT_FALSE(lines[2].too_long);
}

TEST(LineReader, LineOverTheLimitIsTooLongEvenWhenItFitsTheBuffer) {
  // Whether a line is too long must not depend on how the bytes arrived.
  const std::string data = "ok\n" + std::string(20, 'x') + "\nafter\n";
  for (size_t chunk : {1u << 20, 4u}) {
    const auto lines = LinesOf(data, chunk, 10);
    ASSERT_EQ(lines.size(), 3u) << chunk;
    EXPECT_FALSE(lines[0].too_long);
    EXPECT_TRUE(lines[1].too_long) << "chunk " << chunk << ": a 20-byte line passed max_line 10";
    EXPECT_LE(lines[1].text.size(), 10u);
    EXPECT_EQ(lines[2].text, "after");
    EXPECT_EQ(lines[2].number, 3);
  }
}

TEST(LineReader, LastLineOverTheLimitWithoutNewlineIsTooLong) {
  const auto lines = LinesOf("ok\n" + std::string(20, 'x'), 1 << 20, 10);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_TRUE(lines[1].too_long);
}

TEST(LineReader, LineExactlyAtTheLimitIsNotTooLong) {
  const auto lines = LinesOf(std::string(10, 'x') + "\n" + std::string(10, 'y') + "\r\n", 3, 10);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_FALSE(lines[0].too_long);
  EXPECT_EQ(lines[0].text, std::string(10, 'x'));
  EXPECT_EQ(lines[1].text, std::string(10, 'y'));
}

// ThreadSanitizer maps shadow memory beside every byte the reader touches
// (SAN=thread builds): the bound scales with it, still far below the line.
#if defined(__SANITIZE_THREAD__)
constexpr long kShadowFactor = 5;
#else
constexpr long kShadowFactor = 1;
#endif

TEST(LineReader, FiftyMegabyteLineIsSkippedInBoundedMemory) {
  rusage before{};
  getrusage(RUSAGE_SELF, &before);
  GeneratedLongLine::largest_request_ = 0;
  const auto lines = ReadLines(std::make_unique<GeneratedLongLine>(50u << 20, "{\"next\":1}\n"), 1 << 20);
  rusage after{};
  getrusage(RUSAGE_SELF, &after);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_TRUE(lines[0].too_long);
  EXPECT_EQ(lines[0].number, 1);
  EXPECT_EQ(lines[1].text, "{\"next\":1}");
  EXPECT_EQ(lines[1].number, 2);
  EXPECT_FALSE(lines[1].too_long);
  // The reader never asked for more than a few MB at once, and the process did not grow by the line.
  EXPECT_LE(GeneratedLongLine::largest_request_, size_t{4} << 20);
  EXPECT_LT(after.ru_maxrss - before.ru_maxrss, kShadowFactor * 16 * 1024) << "KB of peak memory added";
}

// ---- files: OpenByteSource and LandedFileWriter ----

class LandingFiles : public ::testing::Test {
 protected:
  std::string PathOf(const std::string& name) const { return dir_ + "/" + name; }

  void WriteRaw(const std::string& name, const std::string& bytes) const { testing::WriteFile(PathOf(name), bytes); }
  std::string ReadRaw(const std::string& name) const { return testing::ReadFile(PathOf(name)); }
  void WriteGzip(const std::string& name, const std::string& content) const { WriteRaw(name, testing::Gzip(content)); }

  void WriteZstd(const std::string& name, const std::string& content, const std::string& sub = "") const {
    LandedFileWriter w(Env::Default());
    const std::string d = sub.empty() ? dir_ : dir_ + "/" + sub;
    ASSERT_TRUE(w.Open(d).ok());
    ASSERT_TRUE(w.Write(content).ok());
    const Status st = w.Finish(name);
    ASSERT_TRUE(st.ok()) << st.message();
  }

  // The whole uncompressed content of a file, or the first error.
  Result<std::string> ReadAll(const std::string& name) const {
    ASSIGN_OR_RETURN(auto source, OpenByteSource(Env::Default(), PathOf(name)));
    std::string out;
    std::vector<char> buf(4096);
    while (true) {
      ASSIGN_OR_RETURN(size_t got, source->Read(buf.data(), buf.size()));
      if (got == 0) return out;
      out.append(buf.data(), got);
    }
  }

  std::string MustRead(const std::string& name) const {
    auto content = ReadAll(name);
    EXPECT_TRUE(content.ok()) << content.status().message();
    return content.ok() ? *content : "<error: " + content.status().message() + ">";
  }

  std::set<std::string> Listing() const {
    std::set<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_)) names.insert(e.path().filename().string());
    return names;
  }

  void ExpectCorruptionNamingTheFile(const std::string& name) const {
    auto content = ReadAll(name);
    ASSERT_FALSE(content.ok()) << name << " read without error";
    EXPECT_EQ(content.status().code(), StatusCode::kCorruption) << content.status().message();
    EXPECT_NE(content.status().message().find(PathOf(name)), std::string::npos) << content.status().message();
  }

  const testing::TempDir tmp_{"sluice-landing"};
  const std::string dir_ = tmp_.path();
};

// NDJSON-like content that does not compress to nothing.
std::string SampleLines(int n) {
  std::mt19937 rng(42);
  std::string out;
  for (int i = 0; i < n; ++i) out += "{\"i\":" + std::to_string(i) + ",\"r\":" + std::to_string(rng()) + "}\n";
  return out;
}

TEST_F(LandingFiles, PlainFileIsReadAsIs) {
  WriteRaw("plain.ndjson", "{\"a\":1}\n{\"b\":2}\n");
  auto content = ReadAll("plain.ndjson");
  ASSERT_TRUE(content.ok()) << content.status().message();
  EXPECT_EQ(*content, "{\"a\":1}\n{\"b\":2}\n");
}

TEST_F(LandingFiles, EmptyAndTinyFilesAreReadAsIs) {
  WriteRaw("empty", "");
  WriteRaw("one", "\x1f");
  EXPECT_EQ(MustRead("empty"), "");
  EXPECT_EQ(MustRead("one"), "\x1f");
}

TEST_F(LandingFiles, MissingFileIsNotFound) {
  auto source = OpenByteSource(Env::Default(), PathOf("nope.ndjson"));
  ASSERT_FALSE(source.ok());
  EXPECT_EQ(source.status().code(), StatusCode::kNotFound);
  EXPECT_NE(source.status().message().find("nope.ndjson"), std::string::npos);
}

TEST_F(LandingFiles, GzipIsDetectedByMagicBytesNotExtension) {
  const std::string content = SampleLines(1000);
  WriteGzip("events.ndjson", content);
  EXPECT_EQ(static_cast<unsigned char>(ReadRaw("events.ndjson")[0]), 0x1f);
  auto got = ReadAll("events.ndjson");
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(*got, content);
}

TEST_F(LandingFiles, PlainFileNamedGzIsReadAsIs) {
  WriteRaw("looks.gz", "not compressed\n");
  WriteRaw("looks.zst", "not compressed either\n");
  EXPECT_EQ(MustRead("looks.gz"), "not compressed\n");
  EXPECT_EQ(MustRead("looks.zst"), "not compressed either\n");
}

TEST_F(LandingFiles, ConcatenatedGzipMembersAreReadInSequence) {
  WriteGzip("a.gz", "first\nsecond\n");
  WriteGzip("b.gz", "third\n");
  WriteGzip("c.gz", SampleLines(500));
  WriteRaw("all", ReadRaw("a.gz") + ReadRaw("b.gz") + ReadRaw("c.gz"));
  auto got = ReadAll("all");
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(*got, "first\nsecond\nthird\n" + SampleLines(500));
}

TEST_F(LandingFiles, TruncatedGzipIsCorruptionNamingTheFile) {
  WriteGzip("full.gz", SampleLines(2000));
  const std::string bytes = ReadRaw("full.gz");
  WriteRaw("half.gz", bytes.substr(0, bytes.size() / 2));
  WriteRaw("no-trailer.gz", bytes.substr(0, bytes.size() - 4));  // all data, CRC but no length
  ExpectCorruptionNamingTheFile("half.gz");
  ExpectCorruptionNamingTheFile("no-trailer.gz");
}

TEST_F(LandingFiles, CorruptGzipIsCorruptionNamingTheFile) {
  WriteGzip("full.gz", SampleLines(2000));
  std::string bytes = ReadRaw("full.gz");
  bytes[bytes.size() - 6] ^= 0x55;  // inside the CRC32
  WriteRaw("bad-crc.gz", bytes);
  ExpectCorruptionNamingTheFile("bad-crc.gz");
}

TEST_F(LandingFiles, ZstdIsDetectedByMagicBytesNotExtension) {
  const std::string content = SampleLines(1000);
  WriteZstd("events.ndjson", content);
  const std::string raw = ReadRaw("events.ndjson");
  ASSERT_GE(raw.size(), 4u);
  EXPECT_EQ(raw.substr(0, 4), std::string("\x28\xb5\x2f\xfd", 4));
  auto got = ReadAll("events.ndjson");
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(*got, content);
}

TEST_F(LandingFiles, ConcatenatedZstdFramesAreReadInSequence) {
  WriteZstd("a.zst", "one\n");
  WriteZstd("b.zst", SampleLines(300));
  WriteRaw("both", ReadRaw("a.zst") + ReadRaw("b.zst"));
  auto got = ReadAll("both");
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(*got, "one\n" + SampleLines(300));
}

TEST_F(LandingFiles, TruncatedZstdIsCorruptionNamingTheFile) {
  WriteZstd("full.zst", SampleLines(2000));
  const std::string bytes = ReadRaw("full.zst");
  WriteRaw("half.zst", bytes.substr(0, bytes.size() / 2));
  WriteRaw("no-checksum.zst", bytes.substr(0, bytes.size() - 2));
  WriteRaw("magic-only.zst", bytes.substr(0, 4));
  ExpectCorruptionNamingTheFile("half.zst");
  ExpectCorruptionNamingTheFile("no-checksum.zst");
  ExpectCorruptionNamingTheFile("magic-only.zst");
}

TEST_F(LandingFiles, CorruptZstdIsCorruptionNamingTheFile) {
  WriteZstd("full.zst", SampleLines(2000));
  std::string bytes = ReadRaw("full.zst");
  bytes[bytes.size() / 2] ^= 0x20;
  WriteRaw("flipped.zst", bytes);
  ExpectCorruptionNamingTheFile("flipped.zst");
}

TEST_F(LandingFiles, LineReaderReadsCompressedFilesLineByLine) {
  WriteZstd("z", "a\r\nb\nlast");
  WriteGzip("g", "x\ny\n");
  auto z = OpenByteSource(Env::Default(), PathOf("z"));
  auto g = OpenByteSource(Env::Default(), PathOf("g"));
  ASSERT_TRUE(z.ok() && g.ok());
  EXPECT_EQ(Texts(ReadLines(std::move(z).value())), (Strings{"a", "b", "last"}));
  EXPECT_EQ(Texts(ReadLines(std::move(g).value())), (Strings{"x", "y"}));
}

TEST_F(LandingFiles, WriterRoundTripsLargeContentWrittenInPieces) {
  const std::string content = SampleLines(200000);  // several MB, many zstd blocks
  LandedFileWriter w(Env::Default());
  ASSERT_TRUE(w.Open(dir_).ok());
  for (size_t pos = 0; pos < content.size(); pos += 7777)
    ASSERT_TRUE(w.Write(std::string_view(content).substr(pos, 7777)).ok());
  ASSERT_TRUE(w.Finish("big.ndjson.zst").ok());
  auto got = ReadAll("big.ndjson.zst");
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(got->size(), content.size());
  EXPECT_TRUE(*got == content);
}

TEST_F(LandingFiles, WriterFileAppearsOnlyAtFinish) {
  LandedFileWriter w(Env::Default());
  ASSERT_TRUE(w.Open(dir_).ok());
  ASSERT_TRUE(w.Write(SampleLines(100)).ok());
  const auto during = Listing();
  EXPECT_EQ(during.count("f.ndjson.zst"), 0u);
  ASSERT_EQ(during.size(), 1u);  // only the hidden temporary file
  EXPECT_EQ(during.begin()->front(), '.');
  ASSERT_TRUE(w.Finish("f.ndjson.zst").ok());
  EXPECT_EQ(Listing(), (std::set<std::string>{"f.ndjson.zst"}));
  EXPECT_EQ(MustRead("f.ndjson.zst"), SampleLines(100));
}

TEST_F(LandingFiles, WriterAbortLeavesNothingBehind) {
  LandedFileWriter w(Env::Default());
  ASSERT_TRUE(w.Open(dir_).ok());
  ASSERT_TRUE(w.Write("data\n").ok());
  w.Abort();
  EXPECT_TRUE(Listing().empty());
}

TEST_F(LandingFiles, WriterDestroyedUnfinishedLeavesNothingBehind) {
  {
    LandedFileWriter w(Env::Default());
    ASSERT_TRUE(w.Open(dir_).ok());
    ASSERT_TRUE(w.Write("data\n").ok());
    EXPECT_EQ(Listing().size(), 1u);
  }
  EXPECT_TRUE(Listing().empty());
}

TEST_F(LandingFiles, WriterFinishReplacesAnExistingFile) {
  WriteZstd("same", "old\n");
  WriteZstd("same", "new\n");
  EXPECT_EQ(Listing(), (std::set<std::string>{"same"}));
  EXPECT_EQ(MustRead("same"), "new\n");
}

TEST_F(LandingFiles, WriterCreatesMissingFolders) {
  WriteZstd("f.zst", "deep\n", "a/b/c");
  EXPECT_EQ(MustRead("a/b/c/f.zst"), "deep\n");
}

TEST_F(LandingFiles, WriterEmptyFileRoundTrips) {
  WriteZstd("empty.zst", "");
  auto got = ReadAll("empty.zst");
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(*got, "");
}

}  // namespace
}  // namespace sluice
