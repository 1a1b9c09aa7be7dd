"""Reading a free-text answer exactly and checking it against an :class:`~.steps.Answer`.

No sympy, no ``eval``: a hand-written tokenizer and parser with bounded, linear work, so any text —
hostile or huge — is answered quickly. :func:`verify` never raises; it returns a :class:`Verdict`.

What is read
------------
* **Where the answer is** (:func:`extract`): the contents of ``\\boxed{...}`` / ``\\fbox{...}`` (every
  box counts: several boxes with different values are several values given); else the text after
  the last ``answer is`` / ``answer:`` / ``final answer`` up to the end of that line (or the next
  line when that one is empty); else the whole text. ``$``, ``\\( \\)``, ``\\[ \\]``, ``\\left``,
  ``\\right``, ``\\,`` ``\\!`` ``\\;``, markdown ``**`` and a trailing period are dropped. More than
  :data:`MAX_CHARS` characters after extraction is unreadable.
* **Numbers**: ``3``, ``-3``, ``+0.75``, ``.75``, ``7.5e-1``, ``3/4``, ``(-3)/4``, ``3/(-4)``,
  ``\\frac{3}{4}`` (also ``\\dfrac``, ``\\tfrac``, ``\\cfrac``, ``\\frac34``, ``\\frac{-3}{4}``),
  ``½``-style characters, the unicode minus ``−``; ``75%`` is 0.75 (unless the question asks for a
  percentage, where ``75%`` and ``75`` are both 75). Scalar answers also take mixed numbers
  (``1 1/2``, ``1\\frac{1}{2}``) and thousands separators (``1,000``, ``1,000,000.5``, ``1\\,000``).
  A number with more than :data:`MAX_DIGITS` digits or an exponent beyond ±:data:`MAX_EXPONENT` is
  unreadable ("too large"), as are ``nan``, ``inf``, division by zero and expressions (``2+3``).
* **Names**: ``x = 0.75``; ``x = 2, y = 3`` in any order; ``(x, y) = (2, 3)``; ``x, y = 2, 3``;
  ``x ∈ {2, -3}``; ``x_1 = 2, x_2 = -3``; ``x = ±3``. Separators: ``,`` ``;`` ``and`` ``or``
  newlines, ``\\\\``; ``(…)``, ``[…]`` and ``{…}``/``\\{…\\}`` group values.
* **Units** (:data:`UNIT_ALIASES`): the asked unit or an alias may follow a value (``12 km``,
  ``12 kilometres``, ``12\\text{ km}``), ``$`` may precede one; a unit is never required. Another known
  unit makes the answer readable but wrong; so does any unit when the question asks for a plain
  number. An unknown word is unreadable.

Decisions (documented so that a reading never surprises)
---------------------------------------------------------
* The same value written twice (``3/4 or 0.75``, ``\\boxed{3/4} \\boxed{0.75}``) is one value; different
  values for a scalar are "several values given" (wrong), however they are separated.
* ``2 and 3/4``, ``2, 5`` and ``2,5`` are lists (two values), never 2.75 or 2.5; a mixed number is a
  whole number and a proper fraction side by side (``2 3/4``), scalars only.
* ``2 -3`` (a value followed by a sign) is an expression, not a list; ``a ± b`` is the two values.
* Commas inside tuple and set answers always separate values (no thousands separators there).
* A scalar may be named only by the question's variable (``y = 3/4`` for x is wrong); with no
  variable any single-letter name is accepted. Names are case-sensitive; ``x1``, ``x_1`` and
  ``x_{1}`` are the same name.
* Tuple answers are read by name when the reply names its parts and the answer has names, else by
  position. Unnamed values in a named reply fill the parts not yet named, in order.
* Set answers compare as sets: repeating a value is allowed (``2, 2`` for a double root), any other
  value is an extra (wrong). Names must be the variable or an indexed form of it (``x_1``).
* A ``{…}`` list given for a tuple answer is read by position like ``(…)``.
* ``°``/``degrees`` alone matches a question asking for ``°C`` or ``°F``. Units are never converted:
  ``750 m`` for a question in km is the wrong unit.
* Reasons of readable wrong answers say what is wrong with the form (several values, unit, names,
  missing parts of a pair) but never which set value is wrong or how many values a set has.
* Without a box or an answer marker the whole text is the answer, so prose around it is unreadable
  (``So x = 3/4`` -> "could not read 'So'"); a marker line is read up to its end.
* Every ``\\boxed{}`` counts: ``\\boxed{x=2} \\boxed{y=3}`` is a pair, ``\\boxed{2} \\boxed{-3}`` a set.
* A sign applies to a number only: ``(-3)/4``, ``3/(-4)`` and ``\\frac{-3}{4}`` are numbers;
  ``-(3/4)``, ``-(-3/4)``, ``(3/4)/2`` and chains like ``x = 6/8 = 3/4`` are unreadable.
* When the question asks for ``%``, ``0.75`` is 0.75 % (wrong for 75 %), not converted.
* Bare ``$`` signs: an even number of them are math delimiters (dropped); with an odd number, a
  ``$`` next to a number is the currency sign. ``\\$`` is always the currency sign.
* A tuple answer without names reads a named reply by position, in the reply's order.
"""

from __future__ import annotations

import dataclasses
import re
from fractions import Fraction
from functools import lru_cache

from .steps import Answer, fmt

__all__ = ["AnswerError", "Verdict", "extract", "parse_number", "verify", "MAX_CHARS", "UNIT_ALIASES"]

