// `sluice load` through the CLI: bad lines, exactly-once per content whatever
// the compression, the landed copy, missing files, and how the config is found.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include "cli_harness.h"

namespace sluice::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::StartsWith;

std::string Event(int n) {
  return AccountingEvent(fmt::format(R"("I{}")", n), R"("2026-01-01T10:00:00Z")",
                         "[" + Entry(R"("E1")", std::to_string(n)) + "]");
}

TEST(LoadCli, BadLinesGoToLoadErrorsWithTheirLineNumbersAndTheRestLoads) {
  Workspace ws;
  const std::string file = ws.WriteInput("mixed.ndjson", Event(1) + "\n" +
                                                              "{\"EventItemId\": \"I2\", \n" +  // 2: invalid JSON
                                                              "\n" +                            // 3: blank, skipped
                                                              "[1, 2]\n" +                      // 4: not an object
                                                              Event(5) + "\n" +
                                                              "\"just a string\"\n" +           // 6
                                                              "   \t \n" +                      // 7: blank
                                                              "{\"truncated\": tr");            // 8: no newline
  const RunResult r = ws.Load({file});
  ASSERT_RUN_OK(r);
  EXPECT_EQ(r.out, file + ": loaded 2 rows into accounting_stg, 4 bad lines in sluice_load_errors\n");
  std::vector<std::string> staged;
  for (const auto& row : ws.Query("SELECT line FROM accounting_stg ORDER BY seq")) staged.push_back(row[0].text);
  EXPECT_THAT(staged, ElementsAre("1", "5"));

  const auto history = ws.Query("SELECT path, rows, errors, landed_as FROM sluice_load_history");
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0][0].text, file);
  EXPECT_EQ(history[0][1].integer, 2);
  EXPECT_EQ(history[0][2].integer, 4);
  const std::string landed_as = history[0][3].text;

  const auto errors =
      ws.Query("SELECT event_type, file, line, raw, landed_as, error FROM sluice_load_errors ORDER BY line");
  ASSERT_EQ(errors.size(), 4u);
  std::vector<std::string> brief;
  for (const auto& e : errors) {
    EXPECT_EQ(e[0].text, "Accounting");
    EXPECT_EQ(e[1].text, file);
    EXPECT_EQ(e[4].text, landed_as);
    brief.push_back(fmt::format("{}|{}", e[2].integer, e[3].text));
  }
  EXPECT_THAT(brief, ElementsAre("2|{\"EventItemId\": \"I2\", ", "4|[1, 2]", "6|\"just a string\"", "8|{\"truncated\": tr"));
  EXPECT_THAT(errors[0][5].text, HasSubstr("invalid JSON"));
  EXPECT_THAT(errors[1][5].text, HasSubstr("not a JSON object"));
}

TEST(LoadCli, CrlfLineEndingsAndAByteOrderMarkLoadLikePlainLines) {
  Workspace ws;
  const std::string file = ws.WriteInput("crlf.ndjson", "\xEF\xBB\xBF" + Event(1) + "\r\n" + Event(2) + "\r\n");
  ASSERT_RUN_OK(ws.Load({file}));
  EXPECT_EQ(ws.Count("accounting_stg"), 2);
  EXPECT_EQ(ws.Count("sluice_load_errors"), 0);
  // A carriage return written into the query itself: char(13) is SQLite's, chr(13) PostgreSQL's.
  EXPECT_EQ(ws.Count("SELECT count(*) FROM accounting_stg WHERE CAST(payload AS TEXT) LIKE '%\r%' OR "
                     "CAST(payload AS TEXT) NOT LIKE '{%'"), 0);
}

