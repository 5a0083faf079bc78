#include "merge_model.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

namespace sluice::testing {
namespace {

using Kind = ModelValue::Kind;

ModelValue Null() { return {}; }
ModelValue Text(std::string s) { return {Kind::kText, std::move(s), 0}; }
ModelValue Real(double v) { return {Kind::kReal, "", v}; }
ModelValue Error(std::string value) { return {Kind::kError, std::move(value), 0}; }

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

// Valid timestamps in many spellings; several name the same instant, so
// versions tie often.
const std::vector<GenValue>& TimestampPool() {
  static const std::vector<GenValue> pool = {
      {R"("2026-01-01T10:00:00Z")", Text("2026-01-01 10:00:00.000000")},
      {R"("2026-01-01T05:00:00-05:00")", Text("2026-01-01 10:00:00.000000")},
      {R"("2026-01-01 10:00:00")", Text("2026-01-01 10:00:00.000000")},
      {R"("2026-01-01T11:30:00+0130")", Text("2026-01-01 10:00:00.000000")},
      {R"("2026-01-01T10:00:00.0000004Z")", Text("2026-01-01 10:00:00.000000")},
      {R"("2026-01-01T09:59:59.9999995Z")", Text("2026-01-01 10:00:00.000000")},
      {R"("2025-12-31T23:00:00-11:00")", Text("2026-01-01 10:00:00.000000")},
      {R"("2026-01-01T10:00:00.000001Z")", Text("2026-01-01 10:00:00.000001")},
      {R"("2026-01-01T10:00:01Z")", Text("2026-01-01 10:00:01.000000")},
      {R"("2026-01-01T12:00:01+02:00")", Text("2026-01-01 10:00:01.000000")},
      {R"("2026-01-02")", Text("2026-01-02 00:00:00.000000")},
      {R"("2026-01-01T23:30:00-00:30")", Text("2026-01-02 00:00:00.000000")},
      {R"("2026-01-01t09:00:00z")", Text("2026-01-01 09:00:00.000000")},
  };
  return pool;
}

// Far from the versions' instants: only for the other timestamp columns.
const std::vector<GenValue>& OtherTimestampPool() {
  static const std::vector<GenValue> pool = {
      {R"("1969-12-31T23:59:59.9999995Z")", Text("1970-01-01 00:00:00.000000")},
      {R"("1969-12-31T23:59:59.25-00:30")", Text("1970-01-01 00:29:59.250000")},
      {R"("0001-01-01T00:00:00Z")", Text("0001-01-01 00:00:00.000000")},
      {R"("1900-03-01T00:00:00+01:00")", Text("1900-02-28 23:00:00.000000")},
      {R"("2000-02-29 12:00")", Text("2000-02-29 12:00:00.000000")},
      {R"("9999-12-31T23:59:59.999999Z")", Text("9999-12-31 23:59:59.999999")},
      {R"("2026-06-30T23:59:59,5+00:00")", Text("2026-06-30 23:59:59.500000")},
  };
  return pool;
}

const std::vector<GenValue>& BadTimestampPool() {
  static const std::vector<GenValue> pool = {
      {R"("2026-13-01T00:00:00Z")", Error("2026-13-01T00:00:00Z")},
      {R"("yesterday")", Error("yesterday")},
      {"1767261600", Error("1767261600")},
      {R"("2026-02-29")", Error("2026-02-29")},
      {R"("2026-01-01T24:00:00Z")", Error("2026-01-01T24:00:00Z")},
      {R"({"t":1})", Error(R"({"t":1})")},
      {"true", Error("true")},
      {R"("0001-01-01T00:00:00+01:00")", Error("0001-01-01T00:00:00+01:00")},
      {R"("9999-12-31T23:59:59.9999995Z")", Error("9999-12-31T23:59:59.9999995Z")},
      {R"("2026-01-01+05:00")", Error("2026-01-01+05:00")},
      {R"("2026-01-01T10:00:00+05:")", Error("2026-01-01T10:00:00+05:")},
      {R"("2026-01-01T10:00:60Z")", Error("2026-01-01T10:00:60Z")},
      {R"("")", Error("")},
  };
  return pool;
}

const std::vector<GenValue>& DecimalPool() {
  static const std::vector<GenValue> pool = {
      {"10.5", Real(10.5)},           {R"("10.50")", Real(10.5)},     {"10.505", Real(10.51)},
      {R"("2.675")", Real(2.68)},     {"-0.005", Real(-0.01)},        {"0.004", Real(0.0)},
      {"-0.004", Real(0.0)},          {"1e2", Real(100.0)},           {R"("1E-2")", Real(0.01)},
      {"9999999.99", Real(9999999.99)}, {"-9999999.994", Real(-9999999.99)}, {R"("+5")", Real(5.0)},
      {"0", Real(0.0)},               {"123", Real(123.0)},           {"0.125", Real(0.13)},
      {"-0.125", Real(-0.13)},        {"-0", Real(0.0)},              {"0.0000001e7", Real(1.0)},
  };
  return pool;
}

const std::vector<GenValue>& BadDecimalPool() {
  static const std::vector<GenValue> pool = {
      {"9999999.995", Error("9999999.995")}, {R"("abc")", Error("abc")},   {"true", Error("true")},
      {R"("")", Error("")},                  {R"({"v":1})", Error(R"({"v":1})")}, {"[]", Error("[]")},
      {"12345678.90", Error("12345678.90")}, {R"(" 5")", Error(" 5")},      {"1e7", Error("1e7")},
  };
  return pool;
}

}  // namespace

const std::vector<ModelColumn>& ModelColumns() {
  static const std::vector<ModelColumn> columns = {
      {"tenantid", "TenantId", false, ModelType::kVarchar, 32},
      {"clientid", "ClientId", false, ModelType::kVarchar, 64},
      {"entryidentifier", "EntryIdentifier", true, ModelType::kVarchar, 64},
      {"claimid", "ClaimId", false, ModelType::kVarchar, 32},
      {"disputeid", "DisputeId", false, ModelType::kVarchar, 32},
      {"performedon", "PerformedOn", true, ModelType::kTimestamp},
      {"performedbyoperatorid", "PerformedByOperatorID", true, ModelType::kVarchar, 128},
      {"executedon", "ExecutedOn", true, ModelType::kTimestamp},
      {"executedbyoperatorid", "ExecutedByOperatorID", true, ModelType::kVarchar, 128},
      {"collectionname", "CollectionName", true, ModelType::kVarchar, 64},
      {"debitcredit", "DebitCredit", true, ModelType::kVarchar, 16},
      {"amount", "Amount", true, ModelType::kDecimal},
      {"reason", "Reason", true, ModelType::kVarchar, 64},
      {"executionmethod", "ExecutionMethod", false, ModelType::kVarchar, 32},
      {"stepidentifier", "StepIdentifier", false, ModelType::kVarchar, 64},
      {"eventdatetime", "EventDateTime", false, ModelType::kTimestamp},
      {"eventidentifier", "EventIdentifier", false, ModelType::kVarchar, 64},
      {"eventitemid", "EventItemId", false, ModelType::kVarchar, 64},
  };
  return columns;
}

int ModelColumnIndex(const std::string& name) {
  const auto& columns = ModelColumns();
  for (size_t i = 0; i < columns.size(); ++i)
    if (name == columns[i].name) return static_cast<int>(i);
  throw std::logic_error("no column " + name);
}

std::string ModelConfigYaml() {
  std::string yaml =
      "data_dir: data\n"
      "events:\n"
      "  Accounting:\n"
      "    table: accounting\n"
      "    flatten: EntryList\n"
      "    key: [eventitemid, entryidentifier]\n"
      "    version: eventdatetime\n"
      "    columns:\n";
  for (const auto& c : ModelColumns()) {
    const std::string type = c.type == ModelType::kVarchar     ? fmt::format("varchar({})", c.length)
                             : c.type == ModelType::kTimestamp ? "timestamp"
                                                               : "number(9,2)";
    yaml += fmt::format("      {}: {{path: {}{}, type: {}}}\n", c.name, c.item ? "item." : "", c.path, type);
  }
  return yaml;
}

bool EventGenerator::Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(*rng_) < p; }

