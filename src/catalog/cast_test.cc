#include "catalog/cast.h"

#include <gtest/gtest.h>

#include <cmath>

namespace sluice {
namespace {

// JsonScalars as the extractor would hand them over.
JsonScalar Num(std::string_view text) { return {JsonScalar::Kind::kNumber, text, text}; }
JsonScalar Bool(bool b) {
  const std::string_view t = b ? "true" : "false";
  return {JsonScalar::Kind::kBoolean, t, t};
}
JsonScalar Obj(std::string_view raw) { return {JsonScalar::Kind::kObject, raw, raw}; }
JsonScalar Arr(std::string_view raw) { return {JsonScalar::Kind::kArray, raw, raw}; }
// A string scalar: `text` unescaped, raw quoted (only for texts without escapes).
struct Str {
  explicit Str(std::string_view t) : text(t), raw("\"" + text + "\"") {}
  operator JsonScalar() const { return {JsonScalar::Kind::kString, text, raw}; }  // NOLINT
  std::string text, raw;
};

ColumnType Type(std::string_view text) {
  auto t = ParseColumnType(text);
  EXPECT_TRUE(t.ok()) << t.status().message();
  return t.ok() ? *t : ColumnType{};
}

struct Cast {
  bool ok = false;
  Value value;
  std::string arena;
  std::string error;
  std::string text() const { return std::string(value.text(arena)); }
};

Cast Run(const JsonScalar& in, std::string_view type) {
  Cast c;
  c.arena = "prefix";  // values must point at their own bytes, not at offset 0
  c.ok = CastValue(in, Type(type), &c.value, &c.arena, &c.error);
  return c;
}

// Casts that must succeed, with the result as text / int / real.
std::string TextOf(const JsonScalar& in, std::string_view type) {
  Cast c = Run(in, type);
  EXPECT_TRUE(c.ok) << type << " of '" << in.raw << "': " << c.error;
  EXPECT_EQ(c.value.kind, Value::Kind::kText);
  return c.ok ? c.text() : "<error: " + c.error + ">";
}
int64_t IntOf(const JsonScalar& in, std::string_view type) {
  Cast c = Run(in, type);
  EXPECT_TRUE(c.ok) << type << " of '" << in.raw << "': " << c.error;
  EXPECT_EQ(c.value.kind, Value::Kind::kInt);
  return c.value.int_value;
}
double RealOf(const JsonScalar& in, std::string_view type) {
  Cast c = Run(in, type);
  EXPECT_TRUE(c.ok) << type << " of '" << in.raw << "': " << c.error;
  EXPECT_EQ(c.value.kind, Value::Kind::kReal);
  return c.value.real_value;
}
// A cast that must fail; returns its reason.
std::string ErrorOf(const JsonScalar& in, std::string_view type) {
  Cast c = Run(in, type);
  EXPECT_FALSE(c.ok) << type << " of '" << in.raw << "' gave a value";
  EXPECT_FALSE(c.error.empty());
  return c.error;
}

std::string Rounded(std::string_view text, int p, int s) {
  std::string out, error;
  EXPECT_TRUE(RoundDecimal(text, p, s, &out, &error)) << text << ": " << error;
  return out;
}
std::string RoundError(std::string_view text, int p, int s) {
  std::string out, error;
  EXPECT_FALSE(RoundDecimal(text, p, s, &out, &error)) << text << " gave " << out;
  return error;
}

std::string Ts(std::string_view text) { return TextOf(Str(text), "timestamp"); }

// ---- number(p,s) ----

TEST(Cast, DecimalRoundsHalfAwayFromZero) {
  EXPECT_EQ(Rounded("1.005", 9, 2), "1.01");
  EXPECT_EQ(Rounded("-1.005", 9, 2), "-1.01");
  EXPECT_EQ(Rounded("2.5", 9, 0), "3");
  EXPECT_EQ(Rounded("-2.5", 9, 0), "-3");
  EXPECT_EQ(Rounded("0.125", 9, 2), "0.13");
  EXPECT_EQ(Rounded("1.004999", 9, 2), "1.00");
  EXPECT_EQ(Rounded("0.005", 9, 2), "0.01");
  EXPECT_EQ(Rounded("0.0049", 9, 2), "0.00");
}

TEST(Cast, DecimalRoundingUsesTheTextNotBinaryFloatingPoint) {
  // 1.005 and 0.125 are not exact in binary; 2.675 is 2.67499999… as a double.
  EXPECT_EQ(Rounded("2.675", 9, 2), "2.68");
  EXPECT_DOUBLE_EQ(RealOf(Num("1.005"), "number(9,2)"), 1.01);
  EXPECT_DOUBLE_EQ(RealOf(Num("2.675"), "number(9,2)"), 2.68);
}

TEST(Cast, DecimalWritesCanonicalTextPaddedToTheScale) {
  EXPECT_EQ(Rounded("-12.5", 9, 2), "-12.50");
  EXPECT_EQ(Rounded("12", 9, 2), "12.00");
  EXPECT_EQ(Rounded("007.1", 9, 2), "7.10");
  EXPECT_EQ(Rounded("0", 9, 2), "0.00");
  EXPECT_EQ(Rounded(".5", 9, 2), "0.50");
  EXPECT_EQ(Rounded("+3.14159", 9, 4), "3.1416");
  EXPECT_EQ(Rounded("42", 9, 0), "42");
}

TEST(Cast, DecimalAcceptsExponents) {
  EXPECT_EQ(Rounded("1.5e2", 9, 2), "150.00");
  EXPECT_EQ(Rounded("1.5E+2", 9, 0), "150");
  EXPECT_EQ(Rounded("125e-3", 9, 2), "0.13");
  EXPECT_EQ(Rounded("-5e-1", 9, 0), "-1");
  EXPECT_EQ(Rounded("1e-300", 9, 2), "0.00");
  EXPECT_DOUBLE_EQ(RealOf(Num("1.5e2"), "number(9,2)"), 150.0);
}

TEST(Cast, DecimalNeverGivesNegativeZero) {
  EXPECT_EQ(Rounded("-0.001", 9, 2), "0.00");
  EXPECT_EQ(Rounded("-0", 9, 0), "0");
  EXPECT_EQ(Rounded("-0.4", 9, 0), "0");
  const double v = RealOf(Num("-0.001"), "number(9,2)");
  EXPECT_EQ(v, 0.0);
  EXPECT_FALSE(std::signbit(v));
}

TEST(Cast, DecimalWithTooManyIntegerDigitsIsAnError) {
  // number(9,2) holds 7 digits before the point.
  EXPECT_EQ(Rounded("9999999.99", 9, 2), "9999999.99");
  EXPECT_EQ(Rounded("-9999999.99", 9, 2), "-9999999.99");
  const std::string msg = RoundError("12345678", 9, 2);
  EXPECT_NE(msg.find("does not fit number(9,2)"), std::string::npos) << msg;
  RoundError("-12345678.1", 9, 2);
  RoundError("1e7", 9, 2);
  RoundError("1e100000", 9, 2);
  EXPECT_NE(ErrorOf(Num("12345678"), "number(9,2)").find("does not fit number(9,2)"), std::string::npos);
}

TEST(Cast, DecimalRoundingThatCarriesIntoTooManyDigitsIsAnError) {
  const std::string msg = RoundError("9999999.995", 9, 2);
  EXPECT_NE(msg.find("does not fit number(9,2)"), std::string::npos) << msg;
  RoundError("-9999999.995", 9, 2);
  RoundError("9.5", 1, 0);
  EXPECT_EQ(Rounded("9999999.994", 9, 2), "9999999.99");
}

TEST(Cast, DecimalScaleEqualToPrecisionHoldsOnlyFractions) {
  EXPECT_EQ(Rounded("0.12345", 5, 5), "0.12345");
  RoundError("1", 5, 5);
  RoundError("0.999995", 5, 5);  // rounds up to 1.00000
}

TEST(Cast, DecimalHandlesThirtyEightDigits) {
  const std::string big(38, '9');
  EXPECT_EQ(Rounded(big, 38, 0), big);
  RoundError(big + "9", 38, 0);
  RoundError(big + ".5", 38, 0);
}

TEST(Cast, DecimalAcceptsNumericStrings) {
  EXPECT_DOUBLE_EQ(RealOf(Str("12.50"), "number(9,2)"), 12.5);
  EXPECT_DOUBLE_EQ(RealOf(Str("-1.005"), "number(9,2)"), -1.01);
}

TEST(Cast, DecimalRejectsWhatIsNotANumber) {
  for (const char* bad : {"", "abc", "1.2.3", "1e", "--1", "1,5", " 1", "1 ", "0x10", "NaN", "Infinity"})
    EXPECT_FALSE(ErrorOf(Str(bad), "number(9,2)").empty()) << bad;
  ErrorOf(Bool(true), "number(9,2)");
  ErrorOf(Obj("{\"a\":1}"), "number(9,2)");
  ErrorOf(Arr("[1]"), "number(9,2)");
}

// ---- int ----

TEST(Cast, IntAcceptsIntegersAndIntegralValues) {
  EXPECT_EQ(IntOf(Num("42"), "int"), 42);
  EXPECT_EQ(IntOf(Num("-7"), "int"), -7);
  EXPECT_EQ(IntOf(Num("0"), "int"), 0);
  EXPECT_EQ(IntOf(Num("-0"), "int"), 0);
  EXPECT_EQ(IntOf(Num("12.0"), "int"), 12);
  EXPECT_EQ(IntOf(Num("1e3"), "int"), 1000);
  EXPECT_EQ(IntOf(Num("1.5e1"), "int"), 15);
  EXPECT_EQ(IntOf(Num("1500e-2"), "int"), 15);
  EXPECT_EQ(IntOf(Num("0.0"), "int"), 0);
}

TEST(Cast, IntCoversTheWholeInt64Range) {
  EXPECT_EQ(IntOf(Num("9223372036854775807"), "int"), INT64_MAX);
  EXPECT_EQ(IntOf(Num("-9223372036854775808"), "int"), INT64_MIN);
}

TEST(Cast, IntBeyondInt64IsAnError) {
  EXPECT_FALSE(ErrorOf(Num("9223372036854775808"), "int").empty());
  ErrorOf(Num("-9223372036854775809"), "int");
  ErrorOf(Num("1e19"), "int");
  ErrorOf(Num("1e400"), "int");
  ErrorOf(Num("123456789012345678901234567890"), "int");
}

TEST(Cast, IntFractionIsAnErrorNotTruncation) {
  EXPECT_NE(ErrorOf(Num("1.5"), "int").find("not an integer"), std::string::npos);
  EXPECT_NE(ErrorOf(Num("0.1"), "int").find("not an integer"), std::string::npos);
  EXPECT_NE(ErrorOf(Num("-2.000001"), "int").find("not an integer"), std::string::npos);
  EXPECT_NE(ErrorOf(Num("1e-1"), "int").find("not an integer"), std::string::npos);
}

TEST(Cast, IntAcceptsNumericStrings) {
  EXPECT_EQ(IntOf(Str("17"), "int"), 17);
  EXPECT_EQ(IntOf(Str("-3.00"), "int"), -3);
  ErrorOf(Str("seventeen"), "int");
  ErrorOf(Str(""), "int");
}

TEST(Cast, IntRejectsBooleansObjectsAndArrays) {
  ErrorOf(Bool(true), "int");
  ErrorOf(Bool(false), "int");
  ErrorOf(Obj("{}"), "int");
  ErrorOf(Arr("[1]"), "int");
}

// ---- double ----

TEST(Cast, DoubleAcceptsNumbersAndNumericStrings) {
  EXPECT_DOUBLE_EQ(RealOf(Num("1.25"), "double"), 1.25);
  EXPECT_DOUBLE_EQ(RealOf(Num("-3e-2"), "double"), -0.03);
  EXPECT_DOUBLE_EQ(RealOf(Num("1E3"), "double"), 1000.0);
  EXPECT_DOUBLE_EQ(RealOf(Str("2.5"), "double"), 2.5);
  EXPECT_DOUBLE_EQ(RealOf(Str("+2.5"), "double"), 2.5);
}

TEST(Cast, DoubleOverflowIsAnError) {
  EXPECT_FALSE(ErrorOf(Num("1e400"), "double").empty());
  ErrorOf(Num("-1e400"), "double");
}

TEST(Cast, DoubleRejectsNonNumbers) {
  ErrorOf(Str("abc"), "double");
  ErrorOf(Str("nan"), "double");
  ErrorOf(Str("inf"), "double");
  ErrorOf(Bool(true), "double");
  ErrorOf(Obj("{}"), "double");
}

// ---- boolean ----

TEST(Cast, BooleanAcceptsJsonBooleansStringsAndZeroOne) {
  EXPECT_EQ(IntOf(Bool(true), "boolean"), 1);
  EXPECT_EQ(IntOf(Bool(false), "boolean"), 0);
  EXPECT_EQ(IntOf(Str("true"), "boolean"), 1);
  EXPECT_EQ(IntOf(Str("TRUE"), "boolean"), 1);
  EXPECT_EQ(IntOf(Str("False"), "boolean"), 0);
  EXPECT_EQ(IntOf(Num("1"), "boolean"), 1);
  EXPECT_EQ(IntOf(Num("0"), "boolean"), 0);
}

TEST(Cast, BooleanRejectsEverythingElse) {
  for (const char* n : {"2", "-1", "0.5"}) ErrorOf(Num(n), "boolean");
  for (const char* s : {"yes", "no", "t", "", "truex", " true"}) ErrorOf(Str(s), "boolean");
  ErrorOf(Obj("{}"), "boolean");
  ErrorOf(Arr("[true]"), "boolean");
}

// ---- varchar / string ----

TEST(Cast, VarcharKeepsStringsThatFit) {
  EXPECT_EQ(TextOf(Str("abc"), "varchar(3)"), "abc");
  EXPECT_EQ(TextOf(Str(""), "varchar(1)"), "");
  EXPECT_EQ(TextOf(Str("abc"), "string"), "abc");
}

TEST(Cast, VarcharLongerThanItsLengthIsAnError) {
  const std::string msg = ErrorOf(Str("abcd"), "varchar(3)");
  EXPECT_NE(msg.find("varchar(3)"), std::string::npos) << msg;
}

TEST(Cast, VarcharCountsCodePointsNotBytes) {
  EXPECT_EQ(TextOf(Str("h\xC3\xA9llo"), "varchar(5)"), "h\xC3\xA9llo");            // héllo: 6 bytes
  EXPECT_EQ(TextOf(Str("\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E"), "varchar(3)"),   // 日本語: 9 bytes
            "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E");
  ErrorOf(Str("\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E"), "varchar(2)");
  EXPECT_EQ(TextOf(Str("\xF0\x9F\x98\x80"), "varchar(1)"), "\xF0\x9F\x98\x80");  // 😀: 4 bytes
  ErrorOf(Str("\xF0\x9F\x98\x80!"), "varchar(1)");
}

TEST(Cast, VarcharTurnsNumbersAndBooleansIntoTheirText) {
  EXPECT_EQ(TextOf(Num("1.50"), "varchar(8)"), "1.50");
  EXPECT_EQ(TextOf(Num("1e2"), "string"), "1e2");
  EXPECT_EQ(TextOf(Bool(true), "varchar(8)"), "true");
  EXPECT_EQ(TextOf(Bool(false), "string"), "false");
  ErrorOf(Num("123456"), "varchar(5)");
}

TEST(Cast, TextRejectsObjectsAndArraysSuggestingJson) {
  for (const char* type : {"varchar(100)", "string"}) {
    const std::string obj = ErrorOf(Obj("{\"a\":1}"), type);
    EXPECT_NE(obj.find("json"), std::string::npos) << obj;
    const std::string arr = ErrorOf(Arr("[1,2]"), type);
    EXPECT_NE(arr.find("json"), std::string::npos) << arr;
  }
}

TEST(Cast, StringHasNoLengthLimit) {
  const std::string long_text(100000, 'x');
  EXPECT_EQ(TextOf(Str(long_text), "string").size(), long_text.size());
}

// ---- date ----

TEST(Cast, DateAcceptsValidCalendarDates) {
  EXPECT_EQ(TextOf(Str("2024-02-29"), "date"), "2024-02-29");
  EXPECT_EQ(TextOf(Str("2000-02-29"), "date"), "2000-02-29");
  EXPECT_EQ(TextOf(Str("2023-12-31"), "date"), "2023-12-31");
  EXPECT_EQ(TextOf(Str("0001-01-01"), "date"), "0001-01-01");
}

TEST(Cast, DateRejectsImpossibleDates) {
  ErrorOf(Str("2023-02-29"), "date");
  ErrorOf(Str("1900-02-29"), "date");
  ErrorOf(Str("2024-04-31"), "date");
  ErrorOf(Str("2024-00-10"), "date");
  ErrorOf(Str("2024-01-00"), "date");
  EXPECT_NE(ErrorOf(Str("2024-13-01"), "date").find("month"), std::string::npos);
}

TEST(Cast, DateAcceptsOnlyYYYYMMDD) {
  for (const char* s : {"2024-1-05", "24-01-05", "2024/01/05", "20240105", "2024-01-05T00:00:00",
                        "2024-01-05 ", "", "2024-01-0x"})
    ErrorOf(Str(s), "date");
}

TEST(Cast, DateRejectsNonStrings) {
  ErrorOf(Num("20240105"), "date");
  ErrorOf(Bool(true), "date");
  ErrorOf(Obj("{}"), "date");
}

// ---- timestamp ----

TEST(Cast, TimestampIsWrittenInFixedWidthUtc) {
  EXPECT_EQ(Ts("2024-03-05T07:08:09Z"), "2024-03-05 07:08:09.000000");
  EXPECT_EQ(Ts("2024-03-05 07:08:09"), "2024-03-05 07:08:09.000000");
  EXPECT_EQ(Ts("2024-03-05T07:08:09.5"), "2024-03-05 07:08:09.500000");
  EXPECT_EQ(Ts("2024-03-05T07:08:09.123456789Z"), "2024-03-05 07:08:09.123457");
  EXPECT_EQ(Ts("2024-03-05T07:08"), "2024-03-05 07:08:00.000000");
}

TEST(Cast, TimestampDateAloneIsMidnight) { EXPECT_EQ(Ts("2024-03-05"), "2024-03-05 00:00:00.000000"); }

TEST(Cast, TimestampAcceptsZeroToNineFractionDigits) {
  EXPECT_EQ(Ts("2024-03-05T07:08:09.1"), "2024-03-05 07:08:09.100000");
  EXPECT_EQ(Ts("2024-03-05T07:08:09.000001"), "2024-03-05 07:08:09.000001");
  EXPECT_EQ(Ts("2024-03-05T07:08:09.0000004"), "2024-03-05 07:08:09.000000");
  EXPECT_EQ(Ts("2024-03-05T07:08:09.0000005"), "2024-03-05 07:08:09.000001");
  EXPECT_EQ(Ts("2024-03-05T07:08:09.999999999"), "2024-03-05 07:08:10.000000");
}

TEST(Cast, TimestampRoundingCarriesIntoTheNextYear) {
  EXPECT_EQ(Ts("2024-12-31T23:59:59.9999995Z"), "2025-01-01 00:00:00.000000");
  EXPECT_EQ(Ts("2024-12-31T23:59:59.9999994Z"), "2024-12-31 23:59:59.999999");
}

TEST(Cast, TimestampOffsetsAreConvertedToUtc) {
  EXPECT_EQ(Ts("2024-03-05T12:00:00+02:00"), "2024-03-05 10:00:00.000000");
  EXPECT_EQ(Ts("2024-03-05T12:00:00+0530"), "2024-03-05 06:30:00.000000");
  EXPECT_EQ(Ts("2024-03-05T12:00:00-05:00"), "2024-03-05 17:00:00.000000");
  EXPECT_EQ(Ts("2024-03-05T12:00:00+00:00"), "2024-03-05 12:00:00.000000");
  EXPECT_EQ(Ts("2024-03-05T12:00:00.25-0130"), "2024-03-05 13:30:00.250000");
}

TEST(Cast, TimestampOffsetBackAcrossMidnightLandsOnLeapDay) {
  EXPECT_EQ(Ts("2024-03-01T01:30:00+02:00"), "2024-02-29 23:30:00.000000");
  EXPECT_EQ(Ts("2023-03-01T01:30:00+02:00"), "2023-02-28 23:30:00.000000");
}

TEST(Cast, TimestampNegativeOffsetForwardAcrossMidnightAndYearEnd) {
  EXPECT_EQ(Ts("2024-06-10T22:00:00-05:00"), "2024-06-11 03:00:00.000000");
  EXPECT_EQ(Ts("2024-12-31T22:00:00-05:00"), "2025-01-01 03:00:00.000000");
}

TEST(Cast, TimestampOutOfRangeFieldsAreErrors) {
  EXPECT_NE(ErrorOf(Str("2024-03-05T24:00:00"), "timestamp").find("hour"), std::string::npos);
  EXPECT_NE(ErrorOf(Str("2024-03-05T10:60:00"), "timestamp").find("minute"), std::string::npos);
  EXPECT_NE(ErrorOf(Str("2024-03-05T10:00:60"), "timestamp").find("second"), std::string::npos);
  ErrorOf(Str("2023-02-29T10:00:00"), "timestamp");
  ErrorOf(Str("2024-13-01T10:00:00"), "timestamp");
}

TEST(Cast, TimestampWithTenFractionDigitsIsAnError) {
  ErrorOf(Str("2024-03-05T07:08:09.1234567890"), "timestamp");
}

TEST(Cast, TimestampMalformedTextIsAnError) {
  for (const char* s : {"2024-03-05T07:08:09Zx", "2024-03-05T07:08:09 ", "2024-03-05T07:08:09.",
                        "2024-03-05T7:08:09", "2024-03-05T07", "2024-03-05T", "2024-03-05T07:08:09+5",
                        "2024-03-05T07:08:09+05:3", "2024-03-05T07:08:09+24:00",
                        "2024-03-05T07:08:09+05:60", "yesterday", "", "1709622489"})
    ErrorOf(Str(s), "timestamp");
}

TEST(Cast, TimestampOffsetWithColonButNoMinutesIsAnError) {
  // ±HH:MM or ±HHMM: a dangling ':' is neither.
  ErrorOf(Str("2024-03-05T07:08:09+05:"), "timestamp");
}

TEST(Cast, TimestampRejectsNonStrings) {
  ErrorOf(Num("1709622489"), "timestamp");
  ErrorOf(Bool(false), "timestamp");
  ErrorOf(Obj("{}"), "timestamp");
}

TEST(Cast, ParseTimestampReturnsMicrosSinceEpoch) {
  int64_t micros = -1;
  std::string error;
  ASSERT_TRUE(ParseTimestamp("1970-01-01T00:00:01.000001Z", &micros, &error)) << error;
  EXPECT_EQ(micros, 1'000'001);
  ASSERT_TRUE(ParseTimestamp("1969-12-31T23:59:59Z", &micros, &error)) << error;
  EXPECT_EQ(micros, -1'000'000);
  ASSERT_TRUE(ParseTimestamp("1970-01-01T01:00:00+01:00", &micros, &error)) << error;
  EXPECT_EQ(micros, 0);
  EXPECT_FALSE(ParseTimestamp("1970-01-01T00:00:00Q", &micros, &error));
  EXPECT_FALSE(error.empty());
}

// ---- json ----

TEST(Cast, JsonMinifiesObjectsAndArrays) {
  EXPECT_EQ(TextOf(Obj("{ \"a\" : [1, 2] }"), "json"), "{\"a\":[1,2]}");
  EXPECT_EQ(TextOf(Arr("[ 1 ,\n\t\"x y\" ]"), "json"), "[1,\"x y\"]");
}

TEST(Cast, JsonKeepsScalarsAsWritten) {
  EXPECT_EQ(TextOf(Str("hi there"), "json"), "\"hi there\"");
  EXPECT_EQ(TextOf(Num("1.50"), "json"), "1.50");
  EXPECT_EQ(TextOf(Bool(true), "json"), "true");
  const JsonScalar escaped{JsonScalar::Kind::kString, "a\"b", "\"a\\\"b\""};
  EXPECT_EQ(TextOf(escaped, "json"), "\"a\\\"b\"");
}

// ---- CompareValues ----

TEST(CompareValues, OrdersIntsNumerically) {
  const std::string arena;
  EXPECT_LT(CompareValues(Value::Int(-5), Value::Int(3), arena), 0);
  EXPECT_GT(CompareValues(Value::Int(10), Value::Int(9), arena), 0);
  EXPECT_EQ(CompareValues(Value::Int(7), Value::Int(7), arena), 0);
  EXPECT_LT(CompareValues(Value::Int(INT64_MIN), Value::Int(INT64_MAX), arena), 0);
}

TEST(CompareValues, OrdersRealsNumerically) {
  const std::string arena;
  EXPECT_LT(CompareValues(Value::Real(2.5), Value::Real(10.0), arena), 0);
  EXPECT_GT(CompareValues(Value::Real(-1.0), Value::Real(-2.0), arena), 0);
  EXPECT_EQ(CompareValues(Value::Real(1.01), Value::Real(1.01), arena), 0);
}

TEST(CompareValues, OrdersTextBytewise) {
  std::string arena;
  const Value a = Value::Text("apple", &arena);
  const Value b = Value::Text("banana", &arena);
  const Value upper = Value::Text("Zebra", &arena);
  const Value accented = Value::Text("\xC3\xA9", &arena);  // é: bytes above 0x7f sort after ASCII
  const Value prefix = Value::Text("app", &arena);
  EXPECT_LT(CompareValues(a, b, arena), 0);
  EXPECT_GT(CompareValues(b, a, arena), 0);
  EXPECT_LT(CompareValues(upper, a, arena), 0);
  EXPECT_GT(CompareValues(accented, b, arena), 0);
  EXPECT_LT(CompareValues(prefix, a, arena), 0);
  EXPECT_EQ(CompareValues(a, Value::Text("apple", &arena), arena), 0);
}

TEST(CompareValues, FixedWidthTimestampsSortInTimeOrder) {
  std::string arena;
  std::string error;
  Value earlier, later;
  ASSERT_TRUE(CastValue(Str("2024-03-01T01:30:00+02:00"), Type("timestamp"), &earlier, &arena, &error));
  ASSERT_TRUE(CastValue(Str("2024-02-29T23:45:00Z"), Type("timestamp"), &later, &arena, &error));
  EXPECT_LT(CompareValues(earlier, later, arena), 0);
}

}  // namespace
}  // namespace sluice
