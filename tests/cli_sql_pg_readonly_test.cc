// `sluice sql` without --write on PostgreSQL stays read-only by PostgreSQL's
// own rules, not by sluice reading the statements:
//   - several statements in one query are refused before any runs (the
//     extended protocol takes one), so `COMMIT; DELETE …` and the like cannot
//     end the read-only transaction and write after it;
//   - with warehouse.read_dsn, the statement runs as a login that is only a
//     member of readonly_role: it selects the final tables and is refused the
//     server's files and programs, sluice's own tables and other roles;
//   - a read_dsn login with more rights than that is refused before the
//     statement is sent.
// Each refusal leaves the warehouse as it was (a dump before and after) and
// creates no file. The roles are the cluster's, named uniquely per test.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sys/stat.h>

#include <filesystem>
#include <stdexcept>

#include "cli_harness.h"
#include "pg_harness.h"

namespace sluice::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr const char* kOneAtATime = "without --write, run one statement at a time on PostgreSQL";
constexpr const char* kNoRight = "refused: the read-only login (warehouse.read_dsn) has no right to do this";

// Two merged Accounting events.
void Populate(const Workspace& ws) {
  const std::string file = ws.WriteLines(
      "a.ndjson", {AccountingEvent(Quote("I1"), Quote("2026-01-01T10:00:00Z"), "[" + Entry(Quote("E1"), "1.5") + "]"),
                   AccountingEvent(Quote("I2"), Quote("2026-01-01T10:00:00Z"), "[" + Entry(Quote("E1"), "2") + "]")});
  ASSERT_RUN_OK(ws.Load({file}));
  ASSERT_RUN_OK(ws.Merge());
}

// What a write that slipped through would change: the final rows, the
// tables of the schema, sluice's positions and history, staging. A table
// that is gone shows as the error reading it.
std::vector<std::string> Dump(const Workspace& ws) {
  std::vector<std::string> out;
  try {
    out = ws.FinalRows();
    for (const std::string& sql : {std::string("SELECT table_name FROM information_schema.tables "
                                               "WHERE table_schema = current_schema() ORDER BY 1"),
                                   std::string("SELECT staging_table, position FROM sluice_streams ORDER BY 1"),
                                   std::string("SELECT count(*) FROM sluice_load_history"),
                                   std::string("SELECT count(*) FROM accounting_stg")})
      for (const Row& row : ws.Query(sql)) out.push_back(ToString(row));
  } catch (const std::exception& e) {
    out.push_back(std::string("error: ") + e.what());
  }
  return out;
}

// `dsn` logging in as `user` instead, as key='value' pairs.
std::string DsnAs(const std::string& dsn, const std::string& user) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(dsn.c_str(), &error);
  if (options == nullptr) {
    const std::string why = error ? error : "out of memory";
    PQfreemem(error);
    throw std::runtime_error("cannot parse the DSN " + dsn + ": " + why);
  }
  const auto quoted = [](std::string_view value) {
    std::string out = "'";
    for (char c : value) {
      if (c == '\'' || c == '\\') out += '\\';
      out += c;
    }
    return out + "'";
  };
  std::string out;
  for (const PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    const std::string_view key = o->keyword;
    if (key == "user" || key == "password" || o->val == nullptr || *o->val == '\0') continue;
    out += fmt::format("{}={} ", key, quoted(o->val));
  }
  PQconninfoFree(options);
  return out + "user=" + quoted(user);
}

std::string YamlQuote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// The Accounting config with readonly_role and, unless empty, read_dsn.
std::string ReadOnlyConfig(const std::string& role, const std::string& read_dsn) {
  std::string yaml = AccountingConfigYaml();
  const size_t at = yaml.find("\nwarehouse:\n");
  if (at == std::string::npos) throw std::runtime_error("no warehouse section in\n" + yaml);
  std::string keys = "  readonly_role: " + role + "\n";
  if (!read_dsn.empty()) keys += "  read_dsn: " + YamlQuote(read_dsn) + "\n";
  yaml.insert(at + 12, keys);  // the harness points the section at PostgreSQL, keeping these
  return yaml;
}

