// Values for templates from YAML: what `vars`, a generic test's arguments
// and `--vars` give a project's Jinja.
//
// Scalars are typed as YAML 1.2's core schema reads them (and as dbt, via
// PyYAML, mostly does): integers, floats, true/false, null/~, else strings;
// a quoted scalar is always a string. Maps keep their order.
//
// Thread-safe; never throws.
#pragma once

#include <string_view>

#include <yaml-cpp/yaml.h>

#include "base/status.h"
#include "jinja/value.h"

namespace sluice::models {

jinja::Value ValueFromYaml(const YAML::Node& node);

// Parses `text` (YAML, or JSON, which is YAML) and converts it. `what` names
// the text in errors ("--vars"). InvalidArgument when it does not parse.
Result<jinja::Value> ValueFromYamlText(std::string_view text, std::string_view what);

}  // namespace sluice::models
