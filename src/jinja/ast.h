// The parsed form of a template: expressions and statements, as the parser
// builds them and the renderer walks them. Immutable once parsed; text
// nodes point into the template's own copy of its source.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "jinja/position.h"
#include "jinja/value.h"

namespace sluice::jinja {

class Template;

enum class BinaryOp { kAdd, kSub, kMul, kDiv, kFloorDiv, kMod, kPow };
enum class CompareOp { kEq, kNe, kLt, kLe, kGt, kGe, kIn, kNotIn };

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Keyword {
  std::string name;
  ExprPtr value;
};

struct Expr {
  enum class Kind {
    kLiteral,      // literal
    kName,         // name
    kList,         // args: the items (tuples too)
    kDict,         // args: key, value, key, value…
    kAttribute,    // args[0].name
    kIndex,        // args[0][args[1]]
    kSlice,        // args[0][args[1]:args[2]:args[3]], each of 1..3 may be null
    kCall,         // args[0](args[1..], keywords)
    kFilter,       // args[0] | name(args[1..], keywords)
    kTest,         // args[0] is [not] name(args[1..], keywords)
    kNegate,       // -args[0]
    kPlus,         // +args[0]
    kNot,          // not args[0]
    kAnd,          // args[0] and args[1]
    kOr,           // args[0] or args[1]
    kBinary,       // args[0] op args[1]
    kCompare,      // args[0] compare_ops[0] args[1] compare_ops[1] args[2]… (chained as Python)
    kConcat,       // args[0] ~ args[1] ~ …
    kConditional,  // args[1] if args[0] else args[2] (args[2] may be null)
  };

  Expr(Kind k, Position p) : kind(k), pos(p) {}

  Kind kind;
  Position pos;
  Value literal;
  std::string name;
  std::vector<ExprPtr> args;
  std::vector<Keyword> keywords;
  BinaryOp binary_op = BinaryOp::kAdd;
  std::vector<CompareOp> compare_ops;
  bool negated = false;  // `is not`
};

struct Node;
using Body = std::vector<Node>;
struct IfBranch;
struct MacroDefinition;

struct Node {
  enum class Kind {
    kText,       // text
    kOutput,     // {{ expr }}
    kIf,         // branches; the last may have no condition ({% else %})
    kFor,        // for targets in expr [if condition]: body [else else_body]
    kSet,        // set targets = expr, or set expr.attribute = value (target_object)
    kSetBlock,   // set targets[0] %}body{% endset
    kMacro,      // macro definition
    kDo,         // do expr
    kBreak,
    kContinue,
  };

  Node(Kind k, Position p) : kind(k), pos(p) {}

  Kind kind;
  Position pos;
  std::string_view text;
  ExprPtr expr;
  ExprPtr condition;      // kFor's filter
  ExprPtr target_object;  // kSet on a namespace's attribute (name is the attribute)
  std::string name;
  std::vector<std::string> targets;
  std::vector<IfBranch> branches;
  Body body;
  Body else_body;
  std::unique_ptr<MacroDefinition> macro;
};

struct IfBranch {
  ExprPtr condition;  // null for {% else %}
  Body body;
};

struct MacroParameter {
  std::string name;
  ExprPtr default_value;  // null when the parameter has none
};

// A {% macro %} (or dbt's {% test %}, named test_<name>). Owned by its
// template's AST; a Value holding it shares ownership of the whole template.
struct MacroDefinition {
  std::string name;
  std::vector<MacroParameter> params;
  Body body;
  Position pos;
  const Template* owner = nullptr;  // the template it is in
};

}  // namespace sluice::jinja