// Roles of the fixture's cluster made for one test, dropped after it.
// Declared before the Workspace, so that its schema (and the grants on it)
// is gone first.
class TestRoles {
 public:
  TestRoles() : admin_(PgDsn(), "", /*read_only=*/false) {}
  ~TestRoles() {
    for (const std::string& role : names_) {
      try {
        admin_.Exec("DROP ROLE IF EXISTS " + QuotePgIdent(role));
      } catch (const std::exception& e) {
        fmt::print(stderr, "warning: could not drop role {}: {}\n", role, e.what());  // the cluster goes anyway
      }
    }
  }
  // A unique name, dropped at the end; created with `create` ("LOGIN"…) unless empty.
  std::string Make(const std::string& suffix, const std::string& create = "") {
    names_.push_back(UniqueSchemaName() + "_" + suffix);
    if (!create.empty()) admin_.Exec(fmt::format("CREATE ROLE {} {}", QuotePgIdent(names_.back()), create));
    return names_.back();
  }
  PgConnection& admin() { return admin_; }

 private:
  PgConnection admin_;
  std::vector<std::string> names_;
};

// A folder the server's own user can write to: a COPY … TO PROGRAM that got
// through would leave its file here.
class OpenFolder {
 public:
  OpenFolder() : dir_("sluice-pg-ro") { ::chmod(dir_.path().c_str(), 0777); }
  std::string File(const std::string& name) const { return dir_.path() + "/" + name; }

 private:
  TempDir dir_;
};

// A COPY … TO PROGRAM that makes `path`. The program reads the rows first:
// a bare `touch` may exit before PostgreSQL writes to its pipe, which then
// fails with "Broken pipe".
std::string CopyToTouch(const std::string& path) {
  return "COPY (SELECT 1) TO PROGRAM " + QuotePgLiteral("cat > /dev/null; touch " + path);
}

// The server could have made `file` had a statement got through: a
// superuser's COPY … TO PROGRAM makes another beside it.
void ExpectTheServerCouldWriteBeside(PgConnection& admin, const OpenFolder& folder) {
  const std::string control = folder.File("control");
  admin.Exec(CopyToTouch(control));
  EXPECT_TRUE(std::filesystem::exists(control)) << "the server cannot write in the folder: the checks prove nothing";
}

TEST(PgSqlCli, WithoutWriteChainedStatementsAreRefusedBeforeAnyOfThemRuns) {
  Workspace ws;
  if (!ws.on_postgres()) GTEST_SKIP() << "PostgreSQL's read path";
  Populate(ws);
  const std::vector<std::string> before = Dump(ws);
  OpenFolder folder;
  const std::string marker = folder.File("marker");
  const std::string touch = CopyToTouch(marker);
  // Each one wrote, or ran a program, when the query went as one string.
  for (const std::string& sql : {std::string("COMMIT; DELETE FROM accounting WHERE eventitemid = 'I1'"),
                                 std::string("ROLLBACK; DELETE FROM accounting"),
                                 std::string("ABORT; UPDATE accounting SET amount = 0"),
                                 std::string("SET TRANSACTION READ WRITE; DELETE FROM accounting"),
                                 std::string("SET default_transaction_read_only = off; COMMIT; DELETE FROM accounting"),
                                 std::string("SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE; COMMIT; "
                                             "UPDATE sluice_streams SET position = 0"),
                                 "COMMIT; " + touch, "SELECT 1; " + touch,
                                 std::string("SELECT 1; SELECT 2"), std::string("END; DROP TABLE accounting")}) {
    const RunResult r = ws.Sluice({"sql", sql});
    EXPECT_EQ(r.exit_code, 1) << sql << "\n" << r.Describe();
    EXPECT_THAT(r.err, StartsWith(std::string("error: ") + kOneAtATime)) << sql;
    EXPECT_THAT(r.err, HasSubstr("none of them ran")) << sql;
    EXPECT_EQ(r.out, "") << sql;
    EXPECT_EQ(Dump(ws), before) << sql;
    EXPECT_FALSE(std::filesystem::exists(marker)) << sql;
  }
  TestRoles roles;
  ExpectTheServerCouldWriteBeside(roles.admin(), folder);
}

