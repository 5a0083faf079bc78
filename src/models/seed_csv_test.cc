#include "models/seed_csv.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "models/project_fixture.h"
#include "models/seed_types.h"

namespace sluice::models {
namespace {

using ::testing::ElementsAre;
using Row = std::vector<std::optional<std::string>>;

SeedTable MustParse(std::string_view csv, const SeedOptions& options = {}) {
  auto table = ParseSeedCsv(csv, "seeds/s.csv", options);
  EXPECT_TRUE(table.ok()) << table.status().message();
  return table.ok() ? std::move(table).value() : SeedTable{};
}

std::string Error(std::string_view csv, const SeedOptions& options = {}) {
  auto table = ParseSeedCsv(csv, "seeds/s.csv", options);
  EXPECT_FALSE(table.ok());
  return table.ok() ? "" : table.status().message();
}

std::vector<SeedType> Types(const SeedTable& t) {
  std::vector<SeedType> out;
  for (const auto& c : t.columns) out.push_back(c.inferred);
  return out;
}

TEST(SeedCsv, QuotedFieldsHoldQuotesDelimitersAndLineBreaks) {
  const SeedTable t = MustParse("id,note\n1,\"say \"\"hi\"\", then, go\"\n2,\"two\nlines\"\n3,plain\n");
  EXPECT_THAT(t.columns[1].name, "note");
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(t.rows[0], (Row{"1", "say \"hi\", then, go"}));
  EXPECT_EQ(t.rows[1], (Row{"2", "two\nlines"}));
  EXPECT_EQ(t.rows[2], (Row{"3", "plain"}));
  EXPECT_THAT(t.row_lines, ElementsAre(2, 3, 5));  // the embedded line break counts
}

TEST(SeedCsv, CrlfBomAndNoFinalLineBreakReadTheSame) {
  const SeedTable lf = MustParse("a,b\n1,x\n2,y\n");
  const SeedTable crlf = MustParse("\xEF\xBB\xBF" "a,b\r\n1,x\r\n2,y");
  EXPECT_EQ(crlf.columns[0].name, "a");  // no BOM in the name
  EXPECT_EQ(lf.rows, crlf.rows);
  EXPECT_THAT(crlf.row_lines, ElementsAre(2, 3));
}

TEST(SeedCsv, EmptyFieldsAreNullAndBlankLinesAreSkipped) {
  const SeedTable t = MustParse("a,b,c\n1,,\"\"\n\n,2,\n");
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0], (Row{"1", std::nullopt, std::nullopt}));
  EXPECT_EQ(t.rows[1], (Row{std::nullopt, "2", std::nullopt}));
  EXPECT_THAT(t.row_lines, ElementsAre(2, 4));
}

TEST(SeedCsv, EachColumnGetsTheNarrowestTypeThatFitsEveryValue) {
  const SeedTable t = MustParse(
      "flag,n,amount,mixed,day,at,at_offset,when,code,word,empty\n"
      "true,1,1.5,1,2024-01-31,2024-01-31 10:00:00,2024-01-31T10:00:00.123456Z,2024-01-31,007,x,\n"
      "FALSE,-20,-300.25,2.75,2024-02-29,2024-02-01 00:00:00,2024-01-31T10:00:00+02:00,2024-02-01 08:00:00,12,1,\n"
      ",,,,,,,,,,\n");
  EXPECT_THAT(Types(t), ElementsAre(SeedType::kBoolean, SeedType::kInteger, SeedType::kNumeric, SeedType::kNumeric,
                                    SeedType::kDate, SeedType::kTimestamp, SeedType::kTimestamp, SeedType::kTimestamp,
                                    SeedType::kText, SeedType::kText, SeedType::kText));
  EXPECT_EQ(t.columns[1].precision, 2);  // integers: their most digits
  EXPECT_EQ(t.columns[2].precision, 5);  // 300.25
  EXPECT_EQ(t.columns[2].scale, 2);
  EXPECT_EQ(t.columns[3].precision, 3);  // 1 and 2.75 mix: one digit before, two after
  EXPECT_EQ(t.columns[3].scale, 2);
  // Leading zeros are kept: the values are the file's text.
  EXPECT_EQ(t.rows[0][8], "007");
}

TEST(SeedCsv, ValuesThatOnlyLookLikeATypeAreText) {
  int digits = 0, scale = 0;
  EXPECT_EQ(TypeOfValue("2024-02-30", &digits, &scale), SeedType::kText);       // no such day
  EXPECT_EQ(TypeOfValue("2024-01-31 25:00:00", &digits, &scale), SeedType::kText);
  EXPECT_EQ(TypeOfValue("2024-01-31 10:00", &digits, &scale), SeedType::kText);  // seconds are needed
  EXPECT_EQ(TypeOfValue("2024-01-31T10:00:00.1234567", &digits, &scale), SeedType::kText);
  EXPECT_EQ(TypeOfValue("1e5", &digits, &scale), SeedType::kText);
  EXPECT_EQ(TypeOfValue("00.5", &digits, &scale), SeedType::kText);
  EXPECT_EQ(TypeOfValue("-07", &digits, &scale), SeedType::kText);
  EXPECT_EQ(TypeOfValue(" 5", &digits, &scale), SeedType::kText);
  EXPECT_EQ(TypeOfValue("yes", &digits, &scale), SeedType::kText);
  EXPECT_EQ(TypeOfValue("0", &digits, &scale), SeedType::kInteger);
  EXPECT_EQ(TypeOfValue("+5", &digits, &scale), SeedType::kInteger);
  EXPECT_EQ(TypeOfValue("0.5", &digits, &scale), SeedType::kNumeric);
  EXPECT_EQ(digits, 0);
  EXPECT_EQ(TypeOfValue(".25", &digits, &scale), SeedType::kNumeric);
  EXPECT_EQ(scale, 2);
  EXPECT_EQ(TypeOfValue("99999999999999999999", &digits, &scale), SeedType::kNumeric);  // past int64
  EXPECT_EQ(digits, 20);
  EXPECT_EQ(TypeOfValue("True", &digits, &scale), SeedType::kBoolean);
}

