#include "layers.h"

#include <algorithm>
#include <sstream>

namespace sluice::layer_check {
namespace {

std::vector<std::string> Words(std::string_view line) {
  std::vector<std::string> words;
  std::istringstream in{std::string(line)};
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

bool Contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// A folder as the levels name it: relative, no wildcard, no trailing slash.
bool IsFolderName(std::string_view folder) {
  return !folder.empty() && folder.front() != '/' && folder.back() != '/' &&
         folder.find_first_of("*:") == std::string_view::npos && folder.find("..") == std::string_view::npos;
}

}  // namespace

struct LayersParser {
  std::string_view name;
  ParsedLayers out;
  int line = 0;

  void Error(const std::string& what) {
    const std::string where = line > 0 ? ":" + std::to_string(line) : "";  // 0: about the file as a whole
    out.errors.push_back(std::string(name) + where + ": " + what);
  }

  bool OnALevel(std::string_view folder) const {
    for (const auto& level : out.layers.levels_)
      if (Contains(level, folder)) return true;
    return false;
  }

  void Level(const std::vector<std::string>& folders) {
    for (const std::string& folder : folders) {
      if (!IsFolderName(folder)) Error("'" + folder + "' is not a folder under src/ (no '*', ':', '..' or end '/')");
      else if (OnALevel(folder)) Error("'" + folder + "' is on two levels");
    }
    out.layers.levels_.push_back(folders);
  }

  void Keyword(std::string_view keyword, std::vector<std::string> args) {
    Layers& l = out.layers;
    if (args.empty()) return Error("'" + std::string(keyword) + ":' names nothing");
    if (keyword == "private") {
      for (const std::string& arg : args) {
        if (arg.size() < 3 || !arg.ends_with("/*")) return Error("private: takes FOLDER/*, not '" + arg + "'");
        l.private_parents_.push_back(arg.substr(0, arg.size() - 2));
      }
    } else if (keyword == "shared") {
      l.shared_.insert(l.shared_.end(), args.begin(), args.end());
    } else if (keyword == "tests-only") {
      l.tests_only_.insert(l.tests_only_.end(), args.begin(), args.end());
    } else if (keyword == "test-files") {
      l.test_file_patterns_.insert(l.test_file_patterns_.end(), args.begin(), args.end());
    } else if (keyword == "allow") {
      if (args.size() != 3 || args[1] != "->") return Error("allow: takes FROM -> TO");
      l.allows_.push_back({line, args[0], args[2]});
    } else {
      Error("unknown keyword '" + std::string(keyword) + ":'");
    }
  }

  // What keyword lines name must exist once every level is read.
  void CheckNames() {
    line = 0;
    const Layers& l = out.layers;
    if (l.levels_.empty()) Error("no levels");
    for (const std::string& folder : l.private_parents_)
      if (!OnALevel(folder)) Error("private: " + folder + "/* names a folder on no level");
    for (const std::string& folder : l.tests_only_)
      if (!OnALevel(folder)) Error("tests-only: " + folder + " names a folder on no level");
    for (const std::string& folder : l.shared_) {
      const auto slash = folder.rfind('/');
      if (slash == std::string::npos || !Contains(l.private_parents_, folder.substr(0, slash)))
        Error("shared: " + folder + " is not a sub-folder of a private: folder");
    }
  }
};

ParsedLayers ParseLayers(std::string_view text, std::string_view name) {
  LayersParser parser{name, {}, 0};
  std::istringstream in{std::string(text)};
  for (std::string raw; std::getline(in, raw);) {
    ++parser.line;
    std::string_view line = raw;
    line = line.substr(0, line.find('#'));
    std::vector<std::string> words = Words(line);
    if (words.empty()) continue;
    if (words[0].ends_with(":")) {
      const std::string keyword = words[0].substr(0, words[0].size() - 1);
      parser.Keyword(keyword, std::vector<std::string>(words.begin() + 1, words.end()));
    } else {
      parser.Level(words);
    }
  }
  parser.CheckNames();
  return std::move(parser.out);
}

std::optional<Unit> Layers::UnitOf(std::string_view path) const {
  // The longest folder named on a level that holds the file.
  std::optional<Unit> best;
  for (size_t i = 0; i < levels_.size(); ++i) {
    for (const std::string& folder : levels_[i]) {
      if (!path.starts_with(folder + "/") || (best && best->folder.size() >= folder.size())) continue;
      best = Unit{folder, static_cast<int>(i + 1), false, "", Contains(tests_only_, folder)};
    }
  }
  if (!best || !Contains(private_parents_, best->folder)) return best;
  // Under `private: FOLDER/*`, each sub-folder is a unit of its own unless shared.
  const std::string_view rest = path.substr(best->folder.size() + 1);
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos) return best;  // the parent's own files
  const std::string sub = best->folder + "/" + std::string(rest.substr(0, slash));
  if (Contains(shared_, sub)) return best;
  return Unit{sub, best->level, true, best->folder, false};
}

bool Layers::IsTestFile(std::string_view path) const {
  const auto slash = path.rfind('/');
  const std::string_view file = slash == std::string_view::npos ? path : path.substr(slash + 1);
  return std::any_of(test_file_patterns_.begin(), test_file_patterns_.end(),
                     [file](const std::string& pattern) { return GlobMatch(pattern, file); });
}

bool GlobMatch(std::string_view pattern, std::string_view text) {
  if (pattern.empty()) return text.empty();
  if (pattern.front() == '*') {
    for (size_t skip = 0; skip <= text.size(); ++skip)
      if (GlobMatch(pattern.substr(1), text.substr(skip))) return true;
    return false;
  }
  return !text.empty() && pattern.front() == text.front() && GlobMatch(pattern.substr(1), text.substr(1));
}

bool PathMatches(std::string_view pattern, std::string_view path) {
  return GlobMatch(pattern, path) || GlobMatch(std::string(pattern) + "/*", path);
}

}  // namespace sluice::layer_check
