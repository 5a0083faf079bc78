#include "warehouse/clickhouse/ch_tsv.h"

#include <gtest/gtest.h>

#include "warehouse/clickhouse/ch_query.h"

namespace sluice {
namespace {

TEST(ChTsv, EscapesWhatWouldBreakARowAndReadsItBack) {
  std::string row;
  AppendTsvField(std::string("a\tb\nc\\d\re\0f", 11), &row);
  row += '\t';
  AppendTsvNull(&row);
  row += '\t';
  AppendTsvField("{\"x\": \"\\\"q\\\"\"}", &row);
  row += '\n';
  EXPECT_EQ(row.find('\n'), row.size() - 1);
  const auto rows = ParseTsv(row);
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0][0], std::string("a\tb\nc\\d\re\0f", 11));
  EXPECT_FALSE((*rows)[0][1]);
  EXPECT_EQ((*rows)[0][2], "{\"x\": \"\\\"q\\\"\"}");
}

TEST(ChTsv, RefusesRaggedRowsAndATruncatedEnd) {
  EXPECT_FALSE(ParseTsv("a\tb\nc\n"));
  EXPECT_FALSE(ParseTsv("a\tb"));
  EXPECT_FALSE(ParseTsv("a\\"));
  const auto empty = ParseTsv("");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
  // The text "\N" inside a field is not NULL.
  const auto text = ParseTsv("x\\N\n");
  ASSERT_TRUE(text);
  EXPECT_EQ((*text)[0][0], "xN");
}

TEST(ChTsv, QuotesLiteralsAndIdentifiers) {
  EXPECT_EQ(ChStringLiteral("it's a \\ test"), "'it\\'s a \\\\ test'");
  EXPECT_EQ(ChIdent("we`ird"), "`we\\`ird`");
}

TEST(ChQuery, SplitsStatementsOutsideQuotesAndComments) {
  EXPECT_EQ(SplitStatements("SELECT 1; SELECT ';' -- a; comment\n; /* ; */ SELECT 2;;"),
            (std::vector<std::string>{"SELECT 1", "SELECT ';' -- a; comment", "/* ; */ SELECT 2"}));
}

TEST(ChQuery, FindsSluiceTablesOnlyAsNamesInCode) {
  EXPECT_TRUE(NamesBookkeepingTable("select * from sluice_load_history"));
  EXPECT_TRUE(NamesBookkeepingTable("SELECT count(*) FROM SLUICE_MERGE_ERRORS"));
  EXPECT_FALSE(NamesBookkeepingTable("select sluice_event_id from orders"));
  EXPECT_FALSE(NamesBookkeepingTable("select 'sluice_load_history' from orders"));
  EXPECT_FALSE(NamesBookkeepingTable("select 1 from my_sluice_x -- sluice_streams"));
}

}  // namespace
}  // namespace sluice
