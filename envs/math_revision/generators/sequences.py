"""Sequences: next and n-th terms of arithmetic, geometric and quadratic sequences, and recurrences."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

from ..steps import Answer, Ref, Work, fmt
from . import Draw, FamilyConfig, Generated

#: common ratios of level-2 geometric sequences
_RATIOS = tuple(Fraction(r) for r in (2, 3, 4, 5, -2, -3, "1/2", "1/3", "-1/2", "3/2", "2/3", "-3/2"))
_EXACT = "Give the exact value (a fraction if it is not a whole number)."


@dataclasses.dataclass
class Config(FamilyConfig):
    """No options beyond ``level``."""


def ordinal(n: int) -> str:
    """``1st``, ``2nd``, ``11th``, ``23rd``."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _show(terms) -> str:
    return ", ".join(fmt(Fraction(t)) for t in terms) + ", ..."


def _arithmetic_next(draw: Draw, w: Work):
    k = draw.randint(4, 6)
    a, d = draw.randint(-20, 60), draw.nonzero(-12, 12)
    terms = [a + i * d for i in range(k)]
    diff = w.do("sub", terms[1], terms[0], label="the common difference")
    r = w.do("add", terms[-1], diff, label="the next term")
    return f"The arithmetic sequence {_show(terms)} continues. What is its next term? {_EXACT}", r, terms


def _geometric_next(draw: Draw, w: Work):
    k = draw.randint(4, 6)
    ratio = draw.choice(_RATIOS)
    big = max(abs(ratio.numerator), ratio.denominator)
    c = draw.nonzero(-3, 3) if big >= 4 else draw.nonzero(-9, 9)
    a = c * ratio.denominator ** k  # every term up to the next one is whole
    terms = [a * ratio**i for i in range(k)]
    q = w.do("div", terms[1], terms[0], label="the common ratio")
    r = w.do("mul", terms[-1], q, label="the next term")
    return f"The geometric sequence {_show(terms)} continues. What is its next term? {_EXACT}", r, terms


def _arithmetic_nth(draw: Draw, w: Work):
    k = draw.randint(4, 5)
    if draw.random() < 0.6:
        d = Fraction(draw.nonzero(-9, 9), draw.choice((2, 3, 4, 5)))
        while d.denominator == 1:
            d = Fraction(draw.nonzero(-9, 9), draw.choice((2, 3, 4, 5)))
        a = Fraction(draw.randint(-12, 12), draw.choice((1, d.denominator)))
    else:
        d, a = Fraction(draw.randint(-15, -2)), Fraction(draw.randint(-10, 80))
    n = draw.randint(10, 60)
    terms = [a + i * d for i in range(k)]
    diff = w.do("sub", terms[1], terms[0], label="the common difference")
    steps = w.do("sub", n, 1, label="the number of differences from the first term to the wanted one")
    change = w.do("mul", steps, diff, label="the total change from the first term")
    r = w.do("add", terms[0], change, label="the wanted term")
    question = (f"In the arithmetic sequence {_show(terms)} (the first number shown is the 1st term), "
                f"what is the {ordinal(n)} term? {_EXACT}")
    return question, r, (*terms, n)


def _quadratic(draw: Draw, w: Work):
    k = draw.randint(5, 6)
    t, d, s = draw.randint(-20, 20), draw.randint(-10, 10), draw.nonzero(-6, 6)
    terms = []
    for _ in range(k):
        terms.append(t)
        t, d = t + d, d + s
    d1 = w.do("sub", terms[1], terms[0], label="the first difference")
    d2 = w.do("sub", terms[2], terms[1], label="the second first difference")
    second = w.do("sub", d2, d1, label="the second difference")
    shown = _show(terms)
    if draw.random() < 0.5:
        last = w.do("sub", terms[-1], terms[-2], label="the last first difference")
        nxt = w.do("add", last, second, label="the next first difference")
        r = w.do("add", terms[-1], nxt, label="the next term")
        question = (f"The sequence {shown} has a constant second difference. What is its next term? {_EXACT}")
        return question, r, terms
    n = draw.randint(10, 30)
    a = w.do("div", second, 2, label="the coefficient of the squared position (half the second difference)")
    a3 = w.do("mul", 3, a, label="three times the square coefficient")
    b = w.do("sub", d1, a3, label="the coefficient of the position")
    ab = w.do("add", a, b, label="the sum of the two coefficients")
    c = w.do("sub", terms[0], ab, label="the constant term")
    sq = w.do("mul", a, n, n, label="the square term at the wanted position")
    lin = w.do("mul", b, n, label="the linear term at the wanted position")
    r = w.do("add", sq, lin, c, label="the wanted term")
    question = (f"The sequence {shown} (the first number shown is the 1st term) has a constant second "
                f"difference, so its n-th term is a quadratic in n. What is its {ordinal(n)} term? {_EXACT}")
    return question, r, (*terms, n)


