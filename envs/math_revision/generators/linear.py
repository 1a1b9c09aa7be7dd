"""Linear equations in one unknown, from ``ax = c`` (level 1) to fractional coefficients (level 5)."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

from loopgym.config import check_choice

from ..steps import Answer, Work, fmt
from . import Draw, FamilyConfig, Generated

VARIABLES = ("x", "y", "n", "t")


@dataclasses.dataclass
class Config(FamilyConfig):
    """``variable``: the unknown's name, or ``"any"`` to draw one per problem."""

    variable: str = "x"

    def validate(self) -> None:
        super().validate()
        check_choice("variable", self.variable, (*VARIABLES, "any"))


def term(coef: Fraction, var: str) -> str:
    """``3x``, ``-x``, ``(2/3)x``."""
    if coef == 1:
        return var
    if coef == -1:
        return f"-{var}"
    return f"({fmt(coef)}){var}" if coef.denominator != 1 else f"{fmt(coef)}{var}"


def plus(value: Fraction) -> str:
    """`` + 5``, `` - 5``, or nothing for 0."""
    if value == 0:
        return ""
    return f" + {fmt(value)}" if value > 0 else f" - {fmt(-value)}"


def make(config: Config, draw: Draw) -> Generated:
    level = config.level
    v = draw.choice(VARIABLES) if config.variable == "any" else config.variable
    w = Work()
    if level == 1:
        a, x = draw.nonzero(2, 9) * draw.choice([1, 1, -1]), draw.randint(-10, 10)
        c = a * x
        question = f"{term(Fraction(a), v)} = {c}"
        r = w.do("div", c, a, label="divide both sides by the coefficient")
        params = (a, c)
    elif level == 2:
        a, x, b = draw.nonzero(2, 12), draw.randint(-15, 15), draw.nonzero(-20, 20)
        c = a * x + b
        question = f"{term(Fraction(a), v)}{plus(Fraction(b))} = {c}"
        d = w.do("sub", c, b, label="subtract the constant from both sides")
        r = w.do("div", d, a, label="divide both sides by the coefficient")
        params = (a, b, c)
    elif level in (3, 4):
        span = 12 if level == 3 else 30
        a = draw.nonzero(-span, span)
        c = draw.nonzero(-span, span)
        while c == a:
            c = draw.nonzero(-span, span)
        b = draw.randint(-span * 2, span * 2)
        if level == 3:
            x = Fraction(draw.randint(-12, 12))
            d = a * x + b - c * x
        else:
            d = Fraction(draw.randint(-span * 3, span * 3))
            x = (d - b) / (a - c)
        question = f"{term(Fraction(a), v)}{plus(Fraction(b))} = {term(Fraction(c), v)}{plus(Fraction(d))}"
        k = w.do("sub", a, c, label="collect the unknown's terms on the left")
        m = w.do("sub", d, b, label="collect the constants on the right")
        r = w.do("div", m, k, label="divide by the coefficient of the unknown")
        params = (a, b, c, d)
    else:
        p = Fraction(draw.nonzero(-9, 9), draw.randint(2, 9))
        q = Fraction(draw.nonzero(-9, 9), draw.randint(2, 9))
        while q == p:
            q = Fraction(draw.nonzero(-9, 9), draw.randint(2, 9))
        b = Fraction(draw.randint(-20, 20), draw.choice([1, 2, 3, 4]))
        d = Fraction(draw.randint(-20, 20), draw.choice([1, 2, 3, 5]))
        question = f"{term(p, v)}{plus(b)} = {term(q, v)}{plus(d)}"
        k = w.do("sub", p, q, label="collect the unknown's terms on the left")
        m = w.do("sub", d, b, label="collect the constants on the right")
        r = w.do("div", m, k, label="divide by the coefficient of the unknown")
        params = (p, b, q, d)
    answer = Answer.of("scalar", [w.value(r)], variable=v)
    text = f"Solve for {v}: {question}. Give {v} exactly (a fraction if it is not a whole number)."
    return Generated(text, answer, w.solution(r), params)
