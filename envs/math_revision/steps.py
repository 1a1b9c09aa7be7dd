"""Worked solutions as small computation graphs, exact answers, and the problem record.

A worked solution is a list of :class:`Step`; each applies one operation (:data:`OPS`) to constants
and to the values of earlier steps (:class:`Ref`). Values are :class:`fractions.Fraction`, so every
step is exact. Because a step says how its value follows from earlier ones, the environment can
recompute everything after a revised step (StepRevision), find which single-step error explains a
wrong answer (the ``hint`` feedback) and derive plausible wrong answers (the vector view's
distractors) — all from the same record.

Error classes that :func:`inject` knows (what StepRevision puts into a solution):

``arithmetic_slip``: the step's formula is right but its stated result is off by a small amount.
``sign_error``: the result (or one signed operand) has the wrong sign.
``wrong_operation``: + for -, x for / and so on.
``dropped_term``: one term of a sum (or factor of a product) with three or more is left out.
``copied_wrong_number``: a constant of the step is copied wrong (digits swapped, off by one, or
another number of the problem).
"""

from __future__ import annotations

import dataclasses
import math
import random
from fractions import Fraction
from typing import Literal

#: the error classes of :func:`inject`, in a fixed order (the vector view one-hots them)
ERROR_CLASSES = ("arithmetic_slip", "sign_error", "wrong_operation", "dropped_term", "copied_wrong_number")

#: magnitude beyond which a value counts as undefined (keeps hostile revisions from growing without bound)
MAX_ABS = Fraction(10) ** 60
_LIMIT = 10**60


class StepError(ArithmeticError):
    """An operation that has no value here (division by zero, the root of a non-square, ...)."""


@dataclasses.dataclass(frozen=True)
class Ref:
    """The value of an earlier step (0-based index)."""

    step: int


Arg = Fraction | Ref


def _isqrt_exact(x: Fraction) -> Fraction:
    if x < 0:
        raise StepError("square root of a negative number")
    n, d = x.numerator, x.denominator
    rn, rd = math.isqrt(n), math.isqrt(d)
    if rn * rn != n or rd * rd != d:
        raise StepError(f"{x} is not a perfect square")
    return Fraction(rn, rd)


def _int(x: Fraction, what: str) -> int:
    if x.denominator != 1:
        raise StepError(f"{what} needs integers, got {x}")
    return x.numerator


def _pow(a: Fraction, b: Fraction) -> Fraction:
    e = _int(b, "a power")
    if abs(e) > 64:
        raise StepError("exponent too large")
    if a == 0 and e < 0:
        raise StepError("zero to a negative power")
    return a**e


def _mod(a: Fraction, m: Fraction) -> Fraction:
    m_ = _int(m, "mod")
    if m_ <= 0:
        raise StepError("mod needs a positive modulus")
    return Fraction(_int(a, "mod") % m_)


def _modinv(a: Fraction, m: Fraction) -> Fraction:
    m_ = _int(m, "an inverse mod m")
    if m_ <= 1:
        raise StepError("an inverse needs a modulus above 1")
    try:
        return Fraction(pow(_int(a, "an inverse mod m"), -1, m_))
    except ValueError:
        raise StepError(f"{a} has no inverse mod {m_}") from None


def _div(a: Fraction, b: Fraction) -> Fraction:
    if b == 0:
        raise StepError("division by zero")
    return a / b


def _powmod(a: Fraction, e: Fraction, m: Fraction) -> Fraction:
    m_ = _int(m, "mod")
    e_ = _int(e, "a power mod m")
    if m_ <= 0 or e_ < 0:
        raise StepError("a power mod m needs a positive modulus and a non-negative exponent")
    return Fraction(pow(_int(a, "a power mod m"), e_, m_))


def _sum(*xs: Fraction) -> Fraction:
    return sum(xs, Fraction(0))


def _prod(*xs: Fraction) -> Fraction:
    out = xs[0]
    for x in xs[1:]:
        out *= x
    return out


