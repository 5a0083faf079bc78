#include "layer_check.h"

#include <filesystem>
#include <fstream>
#include <iterator>

namespace sluice::layer_check {
namespace {

namespace fs = std::filesystem;

constexpr const char* kLayersFile = "src/LAYERS";

bool IsCppFile(const fs::path& path) {
  static const char* const kExtensions[] = {".h", ".hh", ".hpp", ".cc", ".cpp", ".cxx", ".inc", ".ipp"};
  for (const char* extension : kExtensions)
    if (path.extension() == extension) return true;
  return false;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

SourceTree ReadSourceTree(const std::string& root) {
  SourceTree tree;
  for (const char* top : {"src", "tests"}) {
    const fs::path dir = fs::path(root) / top;
    if (!fs::is_directory(dir)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      if (!entry.is_regular_file() || !IsCppFile(entry.path())) continue;
      const std::string path = fs::relative(entry.path(), root).generic_string();
      tree[path] = path.starts_with("src/") ? ReadFile(entry.path()) : "";
    }
  }
  return tree;
}

int RunLayerCheck(const std::string& root, std::ostream& out) {
  const fs::path layers_path = fs::path(root) / kLayersFile;
  if (!fs::is_regular_file(layers_path)) {
    out << layers_path.string() << ": no such file\n";
    return 2;
  }
  const ParsedLayers parsed = ParseLayers(ReadFile(layers_path), kLayersFile);
  for (const std::string& error : parsed.errors) out << error << "\n";
  if (!parsed.errors.empty()) return 2;

  const CheckResult result = CheckIncludes(parsed.layers, kLayersFile, ReadSourceTree(root));
  for (const std::string& problem : result.problems) out << problem << "\n";
  out << result.files << " files, " << result.includes << " includes checked: ";
  if (result.problems.empty()) {
    out << "all keep to " << kLayersFile << "\n";
    return 0;
  }
  out << result.problems.size() << " problems; the levels and their exceptions are in " << kLayersFile << "\n";
  return 1;
}

}  // namespace sluice::layer_check