TEST(LoadCli, SameContentLoadedAgainIsSkippedWhateverItsNameOrCompression) {
  Workspace ws;
  const std::string content = Event(1) + "\n" + Event(2) + "\n";
  const std::string plain = ws.WriteInput("events.ndjson", content);
  const RunResult first = ws.Load({plain});
  ASSERT_RUN_OK(first);
  EXPECT_THAT(first.out, HasSubstr("loaded 2 rows"));

  const std::string renamed = ws.WriteInput("other-name.ndjson", content);
  const std::string gz = ws.WriteInput("events.ndjson.gz", Gzip(content));
  const std::string zst = ws.WriteInput("events.ndjson.zst", Zstd(content));
  for (const std::string& again : {plain, renamed, gz, zst}) {
    const RunResult r = ws.Load({again});
    ASSERT_RUN_OK(r);
    EXPECT_THAT(r.out, MatchesRegex(std::regex_replace(again, std::regex(R"([.+])"), R"(\$&)") +
                                    ": skipped, this content was already loaded into Accounting \\(checksum "
                                    "[0-9a-f]{32}\\)\n"));
  }
  EXPECT_EQ(ws.Count("accounting_stg"), 2);
  EXPECT_EQ(ws.Count("sluice_load_history"), 1);
  EXPECT_EQ(ListFiles(ws.landing_dir()).size(), 1u);
}

TEST(LoadCli, GzipAndZstdFilesLoadTheirDecompressedLines) {
  Workspace ws;
  // Two gzip members back to back are one stream of lines.
  const std::string gz = ws.WriteInput("a.ndjson.gz", Gzip(Event(1) + "\n") + Gzip(Event(2) + "\n"));
  const std::string zst = ws.WriteInput("b.zst", Zstd(Event(3) + "\n" + Event(4)));
  const RunResult r = ws.Load({gz, zst});
  ASSERT_RUN_OK(r);
  EXPECT_THAT(r.out, HasSubstr("total: 4 rows, 0 bad lines"));
  std::vector<std::string> lines;
  for (const auto& row : ws.Query("SELECT line FROM accounting_stg ORDER BY seq")) lines.push_back(row[0].text);
  EXPECT_THAT(lines, ElementsAre("1", "2", "1", "2"));
}

TEST(LoadCli, TheLandedCopyIsKeptZstdCompressedUnderTheLoadFolder) {
  Workspace ws;
  const std::string content = Event(1) + "\n" + Event(2) + "\n";
  const std::string file = ws.WriteInput("accounting-day.ndjson.gz", Gzip(content));
  ASSERT_RUN_OK(ws.Load({file}));
  const auto landed = ListFiles(ws.landing_dir());
  ASSERT_EQ(landed.size(), 1u);
  EXPECT_THAT(landed[0], MatchesRegex(R"(Accounting/[0-9]{4}/[0-9]{2}/[0-9]{2}/_load/accounting-day-[0-9a-f]{32}\.ndjson\.zst)"));
  const std::string path = ws.landing_dir() + "/" + landed[0];
  const std::string bytes = ReadFile(path);
  ASSERT_GE(bytes.size(), 4u);
  EXPECT_EQ(bytes.substr(0, 4), std::string("\x28\xb5\x2f\xfd", 4));  // zstd magic

  // Loading the landed copy itself is loading that landed file again: skipped.
  const RunResult again = ws.Load({path});
  ASSERT_RUN_OK(again);
  EXPECT_THAT(again.out, HasSubstr("skipped, this landed file was already loaded into Accounting"));

  EXPECT_EQ(ws.Query("SELECT landed_as FROM sluice_load_history")[0][0].text, "landing/" + landed[0]);
  EXPECT_EQ(ws.Count("SELECT count(DISTINCT source) FROM accounting_stg WHERE source = 'landing/" + landed[0] + "'"), 1);
}