#: name -> (function of the argument values, number of arguments (None: two or more), symbol, inverse-ish
#: partner used by the ``wrong_operation`` error)
OPS: dict[str, tuple] = {
    "add": (_sum, None, "+"),
    "sub": (lambda a, b: a - b, 2, "-"),
    "mul": (_prod, None, "×"),
    "div": (_div, 2, "÷"),
    "neg": (lambda a: -a, 1, "-"),
    "pow": (_pow, 2, "^"),
    "mod": (_mod, 2, "mod"),
    "sqrt": (_isqrt_exact, 1, "√"),
    "modinv": (_modinv, 2, "inverse mod"),
    "powmod": (_powmod, 3, "powmod"),
    "copy": (lambda a: a, 1, "="),
}

#: the operation a ``wrong_operation`` error swaps in
SWAPPED_OP = {"add": "sub", "sub": "add", "mul": "div", "div": "mul", "pow": "mul", "mod": "div"}


def apply_op(op: str, values: tuple[Fraction, ...]) -> Fraction:
    """The value of ``op`` on ``values``; :class:`StepError` where it has none."""
    fn, arity, _ = OPS[op]
    if arity is None and len(values) < 1 or arity is not None and len(values) != arity:
        raise StepError(f"{op} got {len(values)} arguments")
    out = fn(*values)
    if abs(out.numerator) > _LIMIT * out.denominator or out.denominator > _LIMIT:  # ints: cheaper than Fractions
        raise StepError("value too large")
    return out


def fmt(x: Fraction | None) -> str:
    """A value as the solutions write it: ``3``, ``-3/4`` (``undefined`` for None)."""
    if x is None:
        return "undefined"
    return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"


@dataclasses.dataclass(frozen=True)
class Step:
    """One line of a worked solution: ``label: op(args) = value``.

    ``slip`` (set only by an ``arithmetic_slip`` error or a revision that states a value) is the
    result the line states instead of what its formula gives.
    """

    op: str
    args: tuple[Arg, ...]
    label: str = ""
    slip: Fraction | None = None

    def compute(self, values: list[Fraction | None]) -> Fraction | None:
        if self.slip is not None:
            return self.slip
        return self.formula_value(values)

    def formula_value(self, values: list[Fraction | None]) -> Fraction | None:
        """What the formula gives from earlier values (None when undefined or an input is)."""
        xs = []
        for a in self.args:
            v = values[a.step] if isinstance(a, Ref) else a
            if v is None:
                return None
            xs.append(v)
        try:
            return apply_op(self.op, tuple(xs))
        except StepError:
            return None


def compute_all(steps: tuple[Step, ...] | list[Step]) -> list[Fraction | None]:
    """Every step's value, in order (None for an undefined one and everything that uses it)."""
    values: list[Fraction | None] = []
    for s in steps:
        values.append(s.compute(values))
    return values


def render_step(step: Step, values: list[Fraction | None], index: int) -> str:
    """``Step 3 (the discriminant): 7^2 - 24 = 25`` with earlier values substituted."""

    def show(a: Arg) -> str:
        v = values[a.step] if isinstance(a, Ref) else a
        text = fmt(v)
        return f"({text})" if v is not None and (v < 0 or v.denominator != 1) and len(step.args) > 1 else text

    args = [show(a) for a in step.args]
    op = step.op
    if op in ("add", "mul"):
        expr = f" {OPS[op][2]} ".join(args)
    elif op in ("sub", "div", "pow"):
        expr = f"{args[0]} {OPS[op][2]} {args[1]}"
    elif op == "mod":
        expr = f"{args[0]} mod {args[1]}"
    elif op == "neg":
        expr = f"-({args[0]})" if args[0].startswith("-") else f"-{args[0]}"
    elif op == "sqrt":
        expr = f"√{args[0]}"
    elif op == "modinv":
        expr = f"the inverse of {args[0]} mod {args[1]}"
    elif op == "powmod":
        expr = f"{args[0]}^{args[1]} mod {args[2]}"
    else:
        expr = args[0]
    label = f" ({step.label})" if step.label else ""
    return f"Step {index + 1}{label}: {expr} = {fmt(values[index])}"


AnswerKind = Literal["scalar", "tuple", "set"]