size_t EventGenerator::Pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(*rng_); }

std::string EventGenerator::Object(std::vector<std::pair<std::string, std::string>> fields) {
  std::shuffle(fields.begin(), fields.end(), *rng_);
  // Of duplicate keys the last wins: a decoy written before a field changes nothing.
  if (profile_.duplicate_key_rate > 0) {
    static const std::vector<std::string> decoys = {
        "null", R"("decoy")", "12345678.90", R"({"x":1})", R"([{"EntryIdentifier":"DECOY","Amount":"bad"}])", "[]",
        R"("not a time")"};
    std::vector<std::pair<std::string, std::string>> with_decoys;
    for (auto& field : fields) {
      if (!field.second.empty() && Chance(profile_.duplicate_key_rate))
        with_decoys.emplace_back(field.first, decoys[Pick(decoys.size())]);
      with_decoys.push_back(std::move(field));
    }
    fields = std::move(with_decoys);
  }
  std::string out = Chance(0.2) ? "{ " : "{";
  bool first = true;
  for (const auto& [key, value] : fields) {
    if (value.empty()) continue;  // absent
    if (!first) out += Chance(0.5) ? ", " : ",";
    first = false;
    out += "\"" + key + "\"" + (Chance(0.3) ? " : " : ":") + value;
  }
  return out + (Chance(0.2) ? " }" : "}");
}

