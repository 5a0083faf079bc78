#include "config/events_config.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "catalog/catalog_limits.h"
#include "config/tasks_config.h"

namespace sluice {
namespace {

// [a-z_][a-z0-9_]*: the characters of a table or column name. Its length
// is checked apart, so that the message can say which rule it breaks.
bool IsSqlName(const std::string& s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || std::isdigit(static_cast<unsigned char>(c)) || c == '_'; });
}

// [A-Za-z0-9][A-Za-z0-9_-]*; at most kMaxEventNameBytes, checked apart.
bool IsEventName(const std::string& s) {
  if (s.empty() || s[0] == '_' || s[0] == '-') return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; });
}

// How deep `path` reaches into the event (see kMaxPathDepth): a path from
// `item` starts below the flattened array's element.
size_t PathDepth(const Path& path, const EventSpec& event) {
  const size_t above = path.relative_to_item && event.flatten ? event.flatten->segments.size() + 1 : 0;
  return above + path.segments.size();
}

// Reports `path` at `mark` when it reaches deeper than kMaxPathDepth; `kind`
// and `owner` say which path it is ("path", " of column 'x'").
void CheckPathDepth(const Path& path, const EventSpec& event, std::string_view kind, std::string_view owner,
                    const YAML::Mark& mark, Problems* problems) {
  const size_t depth = PathDepth(path, event);
  if (depth <= kMaxPathDepth) return;
  const std::string counted =
      path.relative_to_item && event.flatten
          ? fmt::format(", counting the flattened array '{}' and its element", Abbreviated(event.flatten->text))
          : "";
  problems->Add(mark, fmt::format("{} '{}'{} is {} levels deep{} (the limit is {}: the JSON reader refuses events "
                                  "nested deeper, so nothing could be found there)",
                                  kind, Abbreviated(path.text), owner, depth, counted, kMaxPathDepth));
}

std::string DefaultTableName(const std::string& event) {
  std::string out;
  for (char c : event) out.push_back(std::isalnum(static_cast<unsigned char>(c)) ? std::tolower(c) : '_');
  return out;
}

std::optional<Path> ParseEventPath(const YAML::Node& n, std::string_view what, Problems* problems) {
  if (!IsScalar(n, what, problems)) return std::nullopt;
  auto path = ParsePath(n.Scalar());
  if (!path.ok()) {
    problems->Add(n.Mark(), fmt::format("{}: {}", what, path.status().message()));
    return std::nullopt;
  }
  return std::move(path).value();
}

// Reads {path, type} of a column. In a flow map, YAML splits an unquoted
// `type: number(9,2)` at the comma into `type: number(9` and a key `2)`
// without value; the catalog is meant to be written that way (the seed's
// style), so the pieces are joined back until the parentheses balance.
void ReadColumnFields(const YAML::Node& def, const std::string& column, YAML::Node* path, YAML::Node* type,
                      std::string* type_text, Problems* problems) {
  int open_parens = 0;
  for (const auto& kv : def) {
    const std::string key = kv.first.Scalar();
    if (open_parens > 0 && kv.second.IsNull()) {
      *type_text += "," + key;
      open_parens += static_cast<int>(std::count(key.begin(), key.end(), '(') - std::count(key.begin(), key.end(), ')'));
      continue;
    }
    if (key == "path") {
      *path = kv.second;
    } else if (key == "type") {
      *type = kv.second;
      if (kv.second.IsScalar()) {
        *type_text = kv.second.Scalar();
        open_parens = static_cast<int>(std::count(type_text->begin(), type_text->end(), '(') -
                                       std::count(type_text->begin(), type_text->end(), ')'));
      }
    } else {
      problems->Add(kv.first.Mark(), fmt::format("unknown key '{}' in column '{}' (expected one of: path, type)", key,
                                                 column));
    }
  }
}

