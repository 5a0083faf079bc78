// The parts of sluice.yaml that declare tasks: the `tasks:` and
// `alerts:` sections, and each event's built-in tasks (`merge:`,
// `retention:`). Problems are reported with their position, like the rest
// of the config.
#pragma once

#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "catalog/event_spec.h"
#include "config/config.h"
#include "config/yaml_problems.h"

namespace sluice {

// events.<name>.merge ({every: SCHEDULE}) and events.<name>.retention
// ({staging: DURATION, landing: DURATION}).
void ParseEventTasks(const YAML::Node& event_node, EventSpec* event, Problems* problems);

// tasks: {NAME: {schedule, sql | sql_file, after, retries, timeout}}. Checks
// names, schedules, that every `after` names a task, and that the graph has
// no cycle.
void ParseTasks(const YAML::Node& node, const std::string& base_dir, std::vector<TaskConfig>* tasks,
                Problems* problems);

// alerts: {webhook: URL, email: {to, sendmail}}.
void ParseAlerts(const YAML::Node& node, const std::string& base_dir, AlertsConfig* alerts, Problems* problems);

// The built-in tasks' names: "merge:Accounting", "retention:Accounting".
std::string MergeTaskName(const std::string& event);
std::string RetentionTaskName(const std::string& event);

}  // namespace sluice
