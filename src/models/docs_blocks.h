// dbt's docs blocks and the {{ doc('name') }} calls that descriptions make to
// them. Descriptions are documentation only, but a doc() that names no block
// is an error in dbt, and so it is here. Internal to the project reader.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "models/project.h"
#include "models/project_problems.h"

namespace sluice::models {

// Appends every `{% docs name %}…{% enddocs %}` block of a markdown file
// (`file`, relative to the project) to *out, its text trimmed; a block left
// open or without a name is a problem at its `{%`.
void ParseDocBlocks(const std::string& file, std::string_view text, std::vector<DocBlock>* out,
                    ProjectProblems* problems);

// `description` with each {{ doc('name') }} (or doc('package', 'name'))
// replaced by that block's text; other templating is left as written. A
// doc that does not exist is a problem at `at`.
std::string ResolveDocs(std::string_view description, const std::map<std::string, const DocBlock*>& docs,
                        const FilePosition& at, ProjectProblems* problems);

}  // namespace sluice::models
