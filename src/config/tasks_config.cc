#include "config/tasks_config.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <functional>
#include <map>
#include <set>

#include "base/schedule.h"
#include "base/webhook_url.h"  // the config checks URLs as the alerter reads them

namespace sluice {
namespace {

// Where a problem inside a scalar is: its mark, moved right by `column`
// (1-based) and past the opening quote of a quoted scalar (tag "!").
YAML::Mark MarkInside(const YAML::Node& scalar, int column) {
  YAML::Mark mark = scalar.Mark();
  mark.column += column - 1 + (scalar.Tag() == "!" ? 1 : 0);
  return mark;
}

// Parses a schedule value; reports where in it a problem is.
bool CheckSchedule(const YAML::Node& n, std::string_view what, std::string* out, Problems* problems) {
  if (!IsScalar(n, what, problems)) return false;
  ScheduleError error;
  if (!ParseSchedule(n.Scalar(), &error).ok()) {
    problems->Add(MarkInside(n, error.column), fmt::format("{}: {}", what, error.message));
    return false;
  }
  *out = n.Scalar();
  return true;
}

bool CheckDuration(const YAML::Node& n, std::string_view what, int64_t* micros, Problems* problems) {
  if (!IsScalar(n, what, problems)) return false;
  auto parsed = ParseDurationMicros(n.Scalar());
  if (!parsed.ok() || *parsed <= 0) {
    problems->Add(n.Mark(), fmt::format("{}: {}", what, parsed.ok() ? "must be above 0" : parsed.status().message()));
    return false;
  }
  *micros = *parsed;
  return true;
}

bool IsTaskName(const std::string& s) {
  return !s.empty() && s.size() <= 128 && std::isalnum(static_cast<unsigned char>(s[0])) &&
         std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; });
}

}  // namespace

std::string MergeTaskName(const std::string& event) { return "merge:" + event; }
std::string RetentionTaskName(const std::string& event) { return "retention:" + event; }

void ParseEventTasks(const YAML::Node& node, EventSpec* event, Problems* problems) {
  if (const auto m = node["merge"]) {
    if (!m.IsMap()) {
      problems->Add(m.Mark(), "merge must be a map ({every: SCHEDULE}); leave it out to merge continuously");
    } else {
      CheckKeys(m, {"every"}, fmt::format("the merge of event '{}'", event->name), problems);
      if (const auto every = m["every"]) CheckSchedule(every, "merge.every", &event->merge_schedule, problems);
    }
  }
  if (const auto r = node["retention"]) {
    if (!r.IsMap()) {
      problems->Add(r.Mark(), "retention must be a map ({staging: 7d, landing: 90d})");
      return;
    }
    CheckKeys(r, {"staging", "landing"}, fmt::format("the retention of event '{}'", event->name), problems);
    if (const auto v = r["staging"]) CheckDuration(v, "retention.staging", &event->staging_retention_micros, problems);
    if (const auto v = r["landing"]) CheckDuration(v, "retention.landing", &event->landing_retention_micros, problems);
  }
}

