"""StepRevision: locate and fix the wrong steps of a worked solution (see ``task.py`` for the reward).

The solution shown is the problem's own worked solution with ``n_errors`` errors injected
(``steps.inject``). A revision replaces steps; everything after a revised step is recomputed from it,
as a reader of the solution would. The episode is solved when no step is wrong, i.e. every step's
value is what its correct formula gives from the steps before it (then the final answer is right).
"""

from __future__ import annotations

import dataclasses
import re
from fractions import Fraction
from typing import Any

from loopgym.core import InvalidAttempt, Task

from .feedback import StepFeedback
from .generators import Draw
from .steps import InjectedError, MathProblem, Solution, Step, error_variant, inject, wrong_steps
from .task import StepRevisionConfig, sample_problem
from .verify import AnswerError, parse_number

#: one revision per line: "Step 3: 6 × 7 = 42", "3: 42", "step 3 = 42"
_LINE = re.compile(r"^\s*(?:\*\*)?\s*step\s*(\d{1,4})\s*(?:\*\*)?\s*(?:\([^)]{0,200}\))?\s*[:=.)\-]\s*(.*)$", re.I)
_BARE = re.compile(r"^\s*(\d{1,4})\s*[:)]\s*(.*)$")
MAX_TEXT = 20_000


@dataclasses.dataclass
class StepEpisode:
    problem: MathProblem
    reference: Solution
    current: Solution
    errors: tuple[InjectedError, ...]
    attempts: int = 0
    revised: set = dataclasses.field(default_factory=set)
    last: StepFeedback | None = None
    n_wrong: int = 0
    #: the error versions of each reference step the vector view offers, drawn once per episode
    variants: list[list[Step]] = dataclasses.field(default_factory=list)

    @property
    def n_steps(self) -> int:
        return len(self.reference.steps)

    def final_text(self) -> str:
        from .revision import answer_text

        parts = self.current.final(self.problem.answer.kind)
        if any(p is None for p in parts):
            return "undefined"
        return answer_text(parts, self.problem)


def corrections(episode: StepEpisode, index: int, k: int) -> list[Step]:
    """The vector view's candidate versions of step ``index``: the step as it is now, the correct
    formula, and error versions, deduplicated, in an order drawn per (problem, step)."""
    current, right = episode.current.steps[index], episode.reference.steps[index]
    out: list[Step] = []
    for s in [current, right, *episode.variants[index]]:
        if s not in out:
            out.append(s)
        if len(out) == k:
            break
    order = list(range(len(out)))
    Draw("order", episode.problem.uid, index, len(out)).shuffle(order)
    return [out[i] for i in order]


class StepRevisionTask(Task[StepRevisionConfig]):
    Config = StepRevisionConfig
    reset_options = ("family", "level", "index")

    @property
    def max_attempts(self) -> int:
        return self.config.max_attempts

    def sample(self, rng, **options: Any) -> StepEpisode:
        cfg = self.config
        for _ in range(50):
            problem = sample_problem(cfg, rng, options, min_steps=2, max_steps=cfg.max_steps)
            draw = Draw("steprevision", problem.uid, cfg.n_errors, cfg.error_classes)
            shown, errors = inject(problem.solution, draw, cfg.n_errors, cfg.error_classes, problem.params,
                                   answer_kind=problem.answer.kind)
            if errors:
                break
            options = {**options, "index": None}  # this problem takes none of the errors: draw another
        else:
            raise RuntimeError("could not inject an error into 50 problems in a row; widen error_classes")
        variants = []
        for i in range(len(problem.solution.steps)):
            vdraw = Draw("variants", problem.uid, i)
            vs = []
            for cls in cfg.error_classes * 2:
                v = error_variant(problem.solution, i, cls, vdraw, problem.params)
                if v is not None and v not in vs:
                    vs.append(v)
            variants.append(vs)
        ep = StepEpisode(problem, problem.solution, shown, errors, variants=variants)
        ep.n_wrong = len(wrong_steps(shown, problem.solution))
        return ep

    def evaluate(self, ep: StepEpisode, attempt: Any, rng) -> StepFeedback:
        cfg = self.config
        ep.attempts += 1
        if isinstance(attempt, InvalidAttempt):
            fb = StepFeedback(reward=-cfg.attempt_cost, gold=0.0, solved=False, valid=False,
                              message=attempt.reason, level=cfg.feedback, n_wrong=ep.n_wrong,
                              first_wrong=-1, final_correct=False)
            ep.last = fb
            return fb
        revised = []
        for index, step in attempt:
            ep.current = ep.current.replace(index, step)
            revised.append(index)
            ep.revised.add(index)
        wrong = wrong_steps(ep.current, ep.reference)
        solved = not wrong
        final_ok = ep.current.final(ep.problem.answer.kind) == ep.problem.answer.values
        shaping = cfg.shaping * (ep.n_wrong - len(wrong)) / ep.n_steps
        ep.n_wrong = len(wrong)
        fb = StepFeedback(
            reward=cfg.solve_bonus * solved + shaping - cfg.attempt_cost,
            gold=float(solved),
            solved=solved,
            level=cfg.feedback,
            final_correct=final_ok,
            first_wrong=wrong[0] if wrong else -1,
            n_wrong=len(wrong),
            revised=revised,
        )
        ep.last = fb
        return fb

    def step_info(self, ep: StepEpisode, feedback: StepFeedback) -> dict[str, Any]:
        p = ep.problem
        return {"problem_id": p.uid, "family": p.family, "level": p.level, "n_steps": ep.n_steps,
                "errors": len(ep.errors)}


def parse_revision(text: str, ep: StepEpisode) -> list[tuple[int, Step]] | InvalidAttempt:
    """Text revisions, one per line (``Step 3: 6 × 7 = 42``; the value after the last ``=`` counts).

    A stated value that equals what the step's correct formula gives is shown with that formula; any
    other value is kept as the step's (wrong) result, and the steps after it follow from it.
    """
    if not isinstance(text, str) or not text.strip():
        return InvalidAttempt('Empty revision. Write one line per step you change, e.g. "Step 2: 42".')
    if len(text) > MAX_TEXT:
        return InvalidAttempt(f"Revision too long ({len(text)} characters; at most {MAX_TEXT}).")
    out: list[tuple[int, Step]] = []
    current = ep.current
    for line in text.splitlines():
        m = _LINE.match(line) or _BARE.match(line)
        if not m:
            continue
        number, body = int(m.group(1)), m.group(2)
        if not 1 <= number <= ep.n_steps:
            return InvalidAttempt(f"There is no step {number}: the solution has steps 1 to {ep.n_steps}.")
        value_text = body.rsplit("=", 1)[-1]
        try:
            value = parse_number(value_text)
        except AnswerError as err:
            return InvalidAttempt(f"Could not read a value for step {number}: {err}")
        index = number - 1
        values = current.values()
        right = ep.reference.steps[index]
        if right.formula_value(values) == value:
            step = right
        else:
            step = dataclasses.replace(current.steps[index], slip=Fraction(value))
        out.append((index, step))
        current = current.replace(index, step)
    if not out:
        return InvalidAttempt('Could not read a revision: write one line per step, e.g. "Step 2: 42".')
    return out
