"""Percentages: a percent of a number, one number as a percent of another, increases, decreases, successive and reverse changes."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

from ..steps import Answer, Ref, Work
from . import Draw, FamilyConfig, Generated


@dataclasses.dataclass
class Config(FamilyConfig):
    """No options beyond ``level``."""


#: the templates each level draws from (a template listed twice is drawn twice as often)
KINDS = {
    1: ("of", "of", "what_percent"),
    2: ("of", "what_percent", "change", "change"),
    3: ("change", "percent_change", "percent_change", "reverse", "reverse"),
    4: ("successive", "successive_overall", "reverse", "what_percent", "percent_change"),
    5: ("successive", "successive_overall", "reverse_successive", "compound", "reverse"),
}
NICE = (5, 10, 20, 25, 30, 40, 50, 60, 75, 80, 90)
DECIMAL_PERCENTS = tuple(Fraction(n, 2) for n in (1, 5, 15, 25, 35, 45, 75)) + (Fraction(5, 4), Fraction(25, 4))
ITEMS = ("jacket", "bicycle", "laptop", "concert ticket", "sofa", "phone", "watch", "camera", "tent", "printer")
COUNTS = ("the population of a town", "the number of members of a club", "a website's daily visitors",
          "the number of students at a school", "a farm's yearly harvest in kilograms")
ORDINAL = ("first", "second", "third")


def num(x: Fraction) -> str:
    """A terminating value as a decimal (``12.5``), any other as a fraction (``100/3``)."""
    x = Fraction(x)
    if x.denominator == 1:
        return str(x.numerator)
    d = x.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    if d != 1:
        return f"{x.numerator}/{x.denominator}"
    sign, x = ("-" if x < 0 else ""), abs(x)
    places = 0
    while (x * 10**places).denominator != 1:
        places += 1
    scaled = (x * 10**places).numerator
    whole, frac = divmod(scaled, 10**places)
    return f"{sign}{whole}.{frac:0{places}d}"


def money(x: Fraction) -> str:
    """``$80``, ``$12.50``, ``$1157.625``."""
    x = Fraction(x)
    if x.denominator == 1:
        return f"${x.numerator}"
    if (x * 100).denominator == 1:
        whole, cents = divmod((x * 100).numerator, 100)
        return f"${whole}.{cents:02d}"
    return "$" + num(x)


def _multiple_for(p: Fraction) -> int:
    """The least whole number ``y`` with ``p% of y`` whole."""
    return (Fraction(p) / 100).denominator


def _percent(draw: Draw, level: int) -> Fraction:
    if level == 1:
        return Fraction(draw.choice(NICE))
    if level == 5:
        return draw.choice(DECIMAL_PERCENTS) if draw.random() < 0.35 else Fraction(5 * draw.randint(1, 12))
    return Fraction(draw.randint(1, 60 if level >= 4 else 95))


def _cents_multiple(factor: Fraction) -> int:
    """The least whole price that ``factor`` takes to a whole number of cents."""
    return (factor * 100).denominator


def _fraction_of(w: Work, p: Fraction, which: str = "") -> Ref:
    return w.do("div", p, 100, label=f"the {which + ' ' if which else ''}percent as a fraction")


EXACT = "Give the exact value."
EXACT_PERCENT = "Give the exact percentage (a fraction or decimal if it is not whole)."
EXACT_MONEY = "Give the exact amount in dollars."


def make(config: Config, draw: Draw) -> Generated:
    level = config.level
    kind = draw.choice(KINDS[level])
    return globals()[f"_{kind}"](level, draw)


def _of(level: int, draw: Draw) -> Generated:
    p = _percent(draw, level)
    m = _multiple_for(p) if level == 1 else (10 if level == 2 else 1)
    y = m * draw.randint(max(1, 20 // m), max(2, 600 // m))
    w = Work()
    r = _fraction_of(w, p)
    a = w.do("mul", r, y, label="take that part of the whole")
    question = f"What is {num(p)}% of {y}? {EXACT}"
    return Generated(question, Answer.of("scalar", [w.value(a)]), w.solution(a), (p, y), "of")


def _what_percent(level: int, draw: Draw) -> Generated:
    if level <= 2:
        p = _percent(draw, 1 if level == 1 else 2)
        m = _multiple_for(p)
        y = m * draw.randint(max(1, 10 // m), max(2, 400 // m))
        x = p * y / 100
    else:  # the percentage need not be whole, but is a simple fraction (33 1/3%, 12.5%)
        while True:
            y = draw.randint(12, 160)
            x = Fraction(draw.randint(1, y - 1))
            if 1 < (x / y * 100).denominator <= 16:
                break
    w = Work()
    q = w.do("div", x, y, label="the part as a fraction of the whole")
    a = w.do("mul", q, 100, label="convert the fraction to a percent")
    question = f"What percent of {y} is {num(x)}? {EXACT_PERCENT}"
    return Generated(question, Answer.of("scalar", [w.value(a)], unit="%"), w.solution(a), (y, x), "what_percent")


def _change(level: int, draw: Draw) -> Generated:
    p = _percent(draw, level)
    price = draw.randint(4, 60) * 5 if level == 2 else draw.randint(10, 600)
    up = draw.random() < 0.5 or p > 75  # no discounts beyond three quarters
    item = draw.choice(ITEMS)
    w = Work()
    r = _fraction_of(w, p)
    amount = w.do("mul", price, r, label=f"the amount of the {'increase' if up else 'discount'}")
    new = w.do("add" if up else "sub", price, amount, label="the new price")
    if up:
        story = f"A {item} costs {money(price)}. Its price goes up by {num(p)}%."
    else:
        story = f"A {item} costs {money(price)}. It is sold at a {num(p)}% discount."
    question = f"{story} What is the new price? {EXACT_MONEY}"
    answer = Answer.of("scalar", [w.value(new)], unit="$")
    return Generated(question, answer, w.solution(new), (price, p), "change")


def _percent_change(level: int, draw: Draw) -> Generated:
    up = draw.random() < 0.5
    what = draw.choice(COUNTS)
    if level == 3:  # a whole percentage
        p = Fraction(draw.randint(2, 60))
        m = _multiple_for(p)
        old = m * draw.randint(max(1, 40 // m), max(2, 2000 // m))
        new = old * (1 + p / 100) if up else old * (1 - p / 100)
    else:  # a percentage that need not be whole, but is a simple fraction
        while True:
            old = Fraction(draw.randint(30, 900))
            change = draw.randint(1, int(old) // 2)
            if (change / old * 100).denominator <= 16:
                break
        new = old + change if up else old - change
    w = Work()
    d = w.do("sub", new, old, label="the change") if up else w.do("sub", old, new, label="the drop")
    q = w.do("div", d, old, label="the change as a fraction of the starting value")
    a = w.do("mul", q, 100, label="convert the fraction to a percent")
    word = "increase" if up else "decrease"
    question = (f"{what[0].upper() + what[1:]} went from {num(old)} to {num(new)}. "
                f"What was the percent {word}? {EXACT_PERCENT}")
    return Generated(question, Answer.of("scalar", [w.value(a)], unit="%"), w.solution(a), (old, new),
                     "percent_change")


def _factor(w: Work, p: Fraction, up: bool, which: str = "") -> Ref:
    r = _fraction_of(w, p, which)
    if up:
        return w.do("add", 1, r, label=f"the {which + ' ' if which else ''}growth factor")
    return w.do("sub", 1, r, label=f"the {which + ' ' if which else ''}shrink factor")


def _change_words(p: Fraction, up: bool) -> str:
    return f"{'raised' if up else 'cut'} by {num(p)}%"


def _reverse(level: int, draw: Draw) -> Generated:
    p = _percent(draw, level)
    up = draw.random() < 0.5 or p > 75
    # a whole price (level 3) or one in whole cents
    m = _multiple_for(p) if level == 3 else _cents_multiple(1 + p / 100 if up else 1 - p / 100)
    original = m * draw.randint(max(1, 20 // m), max(2, (1500 if level >= 4 else 400) // m))
    final = original * (1 + p / 100) if up else original * (1 - p / 100)
    item = draw.choice(ITEMS)
    w = Work()
    f = _factor(w, p, up)
    a = w.do("div", final, f, label="undo the change by dividing by the factor")
    word = "an increase" if up else "a discount"
    question = (f"After {word} of {num(p)}%, the price of a {item} is {money(final)}. "
                f"What was the price before? {EXACT_MONEY}")
    return Generated(question, Answer.of("scalar", [w.value(a)], unit="$"), w.solution(a), (p, final), "reverse")


def _changes(draw: Draw, n: int, level: int) -> list[tuple[Fraction, bool]]:
    out = []
    for _ in range(n):
        out.append((_percent(draw, level), draw.random() < 0.5))
    if all(up for _, up in out) or not any(up for _, up in out):  # a rise and a fall make it interesting
        p, up = out[-1]
        out[-1] = (p, not up)
    return out


def _total(changes: list[tuple[Fraction, bool]]) -> Fraction:
    total = Fraction(1)
    for p, up in changes:
        total *= (1 + p / 100) if up else (1 - p / 100)
    return total


def _successive(level: int, draw: Draw) -> Generated:
    n = 2 if level == 4 else 3
    while True:  # a price that ends in whole cents
        changes = _changes(draw, n, level)
        m = _cents_multiple(_total(changes))
        if m <= 200:
            break
    price = m * draw.randint(max(1, 40 // m), max(2, 3000 // m))
    item = draw.choice(ITEMS)
    w = Work()
    value: Ref | int = price
    for i, (p, up) in enumerate(changes):
        f = _factor(w, p, up, ORDINAL[i])
        value = w.do("mul", value, f, label=f"the price after the {ORDINAL[i]} change")
    steps = ", then ".join(_change_words(p, up) for p, up in changes)
    question = f"A {item} costs {money(price)}. Its price is {steps}. What is the final price? {EXACT_MONEY}"
    params = (price, *(p for p, _ in changes))
    return Generated(question, Answer.of("scalar", [w.value(value)], unit="$"), w.solution(value), params,
                     "successive")


def _successive_overall(level: int, draw: Draw) -> Generated:
    n = 2 if level == 4 else 3
    while True:  # not zero (up 25%, then down 20%), and not too many decimal places
        changes = _changes(draw, n, level)
        total = _total(changes)
        if total != 1 and ((total - 1) * 100).denominator < 1000:
            break
    w = Work()
    factors = [_factor(w, p, up, ORDINAL[i]) for i, (p, up) in enumerate(changes)]
    total = w.do("mul", *factors, label="the overall factor")
    change = w.do("sub", total, 1, label="the overall change as a fraction")
    a = w.do("mul", change, 100, label="convert the fraction to a percent")
    steps = ", then ".join(_change_words(p, up) for p, up in changes)
    question = (f"A price is {steps}. What is the overall percent change? "
                f"Give the exact percentage, negative for a decrease (a decimal if it is not whole).")
    params = tuple(p for p, _ in changes)
    return Generated(question, Answer.of("scalar", [w.value(a)], unit="%"), w.solution(a), params,
                     "successive_overall")


def _reverse_successive(level: int, draw: Draw) -> Generated:
    while True:  # the price now is in whole cents
        changes = _changes(draw, 2, level)
        m = _cents_multiple(_total(changes))
        if m <= 200:
            break
    original = m * draw.randint(max(1, 40 // m), max(2, 3000 // m))
    final = original * _total(changes)
    item = draw.choice(ITEMS)
    w = Work()
    factors = [_factor(w, p, up, ORDINAL[i]) for i, (p, up) in enumerate(changes)]
    total = w.do("mul", *factors, label="the overall factor")
    a = w.do("div", final, total, label="undo both changes by dividing by the overall factor")
    steps = ", then ".join(_change_words(p, up) for p, up in changes)
    question = (f"The price of a {item} was {steps}; it is now {money(final)}. "
                f"What was the price before both changes? {EXACT_MONEY}")
    params = (*(p for p, _ in changes), final)
    return Generated(question, Answer.of("scalar", [w.value(a)], unit="$"), w.solution(a), params,
                     "reverse_successive")


def _compound(level: int, draw: Draw) -> Generated:
    while True:  # the final value is in whole cents
        rate = Fraction(draw.choice((2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25)))
        years = draw.randint(2, 4)
        m = _cents_multiple((1 + rate / 100) ** years)
        if m <= 1000:
            break
    principal = m * draw.randint(max(1, 100 // m), max(2, 20000 // m))
    w = Work()
    f = _factor(w, rate, True)
    g = w.do("pow", f, years, label="the growth over all the years")
    a = w.do("mul", principal, g, label="the value at the end")
    question = (f"{money(principal)} is invested at {num(rate)}% a year, with interest added once a year. "
                f"What is it worth after {years} years? {EXACT_MONEY}")
    return Generated(question, Answer.of("scalar", [w.value(a)], unit="$"), w.solution(a),
                     (principal, rate, years), "compound")
