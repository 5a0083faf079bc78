#include "pg_harness.h"

#include <libpq-fe.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

namespace sluice::testing {

namespace {

std::string Trim(std::string_view s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  const size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

// A line's content without a trailing `# comment` (a '#' at the start or
// after whitespace, outside quotes).
std::string StripComment(std::string_view line) {
  char quote = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) {
      return std::string(line.substr(0, i));
    }
  }
  return std::string(line);
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  size_t at = 0;
  while (at < text.size()) {
    const size_t nl = text.find('\n', at);
    if (nl == std::string::npos) {
      lines.push_back(text.substr(at));
      break;
    }
    lines.push_back(text.substr(at, nl - at));
    at = nl + 1;
  }
  return lines;
}

std::string EntryKey(const std::string& entry) { return Trim(entry.substr(0, entry.find(':'))); }

}  // namespace

std::string PgClusterScript() { return SourceDir() + "/scripts/pg-cluster.sh"; }

RunResult RestartPgCluster(const std::string& dir, const std::string& mode) {
  RunOptions options;
  options.timeout = std::chrono::seconds(120);
  return RunProcess({PgClusterScript(), "restart", dir, mode}, options);
}

PgCluster::PgCluster() : parent_("sluice-pg") {
  // mkdtemp makes the folder 0700; the cluster's owner (postgres, when the
  // tests run as root) must reach the cluster inside.
  ::chmod(parent_.path().c_str(), 0755);
  dir_ = parent_.path() + "/cluster";
  RunOptions options;
  options.timeout = std::chrono::seconds(120);
  const RunResult r = RunProcess({PgClusterScript(), "start", dir_}, options);
  if (r.exit_code != 0) throw std::runtime_error("cannot start a PostgreSQL cluster: " + r.Describe());
  dsn_ = Trim(ReadFile(dir_ + "/dsn"));
}

PgCluster::~PgCluster() {
  RunOptions options;
  options.timeout = std::chrono::seconds(120);
  RunProcess({PgClusterScript(), "stop", dir_}, options);
}

RunResult PgCluster::Stop() const { return RunProcess({PgClusterScript(), "down", dir_}); }
RunResult PgCluster::Start() const { return RunProcess({PgClusterScript(), "up", dir_}); }

PgConnection::PgConnection(const std::string& dsn, const std::string& schema, bool read_only)
    : dsn_(dsn), schema_(schema), read_only_(read_only) {
  Connect();
}

PgConnection::~PgConnection() { PQfinish(conn_); }

void PgConnection::Connect() {
  PQfinish(conn_);
  conn_ = PQconnectdb(dsn_.c_str());
  if (PQstatus(conn_) != CONNECTION_OK) {
    const std::string msg = PQerrorMessage(conn_);
    PQfinish(conn_);
    conn_ = nullptr;
    throw std::runtime_error(fmt::format("connect to {}: {}", dsn_, Trim(msg)));
  }
  std::string setup = "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET extra_float_digits = 1; "
                      "SET lock_timeout = '30s'; SET client_min_messages = warning;";
  if (!schema_.empty()) setup += " SET search_path = " + QuotePgIdent(schema_) + ";";
  if (read_only_) setup += " SET default_transaction_read_only = on;";
  PGresult* res = PQexec(conn_, setup.c_str());
  const bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
  PQclear(res);
  if (!ok) throw std::runtime_error(fmt::format("session setup: {}", Trim(PQerrorMessage(conn_))));
}

std::vector<Row> PgConnection::Query(const std::string& sql) {
  for (int attempt = 0;; ++attempt) {
    if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) Connect();
    // The extended protocol: exactly one statement, as sqlite3_prepare takes one.
    PGresult* res = PQexecParams(conn_, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, /*resultFormat=*/0);
    const ExecStatusType status = PQresultStatus(res);
    if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
      std::vector<Row> rows(static_cast<size_t>(PQntuples(res)));
      const int columns = PQnfields(res);
      for (int r = 0; r < PQntuples(res); ++r) {
        Row& row = rows[static_cast<size_t>(r)];
        row.reserve(static_cast<size_t>(columns));
        for (int c = 0; c < columns; ++c)
          row.push_back(PgCell(std::string_view(PQgetvalue(res, r, c), static_cast<size_t>(PQgetlength(res, r, c))),
                               PQgetisnull(res, r, c) != 0, PQftype(res, c), PQfmod(res, c)));
      }
      PQclear(res);
      return rows;
    }
    const std::string msg = Trim(PQresultErrorMessage(res));
    PQclear(res);
    if (attempt == 0 && PQstatus(conn_) != CONNECTION_OK) continue;  // the server went away: once more
    throw std::runtime_error(fmt::format("{}: {}", sql, msg));
  }
}

