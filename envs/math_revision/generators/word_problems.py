"""Word problems: rates and work, ages, mixtures and money, from one step (level 1) to several."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

from loopgym.config import ConfigError

from ..steps import Answer, Ref, Work
from . import Draw, FamilyConfig, Generated
from .units import show

KINDS = ("rates", "ages", "mixtures", "money")

PEOPLE = ("Ana", "Ben", "Chloe", "Dev", "Elif", "Femi", "Grace", "Hiro", "Ivan", "Jia", "Kofi", "Lena",
          "Mateo", "Nora", "Omar", "Priya", "Quinn", "Rosa", "Sam", "Tariq")
#: vehicle -> speed range in km/h
VEHICLES = {"car": (40, 110), "train": (60, 160), "bicycle": (12, 30), "bus": (30, 80), "scooter": (10, 25),
            "boat": (10, 40)}
JOBS = ("paint a fence", "fill a tank", "mow a lawn", "sort a pile of letters", "clean a hall", "pack a van")
#: item -> its plural
ITEMS = {"notebook": "notebooks", "pen": "pens", "sandwich": "sandwiches", "ticket": "tickets",
         "coffee": "coffees", "book": "books", "T-shirt": "T-shirts", "plant": "plants", "mug": "mugs",
         "scarf": "scarves"}
SUBSTANCES = ("acid", "salt", "sugar", "alcohol", "bleach")


@dataclasses.dataclass
class Config(FamilyConfig):
    """``kinds``: the kinds of problem to draw from (some of ``"rates"``, ``"ages"``, ``"mixtures"``,
    ``"money"``; all four by default)."""

    kinds: tuple[str, ...] = KINDS

    def validate(self) -> None:
        super().validate()
        kinds = (self.kinds,) if isinstance(self.kinds, str) else self.kinds
        allowed = "a non-empty sequence of kinds from " + ", ".join(map(repr, KINDS))
        try:
            kinds = tuple(kinds)
        except TypeError:
            raise ConfigError(f"kinds={self.kinds!r} is not allowed: kinds must be {allowed}") from None
        if not kinds or any(k not in KINDS for k in kinds):
            raise ConfigError(f"kinds={self.kinds!r} is not allowed: kinds must be {allowed}")
        self.kinds = tuple(dict.fromkeys(kinds))  # in the order given, once each


def _a(n: int) -> str:
    """The article before a number said aloud: ``an 8``, ``an 18``, ``a 20``."""
    text = str(n)
    return "an" if text.startswith("8") or text in ("11", "18") else "a"


def money(x: Fraction) -> str:
    """``$12.50``, ``$3``."""
    if x.denominator == 1:
        return f"${x.numerator}"
    cents = x * 100
    if cents.denominator == 1:
        return f"${cents.numerator // 100}.{cents.numerator % 100:02d}"
    return f"${show(x)}"


def _cents(x: Fraction) -> bool:
    return (x * 100).denominator == 1


def _hours(t: Fraction) -> str:
    return f"{show(t)} hour" + ("" if t == 1 else "s")


def _half_hours(draw: Draw, low: int, high: int) -> Fraction:
    """A time in half hours between ``low/2`` and ``high/2`` hours."""
    return Fraction(draw.randint(low, high), 2)


# ------------------------------------------------------------------------------------------------- rates
def _rates(draw: Draw, w: Work, level: int):
    vehicle = draw.choice(tuple(VEHICLES))
    lo, hi = VEHICLES[vehicle]
    name = draw.choice(PEOPLE)
    if level == 1:
        s, t = draw.randint(lo, hi), draw.randint(1, 6)
        if draw.random() < 0.5:
            r = w.do("mul", s, t, label="distance is speed times time")
            q = f"A {vehicle} travels at {s} km/h for {_hours(Fraction(t))}. How far does it travel?"
            return q, r, (s, t), "km", "the distance in km"
        d = s * t
        r = w.do("div", d, s, label="time is distance divided by speed")
        q = f"A {vehicle} travels {d} km at a steady {s} km/h. How long does the journey take?"
        return q, r, (d, s), "h", "the time in hours"
    if level == 2:
        s1, s2 = draw.randint(lo, hi), draw.randint(lo, hi)
        t1, t2 = _half_hours(draw, 1, 8), _half_hours(draw, 1, 8)
        if draw.random() < 0.5:
            a = w.do("mul", s1, t1, label="the distance of the first part")
            b = w.do("mul", s2, t2, label="the distance of the second part")
            r = w.do("add", a, b, label="the total distance")
            q = (f"{name} travels by {vehicle} at {s1} km/h for {_hours(t1)}, then at {s2} km/h for "
                 f"{_hours(t2)}. How far does {name} travel in total?")
            return q, r, (s1, t1, s2, t2), "km", "the distance in km"
        d1, d2 = s1 * t1, s2 * t2
        a = w.do("div", d1, s1, label="the time of the first part")
        b = w.do("div", d2, s2, label="the time of the second part")
        r = w.do("add", a, b, label="the total time")
        q = (f"{name} travels {show(d1)} km by {vehicle} at {s1} km/h, then another {show(d2)} km at "
             f"{s2} km/h. How long does the whole trip take?")
        return q, r, (d1, s1, d2, s2), "h", "the time in hours"
    if level == 3:
        s1, s2 = draw.randint(lo, hi), draw.randint(lo, hi)
        while s2 == s1:
            s2 = draw.randint(lo, hi)
        t1, t2 = _half_hours(draw, 1, 10), _half_hours(draw, 1, 10)
        d1, d2 = s1 * t1, s2 * t2
        dist = w.do("add", d1, d2, label="the total distance")
        a = w.do("div", d1, s1, label="the time of the first part")
        b = w.do("div", d2, s2, label="the time of the second part")
        total = w.do("add", a, b, label="the total time")
        r = w.do("div", dist, total, label="the average speed is total distance over total time")
        q = (f"A {vehicle} covers {show(d1)} km at {s1} km/h and then {show(d2)} km at {s2} km/h. "
             f"What is its average speed for the whole journey?")
        return q, r, (d1, s1, d2, s2), "km/h", "the speed in km/h"
    if level == 4:
        if draw.random() < 0.5:
            p, o = draw.sample(PEOPLE, 2)
            job = draw.choice(JOBS)
            a, b = draw.sample(range(2, 13), 2)
            ra = w.do("div", 1, a, label=f"{p}'s share of the job per hour")
            rb = w.do("div", 1, b, label=f"{o}'s share of the job per hour")
            both = w.do("add", ra, rb, label="the share per hour working together")
            r = w.do("div", 1, both, label="the time for the whole job together")
            q = (f"{p} can {job} alone in {a} hours; {o} can do it alone in {b} hours. Working together at "
                 f"these rates, how long do they take?")
            return q, r, (a, b), "h", "the time in hours"
        s1, s2 = draw.randint(lo, hi), draw.randint(lo, hi)
        t = _half_hours(draw, 1, 8)
        dist = (s1 + s2) * t
        closing = w.do("add", s1, s2, label="the speed at which the gap closes")
        tr = w.do("div", dist, closing, label="the time until they meet")
        ask_distance = draw.random() < 0.5
        if ask_distance:
            tr = w.do("mul", s1, tr, label="the distance the first one covers before they meet")
        q = (f"Two towns are {show(dist)} km apart. A {vehicle} leaves the first town at {s1} km/h and "
             f"at the same moment another leaves the second town towards it at {s2} km/h. "
             + ("How far from the first town do they meet?" if ask_distance else "How long until they meet?"))
        return q, tr, (dist, s1, s2), ("km" if ask_distance else "h"), \
            ("the distance in km" if ask_distance else "the time in hours")
    # level 5
    job = draw.choice(JOBS)
    if draw.random() < 0.5:
        p, o = draw.sample(PEOPLE, 2)
        a, b = draw.sample(range(3, 16), 2)
        t = draw.randint(1, a - 1)
        ra = w.do("div", 1, a, label=f"{p}'s share of the job per hour")
        done = w.do("mul", ra, t, label=f"the share {p} finishes alone")
        rest = w.do("sub", 1, done, label="the share left")
        rb = w.do("div", 1, b, label=f"{o}'s share of the job per hour")
        both = w.do("add", ra, rb, label="the share per hour working together")
        tb = w.do("div", rest, both, label="the time working together")
        r = w.do("add", t, tb, label="the total time")
        q = (f"{p} can {job} alone in {a} hours and {o} can do it alone in {b} hours. {p} works alone for "
             f"{_hours(Fraction(t))}, then {o} joins and they finish together. How many hours does the job "
             f"take in total?")
        return q, r, (a, b, t), "h", "the time in hours"
    while True:
        a, b, c = draw.randint(2, 12), draw.randint(2, 12), draw.randint(3, 20)
        if Fraction(1, a) + Fraction(1, b) > Fraction(1, c) and a != b:
            break
    ra = w.do("div", 1, a, label="the first pipe's share of the tank per hour")
    rb = w.do("div", 1, b, label="the second pipe's share of the tank per hour")
    rc = w.do("div", 1, c, label="the drain's share of the tank per hour")
    fill = w.do("add", ra, rb, label="the share the two pipes fill per hour")
    net = w.do("sub", fill, rc, label="the net share filled per hour")
    r = w.do("div", 1, net, label="the time to fill the tank")
    q = (f"One pipe fills a tank in {a} hours and a second pipe fills it in {b} hours, while an open drain "
         f"empties a full tank in {c} hours. Starting empty with both pipes and the drain open, how long "
         f"does the tank take to fill?")
    return q, r, (a, b, c), "h", "the time in hours"


# -------------------------------------------------------------------------------------------------- ages
def _times(n: int) -> str:
    return "twice" if n == 2 else f"{n} times"


def _ages(draw: Draw, w: Work, level: int):
    p, o = draw.sample(PEOPLE, 2)
    if level == 1:
        b, x = draw.randint(3, 40), draw.randint(2, 30)
        if draw.random() < 0.5:
            r = w.do("add", b, x, label=f"{p}'s age now")
            return (f"{p} is {x} years older than {o}, who is {b}. How old is {p}?", r, (x, b), "years",
                    "the age in years")
        k = draw.randint(2, 15)
        a = w.do("add", b, x, label=f"{p}'s age now")
        r = w.do("add", a, k, label=f"{p}'s age later")
        q = f"{p} is {x} years older than {o}, who is {b}. How old will {p} be in {k} years?"
        return q, r, (x, b, k), "years", "the age in years"
    if level == 2:
        if draw.random() < 0.5:
            young, diff = draw.randint(3, 40), draw.randint(1, 30)
            total = 2 * young + diff
            s = w.do("add", total, diff, label="the sum plus the difference")
            r = w.do("div", s, 2, label="the older age is half of that")
            q = (f"The ages of {p} and {o} add up to {total} years, and {p} is {diff} years older. "
                 f"How old is {p}?")
            return q, r, (total, diff), "years", "the age in years"
        b, m, k = draw.randint(2, 15), draw.randint(2, 5), draw.randint(2, 20)
        a = w.do("mul", m, b, label=f"{p}'s age now")
        r = w.do("add", a, k, label=f"{p}'s age later")
        q = f"{p} is {_times(m)} as old as {o}, who is {b}. How old will {p} be in {k} years?"
        return q, r, (m, b, k), "years", "the age in years"
    if level == 3:
        b, m, k = draw.randint(2, 20), draw.randint(2, 6), draw.randint(2, 15)
        total = (m + 1) * b + 2 * k
        gain = w.do("mul", 2, k, label="the years both of them gain")
        now = w.do("sub", total, gain, label="the sum of their ages now")
        parts = w.do("add", m, 1, label="the number of equal parts in that sum")
        young = w.do("div", now, parts, label=f"{o}'s age now")
        r = w.do("mul", m, young, label=f"{p}'s age now")
        q = (f"{p} is {_times(m)} as old as {o}. In {k} years, the sum of their ages will be {total}. "
             f"How old is {p} now?")
        return q, r, (m, k, total), "years", "the age in years"
    if level == 4:
        while True:
            b, m, n = draw.randint(2, 20), draw.randint(3, 7), draw.randint(2, 4)
            if n < m and (m - n) * b % (n - 1) == 0 and 1 <= (m - n) * b // (n - 1) <= 40:
                k = (m - n) * b // (n - 1)
                break
        less = w.do("sub", n, 1, label="the later multiple less one")
        top = w.do("mul", k, less, label="the years ahead times that")
        gap = w.do("sub", m, n, label="the difference of the two multiples")
        young = w.do("div", top, gap, label=f"{o}'s age now")
        ask_older = draw.random() < 0.5
        if ask_older:
            young = w.do("mul", m, young, label=f"{p}'s age now")
        q = (f"{p} is {m} times as old as {o}. In {k} years, {p} will be {_times(n)} as old as {o}. "
             f"How old is {p if ask_older else o} now?")
        return q, young, (m, k, n), "years", "the age in years"
    while True:
        b, k, m = draw.randint(4, 25), draw.randint(1, 12), draw.randint(2, 5)
        if k >= b:
            continue
        a = m * (b - k) + k
        js = [j for j in range(1, 41) if (a + j) % (b + j) == 0 and (a + j) // (b + j) >= 2]
        if js:
            j = draw.choice(js)
            n = (a + j) // (b + j)
            if n < m:
                break
    s1 = w.do("sub", n, 1, label="the later multiple less one")
    t1 = w.do("mul", j, s1, label="the future years times that")
    s2 = w.do("sub", m, 1, label="the earlier multiple less one")
    t2 = w.do("mul", k, s2, label="the past years times that")
    top = w.do("add", t1, t2, label="the two products added")
    gap = w.do("sub", m, n, label="the difference of the two multiples")
    young = w.do("div", top, gap, label=f"{o}'s age now")
    back = w.do("sub", young, k, label=f"{o}'s age back then")
    then = w.do("mul", m, back, label=f"{p}'s age back then")
    old = w.do("add", then, k, label=f"{p}'s age now")
    r = w.do("add", old, young, label="the sum of their ages now")
    q = (f"{k} years ago, {p} was {_times(m)} as old as {o}. In {j} years, {p} will be {_times(n)} as old as "
         f"{o}. What is the sum of their ages now?")
    return q, r, (k, m, j, n), "years", "the age in years"


# ---------------------------------------------------------------------------------------------- mixtures
def _percent() -> str:
    return "the concentration as a percentage"


def _mixtures(draw: Draw, w: Work, level: int):
    sub_ = draw.choice(SUBSTANCES)
    name = draw.choice(PEOPLE)
    if level == 1:
        v, p = draw.randint(1, 20), draw.choice((5, 10, 15, 20, 25, 30, 40, 50, 60, 75))
        m = w.do("mul", v, p, label="the volume times the percentage")
        r = w.do("div", m, 100, label=f"the litres of {sub_}")
        q = (f"{_a(v).capitalize()} {v} L bottle holds a solution that is {p}% {sub_}. "
             f"How many litres of pure {sub_} does it contain?")
        return q, r, (v, p), "L", "the volume in litres"
    if level == 2:
        a, b = draw.randint(1, 20), draw.randint(1, 20)
        p, q_ = draw.sample(range(5, 95, 5), 2)
        x = w.do("mul", a, p, label=f"the {sub_} in the first solution (litres times percent)")
        y = w.do("mul", b, q_, label=f"the {sub_} in the second solution (litres times percent)")
        tot = w.do("add", x, y, label=f"the {sub_} in the mix")
        vol = w.do("add", a, b, label="the volume of the mix")
        r = w.do("div", tot, vol, label="the concentration of the mix")
        q = (f"{name} mixes {a} L of {_a(p)} {p}% {sub_} solution with {b} L of {_a(q_)} {q_}% {sub_} "
             f"solution. What is the concentration of {sub_} in the mix?")
        return q, r, (a, p, b, q_), "%", _percent()
    if level == 3:
        if draw.random() < 0.5:
            a = draw.randint(2, 40)
            q_, p = sorted(draw.sample((5, 10, 15, 20, 25, 30, 40, 50, 60, 75, 80), 2))
            m = w.do("mul", a, p, label=f"the {sub_} (litres times percent)")
            tot = w.do("div", m, q_, label="the volume with the weaker concentration")
            r = w.do("sub", tot, a, label="the water to add")
            q = (f"How many litres of water must be added to {a} L of {_a(p)} {p}% {sub_} solution to "
                 f"dilute it to {q_}%?")
            return q, r, (a, p, q_), "L", "the volume in litres"
        vols = [draw.randint(1, 15) for _ in range(3)]
        pcts = draw.sample(range(5, 95, 5), 3)
        parts = [w.do("mul", v, c, label=f"the {sub_} in one solution (litres times percent)")
                 for v, c in zip(vols, pcts, strict=True)]
        tot = w.do("add", *parts, label=f"the {sub_} in the mix")
        vol = w.do("add", *vols, label="the volume of the mix")
        r = w.do("div", tot, vol, label="the concentration of the mix")
        q = (f"{name} mixes {vols[0]} L of {pcts[0]}% {sub_} solution, {vols[1]} L of {pcts[1]}% solution "
             f"and {vols[2]} L of {pcts[2]}% solution. What is the concentration of {sub_} in the mix?")
        return q, r, (vols[0], pcts[0], vols[1], pcts[1], vols[2], pcts[2]), "%", _percent()
    if level == 4:
        a = draw.randint(2, 50)
        p, t, q_ = sorted(draw.sample(range(5, 100, 5), 3))
        if draw.random() < 0.5:
            p, q_ = q_, p  # adding a weaker solution to a stronger one
        up = w.do("sub", t, p, label="how far the target is from the first concentration")
        top = w.do("mul", a, up, label="the first volume times that")
        down = w.do("sub", q_, t, label="how far the second concentration is from the target")
        r = w.do("div", top, down, label="the volume of the second solution to add")
        q = (f"{name} has {a} L of {_a(p)} {p}% {sub_} solution. How many litres of {_a(q_)} {q_}% {sub_} "
             f"solution must be added to get {_a(t)} {t}% solution?")
        return q, r, (a, p, q_, t), "L", "the volume in litres"
    total = draw.randint(5, 120)
    lo, t, hi = sorted(draw.sample(range(5, 100, 5), 3))
    ask_high = draw.random() < 0.5
    need = w.do("mul", total, t, label=f"the {sub_} the mix needs (litres times percent)")
    base = w.do("mul", total, lo, label=f"the {sub_} if it were all the weaker solution")
    extra = w.do("sub", need, base, label=f"the {sub_} still missing")
    step = w.do("sub", hi, lo, label="the gain per litre of stronger solution swapped in")
    r = w.do("div", extra, step, label="the litres of the stronger solution")
    if not ask_high:
        r = w.do("sub", total, r, label="the litres of the weaker solution")
    q = (f"{name} needs {total} L of {_a(t)} {t}% {sub_} solution, made by mixing {_a(lo)} {lo}% solution "
         f"with {_a(hi)} {hi}% solution. "
         f"How many litres of the {hi if ask_high else lo}% solution are needed?")
    return q, r, (total, t, lo, hi), "L", "the volume in litres"


# ------------------------------------------------------------------------------------------------- money
def _price(draw: Draw, low: int, high: int, step: int = 5) -> Fraction:
    """A price in dollars between ``low`` and ``high`` cents, in steps of ``step`` cents."""
    return Fraction(draw.randint(low // step, high // step) * step, 100)


def _money(draw: Draw, w: Work, level: int):
    name = draw.choice(PEOPLE)
    item, other = draw.sample(tuple(ITEMS), 2)
    items, others = ITEMS[item], ITEMS[other]
    if level == 1:
        n, price = draw.randint(2, 9), _price(draw, 50, 1500, 25)
        r = w.do("mul", n, price, label="the price times the number bought")
        q = f"{name} buys {n} {items} at {money(price)} each. How much does {name} pay?"
        return q, r, (n, price), "$", "the amount in dollars"
    if level == 2:
        n, m = draw.randint(2, 6), draw.randint(1, 5)
        p1, p2 = _price(draw, 50, 900), _price(draw, 50, 900)
        cost = n * p1 + m * p2
        note = next(v for v in (5, 10, 20, 50, 100) if v > cost)
        a = w.do("mul", n, p1, label=f"the cost of the {items}")
        b = w.do("mul", m, p2, label=f"the cost of the {others}")
        tot = w.do("add", a, b, label="the total cost")
        r = w.do("sub", note, tot, label="the change")
        q = (f"{name} buys {n} {items} at {money(p1)} each and {m} {others if m > 1 else other} at "
             f"{money(p2)}{' each' if m > 1 else ''}, and pays with a {money(Fraction(note))} note. "
             f"How much change does {name} get?")
        return q, r, (n, p1, m, p2, note), "$", "the amount in dollars"
    if level == 3:
        while True:
            n, price = draw.randint(2, 12), _price(draw, 100, 4000)
            d = draw.choice((5, 10, 15, 20, 25, 30, 40))
            if _cents(n * price * (100 - d) / 100):
                break
        tot = w.do("mul", n, price, label="the total cost before the discount")
        cut = w.do("mul", tot, d, label="the total times the discount percentage")
        off = w.do("div", cut, 100, label="the discount")
        r = w.do("sub", tot, off, label="the cost after the discount")
        q = (f"A shop sells {items} at {money(price)} each and gives {d}% off the whole order. "
             f"{name} buys {n}. How much does {name} pay?")
        return q, r, (price, d, n), "$", "the amount in dollars"
    if level == 4:
        while True:
            prices = [_price(draw, 300, 4500) for _ in range(draw.randint(3, 4))]
            tip, people = draw.choice((10, 12, 15, 18, 20)), draw.randint(2, 6)
            if _cents(sum(prices) * (100 + tip) / 100 / people):
                break
        food = w.do("add", *prices, label="the bill before the tip")
        m = w.do("mul", food, tip, label="the bill times the tip percentage")
        t = w.do("div", m, 100, label="the tip")
        tot = w.do("add", food, t, label="the bill with the tip")
        r = w.do("div", tot, people, label="each person's share")
        dishes = ", ".join(money(p) for p in prices[:-1]) + f" and {money(prices[-1])}"
        q = (f"{people} friends order dishes costing {dishes}. They add {_a(tip)} {tip}% tip and split the "
             f"total equally. How much does each person pay?")
        return q, r, (*prices, tip, people), "$", "the amount in dollars"
    if draw.random() < 0.5:
        while True:
            n, price = draw.randint(2, 10), _price(draw, 500, 9000)
            d1, d2 = draw.choice((10, 20, 25, 30, 40)), draw.choice((5, 10, 15, 20))
            tax = draw.choice((5, 8, 10))
            final = n * price * (100 - d1) * (100 - d2) * (100 + tax) / 100**3
            if _cents(final):
                break
        tot = w.do("mul", n, price, label="the cost before any discount")
        k1 = w.do("sub", 100, d1, label="the percentage left after the first discount")
        a1 = w.do("mul", tot, k1, label="the cost times that percentage")
        c1 = w.do("div", a1, 100, label="the cost after the first discount")
        k2 = w.do("sub", 100, d2, label="the percentage left after the second discount")
        a2 = w.do("mul", c1, k2, label="the reduced cost times that percentage")
        c2 = w.do("div", a2, 100, label="the cost after both discounts")
        kt = w.do("add", 100, tax, label="the percentage paid with the tax")
        a3 = w.do("mul", c2, kt, label="the discounted cost times that percentage")
        r = w.do("div", a3, 100, label="the final cost with tax")
        q = (f"{name} buys {n} {items} listed at {money(price)} each. A {d1}% discount applies, then a "
             f"further {d2}% off the reduced price, and finally {tax}% sales tax is added. "
             f"How much does {name} pay?")
        return q, r, (n, price, d1, d2, tax), "$", "the amount in dollars"
    while True:
        n, orig = draw.randint(2, 8), _price(draw, 400, 12000, 100)
        d = draw.choice((10, 15, 20, 25, 30, 40, 60))
        paid = n * orig * (100 - d) / 100
        if _cents(paid):
            break
    each = w.do("div", paid, n, label="the discounted price of one")
    left = w.do("sub", 100, d, label="the percentage of the original price paid")
    per = w.do("div", each, left, label="one percent of the original price")
    r = w.do("mul", per, 100, label="the original price")
    q = (f"In a sale with {d}% off every {item}, {name} pays {money(paid)} for {n} {items}. What was the "
         f"original price of one {item}?")
    return q, r, (d, paid, n), "$", "the amount in dollars"


_MAKERS = {"rates": _rates, "ages": _ages, "mixtures": _mixtures, "money": _money}


def make(config: Config, draw: Draw) -> Generated:
    kind = draw.choice(config.kinds)
    w = Work()
    question, r, params, unit, what = _MAKERS[kind](draw, w, config.level)
    assert isinstance(r, Ref)
    text = f"{question} Give {what} exactly (a fraction or an exact decimal is fine)."
    return Generated(text, Answer.of("scalar", [w.value(r)], unit=unit), w.solution(r), params, kind)
