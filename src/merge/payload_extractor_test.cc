#include "merge/payload_extractor.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "merge/row_caster.h"

namespace sluice {
namespace {

struct Col {
  const char* name;
  const char* path;
  const char* type = "string";
};

// An event built by hand: `flatten` empty for none; key and version default to the first column.
EventSpec Spec(std::vector<Col> cols, std::string flatten = "", std::vector<std::string> key = {},
               std::string version = "") {
  EventSpec e;
  e.name = "Test";
  e.table = "test";
  if (!flatten.empty()) {
    auto f = ParsePath(flatten);
    EXPECT_TRUE(f.ok()) << f.status().message();
    if (f.ok()) e.flatten = *f;
  }
  for (const Col& c : cols) {
    ColumnSpec spec;
    spec.name = c.name;
    auto p = ParsePath(c.path);
    EXPECT_TRUE(p.ok()) << c.path << ": " << p.status().message();
    if (p.ok()) spec.path = *p;
    auto t = ParseColumnType(c.type);
    EXPECT_TRUE(t.ok()) << t.status().message();
    if (t.ok()) spec.type = *t;
    e.columns.push_back(std::move(spec));
  }
  e.key = key.empty() ? std::vector<std::string>{cols.at(0).name} : key;
  e.version = version.empty() ? cols.at(0).name : version;
  return e;
}

// Holds one payload with the padding simdjson needs after it.
class Payload {
 public:
  explicit Payload(std::string_view json) : length_(json.size()) {
    buffer_ = std::string(json) + std::string(simdjson::SIMDJSON_PADDING, ' ');
  }
  Status ExtractInto(PayloadExtractor* x) const { return x->Extract(buffer_.data(), length_, buffer_.size()); }

 private:
  std::string buffer_;
  size_t length_;
};

// Extracts `json` with an extractor for `event` that the test keeps.
class Extraction {
 public:
  Extraction(const EventSpec& event, std::string_view json) : event_(event), x_(event_), payload_(json) {
    const Status st = payload_.ExtractInto(&x_);
    EXPECT_TRUE(st.ok()) << st.message();
  }
  const PayloadExtractor& x() const { return x_; }
  size_t rows() const { return x_.rows(); }
  // "<null>" for nullptr, else the scalar's text.
  std::string Text(size_t column, size_t row = 0) const {
    const JsonScalar* s = x_.Get(column, row);
    return s ? std::string(s->text) : "<null>";
  }
  const JsonScalar* Get(size_t column, size_t row = 0) const { return x_.Get(column, row); }

