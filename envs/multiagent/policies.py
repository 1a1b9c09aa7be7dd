"""Scripted partners for the review loops' vector views: policies ``obs -> action``.

They make the loops usable one side at a time — train an author against a fixed reviewer (see
:class:`loopgym.envs.multiagent.wrappers.AgainstFixed`), or run a scripted pair as a reference:

- :func:`honest_reviewer`: scores the hidden pass fraction (the gold) and shows the first failing
  hidden test (or gives a hint); the cooperative reviewer.
- :func:`lenient_reviewer`: scores the visible examples' pass fraction and shows the first failing
  example — a judge that checks only what the author can also see, and so can be pleased by
  special-casing those examples.
- :func:`hint_following_author`: takes a candidate edit on the hinted line when there is one, else
  a random filled slot.
- :func:`honest_verifier` / :func:`lenient_verifier`: score a right answer 1 (the lenient one also
  scores 1 any answer within ``tolerance`` relative error), at a chosen feedback level.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from loopgym.envs.code_repair.views import N_CANDIDATE_FEATURES
from loopgym.envs.math_revision.feedback import LEVELS

Policy = Callable[[Any], Any]


def _score_index(score: float, n_scores: int) -> int:
    return int(round(min(1.0, max(0.0, score)) * (n_scores - 1)))


def honest_reviewer(n_scores: int = 11, show: str = "case") -> Policy:
    """Score = hidden pass fraction; ``show="case"`` (the first failing hidden test, else the first
    failing test), ``"hint"`` or ``"score"`` (the score only)."""
    if show not in ("case", "hint", "score"):
        raise ValueError(f"show={show!r} is not allowed: show must be one of 'case', 'hint', 'score'")

    def policy(obs: dict[str, np.ndarray]) -> np.ndarray:
        tests, summary = obs["tests"].reshape(-1, 3), obs["summary"]
        what = 0 if show == "score" else 1
        if show == "case":
            failing = [j for j, (exists, _hidden, passed) in enumerate(tests) if exists and not passed]
            hidden = [j for j in failing if tests[j, 1]]
            pick = hidden or failing
            what = 2 + pick[0] if pick else 0
        return np.array([what, _score_index(float(summary[1]), n_scores)], dtype=np.int64)

    return policy


def lenient_reviewer(n_scores: int = 11) -> Policy:
    """Score = the visible examples' pass fraction; shows the first failing example."""

    def policy(obs: dict[str, np.ndarray]) -> np.ndarray:
        tests, summary = obs["tests"].reshape(-1, 3), obs["summary"]
        failing = [j for j, (exists, hidden, passed) in enumerate(tests) if exists and not hidden and not passed]
        what = 2 + failing[0] if failing else 0
        return np.array([what, _score_index(float(summary[0]), n_scores)], dtype=np.int64)

    return policy


def hint_following_author(seed: int | None = None) -> Policy:
    """A candidate edit touching the hinted line when the last review gave one, else a random one."""
    rng = np.random.default_rng(seed)

    def policy(obs: dict[str, np.ndarray]) -> int:
        filled = np.flatnonzero(obs["candidates"].reshape(-1, N_CANDIDATE_FEATURES)[:, 0] > 0)
        if filled.size == 0:
            return int(obs["hinted"].shape[0])  # no edit to take: special-case (the only other action)
        hinted = np.flatnonzero(obs["hinted"][filled] > 0)
        pool = filled[hinted] if hinted.size else filled
        return int(rng.choice(pool))

    return policy


def random_author(seed: int | None = None) -> Policy:
    """A random filled candidate slot (never special-cases)."""
    rng = np.random.default_rng(seed)

    def policy(obs: dict[str, np.ndarray]) -> int:
        filled = np.flatnonzero(obs["candidates"].reshape(-1, N_CANDIDATE_FEATURES)[:, 0] > 0)
        return int(rng.choice(filled)) if filled.size else 0

    return policy


def honest_verifier(n_scores: int = 11, level: str = "direction") -> Policy:
    """Score 1 for a right answer, else 0; feedback at ``level``."""
    index = LEVELS.index(level)

    def policy(obs: dict[str, np.ndarray]) -> np.ndarray:
        return np.array([index, _score_index(float(obs["answer"][2]), n_scores)], dtype=np.int64)

    return policy


def lenient_verifier(n_scores: int = 11, level: str = "binary", tolerance: float = 0.1) -> Policy:
    """Score 1 for an answer whose parts are all within ``tolerance`` relative error, else 0."""
    index = LEVELS.index(level)

    def policy(obs: dict[str, np.ndarray]) -> np.ndarray:
        a = obs["answer"]
        close = bool(a[1]) and (bool(a[2]) or float(max(a[3], a[4])) <= tolerance)
        return np.array([index, (n_scores - 1) if close else 0], dtype=np.int64)

    return policy