void PgConnection::Exec(const std::string& sql) {
  for (int attempt = 0;; ++attempt) {
    if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) Connect();
    PGresult* res = PQexec(conn_, sql.c_str());
    const ExecStatusType status = PQresultStatus(res);
    const std::string msg = Trim(PQresultErrorMessage(res));
    PQclear(res);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY) return;
    if (attempt == 0 && PQstatus(conn_) != CONNECTION_OK) continue;
    throw std::runtime_error(fmt::format("{}: {}", sql, msg));
  }
}

std::string SqliteRealText(double value) {
  // SQLite's own renderer, so the text is what sqlite3_column_text gives for
  // a REAL whatever the SQLite version's rules are. One in-memory database
  // per thread.
  struct Renderer {
    sqlite3* db = nullptr;
    sqlite3_stmt* stmt = nullptr;
    Renderer() {
      if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
          sqlite3_prepare_v2(db, "SELECT ?1", -1, &stmt, nullptr) != SQLITE_OK)
        throw std::runtime_error("sqlite3 in-memory database for rendering reals");
    }
    ~Renderer() {
      sqlite3_finalize(stmt);
      sqlite3_close(db);
    }
  };
  thread_local Renderer renderer;
  sqlite3_reset(renderer.stmt);
  sqlite3_bind_double(renderer.stmt, 1, value);
  if (sqlite3_step(renderer.stmt) != SQLITE_ROW) throw std::runtime_error("sqlite3_step rendering a real");
  if (sqlite3_column_type(renderer.stmt, 0) == SQLITE_NULL) return "";  // NaN binds as NULL
  const auto* p = static_cast<const char*>(sqlite3_column_blob(renderer.stmt, 0));
  std::string text(p ? p : "", static_cast<size_t>(sqlite3_column_bytes(renderer.stmt, 0)));
  sqlite3_reset(renderer.stmt);
  return text;
}

std::string SqliteTimestampText(std::string_view pg) {
  // ISO output: "YYYY-MM-DD HH:MM:SS[.f{1,6}][+HH[:MM]]"; special values
  // (infinity) and BC dates are passed through.
  const size_t space = pg.find(' ');
  if (space == std::string_view::npos || pg.size() < space + 9 || pg.find(" BC") != std::string_view::npos)
    return std::string(pg);
  const size_t time_end = space + 9;  // after HH:MM:SS
  std::string out(pg.substr(0, time_end));
  size_t at = time_end;
  std::string fraction;
  if (at < pg.size() && pg[at] == '.') {
    ++at;
    while (at < pg.size() && pg[at] >= '0' && pg[at] <= '9') fraction += pg[at++];
  }
  fraction.resize(6, '0');
  out += "." + fraction;
  // What is left is a zone offset, "+00" in UTC; the SQLite backend's text has none.
  const std::string_view zone = pg.substr(at);
  if (!zone.empty() && zone != "+00" && zone != "+00:00")
    throw std::runtime_error(fmt::format("timestamp {} is not in UTC: the session TimeZone must be UTC", pg));
  return out;
}

std::string MinifyJson(std::string_view json) {
  std::string out;
  out.reserve(json.size());
  bool in_string = false, escaped = false;
  for (char c : json) {
    if (in_string) {
      out += c;
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
      out += c;
    } else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
      out += c;
    }
  }
  return out;
}

