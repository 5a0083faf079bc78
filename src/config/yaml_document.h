// Reading the YAML of sluice.yaml into one document, with errors that say
// what is wrong as well as where.
//
// yaml-cpp's own messages name a position but often not the cause: an
// unclosed quote reads "end of map flow not found" at the end of the file,
// a tab in the indentation "illegal map value", a document nested too deep
// "bad file". Worse, a quoted value left open at the end of a block map is
// accepted and swallows the rest of the file, and a second document after
// `---` is dropped. ReadYamlDocument turns each of these into an error at
// the place to fix, and keeps yaml-cpp's message where it says enough.
#pragma once

#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "base/status.h"

namespace sluice {

// The one document in `text`; `path` names the file in messages. A null
// node when the text holds no document (empty, or only comments).
// InvalidArgument "PATH:LINE:COLUMN: message" when the text is not YAML,
// nests past yaml-cpp's depth limit, leaves a quote open, or holds a second
// document. No I/O; reentrant.
Result<YAML::Node> ReadYamlDocument(std::string_view text, const std::string& path);

}  // namespace sluice
