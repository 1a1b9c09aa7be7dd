"""Single-site bug injection for Python programs: the candidate-edit engine of the code-repair family.

A program is first put in canonical form (``ast.unparse(ast.parse(source))``); every line number here is a
line of that text.  :func:`enumerate_mutations` lists every single-site edit of one of the
:data:`BUG_CLASSES`, :func:`inject` applies a few of them at random.

How it stays fast: the canonical text is parsed once and walked once, recording each candidate edit as
"replace field F of node P by V".  To render one, the new node's text replaces the old node's text directly
when ``ast.unparse`` would parenthesize both alike (a name for a name, ``<`` for ``<=``...); otherwise the
field is set, the smallest enclosing unit (a simple statement, or the header of an ``if``/``while``/``for``/
``with``) is unparsed alone and spliced into the text, and the field is put back.  The rare edits that no
splice reproduces exactly (a default argument, ``elif`` -> ``else``...) unparse the whole module.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from . import mutate_ops as ops

__all__ = ["BUG_CLASSES", "Mutation", "canonical", "enumerate_mutations", "inject", "kind_index"]

BUG_CLASSES: tuple[str, ...] = (
    "comparison", "off_by_one", "wrong_variable", "swapped_variables", "arithmetic_operator",
    "missing_condition", "extra_condition", "wrong_constant", "missing_call", "wrong_return", "wrong_slice",
    "missing_statement",
)
_KIND_INDEX = {kind: i for i, kind in enumerate(BUG_CLASSES)}


def kind_index(kind: str) -> int:
    """Position of ``kind`` in :data:`BUG_CLASSES` (for one-hot features)."""
    try:
        return _KIND_INDEX[kind]
    except KeyError:
        raise ValueError(f"unknown bug class {kind!r}; expected one of {BUG_CLASSES}") from None


@dataclass(frozen=True)
class Mutation:
    kind: str  # one of BUG_CLASSES
    line: int  # first line of the edited node, in the canonical text of the program it was applied to
    end_line: int  # last line of the edited node
    description: str  # e.g. "line 4: `<` -> `<=`"
    source: str  # the whole mutated program, canonical


def canonical(source: str) -> str:
    """``ast.unparse(ast.parse(source))``; raises ``SyntaxError`` as the parser does."""
    return ast.unparse(ast.parse(source))


def _kind_set(kinds: Iterable[str] | None) -> frozenset[str]:
    if kinds is None:
        return frozenset(BUG_CLASSES)
    chosen = frozenset((kinds,) if isinstance(kinds, str) else kinds)
    for kind in chosen:
        kind_index(kind)  # raises on a typo
    return chosen


_BLOCK_FIELDS = ("body", "orelse", "handlers", "cases", "finalbody")
_HEADER_UNITS = (ast.If, ast.While, ast.For, ast.AsyncFor, ast.With, ast.AsyncWith)
_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_DELETABLE = (ast.Assign, ast.AugAssign, ast.Expr, ast.Break, ast.Continue)
_DOC_OWNERS = (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _is_str_expr(node: ast.AST) -> bool:
    """A docstring, or any other bare literal statement: never edited, never deleted."""
    return type(node) is ast.Expr and type(node.value) is ast.Constant


class _Collector:
    """Walks the canonical tree once, recording every candidate edit as a site; renders sites on demand."""

    def __init__(self, canon: str, tree: ast.Module, kinds: frozenset[str]):
        self.src = ops.SourceText(canon)
        self.tree, self.want = tree, kinds
        self.sites: list[tuple] = []
        self.pos = self.fdepth = 0
        self.texts: dict[int, str] = {}

    # ----------------------------------------------------------------- collection
    def add(self, kind, node, unit, parent, field, idx, new, desc, fast=None):
        """A candidate: ``parent.field[idx] = new``; ``fast`` is ``new`` when its text can replace ``node``'s."""
        if idx is not None:
            old_list = getattr(parent, field)
            new = old_list[:idx] + [new] + old_list[idx + 1:]
        line = getattr(node, "lineno", None) or unit[1].lineno
        end = getattr(node, "end_lineno", None) or line
        self.sites.append(
            (line, _KIND_INDEX[kind], self.pos, len(self.sites), end, unit, parent, field, new, desc, node, fast))

    def text(self, node) -> str:
        key = id(node)
        if key not in self.texts:
            self.texts[key] = ast.unparse(node)
        return self.texts[key]

    def compares_of(self, roots):
        if "extra_condition" not in self.want:
            return ()
        seen = {}
        for n in ops.scope_nodes(roots):
            if type(n) is ast.Compare:
                seen.setdefault(self.text(n), n)
        return tuple((n, t) for t, n in seen.items())

    def module(self):
        body = self.tree.body
        scope = ops.Scope(ops.stored_names(body), (), self.compares_of(body))
        self.block(body, self.tree, "body", scope, False)

    def block(self, body, owner, field, scope, in_func):
        for i, st in enumerate(body):
            self.pos += 1
            if in_func and "missing_statement" in self.want and isinstance(st, _DELETABLE) and not _is_str_expr(st):
                rest = body[:i] + body[i + 1:]
                new = rest or [ast.Pass()]
                # an `else: if` would turn into `elif`: unparse the whole module
                elif_ = isinstance(owner, ast.If) and field == "orelse" and len(new) == 1 and type(new[0]) is ast.If
                unit = ("full" if elif_ else "delete", st, not rest)
                # never let a string become a docstring
                if not (i == 0 and isinstance(owner, _DOC_OWNERS) and rest and _is_str_expr(rest[0])):
                    self.add("missing_statement", st, unit, owner, field, None, new, ("del", st))
            if not _is_str_expr(st):
                self.stmt(st, scope, in_func)

    def stmt(self, st, scope, in_func):
        t = type(st)
        if t in _FUNCS:
            self.descend(st.args, ("full", st), scope)
            visible = ops.params(st.args) + ops.stored_names(st.body) + list(scope.inherit)
            inner = ops.Scope(visible, (), self.compares_of(st.body))
            inner.inherit = inner.visible
            self.block(st.body, st, "body", inner, True)
            return
        if t is ast.ClassDef:
            for i, base in enumerate(st.bases):
                self.expr(base, st, "bases", i, ("full", st), scope, "other")
            for kw in st.keywords:
                self.descend(kw, ("full", st), scope)
            self.block(st.body, st, "body", ops.Scope(scope.inherit, scope.inherit), False)
            return
        if t.__name__ == "TypeAlias":  # `type X = ...` (3.12) is an annotation
            return
        if "body" not in st._fields:
            unit = ("simple", st)
            if t is ast.Assign and len(st.targets) == 1:
                self.tuple_swaps(st, "targets", 0, st.targets[0], unit)
            elif t is ast.AugAssign and "arithmetic_operator" in self.want and not ops.is_str(st.value):
                for alt in ops.ARITH_ALTERNATIVES.get(type(st.op), ()):
                    desc = (ops.BIN_SYMBOL[type(st.op)] + "=", ops.BIN_SYMBOL[alt] + "=")
                    self.add("arithmetic_operator", st, unit, st, "op", None, alt(), desc)
            self.descend(st, unit, scope)
            return
        unit = ("header" if t in _HEADER_UNITS else "full", st)
        if t is ast.If or t is ast.While:
            self.extra_conditions(st, unit, scope)
        if t is ast.If and "missing_condition" in self.want and len(st.orelse) == 1:
            inner = st.orelse[0]
            if (type(inner) is ast.If and not inner.orelse
                    and self.src.lines[inner.lineno - 1].lstrip().startswith("elif ")):
                desc = (f"elif {self.text(inner.test)}:", "else:")
                self.add("missing_condition", inner.test, ("full", st), st, "orelse", None, inner.body, desc)
        if t is ast.For or t is ast.AsyncFor:
            self.tuple_swaps(st, "target", None, st.target, unit)
        for field in st._fields:
            if field in ops.SKIP_FIELDS or field in _BLOCK_FIELDS:
                continue
            self.child(getattr(st, field, None), st, field, unit, scope)
        for field in _BLOCK_FIELDS:
            body = getattr(st, field, None)
            if not body:
                continue
            if field in ("handlers", "cases"):
                for part in body:
                    sub = part.type if field == "handlers" else part.guard
                    if sub is not None:
                        self.expr(sub, part, "type" if field == "handlers" else "guard", None, ("full", st),
                                  scope, "other")
                    self.block(part.body, part, "body", scope, in_func)
            else:
                self.block(body, st, field, scope, in_func)

    def tuple_swaps(self, parent, field, idx, target, unit):
        if "swapped_variables" not in self.want or type(target) not in (ast.Tuple, ast.List):
            return
        elts = target.elts
        if any(type(e) is ast.Starred for e in elts):
            return
        for i in range(len(elts) - 1):
            swapped = elts[:i] + [elts[i + 1], elts[i]] + elts[i + 2:]
            new = type(target)(elts=swapped, ctx=target.ctx)
            self.add("swapped_variables", target, unit, parent, field, idx, new, (target, new))

    def extra_conditions(self, st, unit, scope):
        if "extra_condition" not in self.want or not scope.compares:
            return
        test = st.test
        test_text = self.text(test)
        head = list(test.values) if type(test) is ast.BoolOp and type(test.op) is ast.And else [test]
        one_line = test.lineno == test.end_lineno
        for other, other_text in scope.compares:
            if other is test or other_text in test_text:
                continue
            for extra in (other, ast.UnaryOp(op=ast.Not(), operand=other)):
                new = ast.BoolOp(op=ast.And(), values=[*head, extra])
                fast = new if one_line and ops.splices_alike(test, new, "test") else None
                self.add("extra_condition", test, unit, st, "test", None, new, (test, new), fast)

    def child(self, value, parent, field, unit, scope):
        if type(value) is list:
            for i, v in enumerate(value):
                if isinstance(v, ast.expr):
                    self.expr(v, parent, field, i, unit, scope, ops.context(parent, field))
                elif isinstance(v, ast.AST):
                    self.descend(v, unit, scope)
        elif isinstance(value, ast.expr):
            self.expr(value, parent, field, None, unit, scope, ops.context(parent, field))
        elif isinstance(value, ast.AST):
            self.descend(value, unit, scope)

    def descend(self, node, unit, scope):
        for field in node._fields:
            if field not in ops.SKIP_FIELDS:
                self.child(getattr(node, field, None), node, field, unit, scope)

    def expr(self, node, parent, field, idx, unit, scope, ctx):
        self.pos += 1
        want = self.want
        t = type(node)
        leaf = False
        one_line = not self.fdepth and getattr(node, "end_lineno", -1) == node.lineno

        def add(kind, new, desc=None):
            fast = new if one_line and ops.splices_alike(node, new, ctx) else None
            self.add(kind, node, unit, parent, field, idx, new, desc or (node, new), fast)

        if t is ast.Name:
            if ("wrong_variable" in want and ctx != "call_func" and type(node.ctx) is ast.Load
                    and node.id in scope.names):
                for name in scope.visible:
                    if name != node.id:
                        add("wrong_variable", ast.Name(id=name, ctx=ast.Load()), (node.id, name))
        elif t is ast.Constant or (t is ast.UnaryOp and ops.int_value(node) is not None):
            if "wrong_constant" in want and ctx != "fstring":
                for alt in ops.constant_alternatives(node, ctx == "add_sub"):
                    add("wrong_constant", alt)
            leaf = True  # the literal under a unary minus is part of this one
        elif t is ast.Compare:
            if "comparison" in want:
                for i, op in enumerate(node.ops):
                    for alt in ops.CMP_ALTERNATIVES.get(type(op), ()):
                        new_ops = node.ops[:i] + [alt()] + node.ops[i + 1:]
                        new = ast.Compare(left=node.left, ops=new_ops, comparators=node.comparators)
                        add("comparison", new, (ops.CMP_SYMBOL[type(op)], ops.CMP_SYMBOL[alt]))
            if "swapped_variables" in want and len(node.ops) == 1 and isinstance(node.ops[0], ops.SWAPPABLE_CMP):
                add("swapped_variables",
                    ast.Compare(left=node.comparators[0], ops=node.ops, comparators=[node.left]))
        elif t is ast.BinOp:
            plain = not (ops.is_str(node.left) or ops.is_str(node.right))
            if "arithmetic_operator" in want and plain:
                for alt in ops.ARITH_ALTERNATIVES.get(type(node.op), ()):
                    new = ast.BinOp(left=node.left, op=alt(), right=node.right)
                    add("arithmetic_operator", new, (ops.BIN_SYMBOL[type(node.op)], ops.BIN_SYMBOL[alt]))
            if "swapped_variables" in want and plain and isinstance(node.op, ops.NONCOMMUTATIVE):
                add("swapped_variables", ast.BinOp(left=node.right, op=node.op, right=node.left))
        elif t is ast.BoolOp:
            if "missing_condition" in want:
                values = node.values
                for i in range(len(values)):
                    rest = values[:i] + values[i + 1:]
                    add("missing_condition", rest[0] if len(rest) == 1 else ast.BoolOp(op=node.op, values=rest))
        elif t is ast.Call:
            if "missing_call" in want:
                inner = ops.unwrapped_call(node)
                if inner is not None:
                    add("missing_call", inner)
            if "swapped_variables" in want and ops.call_name(node) not in ops.NO_SWAP_CALLS:
                args = node.args
                for i in range(len(args) - 1):
                    if type(args[i]) is ast.Starred or type(args[i + 1]) is ast.Starred:
                        continue
                    swapped = args[:i] + [args[i + 1], args[i]] + args[i + 2:]
                    add("swapped_variables", ast.Call(func=node.func, args=swapped, keywords=node.keywords))
        elif t is ast.Slice:
            if "wrong_slice" in want:
                for alt in ops.slice_alternatives(node):
                    add("wrong_slice", alt)

        if ctx == "int" and "off_by_one" in want and ops.int_value(node) is None:
            for alt in ops.plus_minus_one(node):
                add("off_by_one", alt)
        elif ctx == "return" and "wrong_return" in want:
            for alt in ops.return_alternatives(node, scope.visible):
                add("wrong_return", alt)
        if t is ast.Tuple and ctx == "int":  # `lo, hi = 0, n - 1`: each item is a number
            for i, item in enumerate(node.elts):
                self.expr(item, node, "elts", i, unit, scope, "int")
        elif t in _COMPREHENSIONS:  # the loop variables are visible inside only
            targets = [n.id for g in node.generators for n in ast.walk(g.target) if type(n) is ast.Name]
            self.descend(node, unit, ops.Scope([*targets, *scope.visible], scope.inherit))
        elif t is ast.Lambda:
            self.descend(node.args, unit, scope)
            inner = ops.Scope([*ops.params(node.args), *scope.visible], scope.visible)
            self.expr(node.body, node, "body", None, unit, inner, "other")
        elif t is ast.JoinedStr:  # quotes inside an f-string depend on the outside: no text splices
            self.fdepth += 1
            self.descend(node, unit, scope)
            self.fdepth -= 1
        elif not leaf:
            self.descend(node, unit, scope)

    # ----------------------------------------------------------------- rendering
    def render(self, site) -> tuple[str | None, str | None, str | None]:
        """(mutated source, or None if the text is unchanged; old and new text of the node when known)."""
        unit, parent, field, new, node, fast = site[5], site[6], site[7], site[8], site[10], site[11]
        src = self.src
        span = None if fast is None else src.node_span(node)
        if span is not None:  # the new node's text simply replaces the old one's
            a, b = span
            old_text, new_text = src.canon[a:b], fast.id if type(fast) is ast.Name else ast.unparse(fast)
            if old_text == new_text:
                return None, None, None
            return src.canon[:a] + new_text + src.canon[b:], old_text, new_text
        info = src.unit_info(unit[0], unit[1])
        if info is not None and unit[0] == "delete":
            a, b, indent, _ = info
            return src.splice(a, b, indent + "pass" if unit[2] else None), None, None
        old = getattr(parent, field)
        setattr(parent, field, new)
        try:
            if info is None:  # a node shared by two places (extra_condition) may get stray parentheses
                return canonical(ast.unparse(self.tree)), None, None
            a, b, indent, prefix = info
            text = indent + prefix + ops.render_unit(unit[0], unit[1])
            return (None if text == src.segment(a, b) else src.splice(a, b, text)), None, None
        finally:
            setattr(parent, field, old)

    def describe(self, site, old_text=None, new_text=None) -> str:
        kind, old, new = BUG_CLASSES[site[1]], site[9][0], site[9][1]
        if old == "del":
            return f"line {site[0]}: removed `{ops.short(self.text(new))}`"
        if isinstance(old, str) or old_text is None:
            old_text = old if isinstance(old, str) else self.text(old)
            new_text = new if isinstance(new, str) else ast.unparse(new)
        if kind == "extra_condition":
            return f"line {site[0]}: `{ops.short(old_text)}` -> `{ops.short(new_text, 60)}`"
        return f"line {site[0]}: `{ops.short(old_text)}` -> `{ops.short(new_text)}`"


