"""Fraction arithmetic, from like denominators (level 1) to three terms with mixed numbers (level 5)."""

from __future__ import annotations

import dataclasses
import math
from fractions import Fraction
from typing import NamedTuple

from ..steps import Answer, Ref, Work
from . import Draw, FamilyConfig, Generated

SYMBOL = {"add": "+", "sub": "-", "mul": "×", "div": "÷"}
PREC = {"add": 1, "sub": 1, "mul": 2, "div": 2}


@dataclasses.dataclass
class Config(FamilyConfig):
    """No options beyond ``level``."""


class _Frac(NamedTuple):
    """A fraction as the solution carries it: numerator and denominator, each a number or a step."""

    num: Ref | int
    den: Ref | int


class _Retry(Exception):
    """This draw led nowhere; draw again."""


def _value(w: Work, a: Ref | int) -> Fraction:
    return w.value(a) if isinstance(a, Ref) else Fraction(a)


def _combine(w: Work, f: _Frac, op: str, g: _Frac) -> _Frac:
    """``f op g`` by the usual pencil-and-paper route, one operation a step."""
    fd, gd = _value(w, f.den), _value(w, g.den)
    if op == "mul":
        return _Frac(w.do("mul", f.num, g.num, label="multiply the numerators"),
                     w.do("mul", f.den, g.den, label="multiply the denominators"))
    if op == "div":
        return _Frac(w.do("mul", f.num, g.den, label="multiply by the reciprocal for the numerator"),
                     w.do("mul", f.den, g.num, label="multiply by the reciprocal for the denominator"))
    verb = "add" if op == "add" else "subtract"
    if fd == gd:
        return _Frac(w.do(op, f.num, g.num, label=f"{verb} the numerators over the shared denominator"), f.den)
    if gd % fd == 0:
        k = w.do("div", g.den, f.den, label="the factor that brings the left fraction to the larger denominator")
        n = w.do("mul", f.num, k, label="scale the left numerator")
        return _Frac(w.do(op, n, g.num, label=f"{verb} the numerators"), g.den)
    if fd % gd == 0:
        k = w.do("div", f.den, g.den, label="the factor that brings the right fraction to the larger denominator")
        n = w.do("mul", g.num, k, label="scale the right numerator")
        return _Frac(w.do(op, f.num, n, label=f"{verb} the numerators"), f.den)
    a = w.do("mul", f.num, g.den, label="scale the left numerator by the right denominator")
    b = w.do("mul", g.num, f.den, label="scale the right numerator by the left denominator")
    return _Frac(w.do(op, a, b, label=f"{verb} the scaled numerators"),
                 w.do("mul", f.den, g.den, label="the common denominator"))


def _simplify(w: Work, f: _Frac) -> _Frac:
    """Cancel a common factor of an intermediate result (keeps the numbers small)."""
    n, d = _value(w, f.num), _value(w, f.den)
    if n == 0:
        raise _Retry
    g = math.gcd(int(n), int(d))
    if g == 1:
        return f
    return _Frac(w.do("div", f.num, g, label="cancel the common factor in the numerator"),
                 w.do("div", f.den, g, label="cancel the common factor in the denominator"))


def _proper(draw: Draw, dens: tuple[int, int], improper: bool = False) -> Fraction:
    """A fraction in lowest terms that is not whole, with a denominator in ``dens``."""
    while True:
        d = draw.randint(*dens)
        n = draw.randint(1, 2 * d if improper else d - 1)
        if math.gcd(n, d) == 1 and n % d:
            return Fraction(n, d)


def _text(x: Fraction, mixed: bool = False) -> str:
    if mixed and x > 1:
        whole = x.numerator // x.denominator
        return f"{whole} {x.numerator - whole * x.denominator}/{x.denominator}"
    return f"{x.numerator}/{x.denominator}"


