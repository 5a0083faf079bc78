#include "models/run_report.h"

#include <algorithm>

#include <fmt/format.h>

#include "base/log.h"

namespace sluice::models {
namespace {

std::string_view Label(NodeStatus s) {
  switch (s) {
    case NodeStatus::kSuccess: return "OK";
    case NodeStatus::kPass: return "PASS";
    case NodeStatus::kWarn: return "WARN";
    case NodeStatus::kFail: return "FAIL";
    case NodeStatus::kError: return "ERROR";
    case NodeStatus::kSkipped: return "SKIP";
  }
  return "?";
}

std::string Plural(int64_t n, std::string_view one) { return fmt::format("{} {}{}", n, one, n == 1 ? "" : "s"); }

// The failing rows as a small table, indented under the node's line.
void PrintSample(std::ostream& out, const FailingRows& f) {
  if (f.columns.empty()) return;
  std::vector<size_t> width(f.columns.size(), 0);
  auto cell = [](const std::string& s) { return s.size() > 40 ? s.substr(0, 37) + "..." : s; };
  for (size_t c = 0; c < f.columns.size(); ++c) width[c] = cell(f.columns[c]).size();
  for (const auto& row : f.sample)
    for (size_t c = 0; c < row.size() && c < width.size(); ++c) width[c] = std::max(width[c], cell(row[c]).size());
  auto line = [&](const std::vector<std::string>& cells) {
    std::string text = "             ";
    for (size_t c = 0; c < width.size(); ++c) {
      std::string v = c < cells.size() ? cell(cells[c]) : "";
      text += c == 0 ? "" : " | ";
      text += v + std::string(width[c] - v.size(), ' ');
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out << text << "\n";
  };
  line(f.columns);
  for (const auto& row : f.sample) line(row);
  if (f.count > static_cast<int64_t>(f.sample.size()))
    out << fmt::format("             … and {} more\n", f.count - static_cast<int64_t>(f.sample.size()));
}

}  // namespace

std::string FormatSeconds(int64_t micros) {
  double s = static_cast<double>(micros) / 1e6;
  if (s < 60) return fmt::format("{:.2f} s", s);
  int64_t whole = micros / 1'000'000;
  return fmt::format("{} min {} s", whole / 60, whole % 60);
}

void TextRunReport::Selected(const std::vector<const ManifestNode*>& nodes, const std::vector<std::string>& warnings) {
  for (const std::string& w : warnings) *out_ << "warning: " << w << "\n";
  int seeds = 0, models = 0, tests = 0;
  for (const ManifestNode* n : nodes) {
    if (n->graph.type == ResourceType::kSeed) ++seeds;
    else if (n->graph.type == ResourceType::kModel) ++models;
    else if (n->graph.type == ResourceType::kTest) ++tests;
  }
  *out_ << fmt::format("sluice models {}: {}, {}, {}\n", ModelsCommandName(command_), Plural(seeds, "seed"),
                       Plural(models, "model"), Plural(tests, "test"));
  out_->flush();
}

void TextRunReport::Finished(size_t index, size_t total, const NodeResult& r) {
  const ManifestNode& n = *r.node;
  std::string what = n.graph.type == ResourceType::kModel ? std::string(MaterializationName(n.config.materialized))
                                                          : std::string(ResourceTypeName(n.graph.type));
  std::string counter = fmt::format("{} of {}", index, total);
  std::string head = fmt::format("  {:>9}  {:<6} {:<12} {}", counter, Label(r.status), what, n.graph.name);
  std::string tail;
  switch (r.status) {
    case NodeStatus::kSkipped: tail = fmt::format(" ({})", r.error); break;
    case NodeStatus::kError: tail = fmt::format(" in {}\n             {}", FormatSeconds(r.micros), r.error); break;
    case NodeStatus::kPass:
    case NodeStatus::kWarn:
    case NodeStatus::kFail:
      tail = fmt::format(" {}in {}", r.status == NodeStatus::kPass ? "" : Plural(r.failures.count, "failing row") + " ",
                         FormatSeconds(r.micros));
      if (!r.failures_table.empty()) tail += fmt::format(", kept in {}", r.failures_table);
      break;
    case NodeStatus::kSuccess:
      tail = fmt::format(" {}in {}", r.rows ? Plural(*r.rows, "row") + " " : std::string(), FormatSeconds(r.micros));
      if (r.how.rfind("incremental", 0) == 0) tail = fmt::format(" [{}]{}", r.how, tail);
      break;
  }
  *out_ << head << tail << "\n";
  if (r.status == NodeStatus::kFail || r.status == NodeStatus::kWarn) PrintSample(*out_, r.failures);
  out_->flush();
}

void TextRunReport::Done(const RunSummary& s) {
  *out_ << fmt::format("{} in {}: {} built, {}, {} skipped; tests: {} passed, {} warned, {} failed\n",
                       s.cancelled ? "Cancelled" : "Done", FormatSeconds(s.micros), s.built, Plural(s.errors, "error"),
                       s.skipped, s.passed, s.warned, s.failed);
  out_->flush();
}

void LogRunReport::Selected(const std::vector<const ManifestNode*>& nodes, const std::vector<std::string>& warnings) {
  for (const std::string& w : warnings) Log("models")->warn("{}: {}", what_, w);
  Log("models")->debug("{}: {} nodes selected", what_, nodes.size());
}

void LogRunReport::Finished(size_t index, size_t total, const NodeResult& r) {
  auto log = Log("models");
  const std::string& id = r.node->id();
  switch (r.status) {
    case NodeStatus::kSuccess:
    case NodeStatus::kPass:
      log->debug("{}: {}/{} {} {} in {}", what_, index, total, NodeStatusName(r.status), id, FormatSeconds(r.micros));
      return;
    case NodeStatus::kSkipped:
      log->info("{}: {}/{} skipped {} ({})", what_, index, total, id, r.error);
      return;
    case NodeStatus::kWarn:
      log->warn("{}: {}/{} {} warns: {}", what_, index, total, id, Plural(r.failures.count, "failing row"));
      return;
    case NodeStatus::kError:
    case NodeStatus::kFail: break;
  }
  std::string what = r.status == NodeStatus::kFail ? Plural(r.failures.count, "failing row") : r.error;
  log->warn("{}: {}/{} {} failed: {}", what_, index, total, id, what);
  if (failures_.size() < 10) failures_.push_back(fmt::format("{}: {}", id, what));
  else ++more_failures_;
}

void LogRunReport::Done(const RunSummary& s) {
  Log("models")->info("{}: {} in {}: {} built, {}, {} skipped; tests: {} passed, {} warned, {} failed", what_,
                      s.cancelled ? "cancelled" : "done", FormatSeconds(s.micros), s.built, Plural(s.errors, "error"),
                      s.skipped, s.passed, s.warned, s.failed);
}

std::string LogRunReport::Failures() const {
  std::string out;
  for (const std::string& f : failures_) out += (out.empty() ? "" : "\n") + f;
  if (more_failures_ > 0) out += fmt::format("\n… and {} more", more_failures_);
  return out;
}

}  // namespace sluice::models