#: longest answer read after extraction (characters)
MAX_CHARS = 10_000
#: most digits in one written number
MAX_DIGITS = 2_000
#: largest written exponent (``1e1000``)
MAX_EXPONENT = 1_000
#: most bits of a value's numerator or denominator (keeps every later step cheap)
MAX_BITS = 11_000
#: deepest nesting of brackets
MAX_DEPTH = 4
#: most ``\boxed`` occurrences looked at
MAX_BOXES = 1_000


class AnswerError(ValueError):
    """Text that could not be read as an answer; the message says what could not be read."""


@dataclasses.dataclass(frozen=True)
class Verdict:
    """What :func:`verify` made of an answer.

    ``given``/``parts``/``direction`` are per expected part: for a scalar one entry; for a tuple one
    per part (by name or position; None where missing); for a set ``given`` is the distinct values
    given (sorted), ``parts`` says per expected value whether it was given and ``direction`` compares
    sorted given and expected values when their counts match. ``direction`` is ``()`` where it does
    not apply (unreadable, a count mismatch, a wrong unit or name). ``extra`` counts values given
    beyond or outside the expected ones.
    """

    readable: bool
    reason: str
    correct: bool
    values: tuple[Fraction, ...] = ()
    given: tuple[Fraction | None, ...] = ()
    parts: tuple[bool, ...] = ()
    extra: int = 0
    direction: tuple[int, ...] = ()
    canonical: str = ""


# ------------------------------------------------------------------------------------------ units
#: canonical unit -> other spellings (matched case-insensitively, spaces optional)
UNIT_ALIASES: dict[str, tuple[str, ...]] = {
    "%": ("percent", "per cent", "pct"),
    "$": ("dollars", "dollar", "usd", "us dollars"),
    "£": ("gbp",),
    "€": ("euros", "euro", "eur"),
    "km": ("kms", "kilometre", "kilometres", "kilometer", "kilometers"),
    "m": ("metre", "metres", "meter", "meters"),
    "cm": ("centimetre", "centimetres", "centimeter", "centimeters"),
    "mm": ("millimetre", "millimetres", "millimeter", "millimeters"),
    "mi": ("mile", "miles"),
    "yd": ("yds", "yard", "yards"),
    "ft": ("foot", "feet"),
    "in": ("inch", "inches", '"', "″"),
    "kg": ("kgs", "kilogram", "kilograms", "kilogramme", "kilogrammes", "kilo", "kilos"),
    "g": ("gram", "grams", "gramme", "grammes"),
    "mg": ("milligram", "milligrams"),
    "lb": ("lbs", "pound", "pounds"),
    "oz": ("ounce", "ounces"),
    "L": ("litre", "litres", "liter", "liters"),
    "mL": ("millilitre", "millilitres", "milliliter", "milliliters"),
    "h": ("hr", "hrs", "hour", "hours"),
    "min": ("mins", "minute", "minutes"),
    "s": ("sec", "secs", "second", "seconds"),
    "days": ("day",),
    "weeks": ("week", "wk", "wks"),
    "months": ("month",),
    "years": ("year", "yr", "yrs", "years old", "year old", "yrs old"),
    "km/h": ("km/hr", "km/hour", "kph", "kmh", "kmph", "km per hour", "km per h", "kilometres per hour",
             "kilometers per hour", "kilometre per hour", "kilometer per hour", "kilometres/hour",
             "kilometers/hour"),
    "m/s": ("m/sec", "m per s", "m per second", "metres per second", "meters per second", "metre per second",
            "meter per second"),
    "mph": ("mi/h", "mi/hr", "miles per hour", "mile per hour", "miles/hour", "miles/h"),
    "°C": ("° c", "c", "degc", "deg c", "degree c", "degrees c", "degree celsius", "degrees celsius", "celsius",
           "centigrade", "degrees centigrade", "°celsius"),
    "°F": ("° f", "f", "degf", "deg f", "degree f", "degrees f", "degree fahrenheit", "degrees fahrenheit",
           "fahrenheit", "°fahrenheit"),
    # a degree sign alone: accepted where the question asks for °C or °F
    "°": ("degree", "degrees", "deg"),
}
#: units that may be written before the value (``$12``)
_PREFIX_UNITS = frozenset({"$", "£", "€"})


def _ukey(text: str) -> str:
    return "".join(text.lower().split())


_ALIAS_TO_UNIT: dict[str, str] = {}
for _canon, _aliases in UNIT_ALIASES.items():
    for _a in (_canon, *_aliases):
        _k = _ukey(_a)
        if _ALIAS_TO_UNIT.setdefault(_k, _canon) != _canon:  # pragma: no cover - a table bug
            raise AssertionError(f"unit alias {_a!r} is ambiguous")


def _alias_pattern(alias: str) -> str:
    out = []
    for ch in alias:
        if ch == " ":
            out.append(r"[ \t]*")
        elif ch == "/":
            out.append(r"[ \t]*/[ \t]*")
        else:
            out.append(re.escape(ch))
    if alias[-1].isalpha():
        out.append(r"(?![A-Za-z0-9_])")
    return "".join(out)


def _unit_regexes() -> dict[str, re.Pattern]:
    by_char: dict[str, list[str]] = {}
    for canon, aliases in UNIT_ALIASES.items():
        for a in (canon, *aliases):
            by_char.setdefault(a[0].lower(), []).append(a)
    out = {}
    for ch, aliases in by_char.items():
        aliases.sort(key=len, reverse=True)
        pattern = re.compile("|".join(_alias_pattern(a) for a in aliases), re.IGNORECASE)
        out[ch] = pattern
        if ch.upper() != ch:
            out[ch.upper()] = pattern
    return out


_UNIT_RES = _unit_regexes()


