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

// At most this many values, nested at most this deep, in one conversion.
inline constexpr size_t kMaxYamlValueNodes = 1'000'000;
inline constexpr int kMaxYamlValueDepth = 100;

// `what` names the YAML in errors ("models.vars"). InvalidArgument past
// the limits above.
Result<jinja::Value> ValueFromYaml(const YAML::Node& node, std::string_view what);

// InvalidArgument when walking `root` would visit more than the limits
// above: a YAML file whose aliases multiply its nodes ("billion laughs").
Status CheckYamlSize(const YAML::Node& root);

// Parses `text` (YAML, or JSON, which is YAML) and converts it. `what` names
// the text in errors ("--vars"). InvalidArgument when it does not parse.
Result<jinja::Value> ValueFromYamlText(std::string_view text, std::string_view what);

}  // namespace sluice::models
