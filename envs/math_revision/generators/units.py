"""Unit conversions with exact factors: metric, time, imperial, speeds, compound units and temperature."""

from __future__ import annotations

import dataclasses
from collections import deque
from fractions import Fraction

from ..steps import Answer, Ref, Work, fmt
from . import Draw, FamilyConfig, Generated

#: pounds to kilograms has no readable exact values the other way: conversions through it go one way only
LB_KG = Fraction("0.45359237")
#: (bigger unit, smaller unit, how many smaller units make one bigger unit)
_EDGES = (
    ("km", "m", Fraction(1000)), ("m", "cm", Fraction(100)), ("cm", "mm", Fraction(10)),
    ("kg", "g", Fraction(1000)), ("g", "mg", Fraction(1000)),
    ("L", "mL", Fraction(1000)),
    ("days", "h", Fraction(24)), ("h", "min", Fraction(60)), ("min", "s", Fraction(60)),
    ("in", "cm", Fraction("2.54")), ("ft", "in", Fraction(12)), ("yd", "ft", Fraction(3)),
    ("mi", "yd", Fraction(1760)), ("lb", "kg", LB_KG), ("lb", "oz", Fraction(16)),
)
#: units whose factors are not metric prefixes: the question states the ones a conversion uses
_IMPERIAL = {"in", "ft", "yd", "mi", "lb", "oz"}
NAMES = {
    "km": "kilometres", "m": "metres", "cm": "centimetres", "mm": "millimetres",
    "kg": "kilograms", "g": "grams", "mg": "milligrams", "L": "litres", "mL": "millilitres",
    "days": "days", "h": "hours", "min": "minutes", "s": "seconds",
    "in": "inches", "ft": "feet", "yd": "yards", "mi": "miles", "lb": "pounds", "oz": "ounces",
    "km/h": "kilometres per hour", "m/s": "metres per second", "mph": "miles per hour",
    "°C": "degrees Celsius", "°F": "degrees Fahrenheit",
}
SINGULAR = {
    "km": "kilometre", "m": "metre", "cm": "centimetre", "mm": "millimetre",
    "kg": "kilogram", "g": "gram", "mg": "milligram", "L": "litre", "mL": "millilitre",
    "days": "day", "h": "hour", "min": "minute", "s": "second",
    "in": "inch", "ft": "foot", "yd": "yard", "mi": "mile", "lb": "pound", "oz": "ounce",
    "km/h": "kilometre per hour", "m/s": "metre per second", "mph": "mile per hour",
    "°C": "degree Celsius", "°F": "degree Fahrenheit",
}
#: speed unit -> (distance unit, time unit)
_SPEEDS = {"km/h": ("km", "h"), "m/s": ("m", "s"), "mph": ("mi", "h")}
_PER = {"h": "per hour", "min": "per minute", "s": "per second"}
MILE_KM = Fraction("1.609344")

_L1 = (("km", "m"), ("m", "cm"), ("cm", "mm"), ("m", "mm"), ("km", "cm"),
       ("kg", "g"), ("g", "mg"), ("kg", "mg"), ("L", "mL"))
_L2 = (("h", "min"), ("min", "s"), ("h", "s"), ("days", "h"), ("days", "min"))
_L3 = (("in", "cm"), ("ft", "in"), ("yd", "ft"), ("ft", "cm"), ("in", "mm"), ("yd", "m"), ("mi", "yd"),
       ("lb", "oz"), ("lb", "g"), ("ft", "m"))
_COMPOUNDS = (("ft", "in", "cm"), ("ft", "in", "m"), ("yd", "ft", "m"), ("yd", "ft", "cm"), ("mi", "yd", "m"))
_L5_CHAINS = (("mi", "km"), ("mi", "m"), ("yd", "km"), ("mph", "m/s"), ("m/s", "mph"), ("km/h", "mph"))


@dataclasses.dataclass
class Config(FamilyConfig):
    """No options beyond ``level``."""


def _paths() -> dict[tuple[str, str], tuple[tuple[str, str, Fraction, bool], ...]]:
    """``(from, to)`` -> the conversions on the way: ``(from, to, factor, multiply?)``."""
    graph: dict[str, list] = {}
    for big, small, f in _EDGES:
        graph.setdefault(big, []).append((small, f, True))
        graph.setdefault(small, []).append((big, f, False))
    out = {}
    for start in graph:
        seen = {start: ()}
        queue = deque([start])
        while queue:
            u = queue.popleft()
            for v, f, up in graph[u]:
                if v not in seen:
                    seen[v] = (*seen[u], (u, v, f, up))
                    queue.append(v)
        for end, path in seen.items():
            out[start, end] = path
    return out


_PATHS = _paths()


def amount(x, unit: str) -> str:
    """``2.5 kilometres``, ``1 foot``."""
    return f"{show(Fraction(x))} {SINGULAR[unit] if x == 1 else NAMES[unit]}"


def _terminating(x: Fraction, places: int) -> bool:
    d = x.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    return d == 1 and (10**places) % x.denominator == 0