def _canon_unit(unit: str) -> str:
    """The table's name for ``unit`` (``kilometres`` -> ``km``), or ``unit`` itself when unknown."""
    return _ALIAS_TO_UNIT.get(_ukey(unit), unit) if unit else ""


@lru_cache(maxsize=256)
def _custom_unit_regex(unit: str) -> re.Pattern | None:
    """A matcher for an asked unit the table does not know (``people``), plural ``s`` optional."""
    if not unit or _ukey(unit) in _ALIAS_TO_UNIT:
        return None
    body = "".join(r"[ \t]*" if ch == " " else re.escape(ch) for ch in unit.strip())
    tail = r"(?:e?s)?(?![A-Za-z0-9_])" if unit.strip()[-1].isalpha() else ""
    return re.compile(body + tail, re.IGNORECASE)


def _unit_ok(read: str, asked: str) -> bool:
    return read == asked or (read == "°" and asked in ("°C", "°F"))


def _unit_suffix(unit: str) -> str:
    if not unit or unit == "%":
        return unit
    return f" {unit}"


# ------------------------------------------------------------------------------------- extraction
_BOX_RE = re.compile(r"\\(?:boxed|fbox)[ \t]*\{")
_BRACE_RE = re.compile(r"\\[{}]|[{}]")
_MARKER_RE = re.compile(r"final\s+answer(?:\s*(?:is\b|:|=))*|answer\s*(?:is\b|:|=)(?:\s*(?:is\b|:|=))*",
                        re.IGNORECASE)
_NEXT_LINE_RE = re.compile(r"[ \t*_:`#]*\n\s*([^\n]*)")

_TRANS = str.maketrans({
    "\u2212": "-", "\ufe63": "-", "\uff0d": "-", "\u2010": "-", "\u2011": "-", "\u2013": "-",
    "\u2044": "/", "\u2215": "/",
    "\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u2009": " ", "\u200a": " ", "\u202f": " ",
    "\u200b": "", "\ufeff": "",
    "\u2103": "°C", "\u2109": "°F", "\u00ba": "°",
})
_LEFTRIGHT_RE = re.compile(r"\\(?:left|right|[bB]igg?[lr]?)(?![A-Za-z])[ \t]*\.?")
_TEXT_RE = re.compile(r"\\(?:text|textrm|textnormal|textup|mathrm|mathit|mathbf|mathsf|mathtt|textbf|textit|"
                      r"emph|mbox|hbox|operatorname)[ \t]*\{([^{}]*)\}")
_DEGREE_RE = re.compile(r"\^[ \t]*\{[ \t]*\\circ[ \t]*\}|\^[ \t]*\\circ|\\circ|\\degree|\^[ \t]*\{[ \t]*o[ \t]*\}")
_THIN_THOUSANDS_RE = re.compile(r"(?<=[0-9])\\,(?=[0-9]{3}(?![0-9]))")
_LATEX_SPACE_RE = re.compile(r"\\(?:[,;:! ()\[\]]|qquad|quad|displaystyle|textstyle|enspace|thinspace)")
_DOLLAR_RE = re.compile(r"\$(?=[ \t]?[-+]?\.?[0-9])|(?<=[0-9])\$|(?<=[0-9] )\$|(\$)")
_ESCAPED_DOLLAR = "\ue000"


def _keep_currency(m: re.Match) -> str:
    return " " if m.group(1) else "$"


def _clean(s: str) -> str:
    """Drop math delimiters, spacing commands and markup; normalize unicode minus signs and slashes."""
    s = s.translate(_TRANS)
    if "\\" in s:
        s = s.replace("\\\\", "\n")
        s = _LEFTRIGHT_RE.sub("", s)
        if "{" in s:
            s = _TEXT_RE.sub(r" \1 ", s)
        s = _DEGREE_RE.sub("°", s)
        s = _THIN_THOUSANDS_RE.sub(",", s)
        s = _LATEX_SPACE_RE.sub(" ", s)
        s = s.replace("\\$", _ESCAPED_DOLLAR)
    if "{,}" in s:
        s = s.replace("{,}", ",")
    if "$" in s:
        s = s.replace("$$", " ")
        if s.count("$") % 2 == 0:
            s = s.replace("$", " ")
        else:  # an odd count: keep the signs that stand next to a number (currency), drop the rest
            s = _DOLLAR_RE.sub(_keep_currency, s)
    if _ESCAPED_DOLLAR in s:
        s = s.replace(_ESCAPED_DOLLAR, "$")
    if "*" in s:
        s = s.replace("**", " ")
    if "`" in s:
        s = s.replace("`", " ")
    s = s.strip()
    if s.endswith("."):
        s = s[:-1].rstrip()
    if len(s) > 1 and s[0] == s[-1] and s[0] in "\"'":
        s = s[1:-1].strip()
    return s


def _boxed(text: str) -> list[str] | None:
    """Contents of every outermost ``\\boxed{...}``/``\\fbox{...}``; None when there is none."""
    if "\\boxed" not in text and "\\fbox" not in text:
        return None
    out: list[str] = []
    pos = 0
    search, braces = _BOX_RE.search, _BRACE_RE.finditer
    while True:
        m = search(text, pos)
        if m is None:
            break
        start, depth, end = m.end(), 1, -1
        for b in braces(text, start, min(len(text), start + MAX_CHARS + 1)):
            tok = b.group()
            if tok == "{":
                depth += 1
            elif tok == "}":
                depth -= 1
                if depth == 0:
                    end = b.start()
                    break
        if end < 0:
            raise AnswerError("unbalanced braces: a \\boxed{ is not closed (or holds too much text)")
        out.append(text[start:end])
        if len(out) > MAX_BOXES:
            raise AnswerError("too many \\boxed answers")
        pos = end + 1
    return out or None


