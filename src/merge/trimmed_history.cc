#include "merge/trimmed_history.h"

#include <unordered_set>

#include "catalog/ddl.h"
#include "landing/byte_source.h"
#include "landing/line_reader.h"

namespace sluice {

Result<std::vector<std::string>> TrimmedFiles(MergeTransaction* txn, const EventSpec& event) {
  // One scan of staging for the files it still holds, rather than a lookup
  // per file (staging has no index on source).
  ASSIGN_OR_RETURN(auto in_staging, txn->Execute(fmt::format("SELECT DISTINCT source FROM {}",
                                                             QuoteIdent(event.staging_table()))));
  std::unordered_set<std::string> staged;
  for (auto& row : in_staging)
    if (row[0]) staged.insert(std::move(*row[0]));
  ASSIGN_OR_RETURN(auto loaded, txn->Execute("SELECT landed_as FROM sluice_load_history WHERE event_type = $1 "
                                             "AND rows > 0 ORDER BY loaded_at, landed_as",
                                             {event.name}));
  std::vector<std::string> trimmed;
  for (auto& row : loaded)
    if (!staged.count(*row[0])) trimmed.push_back(std::move(*row[0]));
  return trimmed;
}

Status ReadTrimmedFile(const std::string& data_dir, const std::string& landed_as, size_t chunk_rows,
                       const std::function<bool(int64_t line)>& skip,
                       const std::function<Status(const StagingChunk&)>& chunk) {
  const std::string path = data_dir + "/" + landed_as;
  auto source = OpenByteSource(Env::Default(), path);
  if (!source.ok())
    return Status::NotFound(fmt::format("the history needs the landed file '{}', whose staging rows retention "
                                        "deleted, but it cannot be read: {}",
                                        path, source.status().message()));
  LineReader reader(std::move(*source));
  StagingChunk current;
  Line line;
  while (true) {
    ASSIGN_OR_RETURN(bool more, reader.Next(&line));
    if (!more) break;
    std::string_view text = line.text;
    if (line.number == 1 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // as the loader does
    if (line.too_long || text.find_first_not_of(" \t") == std::string_view::npos || skip(line.number)) continue;
    current.Add(0, text);
    if (current.size() >= chunk_rows) {
      RETURN_IF_ERROR(chunk(current));
      current = StagingChunk();
    }
  }
  return current.empty() ? Status::Ok() : chunk(current);
}

}  // namespace sluice
