// A parsed template: immutable once parsed, so one Template may be rendered
// by several threads at once. Made by Environment::Parse (or ParseTemplate);
// always held by shared_ptr, because a macro value defined in it keeps it
// alive.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "jinja/ast.h"
#include "jinja/limits.h"

namespace sluice::jinja {

class Template : public std::enable_shared_from_this<Template> {
 public:
  const std::string& file() const { return file_; }
  const std::string& source() const { return source_; }
  const Body& body() const { return body_; }

  // Its text nodes point into its own source_: a copy would point into this one.
  Template(const Template&) = delete;
  Template& operator=(const Template&) = delete;

 private:
  friend Result<std::shared_ptr<const Template>> ParseTemplate(std::string_view source, std::string file,
                                                               const Limits& limits, bool keep_trailing_newline);
  Template(std::string_view source, std::string file) : file_(std::move(file)), source_(source) {}

  std::string file_;
  std::string source_;  // text nodes point into it
  Body body_;
};

// Parses `source`; `file` names it in errors. Errors: InvalidArgument
// "file:line:col: message", naming the construct (`unsupported tag 'call'`,
// `'for' at 3:1 is not closed`). As Jinja (and dbt), one newline at the
// very end of the source is dropped unless `keep_trailing_newline`.
Result<std::shared_ptr<const Template>> ParseTemplate(std::string_view source, std::string file,
                                                      const Limits& limits, bool keep_trailing_newline = false);

}  // namespace sluice::jinja