Cell PgCell(std::string_view text, bool is_null, unsigned type_oid, int type_modifier) {
  Cell c;
  if (is_null) {
    c.type = SQLITE_NULL;
    return c;
  }
  switch (type_oid) {
    case pg_oid::kBool:
      c.type = SQLITE_INTEGER;
      c.integer = text == "t" ? 1 : 0;
      c.text = c.integer ? "1" : "0";
      return c;
    case pg_oid::kInt2:
    case pg_oid::kInt4:
    case pg_oid::kInt8:
    case pg_oid::kOid:
      c.type = SQLITE_INTEGER;
      c.text = std::string(text);
      c.integer = std::stoll(c.text);
      return c;
    case pg_oid::kNumeric:
      // sum(), avg() of integers…: unconstrained numeric. An integral one is
      // what SQLite's integer arithmetic gives; declared numeric(p,s)
      // columns are the decimal columns SQLite stores as REAL.
      if (type_modifier < 0 && !text.empty() && text.size() < 19 &&
          text.find_first_not_of("-0123456789") == std::string_view::npos) {
        c.type = SQLITE_INTEGER;
        c.text = std::string(text);
        c.integer = std::stoll(c.text);
        return c;
      }
      [[fallthrough]];
    case pg_oid::kFloat4:
    case pg_oid::kFloat8: {
      // strtod reads "NaN", "Infinity" and "-Infinity" too. numeric text is
      // exact decimal: the nearest double is what the SQLite backend stores
      // for the same rounded decimal (from_chars of the same digits).
      const std::string s(text);
      c.type = SQLITE_FLOAT;
      c.real = std::strtod(s.c_str(), nullptr);
      c.text = SqliteRealText(c.real);
      return c;
    }
    case pg_oid::kTimestamp:
    case pg_oid::kTimestampTz:
      c.type = SQLITE_TEXT;
      c.text = SqliteTimestampText(text);
      return c;
    case pg_oid::kJson:
    case pg_oid::kJsonb:
      c.type = SQLITE_TEXT;
      c.text = MinifyJson(text);
      return c;
    case pg_oid::kBytea: {
      c.type = SQLITE_BLOB;
      // Hex output: "\x0a1b…".
      if (text.size() >= 2 && text[0] == '\\' && text[1] == 'x') {
        for (size_t i = 2; i + 1 < text.size(); i += 2)
          c.text += static_cast<char>(std::stoi(std::string(text.substr(i, 2)), nullptr, 16));
      } else {
        c.text = std::string(text);
      }
      return c;
    }
    default:  // text, varchar, bpchar, name, date (ISO: YYYY-MM-DD), unknown…
      c.type = SQLITE_TEXT;
      c.text = std::string(text);
      return c;
  }
}

std::string WithPostgresWarehouse(const std::string& yaml, const std::string& dsn, const std::string& schema) {
  // A YAML single-quoted scalar escapes ' as '', as an SQL literal does.
  return WithWarehouseSection(yaml, fmt::format("backend: postgres, dsn: {}, schema: {}", QuotePgLiteral(dsn), schema),
                              {"backend", "dsn", "schema"});
}

std::string WithWarehouseSection(const std::string& yaml, const std::string& ours,
                                 const std::vector<std::string>& replaced) {
  std::vector<std::string> lines = SplitLines(yaml);
  size_t header = lines.size();
  for (size_t i = 0; i < lines.size(); ++i)
    if (lines[i].rfind("warehouse:", 0) == 0) header = i;
  if (header == lines.size()) {
    std::string out = yaml;
    if (!out.empty() && out.back() != '\n') out += '\n';
    return out + "warehouse: {" + ours + "}\n";
  }
  // The block: the lines after the header that are indented, blank or comments.
  size_t end = header + 1;
  while (end < lines.size() &&
         (lines[end].empty() || lines[end][0] == ' ' || lines[end][0] == '\t' || lines[end][0] == '#'))
    ++end;
  // Keys kept from the test's section (readonly_role…), in order.
  std::vector<std::string> kept;
  const auto keep = [&](const std::string& entry) {
    const std::string key = EntryKey(entry);
    if (!entry.empty() && std::find(replaced.begin(), replaced.end(), key) == replaced.end()) kept.push_back(entry);
  };
  std::string inline_value = Trim(StripComment(std::string_view(lines[header]).substr(10)));
  if (!inline_value.empty()) {
    // warehouse: {backend: sqlite, …} on one line.
    if (inline_value.front() != '{' || inline_value.back() != '}')
      throw std::runtime_error("cannot rewrite the warehouse section: " + lines[header]);
    const std::string inner = inline_value.substr(1, inline_value.size() - 2);
    size_t at = 0;
    while (at <= inner.size()) {
      const size_t comma = std::min(inner.find(',', at), inner.size());
      keep(Trim(std::string_view(inner).substr(at, comma - at)));
      at = comma + 1;
    }
  }
  for (size_t i = header + 1; i < end; ++i) keep(Trim(StripComment(lines[i])));
  // One flow mapping over the block's lines: line numbers after it do not move.
  lines[header] = "warehouse: {" + ours + (kept.empty() ? "}" : ",");
  size_t next = 0;
  for (size_t i = header + 1; i < end; ++i) {
    if (next < kept.size()) {
      lines[i] = "  " + kept[next] + (next + 1 == kept.size() ? "}" : ",");
      ++next;
    } else {
      lines[i] = "";
    }
  }
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  if (!yaml.empty() && yaml.back() != '\n') out.pop_back();
  return out;
}

std::string QuotePgIdent(std::string_view name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string QuotePgLiteral(std::string_view text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

}  // namespace sluice::testing
