#include "corrections/load_error_fixes.h"

#include <filesystem>
#include <fstream>

#include <simdjson.h>

#include "base/clock.h"
#include "base/text.h"
#include "base/utf8.h"
#include "loader/loader.h"

namespace sluice {
namespace {

constexpr int64_t kScriptTimeout = int64_t{3600} * 1000 * 1000;

struct Fix {
  std::string landed_as;
  int64_t line = 0;
  std::string payload;
};

// The fixed event of one import line: `event` (an object) if given, else
// `raw` parsed as JSON, which must be an object.
Result<Fix> ParseFix(simdjson::dom::parser& parser, const std::string& text) {
  simdjson::dom::element doc;
  if (auto e = parser.parse(simdjson::padded_string(text)).get(doc))
    return Status::InvalidArgument(fmt::format("not JSON: {}", simdjson::error_message(e)));
  Fix fix;
  std::string_view landed_as;
  if (doc["landed_as"].get(landed_as) || doc["line"].get(fix.line))
    return Status::InvalidArgument("not a line of `sluice load-errors export` (it needs landed_as and line)");
  fix.landed_as = std::string(landed_as);
  simdjson::dom::object event;
  if (!doc["event"].get(event)) {
    fix.payload = simdjson::minify(event);
    return fix;
  }
  std::string_view raw;
  if (doc["raw"].get(raw)) return Status::InvalidArgument("it has neither an \"event\" object nor a \"raw\" text");
  simdjson::dom::parser inner;
  simdjson::dom::element fixed;
  if (auto e = inner.parse(simdjson::padded_string(raw)).get(fixed))
    return Status::InvalidArgument(fmt::format("its raw text is still not JSON: {}", simdjson::error_message(e)));
  if (fixed.type() != simdjson::dom::element_type::OBJECT)
    return Status::InvalidArgument("its raw text is JSON but not an object");
  fix.payload = std::string(raw);
  return fix;
}

}  // namespace

Result<int64_t> ExportLoadErrors(Warehouse* warehouse, const EventSpec& event, std::ostream* out) {
  ASSIGN_OR_RETURN(auto rows, warehouse->Execute("SELECT e.landed_as, e.line, e.file, e.error, e.raw "
                                                 "FROM sluice_load_errors e WHERE e.event_type = $1 AND e.landed_as IS NOT NULL AND NOT EXISTS "
                                                 "(SELECT 1 FROM sluice_load_error_fixes f WHERE f.event_type = "
                                                 "e.event_type AND f.landed_as = e.landed_as AND f.line = e.line "
                                                 "AND f.replayed_at IS NOT NULL) ORDER BY e.landed_as, e.line",
                                                 {event.name}));
  for (const auto& r : rows)
    *out << fmt::format("{{\"landed_as\":{},\"line\":{},\"file\":{},\"error\":{},\"raw\":{}}}\n",
                        JsonQuote(r[0].value_or("")), r[1].value_or("0"), JsonQuote(r[2].value_or("")),
                        JsonQuote(r[3].value_or("")), JsonQuote(ValidUtf8(r[4].value_or(""))));
  return static_cast<int64_t>(rows.size());
}

Result<int64_t> ImportLoadErrorFixes(Warehouse* warehouse, const EventSpec& event, const std::string& path,
                                     const std::string& by) {
  std::ifstream in(path);
  if (!in) return Status::NotFound(fmt::format("cannot open '{}'", path));
  simdjson::dom::parser parser;
  std::vector<std::string> sql;
  const std::string at = SqlLiteral(FormatTimestamp(NowMicros()));
  std::string text;
  int64_t fixes = 0;
  for (int64_t number = 1; std::getline(in, text); ++number) {
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto fix = ParseFix(parser, text);
    if (!fix.ok()) return Status::InvalidArgument(fmt::format("{}:{}: {}", path, number, fix.status().message()));
    const std::string where = fmt::format("event_type = {} AND landed_as = {} AND line = {}", SqlLiteral(event.name),
                                          SqlLiteral(fix->landed_as), fix->line);
    sql.push_back(fmt::format("DELETE FROM sluice_load_error_fixes WHERE {} AND replayed_at IS NULL", where));
    sql.push_back(fmt::format("INSERT INTO sluice_load_error_fixes (event_type, landed_as, line, payload, "
                              "imported_by, imported_at) VALUES ({}, {}, {}, {}, {}, {})",
                              SqlLiteral(event.name), SqlLiteral(fix->landed_as), fix->line,
                              SqlLiteral(fix->payload), SqlLiteral(by), at));
    ++fixes;
  }
  if (fixes == 0) return Status::InvalidArgument(fmt::format("'{}' has no fixes", path));
  RETURN_IF_ERROR(warehouse->RunScript(Join(sql, ";\n") + ";", kScriptTimeout).status());
  return fixes;
}

Result<int64_t> ReplayLoadErrorFixes(const Config& config, Warehouse* warehouse, const EventSpec& event) {
  ASSIGN_OR_RETURN(auto rows, warehouse->Execute("SELECT landed_as, line, payload FROM sluice_load_error_fixes "
                                                 "WHERE event_type = $1 AND replayed_at IS NULL "
                                                 "ORDER BY landed_as, line",
                                                 {event.name}));
  if (rows.empty()) return 0;
  // The same fixes make the same file, so a rerun after a crash is skipped
  // by the load history instead of loading them twice.
  const std::string dir = config.data_dir + "/fixes";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IOError(fmt::format("cannot create '{}': {}", dir, ec.message()));
  const std::string path = fmt::format("{}/load-error-fixes-{}.ndjson", dir, event.name);
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    for (const auto& r : rows) out << r[2].value_or("") << "\n";
    if (!out.flush()) return Status::IOError(fmt::format("cannot write '{}'", path));
  }
  Loader loader(Env::Default(), LandingFoldersOf(config), warehouse);
  auto loaded = loader.LoadFile(event, path);
  std::filesystem::remove(path, ec);
  RETURN_IF_ERROR(loaded.status());
  std::vector<std::string> sql;
  const std::string at = SqlLiteral(FormatTimestamp(NowMicros()));
  for (const auto& r : rows)
    sql.push_back(fmt::format("UPDATE sluice_load_error_fixes SET replayed_at = {} WHERE event_type = {} AND "
                              "landed_as = {} AND line = {} AND replayed_at IS NULL",
                              at, SqlLiteral(event.name), SqlLiteral(r[0].value_or("")), r[1].value_or("0")));
  RETURN_IF_ERROR(warehouse->RunScript(Join(sql, ";\n") + ";", kScriptTimeout).status());
  return static_cast<int64_t>(rows.size());
}

}  // namespace sluice
