"""Text and vector views of MathRevision and StepRevision.

MathRevision, vector: ``Discrete(n_candidates)`` over candidate answers — the right one and wrong
ones a single slip in the worked solution gives, topped up with near values (``distractors.py``),
shuffled per problem; ``action_masks()`` marks the filled slots. Observation ``Dict``:

``problem`` ``Box(-1, 1, (N_PROBLEM,))``: family one-hot (the ten generators plus one slot for an
external dataset), level / 5, the first eight numbers of the question (signed log scale: ``slog``),
number of parts / 3, answer kind one-hot (scalar, pair, set), whether a unit is asked.

``candidates`` ``Box(-1, 1, (n_candidates * 16,))``, one row per slot: ``[filled, slog(part 1),
slog(part 2), part 1 whole, part 2 whole, parts / 3, tried, judged wrong, part 1 too high, part 1 too
low, part 2 too high, part 2 too low, part 1 right, part 2 right, ruled out, built on a revealed
step]``. Columns past "tried" are filled only as far as the feedback level reveals them: ``none``
nothing, ``binary`` "judged wrong", ``direction`` the too-high / too-low marks, ``component`` the
right marks, ``hint`` "built on a revealed step" (the candidate is the result of an error in a step
a hint has shown). "Ruled out" is 1 for a candidate that the feedback received so far excludes at
this level (a direction bound, a part known right or wrong, a tried wrong answer).

``feedback`` ``Box(0, 1, (8,))``: attempt / max_attempts, last answer unreadable, last answer
right, the level one-hot.

StepRevision, vector: ``Discrete(max_steps * n_corrections)``: action ``a`` puts correction
``a % n_corrections`` into step ``a // n_corrections``; the corrections of a step are its present
version, its correct formula and error versions of it, deduplicated and shuffled per step, with
``action_masks()``. Observation ``Dict``: ``steps`` ``Box(-1, 1, (max_steps * 18,))`` per step
``[exists, is an answer step, slog(value), whole, undefined, revised, marked first wrong, op one-hot
(11)]``; ``corrections`` ``Box(-1, 1, (max_steps * n_corrections * 3,))`` per candidate ``[exists,
slog(value the step would take), undefined]``; ``feedback`` ``Box(0, 1, (5,))`` ``[attempt /
max_attempts, last unreadable, final answer right (binary, step), first wrong step / max_steps
(step), every step right (step)]``.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np
from gymnasium import spaces

from loopgym.core import FreeText, InvalidAttempt, View

from .distractors import candidate_answers
from .feedback import LEVELS
from .generators import FAMILY_NAMES
from .revision import MathRevisionTask, RevisionEpisode, answer_text
from .step_revision import StepEpisode, StepRevisionTask, corrections, parse_revision
from .steps import OPS

N_PARAMS = 8
N_PROBLEM = len(FAMILY_NAMES) + 1 + 1 + N_PARAMS + 1 + 3 + 1
N_CANDIDATE = 16
N_FEEDBACK = 3 + len(LEVELS)
OP_NAMES = tuple(OPS)
N_STEP = 7 + len(OP_NAMES)
N_CORRECTION = 3
KINDS = ("scalar", "tuple", "set")
#: |x| at which slog reaches 1
SLOG_SCALE = math.log1p(1e6)


def slog(x: Fraction | float | None) -> float:
    """Signed log scale in [-1, 1]: ``sign(x) * log(1 + |x|) / log(1 + 10^6)``, clipped."""
    if x is None:
        return 0.0
    v = float(x)
    return max(-1.0, min(1.0, math.copysign(math.log1p(abs(v)) / SLOG_SCALE, v)))


def problem_features(problem) -> np.ndarray:
    out = np.zeros(N_PROBLEM, dtype=np.float32)
    fam = FAMILY_NAMES.index(problem.family) if problem.family in FAMILY_NAMES else len(FAMILY_NAMES)
    out[fam] = 1.0
    i = len(FAMILY_NAMES) + 1
    out[i] = problem.level / 5
    for j, p in enumerate(problem.params[:N_PARAMS]):
        out[i + 1 + j] = slog(p)
    i += 1 + N_PARAMS
    out[i] = min(1.0, len(problem.answer.values) / 3)
    out[i + 1 + KINDS.index(problem.answer.kind)] = 1.0
    out[i + 4] = float(bool(problem.answer.unit))
    return out


def _history(episode: RevisionEpisode) -> str:
    lines = []
    for fb in episode.history[-10:]:
        said = fb.answer if fb.valid else "(unreadable)"
        lines.append(f"  {said}: {fb.render()}")
    return "\n".join(lines)


class MathRevisionTextView(View):
    """The problem (and a flawed solution, with ``show_solution``), past answers and feedback, as text."""

    def __init__(self, task: MathRevisionTask):
        super().__init__(task)
        self.action_space = FreeText(max_length=4096)
        self.observation_space = FreeText(max_length=65536)

    def decode(self, action: Any) -> Any:
        return action

    def encode(self, episode: RevisionEpisode, feedback) -> str:
        p = episode.problem
        parts = [f"Problem ({p.family}, level {p.level}): {p.question}"]
        if episode.shown is not None:
            parts.append("A worked solution, which may contain mistakes:")
            parts += [f"  {line}" for line in episode.shown.render()]
            final = episode.shown.final(p.answer.kind)
            concl = answer_text(final, p) if all(v is not None for v in final) else "undefined"
            parts.append(f"  So the answer is {concl}.")
        if feedback is not None:
            parts.append("Your answers so far and the feedback on each:")
            parts.append(_history(episode))
            if not feedback.valid:
                parts.append(feedback.render())
        cfg = self.task.config
        parts.append(
            f"Attempts used: {episode.attempts} of {cfg.max_attempts}. Reply with the final answer only "
            "(or put it in \\boxed{})."
        )
        return "\n".join(parts)


class MathRevisionVectorView(View):
    """Candidate answers with masks (see the module docstring)."""

    def __init__(self, task: MathRevisionTask):
        super().__init__(task)
        k = task.config.n_candidates
        self.k = k
        self.action_space = spaces.Discrete(k)
        self.observation_space = spaces.Dict({
            "problem": spaces.Box(-1.0, 1.0, (N_PROBLEM,), dtype=np.float32),
            "candidates": spaces.Box(-1.0, 1.0, (k * N_CANDIDATE,), dtype=np.float32),
            "feedback": spaces.Box(0.0, 1.0, (N_FEEDBACK,), dtype=np.float32),
        })
        self.episode: RevisionEpisode | None = None
        self._rows: np.ndarray | None = None

    def _candidates(self, episode: RevisionEpisode) -> list:
        if episode.candidates is None:
            finals = episode.finals if episode.problem.solution.steps else {}
            episode.candidates = candidate_answers(episode.problem, self.k, finals)
        return episode.candidates

    def action_masks(self) -> np.ndarray:
        """The filled slots; with ``mask_ruled_out=True`` only those not yet tried and not ruled out
        by the feedback (when that leaves none, every untried slot, then every filled one)."""
        mask = np.zeros(self.k, dtype=bool)
        n = len(self._candidates(self.episode)) if self.episode is not None else self.k
        mask[:n] = True
        if self.task.config.mask_ruled_out and self._rows is not None:
            for cols in ((6, 14), (6,)):
                open_ = mask & np.all(self._rows[:, cols] == 0, axis=1)
                if open_.any():
                    return open_
        return mask

    def decode(self, action: Any) -> Any:
        cands = self._candidates(self.episode)
        i = int(action)
        if i >= len(cands):
            return InvalidAttempt(f"Slot {i} holds no candidate answer (only {len(cands)} do).")
        return answer_text(cands[i][0], self.episode.problem)

    def encode(self, episode: RevisionEpisode, feedback) -> dict[str, np.ndarray]:
        self.episode = episode
        # each mark is read at the level its own feedback was given at (one level here; a verifier
        # agent picks one per answer in the multi-agent loop)
        cands = self._candidates(episode)
        rows = np.zeros((self.k, N_CANDIDATE), dtype=np.float32)
        tried = {}
        for fb in episode.history:
            if fb.valid:
                tried[fb.answer] = fb
        for r, (parts, origin) in enumerate(cands):
            row = rows[r]
            row[0] = 1.0
            for j, v in enumerate(parts[:2]):
                row[1 + j] = slog(v)
                row[3 + j] = float(v.denominator == 1)
            row[5] = min(1.0, len(parts) / 3)
            text = _canon(parts, episode)
            fb = tried.get(text)
            if fb is not None:
                row[6] = 1.0
                if fb.level != "none":
                    row[7] = float(not fb.correct)
                if fb.level == "direction":
                    for j, d in enumerate(fb.direction[:2]):
                        row[8 + 2 * j] = float(d > 0)
                        row[9 + 2 * j] = float(d < 0)
                if fb.level == "component":
                    for j, ok in enumerate(fb.parts[:2]):
                        row[12 + j] = float(ok)
            row[14] = float(not consistent(parts, episode))
            # only hints fill ``revealed``
            row[15] = float(origin >= 0 and origin in episode.revealed)
            row[14] = max(row[14], row[15])
        level = self.feedback_level(episode)
        feat = np.zeros(N_FEEDBACK, dtype=np.float32)
        feat[0] = min(1.0, episode.attempts / self.task.config.max_attempts)
        if feedback is not None:
            feat[1] = float(not feedback.valid)
            feat[2] = float(feedback.valid and feedback.correct and feedback.level != "none")
        feat[3 + LEVELS.index(level)] = 1.0
        self._rows = rows
        return {"problem": problem_features(episode.problem), "candidates": rows.reshape(-1), "feedback": feat}

    def feedback_level(self, episode: RevisionEpisode) -> str:
        """The level shown in the feedback features: the env's (the last answer's, where it varies)."""
        return self.task.config.feedback


def _canon(parts, episode: RevisionEpisode) -> str:
    """The verifier's canonical text of a candidate (to match it with past answers)."""
    from .verify import verify

    cache = episode.canonical
    if parts not in cache:
        cache[parts] = verify(answer_text(parts, episode.problem), episode.problem.answer).canonical
    return cache[parts]


