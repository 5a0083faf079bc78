// Tokens → AST. Statements are parsed in parser.cc, expressions in
// expression_parser.cc (Jinja's grammar and precedence: `-2 ** 2` is 4,
// `a ~ b | upper` filters b only, `not x is none` is `not (x is none)`).
// Internal to the jinja library: Environment::Parse is the way in.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "jinja/ast.h"
#include "jinja/lexer.h"
#include "jinja/limits.h"

namespace sluice::jinja {

class Parser {
 public:
  Parser(const std::vector<Token>& tokens, std::string_view file, const Limits& limits)
      : tokens_(tokens), file_(file), limits_(limits) {}

  // The whole template.
  Result<Body> ParseTemplate();

 private:
  // Each level of recursion counts against Limits::max_nesting, so that
  // `((((…))))` or `- - - x` a million deep is an error, not a stack overflow:
  // DepthGuard guard(this); RETURN_IF_ERROR(guard.Check(pos));
  class DepthGuard {
   public:
    explicit DepthGuard(Parser* parser) : parser_(parser) { ++parser_->depth_; }
    ~DepthGuard() { --parser_->depth_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;
    Status Check(Position pos) const {
      if (parser_->depth_ <= parser_->limits_.max_nesting) return Status::Ok();
      return parser_->Error(pos, fmt::format("nested too deeply (more than {} levels)", parser_->limits_.max_nesting));
    }

   private:
    Parser* parser_;
  };

  // Statements (parser.cc).
  // Parses nodes until one of `end_tags` opens a tag (its name consumed,
  // returned in *found) or the template ends (only when end_tags is empty).
  Status ParseBody(std::initializer_list<std::string_view> end_tags, std::string_view opener, Position opener_pos,
                   Body* body, std::string* found);
  Status ParseStatement(Body* body);
  Status ParseIf(Position pos, Body* body);
  Status ParseFor(Position pos, Body* body);
  Status ParseSet(Position pos, Body* body);
  Status ParseMacro(Position pos, bool is_test, Body* body);
  Status ExpectBlockEnd(std::string_view after);

  // Expressions (expression_parser.cc).
  Result<ExprPtr> ParseExpression();               // with `a if c else b`
  Result<ExprPtr> ParseTupleOrExpression(bool with_conditional);  // `a, b` as a list
  Result<ExprPtr> ParseConditional();
  Result<ExprPtr> ParseOr();
  Result<ExprPtr> ParseAnd();
  Result<ExprPtr> ParseNot();
  Result<ExprPtr> ParseCompare();
  Result<ExprPtr> ParseAdditive();
  Result<ExprPtr> ParseConcat();
  Result<ExprPtr> ParseMultiplicative();
  Result<ExprPtr> ParsePower();
  Result<ExprPtr> ParseUnary(bool with_filters);
  Result<ExprPtr> ParsePrimary();
  Result<ExprPtr> ParsePostfix(ExprPtr expr);
  Result<ExprPtr> ParseFilters(ExprPtr expr);
  Result<ExprPtr> ParseSubscript(ExprPtr expr);
  Status ParseCallArgs(Expr* call);  // after '(' up to and with ')'
  Result<ExprPtr> ParseListLiteral();
  Result<ExprPtr> ParseDictLiteral();
  Result<ExprPtr> ParseParenthesized();

  // Tokens.
  const Token& Peek(size_t ahead = 0) const;
  const Token& Next() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
  bool IsOperator(std::string_view op, size_t ahead = 0) const;
  bool IsName(std::string_view name, size_t ahead = 0) const;
  bool SkipOperator(std::string_view op);
  bool SkipName(std::string_view name);
  Status ExpectOperator(std::string_view op);
  Result<std::string> ExpectName(std::string_view what);
  static std::string Describe(const Token& token);
  Status Error(Position pos, std::string_view message) const;
  Status UnexpectedToken(std::string_view expected) const;

  const std::vector<Token>& tokens_;
  std::string_view file_;
  const Limits& limits_;
  size_t pos_ = 0;
  int depth_ = 0;
  int loop_depth_ = 0;  // for {% break %} / {% continue %}
};

}  // namespace sluice::jinja