def _after_marker(text: str) -> str | None:
    """The rest of the line after the last "answer is"/"answer:"/"final answer" (None when absent)."""
    if "answer" not in text.lower():
        return None
    last = None
    for last in _MARKER_RE.finditer(text):  # noqa: B007 - we want the last match
        pass
    if last is None:
        return None
    rest = text[last.end():]
    line = rest.split("\n", 1)[0] if "\n" in rest[:MAX_CHARS + 1] else rest
    if not line.strip(" \t*_:`#"):
        m = _NEXT_LINE_RE.match(rest)
        return m.group(1) if m else ""
    return line


def _segments(text: str) -> list[str]:
    boxes = _boxed(text)
    if boxes is not None and any(b.strip() for b in boxes):
        segs = boxes
    else:
        seg = _after_marker(text)
        segs = [text if seg is None else seg]
    if sum(len(s) for s in segs) > MAX_CHARS:
        raise AnswerError(f"answer too long (more than {MAX_CHARS} characters); give just the answer")
    out: list[str] = []
    for s in segs:
        c = _clean(s)
        if c and c not in out:
            out.append(c)
    return out


def extract(text: str) -> str:
    """The final-answer part of a free-text reply (see the module docstring), cleaned of ``$``,
    ``\\( \\)``, spacing commands and a trailing period. Several different boxed answers are joined
    with ``"; "``. :class:`AnswerError` when a ``\\boxed{`` is not closed or the part is too long."""
    if not isinstance(text, str):
        raise AnswerError(f"an answer is text, not {type(text).__name__}")
    return "; ".join(_segments(text))


# -------------------------------------------------------------------------------------- tokenizer
# token: (kind, value, raw text, flag); kinds: num name unit word bad sep , = in pm + - / op ( ) [ ] { }
_INT, _DEC, _FRAC = 0, 1, 2
_NUM_RE = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_NUM_THOUSANDS_RE = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?![0-9])(?:\.[0-9]+)?")
_NAME_RE = re.compile(r"[A-Za-z](?:_(?:\{[ \t]*[0-9A-Za-z]+[ \t]*\}|[0-9]+|[A-Za-z])|[0-9]+)?(?![A-Za-z0-9_])")
_WORD_RE = re.compile(r"[A-Za-z]+")
_CMD_RE = re.compile(r"\\([A-Za-z]+|.)", re.DOTALL)
_ARG_RE = re.compile(r"[ \t]*([+-]?)[ \t]*((?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)[ \t]*")
_DIGITS = frozenset("0123456789")
_SPACE = frozenset(" \t\r\f\v&~")
_PUNCT = {
    "(": "(", ")": ")", "[": "[", "]": "]", "{": "{", "}": "}", ",": ",", ";": "sep", "\n": "sep",
    "=": "=", "/": "/", "+": "+", "-": "-", "±": "pm", "∓": "pm", "∈": "in",
    "*": "op", "^": "op", "×": "op", "÷": "op", "·": "op", "⋅": "op", "√": "op", "<": "op", ">": "op",
    "≤": "op", "≥": "op", "≠": "op", "≈": "op", "!": "op", "|": "op", "∪": "op", "∩": "op", "'": "op",
    "∞": "bad",
}
_CMDS = {
    "pm": "pm", "mp": "pm", "in": "in", "infty": "bad", "{": "{", "}": "}", "%": "unit", "$": "unit",
    "lor": "sep", "vee": "sep", "land": "sep", "wedge": "sep", "text": "skip", "boxed": "skip", "fbox": "skip",
    ",": "skip", ";": "skip", ":": "skip", "!": "skip", " ": "skip", "quad": "skip", "qquad": "skip",
    "displaystyle": "skip", "textstyle": "skip", "left": "skip", "right": "skip",
    "times": "op", "cdot": "op", "div": "op", "sqrt": "op", "ast": "op", "le": "op", "leq": "op", "ge": "op",
    "geq": "op", "lt": "op", "gt": "op", "approx": "op", "neq": "op", "ne": "op", "cup": "op", "cap": "op",
    "setminus": "op", "over": "op", "cdots": "op", "ldots": "op", "dots": "op", "pi": "op", "sim": "op",
}
_SEP_WORDS = frozenset({"and", "or"})
_BAD_WORDS = frozenset({"nan", "inf", "infinity", "infinite", "undefined", "none", "dne", "null"})
_VULGAR = {
    "½": Fraction(1, 2), "⅓": Fraction(1, 3), "⅔": Fraction(2, 3), "¼": Fraction(1, 4), "¾": Fraction(3, 4),
    "⅕": Fraction(1, 5), "⅖": Fraction(2, 5), "⅗": Fraction(3, 5), "⅘": Fraction(4, 5), "⅙": Fraction(1, 6),
    "⅚": Fraction(5, 6), "⅐": Fraction(1, 7), "⅛": Fraction(1, 8), "⅜": Fraction(3, 8), "⅝": Fraction(5, 8),
    "⅞": Fraction(7, 8), "⅑": Fraction(1, 9), "⅒": Fraction(1, 10),
}
_TOO_LARGE = "number too large (too many digits or too large an exponent)"


def _short(text: str, n: int = 30) -> str:
    return repr(text if len(text) <= n else text[:n] + "…")


def _checked(v: Fraction) -> Fraction:
    if v.numerator.bit_length() > MAX_BITS or v.denominator.bit_length() > MAX_BITS:
        raise AnswerError(_TOO_LARGE)
    return v