void ParseTasks(const YAML::Node& node, const std::string& base_dir, std::vector<TaskConfig>* tasks,
                Problems* problems) {
  if (!node.IsMap()) return problems->Add(node.Mark(), "tasks must be a map of task name to its definition");
  std::map<std::string, YAML::Node> after_nodes;  // task → its `after` node, for messages
  for (const auto& kv : node) {
    TaskConfig task;
    task.name = kv.first.Scalar();
    const std::string where = fmt::format("task '{}'", task.name);
    if (!IsTaskName(task.name))
      problems->Add(kv.first.Mark(), fmt::format("task name '{}' must be letters, digits, _ and -, starting with a "
                                                 "letter or digit", task.name));
    const YAML::Node& def = kv.second;
    if (!def.IsMap()) {
      problems->Add(def.Mark(), fmt::format("{} must be a map (schedule, sql or sql_file, after, retries, timeout)", where));
      continue;
    }
    CheckKeys(def, {"schedule", "sql", "sql_file", "after", "retries", "timeout"}, where, problems);
    if (const auto s = def["schedule"]) CheckSchedule(s, "schedule", &task.schedule, problems);
    const auto sql = def["sql"];
    const auto file = def["sql_file"];
    if (sql && file) problems->Add(file.Mark(), fmt::format("{} has both sql and sql_file: keep one", where));
    else if (!sql && !file) problems->Add(def.Mark(), fmt::format("{} has neither sql nor sql_file", where));
    if (sql && IsScalar(sql, "sql", problems)) task.sql = sql.Scalar();
    if (file && IsScalar(file, "sql_file", problems)) {
      const std::filesystem::path p(file.Scalar());
      task.sql_file = p.is_absolute() ? p.string() : (std::filesystem::path(base_dir) / p).string();
    }
    if (const auto a = def["after"]) {
      after_nodes[task.name] = a;
      std::vector<YAML::Node> items;
      if (a.IsSequence()) for (const auto& item : a) items.push_back(item);
      else items.push_back(a);
      for (const auto& item : items)
        if (IsScalar(item, "an entry of after", problems)) task.after.push_back(item.Scalar());
    }
    if (task.schedule.empty() && task.after.empty())
      problems->Add(def.Mark(), fmt::format("{} has neither schedule nor after: it would never run on its own "
                                            "(give it one; `sluice tasks run` still works with either)", where));
    if (const auto r = def["retries"]; r && IsScalar(r, "retries", problems)) {
      try {
        task.retries = r.as<int>();
        if (task.retries < 0 || task.retries > 100) throw YAML::Exception(r.Mark(), "range");
      } catch (const YAML::Exception&) {
        problems->Add(r.Mark(), fmt::format("retries of {} must be a whole number from 0 to 100", where));
      }
    }
    if (const auto t = def["timeout"]) CheckDuration(t, "timeout", &task.timeout_micros, problems);
    tasks->push_back(std::move(task));
  }

  // The graph: every predecessor exists, and no task waits on itself.
  std::map<std::string, const TaskConfig*> by_name;
  for (const auto& t : *tasks) by_name[t.name] = &t;
  for (const auto& t : *tasks) {
    for (const auto& p : t.after) {
      if (!by_name.count(p))
        problems->Add(after_nodes[t.name].Mark(), fmt::format("task '{}' runs after '{}', which is not a task", t.name, p));
    }
  }
  enum class Mark { kNew, kOnPath, kDone };
  std::map<std::string, Mark> marks;
  std::vector<std::string> path;
  std::set<std::string> reported;
  std::function<void(const TaskConfig&)> visit = [&](const TaskConfig& t) {
    marks[t.name] = Mark::kOnPath;
    path.push_back(t.name);
    for (const auto& p : t.after) {
      auto it = by_name.find(p);
      if (it == by_name.end()) continue;
      if (marks[p] == Mark::kOnPath) {
        const auto from = std::find(path.begin(), path.end(), p);
        std::string cycle;
        for (auto i = from; i != path.end(); ++i) cycle += *i + " -> ";
        cycle += p;
        if (reported.insert(p).second)
          problems->Add(after_nodes[t.name].Mark(), fmt::format("the tasks' after: lists form a cycle: {}", cycle));
      } else if (marks[p] == Mark::kNew) {
        visit(*it->second);
      }
    }
    path.pop_back();
    marks[t.name] = Mark::kDone;
  };
  for (const auto& t : *tasks)
    if (marks[t.name] == Mark::kNew) visit(t);
}

void ParseAlerts(const YAML::Node& node, const std::string& base_dir, AlertsConfig* alerts, Problems* problems) {
  if (!node.IsMap()) return problems->Add(node.Mark(), "alerts must be a map (webhook, email)");
  CheckKeys(node, {"webhook", "email"}, "alerts", problems);
  if (const auto w = node["webhook"]; w && IsScalar(w, "alerts.webhook", problems)) {
    alerts->webhook = w.Scalar();
    if (auto url = ParseWebhookUrl(alerts->webhook); !url.ok())
      problems->Add(w.Mark(), fmt::format("alerts.webhook: {}", url.status().message()));
  }
  if (const auto e = node["email"]) {
    if (!e.IsMap()) return problems->Add(e.Mark(), "alerts.email must be a map (to, sendmail)");
    CheckKeys(e, {"to", "sendmail"}, "alerts.email", problems);
    if (const auto to = e["to"]; to && IsScalar(to, "alerts.email.to", problems)) alerts->email_to = to.Scalar();
    else if (!to) problems->Add(e.Mark(), "alerts.email needs to: (the address alerts go to)");
    if (const auto s = e["sendmail"]; s && IsScalar(s, "alerts.email.sendmail", problems)) {
      const std::filesystem::path p(s.Scalar());
      alerts->sendmail = p.is_absolute() ? p.string() : (std::filesystem::path(base_dir) / p).string();
    }
  }
}

}  // namespace sluice