void ParseColumns(const YAML::Node& node, EventSpec* event, Problems* problems) {
  const std::string where = fmt::format("event '{}'", Abbreviated(event->name));
  if (!node.IsMap() || node.size() == 0) {
    problems->Add(node.Mark(), fmt::format("columns of {} must be a map of column name to {{path, type}}", where));
    return;
  }
  const size_t count = node.size();
  size_t index = 0;
  std::set<std::string> seen;
  for (const auto& kv : node) {
    ColumnSpec col;
    col.name = kv.first.Scalar();
    const YAML::Mark mark = kv.first.Mark();
    if (index++ == kMaxColumnsPerEvent)  // at the first column past the limit, once
      problems->Add(mark, fmt::format("event type '{}' has {} columns (the limit is {}); column {} is here",
                                      Abbreviated(event->name), count, kMaxColumnsPerEvent, kMaxColumnsPerEvent + 1));
    if (!IsSqlName(col.name))
      problems->Add(mark, fmt::format("column name '{}' of {} must be lowercase letters, digits and _, "
                                      "starting with a letter or _", Abbreviated(col.name), where));
    else if (col.name.size() > kMaxIdentifierBytes)
      problems->Add(mark, fmt::format("column name '{}' of {} is {} bytes long (the limit is {}: PostgreSQL cuts "
                                      "longer names short)", Abbreviated(col.name), where, col.name.size(),
                                      kMaxIdentifierBytes));
    else if (col.name.rfind("sluice_", 0) == 0)
      problems->Add(mark, fmt::format("column name '{}' of {} is reserved: names starting with sluice_ are sluice's own",
                                      col.name, where));
    if (!seen.insert(col.name).second)
      problems->Add(mark, fmt::format("duplicate column '{}' in {}", Abbreviated(col.name), where));
    const YAML::Node& def = kv.second;
    if (!def.IsMap()) {
      problems->Add(def.Mark(), fmt::format("column '{}' must be a map {{path: ..., type: ...}}", col.name));
      continue;
    }
    std::string type_text;
    YAML::Node path_node, type_node;
    ReadColumnFields(def, col.name, &path_node, &type_node, &type_text, problems);
    if (!path_node) problems->Add(def.Mark(), fmt::format("column '{}' has no path", col.name));
    if (!type_node) problems->Add(def.Mark(), fmt::format("column '{}' has no type", col.name));
    if (!path_node || !type_node) continue;
    auto path = ParseEventPath(path_node, fmt::format("path of column '{}'", col.name), problems);
    if (path && path->relative_to_item && !event->flatten)
      problems->Add(path_node.Mark(), fmt::format("path '{}' of column '{}' reads the flattened element, "
                                                  "but {} has no 'flatten'", path->text, col.name, where));
    if (path)
      CheckPathDepth(*path, *event, "path", fmt::format(" of column '{}'", col.name), path_node.Mark(), problems);
    if (IsScalar(type_node, fmt::format("type of column '{}'", col.name), problems)) {
      auto type = ParseColumnType(type_text);
      if (!type.ok()) problems->Add(type_node.Mark(), fmt::format("column '{}': {}", col.name, type.status().message()));
      else col.type = *type;
    }
    if (path) col.path = *path;
    event->columns.push_back(std::move(col));
  }
}

// `id: path` or `id: [path, …]`: top-level paths, since an id names the
// whole event, not one element of its flattened array.
// `indexes: [created_at, [customer_id, created_at]]`: each a column or a
// list of columns of the event.
void ParseIndexes(const YAML::Node& node, EventSpec* event, Problems* problems) {
  if (!node.IsSequence()) {
    problems->Add(node.Mark(), "indexes must be a list, each a column or a list of columns");
    return;
  }
  for (const auto& entry : node) {
    std::vector<std::string> columns;
    if (entry.IsScalar()) {
      columns.push_back(entry.Scalar());
    } else if (entry.IsSequence()) {
      for (const auto& c : entry) {
        if (c.IsScalar()) columns.push_back(c.Scalar());
        else problems->Add(c.Mark(), "an index's columns must be column names");
      }
    } else {
      problems->Add(entry.Mark(), "an index must be a column or a list of columns");
      continue;
    }
    if (columns.empty()) {
      problems->Add(entry.Mark(), "an index needs at least one column");
      continue;
    }
    bool known = true;
    for (const std::string& c : columns) {
      if (event->ColumnIndex(c) >= 0) continue;
      problems->Add(entry.Mark(),
                    fmt::format("index column '{}' is not a column of event '{}'", c, Abbreviated(event->name)));
      known = false;
    }
    if (known) event->indexes.push_back(std::move(columns));
  }
}

