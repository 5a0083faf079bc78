// Statements: the tags and what they hold.
#include "jinja/parser.h"

#include <algorithm>

#include "jinja/template.h"

namespace sluice::jinja {

namespace {

// Tags that end or continue a block: seen where no open block expects
// them, they are an error of their own.
bool IsClosingTag(std::string_view name) {
  static constexpr std::string_view kTags[] = {"elif", "else", "endif", "endfor", "endset", "endmacro",
                                               "endtest", "endraw", "endcall", "endfilter", "endblock"};
  return std::find(std::begin(kTags), std::end(kTags), name) != std::end(kTags);
}

}  // namespace

Result<Body> Parser::ParseTemplate() {
  Body body;
  std::string found;
  RETURN_IF_ERROR(ParseBody({}, "", Position{}, &body, &found));
  return body;
}

Status Parser::ParseBody(std::initializer_list<std::string_view> end_tags, std::string_view opener,
                         Position opener_pos, Body* body, std::string* found) {
  DepthGuard guard(this);
  RETURN_IF_ERROR(guard.Check(Peek().pos));
  while (true) {
    const Token& token = Peek();
    switch (token.kind) {
      case Token::Kind::kText: {
        Node node(Node::Kind::kText, token.pos);
        node.text = token.text;
        body->push_back(std::move(node));
        Next();
        break;
      }
      case Token::Kind::kOutputBegin: {
        Node node(Node::Kind::kOutput, token.pos);
        Next();
        ASSIGN_OR_RETURN(node.expr, ParseExpression());
        if (Peek().kind != Token::Kind::kOutputEnd) return UnexpectedToken("'}}'");
        Next();
        body->push_back(std::move(node));
        break;
      }
      case Token::Kind::kBlockBegin: {
        const Token& tag = Peek(1);
        if (tag.kind != Token::Kind::kName) return Error(tag.pos, fmt::format("expected a tag name, found {}", Describe(tag)));
        if (std::find(end_tags.begin(), end_tags.end(), tag.text) != end_tags.end()) {
          *found = std::string(tag.text);
          Next();
          Next();
          return Status::Ok();
        }
        if (IsClosingTag(tag.text)) {
          if (end_tags.size() == 0) return Error(tag.pos, fmt::format("unexpected '{}': no block is open", tag.text));
          std::string expected;
          for (std::string_view end : end_tags) {
            expected += (expected.empty() ? "'" : ", '") + std::string(end) + "'";
          }
          return Error(tag.pos, fmt::format("unexpected '{}' in '{}' at {}:{}, expected {}", tag.text, opener,
                                            opener_pos.line, opener_pos.column, expected));
        }
        RETURN_IF_ERROR(ParseStatement(body));
        break;
      }
      case Token::Kind::kEnd:
        if (end_tags.size() != 0) {
          return Error(token.pos, fmt::format("'{}' at {}:{} is not closed (expected '{}')", opener, opener_pos.line,
                                              opener_pos.column, *(end_tags.end() - 1)));
        }
        return Status::Ok();
      default:
        return UnexpectedToken("text or a tag");
    }
  }
}

Status Parser::ParseStatement(Body* body) {
  const Position pos = Next().pos;  // {%
  const Token& tag = Next();
  const std::string_view name = tag.text;
  if (name == "if") return ParseIf(pos, body);
  if (name == "for") return ParseFor(pos, body);
  if (name == "set") return ParseSet(pos, body);
  if (name == "macro") return ParseMacro(pos, false, body);
  if (name == "test") return ParseMacro(pos, true, body);  // dbt's generic test: a macro test_<name>
  if (name == "do") {
    Node node(Node::Kind::kDo, pos);
    ASSIGN_OR_RETURN(node.expr, ParseTupleOrExpression(true));
    RETURN_IF_ERROR(ExpectBlockEnd("do"));
    body->push_back(std::move(node));
    return Status::Ok();
  }
  if (name == "break" || name == "continue") {
    if (loop_depth_ == 0) return Error(tag.pos, fmt::format("'{}' outside a for loop", name));
    body->push_back(Node(name == "break" ? Node::Kind::kBreak : Node::Kind::kContinue, pos));
    return ExpectBlockEnd(name);
  }
  return Error(tag.pos, fmt::format("unsupported tag '{}'", name));
}

Status Parser::ParseIf(Position pos, Body* body) {
  Node node(Node::Kind::kIf, pos);
  std::string found = "elif";
  while (found == "elif") {
    IfBranch branch;
    ASSIGN_OR_RETURN(branch.condition, ParseTupleOrExpression(true));
    RETURN_IF_ERROR(ExpectBlockEnd(found == "elif" && node.branches.empty() ? "if" : "elif"));
    RETURN_IF_ERROR(ParseBody({"elif", "else", "endif"}, "if", pos, &branch.body, &found));
    node.branches.push_back(std::move(branch));
  }
  if (found == "else") {
    RETURN_IF_ERROR(ExpectBlockEnd("else"));
    IfBranch branch;
    RETURN_IF_ERROR(ParseBody({"endif"}, "if", pos, &branch.body, &found));
    node.branches.push_back(std::move(branch));
  }
  RETURN_IF_ERROR(ExpectBlockEnd("endif"));
  body->push_back(std::move(node));
  return Status::Ok();
}

Status Parser::ParseFor(Position pos, Body* body) {
  Node node(Node::Kind::kFor, pos);
  const bool parenthesized = SkipOperator("(");
  do {
    ASSIGN_OR_RETURN(std::string target, ExpectName("a loop variable"));
    node.targets.push_back(std::move(target));
  } while (SkipOperator(","));
  if (parenthesized) RETURN_IF_ERROR(ExpectOperator(")"));
  if (!SkipName("in")) return UnexpectedToken("'in'");
  // No `a if b else c` here: an `if` after the sequence filters it.
  ASSIGN_OR_RETURN(node.expr, ParseTupleOrExpression(false));
  if (SkipName("if")) {
    ASSIGN_OR_RETURN(node.condition, ParseExpression());
  }
  if (IsName("recursive")) return Error(Peek().pos, "unsupported 'recursive' loop");
  RETURN_IF_ERROR(ExpectBlockEnd("for"));
  std::string found;
  ++loop_depth_;
  Status st = ParseBody({"else", "endfor"}, "for", pos, &node.body, &found);
  --loop_depth_;
  RETURN_IF_ERROR(st);
  if (found == "else") {
    RETURN_IF_ERROR(ExpectBlockEnd("else"));
    // `break` in a loop's else belongs to an enclosing loop, if any.
    RETURN_IF_ERROR(ParseBody({"endfor"}, "for", pos, &node.else_body, &found));
  }
  RETURN_IF_ERROR(ExpectBlockEnd("endfor"));
  body->push_back(std::move(node));
  return Status::Ok();
}

Status Parser::ParseSet(Position pos, Body* body) {
  ASSIGN_OR_RETURN(std::string first, ExpectName("a variable name"));
  if (IsOperator(".")) {  // {% set ns.attribute = value %}
    Node node(Node::Kind::kSet, pos);
    node.target_object = std::make_unique<Expr>(Expr::Kind::kName, tokens_[pos_ - 1].pos);
    node.target_object->name = std::move(first);
    Next();
    ASSIGN_OR_RETURN(node.name, ExpectName("an attribute name"));
    RETURN_IF_ERROR(ExpectOperator("="));
    ASSIGN_OR_RETURN(node.expr, ParseTupleOrExpression(true));
    RETURN_IF_ERROR(ExpectBlockEnd("set"));
    body->push_back(std::move(node));
    return Status::Ok();
  }
  std::vector<std::string> targets{std::move(first)};
  while (SkipOperator(",")) {
    ASSIGN_OR_RETURN(std::string target, ExpectName("a variable name"));
    targets.push_back(std::move(target));
  }
  if (SkipOperator("=")) {
    Node node(Node::Kind::kSet, pos);
    node.targets = std::move(targets);
    ASSIGN_OR_RETURN(node.expr, ParseTupleOrExpression(true));
    RETURN_IF_ERROR(ExpectBlockEnd("set"));
    body->push_back(std::move(node));
    return Status::Ok();
  }
  if (targets.size() == 1 && Peek().kind == Token::Kind::kBlockEnd) {
    Node node(Node::Kind::kSetBlock, pos);
    node.targets = std::move(targets);
    Next();
    std::string found;
    RETURN_IF_ERROR(ParseBody({"endset"}, "set", pos, &node.body, &found));
    RETURN_IF_ERROR(ExpectBlockEnd("endset"));
    body->push_back(std::move(node));
    return Status::Ok();
  }
  if (IsOperator("|")) return Error(Peek().pos, "unsupported filter on a block set");
  return UnexpectedToken("'='");
}

Status Parser::ParseMacro(Position pos, bool is_test, Body* body) {
  auto macro = std::make_unique<MacroDefinition>();
  macro->pos = pos;
  ASSIGN_OR_RETURN(std::string name, ExpectName(is_test ? "a test name" : "a macro name"));
  macro->name = is_test ? "test_" + name : name;
  RETURN_IF_ERROR(ExpectOperator("("));
  if (!IsOperator(")")) {
    do {
      if (IsOperator(")")) break;  // a trailing comma
      if (IsOperator("*") || IsOperator("**")) return Error(Peek().pos, "unsupported '*args' in a macro's parameters");
      MacroParameter param;
      const Position param_pos = Peek().pos;
      ASSIGN_OR_RETURN(param.name, ExpectName("a parameter name"));
      for (const MacroParameter& other : macro->params) {
        if (other.name == param.name) return Error(param_pos, fmt::format("parameter '{}' named twice", param.name));
      }
      if (SkipOperator("=")) {
        ASSIGN_OR_RETURN(param.default_value, ParseExpression());
      } else if (!macro->params.empty() && macro->params.back().default_value != nullptr) {
        return Error(param_pos, fmt::format("parameter '{}' without a default follows one with a default", param.name));
      }
      macro->params.push_back(std::move(param));
    } while (SkipOperator(","));
  }
  RETURN_IF_ERROR(ExpectOperator(")"));
  const std::string_view tag = is_test ? "test" : "macro";
  RETURN_IF_ERROR(ExpectBlockEnd(tag));
  // A macro's body is a new scope: a loop around the definition does not
  // make `break` valid inside it.
  const int saved_loop_depth = loop_depth_;
  loop_depth_ = 0;
  std::string found;
  Status st = ParseBody({is_test ? "endtest" : "endmacro"}, tag, pos, &macro->body, &found);
  loop_depth_ = saved_loop_depth;
  RETURN_IF_ERROR(st);
  RETURN_IF_ERROR(ExpectBlockEnd(is_test ? "endtest" : "endmacro"));
  Node node(Node::Kind::kMacro, pos);
  node.macro = std::move(macro);
  body->push_back(std::move(node));
  return Status::Ok();
}

Status Parser::ExpectBlockEnd(std::string_view after) {
  if (Peek().kind == Token::Kind::kBlockEnd) {
    Next();
    return Status::Ok();
  }
  return Error(Peek().pos, fmt::format("expected '%}}' to end '{}', found {}", after, Describe(Peek())));
}

// Tokens.

const Token& Parser::Peek(size_t ahead) const { return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)]; }