def consistent(parts: tuple, episode: RevisionEpisode) -> bool:
    """Whether a candidate agrees with every piece of feedback so far, each at the level it was given
    (the rule of :func:`.scoring.agrees`, which the feedback-incorporation rate uses too)."""
    from .scoring import agrees

    kind = episode.problem.answer.kind
    return all(agrees(parts, kind, fb.__dict__, fb.level) for fb in episode.history if fb.valid)


class StepRevisionTextView(View):
    """The problem, the current worked solution and the feedback; revisions as ``Step k: value`` lines."""

    def __init__(self, task: StepRevisionTask):
        super().__init__(task)
        self.action_space = FreeText(max_length=4096)
        self.observation_space = FreeText(max_length=65536)
        self.episode: StepEpisode | None = None

    def decode(self, action: Any) -> Any:
        return parse_revision(action, self.episode)

    def encode(self, episode: StepEpisode, feedback) -> str:
        self.episode = episode
        p = episode.problem
        lines = [f"Problem ({p.family}, level {p.level}): {p.question}",
                 "A worked solution, which contains mistakes:" if feedback is None else "The solution now reads:"]
        lines += [f"  {line}" for line in episode.current.render()]
        lines.append(f"  So the answer is {episode.final_text()}.")
        if feedback is not None:
            lines.append(f"Feedback: {feedback.render()}")
        cfg = self.task.config
        lines.append(
            f"Attempts used: {episode.attempts} of {cfg.max_attempts}. Revise steps with one line each, "
            '"Step <number>: <its correct value>"; the steps after a revised one are recomputed.'
        )
        return "\n".join(lines)


