#include "catalog/column_type.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

ColumnType MustParse(std::string_view text) {
  auto t = ParseColumnType(text);
  EXPECT_TRUE(t.ok()) << text << ": " << t.status().message();
  return t.ok() ? *t : ColumnType{};
}

void ExpectInvalid(std::string_view text) {
  auto t = ParseColumnType(text);
  ASSERT_FALSE(t.ok()) << "'" << text << "' parsed as " << t->ToString();
  EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument) << text;
}

TEST(ColumnType, ParsesEveryPlainType) {
  EXPECT_EQ(MustParse("string").kind, TypeKind::kString);
  EXPECT_EQ(MustParse("int").kind, TypeKind::kInt);
  EXPECT_EQ(MustParse("double").kind, TypeKind::kDouble);
  EXPECT_EQ(MustParse("boolean").kind, TypeKind::kBoolean);
  EXPECT_EQ(MustParse("date").kind, TypeKind::kDate);
  EXPECT_EQ(MustParse("timestamp").kind, TypeKind::kTimestamp);
  EXPECT_EQ(MustParse("json").kind, TypeKind::kJson);
}

TEST(ColumnType, VarcharKeepsItsLength) {
  const ColumnType t = MustParse("varchar(32)");
  EXPECT_EQ(t.kind, TypeKind::kVarchar);
  EXPECT_EQ(t.length, 32);
  EXPECT_EQ(t.ToString(), "varchar(32)");
}

TEST(ColumnType, NumberKeepsPrecisionAndScale) {
  const ColumnType t = MustParse("number(9,2)");
  EXPECT_EQ(t.kind, TypeKind::kDecimal);
  EXPECT_EQ(t.precision, 9);
  EXPECT_EQ(t.scale, 2);
  EXPECT_EQ(t.ToString(), "number(9,2)");
}

TEST(ColumnType, DecimalIsAnAliasOfNumber) {
  EXPECT_EQ(MustParse("decimal(9,2)"), MustParse("number(9,2)"));
  EXPECT_EQ(MustParse("decimal"), MustParse("number"));
}

TEST(ColumnType, NumberAloneIsNumber38Scale0) {
  const ColumnType t = MustParse("number");
  EXPECT_EQ(t.kind, TypeKind::kDecimal);
  EXPECT_EQ(t.precision, 38);
  EXPECT_EQ(t.scale, 0);
}

TEST(ColumnType, NumberWithOnlyPrecisionHasScale0) {
  const ColumnType t = MustParse("number(10)");
  EXPECT_EQ(t.precision, 10);
  EXPECT_EQ(t.scale, 0);
}

TEST(ColumnType, NamesAreCaseInsensitive) {
  EXPECT_EQ(MustParse("STRING").kind, TypeKind::kString);
  EXPECT_EQ(MustParse("Timestamp").kind, TypeKind::kTimestamp);
  EXPECT_EQ(MustParse("VarChar(5)"), MustParse("varchar(5)"));
  EXPECT_EQ(MustParse("NUMBER(9,2)"), MustParse("number(9,2)"));
  EXPECT_EQ(MustParse("Decimal(4,1)"), MustParse("number(4,1)"));
  EXPECT_EQ(MustParse("JSON").kind, TypeKind::kJson);
}

TEST(ColumnType, SpacesAroundArgumentsAreAllowed) {
  EXPECT_EQ(MustParse("number( 9 , 2 )"), MustParse("number(9,2)"));
  EXPECT_EQ(MustParse("  int  ").kind, TypeKind::kInt);
}

TEST(ColumnType, PrecisionBoundsAre1To38) {
  EXPECT_EQ(MustParse("number(1,0)").precision, 1);
  EXPECT_EQ(MustParse("number(38,0)").precision, 38);
  ExpectInvalid("number(0,0)");
  ExpectInvalid("number(39,0)");
  ExpectInvalid("number(0)");
  ExpectInvalid("number(39)");
}

TEST(ColumnType, ScaleBoundsAre0ToPrecision) {
  EXPECT_EQ(MustParse("number(5,5)").scale, 5);
  EXPECT_EQ(MustParse("number(38,38)").scale, 38);
  ExpectInvalid("number(5,6)");
  ExpectInvalid("number(5,-1)");
}

TEST(ColumnType, NumberRejectsThreeArguments) { ExpectInvalid("number(9,2,1)"); }

TEST(ColumnType, VarcharNeedsOnePositiveLength) {
  ExpectInvalid("varchar");
  ExpectInvalid("varchar()");
  ExpectInvalid("varchar(0)");
  ExpectInvalid("varchar(-3)");
  ExpectInvalid("varchar(3,4)");
  ExpectInvalid("varchar(abc)");
}

TEST(ColumnType, PlainTypesTakeNoArguments) {
  ExpectInvalid("int(4)");
  ExpectInvalid("string(10)");
  ExpectInvalid("timestamp(6)");
  ExpectInvalid("boolean(1)");
}

TEST(ColumnType, MalformedArgumentsAreErrors) {
  ExpectInvalid("number(9,2");
  ExpectInvalid("number(9.5,2)");
  ExpectInvalid("number(,2)");
  ExpectInvalid("number(9,)");
}

TEST(ColumnType, UnknownTypeMessageListsTheValidTypes) {
  auto t = ParseColumnType("integer");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument);
  const std::string& msg = t.status().message();
  EXPECT_NE(msg.find("integer"), std::string::npos) << msg;
  for (const char* name : {"string", "varchar", "int", "number", "decimal", "double", "boolean", "date",
                           "timestamp", "json"})
    EXPECT_NE(msg.find(name), std::string::npos) << "missing " << name << " in: " << msg;
}

TEST(ColumnType, EmptyTextIsAnError) {
  ExpectInvalid("");
  ExpectInvalid("   ");
}

TEST(ColumnType, ToStringRoundTrips) {
  for (const char* text : {"string", "varchar(7)", "int", "number(12,4)", "double", "boolean", "date",
                           "timestamp", "json"}) {
    const ColumnType t = MustParse(text);
    EXPECT_EQ(t.ToString(), text);
    EXPECT_EQ(MustParse(t.ToString()), t);
  }
}

}  // namespace
}  // namespace sluice