GenValue EventGenerator::Varchar(int length) {
  if (Chance(profile_.error_rate)) {
    switch (Pick(3)) {
      case 0: {
        const std::string too_long = Repeat("x", length + 1);
        return {"\"" + too_long + "\"", Error(too_long)};
      }
      case 1: return {R"({"x":1})", Error(R"({"x":1})")};
      default: return {R"([1,"a"])", Error(R"([1,"a"])")};
    }
  }
  if (Chance(0.08)) return {};                 // absent
  if (Chance(0.04)) return {"null", Null()};
  static const std::vector<GenValue> pool = {
      {R"("a")", Text("a")},
      {R"("b")", Text("b")},
      {R"("Ledger")", Text("Ledger")},
      {R"("")", Text("")},
      {R"("é")", Text("é")},
      {R"("日本語")", Text("日本語")},
      {R"("q\"uote")", Text("q\"uote")},
      {R"("\u00e9t\u00e9")", Text("été")},
      {R"("tab\tnl\n")", Text("tab\tnl\n")},
      {R"("\ud83d\ude00")", Text("\xF0\x9F\x98\x80")},
      {R"("back\\slash")", Text("back\\slash")},
      {"42", Text("42")},
      {"-1.50", Text("-1.50")},
      {"1e3", Text("1e3")},
      {"true", Text("true")},
      {"false", Text("false")},
  };
  if (Chance(0.05)) return {"\"" + Repeat("é", length) + "\"", Text(Repeat("é", length))};  // exactly fits
  return pool[Pick(pool.size())];
}

GenValue EventGenerator::Timestamp() {
  if (Chance(profile_.error_rate)) return BadTimestampPool()[Pick(BadTimestampPool().size())];
  if (Chance(0.08)) return {};
  if (Chance(0.04)) return {"null", Null()};
  if (Chance(0.3)) return OtherTimestampPool()[Pick(OtherTimestampPool().size())];
  return TimestampPool()[Pick(TimestampPool().size())];
}

GenValue EventGenerator::Decimal() {
  if (Chance(profile_.error_rate)) return BadDecimalPool()[Pick(BadDecimalPool().size())];
  if (Chance(0.08)) return {};
  if (Chance(0.04)) return {"null", Null()};
  return DecimalPool()[Pick(DecimalPool().size())];
}

GenValue EventGenerator::Key(const ModelColumn& column) {
  if (Chance(profile_.null_key_rate)) return Chance(0.5) ? GenValue{} : GenValue{"null", Null()};
  if (Chance(profile_.error_rate)) return {R"({"id":1})", Error(R"({"id":1})")};
  if (std::string(column.name) == "eventitemid") {
    static const std::vector<GenValue> pool = {
        {R"("I1")", Text("I1")}, {R"("\u0049\u0031")", Text("I1")}, {R"("I2")", Text("I2")},
        {R"("I3")", Text("I3")}, {"7", Text("7")},                    {R"("7")", Text("7")},
        {R"("")", Text("")},
    };
    return pool[Pick(pool.size())];
  }
  static const std::vector<GenValue> pool = {
      {R"("E1")", Text("E1")}, {R"("E2")", Text("E2")}, {R"("E3")", Text("E3")}, {"1", Text("1")},
  };
  return pool[Pick(pool.size())];
}

GenValue EventGenerator::Version() {
  if (Chance(profile_.null_key_rate / 2)) return Chance(0.5) ? GenValue{} : GenValue{"null", Null()};
  if (Chance(profile_.error_rate)) return BadTimestampPool()[Pick(BadTimestampPool().size())];
  // Few instants, so that versions tie and collide often.
  return TimestampPool()[Pick(TimestampPool().size())];
}

GenValue EventGenerator::Value(const ModelColumn& column) {
  const std::string name = column.name;
  if (name == "eventitemid" || name == "entryidentifier") return Key(column);
  if (name == "eventdatetime") return Version();
  switch (column.type) {
    case ModelType::kVarchar: return Varchar(column.length);
    case ModelType::kTimestamp: return Timestamp();
    case ModelType::kDecimal: return Decimal();
  }
  return {};
}