def _decimal(raw: str) -> Fraction:
    """An exact value of a written decimal (``1,000.5``, ``7.5e-1``) within the size limits."""
    mant, _, exp = raw.replace(",", "").lower().partition("e")
    ip, _, fp = mant.partition(".")
    if len(ip) + len(fp) > MAX_DIGITS:
        raise AnswerError(_TOO_LARGE)
    e = 0
    if exp:
        body = exp.lstrip("+-").lstrip("0")
        if len(body) > 6:
            raise AnswerError(_TOO_LARGE)
        e = int(body or "0") * (-1 if exp.startswith("-") else 1)
        if abs(e) > MAX_EXPONENT:
            raise AnswerError(_TOO_LARGE)
    n = int(ip + fp or "0")
    e -= len(fp)
    return Fraction(n * 10**e) if e >= 0 else Fraction(n, 10**-e)


def _frac_arg(s: str, j: int) -> tuple[Fraction, int]:
    n = len(s)
    while j < n and s[j] in " \t\n":
        j += 1
    if j >= n:
        raise AnswerError("\\frac needs two numbers")
    c = s[j]
    if c == "{":
        k = s.find("}", j + 1)
        if k < 0:
            raise AnswerError("unbalanced braces in \\frac")
        body = s[j + 1:k]
        m = _ARG_RE.fullmatch(body)
        if m is None:
            if "{" in body or "\\" in body or any(op in body for op in "+-*^/"):
                raise AnswerError("give a number, not an expression")
            raise AnswerError(f"could not read {_short(body)} in \\frac")
        v = _decimal(m.group(2))
        return (-v if m.group(1) == "-" else v), k + 1
    if c in _DIGITS:
        return Fraction(int(c)), j + 1
    raise AnswerError("\\frac needs two numbers")


def _command(s: str, i: int, out: list) -> int:
    m = _CMD_RE.match(s, i)
    if m is None:
        raise AnswerError("could not read '\\'")
    name, j = m.group(1), m.end()
    if name in ("frac", "dfrac", "tfrac", "cfrac"):
        num, j = _frac_arg(s, j)
        den, j = _frac_arg(s, j)
        if den == 0:
            raise AnswerError("division by zero")
        out.append(("num", _checked(num / den), s[i:j], _FRAC))
        return j
    kind = _CMDS.get(name)
    if kind is None:
        raise AnswerError(f"could not read {_short(chr(92) + name)}")
    if kind == "unit":
        out.append(("unit", name, name, 0))
    elif kind != "skip":
        out.append((kind, None, "\\" + name, 0))
    return j


def _tokenize(s: str, scalar: bool, unit_re: re.Pattern | None = None, unit_canon: str = "") -> list[tuple]:
    out: list[tuple] = []
    append = out.append
    i, n = 0, len(s)
    num_res = (_NUM_THOUSANDS_RE, _NUM_RE) if scalar else (_NUM_RE,)
    unit_first = unit_canon.strip()[:1].lower() if unit_re is not None else ""
    while i < n:
        c = s[i]
        if c in _SPACE:
            i += 1
            continue
        if c in _DIGITS or (c == "." and i + 1 < n and s[i + 1] in _DIGITS):
            for r in num_res:
                m = r.match(s, i)
                if m is not None:
                    break
            raw = m.group()
            flag = _INT if raw.replace(",", "").isdigit() else _DEC
            append(("num", _decimal(raw), raw, flag))
            i = m.end()
            continue
        if unit_re is not None and c.lower() == unit_first:
            m = unit_re.match(s, i)
            if m is not None:
                append(("unit", unit_canon, m.group(), 0))
                i = m.end()
                continue
        kind = _PUNCT.get(c)
        if kind is not None:
            append((kind, None, c, 0))
            i += 1
            continue
        if c == "\\":
            i = _command(s, i, out)
            continue
        v = _VULGAR.get(c)
        if v is not None:
            append(("num", v, c, _FRAC))
            i += 1
            continue
        r = _UNIT_RES.get(c)
        if r is not None:
            m = r.match(s, i)
            if m is not None:
                raw = m.group()
                append(("unit", _ALIAS_TO_UNIT[_ukey(raw)], raw, 0))
                i = m.end()
                continue
        m = _NAME_RE.match(s, i)
        if m is not None:
            raw = m.group()
            append(("name", _norm_name(raw), raw, 0))
            i = m.end()
            continue
        m = _WORD_RE.match(s, i)
        if m is not None:
            word = m.group()
            low = word.lower()
            if low in _SEP_WORDS:
                append(("sep", None, word, 0))
            elif low in _BAD_WORDS:
                append(("bad", None, word, 0))
            elif len(word) == 1:
                append(("name", word, word, 0))
            else:
                raise AnswerError(f"could not read {_short(word)}")
            i = m.end()
            continue
        raise AnswerError(f"could not read {_short(c)}")
    return out


def _norm_name(raw: str) -> str:
    """``x_{1}``, ``x_1`` and ``x1`` -> ``x_1``."""
    if len(raw) == 1:
        return raw
    base, rest = raw[0], raw[1:]
    return base + "_" + rest.lstrip("_").strip("{} \t")


def _name_base(name: str) -> str:
    return name.split("_", 1)[0]


# ----------------------------------------------------------------------------------------- parser
_EOF = ("eof", None, "", 0)
_OPENERS = {"(": ")", "[": "]", "{": "}"}
_CLOSERS = frozenset(")]}")
_SEPS = frozenset({",", "sep"})
_EXPRESSION = "give a number, not an expression"

Entry = tuple  # (name or None, value, unit or None)


