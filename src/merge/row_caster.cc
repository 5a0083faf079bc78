#include "merge/row_caster.h"

#include <algorithm>

#include "merge/event_id.h"

namespace sluice {

RowCaster::RowCaster(const EventSpec& event)
    : event_(event), key_columns_(event.KeyIndexes()), version_column_(event.VersionIndex()),
      flattened_(event.flatten.has_value()) {
  for (int i = 0; i < static_cast<int>(event.columns.size()); ++i)
    if (std::find(key_columns_.begin(), key_columns_.end(), i) == key_columns_.end()) other_columns_.push_back(i);
}

bool RowCaster::CastColumn(const PayloadExtractor& payload, size_t column, size_t row, int64_t seq, Value* out,
                           std::string* arena, std::vector<MergeError>* errors) {
  switch (event_.columns[column].source) {
    case ColumnSource::kPayload: break;
    case ColumnSource::kElementIndex: *out = Value::Int(static_cast<int64_t>(row)); return true;
    case ColumnSource::kEventId: {
      const auto id = ReadEventId(payload, event_);
      if (id) {
        *out = Value::Text(*id, arena);
        return true;
      }
      MergeError e;
      e.seq = seq;
      if (flattened_) e.item_index = static_cast<int64_t>(row);
      e.column = event_.columns[column].name;
      e.error = "the event has no id (a path of the type's id: is missing or null), so its deliveries cannot be told "
                "apart";
      errors->push_back(std::move(e));
      return false;
    }
  }
  const JsonScalar* in = payload.Get(column, row);
  if (in == nullptr) {
    *out = Value::Null();
    return true;
  }
  if (CastValue(*in, event_.columns[column].type, out, arena, &error_)) return true;
  MergeError e;
  e.seq = seq;
  if (flattened_) e.item_index = static_cast<int64_t>(row);
  e.column = event_.columns[column].name;
  e.value = std::string(in->kind == JsonScalar::Kind::kString ? in->text : in->raw);
  e.error = error_;
  errors->push_back(std::move(e));
  return false;
}

RowFate RowCaster::Cast(const PayloadExtractor& payload, size_t row, int64_t seq, std::vector<Value>* values,
                        std::string* arena, std::vector<MergeError>* errors) {
  // Keys first: a row without a full key is filtered (the seed's
  // WHERE key IS NOT NULL) before its other values are looked at.
  bool ok = true, null_key = false;
  for (int k : key_columns_) {
    ok &= CastColumn(payload, static_cast<size_t>(k), row, seq, &(*values)[static_cast<size_t>(k)], arena, errors);
    null_key |= (*values)[static_cast<size_t>(k)].is_null();
  }
  if (!ok) return RowFate::kRejected;
  if (null_key) return RowFate::kFiltered;
  for (int c : other_columns_)
    ok &= CastColumn(payload, static_cast<size_t>(c), row, seq, &(*values)[static_cast<size_t>(c)], arena, errors);
  if (!ok) return RowFate::kRejected;
  if (version_column_ >= 0 && (*values)[static_cast<size_t>(version_column_)].is_null()) {
    MergeError e;
    e.seq = seq;
    if (flattened_) e.item_index = static_cast<int64_t>(row);
    e.column = event_.version;
    e.error = "the version column is NULL, so the row cannot be ordered against other versions";
    errors->push_back(std::move(e));
    return RowFate::kRejected;
  }
  return RowFate::kMerge;
}

RowFate RowCaster::CastKey(const PayloadExtractor& payload, size_t row, std::vector<Value>* values,
                           std::string* arena) {
  std::vector<MergeError> errors;
  for (int k : key_columns_) {
    Value& v = (*values)[static_cast<size_t>(k)];
    if (!CastColumn(payload, static_cast<size_t>(k), row, 0, &v, arena, &errors)) return RowFate::kRejected;
    if (v.is_null()) return RowFate::kFiltered;
  }
  return RowFate::kMerge;
}

}  // namespace sluice