TEST(PgSqlCli, OneStatementStillRunsWithoutWriteAndSeveralWithWrite) {
  Workspace ws;
  if (!ws.on_postgres()) GTEST_SKIP() << "PostgreSQL's read path";
  Populate(ws);
  const RunResult one = ws.Sluice({"sql", "-f", "csv", "SELECT count(*) AS n FROM accounting;  "});
  EXPECT_RUN_OK(one);
  EXPECT_EQ(one.out, "n\r\n2\r\n");
  // A lone COMMIT ends the read-only transaction early, and runs nothing after it.
  EXPECT_RUN_OK(ws.Sluice({"sql", "COMMIT"}));

  const RunResult several =
      ws.Sluice({"sql", "--write", "-f", "csv",
                 "UPDATE accounting SET amount = 7 WHERE eventitemid = 'I1'; SELECT sum(amount) AS s FROM accounting"});
  EXPECT_RUN_OK(several);
  EXPECT_EQ(several.out, "s\r\n9.00\r\n");
  EXPECT_EQ(ws.Count("SELECT count(*) FROM accounting WHERE amount = 7"), 1);

  // COPY to the client once waited forever for sluice to read its data.
  for (const bool write : {false, true}) {
    std::vector<std::string> args = {"sql"};
    if (write) args.push_back("--write");
    args.push_back("COPY (SELECT 1) TO STDOUT");
    RunOptions quick;
    quick.timeout = std::chrono::seconds(60);
    const RunResult copy = ws.Sluice(args, quick);
    EXPECT_EQ(copy.exit_code, 1) << copy.Describe();
    EXPECT_THAT(copy.err, HasSubstr("COPY to or from the client (STDOUT, STDIN) is not supported by sluice sql"));
  }
  const int64_t staged = ws.Count("accounting_stg");
  const RunResult copy_in = ws.Sluice({"sql", "--write", "COPY accounting_stg FROM STDIN"});
  EXPECT_EQ(copy_in.exit_code, 1) << copy_in.Describe();
  EXPECT_THAT(copy_in.err, HasSubstr("COPY to or from the client (STDOUT, STDIN) is not supported by sluice sql"));
  EXPECT_EQ(ws.Count("accounting_stg"), staged);
}

TEST(PgSqlCli, TheReadLoginSelectsFinalTablesAndIsRefusedEverythingElse) {
  TestRoles roles;
  const std::string role = roles.Make("ro");
  const std::string reader = roles.Make("reader", "LOGIN");  // trust on loopback: no password
  Workspace ws(ReadOnlyConfig(role, DsnAs(PgDsn(), reader)));
  if (!ws.on_postgres()) GTEST_SKIP() << "PostgreSQL's read path";
  Populate(ws);
  // sluice made readonly_role and granted it to the reader login, nothing else.
  const auto member = roles.admin().Query(fmt::format("SELECT pg_has_role({0}, {1}, 'MEMBER'), "
                                                      "(SELECT count(*) FROM pg_auth_members m JOIN pg_roles r "
                                                      "ON r.oid = m.member WHERE r.rolname = {0}), "
                                                      "(SELECT rolsuper FROM pg_roles WHERE rolname = {0})",
                                                      QuotePgLiteral(reader), QuotePgLiteral(role)));
  EXPECT_EQ(member[0][0].integer, 1);
  EXPECT_EQ(member[0][1].integer, 1);
  EXPECT_EQ(member[0][2].integer, 0);
  const std::vector<std::string> before = Dump(ws);

  const RunResult select = ws.Sluice({"sql", "-f", "csv", "SELECT current_user = " + QuotePgLiteral(reader) +
                                                              " AS as_reader, count(*) AS n FROM accounting"});
  EXPECT_RUN_OK(select);
  EXPECT_EQ(select.out, "as_reader,n\r\nt,2\r\n");

  const std::string admin = roles.admin().Query("SELECT current_user")[0][0].text;
  OpenFolder folder;
  const std::string program = folder.File("program"), file = folder.File("file");
  struct Attempt {
    std::string sql, why;
  };
  const std::vector<Attempt> attempts = {
      {"SELECT pg_read_file('/etc/passwd')", kNoRight},
      {"SELECT lo_import('/etc/passwd')", kNoRight},
      {CopyToTouch(program), kNoRight},
      {"COPY (SELECT 1) TO " + QuotePgLiteral(file), kNoRight},
      {"SELECT count(*) FROM sluice_streams", kNoRight},
      {"SELECT * FROM sluice_load_history", kNoRight},
      {"SELECT count(*) FROM accounting_stg", kNoRight},
      {"SET ROLE " + QuotePgIdent(admin), kNoRight},
      {"SELECT set_config('role', " + QuotePgLiteral(admin) + ", false)", kNoRight},
      {"DO $$BEGIN EXECUTE 'SET ROLE " + QuotePgIdent(admin) + "'; END$$", kNoRight},
      {"DO $$BEGIN EXECUTE 'RESET ROLE'; PERFORM pg_read_file('/etc/passwd'); END$$", kNoRight},
      {"DO $$BEGIN DELETE FROM accounting; END$$", "pass --write to allow it"},
      {"DELETE FROM accounting", "pass --write to allow it"},
      {"COMMIT; DELETE FROM accounting", kOneAtATime},
  };
  for (const Attempt& a : attempts) {
    const RunResult r = ws.Sluice({"sql", a.sql});
    EXPECT_EQ(r.exit_code, 1) << a.sql << "\n" << r.Describe();
    EXPECT_THAT(r.err, StartsWith("error: ")) << a.sql;
    EXPECT_THAT(r.err, HasSubstr(a.why)) << a.sql;
    EXPECT_EQ(r.out, "") << a.sql;
  }
  EXPECT_EQ(Dump(ws), before);
  EXPECT_FALSE(std::filesystem::exists(program));
  EXPECT_FALSE(std::filesystem::exists(file));
  ExpectTheServerCouldWriteBeside(roles.admin(), folder);

  // --write is the warehouse's own login, as before.
  const RunResult bookkeeping = ws.Sluice({"sql", "--write", "SELECT count(*) AS n FROM sluice_streams"});
  EXPECT_RUN_OK(bookkeeping);
  EXPECT_RUN_OK(ws.Sluice({"status"}));
}