@dataclasses.dataclass(frozen=True)
class Answer:
    """An exact answer.

    ``scalar``: one value. ``tuple``: ordered parts, named by ``names`` (``("x", "y")``) so that
    ``y = 3, x = 2`` is read by name. ``set``: parts in any order (``values`` sorted, unique).
    ``unit`` is the unit the question asks for (``%``, ``km``, ``$``): an answer may write it or not,
    but not another unit. ``variable`` names a scalar unknown (``x = 0.75`` is read as ``0.75``).
    """

    kind: AnswerKind
    values: tuple[Fraction, ...]
    names: tuple[str, ...] = ()
    unit: str = ""
    variable: str = ""

    def text(self) -> str:
        """The answer in one canonical form (what ``gold`` answers look like in logs)."""
        parts = [fmt(v) for v in self.values]
        if self.kind == "scalar":
            v = self.values[0]
            if self.unit == "$" and (v * 100).denominator == 1:
                return f"-${-v:.2f}" if v < 0 else f"${float(v):.2f}"
            return parts[0] + (f" {self.unit}" if self.unit and self.unit != "%" else self.unit)
        if self.kind == "set":
            return "{" + ", ".join(parts) + "}"
        if self.names:
            return ", ".join(f"{n} = {p}" for n, p in zip(self.names, parts, strict=True))
        return "(" + ", ".join(parts) + ")"

    @classmethod
    def of(cls, kind: AnswerKind, values, **kw) -> Answer:
        values = tuple(Fraction(v) for v in values)
        if kind == "set":
            values = tuple(sorted(set(values)))
        return cls(kind, values, **kw)


@dataclasses.dataclass(frozen=True)
class Solution:
    """A worked solution: its steps and which steps' values make up the answer."""

    steps: tuple[Step, ...]
    answer_steps: tuple[int, ...]

    def values(self) -> list[Fraction | None]:
        return compute_all(self.steps)

    def final(self, kind: AnswerKind) -> tuple[Fraction | None, ...]:
        """The answer's parts as this solution reaches them (sorted for a set)."""
        vals = self.values()
        parts = tuple(vals[i] for i in self.answer_steps)
        if kind == "set" and all(p is not None for p in parts):
            return tuple(sorted(set(parts)))
        return parts

    def render(self) -> list[str]:
        vals = self.values()
        return [render_step(s, vals, i) for i, s in enumerate(self.steps)]

    def replace(self, index: int, step: Step) -> Solution:
        steps = list(self.steps)
        steps[index] = step
        return Solution(tuple(steps), self.answer_steps)


@dataclasses.dataclass(frozen=True)
class MathProblem:
    """One generated problem: the same ``(family, level, seed, index)`` gives it on every machine."""

    family: str
    level: int
    seed: int
    index: int
    question: str
    answer: Answer
    solution: Solution
    #: the numbers the question states, in order (the vector view encodes them)
    params: tuple[Fraction, ...] = ()
    #: a short tag for the template used (word problems: "rates", "ages", ...)
    kind: str = ""

    @property
    def uid(self) -> str:
        return f"{self.family}/L{self.level}/{self.seed}/{self.index}"


# --------------------------------------------------------------------------------- error injection
def _constants(step: Step) -> list[int]:
    return [i for i, a in enumerate(step.args) if not isinstance(a, Ref)]


def _wrong_number(x: Fraction, rng: random.Random, pool: tuple[Fraction, ...]) -> Fraction:
    choices = []
    if x.denominator == 1 and abs(x.numerator) >= 10:
        digits = str(abs(x.numerator))
        swapped = digits[:-2] + digits[-1] + digits[-2]
        if swapped != digits:
            choices.append(Fraction(int(swapped)) * (1 if x > 0 else -1))
    choices += [x + 1, x - 1, *[p for p in pool if p != x]]
    return rng.choice(choices)