 private:
  EventSpec event_;
  PayloadExtractor x_;
  Payload payload_;
};

TEST(PayloadExtractor, ReadsNestedFields) {
  const Extraction e(Spec({{"zip", "Customer.Address.Zip"}, {"name", "Customer.Name"}, {"top", "Top"}}),
                     R"({"Top":"t","Customer":{"Name":"Ann","Address":{"City":"X","Zip":"12345"}}})");
  EXPECT_EQ(e.rows(), 1u);
  EXPECT_EQ(e.Text(0), "12345");
  EXPECT_EQ(e.Text(1), "Ann");
  EXPECT_EQ(e.Text(2), "t");
}

TEST(PayloadExtractor, ReadsArrayElementsByIndex) {
  const Extraction e(Spec({{"second", "Lines[1].Sku"}, {"first", "Lines[0].Sku"}, {"cell", "Grid[1][0]"},
                           {"beyond", "Lines[5].Sku"}}),
                     R"({"Lines":[{"Sku":"A"},{"Sku":"B"}],"Grid":[[1,2],[3,4]]})");
  EXPECT_EQ(e.Text(0), "B");
  EXPECT_EQ(e.Text(1), "A");
  EXPECT_EQ(e.Text(2), "3");
  EXPECT_EQ(e.Text(3), "<null>");
}

TEST(PayloadExtractor, ReadsQuotedKeys) {
  const Extraction e(Spec({{"zip", R"(Address."Zip Code")"}, {"dotted", R"("a.b".c)"}, {"plain_a", "a"}}),
                     R"({"a":"not this","a.b":{"c":"dotted"},"Address":{"Zip Code":"999"}})");
  EXPECT_EQ(e.Text(0), "999");
  EXPECT_EQ(e.Text(1), "dotted");
  EXPECT_EQ(e.Text(2), "not this");
}

TEST(PayloadExtractor, MatchesKeysAfterUnescapingThem) {
  const Extraction e(Spec({{"ab", "ab"}, {"quoted", R"("say \"hi\"")"}, {"slash", "x/y"}}),
                     R"({"a\u0062":"found","say \"hi\"":"q","x\/y":"s"})");
  EXPECT_EQ(e.Text(0), "found");
  EXPECT_EQ(e.Text(1), "q");
  EXPECT_EQ(e.Text(2), "s");
}

TEST(PayloadExtractor, StringsAreUnescapedWithTheirRawTextKept) {
  const Extraction e(Spec({{"s", "S"}}), R"({"S":"a\"b\u00e9\n"})");
  const JsonScalar* s = e.Get(0);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->kind, JsonScalar::Kind::kString);
  EXPECT_EQ(s->text, "a\"b\xC3\xA9\n");
  EXPECT_EQ(s->raw, R"("a\"b\u00e9\n")");
}

TEST(PayloadExtractor, NumbersKeepTheirTextAsWritten) {
  const Extraction e(Spec({{"a", "A"}, {"b", "B"}, {"c", "C"}, {"d", "D"}, {"e", "E"}}),
                     R"({"A":1.005,"B":1e2 , "C" : 12.50
                        ,"D":-0.0,"E":123456789012345678901234567890})");
  EXPECT_EQ(e.Text(0), "1.005");
  EXPECT_EQ(e.Text(1), "1e2");
  EXPECT_EQ(e.Text(2), "12.50");
  EXPECT_EQ(e.Text(3), "-0.0");
  EXPECT_EQ(e.Text(4), "123456789012345678901234567890");
  EXPECT_EQ(e.Get(0)->kind, JsonScalar::Kind::kNumber);
  EXPECT_EQ(e.Get(2)->raw, "12.50");
}

TEST(PayloadExtractor, BooleansObjectsAndArraysHaveTheirKinds) {
  const Extraction e(Spec({{"t", "T"}, {"f", "F"}, {"o", "O", "json"}, {"a", "A", "json"}}),
                     R"({"T":true,"F":false,"O":{ "x" : 1 },"A":[1, 2]})");
  EXPECT_EQ(e.Get(0)->kind, JsonScalar::Kind::kBoolean);
  EXPECT_EQ(e.Text(0), "true");
  EXPECT_EQ(e.Text(1), "false");
  EXPECT_EQ(e.Get(2)->kind, JsonScalar::Kind::kObject);
  EXPECT_EQ(e.Get(2)->raw, R"({ "x" : 1 })");
  EXPECT_EQ(e.Get(3)->kind, JsonScalar::Kind::kArray);
  EXPECT_EQ(e.Get(3)->raw, "[1, 2]");
}

TEST(PayloadExtractor, NullMissingAndWrongShapeAreNull) {
  const Extraction e(Spec({{"n", "N"}, {"missing", "Nope"}, {"into_string", "S.X"}, {"index_object", "O[0]"},
                           {"field_of_array", "A.X"}, {"into_null", "N.X"}}),
                     R"({"N":null,"S":"str","O":{"0":1},"A":[{"X":1}]})");
  for (size_t c = 0; c < 6; ++c) EXPECT_EQ(e.Get(c), nullptr) << "column " << c;
}