TEST(PgSqlCli, TheReadLoginCanComeFromTheEnvironment) {
  TestRoles roles;
  const std::string role = roles.Make("ro");
  const std::string reader = roles.Make("reader", "LOGIN");
  Workspace ws(ReadOnlyConfig(role, ""));
  if (!ws.on_postgres()) GTEST_SKIP() << "PostgreSQL's read path";
  RunOptions env;
  env.env = {{"SLUICE_PG_READ_DSN", DsnAs(PgDsn(), reader)}};
  const RunResult who = ws.Sluice({"sql", "-f", "csv", "SELECT current_user AS u"}, env);
  EXPECT_RUN_OK(who);
  EXPECT_EQ(who.out, "u\r\n" + reader + "\r\n");
  const RunResult bookkeeping = ws.Sluice({"sql", "SELECT count(*) FROM sluice_streams"}, env);
  EXPECT_EQ(bookkeeping.exit_code, 1) << bookkeeping.Describe();
  EXPECT_THAT(bookkeeping.err, HasSubstr(kNoRight));
  // Without it, the warehouse's own login reads, as before.
  EXPECT_RUN_OK(ws.Sluice({"sql", "SELECT count(*) FROM sluice_streams"}));
}

TEST(PgSqlCli, AReadLoginWithMoreThanReadingRightsIsRefusedBeforeTheStatementRuns) {
  TestRoles roles;
  const std::string role = roles.Make("ro");
  const std::string programs = roles.Make("programs", "LOGIN IN ROLE pg_execute_server_program");
  OpenFolder folder;
  const std::string marker = folder.File("marker");
  const std::string touch = CopyToTouch(marker);
  struct Login {
    std::string dsn, why;
  };
  for (const Login& login : {Login{PgDsn(), "a superuser, whose rights no read-only transaction restrains"},
                             Login{DsnAs(PgDsn(), programs), "may read or write the server's files or run programs"}}) {
    Workspace ws(ReadOnlyConfig(role, login.dsn));
    if (!ws.on_postgres()) GTEST_SKIP() << "PostgreSQL's read path";
    const RunResult r = ws.Sluice({"sql", touch});
    EXPECT_EQ(r.exit_code, 1) << r.Describe();
    EXPECT_THAT(r.err, StartsWith("error: warehouse.read_dsn logs in as ")) << login.dsn;
    EXPECT_THAT(r.err, HasSubstr(login.why)) << login.dsn;
  }
  EXPECT_FALSE(std::filesystem::exists(marker));
  ExpectTheServerCouldWriteBeside(roles.admin(), folder);
}

}  // namespace
}  // namespace sluice::testing
