"""What an answer is told, at one of five levels (MathRevision) or three (StepRevision).

MathRevision levels — each says exactly this and no more:

``none``: "Answer recorded; try again." Nothing about correctness (an episode that stops when
solved still ends on a right answer; see the env's docstring).
``binary``: right or wrong.
``direction``: right or wrong and, per part, whether the value is too high or too low. Sets compare
sorted values and only when the count matches; otherwise it says only "wrong".
``component``: right or wrong and which parts are right: for a pair, which of its named parts; for
a set, which given values are solutions, how many are not, and whether some are missing.
``hint``: right or wrong and one step of a worked solution: the first step whose error explains the
answer (when one does) with its correct form, or else the next step not yet shown. This level leaks
the answer by design, one step per attempt.

An answer that cannot be read is answered with the reason at every level (an attempt spent).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from loopgym.core import Feedback

LEVELS = ("none", "binary", "direction", "component", "hint")
STEP_LEVELS = ("none", "binary", "step")


def _join(parts: list[str]) -> str:
    return "; ".join(parts)


@dataclasses.dataclass
class AnswerFeedback(Feedback):
    """Feedback on one answer. ``parts``/``direction`` are per expected part (empty when unknown)."""

    level: str = "binary"
    correct: bool = False
    #: canonical text of what was read ("" when unreadable)
    answer: str = ""
    #: the answer's part names (``x``, ``y``) or ``""`` per part
    names: list = dataclasses.field(default_factory=list)
    kind: str = "scalar"
    parts: list = dataclasses.field(default_factory=list)
    direction: list = dataclasses.field(default_factory=list)
    #: for sets: how many given values are not solutions
    extra: int = 0
    #: the given values (as text) per expected part, for component feedback on sets
    given: list = dataclasses.field(default_factory=list)
    note: str = ""
    hint: str = ""
    #: the step the hint is about (0-based), -1 when none
    hint_step: int = -1

    def _part_name(self, i: int) -> str:
        name = self.names[i] if i < len(self.names) and self.names[i] else ""
        return name or (f"part {i + 1}" if len(self.parts) > 1 else "your answer")

    def render(self) -> str:
        if not self.valid:
            return self.message
        if self.level == "none":
            return "Answer recorded. Try again if you like."
        verdict = "Correct." if self.correct else "Incorrect."
        if self.correct or self.level == "binary":
            return verdict
        if self.level == "direction":
            if not self.direction:
                return verdict
            words = {1: "too high", -1: "too low", 0: "right"}
            if len(self.direction) == 1:
                return f"{verdict} {words[self.direction[0]].capitalize()}."
            label = "value" if self.kind == "set" else None
            parts = [
                f"{label + ' ' + str(i + 1) if label else self._part_name(i)} is {words[d]}"
                for i, d in enumerate(self.direction)
            ]
            tail = " (values compared in increasing order)" if self.kind == "set" else ""
            return f"{verdict} {_join(parts)}{tail}."
        if self.level == "component":
            if self.kind == "set":
                found = sum(self.parts)
                bits = [f"{found} of your values {'is a solution' if found == 1 else 'are solutions'}"]
                if self.extra:
                    bits.append(f"{self.extra} {'is not a solution' if self.extra == 1 else 'are not solutions'}")
                if found < len(self.parts):
                    bits.append("some solutions are missing")
                return f"{verdict} {_join(bits)}."
            if len(self.parts) <= 1:
                return verdict
            return f"{verdict} " + _join(
                f"{self._part_name(i)} is {'right' if ok else 'wrong'}" for i, ok in enumerate(self.parts)
            ) + "."
        if self.level == "hint":
            return f"{verdict} {self.hint}".rstrip()
        raise ValueError(f"unknown feedback level {self.level!r}")

    def to_dict(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        for key in ("names", "parts", "direction", "given"):
            d[key] = list(d[key])
        return d


@dataclasses.dataclass
class StepFeedback(Feedback):
    """Feedback on a revision of a worked solution."""

    level: str = "step"
    #: whether the solution's final answer is now right
    final_correct: bool = False
    #: first wrong step (0-based), -1 when every step is right; only rendered at level ``step``
    first_wrong: int = -1
    #: how many steps are wrong (not rendered; for logs and scoring)
    n_wrong: int = 0
    #: steps the attempt revised (0-based)
    revised: list = dataclasses.field(default_factory=list)

    def render(self) -> str:
        if not self.valid:
            return self.message
        if self.level == "none":
            return "Revision recorded."
        if self.level == "binary":
            return "The final answer is now right." if self.final_correct else "The final answer is wrong."
        if self.first_wrong < 0:
            return "Every step is right."
        return f"Step {self.first_wrong + 1} is the first wrong step."

    def to_dict(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["revised"] = list(d["revised"])
        return d
