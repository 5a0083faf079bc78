#include "cli/query_output.h"

#include <algorithm>
#include <vector>

namespace sluice {
namespace {

size_t DisplayWidth(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string HexBlob(std::string_view bytes) {
  std::string out = "\\x";
  for (unsigned char c : bytes) out += fmt::format("{:02x}", c);
  return out;
}

std::string JsonValue(const QueryCell& cell) {
  switch (cell.kind) {
    case QueryCell::Kind::kNull: return "null";
    case QueryCell::Kind::kInt: return cell.text;
    case QueryCell::Kind::kReal:  // JSON has no infinities or NaN
      return cell.text.find_first_of("nNiI") == std::string::npos ? cell.text : "null";  // inf, NaN, Infinity
    case QueryCell::Kind::kBlob: return JsonQuote(HexBlob(cell.text));
    case QueryCell::Kind::kText: return JsonQuote(cell.text);
  }
  return "null";
}

class TableOutput final : public QueryOutput {
 public:
  explicit TableOutput(std::ostream* out) : out_(out) {}
  void Columns(const std::vector<std::string>& names) override {
    Flush();
    names_ = names;
  }
  void Row(const std::vector<QueryCell>& cells) override {
    std::vector<std::string> row;
    for (const auto& c : cells)
      row.push_back(c.kind == QueryCell::Kind::kNull ? "NULL" : c.kind == QueryCell::Kind::kBlob ? HexBlob(c.text) : c.text);
    rows_.push_back(std::move(row));
  }
  void Finish() override { Flush(); }

 private:
  void Flush() {
    if (names_.empty()) return;
    std::vector<size_t> width(names_.size());
    for (size_t i = 0; i < names_.size(); ++i) width[i] = DisplayWidth(names_[i]);
    for (const auto& r : rows_)
      for (size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], DisplayWidth(r[i]));
    const auto line = [&](const std::vector<std::string>& cells) {
      std::string s;
      for (size_t i = 0; i < cells.size(); ++i) {
        s += (i ? " | " : " ") + cells[i];
        if (i + 1 < cells.size()) s += std::string(width[i] - DisplayWidth(cells[i]), ' ');
      }
      *out_ << s << "\n";
    };
    line(names_);
    std::string rule;
    for (size_t i = 0; i < width.size(); ++i) rule += (i ? "+" : "") + std::string(width[i] + 2, '-');
    *out_ << rule << "\n";
    for (const auto& r : rows_) line(r);
    *out_ << fmt::format("({} row{})\n", rows_.size(), rows_.size() == 1 ? "" : "s");
    names_.clear();
    rows_.clear();
  }

  std::ostream* out_;
  std::vector<std::string> names_;
  std::vector<std::vector<std::string>> rows_;
};

class CsvOutput final : public QueryOutput {
 public:
  explicit CsvOutput(std::ostream* out) : out_(out) {}
  void Columns(const std::vector<std::string>& names) override {
    for (size_t i = 0; i < names.size(); ++i) *out_ << (i ? "," : "") << Field(names[i], false);
    *out_ << "\r\n";
  }
  void Row(const std::vector<QueryCell>& cells) override {
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i) *out_ << ',';
      const auto& c = cells[i];
      if (c.kind == QueryCell::Kind::kNull) continue;  // NULL is an empty field
      *out_ << Field(c.kind == QueryCell::Kind::kBlob ? HexBlob(c.text) : c.text, c.kind == QueryCell::Kind::kText);
    }
    *out_ << "\r\n";
  }
  void Finish() override { out_->flush(); }

 private:
  // Quotes when RFC 4180 requires it, and quotes an empty text so that it
  // differs from NULL.
  static std::string Field(const std::string& s, bool is_text) {
    const bool quote = (is_text && s.empty()) || s.find_first_of(",\"\r\n") != std::string::npos;
    if (!quote) return s;
    std::string out = "\"";
    for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
  }
  std::ostream* out_;
};

class JsonOutput final : public QueryOutput {
 public:
  JsonOutput(std::ostream* out, bool lines) : out_(out), lines_(lines) {}
  void Columns(const std::vector<std::string>& names) override {
    names_.clear();
    for (const auto& n : names) names_.push_back(JsonQuote(n));
  }
  void Row(const std::vector<QueryCell>& cells) override {
    if (!lines_) *out_ << (rows_ ? ",\n" : "[\n");
    *out_ << '{';
    for (size_t i = 0; i < cells.size(); ++i) *out_ << (i ? "," : "") << names_[i] << ':' << JsonValue(cells[i]);
    *out_ << '}';
    if (lines_) *out_ << '\n';
    ++rows_;
  }
  void Finish() override {
    if (!lines_) *out_ << (rows_ ? "\n]\n" : "[]\n");
    out_->flush();
  }

 private:
  std::ostream* out_;
  bool lines_;
  std::vector<std::string> names_;
  size_t rows_ = 0;
};

}  // namespace


Result<std::unique_ptr<QueryOutput>> MakeQueryOutput(const std::string& format, std::ostream* out) {
  if (format == "table") return std::unique_ptr<QueryOutput>(new TableOutput(out));
  if (format == "csv") return std::unique_ptr<QueryOutput>(new CsvOutput(out));
  if (format == "json") return std::unique_ptr<QueryOutput>(new JsonOutput(out, false));
  if (format == "ndjson") return std::unique_ptr<QueryOutput>(new JsonOutput(out, true));
  return Status::InvalidArgument(fmt::format("unknown format '{}' (table, csv, json or ndjson)", format));
}

}  // namespace sluice