// Sealed files are the collector's record of acknowledged requests: two of
// them can hold the same bytes (a client sent the same batch twice), and both
// must load; each one still loads only once.
TEST(LoadCli, FilesInTheLandingZoneLoadOncePerFileEvenWithIdenticalContent) {
  Workspace ws;
  const std::string content = Zstd(Event(1) + "\n" + Event(2) + "\n");
  const std::string dir = ws.landing_dir() + "/Accounting/2026/01/01/_none";
  std::filesystem::create_directories(dir);
  const std::string a = dir + "/Accounting-20260101T100000-1.ndjson.zst";
  const std::string b = dir + "/Accounting-20260101T100005-2.ndjson.zst";
  WriteFile(a, content);
  WriteFile(b, content);
  const RunResult r = ws.Load({a, b});
  ASSERT_RUN_OK(r);
  EXPECT_THAT(r.out, HasSubstr("total: 4 rows, 0 bad lines"));
  EXPECT_EQ(ws.Count("SELECT count(DISTINCT source) FROM accounting_stg"), 2);

  const RunResult again = ws.Load({b});
  ASSERT_RUN_OK(again);
  EXPECT_THAT(again.out, HasSubstr("skipped, this landed file was already loaded"));
  EXPECT_EQ(ws.Count("accounting_stg"), 4);
  EXPECT_EQ(ws.Count("sluice_load_history"), 2);

  // From outside the landing zone the same bytes are known content: skipped.
  const RunResult outside = ws.Load({ws.WriteInput("copy.ndjson.zst", content)});
  ASSERT_RUN_OK(outside);
  EXPECT_THAT(outside.out, HasSubstr("skipped, this content was already loaded"));
  EXPECT_EQ(ws.Count("accounting_stg"), 4);
}

TEST(LoadCli, AMissingFileFailsWithExitOneNamingThePathAndOtherFilesStillLoad) {
  Workspace ws;
  const std::string missing = ws.dir() + "/in/no-such-file.ndjson";
  const std::string good = ws.WriteLines("good.ndjson", {Event(1)});
  const RunResult r = ws.Load({missing, good});
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_THAT(r.err, StartsWith("error: "));
  EXPECT_THAT(r.err, HasSubstr(missing));
  EXPECT_THAT(r.out, HasSubstr(good + ": loaded 1 rows"));
  EXPECT_EQ(ws.Count("sluice_load_history"), 1);
  // Nothing half-written is left behind in the landing zone.
  EXPECT_EQ(ListFiles(ws.landing_dir()).size(), 1u);
}

TEST(LoadCli, ALineLongerThanTheLimitIsABadLineAndTheNextLineLoads) {
  Workspace ws;
  const std::string huge = R"({"EventItemId": ")" + std::string(17u << 20, 'x') + R"("})";
  const std::string file = ws.WriteInput("long.ndjson", huge + "\n" + Event(2) + "\n");
  const RunResult r = ws.Load({file});
  ASSERT_RUN_OK(r);
  EXPECT_EQ(ws.Count("accounting_stg"), 1);
  const auto errors = ws.Query("SELECT line, error, length(raw) FROM sluice_load_errors");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0][0].integer, 1);
  EXPECT_THAT(errors[0][1].text, HasSubstr("longer than"));
  EXPECT_LT(errors[0][2].integer, 1 << 20);  // only the first bytes are kept
  EXPECT_EQ(ws.Query("SELECT line FROM accounting_stg")[0][0].integer, 2);
}

TEST(LoadCli, AnUnknownTypeIsAUsageError) {
  Workspace ws;
  const RunResult r = ws.Sluice({"load", "--type", "Nope", ws.WriteLines("a.ndjson", {Event(1)})});
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  EXPECT_THAT(r.err, StartsWith("error: "));
  EXPECT_THAT(r.err, HasSubstr("Nope"));
  EXPECT_THAT(r.err, HasSubstr("Accounting"));
}

TEST(LoadCli, LoadWithoutFilesIsAUsageError) {
  Workspace ws;
  const RunResult r = ws.Sluice({"load"});
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  EXPECT_THAT(r.err, StartsWith("error: "));
}

