"""Quadratic equations with rational roots solved by the quadratic formula (fractional, double roots too)."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

from ..steps import Answer, Work, fmt
from . import Draw, FamilyConfig, Generated


@dataclasses.dataclass
class Config(FamilyConfig):
    """No options beyond ``level``."""


def _root(draw: Draw, span: int, denominators: tuple[int, ...]) -> Fraction:
    """A nonzero root ``p/q`` with ``|p| <= span`` and ``q`` from ``denominators``."""
    return Fraction(draw.nonzero(-span, span), draw.choice(denominators))


def _polynomial(a: int, b: int, c: int) -> str:
    """``6x² - 5x + 1``, ``-x² + 4``."""
    out = "x²" if a == 1 else "-x²" if a == -1 else f"{a}x²"
    if b:
        mag = "" if abs(b) == 1 else str(abs(b))
        out += f" {'+' if b > 0 else '-'} {mag}x"
    if c:
        out += f" {'+' if c > 0 else '-'} {abs(c)}"
    return out


def _coefficients(k: int, r1: Fraction, r2: Fraction) -> tuple[int, int, int]:
    """Integer coefficients of ``k (q1 x - p1)(q2 x - p2)``, where ``r = p/q`` in lowest terms."""
    p1, q1, p2, q2 = r1.numerator, r1.denominator, r2.numerator, r2.denominator
    return k * q1 * q2, -k * (q1 * p2 + q2 * p1), k * p1 * p2


def make(config: Config, draw: Draw) -> Generated:
    level = config.level
    # level -> (root numerator span, root denominators, leading factors, chance of a double root)
    span, dens, factors, double = {
        1: (12, (1,), (1,), 0.0),
        2: (9, (1,), (2, 3, 4, 5, -1, -2, -3), 0.0),
        3: (7, (2, 3, 4, 5), (1, 1, 2, -1), 0.0),
        4: (9, (1, 2, 3, 4, 5), (1, 1, 2, 3, -1, -2), 0.25),
        5: (15, (2, 3, 4, 5, 6, 7), (1, 2, 3, -1, -2, -3), 0.25),
    }[level]
    while True:
        k = draw.choice(factors)
        r1 = _root(draw, span, dens)
        if level == 3:  # one fractional root, one whole one
            r2 = Fraction(draw.nonzero(-span, span))
        else:
            r2 = r1 if draw.random() < double else _root(draw, span, dens)
        a, b, c = _coefficients(k, r1, r2)
        if a == 1 and level >= 2:  # the leading coefficient differs from one from level 2
            continue
        if b == 0 or (r1 == r2 and level < 4):  # no missing linear term; distinct roots below level 4
            continue
        if level >= 3 and r1.denominator == r2.denominator == 1:
            continue
        if abs(b) * abs(b) > 40000 or abs(a) > 150 or abs(c) > 400:
            continue
        break
    w = Work()
    bb = w.do("mul", b, b, label="the square of the linear coefficient")
    fac = w.do("mul", 4, a, c, label="four times the leading coefficient times the constant term")
    disc = w.do("sub", bb, fac, label="the discriminant")
    root = w.do("sqrt", disc, label="the square root of the discriminant")
    nb = w.do("neg", b, label="the opposite of the linear coefficient")
    plus = w.do("add", nb, root, label="minus b plus the root of the discriminant")
    minus = w.do("sub", nb, root, label="minus b minus the root of the discriminant")
    den = w.do("mul", 2, a, label="twice the leading coefficient")
    x1 = w.do("div", plus, den, label="the first solution")
    x2 = w.do("div", minus, den, label="the second solution")
    answer = Answer.of("set", [w.value(x1), w.value(x2)], variable="x")
    question = (
        f"Find all real solutions of {_polynomial(a, b, c)} = 0. "
        "Give every solution exactly (fractions are fine), as a set such as {-2, 3/4}; "
        "a repeated solution is listed once."
    )
    assert set(answer.values) == {r1, r2}, (fmt(r1), fmt(r2), answer)
    return Generated(question, answer, w.solution(x1, x2), (a, b, c))
