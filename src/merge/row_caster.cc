#include "merge/row_caster.h"

#include <algorithm>

namespace sluice {

RowCaster::RowCaster(const EventSpec& event)
    : event_(event), key_columns_(event.KeyIndexes()), version_column_(event.VersionIndex()),
      flattened_(event.flatten.has_value()) {
  for (int i = 0; i < static_cast<int>(event.columns.size()); ++i)
    if (std::find(key_columns_.begin(), key_columns_.end(), i) == key_columns_.end()) other_columns_.push_back(i);
}

bool RowCaster::CastColumn(const PayloadExtractor& payload, size_t column, size_t row, int64_t seq, Value* out,
                           std::string* arena, std::vector<MergeError>* errors) {
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
  if ((*values)[static_cast<size_t>(version_column_)].is_null()) {
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

}  // namespace sluice
