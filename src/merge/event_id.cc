#include "merge/event_id.h"

#include "base/text.h"
#include "base/utf8.h"

namespace sluice {

std::string EventIdText(const std::vector<std::string_view>& parts) {
  if (parts.size() == 1) return std::string(parts[0]);
  std::string out = "[";
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += JsonQuote(parts[i]);
  }
  out.push_back(']');
  return out;
}

Result<std::vector<std::string>> IdsFromValues(const EventSpec& event, const std::vector<std::string>& values) {
  const size_t width = event.id.size();
  if (width == 0)
    return Status::InvalidArgument(fmt::format("{} has no id: in the catalog, so --id cannot name its events "
                                               "(add `id: PATH` to events.{} in the config)",
                                               event.name, event.name));
  if (values.size() % width != 0) {
    std::vector<std::string> paths;
    for (const auto& p : event.id) paths.push_back(p.text);
    return Status::InvalidArgument(fmt::format("{} has an id of {} values ({}); --id got {} value{}", event.name,
                                               width, Join(paths, ", "), values.size(), values.size() == 1 ? "" : "s"));
  }
  std::vector<std::string> ids;
  for (size_t i = 0; i < values.size(); i += width)
    ids.push_back(EventIdText(std::vector<std::string_view>(values.begin() + static_cast<long>(i),
                                                            values.begin() + static_cast<long>(i + width))));
  return ids;
}

EventSpec WithIdColumns(const EventSpec& event) {
  EventSpec spec = event;
  for (const Path& path : event.id) {
    ColumnSpec column;
    column.name = "id:" + path.text;
    column.path = path;
    column.type = ColumnType{};
    spec.columns.push_back(std::move(column));
  }
  return spec;
}

std::optional<std::string> ReadEventId(const PayloadExtractor& extractor, const EventSpec& event) {
  if (event.id.empty() || extractor.columns() < event.columns.size() + event.id.size()) return std::nullopt;
  std::vector<std::string_view> parts;
  for (size_t i = 0; i < event.id.size(); ++i) {
    const JsonScalar* v = extractor.Get(event.columns.size() + i, 0);
    if (v == nullptr) return std::nullopt;
    const bool container = v->kind == JsonScalar::Kind::kObject || v->kind == JsonScalar::Kind::kArray;
    parts.push_back(container ? v->raw : v->text);
  }
  return EventIdText(parts);
}

}  // namespace sluice
