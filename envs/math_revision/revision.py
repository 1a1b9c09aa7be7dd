"""MathRevision: answer a problem, read the feedback, revise (see ``task.py`` for the reward)."""

from __future__ import annotations

import dataclasses
from typing import Any

from loopgym.core import InvalidAttempt, Task

from .distractors import Parts, error_finals
from .feedback import AnswerFeedback
from .generators import Draw
from .steps import InjectedError, MathProblem, Solution, fmt, inject, render_step
from .task import MathRevisionConfig, sample_problem
from .verify import Verdict, verify


@dataclasses.dataclass
class RevisionEpisode:
    """One episode's state: the problem, the (flawed) solution shown, the answers so far."""

    problem: MathProblem
    shown: Solution | None = None
    errors: tuple[InjectedError, ...] = ()
    history: list[AnswerFeedback] = dataclasses.field(default_factory=list)
    #: steps of the reference solution the hints have shown
    revealed: list[int] = dataclasses.field(default_factory=list)
    attempts: int = 0
    _finals: dict[Parts, tuple[int, str]] | None = None
    #: the vector view's candidate answers (filled by the view) and their canonical texts
    candidates: list | None = None
    canonical: dict = dataclasses.field(default_factory=dict)

    @property
    def finals(self) -> dict[Parts, tuple[int, str]]:
        """Wrong answers one erroneous step gives -> (that step, error class); computed when needed."""
        if self._finals is None:
            finals = error_finals(self.problem)
            if self.shown is not None and self.errors:
                shown_final = self.shown.final(self.problem.answer.kind)
                finals[shown_final] = (self.errors[0].step, self.errors[0].kind)
            self._finals = finals
        return self._finals


def given_parts(verdict: Verdict, kind: str) -> Parts | None:
    """The answer's parts as the diagnosis map keys them (None when a part is missing)."""
    if kind == "set":
        return tuple(sorted(set(verdict.values)))
    if any(g is None for g in verdict.given):
        return None
    return tuple(verdict.given)


class MathRevisionTask(Task[MathRevisionConfig]):
    Config = MathRevisionConfig
    reset_options = ("family", "level", "index")

    def __init__(self, config: MathRevisionConfig):
        super().__init__(config)
        # an instance attribute: the config decides whether a right answer ends the episode
        self.stop_when_solved = config.stop_on_correct

    @property
    def max_attempts(self) -> int:
        return self.config.max_attempts

    def sample(self, rng, **options: Any) -> RevisionEpisode:
        problem = sample_problem(self.config, rng, options)
        episode = RevisionEpisode(problem)
        if self.config.show_solution and problem.solution.steps:
            shown, errors = inject(problem.solution, Draw("flaw", problem.uid), self.config.n_errors,
                                   pool=problem.params, answer_kind=problem.answer.kind)
            if errors:
                episode.shown, episode.errors = shown, errors
        return episode

    def evaluate(self, episode: RevisionEpisode, attempt: Any, rng) -> AnswerFeedback:
        cfg = self.config
        episode.attempts += 1
        answer = episode.problem.answer
        base = {"level": cfg.feedback, "kind": answer.kind,
                "names": list(answer.names) or [answer.variable] * len(answer.values)}
        if isinstance(attempt, InvalidAttempt):
            verdict = None
            fb = AnswerFeedback(reward=-cfg.attempt_cost, gold=0.0, solved=False, valid=False,
                                message=attempt.reason, **base)
        else:
            verdict = verify(attempt, answer)
            if not verdict.readable:
                fb = AnswerFeedback(
                    reward=-cfg.attempt_cost, gold=0.0, solved=False, valid=False,
                    message=f"Could not read an answer: {verdict.reason}. Reply with the answer only "
                    "(a number, or the parts asked for), or put it in \\boxed{}.", **base)
            else:
                ok = verdict.correct
                fb = AnswerFeedback(
                    reward=cfg.correct_reward * ok - cfg.attempt_cost,
                    gold=float(ok),
                    solved=ok,
                    correct=ok,
                    answer=verdict.canonical,
                    parts=list(verdict.parts),
                    direction=list(verdict.direction),
                    extra=int(verdict.extra),
                    given=["" if g is None else fmt(g) for g in verdict.given],
                    note=verdict.reason,
                    **base,
                )
                if cfg.feedback == "hint" and not ok:
                    fb.hint, fb.hint_step = self._hint(episode, verdict)
        episode.history.append(fb)
        return fb

    def _hint(self, episode: RevisionEpisode, verdict: Verdict) -> tuple[str, int]:
        problem = episode.problem
        solution = problem.solution
        if not solution.steps:
            return "(No worked solution is available for this problem, so no hint.)", -1
        values = solution.values()
        key = given_parts(verdict, problem.answer.kind)
        hit = episode.finals.get(key) if key is not None else None
        if hit is not None:
            step = hit[0]
            where = "the shown solution's" if episode.shown is not None else "a solution's"
            text = (f"Your answer is what you get when step {step + 1} of {where} working goes wrong. "
                    f"Done right: {render_step(solution.steps[step], values, step)}")
        else:
            unseen = [i for i in range(len(solution.steps)) if i not in episode.revealed]
            if not unseen:
                last = len(solution.steps) - 1
                return f"Every step has been shown; the last: {render_step(solution.steps[last], values, last)}", last
            step = unseen[0]
            text = f"Hint: {render_step(solution.steps[step], values, step)}"
        if step not in episode.revealed:
            episode.revealed.append(step)
        return text, step

    def step_info(self, episode: RevisionEpisode, feedback: AnswerFeedback) -> dict[str, Any]:
        p = episode.problem
        return {
            "problem_id": p.uid,
            "family": p.family,
            "level": p.level,
            "answer": feedback.answer,
            "correct": bool(feedback.correct),
        }


def answer_text(parts: Parts, problem: MathProblem) -> str:
    """Parts written in the answer's own form (named parts by name; no unit), as the verifier reads them."""
    return dataclasses.replace(problem.answer, values=tuple(parts), unit="").text()
