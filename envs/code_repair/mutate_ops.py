"""Operator tables, per-node rewrite rules, scope and text-splicing helpers used by :mod:`mutate`.

Every rule here is written so that it is its own inverse where the engine promises that: if a rule turns
node ``a`` into ``b`` then the same rule, applied to ``b`` in the same place, offers ``a`` again.  The
functions build new nodes that share children with the original (nothing here modifies its argument).
"""

from __future__ import annotations

import ast

SELFISH = frozenset({"self", "cls"})

_CMP_GROUPS = (
    (ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Eq, ast.NotEq),
    (ast.In, ast.NotIn),
    (ast.Is, ast.IsNot),
)
CMP_ALTERNATIVES = {op: tuple(o for o in group if o is not op) for group in _CMP_GROUPS for op in group}
CMP_SYMBOL = {
    ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=",
    ast.In: "in", ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not",
}
# comparisons whose operands may be swapped without giving an equivalent program
SWAPPABLE_CMP = (ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn)
# comparisons whose operands are "numbers" for the off-by-one rule
ORDERING_CMP = (ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Eq, ast.NotEq)

# a symmetric graph: plausible confusions only
ARITH_ALTERNATIVES = {
    ast.Add: (ast.Sub,),
    ast.Sub: (ast.Add,),
    ast.Mult: (ast.FloorDiv, ast.Div, ast.Pow),
    ast.FloorDiv: (ast.Mult, ast.Mod, ast.Div),
    ast.Div: (ast.FloorDiv, ast.Mult),
    ast.Mod: (ast.FloorDiv,),
    ast.Pow: (ast.Mult,),
    ast.LShift: (ast.RShift,),
    ast.RShift: (ast.LShift,),
    ast.BitAnd: (ast.BitOr,),
    ast.BitOr: (ast.BitAnd, ast.BitXor),
    ast.BitXor: (ast.BitOr,),
}
BIN_SYMBOL = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.FloorDiv: "//", ast.Div: "/", ast.Mod: "%",
    ast.Pow: "**", ast.LShift: "<<", ast.RShift: ">>", ast.BitAnd: "&", ast.BitOr: "|", ast.BitXor: "^",
    ast.MatMult: "@",
}
NONCOMMUTATIVE = (ast.Sub, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow, ast.LShift, ast.RShift, ast.MatMult)

# calls whose positional arguments commute (or whose swap is a type error rather than a logic bug)
NO_SWAP_CALLS = frozenset(
    {"max", "min", "gcd", "lcm", "hypot", "isinstance", "issubclass", "hasattr", "getattr", "setattr"}
)
# f(x) -> x
TRANSPARENT_CALLS = frozenset(
    {"abs", "len", "sorted", "reversed", "list", "tuple", "set", "int", "str", "float", "bool", "round",
     "max", "min", "sum", "any", "all"}
)
# mod.f(x) -> x
TRANSPARENT_ATTR_CALLS = frozenset({"floor", "ceil", "sqrt", "isqrt", "fabs", "trunc", "copy", "deepcopy"})
# x.m() -> x
TRANSPARENT_METHODS = frozenset(
    {"lower", "upper", "strip", "lstrip", "rstrip", "casefold", "title", "copy", "items", "values"}
)
INTISH_CALLS = frozenset({"len", "int", "abs", "sum", "min", "max", "round", "ord", "pow"})
INTISH_METHODS = frozenset({"index", "count", "find", "rfind", "bit_length"})
BOOLISH_CALLS = frozenset({"isinstance", "issubclass", "all", "any", "callable", "hasattr", "bool"})
_INTISH_BINOPS = (ast.Add, ast.Sub, ast.Mult, ast.FloorDiv, ast.Mod)


def int_value(node: ast.AST) -> int | None:
    """The value of an integer literal, ``-k`` included (the parser makes that a unary minus)."""
    if type(node) is ast.Constant and type(node.value) is int:
        return node.value
    if (type(node) is ast.UnaryOp and type(node.op) is ast.USub and type(node.operand) is ast.Constant
            and type(node.operand.value) is int):
        return -node.operand.value
    return None


def int_node(value: int) -> ast.expr:
    """The node the parser would build for the literal ``value``."""
    if value < 0:
        return ast.UnaryOp(op=ast.USub(), operand=ast.Constant(value=-value))
    return ast.Constant(value=value)


def is_str(node: ast.AST) -> bool:
    return (type(node) is ast.Constant and type(node.value) is str) or type(node) is ast.JoinedStr


