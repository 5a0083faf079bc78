#include "config/yaml_document.h"

#include <algorithm>
#include <optional>
#include <sstream>
#include <vector>

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>

namespace sluice {
namespace {

std::string At(const YAML::Mark& mark) { return fmt::format("{}:{}", mark.line + 1, mark.column + 1); }

// A position without an offset (Mark's own constructor is private).
YAML::Mark MarkAt(int line, int column) {
  YAML::Mark mark;
  mark.line = line;
  mark.column = column;
  return mark;
}

Status ErrorAt(const std::string& path, const YAML::Mark& mark, std::string_view message) {
  return Status::InvalidArgument(fmt::format("{}:{}: {}", path, At(mark), message));
}

// The offset of the quote that closes the quoted scalar opening at `open`,
// or npos when the text ends first. YAML's escapes: \x inside "…", '' inside '…'.
size_t ClosingQuote(std::string_view text, size_t open) {
  const char quote = text[open];
  for (size_t i = open + 1; i < text.size(); ++i) {
    if (quote == '"' && text[i] == '\\') {
      ++i;
    } else if (text[i] == quote) {
      if (quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') ++i;
      else return i;
    }
  }
  return std::string_view::npos;
}

// Whether `mark` is the opening quote of a scalar that `text` never closes.
bool QuoteNeverCloses(std::string_view text, const YAML::Mark& mark) {
  if (mark.pos < 0 || static_cast<size_t>(mark.pos) >= text.size()) return false;
  const char c = text[static_cast<size_t>(mark.pos)];
  return (c == '"' || c == '\'') && ClosingQuote(text, static_cast<size_t>(mark.pos)) == std::string_view::npos;
}

// The events of one parse, as far as it got before an error: where the
// last quoted scalar began, and the flow collections ({…}, […]) still open.
// yaml-cpp's exception says only where it stopped; these say what was open.
class ParseTrace final : public YAML::EventHandler {
 public:
  struct Open {
    YAML::Mark mark;
    char bracket = 0;  // '{' or '[' for a flow collection; 0 for a block one
  };

  explicit ParseTrace(std::string text) : text_(std::move(text)) {
    std::istringstream in(text_);
    YAML::Parser parser(in);
    try {
      while (parser.HandleNextDocument(*this)) open_.clear();
    } catch (const YAML::Exception&) {
      // Expected: the trace is of a text that failed; it stops where the parse did.
    }
  }

  const std::optional<YAML::Mark>& last_quoted() const { return last_quoted_; }
  // The innermost open flow collection, if any.
  const Open* innermost_flow() const {
    return open_.empty() || open_.back().bracket == 0 ? nullptr : &open_.back();
  }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t, const std::string&) override {
    if (mark.pos >= 0 && static_cast<size_t>(mark.pos) < text_.size() &&
        (text_[static_cast<size_t>(mark.pos)] == '"' || text_[static_cast<size_t>(mark.pos)] == '\''))
      last_quoted_ = mark;
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value style) override {
    open_.push_back({mark, style == YAML::EmitterStyle::Flow ? '[' : '\0'});
  }
  void OnSequenceEnd() override { open_.pop_back(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value style) override {
    open_.push_back({mark, style == YAML::EmitterStyle::Flow ? '{' : '\0'});
  }
  void OnMapEnd() override { open_.pop_back(); }

 private:
  std::string text_;
  std::optional<YAML::Mark> last_quoted_;
  std::vector<Open> open_;
};

// Line `line` (0-based) of `text`, without its line break; empty past the end.
std::string_view LineOf(std::string_view text, int line) {
  size_t start = 0;
  for (int i = 0; i < line; ++i) {
    start = text.find('\n', start);
    if (start == std::string_view::npos) return {};
    ++start;
  }
  const size_t end = text.find('\n', start);
  return text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
}

// The 0-based column of a tab in the indentation of `line`, or -1.
int TabInIndentation(std::string_view line) {
  for (size_t i = 0; i < line.size() && (line[i] == ' ' || line[i] == '\t'); ++i)
    if (line[i] == '\t') return static_cast<int>(i);
  return -1;
}

// Says what a yaml-cpp parse error means where its own message is vague:
// the cause at its place, with yaml-cpp's position and words after it.
Status Explain(std::string_view text, const std::string& path, const YAML::Exception& e) {
  namespace msg = YAML::ErrorMsg;
  const std::string stopped = fmt::format("the parser stopped at {}: {}", At(e.mark), e.msg);

  // A quote left open runs to the end of the text (or to a `---` line,
  // which may not sit inside a quoted value). yaml-cpp takes a quoted value
  // cut off by the end of the text after a line break, so tracing the text
  // up to where it stopped shows where that value began.
  const bool cut_short = e.msg == msg::EOF_IN_SCALAR || e.msg == msg::DOC_IN_SCALAR;
  const std::string_view traced = cut_short && e.mark.pos >= 0 ? text.substr(0, static_cast<size_t>(e.mark.pos)) : text;
  const ParseTrace trace(cut_short ? std::string(traced) + "\n" : std::string(traced));
  if (trace.last_quoted() && QuoteNeverCloses(traced, *trace.last_quoted()))
    return ErrorAt(path, *trace.last_quoted(),
                   fmt::format("the quote that starts here is never closed ({})", stopped));

  // A tab where YAML expects indentation: yaml-cpp mostly reports what it
  // then cannot parse ("illegal map value").
  for (int line : {e.mark.line, e.mark.line - 1}) {
    if (line < 0) continue;
    if (const int column = TabInIndentation(LineOf(text, line)); column >= 0)
      return ErrorAt(path, MarkAt(line, column),
                     fmt::format("a tab indents this line, and YAML indents with spaces only ({})", stopped));
  }

  if (e.msg == msg::END_OF_MAP_FLOW || e.msg == msg::END_OF_SEQ_FLOW) {
    std::string hint;
    if (trace.last_quoted()) {
      // A value whose quote closes only on the line of the error: most
      // likely a quote missing before, and that closing quote is the next
      // value's opening one.
      const size_t open = static_cast<size_t>(trace.last_quoted()->pos);
      const size_t close = ClosingQuote(text, open);
      const int close_line = close == std::string_view::npos
                                 ? -1
                                 : static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(close), '\n'));
      if (close_line > trace.last_quoted()->line && close_line == e.mark.line)
        hint = fmt::format("; the quoted value at {} runs to line {}: is its closing quote missing?",
                           At(*trace.last_quoted()), close_line + 1);
    }
    if (const ParseTrace::Open* open = trace.innermost_flow()) {
      const char close = open->bracket == '{' ? '}' : ']';
      if (text.find_first_not_of(" \t\r\n", static_cast<size_t>(std::max(e.mark.pos, 0))) == std::string_view::npos)
        return ErrorAt(path, open->mark,
                       fmt::format("this '{}' is never closed: the file ends first ({}){}", open->bracket, e.msg, hint));
      return ErrorAt(path, e.mark,
                     fmt::format("expected ',' or '{}' here, to go on with or close the '{}' at {} ({}){}", close,
                                 open->bracket, At(open->mark), e.msg, hint));
    }
    return ErrorAt(path, e.mark, e.msg + hint);
  }
  if (e.msg == msg::END_OF_MAP || e.msg == msg::END_OF_SEQ)
    return ErrorAt(path, e.mark, fmt::format("{}: this line does not go on with the block above it; check its "
                                             "indentation against the lines above", e.msg));
  if (e.msg == msg::MAP_VALUE) {
    // YAML reads a key not introduced by `? ` only up to 1024 bytes (and on
    // one line); past that, yaml-cpp finds a ':' it cannot place.
    const std::string_view before = LineOf(text, e.mark.line).substr(0, static_cast<size_t>(std::max(e.mark.column, 0)));
    size_t start = before.find_last_of("{[,");
    start = start == std::string_view::npos ? 0 : start + 1;
    while (start < before.size() && (before[start] == ' ' || (before[start] == '-' && start + 1 < before.size() &&
                                                              before[start + 1] == ' ')))
      ++start;
    if (before.size() - start > 1024)
      return ErrorAt(path, MarkAt(e.mark.line, static_cast<int>(start)),
                     fmt::format("this key is {} bytes long, and YAML reads a key of at most 1024 bytes unless it is "
                                 "written as '? key' ({})", before.size() - start, stopped));
    return ErrorAt(path, e.mark, fmt::format("{}: a ': ' where no key can start; put a value that holds ': ' "
                                             "in quotes, or check this line's indentation", e.msg));
  }
  return ErrorAt(path, e.mark, e.msg);
}

// The last scalars of the document in text order: the last key and value
// of each last map entry, down to a scalar. A quoted value left open is the
// last thing in the file, having swallowed the rest.
std::vector<YAML::Mark> LastScalars(const YAML::Node& root) {
  std::vector<YAML::Mark> marks;
  YAML::Node node = root;
  // Bounded: an alias can lead back up to an anchor that holds it.
  for (int level = 0; level < 1000 && node; ++level) {
    if (node.IsScalar()) {
      marks.push_back(node.Mark());
      break;
    }
    if (node.size() == 0 || (!node.IsMap() && !node.IsSequence())) break;
    auto last = node.begin();
    for (auto it = node.begin(); it != node.end(); ++it) last = it;
    if (node.IsMap()) {
      if (last->first.IsScalar()) marks.push_back(last->first.Mark());
      node.reset(last->second);  // reset, not =: assignment would overwrite the node in place
    } else {
      node.reset(*last);
    }
  }
  return marks;
}

}  // namespace