class StepRevisionVectorView(View):
    """Discrete (step, correction) choices with masks (see the module docstring)."""

    def __init__(self, task: StepRevisionTask):
        super().__init__(task)
        cfg = task.config
        self.s, self.c = cfg.max_steps, cfg.n_corrections
        self.action_space = spaces.Discrete(self.s * self.c)
        self.observation_space = spaces.Dict({
            "steps": spaces.Box(-1.0, 1.0, (self.s * N_STEP,), dtype=np.float32),
            "corrections": spaces.Box(-1.0, 1.0, (self.s * self.c * N_CORRECTION,), dtype=np.float32),
            "feedback": spaces.Box(0.0, 1.0, (5,), dtype=np.float32),
        })
        self.episode: StepEpisode | None = None
        self.slots: list[list] = []

    def action_masks(self) -> np.ndarray:
        mask = np.zeros((self.s, self.c), dtype=bool)
        for i, options in enumerate(self.slots[: self.s]):
            mask[i, : len(options)] = True
        return mask.reshape(-1)

    def decode(self, action: Any) -> Any:
        step, slot = divmod(int(action), self.c)
        if step >= len(self.slots) or slot >= len(self.slots[step]):
            return InvalidAttempt(f"Action {int(action)} (step {step + 1}, correction {slot + 1}) is not offered.")
        return [(step, self.slots[step][slot])]

    def encode(self, episode: StepEpisode, feedback) -> dict[str, np.ndarray]:
        self.episode = episode
        level = self.task.config.feedback
        values = episode.current.values()
        answer_steps = set(episode.reference.answer_steps)
        self.slots = [corrections(episode, i, self.c) for i in range(episode.n_steps)]
        steps = np.zeros((self.s, N_STEP), dtype=np.float32)
        corr = np.zeros((self.s, self.c, N_CORRECTION), dtype=np.float32)
        first_wrong = feedback.first_wrong if feedback is not None and feedback.valid else -1
        for i, step in enumerate(episode.current.steps[: self.s]):
            v = values[i]
            steps[i, :5] = (1.0, float(i in answer_steps), slog(v), float(v is not None and v.denominator == 1),
                            float(v is None))
            steps[i, 5] = float(i in episode.revised)
            steps[i, 6] = float(level == "step" and i == first_wrong)
            steps[i, 7 + OP_NAMES.index(step.op)] = 1.0
            for j, option in enumerate(self.slots[i]):
                w = option.compute(values)  # a step reads only earlier values
                corr[i, j] = (1.0, slog(w), float(w is None))
        fb = np.zeros(5, dtype=np.float32)
        fb[0] = min(1.0, episode.attempts / self.task.config.max_attempts)
        if feedback is not None:
            fb[1] = float(not feedback.valid)
            if feedback.valid and level in ("binary", "step"):
                fb[2] = float(feedback.final_correct)
            if feedback.valid and level == "step":
                fb[3] = (first_wrong + 1) / self.s if first_wrong >= 0 else 0.0
                fb[4] = float(first_wrong < 0)
        return {"steps": steps.reshape(-1), "corrections": corr.reshape(-1), "feedback": fb}


__all__ = ["MathRevisionTextView", "MathRevisionVectorView", "StepRevisionTextView", "StepRevisionVectorView",
           "consistent", "slog"]
