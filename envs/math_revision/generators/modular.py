"""Modular arithmetic: remainders of sums and products, powers by repeated squaring, linear congruences."""

from __future__ import annotations

import dataclasses
import math

from ..steps import Answer, Ref, Work
from . import Draw, FamilyConfig, Generated

#: the power of the base that the i-th squaring gives, in words (exponents 2, 4, 8, ...)
_POWER_WORDS = ("square", "fourth power", "eighth power", "sixteenth power", "thirty-second power",
                "sixty-fourth power", "hundred-and-twenty-eighth power", "two-hundred-and-fifty-sixth power")


@dataclasses.dataclass
class Config(FamilyConfig):
    """No options beyond ``level``."""


def _residue_note(m: int) -> str:
    return f"Give the least non-negative residue (an integer from 0 to {m - 1})."


def _sums(draw: Draw, w: Work) -> tuple[str, Ref, tuple]:
    m = draw.randint(3, 12)
    if draw.random() < 0.35:  # a difference, often negative before reduction
        a, b = draw.randint(5, 60), draw.randint(5, 99)
        while a == b:
            b = draw.randint(5, 99)
        s = w.do("sub", a, b, label="the difference")
        expr, params = f"{a} - {b}", (a, b, m)
    else:
        terms = [draw.randint(10, 99) for _ in range(draw.choice((2, 3)))]
        s = w.do("add", *terms, label="the sum")
        expr, params = " + ".join(map(str, terms)), (*terms, m)
    r = w.do("mod", s, m, label="the remainder on division by the modulus")
    question = f"What is the remainder when {expr} is divided by {m}? {_residue_note(m)}"
    return question, r, params


def _products(draw: Draw, w: Work) -> tuple[str, Ref, tuple]:
    m = draw.randint(6, 20)
    factors = [draw.randint(m + 1, 250) for _ in range(draw.choice((2, 2, 3)))]
    reduced = [w.do("mod", f, m, label="reduce a factor modulo the modulus") for f in factors]
    p = w.do("mul", *reduced, label="the product of the reduced factors")
    expr = " × ".join(map(str, factors))
    if draw.random() < 0.4:  # subtract a number as well
        c = draw.randint(m + 1, 250)
        cr = w.do("mod", c, m, label="reduce the subtracted number modulo the modulus")
        p = w.do("sub", p, cr, label="subtract the reduced number")
        expr, params = f"{expr} - {c}", (*factors, c, m)
    else:
        params = (*factors, m)
    r = w.do("mod", p, m, label="reduce the result modulo the modulus")
    question = f"Find ({expr}) mod {m}. {_residue_note(m)}"
    return question, r, params


def _power(draw: Draw, w: Work, level: int) -> tuple[str, Ref, tuple]:
    if level == 3:
        moduli = (5, 7, 9, 10, 11, 12, 13, 14, 15, 17, 19, 23)
        a, e, m = draw.randint(2, 40), draw.randint(5, 31), draw.choice(moduli)
    else:
        a, e, m = draw.randint(12, 999), draw.randint(33, 250), draw.randint(20, 99)
    while e & (e - 1) == 0:  # not a power of two: the last step then multiplies several powers
        e += 1
    while a % m in (0, 1, m - 1) or math.gcd(a, m) != 1:  # no trivially constant (or vanishing) powers
        a += 1
    powers = [w.do("mod", a, m, label="reduce the base modulo the modulus")]
    for i in range(e.bit_length() - 1):
        label = f"the base's {_POWER_WORDS[i]} modulo the modulus"
        powers.append(w.do("powmod", powers[-1], 2, m, label=label))
    used = [p for i, p in enumerate(powers) if e >> i & 1]
    prod = w.do("mul", *used, label="multiply the powers whose exponents sum to the exponent")
    r = w.do("mod", prod, m, label="reduce the product modulo the modulus")
    question = (f"Compute {a}^{e} mod {m} (repeated squaring helps: write the exponent as a sum of powers "
                f"of two). {_residue_note(m)}")
    return question, r, (a, e, m)


def _congruence(draw: Draw, w: Work) -> tuple[str, Ref, tuple]:
    m = draw.randint(7, 97)
    a = draw.randint(2, 3 * m)
    while math.gcd(a, m) != 1 or a % m in (0, 1, m - 1):
        a = draw.randint(2, 3 * m)
    b = draw.randint(-m, 2 * m)
    c = draw.nonzero(-2 * m, 2 * m) if draw.random() < 0.6 else 0
    while (b - c) % m == 0:
        b = draw.randint(-m, 2 * m)
    rhs: Ref | int = b
    if c:
        rhs = w.do("sub", b, c, label="move the constant term to the right-hand side")
    coef = w.do("mod", a, m, label="reduce the coefficient modulo the modulus") if a >= m else a
    inv = w.do("modinv", coef, m, label="the inverse of the coefficient modulo the modulus")
    p = w.do("mul", inv, rhs, label="multiply both sides by the inverse")
    r = w.do("mod", p, m, label="reduce modulo the modulus")
    lhs = f"{a}x" + (f" + {c}" if c > 0 else f" - {-c}" if c < 0 else "")
    question = (f"Solve the congruence {lhs} ≡ {b} (mod {m}). Give x as the least non-negative residue "
                f"(the unique solution x with 0 ≤ x ≤ {m - 1}).")
    return question, r, (a, c, b, m) if c else (a, b, m)


def make(config: Config, draw: Draw) -> Generated:
    level = config.level
    w = Work()
    if level == 1:
        question, r, params = _sums(draw, w)
    elif level == 2:
        question, r, params = _products(draw, w)
    elif level in (3, 4):
        question, r, params = _power(draw, w, level)
    else:
        question, r, params = _congruence(draw, w)
    answer = Answer.of("scalar", [w.value(r)], variable="x" if level == 5 else "")
    return Generated(question, answer, w.solution(r), params)
