#include "merge/trimmed_history.h"

#include "landing/byte_source.h"
#include "landing/line_reader.h"

namespace sluice {

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