TEST(PayloadExtractor, ObjectColumnAndAColumnInsideItBothWork) {
  const Extraction e(Spec({{"customer", "Customer", "json"}, {"name", "Customer.Name"},
                           {"zip", "Customer.Address.Zip"}, {"address", "Customer.Address", "json"},
                           {"after", "After"}}),
                     R"({"Customer":{"Name":"A\u00efda","Address":{"Zip":"1\"2"}},"After":"x"})");
  EXPECT_EQ(e.Get(0)->raw, R"({"Name":"A\u00efda","Address":{"Zip":"1\"2"}})");
  EXPECT_EQ(e.Text(1), "A\xC3\xAF" "da");
  EXPECT_EQ(e.Text(2), "1\"2");
  EXPECT_EQ(e.Get(3)->raw, R"({"Zip":"1\"2"})");
  EXPECT_EQ(e.Text(4), "x");
}

TEST(PayloadExtractor, ColumnsAtThreeNestedLevelsOfOneObjectAllWork) {
  const Extraction e(Spec({{"a", "A", "json"}, {"b", "A.B", "json"}, {"c", "A.B.C"}, {"n", "A.B.N"}, {"d", "A.D"}}),
                     R"({"A":{"B":{"C":"c\u0021","N":1.50},"D":"d"}})");
  EXPECT_EQ(e.Get(0)->raw, R"({"B":{"C":"c\u0021","N":1.50},"D":"d"})");
  EXPECT_EQ(e.Get(1)->raw, R"({"C":"c\u0021","N":1.50})");
  EXPECT_EQ(e.Text(2), "c!");
  EXPECT_EQ(e.Text(3), "1.50");
  EXPECT_EQ(e.Text(4), "d");
}

TEST(PayloadExtractor, ArrayColumnAndAnIndexIntoItBothWork) {
  const Extraction e(Spec({{"tags", "Tags", "json"}, {"first", "Tags[0]"}, {"third", "Tags[2]"}}),
                     R"({"Tags":["a\tb","c","d"]})");
  EXPECT_EQ(e.Get(0)->raw, R"(["a\tb","c","d"])");
  EXPECT_EQ(e.Text(1), "a\tb");
  EXPECT_EQ(e.Text(2), "d");
}

TEST(PayloadExtractor, FlattenMakesOneRowPerElement) {
  const EventSpec spec = Spec({{"id", "Id"}, {"sku", "item.Sku"}, {"qty", "item.Qty"}}, "Lines");
  const Extraction three(spec, R"({"Id":"o1","Lines":[{"Sku":"A","Qty":1},{"Sku":"B"},{"Sku":"C","Qty":3}]})");
  ASSERT_EQ(three.rows(), 3u);
  EXPECT_EQ(three.Text(1, 0), "A");
  EXPECT_EQ(three.Text(1, 1), "B");
  EXPECT_EQ(three.Text(1, 2), "C");
  EXPECT_EQ(three.Text(2, 0), "1");
  EXPECT_EQ(three.Text(2, 1), "<null>");
  EXPECT_EQ(three.Text(2, 2), "3");
  for (size_t r = 0; r < 3; ++r) EXPECT_EQ(three.Text(0, r), "o1");

  const Extraction one(spec, R"({"Lines":[{"Sku":"only"}],"Id":"o2"})");
  ASSERT_EQ(one.rows(), 1u);
  EXPECT_EQ(one.Text(1, 0), "only");
  EXPECT_EQ(one.Text(0, 0), "o2");

  const Extraction zero(spec, R"({"Id":"o3","Lines":[]})");
  EXPECT_EQ(zero.rows(), 0u);
}

TEST(PayloadExtractor, FlattenPathMissingNullOrNotAnArrayMakesNoRows) {
  const EventSpec spec = Spec({{"id", "Id"}, {"sku", "item.Sku"}}, "Lines");
  for (const char* json : {R"({"Id":"x"})", R"({"Id":"x","Lines":null})", R"({"Id":"x","Lines":{"Sku":"A"}})",
                           R"({"Id":"x","Lines":"A"})", R"({"Id":"x","Lines":7})"}) {
    const Extraction e(spec, json);
    EXPECT_EQ(e.rows(), 0u) << json;
  }
}

