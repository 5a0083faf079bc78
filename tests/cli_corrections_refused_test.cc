// Correction commands that must be refused, on both backends: usage errors
// (unknown type, a type without an id, wrong id arity, no reason, --id with
// --file, --set paths and values that do not parse or cannot be reached)
// and corrections the merge would reject or that name no event. Each one
// exits with its code, names the problem, and changes nothing anywhere.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "corrections_harness.h"

namespace sluice::testing::corrections {
namespace {

// The example catalog with its `id:` line removed.
std::string ConfigWithoutId() {
  std::string yaml = AccountingConfigYaml();
  const size_t at = yaml.find("\n    id:");
  if (at != std::string::npos) yaml.erase(at, yaml.find('\n', at + 1) - at);
  return yaml;
}

// ---------------------------------------------------------------------------
// Refused commands: exit code, message, nothing changed

TEST(CorrectionsCli, AnUnknownTypeIsAUsageError) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1")});
  ExpectRefused(ws, {"exceptions", "add", "Nope", "--id", "I1", kT1, "--set", "a=1", "--reason", "r"}, 2,
                "unknown event type 'Nope'");
  ExpectRefused(ws, {"exclusions", "add", "Nope", "--id", "I1", kT1, "--reason", "r"}, 2, "unknown event type");
  ExpectRefused(ws, {"exclusions", "remove", "Nope", "--id", "I1", kT1}, 2, "unknown event type");
  ExpectRefused(ws, {"exceptions", "list", "Nope"}, 2, "unknown event type");
  ExpectRefused(ws, {"rebuild", "Nope"}, 2, "unknown event type");
}

TEST(CorrectionsCli, ATypeWithoutAnIdIsAUsageErrorNamingIt) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1")});
  ws.SetConfig(ConfigWithoutId());
  ExpectRefused(ws, {"exclusions", "add", "Accounting", "--id", "I1", "--reason", "r"}, 2, "Accounting has no id");
  ExpectRefused(ws, {"exceptions", "add", "Accounting", "--id", "I1", "--set", "a=1", "--reason", "r"}, 2,
                "Accounting has no id");
}

TEST(CorrectionsCli, AWrongNumberOfIdValuesIsAUsageError) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1")});
  ExpectRefused(ws, {"exclusions", "add", "Accounting", "--id", "I1", "--reason", "r"}, 2,
                "Accounting has an id of 2 values (EventItemId, EventDateTime); --id got 1 value");
  ExpectRefused(ws, {"exceptions", "add", "Accounting", "--id", "I1", kT1, "I2", "--set", "a=1", "--reason", "r"}, 2,
                "--id got 3 values");
  ExpectRefused(ws, {"exclusions", "remove", "Accounting", "--id", "I1"}, 2, "--id got 1 value");
}

TEST(CorrectionsCli, AMissingReasonIsAUsageError) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1")});
  ExpectRefused(ws, {"exclusions", "add", "Accounting", "--id", "I1", kT1}, 2, "--reason is required");
  ExpectRefused(ws, {"exceptions", "add", "Accounting", "--id", "I1", kT1, "--set", "a=1"}, 2, "--reason is required");
  ExpectRefused(ws, {"exclusions", "add", "Accounting", "--id", "I1", kT1, "--reason", ""}, 2, "--reason is required");
}

TEST(CorrectionsCli, IdAndFileTogetherOrNeitherIsAUsageError) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1")});
  const std::string file = ws.WriteLines("f.ndjson", {Ev("I1", kT1, "1")});
  ExpectRefused(ws, {"exclusions", "add", "Accounting", "--reason", "r"}, 2, "either --id or --file");
  ExpectRefused(ws, {"exclusions", "add", "Accounting", "--id", "I1", kT1, "--file", file, "--reason", "r"}, 2,
                "either --id or --file");
  ExpectRefused(ws, {"exceptions", "add", "Accounting", "--id", "I1", kT1, "--reason", "r"}, 2, "--set PATH=JSON");
}

TEST(CorrectionsCli, ASetPathThatDoesNotParseIsAUsageError) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1")});
  ExpectRefused(ws, {"exceptions", "add", "Accounting", "--id", "I1", kT1, "--set", "EntryList[x].Amount=1",
                     "--reason", "r"},
                2, "does not parse");
  ExpectRefused(ws, {"exceptions", "add", "Accounting", "--id", "I1", kT1, "--set", "a..b=1", "--reason", "r"}, 2,
                "does not parse");
}

