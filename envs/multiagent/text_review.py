"""Reading a text judge's review: the score it gives and what it chose to show.

A review is free text (it is passed on to the proposer as written); the judge marks its decisions
with ``score: x`` (``0.7``, ``7/10`` or ``70%``; required), and optionally ``show: case N`` or
``hint`` (code review) or ``level: <name>`` (math verification). The last mark of each kind counts.
A review without a readable score scores 0 and tells the judge why in its next observation.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

_SCAN = 20_000  # a review longer than this is read from its last characters only
_SCORE = re.compile(r"\bscore\s*(?:[:=]|is|of)?\s*(\d{1,3}(?:\.\d+)?|\.\d+)\s*(%|/\s*(\d{1,3}(?:\.\d+)?))?",
                    re.IGNORECASE)
_SHOW = re.compile(r"\b(?:show|reveal)\s*[:=]?\s*(?:the\s+)?(?:case|test)?\s*#?\s*(\d{1,6})\b", re.IGNORECASE)
_HINT = re.compile(r"\bhint\b", re.IGNORECASE)
_LEVEL = re.compile(r"\blevel\s*[:=]?\s*([a-z]+)", re.IGNORECASE)


@dataclasses.dataclass
class ParsedReview:
    score: float
    kind: str = "score"
    case: int = -1
    level: str = ""
    #: why (part of) the review could not be read; "" when it was
    note: str = ""


def parse_score(text: str) -> tuple[float, str]:
    """The last score in ``text`` as a number in [0, 1], and "" — or (0.0, the reason)."""
    found = _SCORE.findall(text[-_SCAN:])
    if not found:
        return 0.0, "no score found; write 'score: x' with x from 0 to 1 (or 7/10, or 70%)"
    number, suffix, denominator = found[-1]
    value = float(number)
    if suffix.strip() == "%":
        value /= 100.0
    elif denominator:
        d = float(denominator)
        if d <= 0:
            return 0.0, f"the score {number}/{denominator} has a zero denominator"
        value /= d
    if not 0.0 <= value <= 1.0:
        return 0.0, f"the score {number}{suffix} is outside 0 to 1"
    return value, ""


def parse_review(text: str, *, n_cases: int) -> ParsedReview:
    """A code review: the score, and ``show: case N`` (0 <= N < n_cases) or ``hint``."""
    score, note = parse_score(text)
    tail = text[-_SCAN:]
    shows, hint = list(_SHOW.finditer(tail)), list(_HINT.finditer(tail))
    out = ParsedReview(score=score, note=note)
    if shows and (not hint or shows[-1].start() > hint[-1].start()):
        case = int(shows[-1].group(1))
        if case >= n_cases:
            out.note = "; ".join(x for x in (note, f"there is no case {case} (cases are 0 to {n_cases - 1})") if x)
        else:
            out.kind, out.case = "case", case
    elif hint:
        out.kind = "hint"
    return out


def parse_level(text: str, levels: Sequence[str], default: str) -> ParsedReview:
    """A math verification: the score, and ``level: <name>`` (one of ``levels``; ``default`` if absent)."""
    score, note = parse_score(text)
    found = _LEVEL.findall(text[-_SCAN:])
    out = ParsedReview(score=score, kind=default, level=default, note=note)
    if found:
        name = found[-1].lower()
        if name in levels:
            out.kind = out.level = name
        else:
            out.note = "; ".join(x for x in (note, f"level {name!r} is not one of {', '.join(levels)}") if x)
    return out