TEST(PayloadExtractor, FlattenOfANestedArray) {
  const Extraction e(Spec({{"id", "Order.Id"}, {"sku", "item.Sku"}, {"count", "Order.Count"}}, "Order.Lines"),
                     R"({"Order":{"Id":"o","Lines":[{"Sku":"A"},{"Sku":"B"}],"Count":2}})");
  ASSERT_EQ(e.rows(), 2u);
  EXPECT_EQ(e.Text(1, 1), "B");
  EXPECT_EQ(e.Text(0, 1), "o");
  EXPECT_EQ(e.Text(2, 0), "2");
}

TEST(PayloadExtractor, ItemAloneReadsAnArrayOfScalars) {
  const Extraction e(Spec({{"id", "Id"}, {"tag", "item"}}, "Tags"), R"({"Id":1,"Tags":["a",2,true,null,"e\u0301"]})");
  ASSERT_EQ(e.rows(), 5u);
  EXPECT_EQ(e.Text(1, 0), "a");
  EXPECT_EQ(e.Text(1, 1), "2");
  EXPECT_EQ(e.Get(1, 1)->kind, JsonScalar::Kind::kNumber);
  EXPECT_EQ(e.Text(1, 2), "true");
  EXPECT_EQ(e.Get(1, 3), nullptr);
  EXPECT_EQ(e.Text(1, 4), "e\xCC\x81");
}

TEST(PayloadExtractor, ItemAsJsonAndFieldsInsideTheSameElementBothWork) {
  const Extraction e(Spec({{"id", "Id"}, {"whole", "item", "json"}, {"name", "item.Name"}, {"deep", "item.A.B"}},
                          "Lines"),
                     R"({"Id":1,"Lines":[{"Name":"n\u00e90","A":{"B":"b0"}},{"Name":"n1","A":{"B":"b1"}},
                                         {"Name":"n2"}]})");
  ASSERT_EQ(e.rows(), 3u);
  EXPECT_EQ(e.Get(1, 0)->raw, R"({"Name":"n\u00e90","A":{"B":"b0"}})");
  EXPECT_EQ(e.Text(2, 0), "n\xC3\xA9" "0");
  EXPECT_EQ(e.Text(2, 1), "n1");
  EXPECT_EQ(e.Text(2, 2), "n2");
  EXPECT_EQ(e.Text(3, 0), "b0");
  EXPECT_EQ(e.Text(3, 1), "b1");
  EXPECT_EQ(e.Get(3, 2), nullptr);
}

TEST(PayloadExtractor, DuplicateKeysLastOneWins) {
  const Extraction e(Spec({{"a", "A"}, {"b", "B.X"}}), R"({"A":"first","B":{"X":1},"A":"last","B":{"X":2}})");
  EXPECT_EQ(e.Text(0), "last");
  EXPECT_EQ(e.Text(1), "2");
}

TEST(PayloadExtractor, DuplicateKeyLastOneWinsEvenWhenItLacksTheField) {
  // The last "B" has no X: the column reads NULL, not the first B's value.
  const Extraction e(Spec({{"id", "Id"}, {"x", "B.X"}}), R"({"Id":1,"B":{"X":"stale"},"B":{"Y":2}})");
  EXPECT_EQ(e.Get(1), nullptr) << "got " << e.Text(1);
}

TEST(PayloadExtractor, DuplicateFlattenedArrayLastOneWins) {
  const Extraction e(Spec({{"id", "Id"}, {"sku", "item.Sku"}}, "Lines"),
                     R"({"Id":1,"Lines":[{"Sku":"old"}],"Lines":[{"Sku":"A"},{"Sku":"B"}]})");
  ASSERT_EQ(e.rows(), 2u);
  EXPECT_EQ(e.Text(1, 0), "A");
  EXPECT_EQ(e.Text(1, 1), "B");
}