def show(x: Fraction) -> str:
    """A value as the question writes it: ``2.54``, ``-40``, ``5/18``."""
    if x.denominator == 1 or not _terminating(x, 12):
        return fmt(x)
    sign, x = ("-" if x < 0 else ""), abs(x)
    whole, rest = divmod(x.numerator, x.denominator)
    digits = ""
    while rest:
        rest *= 10
        digits += str(rest // x.denominator)
        rest %= x.denominator
    return f"{sign}{whole}.{digits}"


def _readable(x: Fraction) -> bool:
    """An answer that reads well: not too large, with a denominator below a thousand."""
    return x != 0 and abs(x) < 10**6 and x.denominator < 1000


def _nice(draw: Draw, level: int) -> Fraction:
    """A value to convert: whole, or with one or two decimal places (or a quarter)."""
    form = draw.randint(0, 3)
    top = 50 * level
    if form == 0:
        return Fraction(draw.randint(1, top))
    if form == 1:
        return Fraction(draw.randint(1, top * 10), 10)
    if form == 2:
        return Fraction(draw.randint(1, top * 100), 100)
    return Fraction(draw.randint(1, top), 4)


def _factor_of(path) -> Fraction:
    out = Fraction(1)
    for _, _, f, up in path:
        out = out * f if up else out / f
    return out


#: round multiples for factors that need one (miles to kilometres: a multiple of twenty-five miles; kilograms
#: to milligrams: a fraction of a kilogram)
_SCALES = tuple(Fraction(x) for x in ("1/1000", "1/100", "1/10", "1/4", "1/2", 1, 2, 4, 5, 8, 10, 16, 20, 25, 40,
                                      50, 100, 125, 200, 250, 500, 1000, 1250, 2500))


def _value_for(draw: Draw, level: int, factor: Fraction) -> Fraction:
    """A value whose conversion by ``factor`` is readable, as is the value itself: a round value where
    its result reads well, else one worked back from a round result, else a round multiple."""
    for attempt in range(80):
        if attempt < 8:
            v = _nice(draw, level)
        elif attempt < 24:  # a round result, possibly a large one
            v = _nice(draw, level) * draw.choice((1, 1, 10, 100, 1000)) / factor
        else:
            v = draw.randint(1, 4 * level) * draw.choice(_SCALES)
        if _source_ok(v) and _readable(v * factor):
            return v
    for scale in _SCALES:  # (not reached for the conversions used here; a safety net)
        for n in range(1, 10):
            if _source_ok(n * scale) and _readable(n * scale * factor):
                return n * scale
    raise AssertionError(f"no readable value converts by {factor}")


def _source_ok(v: Fraction) -> bool:
    """A value the question can state: an exact decimal with at most seven places."""
    return Fraction(1, 1000) <= v < 10**6 and (v.denominator == 1 or _terminating(v, 7))


def _facts(units) -> tuple[str, tuple[Fraction, ...]]:
    """The sentence stating the non-metric factors of a conversion, and those factors."""
    facts = [(big, small, f) for big, small, f in _EDGES if big in units and small in units and
             (big in _IMPERIAL or small in _IMPERIAL)]
    if not facts:
        return "", ()
    text = ", ".join(f"1 {big} = {show(f)} {small}" for big, small, f in facts)
    return f" Use the exact factors {text}.", tuple(f for _, _, f in facts)


def _convert(w: Work, value: Ref | Fraction | int, path, per: bool = False) -> Ref | Fraction | int:
    """The conversion steps along ``path``; ``per`` converts a rate's time unit (the inverse operation)."""
    for u, v, f, up in path:
        if per:
            label = f"convert from {_PER[u]} to {_PER[v]}"
            up = not up
        else:
            label = f"convert {NAMES[u]} to {NAMES[v]}"
        value = w.do("mul" if up else "div", value, f, label=label)
    return value


def _units_in(path) -> set[str]:
    return {u for step in path for u in step[:2]}


def _answer_note(unit: str) -> str:
    return f"Give the exact value in {unit} (a fraction or an exact decimal is fine)."


def _simple(draw: Draw, w: Work, level: int, pairs) -> tuple[str, Ref, tuple, str]:
    a, b = draw.choice(pairs)
    if draw.random() < 0.5 and all(step[2] != LB_KG for step in _PATHS[a, b]):
        a, b = b, a
    path = _PATHS[a, b]
    v = _value_for(draw, level, _factor_of(path))
    facts, factors = _facts(_units_in(path))
    r = _convert(w, v, path)
    question = f"Convert {amount(v, a)} ({a}) to {NAMES[b]} ({b}).{facts} {_answer_note(b)}"
    return question, r, (v, *factors), b


def _compound_time(draw: Draw, w: Work) -> tuple[str, Ref, tuple, str]:
    big, small, target = draw.choice((("h", "min", "min"), ("h", "min", "s"), ("days", "h", "h"),
                                      ("days", "h", "min"), ("min", "s", "s"), ("h", "min", "h")))
    x = draw.randint(1, 12)
    y = draw.randint(1, 23 if small == "h" else 59)
    first = _convert(w, x, _PATHS[big, small])
    total = w.do("add", first, y, label=f"add the remaining {NAMES[small]}")
    r = _convert(w, total, _PATHS[small, target])
    question = (f"Express {amount(x, big)} and {amount(y, small)} in {NAMES[target]} ({target}). "
                f"{_answer_note(target)}")
    return question, r, (x, y), target


def _speed(draw: Draw, w: Work, src: str, dst: str, level: int) -> tuple[str, Ref, tuple, str]:
    (d1, t1), (d2, t2) = _SPEEDS[src], _SPEEDS[dst]
    dpath, tpath = _PATHS[d1, d2], _PATHS[t1, t2]
    shortcut = level == 4 and {src, dst} == {"mph", "km/h"}
    factor = (MILE_KM if src == "mph" else 1 / MILE_KM) if shortcut else _factor_of(dpath) / _factor_of(tpath)
    v = _value_for(draw, level, factor)
    if shortcut:
        label = "convert miles to kilometres" if src == "mph" else "convert kilometres to miles"
        r = w.do("mul" if src == "mph" else "div", v, MILE_KM, label=label)
        facts, factors = " Use the exact factor 1 mi = 1.609344 km.", (MILE_KM,)
    else:
        r = _convert(w, _convert(w, v, dpath), tpath, per=True)
        facts, factors = _facts(_units_in(dpath))
    question = f"Convert {amount(v, src)} ({src}) to {NAMES[dst]} ({dst}).{facts} {_answer_note(dst)}"
    return question, r, (v, *factors), dst


def _temperature(draw: Draw, w: Work) -> tuple[str, Ref, tuple, str]:
    if draw.random() < 0.5:
        c = Fraction(draw.randint(-40, 120)) if draw.random() < 0.7 else Fraction(draw.randint(-80, 240), 2)
        m = w.do("mul", c, 9, label="multiply the Celsius temperature by nine")
        d = w.do("div", m, 5, label="divide by five")
        r = w.do("add", d, 32, label="add thirty-two")
        src, dst, v = "°C", "°F", c
    else:
        f = Fraction(draw.randint(-40, 250))
        s = w.do("sub", f, 32, label="subtract thirty-two from the Fahrenheit temperature")
        m = w.do("mul", s, 5, label="multiply by five")
        r = w.do("div", m, 9, label="divide by nine")
        src, dst, v = "°F", "°C", f
    question = (f"Convert {amount(v, src)} ({src}) to {NAMES[dst]} ({dst}), using °F = °C × 9/5 + 32. "
                f"{_answer_note(dst)}")
    return question, r, (v, 9, 5, 32), dst


def _compound(draw: Draw, w: Work) -> tuple[str, Ref, tuple, str]:
    big, small, target = draw.choice(_COMPOUNDS)
    path = _PATHS[small, target]
    factor = _factor_of(path)
    per = int(_factor_of(_PATHS[big, small]))
    while True:
        x = draw.randint(1, 9)
        if small == "yd":
            y = draw.randint(1, 9) * 100 + draw.choice((0, 25, 50, 75))
        else:
            y = draw.randint(1, per - 1)
        if _readable((x * per + y) * factor):
            break
    first = _convert(w, x, _PATHS[big, small])
    total = w.do("add", first, y, label=f"add the remaining {NAMES[small]}")
    r = _convert(w, total, path)
    facts, factors = _facts(_units_in(path) | {big, small})
    question = (f"Express {amount(x, big)} {amount(y, small)} in {NAMES[target]} ({target}).{facts} "
                f"{_answer_note(target)}")
    return question, r, (x, y, *factors), target


def make(config: Config, draw: Draw) -> Generated:
    level = config.level
    w = Work()
    if level == 1:
        question, r, params, unit = _simple(draw, w, level, _L1)
    elif level == 2:
        if draw.random() < 0.5:
            question, r, params, unit = _simple(draw, w, level, _L2)
        else:
            question, r, params, unit = _compound_time(draw, w)
    elif level == 3:
        question, r, params, unit = _simple(draw, w, level, _L3)
    elif level == 4:
        src, dst = draw.choice((("km/h", "m/s"), ("m/s", "km/h"), ("mph", "km/h"), ("km/h", "mph")))
        question, r, params, unit = _speed(draw, w, src, dst, level)
    else:
        kind = draw.randint(0, 2)
        if kind == 0:
            question, r, params, unit = _temperature(draw, w)
        elif kind == 1:
            question, r, params, unit = _compound(draw, w)
        else:
            a, b = draw.choice(_L5_CHAINS)
            if a in _SPEEDS:
                question, r, params, unit = _speed(draw, w, a, b, level)
            else:
                question, r, params, unit = _simple(draw, w, level, ((a, b),))
    assert isinstance(r, Ref)
    return Generated(question, Answer.of("scalar", [w.value(r)], unit=unit), w.solution(r), params)