TEST(LoadCli, TheConfigIsFoundByFlagThenEnvironmentThenWorkingFolder) {
  Workspace ws;
  const std::string file = ws.WriteLines("a.ndjson", {Event(1)});
  TempDir elsewhere("sluice-cwd");

  // -c from another folder: data_dir is relative to the config file.
  RunOptions from_elsewhere;
  from_elsewhere.cwd = elsewhere.path();
  EXPECT_RUN_OK(RunProcess({SluiceBin(), "-c", ws.config_path(), "load", file}, from_elsewhere));
  EXPECT_EQ(ws.Count("accounting_stg"), 1);
  EXPECT_THAT(ListFiles(elsewhere.path()), IsEmpty());

  // $SLUICE_CONFIG.
  RunOptions with_env = from_elsewhere;
  with_env.env = {{"SLUICE_CONFIG", ws.config_path()}};
  const RunResult env_run = RunProcess({SluiceBin(), "status", "--format", "json"}, with_env);
  EXPECT_RUN_OK(env_run);
  EXPECT_THAT(env_run.out, HasSubstr("\"staged_rows\": 1"));

  // ./sluice.yaml.
  RunOptions in_dir;
  in_dir.cwd = ws.dir();
  const RunResult cwd_run = RunProcess({SluiceBin(), "status", "--format", "json"}, in_dir);
  EXPECT_RUN_OK(cwd_run);
  EXPECT_THAT(cwd_run.out, HasSubstr("\"staged_rows\": 1"));

  // None of them: a config error naming the file it looked for.
  const RunResult none = RunProcess({SluiceBin(), "status"}, from_elsewhere);
  EXPECT_EQ(none.exit_code, 2) << none.Describe();
  EXPECT_THAT(none.err, StartsWith("error: "));
  EXPECT_THAT(none.err, HasSubstr("sluice.yaml"));
  EXPECT_THAT(ListFiles(elsewhere.path()), IsEmpty());
}

TEST(LoadCli, TheConfigFlagAlsoWorksAfterTheSubcommand) {
  Workspace ws;
  const RunResult r = RunProcess({SluiceBin(), "load", ws.WriteLines("a.ndjson", {Event(1)}), "-c", ws.config_path()});
  ASSERT_RUN_OK(r);
  EXPECT_EQ(ws.Count("accounting_stg"), 1);
}

constexpr const char* kPaymentsEvent = R"(
  Payments:
    key: [paymentid]
    version: at
    columns:
      paymentid: {path: Id, type: varchar(16)}
      at: {path: At, type: timestamp}
      amount: {path: Amount, type: number(12,2)}
)";

TEST(LoadCli, WithSeveralTypesTheTypeComesFromTheFolderTheFileNameOrType) {
  Workspace ws(AccountingConfigYaml() + kPaymentsEvent);
  const std::string payment = R"({"Id": "P1", "At": "2026-01-01T10:00:00Z", "Amount": 12.345})";
  const std::string by_name = ws.WriteLines("accounting-day1.ndjson", {Event(1)});  // case-insensitive prefix
  const std::string by_folder = ws.WriteLines("payments/day1.ndjson", {payment});
  const std::string unknown = ws.WriteLines("other.ndjson", {payment + " "});
  const RunResult r = ws.Load({by_name, by_folder, unknown});
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  EXPECT_THAT(r.err, HasSubstr("cannot tell the event type of '" + unknown + "': pass --type"));
  EXPECT_THAT(r.out, HasSubstr(by_name + ": loaded 1 rows into accounting_stg"));
  EXPECT_THAT(r.out, HasSubstr(by_folder + ": loaded 1 rows into payments_stg"));
  ASSERT_RUN_OK(ws.Sluice({"load", "--type", "Payments", unknown}));
  EXPECT_EQ(ws.Count("payments_stg"), 2);

  // Merging one type leaves the other unmerged.
  const RunResult payments = ws.Sluice({"merge", "Payments"});
  ASSERT_RUN_OK(payments);
  EXPECT_THAT(payments.out, HasSubstr("Payments: merged 2 staging rows into payments: 1 inserted, 0 updated, 1 stale"));
  EXPECT_THAT(payments.out, ::testing::Not(HasSubstr("Accounting")));
  EXPECT_EQ(ws.Count("accounting"), 0);
  // ClickHouse compares a Decimal with a Decimal only, not with a float literal.
  EXPECT_EQ(ws.Count(ws.on_clickhouse() ? "SELECT count(*) FROM payments WHERE amount = toDecimal64('12.35', 2)"
                                        : "SELECT count(*) FROM payments WHERE amount = 12.35"),
            1);
  const RunResult unknown_type = ws.Sluice({"merge", "Nope"});
  EXPECT_EQ(unknown_type.exit_code, 2) << unknown_type.Describe();
  EXPECT_THAT(unknown_type.err, HasSubstr("Accounting, Payments"));
  ASSERT_RUN_OK(ws.Merge());
  EXPECT_EQ(ws.Count("accounting"), 1);
}

}  // namespace
}  // namespace sluice::testing
