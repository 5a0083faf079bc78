#include "catalog/event_spec.h"

namespace sluice {

int EventSpec::ColumnIndex(std::string_view column) const {
  for (size_t i = 0; i < columns.size(); ++i)
    if (columns[i].name == column) return static_cast<int>(i);
  return -1;
}

std::vector<int> EventSpec::KeyIndexes() const {
  std::vector<int> out;
  out.reserve(key.size());
  for (const auto& k : key) out.push_back(ColumnIndex(k));
  return out;
}

const EventSpec* Catalog::Find(std::string_view event_name) const {
  for (const auto& e : events)
    if (e.name == event_name) return &e;
  return nullptr;
}

}  // namespace sluice
