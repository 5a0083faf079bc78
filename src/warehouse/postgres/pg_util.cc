
#include "base/utf8.h"
#include "base/text.h"
#include "warehouse/postgres/pg_internal.h"

namespace sluice {

std::string PgTable(const std::string& schema, std::string_view name) {
  return QuoteIdent(schema) + "." + QuoteIdent(name);
}

Status PgLock(PgConnection* conn, const std::string& name) {
  return conn->Query("SELECT pg_advisory_xact_lock(hashtext($1))", {name}).status();
}

std::string PgSafeText(std::string_view text) {
  std::string out = ValidUtf8(text);
  for (size_t at = out.find('\0'); at != std::string::npos; at = out.find('\0', at + 3))
    out.replace(at, 1, "\xEF\xBF\xBD");  // PostgreSQL text cannot hold NUL either
  return out;
}

std::optional<std::string> JsonbRefusal(std::string_view json) {
  for (size_t at = json.find("\\u0000"); at != std::string_view::npos; at = json.find("\\u0000", at + 1)) {
    size_t backslashes = 0;  // \\u0000 is a backslash and the text "u0000", not an escape
    while (at > backslashes && json[at - backslashes - 1] == '\\') ++backslashes;
    if (backslashes % 2 == 0)
      return std::string("the event holds \\u0000, which PostgreSQL's jsonb cannot store");
  }
  return std::nullopt;
}

void PgAbandon(PgConnection* conn, bool in_copy) {
  if (conn->Broken()) return;
  if (in_copy) {
    PQputCopyEnd(conn->get(), "abandoned");
    while (PGresult* r = PQgetResult(conn->get())) PQclear(r);
  }
  (void)conn->Exec("ROLLBACK");
}

}  // namespace sluice