bool Parser::IsOperator(std::string_view op, size_t ahead) const {
  const Token& t = Peek(ahead);
  return t.kind == Token::Kind::kOperator && t.text == op;
}

bool Parser::IsName(std::string_view name, size_t ahead) const {
  const Token& t = Peek(ahead);
  return t.kind == Token::Kind::kName && t.text == name;
}

bool Parser::SkipOperator(std::string_view op) {
  if (!IsOperator(op)) return false;
  Next();
  return true;
}

bool Parser::SkipName(std::string_view name) {
  if (!IsName(name)) return false;
  Next();
  return true;
}

Status Parser::ExpectOperator(std::string_view op) {
  if (SkipOperator(op)) return Status::Ok();
  return UnexpectedToken(fmt::format("'{}'", op));
}

Result<std::string> Parser::ExpectName(std::string_view what) {
  if (Peek().kind != Token::Kind::kName) return UnexpectedToken(what);
  return std::string(Next().text);
}

std::string Parser::Describe(const Token& token) {
  switch (token.kind) {
    case Token::Kind::kText: return "text";
    case Token::Kind::kEnd: return "the end of the template";
    case Token::Kind::kString: return fmt::format("string {}", token.text);
    default: return fmt::format("'{}'", token.text);
  }
}

Status Parser::Error(Position pos, std::string_view message) const { return ErrorAt(file_, pos, message); }