def _mutations(source: str, kinds: Iterable[str] | None, check: bool = False) -> list[Mutation]:
    want = _kind_set(kinds)
    canon = canonical(source)
    tree = ast.parse(canon)
    collector = _Collector(canon, tree, want)
    try:
        collector.module()
    except Exception:  # an odd program gives fewer mutations, never an error
        if check:
            raise
    sites = collector.sites
    sites.sort(key=lambda s: s[:4])
    seen = {canon}
    out = []
    for site in sites:
        try:
            text, old_text, new_text = collector.render(site)
        except Exception:
            if check:
                raise
            continue
        if text is None or text in seen:
            continue
        if check:  # the text must be canonical and parse back to the edited tree
            old = getattr(site[6], site[7])
            setattr(site[6], site[7], site[8])
            try:
                edited = ast.dump(tree)
            finally:
                setattr(site[6], site[7], old)
            if ast.dump(ast.parse(text)) != edited or canonical(text) != text:
                raise AssertionError(f"splice mismatch for {collector.describe(site)}:\n{text}\n---\n{edited}")
        seen.add(text)
        description = collector.describe(site, old_text, new_text)
        out.append(Mutation(BUG_CLASSES[site[1]], site[0], site[4], description, text))
    return out


def enumerate_mutations(source: str, *, kinds: Iterable[str] | None = None) -> list[Mutation]:
    """Every single-site mutation of the program, ordered by line, then kind, then position.

    Each result parses, differs from ``canonical(source)`` and has a distinct ``source``.  Docstrings,
    annotations, decorators and ``match`` patterns are never edited.  Raises ``SyntaxError`` if the source
    does not parse, ``ValueError`` for an unknown kind; odd but valid programs just give fewer mutations.
    """
    return _mutations(source, kinds)


