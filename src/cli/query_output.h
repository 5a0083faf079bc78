// Query results written as an aligned table, CSV (RFC 4180), a JSON array
// of objects, or NDJSON.
#pragma once

#include <memory>
#include <ostream>
#include <string>

#include "base/status.h"
#include "base/utf8.h"  // JsonQuote, which the outputs use
#include "warehouse/backend.h"

namespace sluice {

class QueryOutput : public QuerySink {
 public:
  // Writes any rows still buffered (the table format aligns columns).
  virtual void Finish() = 0;
};

// `format` is one of table, csv, json, ndjson.
Result<std::unique_ptr<QueryOutput>> MakeQueryOutput(const std::string& format, std::ostream* out);


}  // namespace sluice
