// The property test's side of the bargain: random Accounting event streams,
// each value generated together with what the merge must make of it, and a
// reference model of the merge semantics simple enough to trust:
//
//   - one row per EntryList element (none when it is missing, null, empty or
//     not an array); a non-object element is a row whose item values are NULL;
//   - key columns are cast first: a failing key rejects the row, a NULL key
//     filters it; then every other column: any failure rejects the row (one
//     error per failing column); then a NULL version rejects it;
//   - per key, the newest version wins; among equal versions the first to
//     arrive (lower seq, then lower element index) wins;
//   - of duplicate keys in a JSON object, the last wins.
//
// Nothing here knows how sluice batches its work, so comparing against the
// model proves the final table does not depend on it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace sluice::testing {

enum class ModelType { kVarchar, kTimestamp, kDecimal };

struct ModelColumn {
  const char* name;
  const char* path;  // in the event, or in the EntryList element when `item`
  bool item;
  ModelType type;
  int length = 0;  // varchar(length)
};

// The Accounting catalog, column order as in the config.
const std::vector<ModelColumn>& ModelColumns();
// sluice.yaml for it, generated from ModelColumns() so the two cannot drift.
std::string ModelConfigYaml();
int ModelColumnIndex(const std::string& name);

// What one cast yields.
struct ModelValue {
  enum class Kind { kNull, kText, kReal, kError };
  Kind kind = Kind::kNull;
  std::string text;  // kText: the value; kError: the value sluice_merge_errors records
  double real = 0;
  bool operator==(const ModelValue&) const = default;
};

// A JSON value as written in the line (empty: the field is absent) and its cast.
struct GenValue {
  std::string json;
  ModelValue cast;
};

// One flattened row: a value per column, in ModelColumns() order.
using ModelRow = std::vector<ModelValue>;

struct GeneratedLine {
  std::string text;           // without the line ending
  bool blank = false;         // skipped by the loader
  bool event = false;         // a JSON object: staged
  std::vector<ModelRow> rows; // what the merge extracts from it
};

// Knobs of one random case.
struct GeneratorProfile {
  double error_rate = 0.0;     // per value: a value that does not cast
  double bad_line_rate = 0.0;  // per line: not a JSON object
  double null_key_rate = 0.0;
  double duplicate_key_rate = 0.0;  // per field: an earlier duplicate with another value
};

class EventGenerator {
 public:
  EventGenerator(std::mt19937_64* rng, GeneratorProfile profile) : rng_(rng), profile_(profile) {}
  GeneratedLine Next();

 private:
  bool Chance(double p);
  size_t Pick(size_t n);
  GenValue Value(const ModelColumn& column);
  GenValue Key(const ModelColumn& column);
  GenValue Version();
  GenValue Varchar(int length);
  GenValue Timestamp();
  GenValue Decimal();
  std::string Object(std::vector<std::pair<std::string, std::string>> fields);

  std::mt19937_64* rng_;
  GeneratorProfile profile_;
};

// One row of sluice_merge_errors: (seq, item_index, column, value or NULL).
using ModelError = std::tuple<int64_t, int64_t, std::string, std::optional<std::string>>;

struct ModelOutcome {
  std::map<std::pair<std::string, std::string>, ModelRow> final_rows;  // by (eventitemid, entryidentifier)
  std::multiset<ModelError> errors;
  int64_t filtered = 0;
  int64_t rejected = 0;
  int64_t candidates = 0;  // rows offered to the upsert: inserted + updated + stale
};

// Merges staged events given in arrival order (seq = index + 1).
ModelOutcome RunModel(const std::vector<const GeneratedLine*>& staged);

}  // namespace sluice::testing