TEST(PayloadExtractor, PayloadThatIsNotAnObjectIsCorruption) {
  const EventSpec spec = Spec({{"id", "Id"}});
  PayloadExtractor x(spec);
  for (const char* json : {"[1,2]", "\"text\"", "42", "true", "null", "{\"Id\":", "{\"Id\":1", "nope"}) {
    const Status st = Payload(json).ExtractInto(&x);
    EXPECT_FALSE(st.ok()) << json;
    EXPECT_EQ(st.code(), StatusCode::kCorruption) << json << ": " << st.message();
  }
}

TEST(PayloadExtractor, EachExtractStartsFromNothing) {
  const EventSpec spec = Spec({{"a", "A"}, {"sku", "item.Sku"}}, "L");
  PayloadExtractor x(spec);
  const Payload first(R"({"A":"one","L":[{"Sku":"s1"},{"Sku":"s2"}]})");
  const Payload second(R"({"L":[{"Other":1}]})");
  ASSERT_TRUE(first.ExtractInto(&x).ok());
  EXPECT_EQ(x.rows(), 2u);
  ASSERT_TRUE(second.ExtractInto(&x).ok());
  ASSERT_EQ(x.rows(), 1u);
  EXPECT_EQ(x.Get(0, 0), nullptr);
  EXPECT_EQ(x.Get(1, 0), nullptr);
}

// ---- RowCaster ----

struct Cast {
  RowFate fate;
  std::vector<Value> values;
  std::string arena;
  std::vector<MergeError> errors;
};

Cast CastRow(const EventSpec& spec, std::string_view json, size_t row = 0, int64_t seq = 7) {
  PayloadExtractor x(spec);
  const Payload p(json);
  const Status st = p.ExtractInto(&x);
  EXPECT_TRUE(st.ok()) << st.message();
  Cast c;
  c.values.resize(spec.columns.size());
  RowCaster caster(spec);
  c.fate = caster.Cast(x, row, seq, &c.values, &c.arena, &c.errors);
  return c;
}

EventSpec Orders() {
  return Spec({{"id", "Id", "int"}, {"ts", "Ts", "timestamp"}, {"amount", "Amount", "number(9,2)"},
               {"note", "Note", "varchar(5)"}},
              "", {"id"}, "ts");
}

TEST(RowCaster, GoodRowIsMergedWithTypedValues) {
  const Cast c = CastRow(Orders(), R"({"Id":3,"Ts":"2024-03-01T01:30:00+02:00","Amount":1.005,"Note":"hi"})");
  ASSERT_EQ(c.fate, RowFate::kMerge);
  EXPECT_TRUE(c.errors.empty());
  EXPECT_EQ(c.values[0].int_value, 3);
  EXPECT_EQ(c.values[1].text(c.arena), "2024-02-29 23:30:00.000000");
  EXPECT_DOUBLE_EQ(c.values[2].real_value, 1.01);
  EXPECT_EQ(c.values[3].text(c.arena), "hi");
}

TEST(RowCaster, MissingOptionalColumnIsNull) {
  const Cast c = CastRow(Orders(), R"({"Id":3,"Ts":"2024-01-01","Note":null})");
  ASSERT_EQ(c.fate, RowFate::kMerge);
  EXPECT_TRUE(c.values[2].is_null());
  EXPECT_TRUE(c.values[3].is_null());
}

TEST(RowCaster, NullKeyIsFilteredWithoutErrors) {
  EXPECT_EQ(CastRow(Orders(), R"({"Ts":"2024-01-01"})").fate, RowFate::kFiltered);
  const Cast c = CastRow(Orders(), R"({"Id":null,"Ts":"2024-01-01","Amount":"bad"})");
  EXPECT_EQ(c.fate, RowFate::kFiltered);
  EXPECT_TRUE(c.errors.empty());
}

TEST(RowCaster, PartlyNullCompositeKeyIsFiltered) {
  const EventSpec spec = Spec({{"a", "A"}, {"b", "B"}, {"ts", "Ts", "timestamp"}}, "", {"a", "b"}, "ts");
  EXPECT_EQ(CastRow(spec, R"({"A":"x","Ts":"2024-01-01"})").fate, RowFate::kFiltered);
}

