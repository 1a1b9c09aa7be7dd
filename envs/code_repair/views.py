"""Text and vector views of code repair.

Text: the observation is one string (the task, the signature, the current program with line numbers,
the feedback, the attempt count); the action is a whole program (a fenced code block is taken out of
a longer answer).

Vector: ``Discrete(n_candidates)`` over candidate edits of the current program (see ``edits.py``),
with ``action_masks()`` for sb3-contrib's MaskablePPO. The observation is a ``Dict``:

``candidates``: ``Box(0, 1, (n_candidates * 17,))`` float32, flattened row-major from one row of
``5 + len(BUG_CLASSES)`` = 17 features per slot (flat, as stable-baselines3's policies expect):
``[valid, line / n_lines, lines spanned / n_lines, suspiciousness, at error line, one-hot bug class]``.
Suspiciousness is the largest Ochiai score (from per-case line coverage of the visible tests) of
the lines the edit touches; "at error line" is 1 when it touches the line the last exception came
from. Both are 0 at feedback levels that do not reveal them (``none``, ``binary``; the error line
only at ``trace``).

``feedback``: ``Box(0, 1, (10,))`` float32 = ``[visible pass fraction, all visible pass, attempt /
max_attempts, last attempt unreadable, syntax error, exception, timeout, wrong answer, n_lines / 64
(clipped), candidates / n_candidates]``, masked by level in the same way (``none``: only the
attempt, unreadable, size and candidate entries; ``binary``: plus "all visible pass").
"""

from __future__ import annotations

from typing import Any

import numpy as np
from gymnasium import spaces

from loopgym.core import FreeText, InvalidAttempt, View

from .edits import Edit, candidate_edits, ochiai
from .mutate import BUG_CLASSES, kind_index
from .task import CodeRepairTask, RepairProblem, extract_program

N_CANDIDATE_FEATURES = 5 + len(BUG_CLASSES)
N_FEEDBACK_FEATURES = 10


def numbered(program: str) -> str:
    lines = program.splitlines() or [""]
    width = len(str(len(lines)))
    return "\n".join(f"{i:>{width}} | {line}" for i, line in enumerate(lines, 1))


class CodeRepairTextView(View):
    """Free text in and out (see the module docstring)."""

    def __init__(self, task: CodeRepairTask):
        super().__init__(task)
        self.action_space = FreeText(max_length=8192)
        self.observation_space = FreeText(max_length=65536)

    def decode(self, action: Any) -> Any:
        return extract_program(action)

    def encode(self, problem: RepairProblem, feedback) -> str:
        spec = problem.spec
        fb = feedback if feedback is not None else problem.feedback
        attempts = self.task.max_attempts
        used = problem.attempts
        parts = [
            f"Task {spec.task_id}: repair the function `{spec.entry_point}` so that it meets its description.",
            f"Description: {spec.description}" if spec.description else "",
            f"Signature: {spec.signature}",
            "",
            "Current program:" if feedback is not None else "Buggy program:",
            numbered(problem.program),
            "",
            ("Feedback on your last attempt:\n" if feedback is not None else "Running it gives:\n")
            + (fb.render() if fb is not None else ""),
            "",
            f"Attempts used: {used} of {attempts}. Answer with the whole corrected program "
            "(a ```python fenced block is fine).",
        ]
        return "\n".join(p for p in parts if p is not None)


class CodeRepairVectorView(View):
    """Discrete choice among candidate edits, with action masks (see the module docstring)."""

    def __init__(self, task: CodeRepairTask):
        super().__init__(task)
        task.canonicalise = True
        k = task.config.n_candidates
        self.k = k
        self.action_space = spaces.Discrete(k)
        self.observation_space = spaces.Dict(
            {
                "candidates": spaces.Box(0.0, 1.0, (k * N_CANDIDATE_FEATURES,), dtype=np.float32),
                "feedback": spaces.Box(0.0, 1.0, (N_FEEDBACK_FEATURES,), dtype=np.float32),
            }
        )
        self.slots: list[Edit] = []

    def action_masks(self) -> np.ndarray:
        mask = np.zeros(self.k, dtype=bool)
        mask[: len(self.slots)] = True
        return mask

    def decode(self, action: Any) -> Any:
        i = int(action)
        if i >= len(self.slots):
            return InvalidAttempt(f"Slot {i} holds no candidate edit (only {len(self.slots)} do); nothing changed.")
        return self.slots[i].program

    def encode(self, problem: RepairProblem, feedback) -> dict[str, np.ndarray]:
        self.slots = candidate_edits(problem.program, problem.spec.reference, self.k, problem.rng)
        return self.features(problem)

    def features(self, problem: RepairProblem) -> dict[str, np.ndarray]:
        """The observation of ``problem`` with the candidate edits already in ``self.slots``."""
        level = self.task.config.feedback
        fb = problem.feedback
        n_lines = max(1, len(problem.program.splitlines()))
        susp = ochiai(problem.visible_passed, problem.coverage) if level in ("tests", "trace") else {}
        err_line = None
        if level == "trace" and fb is not None and fb.error.get("line"):
            err_line = fb.error["line"]
        cand = np.zeros((self.k, N_CANDIDATE_FEATURES), dtype=np.float32)
        for row, e in enumerate(self.slots):
            touched = range(e.line, e.end_line + 1)
            cand[row, 0] = 1.0
            cand[row, 1] = min(1.0, e.line / n_lines)
            cand[row, 2] = min(1.0, (e.end_line - e.line + 1) / n_lines)
            cand[row, 3] = max((susp.get(ln, 0.0) for ln in touched), default=0.0)
            cand[row, 4] = float(err_line is not None and err_line in touched)
            cand[row, 5 + kind_index(e.kind)] = 1.0
        feat = np.zeros(N_FEEDBACK_FEATURES, dtype=np.float32)
        if fb is not None and fb.valid:
            if level in ("tests", "trace"):
                feat[0] = fb.visible_fraction
            if level != "none":
                feat[1] = float(fb.visible_total > 0 and fb.visible_passed == fb.visible_total)
            if level in ("tests", "trace"):
                etype = fb.error.get("type", "")
                feat[4] = float(etype == "SyntaxError")
                feat[5] = float(etype not in ("", "SyntaxError", "Timeout"))
                feat[6] = float(fb.timed_out)
                feat[7] = float(etype == "" and fb.visible_passed < fb.visible_total)
        feat[2] = min(1.0, problem.attempts / self.task.max_attempts)
        feat[3] = float(fb is not None and not fb.valid)
        feat[8] = min(1.0, n_lines / 64)
        feat[9] = len(self.slots) / self.k
        return {"candidates": cand.reshape(-1), "feedback": feat}