GeneratedLine EventGenerator::Next() {
  GeneratedLine line;
  if (Chance(profile_.bad_line_rate)) {
    static const std::vector<std::string> bad = {
        R"({"EventItemId": "I1", )", "not json", "[1,2]", R"("str")", "42", R"({"a":1}})", R"({"a":tru})",
        R"({"EventItemId": "I1"} {"EventItemId": "I2"})", "null", "{'single': 1}",
    };
    line.text = bad[Pick(bad.size())];
    return line;
  }
  if (Chance(0.03)) {
    line.blank = true;
    line.text = Chance(0.5) ? "" : " \t ";
    return line;
  }
  line.event = true;
  const auto& columns = ModelColumns();
  ModelRow top(columns.size());
  std::vector<std::pair<std::string, std::string>> fields;
  for (size_t c = 0; c < columns.size(); ++c) {
    if (columns[c].item) continue;
    GenValue v = Value(columns[c]);
    top[c] = v.cast;
    fields.emplace_back(columns[c].path, v.json);
  }
  if (Chance(0.2)) fields.emplace_back("Extra", R"({"EntryList":[{"EntryIdentifier":"Z"}],"n":[1,{"a":null}]})");
  if (Chance(0.1)) fields.emplace_back("EventItemIdX", R"("nope")");

  const size_t variant = Pick(100);
  if (variant < 8) {
    // EntryList absent: no rows.
  } else if (variant < 12) {
    fields.emplace_back("EntryList", "null");
  } else if (variant < 18) {
    fields.emplace_back("EntryList", Chance(0.5) ? "[]" : "[ ]");
  } else if (variant < 21) {
    fields.emplace_back("EntryList", R"("not an array")");
  } else if (variant < 24) {
    fields.emplace_back("EntryList", R"({"EntryIdentifier":"E1"})");
  } else if (variant < 26) {
    fields.emplace_back("EntryList", "7");
  } else {
    std::string list = "[";
    const size_t n = 1 + Pick(4);
    for (size_t e = 0; e < n; ++e) {
      if (e) list += Chance(0.5) ? ", " : ",";
      ModelRow row = top;
      if (Chance(0.08)) {
        // Not an object: a row whose item values are all NULL.
        static const std::vector<std::string> odd = {"null", "5", R"("x")", "[1]"};
        list += odd[Pick(odd.size())];
      } else {
        std::vector<std::pair<std::string, std::string>> item;
        for (size_t c = 0; c < columns.size(); ++c) {
          if (!columns[c].item) continue;
          GenValue v = Value(columns[c]);
          row[c] = v.cast;
          item.emplace_back(columns[c].path, v.json);
        }
        if (Chance(0.1)) item.emplace_back("Nested", R"({"Amount":"nope","EntryIdentifier":[1]})");
        list += Object(item);
      }
      line.rows.push_back(std::move(row));
    }
    fields.emplace_back("EntryList", list + "]");
  }
  line.text = Object(fields);
  return line;
}

ModelOutcome RunModel(const std::vector<const GeneratedLine*>& staged) {
  const auto& columns = ModelColumns();
  const int item_id = ModelColumnIndex("eventitemid");
  const int entry_id = ModelColumnIndex("entryidentifier");
  const int version = ModelColumnIndex("eventdatetime");
  const std::vector<int> keys = {item_id, entry_id};
  ModelOutcome out;
  for (size_t s = 0; s < staged.size(); ++s) {
    const int64_t seq = static_cast<int64_t>(s) + 1;
    for (size_t r = 0; r < staged[s]->rows.size(); ++r) {
      const ModelRow& row = staged[s]->rows[r];
      const auto error = [&](int c, std::optional<std::string> value) {
        out.errors.emplace(seq, static_cast<int64_t>(r), columns[static_cast<size_t>(c)].name, std::move(value));
      };
      bool key_failed = false, null_key = false;
      for (int k : keys) {
        if (row[k].kind == Kind::kError) {
          error(k, row[k].text);
          key_failed = true;
        }
        null_key |= row[k].kind == Kind::kNull;
      }
      if (key_failed) {
        ++out.rejected;
        continue;
      }
      if (null_key) {
        ++out.filtered;
        continue;
      }
      bool failed = false;
      for (int c = 0; c < static_cast<int>(columns.size()); ++c) {
        if (c == item_id || c == entry_id || row[c].kind != Kind::kError) continue;
        error(c, row[c].text);
        failed = true;
      }
      if (!failed && row[version].kind == Kind::kNull) {
        error(version, std::nullopt);
        failed = true;
      }
      if (failed) {
        ++out.rejected;
        continue;
      }
      ++out.candidates;
      const auto key = std::make_pair(row[item_id].text, row[entry_id].text);
      auto it = out.final_rows.find(key);
      if (it == out.final_rows.end()) out.final_rows.emplace(key, row);
      else if (row[version].text > it->second[version].text) it->second = row;
    }
  }
  return out;
}

}  // namespace sluice::testing