TEST(RowCaster, BadKeyIsRejected) {
  const Cast c = CastRow(Orders(), R"({"Id":1.5,"Ts":"2024-01-01"})");
  EXPECT_EQ(c.fate, RowFate::kRejected);
  ASSERT_EQ(c.errors.size(), 1u);
  EXPECT_EQ(c.errors[0].column, "id");
  EXPECT_EQ(c.errors[0].value, "1.5");
}

TEST(RowCaster, BadValuesAreRejectedWithOneErrorPerFailingColumn) {
  const Cast c = CastRow(Orders(), R"({"Id":3,"Ts":"2024-02-30","Amount":12345678,"Note":"toolong"})", 0, 42);
  EXPECT_EQ(c.fate, RowFate::kRejected);
  ASSERT_EQ(c.errors.size(), 3u);
  std::vector<std::string> columns;
  for (const auto& e : c.errors) {
    columns.push_back(e.column);
    EXPECT_EQ(e.seq, 42);
    EXPECT_FALSE(e.item_index.has_value()) << "no flatten, so no element index";
    EXPECT_FALSE(e.error.empty());
  }
  std::sort(columns.begin(), columns.end());
  EXPECT_EQ(columns, (std::vector<std::string>{"amount", "note", "ts"}));
  for (const auto& e : c.errors) {
    if (e.column == "amount") {
      EXPECT_EQ(e.value, "12345678");
      EXPECT_NE(e.error.find("number(9,2)"), std::string::npos) << e.error;
    }
    if (e.column == "note") {
      EXPECT_EQ(e.value, "toolong");  // unescaped text, not the quoted raw
    }
    if (e.column == "ts") {
      EXPECT_EQ(e.value, "2024-02-30");
    }
  }
}

TEST(RowCaster, ObjectInATextColumnIsRejectedWithItsJson) {
  const Cast c = CastRow(Orders(), R"({"Id":3,"Ts":"2024-01-01","Note":{"a":1}})");
  EXPECT_EQ(c.fate, RowFate::kRejected);
  ASSERT_EQ(c.errors.size(), 1u);
  EXPECT_EQ(c.errors[0].value, R"({"a":1})");
  EXPECT_NE(c.errors[0].error.find("json"), std::string::npos);
}

TEST(RowCaster, NullVersionIsRejected) {
  const Cast c = CastRow(Orders(), R"({"Id":3,"Amount":1})", 0, 9);
  EXPECT_EQ(c.fate, RowFate::kRejected);
  ASSERT_EQ(c.errors.size(), 1u);
  EXPECT_EQ(c.errors[0].column, "ts");
  EXPECT_EQ(c.errors[0].seq, 9);
  EXPECT_FALSE(c.errors[0].error.empty());
}

TEST(RowCaster, FlattenedRowErrorsCarryTheElementIndex) {
  const EventSpec spec = Spec({{"id", "Id", "int"}, {"line", "item.N", "int"}, {"amt", "item.Amt", "number(5,2)"},
                               {"ts", "Ts", "timestamp"}},
                              "Lines", {"id", "line"}, "ts");
  const std::string json = R"({"Id":1,"Ts":"2024-01-01","Lines":[{"N":0,"Amt":1},{"N":1,"Amt":"x"},{"Amt":2}]})";
  EXPECT_EQ(CastRow(spec, json, 0).fate, RowFate::kMerge);
  const Cast bad = CastRow(spec, json, 1);
  EXPECT_EQ(bad.fate, RowFate::kRejected);
  ASSERT_EQ(bad.errors.size(), 1u);
  EXPECT_EQ(bad.errors[0].column, "amt");
  EXPECT_EQ(bad.errors[0].value, "x");
  ASSERT_TRUE(bad.errors[0].item_index.has_value());
  EXPECT_EQ(*bad.errors[0].item_index, 1);
  EXPECT_EQ(CastRow(spec, json, 2).fate, RowFate::kFiltered);  // element without N: key incomplete
}

}  // namespace
}  // namespace sluice