class _Parser:
    __slots__ = ("t", "i", "scalar")

    def __init__(self, tokens: list[tuple], scalar: bool):
        self.t = tokens
        self.i = 0
        self.scalar = scalar

    def peek(self, k: int = 0) -> tuple:
        j = self.i + k
        return self.t[j] if j < len(self.t) else _EOF

    def kind(self, k: int = 0) -> str:
        j = self.i + k
        return self.t[j][0] if j < len(self.t) else "eof"

    # a list of items, up to ``closer`` (or the end)
    def items(self, closer: str | None, depth: int) -> list[Entry]:
        out: list[Entry] = []
        while True:
            kind = self.kind()
            if kind in _SEPS:
                self.i += 1
                continue
            if kind == "eof":
                if closer:
                    raise AnswerError(f"unbalanced brackets: a {closer!r} is missing")
                return out
            if kind in _CLOSERS:
                if kind != closer:
                    raise AnswerError(f"unbalanced brackets: unexpected {kind!r}")
                self.i += 1
                return out
            out.extend(self.item(depth))

    def _is_name(self, k: int) -> bool:
        tok = self.peek(k)
        return tok[0] == "name" or (tok[0] == "unit" and len(tok[2]) == 1 and tok[2].isalpha())

    def _is_assign(self, k: int) -> bool:
        tok = self.peek(k)
        return tok[0] in ("=", "in") or (tok[0] == "unit" and tok[2].lower() == "in")

    def _name(self, k: int) -> str:
        tok = self.peek(k)
        return tok[1] if tok[0] == "name" else tok[2]

    def names(self) -> list[str] | None:
        """Consume ``x =``, ``x ∈``, ``(x, y) =`` or ``x, y =`` and return the names; else None."""
        if self._is_name(0):
            if self._is_assign(1):
                name = self._name(0)
                self.i += 2
                return [name]
            k, names = 1, [self._name(0)]
            while self.kind(k) == "," and self._is_name(k + 1):
                names.append(self._name(k + 1))
                k += 2
            if len(names) > 1 and self.kind(k) == "=":
                self.i += k + 1
                return names
            return None
        closer = _OPENERS.get(self.kind())
        if closer and self._is_name(1):
            k, names = 1, []
            while self._is_name(k):
                names.append(self._name(k))
                k += 1
                if self.kind(k) != ",":
                    break
                k += 1
            if self.kind(k) == closer and self._is_assign(k + 1):
                self.i += k + 2
                return names
        return None

    def item(self, depth: int) -> list[Entry]:
        names = self.names()
        if names is None or len(names) == 1:
            entries = self.value_or_group(depth)
            if names:
                entries = [(e[0] or names[0], e[1], e[2]) for e in entries]
        else:
            if self.kind() in _OPENERS:
                entries = self.value_or_group(depth)
            else:
                entries = []
                for k in range(len(names)):
                    if k:
                        if self.kind() not in _SEPS:
                            break
                        self.i += 1
                    entries.extend(self.value())
            named, it = [], iter(names)
            for e in entries:
                nm = e[0] or next(it, None)
                named.append((nm, e[1], e[2]))
            entries = named
        if self.kind() == "=":
            raise AnswerError("give one value, not an equation or a chain of values")
        return entries

    def _atom_follows(self) -> bool:
        """``(-3)/4``: an opener, one signed number, its closer and a slash."""
        closer = _OPENERS.get(self.kind())
        k = 1
        if self.kind(k) in ("+", "-"):
            k += 1
        return self.kind(k) == "num" and self.kind(k + 1) == closer and self.kind(k + 2) == "/"

    def value_or_group(self, depth: int) -> list[Entry]:
        kind = self.kind()
        if kind in _OPENERS and not self._atom_follows():
            if depth >= MAX_DEPTH:
                raise AnswerError("too deeply nested brackets")
            self.i += 1
            return self.items(_OPENERS[kind], depth + 1)
        return self.value()

    def value(self) -> list[Entry]:
        """``[$][sign]number[± number][unit]``; a list of one entry (two with ±)."""
        prefix = None
        tok = self.peek()
        if tok[0] == "unit" and tok[1] in _PREFIX_UNITS:
            prefix = tok[1]
            self.i += 1
        sign, pm = 1, False
        kind = self.kind()
        if kind in ("+", "-"):
            sign = -1 if kind == "-" else 1
            self.i += 1
        elif kind == "pm":
            pm = True
            self.i += 1
        tok = self.peek()
        if prefix is None and tok[0] == "unit" and tok[1] in _PREFIX_UNITS:
            prefix = tok[1]
            self.i += 1
        if (sign < 0 or pm) and self.kind() in _OPENERS:  # -(-3/4), -(3)/4: a sign on a bracket
            raise AnswerError(_EXPRESSION)
        v = self.number()
        if pm:
            vals = [-v, v]
        else:
            v = v if sign > 0 else -v
            vals = [v]
            if self.kind() == "pm":
                self.i += 1
                b = self.number()
                vals = [_checked(v - b), _checked(v + b)]
        unit = prefix
        tok = self.peek()
        if tok[0] == "unit" and not (self._is_name(0) and self._is_assign(1)):
            if prefix is not None and tok[1] != prefix:
                raise AnswerError(f"two units given: {prefix} and {tok[1]}")
            unit = tok[1]
            self.i += 1
        kind = self.kind()
        if kind in ("+", "-", "/", "op", "pm"):
            raise AnswerError(_EXPRESSION)
        if kind == "name" and not self._is_assign(1):
            raise AnswerError(_EXPRESSION)
        return [(None, x, unit) for x in vals]

    def _signed_atom(self, allow_frac: bool, allow_div: bool = True) -> tuple[Fraction, int]:
        """A number, or a bracketed signed number (``(-3)``, ``(3/4)``); returns (value, flag), the
        flag :data:`_FRAC` when the value is already a fraction (so no ``/`` may follow)."""
        tok = self.peek()
        kind = tok[0]
        if kind == "num":
            if tok[3] == _FRAC and not allow_frac:
                raise AnswerError(_EXPRESSION)
            self.i += 1
            return tok[1], tok[3]
        closer = _OPENERS.get(kind)
        if closer:
            self.i += 1
            sign = 1
            if self.kind() in ("+", "-"):
                sign = -1 if self.kind() == "-" else 1
                self.i += 1
            tok = self.peek()
            if tok[0] != "num" or (tok[3] == _FRAC and not allow_frac):
                raise AnswerError(_EXPRESSION)
            self.i += 1
            v, flag = tok[1], (_FRAC if tok[3] == _FRAC else _DEC)
            if self.kind() == "/" and flag != _FRAC and allow_div:
                self.i += 1
                v, flag = v / self.denominator(), _FRAC
            if self.kind() != closer:
                raise AnswerError(_EXPRESSION)
            self.i += 1
            return _checked(v if sign > 0 else -v), flag
        self._no_number(tok)
        raise AssertionError  # pragma: no cover

    def _no_number(self, tok: tuple) -> None:
        kind = tok[0]
        if kind == "eof":
            raise AnswerError("no number found")
        if kind == "bad":
            raise AnswerError(f"not a finite number: {tok[2]}")
        if kind in ("name", "unit"):
            raise AnswerError(f"could not read {_short(tok[2])} as a number")
        if kind in ("op", "+", "-", "/", "pm"):
            raise AnswerError(_EXPRESSION)
        raise AnswerError(f"could not read {_short(tok[2])}")

    def denominator(self) -> Fraction:
        sign = 1
        if self.kind() in ("+", "-"):
            sign = -1 if self.kind() == "-" else 1
            self.i += 1
        if self.kind() not in ("num", "(", "[", "{"):
            raise AnswerError(_EXPRESSION)
        d, _ = self._signed_atom(allow_frac=False, allow_div=False)
        if d == 0:
            raise AnswerError("division by zero")
        return d if sign > 0 else -d

    def number(self) -> Fraction:
        tok = self.peek()
        v, flag = self._signed_atom(allow_frac=True)
        if self.kind() == "/":
            if flag == _FRAC:
                raise AnswerError(_EXPRESSION)
            self.i += 1
            return _checked(v / self.denominator())
        if self.scalar and flag == _INT and tok[0] == "num":  # a mixed number: 1 1/2, 1\frac{1}{2}
            t1 = self.peek()
            if t1[0] == "num":
                if t1[3] == _FRAC and 0 < t1[1] < 1:
                    self.i += 1
                    return v + t1[1]
                if (t1[3] == _INT and self.kind(1) == "/" and self.peek(2)[0] == "num" and self.peek(2)[3] == _INT
                        and 0 < t1[1] < self.peek(2)[1] and self.kind(3) != "/"):
                    frac = t1[1] / self.peek(2)[1]
                    self.i += 3
                    return v + frac
        return v


