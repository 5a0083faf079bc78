// Where the rows of a query go: the user's SQL (`sluice sql`) and listings
// that sluice writes through the same output formats.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sluice {

// One cell of a query result, rendered as text (numbers as written by the
// database) with its kind, so output formats can quote correctly.
struct QueryCell {
  enum class Kind : uint8_t { kNull, kInt, kReal, kText, kBlob };
  Kind kind = Kind::kNull;
  std::string text;
};

// Columns() comes once per result, before its rows.
class QuerySink {
 public:
  virtual ~QuerySink() = default;
  virtual void Columns(const std::vector<std::string>& names) = 0;
  virtual void Row(const std::vector<QueryCell>& cells) = 0;
};

}  // namespace sluice