def _error_variant(step: Step, kind: str, rng: random.Random, pool: tuple[Fraction, ...], correct) -> Step | None:
    if kind == "arithmetic_slip":
        if correct is None:
            return None
        delta = Fraction(rng.choice([1, 2, 10, -1, -2, -10]))
        if correct.denominator != 1:
            delta = delta / correct.denominator
        return dataclasses.replace(step, slip=correct + delta)
    if kind == "sign_error":
        if correct is None or correct == 0:
            return None
        consts = [i for i in _constants(step) if step.args[i] != 0]
        if consts and step.op in ("add", "sub", "mul", "div") and rng.random() < 0.5:
            i = rng.choice(consts)
            args = list(step.args)
            args[i] = -args[i]
            return dataclasses.replace(step, args=tuple(args))
        return dataclasses.replace(step, slip=-correct)
    if kind == "wrong_operation":
        if step.op not in SWAPPED_OP:
            return None
        new = SWAPPED_OP[step.op]
        args = step.args if OPS[new][1] is None or len(step.args) == OPS[new][1] else step.args[:2]
        if OPS[new][1] == 2 and len(args) != 2:
            return None
        return dataclasses.replace(step, op=new, args=tuple(args))
    if kind == "dropped_term":
        if step.op not in ("add", "mul") or len(step.args) < 3:
            return None
        i = rng.randrange(len(step.args))
        return dataclasses.replace(step, args=step.args[:i] + step.args[i + 1 :])
    if kind == "copied_wrong_number":
        consts = _constants(step)
        if not consts:
            return None
        i = rng.choice(consts)
        args = list(step.args)
        args[i] = _wrong_number(args[i], rng, pool)
        return dataclasses.replace(step, args=tuple(args))
    raise ValueError(f"unknown error class {kind!r}; known: {', '.join(ERROR_CLASSES)}")


def error_variant(solution: Solution, index: int, kind: str, rng: random.Random,
                  pool: tuple[Fraction, ...] = ()) -> Step | None:
    """Step ``index`` with an error of class ``kind`` whose value differs from the right one and is
    defined, or None where the class does not apply to that step."""
    values = solution.values()
    step = solution.steps[index]
    correct = step.formula_value(values)
    for _ in range(6):  # a random variant may happen to give the same value; retry a few times
        bad = _error_variant(step, kind, rng, pool, correct)
        if bad is None:
            return None
        got = bad.compute(values)
        if got is not None and got != correct:
            return bad
    return None


@dataclasses.dataclass(frozen=True)
class InjectedError:
    step: int
    kind: str


def inject(solution: Solution, rng: random.Random, n_errors: int = 1, kinds: tuple[str, ...] = ERROR_CLASSES,
           pool: tuple[Fraction, ...] = (), answer_kind: AnswerKind = "tuple",
           ) -> tuple[Solution, tuple[InjectedError, ...]]:
    """``solution`` with ``n_errors`` errors in distinct steps (fewer if it has too few steps where
    one applies), each changing the final answer (as an ``answer_kind``: for a set, swapping two roots
    is no error). Later steps keep their formulas, so their values follow from the wrong one: the
    first wrong step is the first injected one."""
    out, done = solution, []
    right = solution.final(answer_kind)
    order = list(range(len(solution.steps)))
    rng.shuffle(order)
    for index in order:
        if len(done) == n_errors:
            break
        for kind in rng.sample(list(kinds), len(kinds)):
            bad = error_variant(out, index, kind, rng, pool)
            if bad is None:
                continue
            candidate = out.replace(index, bad)
            final = candidate.final(answer_kind)
            if any(v is None for v in final) or final == right:
                continue
            out = candidate
            done.append(InjectedError(index, kind))
            break
    done.sort(key=lambda e: e.step)
    return out, tuple(done)


def wrong_steps(current: Solution, reference: Solution) -> list[int]:
    """Steps of ``current`` whose value differs from what the ``reference`` step's formula gives on
    ``current``'s earlier values (so an error's consequences downstream do not count as errors)."""
    values = current.values()
    out = []
    for i, ref in enumerate(reference.steps):
        want = ref.formula_value(values)
        if want is None or values[i] != want:
            out.append(i)
    return out


class Work:
    """Builds a worked solution step by step; generators use it so each value follows from earlier ones::

        w = Work()
        d = w.do("sub", c, b, label="subtract b from both sides")
        x = w.do("div", d, a, label="divide by a")
        solution = w.solution(x)
    """

    def __init__(self) -> None:
        self.steps: list[Step] = []
        self._values: list[Fraction | None] = []

    def do(self, op: str, *args: Arg | int, label: str = "") -> Ref:
        args_ = tuple(a if isinstance(a, Ref) else Fraction(a) for a in args)
        step = Step(op, args_, label)
        value = step.compute(self._values)
        if value is None:
            raise StepError(f"step {len(self.steps) + 1} ({op} {args_}) has no value")
        self.steps.append(step)
        self._values.append(value)
        return Ref(len(self.steps) - 1)

    def value(self, ref: Ref) -> Fraction:
        return self._values[ref.step]

    def solution(self, *answer: Ref) -> Solution:
        return Solution(tuple(self.steps), tuple(r.step for r in answer))