Result<YAML::Node> ReadYamlDocument(std::string_view text, const std::string& path) {
  // yaml-cpp skips a UTF-8 byte order mark without counting it in its
  // positions; without it, a position is an offset into `text`.
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  // UTF-16 and UTF-32 (a NUL in the first bytes, as yaml-cpp detects them)
  // are read, but their positions are not byte offsets: no quote checks.
  const bool offsets = text.substr(0, 4).find('\0') == std::string_view::npos;
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(std::string(text));
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp says only "bad file" here.
    return ErrorAt(path, e.mark, fmt::format("the document nests too deep (the limit is {} levels)", e.depth()));
  } catch (const YAML::Exception& e) {
    return offsets ? Explain(text, path, e) : ErrorAt(path, e.mark, e.msg);
  }
  // yaml-cpp's Load reads the first document and drops the rest in silence.
  for (size_t i = 1; i < documents.size(); ++i) {
    if (documents[i].IsNull()) continue;
    return ErrorAt(path, documents[i].Mark(),
                   "a second YAML document starts here (after a '---' line); the config is one document");
  }
  if (documents.empty()) return YAML::Node();
  if (!offsets) return documents[0];
  for (const YAML::Mark& mark : LastScalars(documents[0]))
    if (QuoteNeverCloses(text, mark))
      return ErrorAt(path, mark, "the quote that starts here is never closed: its value runs to the end of the file");
  return documents[0];
}

}  // namespace sluice
