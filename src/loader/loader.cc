#include "loader/loader.h"

#include <filesystem>
#include <vector>

#include <simdjson.h>

#include "base/log.h"
#include "landing/byte_source.h"
#include "landing/land_copy.h"
#include "landing/landed_file_writer.h"
#include "landing/layout.h"
#include "landing/line_reader.h"

namespace sluice {
namespace {

static_assert(kLinePadding >= simdjson::SIMDJSON_PADDING, "lines must carry simdjson's padding");

bool IsBlank(std::string_view s) {
  return s.find_first_not_of(" \t\r") == std::string_view::npos;
}

std::string_view TypeName(simdjson::dom::element_type t) {
  switch (t) {
    case simdjson::dom::element_type::ARRAY: return "an array";
    case simdjson::dom::element_type::STRING: return "a string";
    case simdjson::dom::element_type::INT64:
    case simdjson::dom::element_type::UINT64:
    case simdjson::dom::element_type::DOUBLE: return "a number";
    case simdjson::dom::element_type::BOOL: return "a boolean";
    case simdjson::dom::element_type::NULL_VALUE: return "null";
    default: return "not an object";
  }
}

}  // namespace

Result<LoadOutcome> Loader::LoadFile(const EventSpec& event, const std::string& path) {
  // A file that is already in the landing zone (a sealed file, or one loaded
  // before) is loaded where it is: copying it would make a second record.
  auto canonical = env_->ResolvePath(path);
  auto landing = env_->ResolvePath(folders_.landing_dir);
  if (canonical.ok() && landing.ok()) {
    const std::string relative_to_landing =
        std::filesystem::path(*canonical).lexically_relative(*landing).string();
    if (!relative_to_landing.empty() && relative_to_landing.rfind("..", 0) != 0 &&
        relative_to_landing.rfind(kOpenFolder, 0) != 0) {
      ASSIGN_OR_RETURN(std::string checksum, ContentChecksum(env_, path));
      ASSIGN_OR_RETURN(const std::string data_dir, env_->ResolvePath(folders_.data_dir));
      const std::string landed_as = std::filesystem::path(*canonical).lexically_relative(data_dir).string();
      return LoadLandedFile(event, path, landed_as, checksum);
    }
  }
  LandedFileWriter writer(env_);
  const std::string dir = LandingPartitionDir(folders_.landing_dir, event.name, env_->NowMicros(), kLoadTenant);
  RETURN_IF_ERROR(writer.Open(dir, folders_.data_dir));
  ASSIGN_OR_RETURN(CopiedContent copied, CopyIntoLanding(env_, path, &writer));
  const std::string& checksum = copied.checksum;
  ASSIGN_OR_RETURN(auto loaded_as, warehouse_->LoadedAs(event.name, checksum));
  if (loaded_as) {
    writer.Abort();
    LoadOutcome outcome;
    outcome.skipped = true;
    outcome.checksum = checksum;
    return outcome;
  }
  const std::string name = LoadedFileName(path, checksum);
  RETURN_IF_ERROR(writer.Finish(name));
  const std::string landed_as =
      std::filesystem::path(dir + "/" + name).lexically_relative(folders_.data_dir).string();
  ASSIGN_OR_RETURN(LoadOutcome outcome, Load(event, path, landed_as, checksum, LoadIdentity::kContent));
  if (outcome.skipped) {
    // Another load of the same content won the race: keep only the copy the
    // load history names, so the landing zone holds each content once.
    ASSIGN_OR_RETURN(auto winner, warehouse_->LoadedAs(event.name, checksum));
    if (winner && *winner != landed_as) {
      // The load itself is done; a copy left behind is only a spare.
      const Status removed = env_->RemoveFile(folders_.data_dir + "/" + landed_as);
      if (!removed.ok() && removed.code() != StatusCode::kNotFound)
        Log("loader")->warn("{} duplicates {} and could not be removed: {}", landed_as, *winner, removed.message());
    }
  }
  return outcome;
}

Result<LoadOutcome> Loader::Load(const EventSpec& event, const std::string& original_path,
                                 const std::string& landed_as, const std::string& checksum, LoadIdentity identity) {
  bool loaded = false;
  if (identity == LoadIdentity::kContent) {
    ASSIGN_OR_RETURN(auto loaded_as, warehouse_->LoadedAs(event.name, checksum));
    loaded = loaded_as.has_value();
  } else {
    ASSIGN_OR_RETURN(loaded, warehouse_->LandedFileLoaded(event.name, landed_as));
  }
  if (loaded) {
    LoadOutcome outcome;
    outcome.skipped = true;
    outcome.identity = identity;
    outcome.checksum = checksum;
    return outcome;
  }
  ASSIGN_OR_RETURN(auto source, OpenByteSource(env_, folders_.data_dir + "/" + landed_as));
  LineReader lines(std::move(source));
  ASSIGN_OR_RETURN(auto load, warehouse_->BeginLoad(event, landed_as, original_path));
  simdjson::dom::parser parser;
  LoadOutcome outcome;
  outcome.checksum = checksum;
  outcome.landed_as = landed_as;
  Line line;
  while (true) {
    ASSIGN_OR_RETURN(bool more, lines.Next(&line));
    if (!more) break;
    std::string_view text = line.text;
    if (line.number == 1 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // UTF-8 BOM
    if (IsBlank(text)) continue;
    std::string error;
    if (line.too_long) {
      error = fmt::format("the line is longer than {} bytes", kDefaultMaxLine);
    } else {
      simdjson::dom::element doc;
      if (auto e = parser.parse(text.data(), text.size(), false).get(doc)) {
        error = fmt::format("invalid JSON: {}", simdjson::error_message(e));
      } else if (doc.type() != simdjson::dom::element_type::OBJECT) {
        error = fmt::format("not a JSON object (found {})", TypeName(doc.type()));
      } else if (auto refusal = load->Refuses(text)) {
        error = std::move(*refusal);
      }
    }
    if (error.empty()) {
      RETURN_IF_ERROR(load->Append(text, line.number));
      ++outcome.rows;
    } else {
      RETURN_IF_ERROR(load->AddError(line.number, error, text));
      ++outcome.errors;
    }
  }
  LoadRecord record;
  record.identity = identity;
  record.path = original_path;
  record.landed_as = landed_as;
  record.checksum = checksum;
  record.event_type = event.name;
  record.rows = outcome.rows;
  record.errors = outcome.errors;
  if (Status st = load->Commit(record); !st.ok()) {
    if (st.code() != StatusCode::kAlreadyExists) return st;
    outcome = LoadOutcome{};
    outcome.skipped = true;
    outcome.identity = identity;
    outcome.checksum = checksum;
  }
  return outcome;
}

}  // namespace sluice
