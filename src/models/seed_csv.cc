#include "models/seed_csv.h"

#include <unordered_map>

#include <fmt/format.h>

#include "base/text.h"
#include "models/project.h"
#include "models/seed_types.h"

namespace sluice::models {
namespace {

constexpr size_t kMaxReportedRows = 20;

struct Record {
  std::vector<std::optional<std::string>> fields;
  int line = 0;
};

// Splits CSV text into records (RFC 4180, as seed_csv.h describes).
class CsvReader {
 public:
  CsvReader(std::string_view text, char delimiter, const std::string& file)
      : text_(text), delimiter_(delimiter), file_(file) {
    if (text_.starts_with("\xEF\xBB\xBF")) text_.remove_prefix(3);
  }

  // The next record into *record; false at the end or on an error (status()).
  bool Next(Record* record) {
    while (pos_ < text_.size()) {
      record->fields.clear();
      record->line = line_;
      if (!ReadRecord(record)) return false;
      const bool blank = record->fields.size() == 1 && !record->fields[0] && !last_field_quoted_;
      if (!blank) return true;
    }
    return false;
  }
  const Status& status() const { return status_; }

 private:
  // Reads fields up to the end of the line (outside quotes).
  bool ReadRecord(Record* record) {
    while (true) {
      std::string field;
      last_field_quoted_ = pos_ < text_.size() && text_[pos_] == '"';
      if (last_field_quoted_) {
        if (!ReadQuoted(&field)) return false;
      } else {
        while (pos_ < text_.size() && text_[pos_] != delimiter_ && text_[pos_] != '\n' && text_[pos_] != '\r')
          field += text_[pos_++];
      }
      if (record->fields.size() >= kMaxSeedColumns) {
        status_ = Status::InvalidArgument(
            fmt::format("{}:{}: more than {} values in one row", file_, record->line, kMaxSeedColumns));
        return false;
      }
      if (field.empty()) record->fields.emplace_back(std::nullopt);
      else record->fields.emplace_back(std::move(field));
      if (pos_ >= text_.size()) return true;
      const char c = text_[pos_++];
      if (c == delimiter_) continue;
      EndLine(c);
      return true;
    }
  }

  bool ReadQuoted(std::string* field) {
    const int opened = line_;
    ++pos_;
    while (true) {
      const size_t quote = text_.find('"', pos_);
      if (quote == std::string_view::npos) {
        status_ = Status::InvalidArgument(fmt::format("{}:{}: a quoted field is never closed", file_, opened));
        return false;
      }
      for (size_t i = pos_; i < quote; ++i) {
        if (text_[i] == '\n' || (text_[i] == '\r' && (i + 1 >= text_.size() || text_[i + 1] != '\n'))) ++line_;
      }
      field->append(text_.substr(pos_, quote - pos_));
      pos_ = quote + 1;
      if (pos_ < text_.size() && text_[pos_] == '"') {  // "" is a quote
        *field += '"';
        ++pos_;
        continue;
      }
      if (pos_ < text_.size() && text_[pos_] != delimiter_ && text_[pos_] != '\n' && text_[pos_] != '\r') {
        status_ = Status::InvalidArgument(
            fmt::format("{}:{}: '{}' after a closing quote (a quote inside a field is written \"\")", file_, line_,
                        text_[pos_]));
        return false;
      }
      return true;
    }
  }