def intish(node: ast.AST) -> bool:
    """A guess, from syntax alone, that the expression is an integer (an index, a count, a bound)."""
    t = type(node)
    if t is ast.Name or t is ast.Attribute:
        return True
    if t is ast.Call:
        f = node.func
        if type(f) is ast.Name:
            return f.id in INTISH_CALLS
        return type(f) is ast.Attribute and f.attr in INTISH_METHODS
    if t is ast.BinOp and type(node.op) in _INTISH_BINOPS:
        return _intish_or_int(node.left) and _intish_or_int(node.right)
    if t is ast.UnaryOp and type(node.op) is ast.USub:
        return intish(node.operand)
    return False


def _intish_or_int(node: ast.AST) -> bool:
    return int_value(node) is not None or intish(node)


def is_plus_minus_one(node: ast.AST) -> bool:
    return (type(node) is ast.BinOp and type(node.op) in (ast.Add, ast.Sub) and type(node.right) is ast.Constant
            and type(node.right.value) is int and node.right.value == 1)


def plus_minus_one(node: ast.expr) -> list[ast.expr]:
    """``e -> e + 1, e - 1`` and back: ``e + 1 -> e``, ``e - 1 -> e``."""
    if is_plus_minus_one(node) and intish(node.left):
        return [node.left]
    if intish(node):
        return [ast.BinOp(left=node, op=ast.Add(), right=ast.Constant(value=1)),
                ast.BinOp(left=node, op=ast.Sub(), right=ast.Constant(value=1))]
    return []


def constant_alternatives(node: ast.expr, in_add_sub: bool) -> list[ast.expr]:
    """``k -> k + 1, k - 1``; ``True <-> False``; ``'' <-> ' '``.

    A literal that is an operand of ``+`` / ``-`` stays positive (``n - 1`` becomes ``n - 2``, never ``n - 0``),
    so the rule is closed and its own inverse on that domain.
    """
    value = int_value(node)
    if value is not None:
        alternatives = (value + 1, value - 1)
        if in_add_sub:
            if value < 1:
                return []
            alternatives = tuple(a for a in alternatives if a >= 1)
        return [int_node(a) for a in alternatives]
    if type(node) is ast.Constant:
        if type(node.value) is bool:
            return [ast.Constant(value=not node.value)]
        if node.value == "":
            return [ast.Constant(value=" ")]
        if node.value == " ":
            return [ast.Constant(value="")]
    return []


def _bound_alternatives(bound: ast.expr) -> list[ast.expr]:
    value = int_value(bound)
    if value is not None:
        return [int_node(value + 1), int_node(value - 1)]
    return plus_minus_one(bound)


def slice_alternatives(node: ast.Slice) -> list[ast.Slice]:
    """Bounds +/- 1; ``a[:j] <-> a[1:j]``; ``a[i:] <-> a[i:-1]``; a literal step ``k -> k +/- 1, -k``."""
    lower, upper, step = node.lower, node.upper, node.step
    out = []
    if lower is None:
        out.append(ast.Slice(lower=ast.Constant(value=1), upper=upper, step=step))
    else:
        out.extend(ast.Slice(lower=b, upper=upper, step=step) for b in _bound_alternatives(lower))
        if int_value(lower) == 1:
            out.append(ast.Slice(lower=None, upper=upper, step=step))
    if upper is None:
        out.append(ast.Slice(lower=lower, upper=int_node(-1), step=step))
    else:
        out.extend(ast.Slice(lower=lower, upper=b, step=step) for b in _bound_alternatives(upper))
        if int_value(upper) == -1:
            out.append(ast.Slice(lower=lower, upper=None, step=step))
    if step is not None:
        value = int_value(step)
        if value is None:
            steps = plus_minus_one(step)
        else:
            steps = [int_node(v) for v in dict.fromkeys((value + 1, value - 1, -value)) if v != value]
        out.extend(ast.Slice(lower=lower, upper=upper, step=s) for s in steps)
    return out


def boolish(node: ast.AST) -> bool:
    t = type(node)
    if t is ast.Compare or t is ast.BoolOp or (t is ast.UnaryOp and type(node.op) is ast.Not):
        return True
    if t is ast.Call:
        f = node.func
        if type(f) is ast.Name:
            return f.id in BOOLISH_CALLS
        if type(f) is ast.Attribute:
            return f.attr.startswith(("is", "has", "startswith", "endswith"))
    return False


def return_alternatives(node: ast.expr, visible: tuple[str, ...]) -> list[ast.expr]:
    """``return e`` -> ``return not e`` (booleans), ``return None``, another local, ``e +/- 1`` (integers)."""
    out: list[ast.expr] = []
    if type(node) is ast.Constant and (node.value is None or type(node.value) is bool):
        return out  # `return None` stays; True/False belong to wrong_constant
    is_bool = boolish(node)
    if is_bool:
        if type(node) is ast.UnaryOp and type(node.op) is ast.Not:
            out.append(node.operand)
        else:
            out.append(ast.UnaryOp(op=ast.Not(), operand=node))
    out.append(ast.Constant(value=None))
    current = node.id if type(node) is ast.Name else None
    out.extend(ast.Name(id=n, ctx=ast.Load()) for n in visible if n != current and n not in SELFISH)
    if not is_bool:
        out.extend(plus_minus_one(node))
    return out


