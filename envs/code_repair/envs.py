"""The code-repair environment, documented in Gymnasium's sections."""

from __future__ import annotations

from loopgym.core import LoopEnv

from .task import CodeRepairTask
from .views import CodeRepairTextView, CodeRepairVectorView


class CodeRepair(LoopEnv):
    """Repair a buggy Python function from test feedback; hidden tests decide the score.

    ## Description
    Each episode is one program with injected bugs (or a task from a HumanEvalPack-style file). The
    agent proposes fixes; every attempt runs in :mod:`loopgym.sandbox` (a confined single-use process)
    against a few *visible* tests, whose results are the feedback, and at least ten *hidden* tests,
    which decide ``gold``. The shipped corpus has reference programs in seven categories, split by
    program into ``train`` and held-out ``test``; bugs come from twelve AST mutation operators.

    ## Action Space
    text: a whole program (free text; a fenced ```python block inside a longer answer is taken).
    vector: ``Discrete(n_candidates)`` over candidate edits of the current program (the repair
    blocks plus mutation distractors, shuffled); ``env.action_masks()`` marks the filled slots.

    ## Observation Space
    text: the task, the signature, the current program with line numbers and the feedback.
    vector: ``Dict(candidates=Box(n_candidates * 17), feedback=Box(10))`` of features in [0, 1]: per
    candidate its bug class, position, span, Ochiai suspiciousness from per-case line coverage and
    whether it touches the error line; global pass fraction, error kind, attempt and size.

    ## Feedback
    ``feedback="none" | "binary" | "tests" | "trace"`` (default ``trace``): nothing; whether all visible
    tests pass; which visible tests fail with input, expected and actual; plus the traceback and line.
    A program that does not parse or lacks the function is answered with the reason (an attempt spent).

    ## Rewards
    ``shaping * (v_t - v_{t-1}) + solve_bonus * solved - attempt_cost``, with ``v_t`` the visible pass
    fraction (``v_0`` that of the buggy program). ``info["gold"]`` is the hidden pass fraction.

    ## Starting State
    A task drawn from the selected ones (or ``reset(options={"task_id": ...})``); the observation
    already shows the buggy program's test results.

    ## Episode End
    Terminated when every hidden test passes (``info["success"]``); truncated after ``max_attempts``.

    ## Arguments
    ``tasks=None`` (a JSONL path in the HumanEvalPack layout instead of the corpus), ``split="train"``
    (``"test"``, ``"all"``), ``bugs=None`` (1-3), ``size="any"`` (``small``/``medium``/``large``),
    ``feedback="trace"``, ``max_attempts=8``, ``timeout_s=1.0``, ``memory_mb=256``,
    ``n_candidates=32``, ``shaping=1.0``, ``solve_bonus=1.0``, ``attempt_cost=0.05``,
    ``cache_size=4096`` (sandbox reports kept per env, keyed by task and program, so a program met
    again is not run again; 0 runs every attempt).

    ## Version History
    * v0: initial version.
    """

    task_cls = CodeRepairTask
    views = {"vector": CodeRepairVectorView, "text": CodeRepairTextView}


ALL = (CodeRepair,)