TEST(SeedCsv, MixedTypesWidenOrFallToText) {
  const SeedTable t = MustParse("a,b,c,d\n1,true,2024-01-01,1\n2.5,1,x,2024-01-01\n");
  EXPECT_THAT(Types(t), ElementsAre(SeedType::kNumeric, SeedType::kText, SeedType::kText, SeedType::kText));
}

TEST(SeedCsv, ColumnTypesOverrideByNameAndKeepTheTypeAsWritten) {
  SeedOptions options;
  options.column_types = {{"code", "varchar(3)"}, {"AMOUNT", "numeric(12, 2)"}};
  const SeedTable t = MustParse("code,amount\n007,1\n", options);
  EXPECT_EQ(t.columns[0].override_type, "varchar(3)");
  EXPECT_EQ(t.columns[1].override_type, "numeric(12, 2)");
  EXPECT_EQ(t.columns[1].inferred, SeedType::kInteger);  // still inferred, for messages
  options.column_types = {{"missing", "int"}};
  EXPECT_EQ(Error("code\n1\n", options), "seeds/s.csv: column_types names column 'missing', which the file does not have");
}

TEST(SeedCsv, AnotherDelimiter) {
  SeedOptions options;
  options.delimiter = ';';
  const SeedTable t = MustParse("a;b\n1,5;\"x;y\"\n", options);
  EXPECT_EQ(t.rows[0], (Row{"1,5", "x;y"}));
}

TEST(SeedCsv, RowsOfTheWrongWidthAreNamedByLine) {
  EXPECT_EQ(Error("a,b\n1,2\n3\n4,5,6\n\"x\ny\",7\n8,9,10\n"),
            "seeds/s.csv:3: the row has 1 values, and the header 2 columns\n"
            "seeds/s.csv:4: the row has 3 values, and the header 2 columns\n"
            "seeds/s.csv:7: the row has 3 values, and the header 2 columns");
}

TEST(SeedCsv, HeaderNamesMustBeThereAndDifferent) {
  EXPECT_EQ(Error("id,,Name,name\n1,2,3,4\n"),
            "seeds/s.csv:1: column 2 has no name\n"
            "seeds/s.csv:1: column 'name' is named twice (columns 3 and 4)");
  EXPECT_EQ(Error(""), "seeds/s.csv: the file is empty: a seed needs a header row");
}

TEST(SeedCsv, BrokenQuotesAreNamedByLine) {
  EXPECT_EQ(Error("a,b\n1,\"open\n2,3\n"), "seeds/s.csv:2: a quoted field is never closed");
  EXPECT_EQ(Error("a,b\n1,\"x\"y\n"), "seeds/s.csv:2: 'y' after a closing quote (a quote inside a field is written \"\")");
  // A quote inside an unquoted field is a character.
  EXPECT_EQ(MustParse("a\n5\"inch\n").rows[0], (Row{"5\"inch"}));
}

TEST(SeedCsv, FilesOverTheLimitAreRefusedBeforeTheyAreRead) {
  ProjectFixture p;
  p.Write("big.csv", "a\n" + std::string(100, '1') + "\n");
  SeedOptions options;
  options.max_bytes = 64;
  auto t = ReadSeedCsv(Env::Default(), p.dir() + "/big.csv", options);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(), p.dir() + "/big.csv: 103 bytes is more than a seed may have (64 bytes); load data "
                                            "that size as events instead");
}

TEST(SeedCsv, AProjectsSeedIsReadWithItsConfig) {
  ProjectFixture p;
  p.Write("dbt_project.yml", "name: shop\nseeds:\n  shop:\n    +delimiter: '|'\n    +column_types: {id: bigint}\n");
  p.Write("seeds/codes.csv", "id|code\n1|007\n");
  const Project project = p.MustRead();
  ASSERT_EQ(project.seeds.size(), 1u);
  auto t = ReadSeed(Env::Default(), project, project.seeds[0]);
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->rows[0], (Row{"1", "007"}));
  EXPECT_EQ(t->columns[0].override_type, "bigint");
  EXPECT_EQ(t->columns[1].inferred, SeedType::kText);
}

TEST(SeedCsv, HostileSizesAreRefusedBeforeTheyTakeTheMemory) {
  // A header of commas would otherwise be millions of columns.
  EXPECT_EQ(Error(std::string(kMaxSeedColumns, ',') + "\n"),
            "seeds/s.csv:1: more than 1600 values in one row");
  // 2 columns × 2 000 001 rows is past the values a seed may hold.
  std::string many = "a,b\n";
  for (size_t i = 0; i <= kMaxSeedValues / 2; ++i) many += "1,2\n";
  EXPECT_THAT(Error(many), ::testing::HasSubstr("more than 4000000 values in the file"));
  // Many columns named twice are found without comparing every pair.
  std::string header;
  for (size_t i = 0; i < kMaxSeedColumns; ++i) header += (i ? "," : "") + std::string("c") + std::to_string(i % 800);
  EXPECT_THAT(Error(header + "\n"), ::testing::HasSubstr("column 'c0' is named twice (columns 1 and 801)"));
}

}  // namespace
}  // namespace sluice::models