def call_name(call: ast.Call) -> str | None:
    f = call.func
    if type(f) is ast.Name:
        return f.id
    if type(f) is ast.Attribute:
        return f.attr
    return None


def unwrapped_call(call: ast.Call) -> ast.expr | None:
    """``f(x) -> x`` for transparent functions, ``x.lower() -> x`` for transparent methods."""
    f = call.func
    if call.keywords:
        return None
    if len(call.args) == 1 and type(call.args[0]) is not ast.Starred:
        if type(f) is ast.Name and f.id in TRANSPARENT_CALLS:
            return call.args[0]
        if type(f) is ast.Attribute and f.attr in TRANSPARENT_ATTR_CALLS:
            return call.args[0]
    if not call.args and type(f) is ast.Attribute and f.attr in TRANSPARENT_METHODS:
        return f.value
    return None


# ---------------------------------------------------------------------------------------------- tree helpers
# fields never walked: annotations, decorators, patterns, f-string format specs
SKIP_FIELDS = frozenset(
    {"annotation", "returns", "type_params", "format_spec", "decorator_list", "pattern", "ctx", "type_comment"}
)
NEW_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda,
              ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


class Scope:
    """Names an expression may be swapped with, and the comparisons of the enclosing function."""

    __slots__ = ("visible", "names", "inherit", "compares")

    def __init__(self, visible, inherit=(), compares=()):
        self.visible = tuple(n for n in dict.fromkeys(visible) if n not in SELFISH)
        self.names = frozenset(self.visible)
        self.inherit = inherit  # what nested functions see
        self.compares = compares


def scope_nodes(roots):
    """Pre-order walk of the nodes that belong to the scope holding ``roots`` (nested scopes are skipped)."""
    stack = list(reversed(roots))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, NEW_SCOPES):
            continue
        children = []
        for field in node._fields:
            if field in SKIP_FIELDS:
                continue
            value = getattr(node, field, None)
            if type(value) is list:
                children.extend(v for v in value if isinstance(v, ast.AST))
            elif isinstance(value, ast.AST):
                children.append(value)
        stack.extend(reversed(children))


def stored_names(roots) -> list[str]:
    return [n.id for n in scope_nodes(roots) if type(n) is ast.Name and type(n.ctx) is ast.Store]


def params(args: ast.arguments) -> list[str]:
    names = [a.arg for a in (*args.posonlyargs, *args.args)]
    if args.vararg:
        names.append(args.vararg.arg)
    names.extend(a.arg for a in args.kwonlyargs)
    if args.kwarg:
        names.append(args.kwarg.arg)
    return names


def context(parent: ast.AST, field: str) -> str:
    """How an expression is used by its parent: picks the off-by-one, return and constant rules.

    ``"int"`` (an index, a ``range`` argument, an operand of ``<``/``==``..., an assigned value),
    ``"return"`` and ``"test"`` (of an ``if``/``while``) are also places where ``ast.unparse`` never
    parenthesizes an arithmetic expression; the last two not even a comparison or a boolean operation.
    """
    t = type(parent)
    if t is ast.Subscript:
        return "int" if field == "slice" and type(parent.slice) not in (ast.Slice, ast.Tuple) else "other"
    if t is ast.Call:
        if field == "func":
            return "call_func" if type(parent.func) is ast.Name else "other"
        if field == "args" and type(parent.func) is ast.Name and parent.func.id == "range":
            return "int"
        return "other"
    if t is ast.Compare:
        return "int" if all(isinstance(op, ORDERING_CMP) for op in parent.ops) else "other"
    if t is ast.BinOp or t is ast.AugAssign:
        return "add_sub" if field in ("left", "right", "value") and type(parent.op) in (ast.Add, ast.Sub) else "other"
    if t is ast.Return:
        return "return"
    if (t is ast.If or t is ast.While) and field == "test":
        return "test"
    if (t is ast.Assign or t is ast.AnnAssign) and field == "value":
        return "int"
    if t is ast.JoinedStr:
        return "fstring"
    return "other"