def _parse(text: str, scalar: bool, unit: str = "") -> list[Entry]:
    canon = _canon_unit(unit)
    unit_re = _custom_unit_regex(canon) if canon else None
    tokens = _tokenize(text, scalar, unit_re, canon)
    if not tokens:
        raise AnswerError("empty answer")
    p = _Parser(tokens, scalar)
    entries = p.items(None, 0)
    if not entries:
        raise AnswerError("no number found")
    return entries


# ------------------------------------------------------------------------------------------- judge
def _sign(x: Fraction) -> int:
    return (x > 0) - (x < 0)


def _unreadable(reason: str, answer: Answer | None) -> Verdict:
    n = len(answer.values) if isinstance(answer, Answer) else 0
    return Verdict(False, reason, False, (), (None,) * n, (False,) * n, 0, (), "")


def _judge(entries: list[Entry], answer: Answer) -> Verdict:
    asked = _canon_unit(answer.unit)
    unit_note = ""
    resolved: list[tuple[str | None, Fraction, str]] = []  # (name, value, unit the canonical text shows)
    for name, v, u in entries:
        if u == "%" and asked != "%":
            v, u = _checked(v / 100), None
        if u is None or _unit_ok(u, asked):
            shown = asked
        else:
            shown = u
            if not unit_note:
                unit_note = (f"wrong unit: {u}, expected {asked}" if asked
                             else f"the question asks for a plain number, not {u}")
        resolved.append((name, v, shown))
    if answer.kind == "scalar":
        return _judge_scalar(resolved, answer, unit_note)
    if answer.kind == "tuple":
        return _judge_tuple(resolved, answer, unit_note)
    return _judge_set(resolved, answer, unit_note)


def _show(v: Fraction, unit: str) -> str:
    return fmt(v) + _unit_suffix(unit)


def _judge_scalar(resolved, answer: Answer, unit_note: str) -> Verdict:
    exp = answer.values[0]
    name_note = ""
    want = _norm_name(answer.variable) if answer.variable else ""
    seen: dict[Fraction, str] = {}
    for name, v, shown in resolved:
        if name is not None and want and name != want and not name_note:
            name_note = f"named {name}, expected {answer.variable}"
        seen.setdefault(v, shown)
    values = tuple(seen)
    if len(values) > 1:
        canonical = ", ".join(_show(v, seen[v]) for v in sorted(values))
        return Verdict(True, "several values given", False, values, (None,), (False,), len(values) - 1, (),
                       canonical)
    v = values[0]
    note = unit_note or name_note
    ok = v == exp and not note
    return Verdict(True, note, ok, values, (v,), (ok,), 0, () if note else (_sign(v - exp),), _show(v, seen[v]))


