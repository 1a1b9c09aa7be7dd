"""``solver_verifier_v0``: a solver answers a math problem; a verifier who knows the answer decides
what the solver is told. The loop, its rewards and both APIs: :mod:`.review_loop`.

Every answer is judged by loopgym's exact verifier (``gold`` 1 for a right answer). The verifier
chooses a feedback level for it — ``none``, ``binary``, ``direction``, ``component`` or ``hint``, as
in ``loopgym/MathRevision-v0`` (the feedback is always true at the level chosen) — and a score.

Vector views (float32):

solver observation ``Dict``: ``problem``, ``candidates`` and ``feedback`` exactly as
MathRevision's vector view, each past answer's marks read at the level the verifier chose for it;
``review`` ``Box(0, 1, (7,))``: ``[reviewed, score, level one-hot (5)]``.
solver action ``Discrete(n_candidates)``: a candidate answer.

verifier observation ``Dict``: ``problem`` as the solver's; ``answer`` ``Box(0, 1, (9,))``:
``[answered, readable, right, relative error of part 1, of part 2 (|given - true| / max(1, |true|),
clipped to 1), part 1 too high, part 2 too high, equals the shown flawed solution's answer, round /
max_cycles]``.
verifier action ``MultiDiscrete([5, n_scores])``: the level (in the order above) and the score.

Text views: the solver reads the problem (and a flawed worked solution with ``show_solution``) and
its answers with their feedback, and answers in words; the verifier reads the problem, the right
answer, a correct worked solution and the latest answer with its verdict, and writes a review with
``score: x`` (required) and ``level: <name>`` (default ``binary``), passed on to the solver.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
from gymnasium import spaces

from loopgym.core import FreeText
from loopgym.envs.code_repair.feedback import short
from loopgym.envs.math_revision.feedback import LEVELS, AnswerFeedback
from loopgym.envs.math_revision.revision import MathRevisionTask, RevisionEpisode, answer_text
from loopgym.envs.math_revision.task import MathRevisionConfig
from loopgym.envs.math_revision.verify import verify
from loopgym.envs.math_revision.views import (
    N_PROBLEM,
    MathRevisionTextView,
    MathRevisionVectorView,
    problem_features,
)

from .review_loop import Domain, LoopConfig, Review, ReviewLoopAEC, Submission, make_module, task_config
from .text_review import parse_level

SOLVER, VERIFIER = "solver", "verifier"
N_REVIEW = 2 + len(LEVELS)
N_ANSWER = 9
REVIEW_CHARS = 1000


@dataclasses.dataclass
class MathReviewState:
    episode: RevisionEpisode
    round: int = 0
    last_attempt: str = ""
    reviews: list[tuple[Review, int]] = dataclasses.field(default_factory=list)
    review_note: str = ""


class _SolverVectorView(MathRevisionVectorView):
    def feedback_level(self, episode: RevisionEpisode) -> str:
        return episode.history[-1].level if episode.history else "none"


class MathReviewDomain(Domain):
    proposer, judge = SOLVER, VERIFIER

    def __init__(self, view: str, loop: LoopConfig, kwargs: dict[str, Any]):
        super().__init__(view, loop)
        config = task_config(
            MathRevisionConfig, kwargs, owner="solver_verifier_v0",
            fixed={"feedback": "binary", "max_attempts": loop.max_cycles, "stop_on_correct": False,
                   "correct_reward": 1.0},
            why="the verifier decides the feedback and the loop the rewards",
        )  # fmt: skip
        self.task = MathRevisionTask(config)
        self.text_view = MathRevisionTextView(self.task)
        self.vector = _SolverVectorView(self.task)
        if view == "vector":
            problem = spaces.Box(-1.0, 1.0, (N_PROBLEM,), dtype=np.float32)
            self.observation_spaces = {
                SOLVER: spaces.Dict({**self.vector.observation_space.spaces,
                                     "review": spaces.Box(0.0, 1.0, (N_REVIEW,), dtype=np.float32)}),
                VERIFIER: spaces.Dict({"problem": problem,
                                       "answer": spaces.Box(0.0, 1.0, (N_ANSWER,), dtype=np.float32)}),
            }  # fmt: skip
            self.action_spaces = {
                SOLVER: self.vector.action_space,
                VERIFIER: spaces.MultiDiscrete([len(LEVELS), loop.n_scores]),
            }
        else:
            self.observation_spaces = {a: FreeText(max_length=65536) for a in (SOLVER, VERIFIER)}
            self.action_spaces = {SOLVER: FreeText(max_length=4096), VERIFIER: FreeText(max_length=4096)}

    def sample(self, rng, options: dict[str, Any]) -> MathReviewState:
        # keys other than the task's are ignored: PettingZoo's API test resets with options to be ignored
        known = {k: v for k, v in options.items() if k in self.task.reset_options}
        return MathReviewState(self.task.sample(rng, **known))

    def submit(self, state: MathReviewState, action: Any, rng) -> Submission:
        ep = state.episode
        state.round += 1
        if self.view == "vector":
            self.vector.episode = ep
            attempt = self.vector.decode(action)
        else:
            attempt = action
        state.last_attempt = attempt if isinstance(attempt, str) else ""
        fb = self.task.evaluate(ep, attempt, rng)
        # until the verifier picks the level, the answer's feedback says nothing about it
        fb.level = "none"
        return Submission(gold=float(fb.gold), solved=bool(fb.correct), valid=fb.valid, message=fb.message)

    def review(self, state: MathReviewState, action: Any) -> Review:
        if self.view == "vector":
            level, score, note, free = LEVELS[int(action[0])], self.score_of(int(action[1])), "", ""
        else:
            parsed = parse_level(action, LEVELS, default="binary")
            level, score, note, free = parsed.level, parsed.score, parsed.note, short(action.strip(), REVIEW_CHARS)
        state.review_note = note
        ep = state.episode
        parts = [free] if free else []
        if note:
            parts.append(f"(The verifier's message could not be fully read: {note})")
        if state.round == 0 or not ep.history:
            parts.append("(No answer to review yet.)")
        else:
            fb = ep.history[-1]
            fb.level = level
            if level == "hint" and fb.valid and not fb.correct:
                fb.hint, fb.hint_step = self.task._hint(ep, verify(state.last_attempt, ep.problem.answer))
            parts.append(fb.render())
        parts.append(f"Score: {score:.2f}.")
        review = Review(score=score, kind=level, text=" ".join(parts), valid=not note)
        state.reviews.append((review, state.round))
        return review

    # -------------------------------------------------------------------------------- observations
    def observe(self, state: MathReviewState, agent: str) -> Any:
        if self.view == "text":
            return self._solver_text(state) if agent == SOLVER else self._verifier_text(state)
        return self._solver_vector(state) if agent == SOLVER else self._verifier_vector(state)

    def _solver_vector(self, state: MathReviewState) -> dict[str, np.ndarray]:
        ep = state.episode
        last = ep.history[-1] if ep.history else None
        obs = self.vector.encode(ep, last)
        review = np.zeros(N_REVIEW, dtype=np.float32)
        if state.reviews:
            rev, _ = state.reviews[-1]
            review[0], review[1] = 1.0, rev.score
            review[2 + LEVELS.index(rev.kind)] = 1.0
        return {**obs, "review": review}

    def _verifier_vector(self, state: MathReviewState) -> dict[str, np.ndarray]:
        ep = state.episode
        p = ep.problem
        out = np.zeros(N_ANSWER, dtype=np.float32)
        if state.round and ep.history:
            fb: AnswerFeedback = ep.history[-1]
            out[0], out[1], out[2] = 1.0, float(fb.valid), float(fb.correct)
            verdict = verify(state.last_attempt, p.answer) if fb.valid else None
            if verdict is not None and p.answer.kind != "set":
                for j, (g, t) in enumerate(zip(verdict.given[:2], p.answer.values[:2], strict=False)):
                    if g is None:
                        out[3 + j] = 1.0
                        continue
                    out[3 + j] = min(1.0, float(abs(g - t)) / max(1.0, float(abs(t))))
                    out[5 + j] = float(g > t)
            if ep.shown is not None and verdict is not None:
                shown = ep.shown.final(p.answer.kind)
                if all(v is not None for v in shown):
                    flawed = verify(answer_text(shown, p), p.answer).canonical
                    out[7] = float(bool(fb.answer) and fb.answer == flawed and not fb.correct)
        out[8] = min(1.0, state.round / self.loop.max_cycles)
        return {"problem": problem_features(p), "answer": out}

    def _solver_text(self, state: MathReviewState) -> str:
        ep = state.episode
        text = self.text_view.encode(ep, ep.history[-1] if ep.history else None)
        lines = [text]
        if state.reviews:
            lines.append("The verifier's reviews (latest last):")
            lines += [f"  round {at}: {rev.text}" for rev, at in state.reviews[-3:]]
        return "\n".join(lines)

    def _verifier_text(self, state: MathReviewState) -> str:
        ep = state.episode
        p = ep.problem
        lines = [f"You are the verifier. Problem ({p.family}, level {p.level}): {p.question}",
                 f"The right answer: {p.answer.text()}"]
        if p.solution.steps:
            lines.append("A correct worked solution:")
            lines += [f"  {line}" for line in p.solution.render()]
        if state.round and ep.history:
            fb = ep.history[-1]
            said = short(state.last_attempt, 500)
            if not fb.valid:
                lines.append(f"The solver's answer could not be read ({fb.message}): {said!r}")
            else:
                lines.append(f"The solver's answer: {fb.answer} ({'right' if fb.correct else 'wrong'}).")
        else:
            lines.append("The solver has not answered yet.")
        if state.review_note:
            lines.append(f"Your last review could not be fully read: {state.review_note}")
        lines.append(f"Round {state.round} of {self.loop.max_cycles}. Write your review. It must contain "
                     "'score: x' with x from 0 to 1, and may contain 'level: L' to choose what the solver is "
                     f"told about its answer, L one of {', '.join(LEVELS)} (default binary). Your review is "
                     "passed on to the solver.")
        return "\n".join(lines)

    def step_info(self, state: MathReviewState) -> dict[str, Any]:
        p = state.episode.problem
        last = state.episode.history[-1] if state.episode.history else None
        return {"problem_id": p.uid, "family": p.family, "answer": last.answer if last is not None else ""}


class SolverVerifier(ReviewLoopAEC):
    """A solver answers a math problem; a verifier who knows the answer chooses the feedback.

    ## Description
    MathRevision's generated problems as a two-agent loop. The ``solver`` answers (and revises); the
    exact verifier judges every answer (``gold``); the ``verifier`` agent, who sees the right answer
    and a correct worked solution, chooses what the solver is told — nothing, right or wrong, too high
    or too low, which parts are right, or a hint (one step of a worked solution) — and gives a score.
    ``mode="cooperative"`` rewards both by gold; ``mode="judged"`` rewards the solver by the
    verifier's score and the verifier by agreement with gold (or ``reviewer_reward``). Every review
    reports the judge-gold gap ``score - gold``.

    ## Action Space
    solver — vector: ``Discrete(n_candidates)`` over candidate answers (MathRevision's); text: free
    text read as the final answer. verifier — vector: ``MultiDiscrete([5, n_scores])`` (level,
    score); text: a review with ``score: x`` and optionally ``level: <name>``.

    ## Observation Space
    solver — vector: MathRevision's ``problem``/``candidates``/``feedback`` plus ``review``
    ``Box(7)``; text: the problem, the answers and reviews so far. verifier — vector:
    ``Dict(problem=Box(25), answer=Box(9))``; text: the problem, the right answer, a worked solution,
    the solver's latest answer. Layouts in ``loopgym.envs.multiagent.solver_verifier_v0``.

    ## Feedback
    The level is the verifier's choice per answer; the feedback is true at that level. The score is
    the verifier's own judgement. With ``show_solution=True`` the solver also sees a flawed worked
    solution (a verifier that agrees with it is the failure to look for).

    ## Rewards
    See ``loopgym.envs.multiagent.review_loop``: ``s_t - s_{t-1} - attempt_cost`` per round for the
    solver with ``s`` the gold (cooperative) or the verifier's score (judged); the verifier gets the
    same in cooperative mode and ``1 - |score - gold|`` in judged mode by default.

    ## Starting State
    A problem drawn by ``reset(seed)``; ``reset(options={"family", "level", "index"})`` as MathRevision.
    The solver moves first.

    ## Episode End
    Terminated after a review once the reward's score reaches ``accept`` (a right answer in
    cooperative mode; full marks in judged mode); truncated after ``max_cycles`` rounds.
    ``infos[agent]``: ``round``, ``gold``, ``success``, ``reviewed``, ``score``, ``gap``, ``review``
    (the level chosen), ``problem_id``, ``family``, ``answer``.

    ## Arguments
    ``mode``, ``view``, ``max_cycles=8``, ``accept=1.0``, ``reviewer_reward="agreement"``,
    ``attempt_cost=0.05``, ``n_scores=11``, ``render_mode``, and MathRevision's problem arguments:
    ``families``, ``level``, ``problem_seed``, ``n_problems``, ``show_solution``, ``n_errors``,
    ``n_candidates``, ``mask_ruled_out``.

    ## Version History
    * v0: initial version.
    """

    metadata = {**ReviewLoopAEC.metadata, "name": "solver_verifier_v0"}
    domain_cls = MathReviewDomain


SolverVerifierParallel, env, raw_env, parallel_env = make_module(SolverVerifier)

__all__ = ["SOLVER", "VERIFIER", "SolverVerifier", "SolverVerifierParallel", "env", "parallel_env", "raw_env"]
