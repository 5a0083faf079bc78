// Expressions, by Jinja's grammar, lowest precedence first:
// conditional, or, and, not, comparison (and `in`), + -, ~, * / // %, **,
// unary - +, then a primary with its postfixes (.attr, [index], (call)),
// filters (| f) and tests (is t).
#include <algorithm>

#include "jinja/parser.h"

namespace sluice::jinja {
namespace {

ExprPtr MakeExpr(Expr::Kind kind, Position pos) { return std::make_unique<Expr>(kind, pos); }

ExprPtr MakeBinary(Expr::Kind kind, Position pos, ExprPtr left, ExprPtr right) {
  ExprPtr e = MakeExpr(kind, pos);
  e->args.push_back(std::move(left));
  e->args.push_back(std::move(right));
  return e;
}

}  // namespace

Result<ExprPtr> Parser::ParseExpression() { return ParseConditional(); }

Result<ExprPtr> Parser::ParseTupleOrExpression(bool with_conditional) {
  const Position pos = Peek().pos;
  ASSIGN_OR_RETURN(ExprPtr first, with_conditional ? ParseConditional() : ParseOr());
  if (!IsOperator(",")) return first;
  ExprPtr list = MakeExpr(Expr::Kind::kList, pos);
  list->args.push_back(std::move(first));
  while (SkipOperator(",")) {
    const Token& t = Peek();
    if (t.kind == Token::Kind::kBlockEnd || t.kind == Token::Kind::kOutputEnd) break;
    ASSIGN_OR_RETURN(ExprPtr item, with_conditional ? ParseConditional() : ParseOr());
    list->args.push_back(std::move(item));
  }
  return list;
}

Result<ExprPtr> Parser::ParseConditional() {
  DepthGuard guard(this);
  RETURN_IF_ERROR(guard.Check(Peek().pos));
  ASSIGN_OR_RETURN(ExprPtr expr, ParseOr());
  while (IsName("if")) {
    const Position pos = Next().pos;
    ExprPtr cond = MakeExpr(Expr::Kind::kConditional, pos);
    ASSIGN_OR_RETURN(ExprPtr test, ParseOr());
    cond->args.push_back(std::move(test));
    cond->args.push_back(std::move(expr));
    if (SkipName("else")) {
      ASSIGN_OR_RETURN(ExprPtr otherwise, ParseConditional());
      cond->args.push_back(std::move(otherwise));
    } else {
      cond->args.push_back(nullptr);
    }
    expr = std::move(cond);
  }
  return expr;
}

Result<ExprPtr> Parser::ParseOr() {
  ASSIGN_OR_RETURN(ExprPtr left, ParseAnd());
  while (IsName("or")) {
    const Position pos = Next().pos;
    ASSIGN_OR_RETURN(ExprPtr right, ParseAnd());
    left = MakeBinary(Expr::Kind::kOr, pos, std::move(left), std::move(right));
  }
  return left;
}

Result<ExprPtr> Parser::ParseAnd() {
  ASSIGN_OR_RETURN(ExprPtr left, ParseNot());
  while (IsName("and")) {
    const Position pos = Next().pos;
    ASSIGN_OR_RETURN(ExprPtr right, ParseNot());
    left = MakeBinary(Expr::Kind::kAnd, pos, std::move(left), std::move(right));
  }
  return left;
}

Result<ExprPtr> Parser::ParseNot() {
  DepthGuard guard(this);
  RETURN_IF_ERROR(guard.Check(Peek().pos));
  if (IsName("not")) {
    ExprPtr e = MakeExpr(Expr::Kind::kNot, Next().pos);
    ASSIGN_OR_RETURN(ExprPtr operand, ParseNot());
    e->args.push_back(std::move(operand));
    return e;
  }
  return ParseCompare();
}

Result<ExprPtr> Parser::ParseCompare() {
  const Position pos = Peek().pos;
  ASSIGN_OR_RETURN(ExprPtr first, ParseAdditive());
  ExprPtr compare;
  while (true) {
    CompareOp op;
    const Token& t = Peek();
    if (t.kind == Token::Kind::kOperator && t.text == "==") {
      op = CompareOp::kEq;
    } else if (t.kind == Token::Kind::kOperator && t.text == "!=") {
      op = CompareOp::kNe;
    } else if (t.kind == Token::Kind::kOperator && t.text == "<") {
      op = CompareOp::kLt;
    } else if (t.kind == Token::Kind::kOperator && t.text == "<=") {
      op = CompareOp::kLe;
    } else if (t.kind == Token::Kind::kOperator && t.text == ">") {
      op = CompareOp::kGt;
    } else if (t.kind == Token::Kind::kOperator && t.text == ">=") {
      op = CompareOp::kGe;
    } else if (IsName("in")) {
      op = CompareOp::kIn;
    } else if (IsName("not") && IsName("in", 1)) {
      op = CompareOp::kNotIn;
      Next();
    } else {
      break;
    }
    Next();
    if (!compare) {
      compare = MakeExpr(Expr::Kind::kCompare, pos);
      compare->args.push_back(std::move(first));
    }
    ASSIGN_OR_RETURN(ExprPtr operand, ParseAdditive());
    compare->compare_ops.push_back(op);
    compare->args.push_back(std::move(operand));
  }
  return compare ? std::move(compare) : std::move(first);
}

Result<ExprPtr> Parser::ParseAdditive() {
  ASSIGN_OR_RETURN(ExprPtr left, ParseConcat());
  while (IsOperator("+") || IsOperator("-")) {
    const Token& t = Next();
    ExprPtr e = MakeExpr(Expr::Kind::kBinary, t.pos);
    e->binary_op = t.text == "+" ? BinaryOp::kAdd : BinaryOp::kSub;
    ASSIGN_OR_RETURN(ExprPtr right, ParseConcat());
    e->args.push_back(std::move(left));
    e->args.push_back(std::move(right));
    left = std::move(e);
  }
  return left;
}

Result<ExprPtr> Parser::ParseConcat() {
  const Position pos = Peek().pos;
  ASSIGN_OR_RETURN(ExprPtr first, ParseMultiplicative());
  if (!IsOperator("~")) return first;
  ExprPtr concat = MakeExpr(Expr::Kind::kConcat, pos);
  concat->args.push_back(std::move(first));
  while (SkipOperator("~")) {
    ASSIGN_OR_RETURN(ExprPtr next, ParseMultiplicative());
    concat->args.push_back(std::move(next));
  }
  return concat;
}

Result<ExprPtr> Parser::ParseMultiplicative() {
  ASSIGN_OR_RETURN(ExprPtr left, ParsePower());
  while (IsOperator("*") || IsOperator("/") || IsOperator("//") || IsOperator("%")) {
    const Token& t = Next();
    ExprPtr e = MakeExpr(Expr::Kind::kBinary, t.pos);
    e->binary_op = t.text == "*"    ? BinaryOp::kMul
                   : t.text == "/"  ? BinaryOp::kDiv
                   : t.text == "//" ? BinaryOp::kFloorDiv
                                    : BinaryOp::kMod;
    ASSIGN_OR_RETURN(ExprPtr right, ParsePower());
    e->args.push_back(std::move(left));
    e->args.push_back(std::move(right));
    left = std::move(e);
  }
  return left;
}

Result<ExprPtr> Parser::ParsePower() {
  ASSIGN_OR_RETURN(ExprPtr left, ParseUnary(true));
  while (IsOperator("**")) {
    ExprPtr e = MakeExpr(Expr::Kind::kBinary, Next().pos);
    e->binary_op = BinaryOp::kPow;
    ASSIGN_OR_RETURN(ExprPtr right, ParseUnary(true));
    e->args.push_back(std::move(left));
    e->args.push_back(std::move(right));
    left = std::move(e);
  }
  return left;
}

Result<ExprPtr> Parser::ParseUnary(bool with_filters) {
  DepthGuard guard(this);
  RETURN_IF_ERROR(guard.Check(Peek().pos));
  ExprPtr expr;
  if (IsOperator("-") || IsOperator("+")) {
    const Token& t = Next();
    expr = MakeExpr(t.text == "-" ? Expr::Kind::kNegate : Expr::Kind::kPlus, t.pos);
    ASSIGN_OR_RETURN(ExprPtr operand, ParseUnary(false));
    expr->args.push_back(std::move(operand));
  } else {
    ASSIGN_OR_RETURN(ExprPtr primary, ParsePrimary());
    ASSIGN_OR_RETURN(expr, ParsePostfix(std::move(primary)));
  }
  if (with_filters) return ParseFilters(std::move(expr));
  return expr;
}

Result<ExprPtr> Parser::ParsePrimary() {
  const Token& t = Peek();
  switch (t.kind) {
    case Token::Kind::kName: {
      Next();
      ExprPtr e = MakeExpr(Expr::Kind::kLiteral, t.pos);
      if (t.text == "true" || t.text == "True") {
        e->literal = Value(true);
      } else if (t.text == "false" || t.text == "False") {
        e->literal = Value(false);
      } else if (t.text == "none" || t.text == "None") {
        e->literal = Value::None();
      } else {
        e->kind = Expr::Kind::kName;
        e->name = std::string(t.text);
      }
      return e;
    }
    case Token::Kind::kString: {
      ExprPtr e = MakeExpr(Expr::Kind::kLiteral, t.pos);
      std::string text;
      while (Peek().kind == Token::Kind::kString) text += Next().value;  // 'a' 'b' is 'ab', as in Python
      e->literal = Value(std::move(text));
      return e;
    }
    case Token::Kind::kInt: {
      ExprPtr e = MakeExpr(Expr::Kind::kLiteral, t.pos);
      e->literal = Value(t.int_value);
      Next();
      return e;
    }
    case Token::Kind::kFloat: {
      ExprPtr e = MakeExpr(Expr::Kind::kLiteral, t.pos);
      e->literal = Value(t.float_value);
      Next();
      return e;
    }
    case Token::Kind::kOperator:
      if (t.text == "(") return ParseParenthesized();
      if (t.text == "[") return ParseListLiteral();
      if (t.text == "{") return ParseDictLiteral();
      break;
    default:
      break;
  }
  return UnexpectedToken("an expression");
}

Result<ExprPtr> Parser::ParseParenthesized() {
  const Position pos = Next().pos;  // (
  if (SkipOperator(")")) return MakeExpr(Expr::Kind::kList, pos);  // () is an empty tuple
  ASSIGN_OR_RETURN(ExprPtr first, ParseExpression());
  if (SkipOperator(")")) return first;
  ExprPtr tuple = MakeExpr(Expr::Kind::kList, pos);  // tuples are lists here
  tuple->args.push_back(std::move(first));
  while (SkipOperator(",")) {
    if (IsOperator(")")) break;
    ASSIGN_OR_RETURN(ExprPtr item, ParseExpression());
    tuple->args.push_back(std::move(item));
  }
  RETURN_IF_ERROR(ExpectOperator(")"));
  return tuple;
}

Result<ExprPtr> Parser::ParseListLiteral() {
  ExprPtr list = MakeExpr(Expr::Kind::kList, Next().pos);  // [
  while (!IsOperator("]")) {
    ASSIGN_OR_RETURN(ExprPtr item, ParseExpression());
    list->args.push_back(std::move(item));
    if (!SkipOperator(",")) break;
  }
  RETURN_IF_ERROR(ExpectOperator("]"));
  return list;
}

Result<ExprPtr> Parser::ParseDictLiteral() {
  ExprPtr dict = MakeExpr(Expr::Kind::kDict, Next().pos);  // {
  while (!IsOperator("}")) {
    ASSIGN_OR_RETURN(ExprPtr key, ParseExpression());
    RETURN_IF_ERROR(ExpectOperator(":"));
    ASSIGN_OR_RETURN(ExprPtr value, ParseExpression());
    dict->args.push_back(std::move(key));
    dict->args.push_back(std::move(value));
    if (!SkipOperator(",")) break;
  }
  RETURN_IF_ERROR(ExpectOperator("}"));
  return dict;
}

Result<ExprPtr> Parser::ParsePostfix(ExprPtr expr) {
  while (true) {
    if (IsOperator(".")) {
      const Position pos = Next().pos;
      const Token& t = Peek();
      if (t.kind == Token::Kind::kName) {
        ExprPtr attr = MakeExpr(Expr::Kind::kAttribute, t.pos);  // errors point at the name
        attr->name = std::string(Next().text);
        attr->args.push_back(std::move(expr));
        expr = std::move(attr);
      } else if (t.kind == Token::Kind::kInt) {  // xs.0 is xs[0]
        ExprPtr index = MakeExpr(Expr::Kind::kIndex, pos);
        ExprPtr key = MakeExpr(Expr::Kind::kLiteral, t.pos);
        key->literal = Value(Next().int_value);
        index->args.push_back(std::move(expr));
        index->args.push_back(std::move(key));
        expr = std::move(index);
      } else {
        return UnexpectedToken("an attribute name after '.'");
      }
    } else if (IsOperator("[")) {
      ASSIGN_OR_RETURN(expr, ParseSubscript(std::move(expr)));
    } else if (IsOperator("(")) {
      ExprPtr call = MakeExpr(Expr::Kind::kCall, Next().pos);
      call->args.push_back(std::move(expr));
      RETURN_IF_ERROR(ParseCallArgs(call.get()));
      expr = std::move(call);
    } else {
      return expr;
    }
  }
}

Result<ExprPtr> Parser::ParseSubscript(ExprPtr expr) {
  DepthGuard guard(this);
  RETURN_IF_ERROR(guard.Check(Peek().pos));
  const Position pos = Next().pos;  // [
  ExprPtr parts[3];
  int colons = 0;
  while (true) {
    if (IsOperator(":")) {
      if (++colons > 2) return UnexpectedToken("']'");
      Next();
      continue;
    }
    if (IsOperator("]")) break;
    if (parts[colons]) return UnexpectedToken(colons == 0 ? "']' or ':'" : "']'");
    ASSIGN_OR_RETURN(parts[colons], ParseExpression());
  }
  Next();  // ]
  if (colons == 0) {
    if (!parts[0]) return Error(pos, "empty subscript '[]'");
    ExprPtr index = MakeExpr(Expr::Kind::kIndex, pos);
    index->args.push_back(std::move(expr));
    index->args.push_back(std::move(parts[0]));
    return index;
  }
  ExprPtr slice = MakeExpr(Expr::Kind::kSlice, pos);
  slice->args.push_back(std::move(expr));
  for (ExprPtr& part : parts) slice->args.push_back(std::move(part));
  return slice;
}

Status Parser::ParseCallArgs(Expr* call) {
  while (!IsOperator(")")) {
    if (IsOperator("*") || IsOperator("**")) return Error(Peek().pos, "unsupported '*args' or '**kwargs' in a call");
    if (Peek().kind == Token::Kind::kName && IsOperator("=", 1)) {
      Keyword keyword;
      const Position pos = Peek().pos;
      keyword.name = std::string(Next().text);
      Next();  // =
      for (const Keyword& other : call->keywords) {
        if (other.name == keyword.name) return Error(pos, fmt::format("keyword argument '{}' given twice", keyword.name));
      }
      ASSIGN_OR_RETURN(keyword.value, ParseExpression());
      call->keywords.push_back(std::move(keyword));
    } else {
      if (!call->keywords.empty()) return Error(Peek().pos, "positional argument after a keyword argument");
      ASSIGN_OR_RETURN(ExprPtr arg, ParseExpression());
      call->args.push_back(std::move(arg));
    }
    if (!SkipOperator(",")) break;
  }
  return ExpectOperator(")");
}

Result<ExprPtr> Parser::ParseFilters(ExprPtr expr) {
  while (true) {
    if (IsOperator("|")) {
      const Position pos = Next().pos;
      ExprPtr filter = MakeExpr(Expr::Kind::kFilter, pos);
      ASSIGN_OR_RETURN(filter->name, ExpectName("a filter name after '|'"));
      filter->pos = tokens_[pos_ - 1].pos;
      filter->args.push_back(std::move(expr));
      if (SkipOperator("(")) RETURN_IF_ERROR(ParseCallArgs(filter.get()));
      expr = std::move(filter);
    } else if (IsName("is")) {
      ExprPtr test = MakeExpr(Expr::Kind::kTest, Next().pos);
      test->negated = SkipName("not");
      ASSIGN_OR_RETURN(test->name, ExpectName("a test name after 'is'"));
      test->args.push_back(std::move(expr));
      if (SkipOperator("(")) {
        RETURN_IF_ERROR(ParseCallArgs(test.get()));
      } else {
        // One argument without parentheses: `x is divisibleby 3`, `x is sameas false`.
        const Token& t = Peek();
        static constexpr std::string_view kNotAnArgument[] = {"else", "or", "and", "if", "is", "not", "in"};
        const bool is_argument =
            t.kind == Token::Kind::kString || t.kind == Token::Kind::kInt || t.kind == Token::Kind::kFloat ||
            IsOperator("[") || IsOperator("{") ||
            (t.kind == Token::Kind::kName &&
             std::find(std::begin(kNotAnArgument), std::end(kNotAnArgument), t.text) == std::end(kNotAnArgument));
        if (is_argument) {
          ASSIGN_OR_RETURN(ExprPtr primary, ParsePrimary());
          ASSIGN_OR_RETURN(ExprPtr arg, ParsePostfix(std::move(primary)));
          test->args.push_back(std::move(arg));
        }
      }
      expr = std::move(test);
    } else if (IsOperator("(")) {
      ExprPtr call = MakeExpr(Expr::Kind::kCall, Next().pos);
      call->args.push_back(std::move(expr));
      RETURN_IF_ERROR(ParseCallArgs(call.get()));
      expr = std::move(call);
    } else {
      return expr;
    }
  }
}

}  // namespace sluice::jinja