def _linear_recurrence(draw: Draw, w: Work):
    while True:
        p, q = draw.choice((1, 1, 2, 3)), draw.choice((1, 1, 2, -1))
        a1, a2 = draw.randint(-5, 10), draw.randint(-5, 10)
        k, ahead = draw.randint(4, 5), draw.randint(3, 5)
        terms = [a1, a2]
        while len(terms) < k + ahead:
            terms.append(p * terms[-1] + q * terms[-2])
        if len(set(terms[:k])) >= 3 and 0 < abs(terms[-1]) <= 100000:
            break
    rule = "a(n) = " + ("a(n-1)" if p == 1 else f"{p}·a(n-1)") + (
        " + a(n-2)" if q == 1 else " - a(n-2)" if q == -1 else f" + {q}·a(n-2)")
    prev2, prev = terms[k - 2], terms[k - 1]
    for i in range(ahead):
        x = prev if p == 1 else w.do("mul", p, prev, label="the multiple of the previous term")
        label = "the next term" if i < ahead - 1 else "the wanted term"
        if q == -1:
            r = w.do("sub", x, prev2, label=label)
        else:
            y = prev2 if q == 1 else w.do("mul", q, prev2, label="the multiple of the term before it")
            r = w.do("add", x, y, label=label)
        prev2, prev = prev, r
    n = k + ahead
    question = (f"A sequence follows the rule {rule}. Its first terms, from a(1), are {_show(terms[:k])} "
                f"What is its {ordinal(n)} term a({n})? {_EXACT}")
    return question, r, (p, q, *terms[:k], n)


def _affine_recurrence(draw: Draw, w: Work):
    while True:
        p, q = draw.choice((2, 3, -2)), draw.nonzero(-9, 9)
        t, k, ahead = draw.randint(-6, 10), draw.randint(4, 5), draw.randint(1, 3)
        terms = [t]
        while len(terms) < k + ahead:
            terms.append(p * terms[-1] + q)
        if terms[1] != terms[0] and abs(terms[-1]) <= 100000:
            break
    d1 = w.do("sub", terms[1], terms[0], label="the first difference")
    d2 = w.do("sub", terms[2], terms[1], label="the second difference of consecutive terms")
    pr = w.do("div", d2, d1, label="the multiplier (ratio of consecutive differences)")
    pt = w.do("mul", pr, terms[0], label="the multiplier times the first term")
    qr = w.do("sub", terms[1], pt, label="the added constant")
    prev = terms[k - 1]
    for i in range(ahead):
        m = w.do("mul", pr, prev, label="the multiplier times the previous term")
        prev = w.do("add", m, qr, label="the next term" if i < ahead - 1 else "the wanted term")
    n = k + ahead
    question = (f"The sequence {_show(terms[:k])} (the first number shown is the 1st term) follows a rule of "
                f"the form a(n) = p·a(n-1) + q for fixed numbers p and q. "
                f"What is its {ordinal(n)} term? {_EXACT}")
    return question, prev, (*terms[:k], n)


def make(config: Config, draw: Draw) -> Generated:
    level = config.level
    w = Work()
    if level == 1:
        question, r, params = _arithmetic_next(draw, w)
    elif level == 2:
        question, r, params = _geometric_next(draw, w)
    elif level == 3:
        question, r, params = _arithmetic_nth(draw, w)
    elif level == 4:
        question, r, params = _quadratic(draw, w)
    else:
        question, r, params = (_linear_recurrence if draw.random() < 0.5 else _affine_recurrence)(draw, w)
    assert isinstance(r, Ref)
    return Generated(question, Answer.of("scalar", [w.value(r)]), w.solution(r), params)