def _two(draw: Draw, level: int) -> tuple[list[Fraction], list[str]]:
    if level == 1:
        op = draw.choice(("add", "sub", "mul", "add", "sub"))
        if op == "mul":
            return [_proper(draw, (2, 9)), _proper(draw, (2, 9))], [op]
        d = draw.randint(3, 16)  # like denominators: numerators prime to it, so both show over d
        a, c = draw.randint(1, d - 1), draw.randint(1, d - 1)
        if math.gcd(a, d) > 1 or math.gcd(c, d) > 1 or a == c:
            raise _Retry
        if op == "sub":
            a, c = max(a, c), min(a, c)
        return [Fraction(a, d), Fraction(c, d)], [op]
    op = draw.choice(("add", "sub", "mul", "div", "add", "sub"))
    if level == 2:
        return [_proper(draw, (2, 10)), _proper(draw, (2, 12))], [op]
    # level 3: larger denominators that share a factor (so the product is not the least common one)
    base = draw.randint(2, 6)
    d1, d2 = base * draw.randint(1, 4), base * draw.randint(2, 5)
    if d1 == d2:
        raise _Retry
    fs = []
    for d in (d1, d2):
        while True:
            n = draw.randint(1, 2 * d)
            if math.gcd(n, d) == 1 and n % d:
                fs.append(Fraction(n, d))
                break
    draw.shuffle(fs)
    return fs, [op]


def make(config: Config, draw: Draw) -> Generated:
    level = config.level
    for _ in range(10_000):
        try:
            return _make(level, draw)
        except _Retry:
            continue
    raise RuntimeError("fractions generator found no problem")  # pragma: no cover


def _make(level: int, draw: Draw) -> Generated:
    mixed = [False, False, False]
    if level <= 3:
        fs, ops = _two(draw, level)
    else:
        fs = [_proper(draw, (2, 9)) for _ in range(3)]
        ops = [draw.choice(("add", "sub")), draw.choice(("mul", "div"))]
        draw.shuffle(ops)
        if level == 5:  # one or two of the three are mixed numbers (so the question states <= 8 numbers)
            mixed = [True, draw.random() < 0.5, False]
            draw.shuffle(mixed)
            fs = [f + draw.randint(1, 4) if m else f for f, m in zip(fs, mixed, strict=True)]
    return _solve(level, draw, fs, ops, mixed)


def _solve(level: int, draw: Draw, fs: list[Fraction], ops: list[str], mixed: list[bool]) -> Generated:
    if len(set(fs)) < len(fs) and "sub" in ops:
        raise _Retry
    w = Work()
    terms: list[_Frac] = []
    params: list[int] = []
    for f, m in zip(fs, mixed, strict=False):
        if m:  # a mixed number: whole part times the denominator, plus the numerator
            whole = f.numerator // f.denominator
            rest = f.numerator - whole * f.denominator
            t = w.do("mul", whole, f.denominator, label="the whole part times the denominator")
            terms.append(_Frac(w.do("add", t, rest, label="add the numerator to get an improper fraction"),
                               f.denominator))
            params += [whole, rest, f.denominator]
        else:
            terms.append(_Frac(f.numerator, f.denominator))
            params += [f.numerator, f.denominator]
    if len(terms) == 2:
        result = _combine(w, terms[0], ops[0], terms[1])
    elif PREC[ops[1]] > PREC[ops[0]]:
        inner = _simplify(w, _combine(w, terms[1], ops[1], terms[2]))
        result = _combine(w, terms[0], ops[0], inner)
    else:
        inner = _simplify(w, _combine(w, terms[0], ops[0], terms[1]))
        result = _combine(w, inner, ops[1], terms[2])
    r = w.do("div", result.num, result.den, label="write the result in lowest terms")
    value = w.value(r)
    if value.denominator == 1 or value.denominator >= 1000 or abs(value.numerator) >= 100_000:
        raise _Retry
    expr = f" {SYMBOL[ops[0]]} ".join([_text(fs[0], mixed[0]), _text(fs[1], mixed[1])])
    if len(fs) == 3:
        expr += f" {SYMBOL[ops[1]]} {_text(fs[2], mixed[2])}"
    form = "Give the exact value as a fraction in lowest terms"
    form += " (an improper fraction is fine)." if level == 5 else "."
    question = f"Compute: {expr}. {form}"
    return Generated(question, Answer.of("scalar", [value]), w.solution(r), tuple(params[:8]))
