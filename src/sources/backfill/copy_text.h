// PostgreSQL's COPY text format, read side: one line of COPY … TO STDOUT
// split into fields, escapes decoded (\t \n \r \\ \b \f \v, octal \NNN,
// \xHH), \N as NULL.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

using CopyFields = std::vector<std::optional<std::string>>;

// Splits `line` (without its '\n') into *fields (resized to the line's field count).
void ParseCopyTextLine(std::string_view line, CopyFields* fields);

}  // namespace sluice
