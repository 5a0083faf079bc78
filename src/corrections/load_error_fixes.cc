#include "corrections/load_error_fixes.h"

#include <filesystem>
#include <fstream>

#include <simdjson.h>

#include "base/text.h"
#include "base/utf8.h"
#include "loader/loader.h"

namespace sluice {
namespace {


// The fixed event of one import line: `event` (an object) if given, else
// `raw` parsed as JSON, which must be an object.
Result<LoadErrorFix> ParseFix(simdjson::dom::parser& parser, const std::string& text) {
  simdjson::dom::element doc;
  if (auto e = parser.parse(simdjson::padded_string(text)).get(doc))
    return Status::InvalidArgument(fmt::format("not JSON: {}", simdjson::error_message(e)));
  LoadErrorFix fix;
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
  ASSIGN_OR_RETURN(auto rows, warehouse->load_errors().Unfixed(event));
  for (const auto& r : rows)
    *out << fmt::format("{{\"landed_as\":{},\"line\":{},\"file\":{},\"error\":{},\"raw\":{}}}\n",
                        JsonQuote(r.landed_as), r.line, JsonQuote(r.file), JsonQuote(r.error),
                        JsonQuote(ValidUtf8(r.raw)));
  return static_cast<int64_t>(rows.size());
}

Result<int64_t> ImportLoadErrorFixes(Warehouse* warehouse, const EventSpec& event, const std::string& path,
                                     const std::string& by) {
  std::ifstream in(path);
  if (!in) return Status::NotFound(fmt::format("cannot open '{}'", path));
  simdjson::dom::parser parser;
  std::vector<LoadErrorFix> fixes;
  std::string text;
  for (int64_t number = 1; std::getline(in, text); ++number) {
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto fix = ParseFix(parser, text);
    if (!fix.ok()) return Status::InvalidArgument(fmt::format("{}:{}: {}", path, number, fix.status().message()));
    fixes.push_back(std::move(*fix));
  }
  if (fixes.empty()) return Status::InvalidArgument(fmt::format("'{}' has no fixes", path));
  RETURN_IF_ERROR(warehouse->load_errors().StoreFixes(event, fixes, by));
  return static_cast<int64_t>(fixes.size());
}

Result<int64_t> ReplayLoadErrorFixes(const Config& config, Warehouse* warehouse, const EventSpec& event) {
  ASSIGN_OR_RETURN(auto fixes, warehouse->load_errors().Unreplayed(event));
  if (fixes.empty()) return 0;
  // The same fixes make the same file, so a rerun after a crash is skipped
  // by the load history instead of loading them twice.
  const std::string dir = config.data_dir + "/fixes";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IOError(fmt::format("cannot create '{}': {}", dir, ec.message()));
  const std::string path = fmt::format("{}/load-error-fixes-{}.ndjson", dir, event.name);
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    for (const auto& fix : fixes) out << fix.payload << "\n";
    if (!out.flush()) return Status::IOError(fmt::format("cannot write '{}'", path));
  }
  Loader loader(Env::Default(), LandingFoldersOf(config), warehouse);
  auto loaded = loader.LoadFile(event, path);
  std::filesystem::remove(path, ec);
  RETURN_IF_ERROR(loaded.status());
  RETURN_IF_ERROR(warehouse->load_errors().MarkReplayed(event, fixes));
  return static_cast<int64_t>(fixes.size());
}

}  // namespace sluice
