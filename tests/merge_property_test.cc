// Property: whatever the event stream, however it is split into files, in
// whatever compression, redelivered or not, and however the loads are
// interleaved with merge runs of whatever chunk size, sluice ends with
//   - staging holding each loaded file's JSON objects once, in arrival order,
//   - every other non-blank line in sluice_load_errors (file, line),
//   - the final table (every column) the reference model in merge_model.h
//     computes from the staged events alone,
//   - sluice_merge_errors holding exactly the model's rejections,
//   - merge counts adding up, and the stream at the last seq.
// In-process: Loader and RunMerge on a real SQLite warehouse in a temp folder.
//
// Seeds are fixed. To replay one: SLUICE_PROPERTY_SEED=<seed> ./merge_property_test
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <set>

#include <sqlite3.h>
#include <unistd.h>

#include "cli_harness.h"
#include "config/config.h"
#include "loader/loader.h"
#include "merge/merge_run.h"
#include "merge_model.h"
#include "warehouse/backend.h"

namespace sluice::testing {
namespace {

constexpr uint64_t kBaseSeed = 20261124;
constexpr int kShards = 8;
constexpr int kCasesPerShard = 40;  // 320 cases in all; SLUICE_PROPERTY_CASES=<n> per shard for a longer hunt

std::string FastTempBase() {
  // fsync is free on tmpfs; durability is not what this test is about.
  std::error_code ec;
  return std::filesystem::is_directory("/dev/shm", ec) && ::access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "";
}

struct CaseFile {
  std::string path;
  std::string content;                       // uncompressed
  std::vector<const GeneratedLine*> lines;   // line i is number i + 1
};

// What the case did, for the failure message.
struct CaseLog {
  std::string text;
  void Add(const std::string& s) { text += s + "\n"; }
};

std::string Describe(const ModelValue& v) {
  switch (v.kind) {
    case ModelValue::Kind::kNull: return "NULL";
    case ModelValue::Kind::kText: return "'" + v.text + "'";
    case ModelValue::Kind::kReal: return fmt::format("{}", v.real);
    case ModelValue::Kind::kError: return "error(" + v.text + ")";
  }
  return "?";
}

std::string Describe(const Cell& c) {
  if (c.is_null()) return "NULL";
  if (c.type == SQLITE_FLOAT) return fmt::format("{}", c.real);
  if (c.type == SQLITE_TEXT) return "'" + c.text + "'";
  return fmt::format("{} (sqlite type {})", c.text, c.type);
}

bool Same(const ModelValue& want, const Cell& got) {
  switch (want.kind) {
    case ModelValue::Kind::kNull: return got.is_null();
    case ModelValue::Kind::kText: return got.type == SQLITE_TEXT && got.text == want.text;
    case ModelValue::Kind::kReal: return got.type == SQLITE_FLOAT && got.real == want.real;
    case ModelValue::Kind::kError: return false;
  }
  return false;
}

// What the cases exercised, so that a generator change that stops producing
// collisions, rejections or redeliveries cannot pass unnoticed.
struct Coverage {
  int64_t updated = 0, stale = 0, filtered = 0, rejected = 0, skipped_loads = 0, load_errors = 0, merge_errors = 0;
  int64_t one_row_chunks = 0, final_rows = 0;
};

void RunCase(uint64_t seed, Coverage* coverage) {
  std::mt19937_64 rng(seed);
  const auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const auto chance = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
  CaseLog log;

  GeneratorProfile profile;
  profile.error_rate = std::vector<double>{0, 0.004, 0.03}[static_cast<size_t>(uniform(0, 2))];
  profile.bad_line_rate = std::vector<double>{0, 0.05}[static_cast<size_t>(uniform(0, 1))];
  profile.null_key_rate = std::vector<double>{0, 0.03, 0.1}[static_cast<size_t>(uniform(0, 2))];
  profile.duplicate_key_rate = std::vector<double>{0, 0, 0.05}[static_cast<size_t>(uniform(0, 2))];
  EventGenerator generator(&rng, profile);
  std::vector<GeneratedLine> lines(static_cast<size_t>(uniform(1, 120)));
  for (auto& l : lines) l = generator.Next();

  TempDir dir("sluice-property", FastTempBase());
  const std::string config_path = dir.path() + "/sluice.yaml";
  auto config = ParseConfig(ModelConfigYaml(), config_path);
  ASSERT_TRUE(config.ok()) << config.status().message();
  auto opened = OpenWarehouse(config->warehouse, config->data_dir);
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  std::unique_ptr<Warehouse> warehouse = std::move(opened).value();
  ASSERT_TRUE(warehouse->Prepare(config->catalog).ok());
  const EventSpec* event = config->catalog.Find("Accounting");
  ASSERT_NE(event, nullptr);
  Loader loader(Env::Default(), LandingFoldersOf(*config), warehouse.get());

  // Split the lines into files at random points (empty files included).
  std::vector<size_t> cuts = {0, lines.size()};
  for (int i = uniform(0, 5); i > 0; --i) cuts.push_back(static_cast<size_t>(uniform(0, static_cast<int>(lines.size()))));
  std::sort(cuts.begin(), cuts.end());
  std::vector<CaseFile> files;
  for (size_t f = 0; f + 1 < cuts.size(); ++f) {
    CaseFile file;
    const bool crlf = chance(0.2);
    if (chance(0.1)) file.content = "\xEF\xBB\xBF";
    for (size_t i = cuts[f]; i < cuts[f + 1]; ++i) {
      file.content += lines[i].text + (crlf ? "\r\n" : "\n");
      file.lines.push_back(&lines[i]);
    }
    if (!file.content.empty() && file.content.back() == '\n' && chance(0.2)) {  // no final line ending
      file.content.pop_back();
      if (crlf) file.content.pop_back();
    }
    const int compression = uniform(0, 2);
    file.path = fmt::format("{}/in/f{}.ndjson{}", dir.path(), f, compression == 1 ? ".gz" : compression == 2 ? ".zst" : "");
    WriteFile(file.path, compression == 1 ? Gzip(file.content) : compression == 2 ? Zstd(file.content) : file.content);
    files.push_back(std::move(file));
  }

  // Load in order, sometimes redelivering an earlier file, merging after random loads.
  std::set<std::string> loaded_contents;
  std::vector<const GeneratedLine*> staged;
  std::multiset<std::pair<std::string, int64_t>> expected_load_errors;
  MergeCounts total;
  int merges = 0;
  const auto merge = [&] {
    MergeOptions options;
    options.chunk_rows = std::vector<size_t>{1, 2, 3, 5, 8, 64, 20'000}[static_cast<size_t>(uniform(0, 6))];
    auto counts = RunMerge(warehouse.get(), *event, options);
    ASSERT_TRUE(counts.ok()) << counts.status().message();
    log.Add(fmt::format("merge chunk_rows={}: {} staged, {} inserted, {} updated, {} stale, {} filtered, {} rejected",
                        options.chunk_rows, counts->staging_rows, counts->inserted, counts->updated, counts->stale,
                        counts->filtered, counts->rejected));
    total.staging_rows += counts->staging_rows;
    total.inserted += counts->inserted;
    total.updated += counts->updated;
    total.stale += counts->stale;
    total.filtered += counts->filtered;
    total.rejected += counts->rejected;
    total.position = counts->position;
    ++merges;
    coverage->one_row_chunks += options.chunk_rows == 1;
  };
  const auto load = [&](const CaseFile& file, const std::string& path) {
    auto outcome = loader.LoadFile(*event, path);
    ASSERT_TRUE(outcome.ok()) << path << ": " << outcome.status().message();
    const bool seen = !loaded_contents.insert(file.content).second;
    log.Add(fmt::format("load {} ({} lines){}", path.substr(dir.path().size() + 1), file.lines.size(),
                        outcome->skipped ? " skipped" : ""));
    ASSERT_EQ(outcome->skipped, seen) << path;
    coverage->skipped_loads += seen;
    if (seen) return;
    int64_t rows = 0, errors = 0;
    for (size_t i = 0; i < file.lines.size(); ++i) {
      const GeneratedLine* line = file.lines[i];
      if (line->event) {
        staged.push_back(line);
        ++rows;
      } else if (!line->blank) {
        expected_load_errors.emplace(path, static_cast<int64_t>(i) + 1);
        ++errors;
      }
    }
    EXPECT_EQ(outcome->rows, rows) << path;
    EXPECT_EQ(outcome->errors, errors) << path;
  };
  for (size_t f = 0; f < files.size(); ++f) {
    load(files[f], files[f].path);
    if (::testing::Test::HasFatalFailure()) break;
    if (chance(0.15)) {
      const CaseFile& again = files[static_cast<size_t>(uniform(0, static_cast<int>(f)))];
      std::string path = again.path;
      if (chance(0.5)) {  // the same content under another name and compression
        path = fmt::format("{}.again{}.zst", again.path, f);
        WriteFile(path, Zstd(again.content));
      }
      load(again, path);
    }
    if (chance(0.4)) merge();
    if (::testing::Test::HasFatalFailure()) break;
  }
  if (!::testing::Test::HasFatalFailure()) merge();
  if (::testing::Test::HasFatalFailure()) return;
  SCOPED_TRACE("what the case did:\n" + log.text);

  const std::string db = config->data_dir + "/warehouse.db";  // the embedded default
  // Staging: each loaded object once, in arrival order.
  const auto staging = QueryDb(db, "SELECT seq, payload FROM accounting_stg ORDER BY seq");
  ASSERT_EQ(staging.size(), staged.size());
  for (size_t i = 0; i < staging.size(); ++i) {
    ASSERT_EQ(staging[i][0].integer, static_cast<int64_t>(i) + 1);
    ASSERT_EQ(staging[i][1].text, staged[i]->text) << "seq " << i + 1;
  }
  std::multiset<std::pair<std::string, int64_t>> load_errors;
  for (const auto& r : QueryDb(db, "SELECT file, line FROM sluice_load_errors")) load_errors.emplace(r[0].text, r[1].integer);
  EXPECT_EQ(load_errors, expected_load_errors);

  const ModelOutcome model = RunModel(staged);

  // The final table, every column.
  const auto& columns = ModelColumns();
  std::string select;
  for (const auto& c : columns) select += (select.empty() ? "" : ", ") + std::string(c.name);
  const int item_id = ModelColumnIndex("eventitemid"), entry_id = ModelColumnIndex("entryidentifier");
  std::map<std::pair<std::string, std::string>, Row> actual;
  for (auto& r : QueryDb(db, "SELECT " + select + " FROM accounting"))
    actual.emplace(std::make_pair(r[static_cast<size_t>(item_id)].text, r[static_cast<size_t>(entry_id)].text), r);
  std::vector<std::string> differences;
  for (const auto& [key, want] : model.final_rows) {
    const auto it = actual.find(key);
    if (it == actual.end()) {
      differences.push_back(fmt::format("missing row ({}, {})", key.first, key.second));
      continue;
    }
    for (size_t c = 0; c < columns.size(); ++c)
      if (!Same(want[c], it->second[c]))
        differences.push_back(fmt::format("row ({}, {}) column {}: expected {}, got {}", key.first, key.second,
                                          columns[c].name, Describe(want[c]), Describe(it->second[c])));
  }
  for (const auto& [key, row] : actual)
    if (!model.final_rows.count(key))
      differences.push_back(fmt::format("unexpected row ({}, {}): {}", key.first, key.second, ToString(row)));
  EXPECT_TRUE(differences.empty()) << "final table differs from the model:\n"
                                   << [&] { std::string s; for (const auto& d : differences) s += "  " + d + "\n"; return s; }();

  // Merge errors: exactly the model's rejections.
  std::multiset<ModelError> errors;
  for (const auto& r : QueryDb(db, "SELECT seq, item_index, column_name, value, error FROM sluice_merge_errors")) {
    EXPECT_FALSE(r[4].text.empty()) << "an error without a reason: " << ToString(r);
    errors.emplace(r[0].integer, r[1].integer, r[2].text,
                   r[3].is_null() ? std::nullopt : std::optional<std::string>(r[3].text));
  }
  if (errors != model.errors) {
    std::string s;
    for (const auto& e : model.errors)
      if (!errors.count(e)) s += fmt::format("  missing: seq {} item {} {} {}\n", std::get<0>(e), std::get<1>(e),
                                             std::get<2>(e), std::get<3>(e).value_or("NULL"));
    for (const auto& e : errors)
      if (!model.errors.count(e)) s += fmt::format("  unexpected: seq {} item {} {} {}\n", std::get<0>(e),
                                                   std::get<1>(e), std::get<2>(e), std::get<3>(e).value_or("NULL"));
    ADD_FAILURE() << "sluice_merge_errors differs from the model:\n" << s;
  }

  // Counts add up across runs, and the stream is at the last seq.
  EXPECT_EQ(total.staging_rows, static_cast<int64_t>(staged.size()));
  EXPECT_EQ(total.filtered, model.filtered);
  EXPECT_EQ(total.rejected, model.rejected);
  EXPECT_EQ(total.inserted, static_cast<int64_t>(model.final_rows.size()));
  EXPECT_EQ(total.inserted + total.updated + total.stale, model.candidates);
  EXPECT_EQ(total.position, static_cast<int64_t>(staged.size()));
  const auto position = QueryDb(db, "SELECT position FROM sluice_streams WHERE staging_table = 'accounting_stg'");
  ASSERT_EQ(position.size(), 1u);
  EXPECT_EQ(position[0][0].integer, static_cast<int64_t>(staged.size()));

  coverage->updated += total.updated;
  coverage->stale += total.stale;
  coverage->filtered += total.filtered;
  coverage->rejected += total.rejected;
  coverage->load_errors += static_cast<int64_t>(expected_load_errors.size());
  coverage->merge_errors += static_cast<int64_t>(model.errors.size());
  coverage->final_rows += static_cast<int64_t>(model.final_rows.size());
}

class MergeProperty : public ::testing::TestWithParam<int> {};

TEST_P(MergeProperty, FinalTableMatchesTheModelWhateverTheFileSplitsAndMergeRuns) {
  std::vector<uint64_t> seeds;
  const char* one = std::getenv("SLUICE_PROPERTY_SEED");
  const char* cases = std::getenv("SLUICE_PROPERTY_CASES");
  const uint64_t per_shard = cases && *cases ? std::strtoull(cases, nullptr, 10) : kCasesPerShard;
  if (one && *one) {
    if (GetParam() != 0) GTEST_SKIP() << "SLUICE_PROPERTY_SEED runs in shard 0 only";
    seeds.push_back(std::strtoull(one, nullptr, 10));
  } else {
    // Shards take disjoint seed ranges, however many cases each runs.
    for (uint64_t i = 0; i < per_shard; ++i) seeds.push_back(kBaseSeed + static_cast<uint64_t>(GetParam()) * 1'000'000 + i);
  }
  Coverage coverage;
  for (uint64_t seed : seeds) {
    SCOPED_TRACE(fmt::format("seed {} (replay: SLUICE_PROPERTY_SEED={} merge_property_test)", seed, seed));
    RunCase(seed, &coverage);
    if (HasFailure()) return;  // one failing case is enough to read
  }
  if (seeds.size() < kCasesPerShard) return;
  EXPECT_GT(coverage.final_rows, 0);
  EXPECT_GT(coverage.updated, 0) << "no case replaced a stored row with a newer version";
  EXPECT_GT(coverage.stale, 0);
  EXPECT_GT(coverage.filtered, 0);
  EXPECT_GT(coverage.rejected, 0);
  EXPECT_GT(coverage.merge_errors, 0);
  EXPECT_GT(coverage.load_errors, 0);
  EXPECT_GT(coverage.skipped_loads, 0) << "no case redelivered a file";
  EXPECT_GT(coverage.one_row_chunks, 0) << "no case merged with one staging row per chunk";
}

INSTANTIATE_TEST_SUITE_P(Shards, MergeProperty, ::testing::Range(0, kShards));

}  // namespace
}  // namespace sluice::testing