def inject(
    source: str,
    n_bugs: int,
    rng: np.random.Generator,
    *,
    kinds: Iterable[str] | None = None,
    max_tries: int = 50,
) -> tuple[str, tuple[Mutation, ...]]:
    """Apply ``n_bugs`` successive random mutations at distinct lines.

    Each step picks a bug class uniformly among the classes with at least one site on an untouched line, then
    a site uniformly.  Lines are tracked through the edits (a deleted statement shifts the lines below it), so
    "distinct" refers to lines of the original program.  Returns the mutated canonical source and the
    mutations, in order; each mutation's ``line`` refers to the program it was applied to.  Raises
    ``ValueError`` if no sequence of ``n_bugs`` such mutations is found in ``max_tries`` attempts.
    """
    want = tuple(k for k in BUG_CLASSES if k in _kind_set(kinds))
    if n_bugs < 0:
        raise ValueError(f"n_bugs must be >= 0, got {n_bugs}")
    canon = canonical(source)
    if n_bugs == 0:
        return canon, ()
    first = _mutations(canon, want)
    if len({m.line for m in first}) < n_bugs:
        raise ValueError(f"the program admits mutations on {len({m.line for m in first})} lines, "
                         f"fewer than the {n_bugs} asked for")
    n_lines = canon.count("\n") + 1
    for _ in range(max(1, max_tries)):
        # ids[i] names line i + 1 of `current` by the line of the original program it came from
        current, ids, touched, applied, fresh = canon, list(range(n_lines)), set(), [], n_lines
        for step in range(n_bugs):
            by_kind: dict[str, list[Mutation]] = {}
            for m in first if step == 0 else _mutations(current, want):
                if m.source != canon and not any(ids[i - 1] in touched for i in range(m.line, m.end_line + 1)):
                    by_kind.setdefault(m.kind, []).append(m)
            if not by_kind:
                break
            options = [k for k in want if k in by_kind]
            chosen = by_kind[options[int(rng.integers(len(options)))]]
            m = chosen[int(rng.integers(len(chosen)))]
            block = ids[m.line - 1:m.end_line]
            touched.update(block)
            n_new = max(0, len(block) + m.source.count("\n") - current.count("\n"))
            if n_new > len(block):
                block, fresh = block + list(range(fresh, fresh + n_new - len(block))), fresh + n_new - len(block)
            ids = ids[:m.line - 1] + block[:n_new] + ids[m.end_line:]
            current = m.source
            applied.append(m)
        if len(applied) == n_bugs and current != canon:
            return current, tuple(applied)
    raise ValueError(f"could not place {n_bugs} mutations at distinct lines in {max_tries} tries")