  // After a line break character `c` that was just read.
  void EndLine(char c) {
    if (c == '\r' && pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
    ++line_;
  }

  std::string_view text_;
  char delimiter_;
  const std::string& file_;
  size_t pos_ = 0;
  int line_ = 1;
  bool last_field_quoted_ = false;
  Status status_;
};

Status CheckHeader(const Record& header, const std::string& file, std::vector<SeedColumn>* columns) {
  std::vector<std::string> problems;
  std::unordered_map<std::string, size_t> seen;  // lowercased name → its column
  for (size_t i = 0; i < header.fields.size(); ++i) {
    const std::string name = header.fields[i].value_or("");
    if (TrimWhitespace(name).empty()) {
      problems.push_back(fmt::format("{}:{}: column {} has no name", file, header.line, i + 1));
    } else if (auto [at, fresh] = seen.emplace(AsciiLower(name), i); !fresh) {
      problems.push_back(fmt::format("{}:{}: column '{}' is named twice (columns {} and {})", file, header.line, name,
                                     at->second + 1, i + 1));
    }
    columns->push_back(SeedColumn{name, SeedType::kText, 0, 0, std::nullopt});
  }
  if (problems.empty()) return Status::Ok();
  return Status::InvalidArgument(Join(problems, "\n"));
}

}  // namespace

std::string_view SeedTypeName(SeedType type) {
  switch (type) {
    case SeedType::kBoolean: return "boolean";
    case SeedType::kInteger: return "integer";
    case SeedType::kNumeric: return "numeric";
    case SeedType::kDate: return "date";
    case SeedType::kTimestamp: return "timestamp";
    case SeedType::kText: return "text";
  }
  return "text";
}

Result<SeedTable> ParseSeedCsv(std::string_view text, const std::string& file, const SeedOptions& options) {
  if (text.size() > options.max_bytes)
    return Status::InvalidArgument(fmt::format("{}: {} bytes is more than a seed may have ({} bytes); load data that "
                                               "size as events instead", file, text.size(), options.max_bytes));
  CsvReader reader(text, options.delimiter, file);
  Record record;
  if (!reader.Next(&record)) {
    if (!reader.status().ok()) return reader.status();
    return Status::InvalidArgument(fmt::format("{}: the file is empty: a seed needs a header row", file));
  }
  SeedTable table;
  RETURN_IF_ERROR(CheckHeader(record, file, &table.columns));

  std::vector<std::string> problems;
  size_t wrong_rows = 0;
  std::vector<ColumnTypeGuess> guesses(table.columns.size());
  while (reader.Next(&record)) {
    if (record.fields.size() != table.columns.size()) {
      if (++wrong_rows <= kMaxReportedRows)
        problems.push_back(fmt::format("{}:{}: the row has {} values, and the header {} columns", file, record.line,
                                       record.fields.size(), table.columns.size()));
      continue;
    }
    if ((table.rows.size() + 1) * table.columns.size() > kMaxSeedValues)
      return Status::InvalidArgument(fmt::format("{}:{}: more than {} values in the file: load data this size as "
                                                 "events instead",
                                                 file, record.line, kMaxSeedValues));
    for (size_t i = 0; i < record.fields.size(); ++i)
      if (record.fields[i]) guesses[i].Add(*record.fields[i]);
    table.rows.push_back(std::move(record.fields));
    table.row_lines.push_back(record.line);
  }
  if (!reader.status().ok()) return reader.status();
  if (wrong_rows > kMaxReportedRows)
    problems.push_back(fmt::format("{}: and {} more rows of the wrong width", file, wrong_rows - kMaxReportedRows));

  for (size_t i = 0; i < table.columns.size(); ++i) guesses[i].Fill(&table.columns[i]);
  for (const auto& [name, type] : options.column_types) {
    SeedColumn* column = nullptr;
    for (SeedColumn& c : table.columns)
      if (c.name == name || (!column && AsciiLower(c.name) == AsciiLower(name))) column = &c;
    if (!column) problems.push_back(fmt::format("{}: column_types names column '{}', which the file does not have", file, name));
    else column->override_type = type;
  }
  if (!problems.empty()) return Status::InvalidArgument(Join(problems, "\n"));
  return table;
}

Result<SeedTable> ReadSeedCsv(Env* env, const std::string& path, const SeedOptions& options) {
  ASSIGN_OR_RETURN(uint64_t size, env->FileSize(path));
  if (size > options.max_bytes)
    return Status::InvalidArgument(fmt::format("{}: {} bytes is more than a seed may have ({} bytes); load data that "
                                               "size as events instead", path, size, options.max_bytes));
  ASSIGN_OR_RETURN(std::string text, ReadFileToString(env, path));
  return ParseSeedCsv(text, path, options);
}

Result<SeedTable> ReadSeed(Env* env, const Project& project, const Seed& seed) {
  SeedOptions options;
  options.delimiter = seed.config.delimiter;
  options.column_types = seed.config.column_types;
  return ReadSeedCsv(env, project.PathOf(seed.path), options);
}

}  // namespace sluice::models
