"""Systems of two linear equations in x and y, by substitution (levels 1-2) and Cramer's rule (levels 3-5)."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

from ..steps import Answer, Work
from . import Draw, FamilyConfig, Generated


@dataclasses.dataclass
class Config(FamilyConfig):
    """No options beyond ``level``."""


def equation(a: int, b: int, c: int) -> str:
    """``2x - 3y = 7``, ``x + y = -1``, ``-x + 4y = 0``."""
    def coef(k: int, var: str) -> str:
        return var if abs(k) == 1 else f"{abs(k)}{var}"

    left = ("-" if a < 0 else "") + coef(a, "x")
    left += f" {'+' if b > 0 else '-'} {coef(b, 'y')}"
    return f"{left} = {c}"


def _substitution(w: Work, rows, var: str):
    """Solve with the unit coefficient of ``var`` in the first equation (``rows`` in a, b, c order)."""
    (a1, b1, c1), (a2, b2, c2) = rows
    # with x = c1 - b1*y (a1 = 1) the second equation reads (b2 - a2*b1) y = c2 - a2*c1; the same with
    # the roles of x and y swapped when it is y whose coefficient is 1
    k, other, own = (a2, b2, b1) if var == "x" else (b2, a2, a1)
    p = w.do("mul", k, own, label="multiply out the substituted term")
    coef = w.do("sub", other, p, label="the remaining unknown's coefficient after substituting")
    q = w.do("mul", k, c1, label="multiply out the substituted constant")
    rhs = w.do("sub", c2, q, label="move the constant to the right side")
    second = w.do("div", rhs, coef, label="divide by the coefficient")
    t = w.do("mul", own, second, label="the other term of the first equation")
    first = w.do("sub", c1, t, label="back-substitute into the first equation")
    return (first, second) if var == "x" else (second, first)


def _cramer(w: Work, rows):
    (a1, b1, c1), (a2, b2, c2) = rows
    m1 = w.do("mul", a1, b2, label="the product on the main diagonal")
    m2 = w.do("mul", a2, b1, label="the product on the other diagonal")
    det = w.do("sub", m1, m2, label="the determinant of the coefficients")
    n1 = w.do("mul", c1, b2, label="the constant column times the second coefficient of y")
    n2 = w.do("mul", c2, b1, label="the second constant times the first coefficient of y")
    dx = w.do("sub", n1, n2, label="the determinant for x")
    k1 = w.do("mul", a1, c2, label="the first coefficient of x times the second constant")
    k2 = w.do("mul", a2, c1, label="the second coefficient of x times the first constant")
    dy = w.do("sub", k1, k2, label="the determinant for y")
    x = w.do("div", dx, det, label="x is its determinant over the main one")
    y = w.do("div", dy, det, label="y is its determinant over the main one")
    return x, y


def _rows(level: int, draw: Draw):
    """Coefficients ``((a1, b1, c1), (a2, b2, c2))`` and which unknown has coefficient 1 (levels 1-2)."""
    if level == 1:
        x, y = draw.nonzero(-6, 6), draw.nonzero(-6, 6)
        a1, b1 = 1, draw.nonzero(-5, 5)
        a2, b2 = draw.nonzero(-5, 5), draw.nonzero(-5, 5)
        return ((a1, b1, a1 * x + b1 * y), (a2, b2, a2 * x + b2 * y)), "x"
    if level == 2:
        x, y = draw.randint(-10, 10), draw.randint(-10, 10)
        var = draw.choice(("x", "y"))
        a1, b1 = (1, draw.nonzero(-9, 9)) if var == "x" else (draw.nonzero(-9, 9), 1)
        a2, b2 = draw.nonzero(-9, 9), draw.nonzero(-9, 9)
        return ((a1, b1, a1 * x + b1 * y), (a2, b2, a2 * x + b2 * y)), var
    span = {3: 9, 4: 12, 5: 15}[level]
    if level == 3:
        a1, b1, a2, b2 = (draw.nonzero(-span, span) for _ in range(4))
    else:  # no unit coefficients from level 4
        a1, b1, a2, b2 = (draw.randint(2, span) * draw.choice((1, -1)) for _ in range(4))
    if level == 3:  # whole solutions
        x, y = draw.randint(-12, 12), draw.randint(-12, 12)
        return ((a1, b1, a1 * x + b1 * y), (a2, b2, a2 * x + b2 * y)), ""
    if level == 4:  # halves, thirds or quarters: pick the solution, then rows with whole constants
        q = draw.choice((2, 3, 4))
        x, y = Fraction(draw.randint(-4 * q, 4 * q), q), Fraction(draw.randint(-4 * q, 4 * q), q)
        if x.denominator == 1:
            x += Fraction(1, q)
        rows = []
        for _ in range(2):
            while True:
                a, b = (draw.randint(2, span) * draw.choice((1, -1)) for _ in range(2))
                c = a * x + b * y
                if c.denominator == 1:
                    rows.append((a, b, int(c)))
                    break
        return tuple(rows), ""
    c1, c2 = draw.randint(-4 * span, 4 * span), draw.randint(-4 * span, 4 * span)
    return ((a1, b1, c1), (a2, b2, c2)), ""


def _solution(rows) -> tuple[Fraction, Fraction] | None:
    (a1, b1, c1), (a2, b2, c2) = rows
    det = a1 * b2 - a2 * b1
    if det == 0:
        return None
    return Fraction(c1 * b2 - c2 * b1, det), Fraction(a1 * c2 - a2 * c1, det)


def _acceptable(level: int, rows, var: str, sol) -> bool:
    if sol is None:
        return False
    (a1, b1, _), (a2, b2, _) = rows
    if level <= 2 and abs(a2) == 1 and abs(b2) == 1:
        return False
    if level >= 4 and 1 in (abs(a1), abs(b1), abs(a2), abs(b2)):
        return False  # no unit coefficients from level 4
    dens = [v.denominator for v in sol]
    if level == 4:  # halves, thirds, quarters at most, and not both whole
        return max(dens) <= 4 and max(dens) > 1
    if level == 5:  # genuinely fractional, not too large
        return 5 <= max(dens) <= 60 and all(v != 0 and abs(v) <= 30 for v in sol)
    return True


def make(config: Config, draw: Draw) -> Generated:
    level = config.level
    while True:
        rows, var = _rows(level, draw)
        sol = _solution(rows)
        if _acceptable(level, rows, var, sol):
            break
    w = Work()
    x, y = _substitution(w, rows, var) if level <= 2 else _cramer(w, rows)
    (a1, b1, c1), (a2, b2, c2) = rows
    form = "Write the answer as x = …, y = … (exact values" + ("; fractions where not whole)." if level >= 4 else ").")
    question = f"Solve the system: {equation(a1, b1, c1)} and {equation(a2, b2, c2)}. {form}"
    answer = Answer.of("tuple", [w.value(x), w.value(y)], names=("x", "y"))
    return Generated(question, answer, w.solution(x, y), (a1, b1, c1, a2, b2, c2))