TEST(CorrectionsCli, ASetValueThatIsNotJsonIsAUsageError) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1")});
  ExpectRefused(ws, {"exceptions", "add", "Accounting", "--id", "I1", kT1, "--set", "DisputeId=D-9", "--reason", "r"}, 2,
                "not JSON");
  ExpectRefused(ws, {"exceptions", "add", "Accounting", "--id", "I1", kT1, "--set", "DisputeId", "--reason", "r"}, 2,
                "PATH=JSON");
}

TEST(CorrectionsCli, ASetPathThatCannotBeReachedIsAUsageError) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1")});
  ExpectRefused(ws, {"exceptions", "add", "Accounting", "--id", "I1", kT1, "--set", "EntryList[3].Amount=1",
                     "--reason", "r"},
                2, "past the end");
  ExpectRefused(ws, {"exceptions", "add", "Accounting", "--id", "I1", kT1, "--set", "TenantId.x=1", "--reason", "r"}, 2,
                "not inside an object");
}

TEST(CorrectionsCli, ACorrectionThatWouldNotCastIsRefused) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1")});
  ExpectRefused(ws, {"exceptions", "add", "Accounting", "--id", "I1", kT1, "--set", R"(EntryList[0].Amount="abc")",
                     "--reason", "r"},
                2, "would be rejected by the merge");
  ExpectRefused(ws, {"exceptions", "add", "Accounting", "--id", "I1", kT1, "--set", "EntryList[0].Amount=1e12",
                     "--reason", "r"},
                2, "amount");
}

TEST(CorrectionsCli, ASetThatChangesTheIdIsRefused) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1")});
  ExpectRefused(ws, {"exceptions", "add", "Accounting", "--id", "I1", kT1, "--set", R"(EventItemId="I2")", "--reason",
                     "r"},
                2, "changes the id");
  ExpectRefused(ws, {"exceptions", "add", "Accounting", "--id", "I1", kT1, "--set", "EventItemId=null", "--reason", "r"},
                2, "no id");
}

TEST(CorrectionsCli, ASetForAnIdThatNamesNoEventIsAnError) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1")});
  ExpectRefused(ws, {"exceptions", "add", "Accounting", "--id", "I1", kT1, "I9", kT1, "--set", "EntryList[0].Amount=2",
                     "--reason", "r"},
                1, "no Accounting event has id " + Id("I9", kT1));
}

TEST(CorrectionsCli, AnExceptionFileWithABadLineNamesItAndStoresNothing) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1")});
  const std::string not_json = ws.WriteLines("not_json.ndjson", {Ev("I1", kT1, "2"), "{\"EventItemId\": "});
  ExpectRefused(ws, {"exceptions", "add", "Accounting", "--file", not_json, "--reason", "r"}, 2, not_json + ":2:");
  const std::string no_id = ws.WriteLines("no_id.ndjson", {Ev("I1", kT1, "2"), "", R"({"EventItemId": "I5"})"});
  ExpectRefused(ws, {"exceptions", "add", "Accounting", "--file", no_id, "--reason", "r"}, 2, no_id + ":3: ");
  const std::string bad_cast = ws.WriteLines("bad_cast.ndjson", {Ev("I1", kT1, "2"), Ev("I2", kT1, R"("lots")")});
  ExpectRefused(ws, {"exceptions", "add", "Accounting", "--file", bad_cast, "--reason", "r"}, 2,
                bad_cast + ":2: event " + Id("I2", kT1) + " would be rejected by the merge");
  const std::string empty = ws.WriteLines("empty.ndjson", {""});
  ExpectRefused(ws, {"exceptions", "add", "Accounting", "--file", empty, "--reason", "r"}, 2, "has no events");
}

TEST(CorrectionsCli, RemovingACorrectionThatIsNotInForceIsAnErrorAndChangesNothing) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1"), Ev("I2", kT1, "2")});
  SluiceOk(ws, {"exclusions", "add", "Accounting", "--id", "I1", kT1, "--reason", "r"});
  // I2 has none: the whole command is refused, I1 stays excluded.
  ExpectRefused(ws, {"exclusions", "remove", "Accounting", "--id", "I1", kT1, "I2", kT1}, 1,
                "Accounting has no exclusion in force for id " + Id("I2", kT1));
  ExpectRefused(ws, {"exceptions", "remove", "Accounting", "--id", "I1", kT1}, 1,
                "Accounting has no exception in force for id " + Id("I1", kT1));
  SluiceOk(ws, {"exclusions", "remove", "Accounting", "--id", "I1", kT1});
  // Removed already: no longer in force.
  ExpectRefused(ws, {"exclusions", "remove", "Accounting", "--id", "I1", kT1}, 1, "no exclusion in force");
}

}  // namespace
}  // namespace sluice::testing::corrections
