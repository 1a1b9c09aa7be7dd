"""The math environments, documented in Gymnasium's sections."""

from __future__ import annotations

from loopgym.core import LoopEnv

from .revision import MathRevisionTask
from .step_revision import StepRevisionTask
from .views import MathRevisionTextView, MathRevisionVectorView, StepRevisionTextView, StepRevisionVectorView


class MathRevision(LoopEnv):
    """Answer a generated math problem, read the verifier's feedback, revise.

    ## Description
    Each episode is one problem from ten generators we wrote (``arithmetic``, ``fractions``,
    ``percentages``, ``linear``, ``systems``, ``quadratics``, ``modular``, ``sequences``, ``units``,
    ``word_problems``), at a difficulty level 1-5, with an exact answer (a number, an ordered pair or a
    set of roots) and a worked solution. Problems never run out (each episode draws a seed), or come
    from a fixed set (``problem_seed``). With ``show_solution=True`` the observation also shows a worked
    solution with injected errors, to be revised. Answers are judged by an exact verifier that accepts
    every equivalent form (``3/4``, ``0.75``, ``\\frac{3}{4}``, ``x = 0.75``, ``\\boxed{3/4}``, sets in any
    order) and rejects partial answers and lists that merely contain the right one.

    ## Action Space
    text: free text, read as the final answer (``\\boxed{}`` or "the answer is" inside a longer reply).
    vector: ``Discrete(n_candidates)`` over candidate answers: the right one and wrong ones that a single
    erroneous step gives, topped up with perturbed values, shuffled per problem; ``env.action_masks()``
    marks the filled slots (with ``mask_ruled_out=True``, only the candidates not yet tried and not
    ruled out by the feedback so far: the env does the elimination and the policy learns the choice).

    ## Observation Space
    text: the problem (and the flawed solution), every answer so far with its feedback, the attempts
    left. vector: ``Dict(problem=Box(25), candidates=Box(n_candidates * 16), feedback=Box(8))``; see
    ``loopgym.envs.math_revision.views``. What a learned vector policy can exploit: the feedback marks
    (which candidates are ruled out, too high, partly right) — enough to learn elimination and
    bisection — and priors over candidates (the right answer is more often a whole number, and near
    values cluster around it). What it cannot: the right candidate is never marked before it is tried,
    positions are shuffled per problem, and computing the answer from the question's numbers is beyond
    what the encoding makes easy (the numbers are there, signed-log scaled, but not the operations).

    ## Feedback
    ``feedback="none" | "binary" | "direction" | "component" | "hint"`` (default ``binary``): "try
    again" only; right or wrong; per part too high / too low; which parts are right; one step of a
    worked solution — the step whose error explains the answer, or the next one (leaks the answer by
    design, one step per attempt). ``direction`` costs information, not reward: each answer yields about
    one bit, so bisection needs ``ceil(log2(n))`` attempts over ``n`` candidates (4 of the default
    16), each paying ``attempt_cost``. An unreadable answer is told why (an attempt spent).

    ## Rewards
    ``correct_reward * correct - attempt_cost`` per attempt. ``info["gold"]`` is 1 for a right answer.

    ## Starting State
    A problem drawn by ``reset(seed)``; ``reset(options={"family": ..., "level": ..., "index": ...})``
    fixes the family, the level or the problem index (of ``problem_seed``, default 0).

    ## Episode End
    Terminated on a right answer when ``stop_on_correct`` (default); truncated after ``max_attempts``.
    With ``stop_on_correct=False`` every episode runs ``max_attempts`` turns, so right-to-wrong flips
    can be measured (``scoring.revision_metrics``).

    ## Arguments
    ``families="all"`` (a name, a list, or ``"rg:<reasoning-gym dataset>"`` entries), ``level=1``,
    ``feedback="binary"``, ``max_attempts=5``, ``stop_on_correct=True``, ``show_solution=False``,
    ``n_errors=1``, ``problem_seed=None``, ``n_problems=1000``, ``correct_reward=1.0``,
    ``attempt_cost=0.05``, ``n_candidates=16``, ``mask_ruled_out=False``.

    ## Version History
    * v0: initial version.
    """

    task_cls = MathRevisionTask
    views = {"vector": MathRevisionVectorView, "text": MathRevisionTextView}


class StepRevision(LoopEnv):
    """Find and fix the injected errors in a worked math solution; later steps are recomputed.

    ## Description
    Each episode shows a worked solution of a generated problem (the MathRevision generators) with
    ``n_errors`` injected errors of five classes: arithmetic slip, sign error, wrong operation, dropped
    term, number copied wrong. A revision replaces steps; the environment recomputes every step after a
    revised one from it. Solved when every step is right (so the final answer is right too).

    ## Action Space
    text: lines ``Step <k>: <value>`` (``Step 3: 6 × 7 = 42`` works: the value after the last ``=``
    counts), any number per attempt. vector: ``Discrete(max_steps * n_corrections)``: (step,
    correction) where a step's corrections are its present version, its correct formula and error
    versions, shuffled per step; ``env.action_masks()`` marks the real ones.

    ## Observation Space
    text: the problem, the solution as it now reads (each step with its values), its final answer and
    the feedback. vector: ``Dict(steps=Box(max_steps * 18), corrections=Box(max_steps * n_corrections *
    3), feedback=Box(5))``; see ``loopgym.envs.math_revision.views``.

    ## Feedback
    ``feedback="none" | "binary" | "step"`` (default ``step``): nothing; whether the final answer is
    right; which step is the first wrong one.

    ## Rewards
    ``solve_bonus * solved + shaping * (w_{t-1} - w_t) / n_steps - attempt_cost`` with ``w_t`` the number
    of wrong steps (``shaping=0`` by default, so the feedback level alone decides what is learned).

    ## Starting State
    A problem with 2 to ``max_steps`` steps and its flawed solution, drawn by ``reset(seed)``; the
    options ``family``, ``level`` and ``index`` fix them.

    ## Episode End
    Terminated when every step is right; truncated after ``max_attempts``.

    ## Arguments
    ``families="all"``, ``level=2``, ``feedback="step"``, ``n_errors=1``, ``error_classes="all"``,
    ``max_attempts=6``, ``max_steps=12``, ``n_corrections=4``, ``problem_seed=None``,
    ``n_problems=1000``, ``solve_bonus=1.0``, ``shaping=0.0``, ``attempt_cost=0.05``.

    ## Version History
    * v0: initial version.
    """

    task_cls = StepRevisionTask
    views = {"vector": StepRevisionVectorView, "text": StepRevisionTextView}


ALL = (MathRevision, StepRevision)