_PREC_GROUP = {
    ast.Add: "arith", ast.Sub: "arith", ast.Mult: "term", ast.Div: "term", ast.FloorDiv: "term",
    ast.Mod: "term", ast.MatMult: "term", ast.Pow: "pow", ast.LShift: "shift", ast.RShift: "shift",
    ast.BitAnd: "band", ast.BitXor: "bxor", ast.BitOr: "bor",
}
_ATOMS = (ast.Name, ast.Attribute, ast.Subscript, ast.Call, ast.List, ast.Dict, ast.Set)
_HIGH = frozenset({"atom", "num", "arith", "term", "pow", "factor"})
_TOP = _HIGH | {"not", ast.Compare, ast.And, ast.Or}


def _splice_class(node: ast.AST):
    """Nodes of one class are parenthesized alike wherever they stand (``ast.unparse`` decides by precedence)."""
    t = type(node)
    if t is ast.BinOp:
        return _PREC_GROUP.get(type(node.op))
    if t is ast.UnaryOp:
        return "not" if type(node.op) is ast.Not else "factor"
    if t is ast.BoolOp:
        return type(node.op)
    if t is ast.Constant:
        return "num" if isinstance(node.value, int) else "atom"  # `1 .real` needs a space, `x.real` does not
    if t in _ATOMS:
        return "atom"
    if t in (ast.Compare, ast.IfExp, ast.Slice):
        return t
    return None  # tuples, comprehensions, lambdas...: their text depends on where they stand


def splices_alike(old: ast.AST, new: ast.AST, ctx: str) -> bool:
    """Whether ``ast.unparse(new)`` may simply replace the text of ``old`` in the canonical source."""
    cls = _splice_class(old)
    if cls is None:
        return False
    new_cls = _splice_class(new)
    if cls == new_cls:
        return True
    if ctx in ("return", "test"):
        return cls in _TOP and new_cls in _TOP
    return ctx == "int" and cls in _HIGH and new_cls in _HIGH


def short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


# ---------------------------------------------------------------------------------------------- text splicing
class SourceText:
    """The canonical text of a program, and how to rewrite one node or one statement of it in place.

    ``ast.unparse`` renders a simple statement the same way wherever it stands (indentation aside), and the
    header of an ``if``/``while``/``for``/``with`` the same way whatever its body; so an edit inside such a
    unit only needs that unit unparsed again.  Units whose text does not check out fall back to the module.
    """

    def __init__(self, canon: str):
        self.canon = canon
        self.lines = canon.split("\n")
        self.starts, pos = [], 0
        for line in self.lines:
            self.starts.append(pos)
            pos += len(line) + 1
        self.ascii = [line.isascii() for line in self.lines]
        self.units: dict[tuple, tuple | None] = {}

    def segment(self, a: int, b: int) -> str:
        end = self.starts[b] - 1 if b < len(self.lines) else len(self.canon)
        return self.canon[self.starts[a - 1]:end]

    def splice(self, a: int, b: int, text: str | None) -> str:
        """The source with lines ``a..b`` replaced by ``text`` (removed if None)."""
        pre = self.canon[:self.starts[a - 1]]
        post = self.canon[self.starts[b] - 1:] if b < len(self.lines) else ""
        if text is None:
            return pre + post[1:] if pre and post else (pre[:-1] if pre else post[1:])
        return pre + text + post

    def node_span(self, node: ast.AST) -> tuple[int, int] | None:
        """Character offsets of a one-line node (column offsets count UTF-8 bytes: ASCII lines only)."""
        if not self.ascii[node.lineno - 1]:
            return None
        start = self.starts[node.lineno - 1]
        return start + node.col_offset, start + node.end_col_offset

    def unit_info(self, mode: str, st: ast.stmt):
        """(first line, last line, indent, prefix) of a unit that can be rendered alone, else None."""
        key = (mode, id(st))
        if key not in self.units:
            info = None
            if mode in ("simple", "header", "delete") and getattr(st, "end_lineno", None):
                a = st.lineno
                first = self.lines[a - 1]
                indent = first[:len(first) - len(first.lstrip(" "))]
                prefix = "el" if type(st) is ast.If and first.lstrip().startswith("elif ") else ""
                if mode == "delete":
                    info = (a, st.end_lineno, indent, prefix)
                else:
                    text = indent + prefix + render_unit(mode, st)
                    b = a + text.count("\n")
                    if self.segment(a, b) == text:
                        info = (a, b, indent, prefix)
            self.units[key] = info
        return self.units[key]


def render_unit(mode: str, st: ast.stmt) -> str:
    """A simple statement, or the header of a compound one, at indentation 0."""
    if mode == "simple":
        return ast.unparse(st)
    stub = type(st)(**{f: getattr(st, f, None) for f in st._fields})
    stub.body, stub.lineno = [ast.Pass()], st.lineno
    if "orelse" in st._fields:
        stub.orelse = []
    return ast.unparse(stub)[: -len("\n    pass")]