void ParseEventId(const YAML::Node& node, EventSpec* event, Problems* problems) {
  std::vector<YAML::Node> items;
  if (node.IsSequence()) for (const auto& item : node) items.push_back(item);
  else items.push_back(node);
  if (items.empty()) problems->Add(node.Mark(), fmt::format("id of event '{}' is empty", Abbreviated(event->name)));
  for (const auto& item : items) {
    auto path = ParseEventPath(item, "id", problems);
    if (!path) continue;
    CheckPathDepth(*path, *event, "id path", "", item.Mark(), problems);
    if (path->relative_to_item) {
      problems->Add(item.Mark(), fmt::format("id path '{}' of event '{}' reads the flattened element; an id "
                                             "identifies the whole event, so use a path in the event",
                                             path->text, Abbreviated(event->name)));
    } else if (const auto& f = event->flatten;
               f && path->segments.size() >= f->segments.size() &&
               std::equal(f->segments.begin(), f->segments.end(), path->segments.begin())) {
      problems->Add(item.Mark(), fmt::format("id path '{}' of event '{}' reads the flattened array '{}'; an id "
                                             "identifies the whole event",
                                             path->text, Abbreviated(event->name), f->text));
    } else if (std::find(event->id.begin(), event->id.end(), *path) != event->id.end()) {
      problems->Add(item.Mark(), fmt::format("id path '{}' is listed twice", path->text));
    } else {
      event->id.push_back(std::move(*path));
    }
  }
}

}  // namespace

