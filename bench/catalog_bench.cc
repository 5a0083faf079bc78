#include "catalog_bench.h"

#include <unistd.h>

#include <algorithm>
#include <fstream>

#include <fmt/format.h>

#include "base/text.h"
#include "report.h"

namespace fs = std::filesystem;

namespace sluice::bench {
namespace {

double Median(const std::vector<ChildRun>& runs) {
  if (runs.empty()) return 0;
  std::vector<double> s;
  for (const ChildRun& r : runs) s.push_back(r.wall_seconds);
  std::sort(s.begin(), s.end());
  return s.size() % 2 ? s[s.size() / 2] : (s[s.size() / 2 - 1] + s[s.size() / 2]) / 2;
}

Status WriteFile(const fs::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  out.close();
  if (!out) return Status::IOError(fmt::format("cannot write {}", path.string()));
  return Status::Ok();
}

// `sluice -c DIR/sluice.yaml ARGS…` in DIR, its output in `log` (truncated
// first, so the log is this run's alone).
Result<ChildRun> Sluice(const CatalogBenchInput& in, const fs::path& dir, const fs::path& log,
                        const std::vector<std::string>& args) {
  std::ofstream(log, std::ios::trunc).close();
  std::vector<std::string> argv = {in.sluice, "-c", (dir / "sluice.yaml").string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunChildChecked(argv, dir.string(), log.string(), "sluice " + Join(args, " "));
}

void SayRun(const std::string& name, const ChildRun& run, const std::string& extra = "") {
  SayPhase(name, run.wall_seconds, run.user_seconds + run.system_seconds, run.other_cores,
           extra.empty() ? RssNote(run) : extra + "; " + RssNote(run));
}

Result<CatalogSize> RunSize(const CatalogBenchInput& in, int types) {
  CatalogSize r;
  r.types = types;
  const fs::path dir = in.dir / fmt::format("types-{}", types);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::IOError(fmt::format("cannot create {}: {}", dir.string(), ec.message()));
  const std::string yaml = CatalogYaml(types);
  RETURN_IF_ERROR(WriteFile(dir / "sluice.yaml", yaml));
  Say(fmt::format("  {} event types: sluice.yaml of {:.1f} MB", types, static_cast<double>(yaml.size()) / 1e6));
  const fs::path log = in.logs_dir / fmt::format("catalog-{}.log", types);

  for (int k = 0; k < kCatalogRuns; ++k) {
    ::sync();
    ASSIGN_OR_RETURN(ChildRun run, Sluice(in, dir, log, {"ddl", "--dialect", "sqlite"}));
    SayRun(fmt::format("validate {}", k + 1), run);
    r.validate.push_back(run);
  }
  ::sync();
  ASSIGN_OR_RETURN(r.first_prepare, Sluice(in, dir, log, {"status"}));
  SayRun("first prepare", r.first_prepare, "the first sluice status: every table created");
  for (int k = 0; k < kCatalogRuns; ++k) {
    ::sync();
    ASSIGN_OR_RETURN(ChildRun run, Sluice(in, dir, log, {"status"}));
    const std::string last = LastLine(log.string());
    const bool listed = last == fmt::format("({} rows)", types);
    r.rows_listed = k == 0 ? listed : r.rows_listed && listed;
    SayRun(fmt::format("status {}", k + 1), run, listed ? fmt::format("{} rows listed", types) : "<<<<< it listed " + last);
    r.status.push_back(run);
  }
  RETURN_IF_ERROR(WriteFile(dir / "sluice.yaml", CatalogYaml(types + 1)));
  ::sync();
  ASSIGN_OR_RETURN(r.add_one, Sluice(in, dir, log, {"status"}));
  SayRun("one type added", r.add_one, "sluice status creating one more type's tables");
  return r;
}

}  // namespace

double CatalogSize::validate_seconds() const { return Median(validate); }
double CatalogSize::status_seconds() const { return Median(status); }

bool CatalogBenchResult::correct() const {
  for (const CatalogSize& s : sizes)
    if (!s.rows_listed) return false;
  return !sizes.empty();
}

double CatalogBenchResult::busiest_other_cores() const {
  double busiest = 0;
  for (const CatalogSize& s : sizes) {
    for (const ChildRun& r : s.validate) busiest = std::max(busiest, r.other_cores);
    for (const ChildRun& r : s.status) busiest = std::max(busiest, r.other_cores);
    busiest = std::max({busiest, s.first_prepare.other_cores, s.add_one.other_cores});
  }
  return busiest;
}

std::string CatalogYaml(int types) {
  std::string yaml = "# sluice_bench's catalog part: many small event types\ndata_dir: data\nevents:\n";
  yaml.reserve(static_cast<size_t>(types) * 300);
  for (int i = 0; i < types; ++i)
    yaml += fmt::format("  Event{0:05}:\n"
                        "    table: event_{0:05}\n"
                        "    key: id\n"
                        "    version: updated_at\n"
                        "    columns:\n"
                        "      id:         {{path: Id, type: varchar(64)}}\n"
                        "      amount:     {{path: Amount, type: number(9,2)}}\n"
                        "      status:     {{path: Status, type: varchar(32)}}\n"
                        "      updated_at: {{path: UpdatedAt, type: timestamp}}\n",
                        i);
  return yaml;
}

Result<CatalogBenchResult> RunCatalogBench(const CatalogBenchInput& in) {
  CatalogBenchResult r;
  for (int types : {std::max(1, in.types / 10), in.types}) {
    ASSIGN_OR_RETURN(CatalogSize size, RunSize(in, types));
    r.sizes.push_back(std::move(size));
  }
  return r;
}

void SayCatalogSummary(const CatalogBenchResult& r) {
  Say(fmt::format("{:<24}{:>12} {:>12} {:>14} {:>14}", "catalog (SQLite)", "validate s", "status s", "first prepare s",
                  "one added s"));
  for (const CatalogSize& s : r.sizes)
    Say(fmt::format("{:<24}{:12.2f} {:12.2f} {:14.2f} {:14.2f}{}", fmt::format("{} types", s.types),
                    s.validate_seconds(), s.status_seconds(), s.first_prepare.wall_seconds, s.add_one.wall_seconds,
                    s.rows_listed ? "" : "   <<<<< status did not list every type"));
  if (r.sizes.size() == 2) {
    const CatalogSize &small = r.sizes.front(), &large = r.sizes.back();
    const auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };
    Say(fmt::format("{:<24}{:11.1f}x {:11.1f}x {:13.1f}x {:13.1f}x   ({}x the types; linear: {}x)", "growth",
                    ratio(large.validate_seconds(), small.validate_seconds()),
                    ratio(large.status_seconds(), small.status_seconds()),
                    ratio(large.first_prepare.wall_seconds, small.first_prepare.wall_seconds),
                    ratio(large.add_one.wall_seconds, small.add_one.wall_seconds), large.types / small.types,
                    large.types / small.types));
  }
}

void SayCatalogGoals(const CatalogBenchResult& r) {
  const CatalogSize& s = r.largest();
  Say(fmt::format("{}  catalog validation of {} types (sluice ddl, whole process) {:.2f} s, the median of {} "
                  "(goal < {:.0f} s)",
                  Verdict(s.validate_seconds() < kCatalogGoalSeconds), s.types, s.validate_seconds(),
                  s.validate.size(), kCatalogGoalSeconds));
  Say(fmt::format("{}  sluice status of {} types {:.2f} s, the median of {} (goal < {:.0f} s)",
                  Verdict(s.status_seconds() < kCatalogGoalSeconds && s.rows_listed), s.types, s.status_seconds(),
                  s.status.size(), kCatalogGoalSeconds));
}

}  // namespace sluice::bench
