"""What a code-repair attempt is told, as typed feedback, at one of four levels.

``none``: nothing about the tests (only that the program was run, or why it could not be).
``binary``: whether every visible test passes. ``tests``: how many visible tests pass and, for each
failing one, the call, the expected value and what came back (or the exception). ``trace``: the
same plus the first error's type, message, line and traceback. A program that cannot be read (it
does not parse, or does not define the function) is answered at every level, since it says nothing
about the hidden tests. ``gold`` (the hidden pass fraction) is never rendered.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from loopgym.core import Feedback

LEVELS = ("none", "binary", "tests", "trace")
NO_ERROR = {"type": "", "message": "", "line": 0, "traceback": ""}
#: failing visible tests listed in the text, at most
MAX_LISTED = 3


def short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


@dataclasses.dataclass
class CodeFeedback(Feedback):
    """One run of the program against the visible (shown) and hidden (scored) tests."""

    level: str = "trace"
    visible_passed: int = 0
    visible_total: int = 0
    #: failing visible tests: ``{"call", "expected", "actual"}`` or ``{"call", "error"}`` (strings)
    failures: list = dataclasses.field(default_factory=list)
    #: the first error: ``{"type", "message", "line", "traceback"}``; type "" and line 0 when there was
    #: none (always the same keys and types, so vector envs can stack infos)
    error: dict = dataclasses.field(default_factory=lambda: dict(NO_ERROR))
    timed_out: bool = False
    #: hidden tests passed / total (like ``gold``, not for the agent)
    hidden_passed: int = 0
    hidden_total: int = 0

    @property
    def visible_fraction(self) -> float:
        return self.visible_passed / self.visible_total if self.visible_total else 0.0

    def render(self) -> str:
        if not self.valid:
            return self.message
        if self.level == "none":
            return "Your program was run. (No test feedback at this level.)"
        all_pass = self.visible_passed == self.visible_total
        if self.level == "binary":
            return "All visible tests pass." if all_pass else "Some visible tests fail."
        lines = [f"Visible tests: {self.visible_passed} of {self.visible_total} pass."]
        for f in self.failures[:MAX_LISTED]:
            if "error" in f:
                lines.append(f"  FAIL {f['call']}: raised {f['error']}")
            else:
                lines.append(f"  FAIL {f['call']}: expected {f['expected']}, got {f['actual']}")
        if len(self.failures) > MAX_LISTED:
            lines.append(f"  ... and {len(self.failures) - MAX_LISTED} more failing.")
        if self.level == "trace" and self.error.get("type"):
            e = self.error
            where = f" at line {e['line']}" if e.get("line") else ""
            lines.append(f"Error{where}: {e['type']}: {e['message']}".rstrip(": "))
            if e.get("traceback"):
                lines.append(short(e["traceback"].rstrip(), 1200))
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["failures"] = [dict(f) for f in self.failures]
        d["error"] = dict(self.error)
        return d
