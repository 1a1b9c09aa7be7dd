"""Dueling-bandit policies (RUCB, CopelandUCB), acting through loopgym's Agent protocol.

They play DuelingBandit only (two arms per step, only the winner visible) and learn from
``info["feedback"]["arms"]`` and ``["winner"]``; the hidden ``gold`` and ``regret`` are never read. On a
single-arm variant ``reset`` raises a ValueError that names the single-arm policies to use instead.
Seeding and tie-breaking follow :mod:`loopgym.baselines.bandit_policies`.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from typing import Any

import gymnasium as gym
import numpy as np

from loopgym.agents import agent_rng
from loopgym.config import check_float

from .bandit_policies import argmax, bandit_task


class DuelingPolicy(ABC):
    """Shared plumbing for DuelingBandit: ``wins[i, j]`` counts the duels arm i won against arm j.

    ``upper()`` is the optimistic preference matrix of RUCB: ``u[i, j] = wins[i, j] / n[i, j] +
    sqrt(alpha ln t / n[i, j])`` with ``n = wins + wins^T`` (1 for pairs never compared), ``u[i, i] = 1/2``.
    """

    view = "vector"

    def __init__(self, alpha: float = 0.51):
        self.alpha = check_float("alpha", alpha, low=0.0, low_open=True)

    def reset(self, env: gym.Env, *, seed: int | None = None) -> None:
        task = bandit_task(self, env, dueling=True)
        self.k = task.config.n_arms
        self.rng = agent_rng(seed)
        self.wins = np.zeros((self.k, self.k))
        self.t = 0
        self.hypothesis = -1

    def upper(self) -> np.ndarray:
        n = self.wins + self.wins.T
        safe = np.maximum(n, 1.0)
        u = np.where(n > 0, self.wins / safe + np.sqrt(self.alpha * math.log(self.t) / safe), 1.0)
        np.fill_diagonal(u, 0.5)
        return u

    def act(self, observation: Any) -> np.ndarray:
        self.t += 1
        return np.array(self.choose(self.upper()), dtype=np.int64)

    @abstractmethod
    def choose(self, u: np.ndarray) -> tuple[int, int]:
        """The pair to duel, given the optimistic preference matrix ``u``."""

    def observe(self, action: Any, reward: float, observation: Any, info: dict[str, Any]) -> None:
        fb = info["feedback"]
        if not fb["valid"]:
            return
        i, j = (int(a) for a in fb["arms"])
        if i != j:  # an arm against itself is a tie and says nothing
            winner = int(fb["winner"])
            self.wins[winner, j if winner == i else i] += 1


class RUCB(DuelingPolicy):
    """Relative UCB (Zoghi, Whiteson, Munos & de Rijke, ICML 2014, Alg. 1), ``alpha > 1/2``.

    Candidates C = arms whose optimistic preference beats or ties every arm (``u[c, j] >= 1/2`` for
    all j). No candidate: c is uniform over all arms. One candidate: it becomes the hypothesised best
    arm B and is c. Several: c is B with probability 1/2 (when B is still a candidate), else uniform
    over the others. The opponent is ``d = argmax_j u[j, c]``, the arm most likely to beat c, ties at
    random and d != c when tied. Once c confidently beats every arm, d = c and the duel costs nothing.
    """

    def choose(self, u: np.ndarray) -> tuple[int, int]:
        candidates = np.flatnonzero((u >= 0.5).all(axis=1))
        if self.hypothesis not in candidates:
            self.hypothesis = -1
        if len(candidates) == 0:
            c = int(self.rng.integers(self.k))
        elif len(candidates) == 1:
            c = self.hypothesis = int(candidates[0])
        elif self.hypothesis >= 0 and self.rng.random() < 0.5:
            c = self.hypothesis
        else:
            others = candidates[candidates != self.hypothesis]
            c = int(others[self.rng.integers(len(others))])
        col = u[:, c]
        best = np.flatnonzero(col == col.max())
        if len(best) > 1:
            best = best[best != c]
        return c, int(best[self.rng.integers(len(best))])


class CopelandUCB(DuelingPolicy):
    """Copeland dueling with confidence bounds: a simplified Copeland Confidence Bound (after CCB,
    Zoghi, Karnin, Whiteson & de Rijke, NeurIPS 2015), which aims at a Copeland winner (the arm that
    beats the most others) and so needs no Condorcet winner.

    With RUCB's optimistic matrix ``u`` (:class:`DuelingPolicy`) and the pessimistic ``l = 1 - u^T``:

    1. Optimistic Copeland score ``#{j != i : u[i, j] >= 1/2}`` (rivals arm i could still beat) and
       pessimistic score ``#{j != i : l[i, j] > 1/2}`` (rivals it has already beaten for sure).
    2. The candidate c: among the arms with the highest optimistic score, the one with the highest
       pessimistic score (ties at random): optimism to keep contenders, evidence to pick among them.
    3. A pair is unresolved while ``u[c, j] >= 1/2`` and ``u[j, c] >= 1/2`` (neither arm shown to
       win). The opponent d is the unresolved rival most likely to beat c (``argmax_j u[j, c]``, ties
       at random): each such duel either confirms c or lowers its optimistic score.
    4. When all of c's duels are resolved its score is exact and no arm can score higher, so c is a
       Copeland winner: d = c, comparing the winner with itself (zero regret).
    """

    def choose(self, u: np.ndarray) -> tuple[int, int]:
        above = u >= 0.5
        optimistic = above.sum(axis=1)
        pessimistic = (u.T < 0.5).sum(axis=1)  # l[i, j] = 1 - u[j, i] > 1/2
        contenders = optimistic == optimistic.max()
        c = argmax(np.where(contenders, pessimistic, -1).astype(float), self.rng)
        unresolved = above[:, c] & above[c, :]
        unresolved[c] = False
        if not unresolved.any():
            return c, c
        rivals = np.flatnonzero(unresolved)
        return c, int(rivals[argmax(u[rivals, c], self.rng)])