void ParseEvent(const YAML::Node& name_node, const YAML::Node& node, EventSpec* event, Problems* problems) {
  event->name = name_node.Scalar();
  const std::string where = fmt::format("event '{}'", Abbreviated(event->name));
  const bool name_too_long = event->name.size() > kMaxEventNameBytes;
  if (!IsEventName(event->name))
    problems->Add(name_node.Mark(), fmt::format("event name '{}' must be letters, digits, _ and -, starting with a "
                                                "letter or digit", Abbreviated(event->name)));
  if (name_too_long)
    problems->Add(name_node.Mark(), fmt::format("event name '{}' is {} bytes long (the limit is {})",
                                                Abbreviated(event->name), event->name.size(), kMaxEventNameBytes));
  if (!node.IsMap()) {
    problems->Add(node.Mark(), fmt::format("{} must be a map with table, key, version and columns", where));
    return;
  }
  CheckKeys(node, {"table", "flatten", "key", "version", "tenant", "id", "columns", "merge", "retention", "indexes"},
            where, problems);
  ParseEventTasks(node, event, problems);

  event->table = DefaultTableName(event->name);
  YAML::Mark table_mark = name_node.Mark();  // a default table name is the event name's fault
  const char* from_default = " (the default, from the event name: set 'table')";
  if (const auto t = node["table"]; t && IsScalar(t, "table", problems)) {
    event->table = t.Scalar();
    table_mark = t.Mark();
    from_default = "";
  }
  if (*from_default != '\0' && name_too_long) {
    // Its name is refused already; a table named after it would only say so again.
  } else if (!IsSqlName(event->table)) {
    problems->Add(table_mark, fmt::format("table name '{}'{} must be lowercase letters, digits and _, starting with "
                                          "a letter or _", Abbreviated(event->table), from_default));
  } else if (event->table.size() > kMaxTableNameBytes) {
    problems->Add(table_mark, fmt::format("table name '{}'{} is {} bytes long (the limit is {}: its staging table "
                                          "'{}{}' must fit in the {} bytes of a PostgreSQL name, which cuts longer "
                                          "names short)", Abbreviated(event->table), from_default, event->table.size(),
                                          kMaxTableNameBytes, Abbreviated(event->table), kLongestTableSuffix,
                                          kMaxIdentifierBytes));
  } else if (event->table.rfind("sluice_", 0) == 0) {
    problems->Add(table_mark, fmt::format("table name '{}'{} is reserved: names starting with sluice_ are sluice's own",
                                          event->table, from_default));
  }
  if (const auto f = node["flatten"]) {
    event->flatten = ParseEventPath(f, "flatten", problems);
    if (event->flatten && event->flatten->relative_to_item)
      problems->Add(f.Mark(), "flatten must be a path in the event, not relative to item");
    // The flattened array's elements sit one level below it.
    if (event->flatten && event->flatten->segments.size() + 1 > kMaxPathDepth)
      problems->Add(f.Mark(), fmt::format("flatten '{}' is {} levels deep, and its elements one more (the limit is {}: "
                                          "the JSON reader refuses events nested deeper)",
                                          Abbreviated(event->flatten->text), event->flatten->segments.size(),
                                          kMaxPathDepth));
  }
  if (const auto t = node["tenant"]) {
    event->tenant = ParseEventPath(t, "tenant", problems);
    if (event->tenant && event->tenant->relative_to_item)
      problems->Add(t.Mark(), "tenant must be a path in the event, not relative to item");
    if (event->tenant) CheckPathDepth(*event->tenant, *event, "tenant path", "", t.Mark(), problems);
  }
  if (const auto ids = node["id"]) ParseEventId(ids, event, problems);
  if (const auto c = node["columns"]) {
    ParseColumns(c, event, problems);
    // The flattened array is read element by element; a column cannot also
    // read into it from the top (the extractor walks the payload once).
    for (const auto& col : event->columns) {
      const auto& f = event->flatten;
      if (!f || col.path.relative_to_item || col.path.segments.size() < f->segments.size() ||
          !std::equal(f->segments.begin(), f->segments.end(), col.path.segments.begin()))
        continue;
      problems->Add(c[col.name].Mark(), fmt::format("path '{}' of column '{}' reads the flattened array '{}' "
                                                    "directly; read its elements through item.",
                                                    col.path.text, col.name, f->text));
    }
  } else {
    problems->Add(node.Mark(), fmt::format("{} has no columns", where));
  }

  if (const auto i = node["indexes"]) ParseIndexes(i, event, problems);  // after columns: it names them
  const auto k = node["key"];
  const auto v = node["version"];
  if (!k) {
    // An append-only event log. With an id, a redelivered event appears
    // once: sluice keys the table by the id (and the element index).
    if (v) problems->Add(v.Mark(), fmt::format("{} has a version but no key; a type without key is an append-only "
                                               "log (the first delivery of an id wins), so remove version or add key",
                                               where));
    if (!event->id.empty()) {
      event->columns.push_back({kEventIdColumn, Path{}, ColumnType{TypeKind::kString}, ColumnSource::kEventId});
      event->key.push_back(kEventIdColumn);
      if (event->flatten) {
        event->columns.push_back({kElementIndexColumn, Path{}, ColumnType{TypeKind::kInt}, ColumnSource::kElementIndex});
        event->key.push_back(kElementIndexColumn);
      }
    }
    return;
  }
  std::vector<YAML::Node> items;
  if (k.IsSequence()) for (const auto& item : k) items.push_back(item);
  else items.push_back(k);
  if (items.empty()) problems->Add(k.Mark(), fmt::format("key of {} is empty", where));
  std::set<std::string> seen;
  for (const auto& item : items) {
    if (!IsScalar(item, "a key column", problems)) continue;
    const std::string name = item.Scalar();
    if (event->ColumnIndex(name) < 0)
      problems->Add(item.Mark(), fmt::format("key column '{}' is not a column of {}", name, where));
    else if (!seen.insert(name).second)
      problems->Add(item.Mark(), fmt::format("key column '{}' is listed twice", name));
    event->key.push_back(name);
  }
  if (!v) {
    problems->Add(node.Mark(), fmt::format("{} has no version (the column whose newest value wins)", where));
  } else if (IsScalar(v, "version", problems)) {
    event->version = v.Scalar();
    if (event->ColumnIndex(event->version) < 0)
      problems->Add(v.Mark(), fmt::format("version column '{}' is not a column of {}", event->version, where));
    else if (const auto& t = event->columns[event->VersionIndex()].type;
             t.kind == TypeKind::kJson || t.kind == TypeKind::kBoolean)
      problems->Add(v.Mark(), fmt::format("version column '{}' has type {}, which has no order", event->version,
                                          t.ToString()));
  }
}

}  // namespace sluice
