#include "sources/backfill/row_json.h"

#include "base/utf8.h"

namespace sluice {
namespace {

// PostgreSQL type OIDs (pg_type.dat), stable across versions.
constexpr Oid kBool = 16, kInt8 = 20, kInt2 = 21, kInt4 = 23, kOid = 26, kJson = 114, kFloat4 = 700, kFloat8 = 701,
              kNumeric = 1700, kJsonb = 3802;

bool IsFiniteNumber(const std::string& text) {
  return !text.empty() && text != "NaN" && text.find("Infinity") == std::string::npos;
}

}  // namespace

void AppendRowObject(const std::vector<SourceColumn>& columns, const CopyFields& fields, std::string* out) {
  out->push_back('{');
  for (size_t i = 0; i < columns.size() && i < fields.size(); ++i) {
    if (i > 0) out->push_back(',');
    out->append(JsonQuote(columns[i].name)).push_back(':');
    const auto& value = fields[i];
    if (!value) {
      out->append("null");
      continue;
    }
    switch (columns[i].type) {
      case kBool: out->append(*value == "t" ? "true" : "false"); break;
      case kInt8: case kInt2: case kInt4: case kOid: out->append(*value); break;
      case kFloat4: case kFloat8: case kNumeric:
        if (IsFiniteNumber(*value)) out->append(*value);
        else out->append(JsonQuote(*value));
        break;
      case kJson: case kJsonb: out->append(*value); break;
      default: out->append(JsonQuote(ValidUtf8(*value))); break;
    }
  }
  out->push_back('}');
}

}  // namespace sluice
