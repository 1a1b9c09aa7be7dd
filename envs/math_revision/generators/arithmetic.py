"""Integer arithmetic with operator precedence, from ``3 + 4 × 5`` (level 1) to nested brackets, powers and negatives (level 5)."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

from ..steps import Answer, Work
from . import Draw, FamilyConfig, Generated

#: operation -> precedence (a number is 4)
PREC = {"add": 1, "sub": 1, "mul": 2, "div": 2, "pow": 3}
SYMBOL = {"add": "+", "sub": "-", "mul": "×", "div": "÷", "pow": "^"}
VERB = {"add": "add", "sub": "subtract", "mul": "multiply", "div": "divide", "pow": "evaluate the power"}
GERUND = {"add": "adding", "sub": "subtracting", "mul": "multiplying", "div": "dividing"}


@dataclasses.dataclass
class Config(FamilyConfig):
    """No options beyond ``level``."""


@dataclasses.dataclass(frozen=True)
class _Spec:
    sizes: tuple[int, ...]  # number of operands (drawn from these)
    ops: tuple[str, ...]
    flat: bool  # no brackets: the tree is what precedence rules read from a flat expression
    negative: bool  # negative numbers and values allowed
    free: int  # freely drawn values lie in [1, free] (or [-free, free])
    target: int  # the value lies in [1, target] (or [-target, target])
    cap: int  # the largest number written


_BASIC = ("add", "sub", "mul")
_FOUR = ("add", "sub", "mul", "div")
SPECS = {
    1: _Spec((2, 3, 3, 3), _BASIC, True, False, 12, 40, 40),
    2: _Spec((3, 4), _FOUR, True, False, 12, 40, 120),
    3: _Spec((3, 4, 4, 5), _FOUR, False, False, 15, 60, 120),
    4: _Spec((4, 5), (*_FOUR, "pow"), False, True, 12, 60, 120),
    5: _Spec((5, 6, 7), (*_FOUR, "pow"), False, True, 15, 100, 150),
}

#: (base, exponent) pairs a power may use; value -> the pairs giving it
POWERS = tuple((b, e) for e, top in ((2, 9), (3, 5), (4, 3)) for b in range(2, top + 1))
POWERS_SIGNED = POWERS + tuple((-b, e) for b, e in POWERS if e < 4)


def _power_table(pairs) -> dict[int, list[tuple[int, int]]]:
    out: dict[int, list[tuple[int, int]]] = {}
    for b, e in pairs:
        out.setdefault(b**e, []).append((b, e))
    return out


POW_OF = _power_table(POWERS_SIGNED)


@dataclasses.dataclass(frozen=True)
class Node:
    op: str | None  # None: a number
    value: int | Fraction
    left: Node | None = None
    right: Node | None = None


class _Retry(Exception):
    """This draw led nowhere; draw again."""


class _Builder:
    """Builds an expression tree with a given value top-down, so every division is exact."""

    def __init__(self, draw: Draw, spec: _Spec, want: tuple[str, ...] = ()):
        self.draw, self.spec = draw, spec
        self.want = set(want)  # operations the expression should use: tried first until used

    def leaf(self, t: int) -> Node:
        if t == 0 or abs(t) > self.spec.cap or (t < 0 and not self.spec.negative):
            raise _Retry
        return Node(None, t)

    def children_prec(self, op: str) -> tuple[int, int]:
        return (PREC[op], PREC[op] + 1) if self.spec.flat else (0, 0)

    def split(self, n: int, op: str) -> int:
        """Operands on the left (a flat product keeps a single number on the right)."""
        if self.spec.flat and PREC[op] == 2:
            return n - 1
        return self.draw.randint(1, n - 1)

    def free_value(self, k: int, minprec: int) -> int:
        """A value for a side that may be anything (a product where that side must be one)."""
        d, sign = self.draw, (self.draw.choice((1, -1)) if self.spec.negative else 1)
        if k >= 2 and minprec >= 2:
            return sign * d.randint(2, 9) * d.randint(2, 9)
        if k == 2 and "pow" in self.spec.ops and d.random() < (0.8 if "pow" in self.want else 0.3):
            b, e = d.choice(POWERS_SIGNED)
            return b**e
        return sign * d.randint(1, self.spec.free)

    def build(self, n: int, t: int, minprec: int = 0, only: tuple[str, ...] = ()) -> Node:
        if n == 1:
            return self.leaf(t)
        ops = [op for op in only or self.spec.ops if op != "pow" and PREC[op] >= minprec]
        self.draw.shuffle(ops)
        ops.sort(key=lambda op: op not in self.want)
        if "pow" in self.spec.ops and n == 2 and minprec <= 3 and t in POW_OF:
            ops.insert(0 if "pow" in self.want or self.draw.random() < 0.7 else len(ops), "pow")
        for op in ops:
            node = getattr(self, "_" + op)(n, t)
            if node is not None:
                self.want.discard(op)
                return node
        raise _Retry

    def _ok(self, v: int) -> bool:
        return v != 0 and (v > 0 or self.spec.negative)

    def _add(self, n: int, t: int) -> Node | None:
        k = self.split(n, "add")
        lp, rp = self.children_prec("add")
        if self.draw.random() < 0.5:
            a = self.free_value(k, lp)
            b = t - a
        else:
            b = self.free_value(n - k, rp)
            a = t - b
        if not (self._ok(a) and self._ok(b)):
            return None
        return Node("add", t, self.build(k, a, lp), self.build(n - k, b, rp))

    def _sub(self, n: int, t: int) -> Node | None:
        k = self.split(n, "sub")
        lp, rp = self.children_prec("sub")
        if self.draw.random() < 0.6:
            b = self.free_value(n - k, rp)
            a = t + b
        else:
            a = self.free_value(k, lp)
            b = a - t
        if not (self._ok(a) and self._ok(b)):
            return None
        return Node("sub", t, self.build(k, a, lp), self.build(n - k, b, rp))

    def _mul(self, n: int, t: int) -> Node | None:
        k = self.split(n, "mul")
        lp, rp = self.children_prec("mul")
        factors = [f for f in range(2, 13) if t % f == 0 and abs(t) // f >= 2]
        if not factors:
            return None
        f = self.draw.choice(factors) * (self.draw.choice((1, -1)) if self.spec.negative else 1)
        a, b = (f, t // f) if self.draw.random() < 0.5 else (t // f, f)
        return Node("mul", t, self.build(k, a, lp), self.build(n - k, b, rp))

    def _div(self, n: int, t: int) -> Node | None:
        k = self.split(n, "div")
        lp, rp = self.children_prec("div")
        if abs(t) < 2:  # no 8 ÷ 8
            return None
        cap = self.spec.cap if k == 1 else 2 * self.spec.cap
        divisors = [d for d in range(2, 13) if abs(t) * d <= cap]
        if not divisors:
            return None
        d = self.draw.choice(divisors) * (self.draw.choice((1, -1)) if self.spec.negative else 1)
        return Node("div", t, self.build(k, t * d, lp), self.build(n - k, d, rp))

    def _pow(self, n: int, t: int) -> Node | None:
        b, e = self.draw.choice(POW_OF[t])
        return Node("pow", t, Node(None, b), Node(None, e))


def _render(node: Node, parent: Node | None = None, right: bool = False) -> tuple[str, int, int]:
    """The expression's text, how many bracket groups it has and how many of them change the value
    (those under a stronger operation, or after a minus or division sign)."""
    if node.op is None:
        v = node.value
        return (f"({v})" if v < 0 else str(v)), 0, 0
    left, g1, m1 = _render(node.left, node)
    rtext, g2, m2 = _render(node.right, node, True)
    text = f"{left} {SYMBOL[node.op]} {rtext}" if node.op != "pow" else f"{left}^{rtext}"
    groups, meaningful = g1 + g2, m1 + m2
    if _bracketed(node, parent, right):
        matters = PREC[node.op] < PREC[parent.op] or parent.op in ("sub", "div")
        return f"({text})", groups + 1, meaningful + matters
    return text, groups, meaningful


def _bracketed(node: Node, parent: Node | None, right: bool) -> bool:
    if parent is None or node.op is None:
        return False
    p, q = PREC[node.op], PREC[parent.op]
    return p < q or (right and p == q)


def _ops(node: Node) -> set[str]:
    if node.op is None:
        return set()
    return {node.op} | _ops(node.left) | _ops(node.right)


def _leaves(node: Node) -> list:
    if node.op is None:
        return [node.value]
    return _leaves(node.left) + _leaves(node.right)


def _label(node: Node, parent: Node | None, right: bool) -> str:
    verb = VERB[node.op]
    if parent is None:
        return f"{verb} to finish"
    if _bracketed(node, parent, right):
        return f"{verb} inside the brackets"
    if PREC[parent.op] < PREC[node.op]:
        return f"{verb} before {GERUND[parent.op]}"
    return f"{verb} from left to right"


def _emit(w: Work, node: Node, parent: Node | None = None, right: bool = False):
    """Steps in the order precedence gives (post-order: both operands before their operation)."""
    if node.op is None:
        return node.value
    a = _emit(w, node.left, node)
    b = _emit(w, node.right, node, True)
    return w.do(node.op, a, b, label=_label(node, parent, right))


def _draw_tree(draw: Draw, level: int) -> Node:
    spec = SPECS[level]
    b = _Builder(draw, spec, {2: ("div",), 4: ("pow",)}.get(level, ()))
    n = draw.choice(spec.sizes)
    if level == 5 and draw.random() < 0.4:  # a quotient that is not whole: the answer is a fraction
        k = draw.randint(max(2, n - 3), n - 1)
        den = draw.randint(2, 12) * draw.choice((1, -1))
        num = draw.nonzero(-spec.target, spec.target)
        if num % den == 0:
            raise _Retry
        return Node("div", Fraction(num, den), b.build(k, num), b.build(n - k, den))
    lo = -spec.target if spec.negative else 1
    t = draw.randint(lo, spec.target)
    if t == 0:
        raise _Retry
    return b.build(n, t, only=("add", "sub") if level == 2 else ())


def _acceptable(tree: Node, level: int, groups: int, meaningful: int) -> bool:
    ops = _ops(tree)
    additive = bool(ops & {"add", "sub"})
    if level == 1:
        return len(ops) >= 2 or len(_leaves(tree)) == 2
    if level == 2:
        return "div" in ops and additive
    if level == 3:
        return meaningful >= 1
    negative = any(v < 0 for v in _leaves(tree))
    if level == 4:
        return "pow" in ops and negative
    return groups >= 2 and meaningful >= 1 and ("pow" in ops or negative) and len(ops) >= 3


def make(config: Config, draw: Draw) -> Generated:
    level = config.level
    for _ in range(10_000):
        try:
            tree = _draw_tree(draw, level)
        except _Retry:
            continue
        text, groups, meaningful = _render(tree)
        if _acceptable(tree, level, groups, meaningful):
            break
    else:  # pragma: no cover - the draws above succeed within a few tries
        raise RuntimeError("arithmetic generator found no expression")
    w = Work()
    result = _emit(w, tree)
    form = "Give the exact value as an integer or a fraction in lowest terms." if level == 5 else \
        "Give the exact value."
    question = f"Compute: {text}. {form}"
    answer = Answer.of("scalar", [w.value(result)])
    return Generated(question, answer, w.solution(result), tuple(_leaves(tree))[:8])