Status Parser::UnexpectedToken(std::string_view expected) const {
  return Error(Peek().pos, fmt::format("expected {}, found {}", expected, Describe(Peek())));
}

// The entry point.

Result<std::shared_ptr<const Template>> ParseTemplate(std::string_view source, std::string file, const Limits& limits,
                                                      bool keep_trailing_newline) {
  if (!keep_trailing_newline) {
    if (source.ends_with("\r\n")) {
      source.remove_suffix(2);
    } else if (source.ends_with('\n') || source.ends_with('\r')) {
      source.remove_suffix(1);
    }
  }
  std::shared_ptr<Template> tmpl(new Template(source, std::move(file)));
  ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(tmpl->source_, tmpl->file_));
  Parser parser(tokens, tmpl->file_, limits);
  ASSIGN_OR_RETURN(tmpl->body_, parser.ParseTemplate());
  // Macros know their template, so a call can tell whether it may see the
  // template's top-level variables.
  struct Owner {
    const Template* owner;
    void Visit(Body& body) {
      for (Node& node : body) {
        if (node.macro) {
          node.macro->owner = owner;
          Visit(node.macro->body);
        }
        Visit(node.body);
        Visit(node.else_body);
        for (IfBranch& branch : node.branches) Visit(branch.body);
      }
    }
  };
  Owner{tmpl.get()}.Visit(tmpl->body_);
  return std::shared_ptr<const Template>(std::move(tmpl));
}

}  // namespace sluice::jinja