def _judge_tuple(resolved, answer: Answer, unit_note: str) -> Verdict:
    exp = answer.values
    n = len(exp)
    want = tuple(_norm_name(x) for x in answer.names)
    slots: list[Fraction | None] = [None] * n
    shown: list[str] = [""] * n
    extras: list[tuple[str | None, Fraction, str]] = []
    notes: list[str] = []
    by_name = bool(want) and any(name is not None for name, _, _ in resolved)
    if by_name:
        unnamed = []
        for name, v, u in resolved:
            if name is None:
                unnamed.append((v, u))
            elif name in want:
                k = want.index(name)
                if slots[k] is None:
                    slots[k], shown[k] = v, u
                elif slots[k] != v:
                    extras.append((name, v, u))
                    notes.append(f"several values for {answer.names[k]}")
            else:
                extras.append((name, v, u))
                notes.append(f"unknown name {name} (expected {', '.join(answer.names)})")
        for v, u in unnamed:
            k = next((j for j in range(n) if slots[j] is None), None)
            if k is None:
                extras.append((None, v, u))
            else:
                slots[k], shown[k] = v, u
    else:
        for j, (_, v, u) in enumerate(resolved):
            if j < n:
                slots[j], shown[j] = v, u
            else:
                extras.append((None, v, u))
    missing = [j for j in range(n) if slots[j] is None]
    if missing:
        if want:
            notes.append("missing " + ", ".join(answer.names[j] for j in missing))
        else:
            notes.append(f"only {n - len(missing)} of {n} values given")
    if extras and not notes:
        notes.append(f"too many values: {len(resolved)} given, {n} expected")
    if unit_note:
        notes.insert(0, unit_note)
    parts = tuple(slots[j] is not None and slots[j] == exp[j] and not unit_note for j in range(n))
    direction = () if (missing or extras or unit_note) else tuple(_sign(slots[j] - exp[j]) for j in range(n))
    correct = all(parts) and not extras and not missing and not unit_note
    values = tuple(v for v in slots if v is not None) + tuple(v for _, v, _ in extras)
    if want:
        texts = [f"{answer.names[j]}={_show(slots[j], shown[j])}" for j in range(n) if slots[j] is not None]
        texts += [(f"{nm}=" if nm else "") + _show(v, u) for nm, v, u in extras]
    else:
        texts = [_show(v, u) for v, u in zip(slots, shown, strict=True) if v is not None]
        texts += [_show(v, u) for _, v, u in extras]
    return Verdict(True, "; ".join(notes), correct, values, tuple(slots), parts, len(extras), direction,
                   "(" + ", ".join(texts) + ")")


def _judge_set(resolved, answer: Answer, unit_note: str) -> Verdict:
    exp = tuple(sorted(set(answer.values)))
    want = _norm_name(answer.variable) if answer.variable else ""
    name_note = ""
    seen: dict[Fraction, str] = {}
    for name, v, u in resolved:
        if name is not None and want and _name_base(name) != want and name != want and not name_note:
            name_note = f"named {name}, expected {answer.variable}"
        seen.setdefault(v, u)
    given = tuple(sorted(seen))
    note = unit_note or name_note
    expected = set(exp)
    parts = tuple(e in seen and not note for e in exp)
    extra = sum(1 for g in given if g not in expected)
    direction = () if note or len(given) != len(exp) else tuple(_sign(g - e) for g, e in zip(given, exp, strict=True))
    correct = not note and set(given) == expected
    canonical = "{" + ", ".join(_show(v, seen[v]) for v in given) + "}"
    return Verdict(True, note, correct, given, given, parts, extra, direction, canonical)


# -------------------------------------------------------------------------------------------- API
def parse_number(text: str) -> Fraction:
    """One number in any form :func:`verify` reads (``3/4``, ``0.75``, ``\\frac{3}{4}``, ``1 1/2``,
    ``1,000``, ``75%`` = 3/4); :class:`AnswerError` for anything else (a unit, several numbers, an
    expression, an unreadable or too large number)."""
    if not isinstance(text, str):
        raise AnswerError(f"a number is text, not {type(text).__name__}")
    if len(text) > MAX_CHARS:
        raise AnswerError(f"too long (more than {MAX_CHARS} characters)")
    s = _clean(text)
    if not s:
        raise AnswerError("empty: no number")
    p = _Parser(_tokenize(s, True), True)
    entries = p.value()
    if p.kind() != "eof" or len(entries) != 1:
        raise AnswerError("give one number")
    _, v, unit = entries[0]
    if unit == "%":
        return _checked(v / 100)
    if unit is not None:
        raise AnswerError(f"give a plain number, without a unit ({unit})")
    return v


def verify(text: str, answer: Answer) -> Verdict:
    """Read ``text`` and check it against ``answer`` exactly; never raises (see the module docstring)."""
    try:
        if not isinstance(text, str):
            raise AnswerError(f"an answer is text, not {type(text).__name__}")
        segs = _segments(text)
        if not segs:
            raise AnswerError("empty answer")
        entries = _parse("; ".join(segs), answer.kind == "scalar", answer.unit)
        return _judge(entries, answer)
    except AnswerError as err:
        return _unreadable(str(err), answer)
    except Exception as err:  # noqa: BLE001 - a verifier must answer every input; the tests fuzz for this
        return _unreadable(f"internal error reading the answer ({type(err).__name__})", answer)
