// The merge's binary COPY against a real server: every encoding reads back as
// the value PostgreSQL makes of the same text, so the binary path stores what
// the text path stored. Runs against the `pg` fixture's cluster (ctest -L pg).
#include <gtest/gtest.h>

#include <limits>

#include "base/text.h"
#include "warehouse/postgres/pg_parts_test_util.h"
#include "warehouse/postgres/pg_binary_copy.h"
#include "postgres/pg_conn.h"

namespace sluice {
namespace {

void Copy(PgConnection* conn, const std::string& sql, const std::string& data) {
  Status st = conn->BeginCopy(sql);
  ASSERT_TRUE(st.ok()) << st.message();
  st = conn->PutCopy(data);
  Status ended = conn->EndCopy();
  EXPECT_TRUE(st.ok()) << st.message();
  EXPECT_TRUE(ended.ok()) << ended.message();
}

// Sends `values` (of a column of `type`) by binary COPY into a temporary
// table whose column is `sql_type`, and returns what it stored, as text.
std::vector<std::string> ThroughBinaryCopy(PgConnection* conn, const std::string& sql_type, const ColumnType& type,
                                           const std::vector<Value>& values, const std::string& arena) {
  EXPECT_TRUE(conn->Exec("DROP TABLE IF EXISTS rt; CREATE TEMPORARY TABLE rt (i bigint, v " + sql_type + ")").ok());
  std::string data;
  AppendBinaryCopyHeader(&data);
  for (size_t i = 0; i < values.size(); ++i) {
    AppendBinaryRowStart(2, &data);
    EXPECT_TRUE(AppendBinaryField(Value::Int(static_cast<int64_t>(i)), ColumnType{TypeKind::kInt}, arena, &data));
    EXPECT_TRUE(AppendBinaryField(values[i], type, arena, &data)) << "value " << i;
  }
  AppendBinaryCopyTrailer(&data);
  Copy(conn, "COPY rt (i, v) FROM STDIN (FORMAT binary)", data);
  std::vector<std::string> out;
  auto r = conn->Query("SELECT coalesce(v::text, '<null>') FROM rt ORDER BY i");
  EXPECT_TRUE(r.ok()) << r.status().message();
  if (r.ok())
    for (int i = 0; i < r->rows(); ++i) out.emplace_back(r->Get(i, 0));
  return out;
}

// What the server makes of each text as `sql_type` (what COPY's text format
// stored), as text; "<null>" for NULL.
std::vector<std::string> ThroughText(PgConnection* conn, const std::string& sql_type,
                                     const std::vector<std::string>& texts) {
  std::vector<std::string> out;
  for (const auto& t : texts)
    out.push_back(t == "<null>" ? t : QueryOne(conn, "SELECT " + SqlLiteral(t) + "::" + sql_type + "::text"));
  return out;
}

// Values of text kind for `texts` ("<null>" is NULL), their text in `arena`.
std::vector<Value> TextValues(const std::vector<std::string>& texts, std::string* arena) {
  std::vector<Value> values;
  for (const auto& t : texts) values.push_back(t == "<null>" ? Value::Null() : Value::Text(t, arena));
  return values;
}

TEST(PgBinaryCopy, TextVarcharAndJsonbStoreTheSameAsTheirText) {
  auto conn = ConnectToTestCluster();
  std::string arena;
  const std::vector<std::string> texts = {"", "plain", "héllo ✓ 日本", "tab\tnewline\nback\\slash 'quote'", "<null>"};
  EXPECT_EQ(ThroughBinaryCopy(conn.get(), "text", ColumnType{TypeKind::kString}, TextValues(texts, &arena), arena),
            ThroughText(conn.get(), "text", texts));
  EXPECT_EQ(ThroughBinaryCopy(conn.get(), "varchar(64)", ColumnType{TypeKind::kVarchar, 64},
                              TextValues(texts, &arena), arena),
            ThroughText(conn.get(), "varchar(64)", texts));
  const std::vector<std::string> json = {R"({"a":[1,2.50,"x\ty"],"b":null,"c":{"d":true}})", "[]", "\"s\"", "1e3",
                                         "<null>"};
  EXPECT_EQ(ThroughBinaryCopy(conn.get(), "jsonb", ColumnType{TypeKind::kJson}, TextValues(json, &arena), arena),
            ThroughText(conn.get(), "jsonb", json));
}

TEST(PgBinaryCopy, TimestampsAndDatesStoreTheSameAsTheirText) {
  auto conn = ConnectToTestCluster();
  std::string arena;
  const std::vector<std::string> timestamps = {
      "2026-11-24 18:49:33.123456", "2000-01-01 00:00:00.000000", "1999-12-31 23:59:59.999999",
      "1969-12-31 23:59:59.000001", "0001-01-01 00:00:00.000000", "9999-12-31 23:59:59.999999",
      "2024-02-29 12:00:00.500000", "<null>"};
  EXPECT_EQ(ThroughBinaryCopy(conn.get(), "timestamp", ColumnType{TypeKind::kTimestamp},
                              TextValues(timestamps, &arena), arena),
            ThroughText(conn.get(), "timestamp", timestamps));
  const std::vector<std::string> dates = {"2000-01-01", "1999-12-31", "0001-01-01", "9999-12-31", "2024-02-29",
                                          "1970-01-01", "<null>"};
  EXPECT_EQ(ThroughBinaryCopy(conn.get(), "date", ColumnType{TypeKind::kDate}, TextValues(dates, &arena), arena),
            ThroughText(conn.get(), "date", dates));
}

TEST(PgBinaryCopy, DecimalsFromDoublesAndIntegersStoreWhatTheirShortestTextStores) {
  auto conn = ConnectToTestCluster();
  const std::string arena;
  // The text path sent fmt's shortest round-trip text of the double.
  const std::vector<double> doubles = {12.5,    -12.5, 0.0,     0.01,   -0.01,  0.005, -0.005, 1234567.89,
                                       0.1 + 0.2, 100.0, 1e-05, 9999.99, 1e+20, 123456789012.25, -7.0,
                                       // more places than the scale: half away from zero on the shortest text
                                       0.285, -0.285, 0.125, 1.0 / 3, 1234567.885, 99999.995, 0.0049999};
  std::vector<Value> values;
  std::vector<std::string> texts;
  for (double d : doubles) {
    values.push_back(Value::Real(d));
    texts.push_back(fmt::format("{}", d));
  }
  values.push_back(Value::Int(-42));
  texts.push_back("-42");
  values.push_back(Value::Null());
  texts.push_back("<null>");
  for (const auto& [sql_type, type] : std::vector<std::pair<std::string, ColumnType>>{
           {"numeric(9,2)", ColumnType{TypeKind::kDecimal, 0, 9, 2}},
           {"numeric(38,0)", ColumnType{TypeKind::kDecimal, 0, 38, 0}},
           {"numeric(15,4)", ColumnType{TypeKind::kDecimal, 0, 15, 4}},
           {"numeric(38,10)", ColumnType{TypeKind::kDecimal, 0, 38, 10}},
           {"numeric", ColumnType{TypeKind::kDecimal, 0, 0, 0}}}) {
    std::vector<Value> fitting;
    std::vector<std::string> fitting_texts;
    for (size_t i = 0; i < values.size(); ++i) {
      const double limit = sql_type == "numeric(9,2)" ? 1e7 : sql_type == "numeric(15,4)" ? 1e11 : 1e300;
      if (std::abs(values[i].real_value) >= limit) continue;  // would not fit
      fitting.push_back(values[i]);
      fitting_texts.push_back(texts[i]);
    }
    EXPECT_EQ(ThroughBinaryCopy(conn.get(), sql_type, type, fitting, arena),
              ThroughText(conn.get(), sql_type, fitting_texts))
        << sql_type;
  }
}

TEST(PgBinaryCopy, NumericTextWithExponentsAndZerosIsExact) {
  auto conn = ConnectToTestCluster();
  const std::vector<std::string> texts = {"0",      "-0",        "0.000",   "10000",  "9999.9999", "0.0001",
                                          "1.5e-3", "-2.5E+3",   "1e0",     "00012.3400", "+7",     "123456789.000001",
                                          "1e-20",  "3.14159265358979", "100000000"};
  for (const auto& t : texts) {
    std::string field;
    ASSERT_TRUE(AppendBinaryNumeric(t, &field)) << t;
    std::string data;
    AppendBinaryCopyHeader(&data);
    AppendBinaryRowStart(1, &data);
    data += field;
    AppendBinaryCopyTrailer(&data);
    ASSERT_TRUE(conn->Exec("DROP TABLE IF EXISTS n; CREATE TEMPORARY TABLE n (v numeric)").ok());
    Copy(conn.get(), "COPY n (v) FROM STDIN (FORMAT binary)", data);
    EXPECT_EQ(QueryOne(conn.get(), "SELECT v::text FROM n"), QueryOne(conn.get(), "SELECT " + SqlLiteral(t) + "::numeric::text"))
        << t;
  }
  std::string ignored;
  for (const char* bad : {"", "-", "1e", "abc", "1.2.3", "1e5x", "NaN"})
    EXPECT_FALSE(AppendBinaryNumeric(bad, &ignored)) << bad;
}

TEST(PgBinaryCopy, IntegersBooleansAndDoublesStoreTheirValues) {
  auto conn = ConnectToTestCluster();
  const std::string arena;
  EXPECT_EQ(ThroughBinaryCopy(conn.get(), "bigint", ColumnType{TypeKind::kInt},
                              {Value::Int(0), Value::Int(-1), Value::Int(std::numeric_limits<int64_t>::min()),
                               Value::Int(std::numeric_limits<int64_t>::max()), Value::Null()},
                              arena),
            (std::vector<std::string>{"0", "-1", "-9223372036854775808", "9223372036854775807", "<null>"}));
  EXPECT_EQ(ThroughBinaryCopy(conn.get(), "boolean", ColumnType{TypeKind::kBoolean},
                              {Value::Int(1), Value::Int(0), Value::Null()}, arena),
            (std::vector<std::string>{"true", "false", "<null>"}));
  const std::vector<double> doubles = {0.1, -1e300, 5e-324, 12.5, 0.0, 1.0 / 3};
  std::vector<Value> values;
  std::vector<std::string> texts;
  for (double d : doubles) {
    values.push_back(Value::Real(d));
    texts.push_back(fmt::format("{}", d));
  }
  EXPECT_EQ(ThroughBinaryCopy(conn.get(), "double precision", ColumnType{TypeKind::kDouble}, values, arena),
            ThroughText(conn.get(), "double precision", texts));
}

TEST(PgBinaryCopy, ArraysOfEachTypeUnnestToTheirValuesWithNullsInPlace) {
  auto conn = ConnectToTestCluster();
  std::string arena;
  const std::vector<std::pair<ColumnType, std::vector<Value>>> cases = {
      {ColumnType{TypeKind::kVarchar, 64}, {Value::Text("a", &arena), Value::Null(), Value::Text("héllo", &arena)}},
      {ColumnType{TypeKind::kString}, {Value::Text("", &arena)}},
      {ColumnType{TypeKind::kInt}, {Value::Int(-5), Value::Null()}},
      {ColumnType{TypeKind::kDecimal, 0, 9, 2}, {Value::Real(12.5), Value::Real(0.285)}},
      {ColumnType{TypeKind::kDouble}, {Value::Real(0.1)}},
      {ColumnType{TypeKind::kBoolean}, {Value::Int(1), Value::Int(0)}},
      {ColumnType{TypeKind::kDate}, {Value::Text("2026-02-28", &arena)}},
      {ColumnType{TypeKind::kTimestamp}, {Value::Text("2026-11-24 18:49:33.123456", &arena), Value::Null()}},
      {ColumnType{TypeKind::kJson}, {Value::Text(R"({"a":[1,"x"]})", &arena)}},
  };
  for (const auto& [type, values] : cases) {
    std::string array;
    StartBinaryArray(&array);
    bool has_null = false;
    for (const auto& v : values) {
      has_null = has_null || v.is_null();
      ASSERT_TRUE(AppendBinaryField(v, type, arena, &array));
    }
    FinishBinaryArray(type, static_cast<int>(values.size()), has_null, &array);
    auto r = conn->QueryBinary("SELECT coalesce(x::text, '<null>') FROM unnest($1::" + BinaryArrayTypeName(type) +
                                   ") WITH ORDINALITY u(x, i) ORDER BY i",
                               {array});
    ASSERT_TRUE(r.ok()) << type.ToString() << ": " << r.status().message();
    std::vector<std::string> got;
    for (int i = 0; i < r->rows(); ++i) got.emplace_back(r->Get(i, 0));
    // What the same values store through a binary COPY into a column of the array's element type.
    const std::string element = BinaryArrayTypeName(type).substr(0, BinaryArrayTypeName(type).size() - 2);
    EXPECT_EQ(got, ThroughBinaryCopy(conn.get(), element, type, values, arena)) << type.ToString();
  }
}

TEST(PgBinaryCopy, AValueOfAnotherKindIsRefusedAndAppendsNothing) {
  std::string arena, out;
  const Value text = Value::Text("2026-01-01", &arena);
  EXPECT_FALSE(AppendBinaryField(text, ColumnType{TypeKind::kInt}, arena, &out));
  EXPECT_FALSE(AppendBinaryField(Value::Int(3), ColumnType{TypeKind::kTimestamp}, arena, &out));
  EXPECT_FALSE(AppendBinaryField(text, ColumnType{TypeKind::kTimestamp}, arena, &out));  // a date is not a timestamp
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace sluice
