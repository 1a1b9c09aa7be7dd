"""Classic single-arm bandit policies, acting through loopgym's Agent protocol (``view = "vector"``).

The dueling-bandit policies (RUCB, CopelandUCB) live in :mod:`loopgym.baselines.dueling_policies`.

Each policy reads the environment in ``reset(env, seed=...)`` (``env.unwrapped.task.config`` for
``n_arms``, ``horizon`` and ``context_dim``; ``task.payoff_kind``), acts on the observation, and learns
only from the visible feedback in ``info["feedback"]``: ``arm`` and ``payoff`` (the payoff before any
switching cost), ``delivered`` on DelayedBandit (``[arm, step pulled, payoff]`` of earlier pulls arriving
now; the current pull's payoff is not visible), ``context`` on ContextualBandit, ``arms`` and
``winner`` on DuelingBandit. The hidden ``gold``, ``regret``, ``cumulative_regret`` and ``success``
are never read. A lost step (``valid == False``) teaches nothing about its own pull; payoffs of
earlier pulls delivered on it are still used. Every random choice comes from one
generator made in ``reset`` from the seed (:func:`agent_rng`), so the same seed gives the same actions.

Arms with no observed payoff yet are pulled first by the index policies (the least-pulled one first,
which spreads the first pulls when payoffs are delayed); ties are broken uniformly at random.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections import deque
from typing import Any

import gymnasium as gym
import numpy as np

from loopgym.agents import agent_rng
from loopgym.config import check_choice, check_float, check_int
from loopgym.envs.bandits.task import BanditTask, DuelingTask


def bandit_task(policy: Any, env: gym.Env, *, dueling: bool) -> BanditTask:
    """The env's bandit task, or a ValueError that says which policy fits ``env`` instead."""
    base, me = env.unwrapped, type(policy).__name__
    name, task = type(base).__name__, getattr(base, "task", None)
    if not isinstance(task, BanditTask):
        raise ValueError(f"{me} plays loopgym bandits only; {name} is not one")
    if getattr(base, "view_name", "vector") != "vector":
        raise ValueError(f"{me} acts on the vector view; make {name} with view='vector'")
    if isinstance(task, DuelingTask) and not dueling:
        raise ValueError(
            f"{me} pulls one arm per step and cannot play {name}, which asks for two arms and shows "
            "only the winner; use RUCB or CopelandUCB there (agents 'rucb', 'copeland-ucb')"
        )
    if dueling and not isinstance(task, DuelingTask):
        raise ValueError(
            f"{me} is a dueling-bandit policy and cannot play {name}, which pulls one arm and shows "
            "its payoff; use a single-arm policy there (UCB1, ThompsonSampling, EXP3, ...)"
        )
    return task


def argmax(values: np.ndarray, rng: np.random.Generator) -> int:
    """Index of the largest value, ties broken uniformly at random."""
    best = np.flatnonzero(values == values.max())
    return int(best[0]) if len(best) == 1 else int(best[rng.integers(len(best))])


class SingleArmPolicy(ABC):
    """Shared plumbing: read the env in ``reset``, route each visible payoff to :meth:`learn`.

    Counters every subclass may use: ``pulls`` (arms chosen), ``n`` and ``total`` (payoffs observed
    per arm and their sum), ``t`` (payoffs observed in all)."""

    view = "vector"

    def reset(self, env: gym.Env, *, seed: int | None = None) -> None:
        task = bandit_task(self, env, dueling=False)
        cfg = task.config
        self.k, self.horizon = cfg.n_arms, cfg.horizon
        self.context_dim = getattr(cfg, "context_dim", 0)
        self.payoff_kind = task.payoff_kind
        self.rng = agent_rng(seed)
        self.pulls, self.n, self.total = np.zeros(self.k), np.zeros(self.k), np.zeros(self.k)
        self.t = 0
        self.start()

    def start(self) -> None:  # noqa: B027  (optional hook: most policies need no state of their own)
        """Set up the policy's own state (called at the end of ``reset``)."""

    @abstractmethod
    def act(self, observation: Any) -> int:
        """The arm to pull."""

    def observe(self, action: Any, reward: float, observation: Any, info: dict[str, Any]) -> None:
        fb = info["feedback"]
        if fb["valid"]:
            self.pulled(int(fb["arm"]), int(fb["step"]))
        if "delivered" in fb:  # DelayedBandit: payoffs of earlier pulls arrive now
            for arm, step, payoff in fb["delivered"]:
                self.learn(int(arm), float(payoff), int(step))
        elif fb["valid"]:
            self.learn(int(fb["arm"]), float(fb["payoff"]), int(fb["step"]))

    def pulled(self, arm: int, step: int) -> None:
        self.pulls[arm] += 1

    def learn(self, arm: int, payoff: float, step: int) -> None:
        self.n[arm] += 1
        self.total[arm] += payoff
        self.t += 1

    def first_look(self, counts: np.ndarray) -> int:
        """An arm with ``counts == 0`` (the least pulled of them), or -1 when every arm has data."""
        if counts.min() > 0:
            return -1
        unseen = np.flatnonzero(counts == 0)
        return int(unseen[np.argmin(self.pulls[unseen])])


class EpsilonGreedy(SingleArmPolicy):
    """ε-greedy (Sutton & Barto, *Reinforcement Learning*, 2nd ed. 2018, §2.2–2.3).

    With probability ε pull an arm uniformly at random; otherwise pull the arm with the highest mean
    observed payoff ``total[a] / n[a]`` (unobserved arms first). With a constant ε the regret grows
    linearly, about ``ε · mean gap · T``; Auer et al. (2002) decay ε to get logarithmic regret.
    """

    def __init__(self, epsilon: float = 0.1):
        self.epsilon = check_float("epsilon", epsilon, low=0.0, high=1.0)

    def act(self, observation: Any) -> int:
        if self.rng.random() < self.epsilon:
            return int(self.rng.integers(self.k))
        arm = self.first_look(self.n)
        return arm if arm >= 0 else argmax(self.total / self.n, self.rng)


class UCB1(SingleArmPolicy):
    """UCB1 (Auer, Cesa-Bianchi & Fischer, *Machine Learning* 2002).

    Pull every arm once, then ``argmax_a total[a]/n[a] + sqrt(2 ln t / n[a])`` with ``t`` the payoffs
    observed so far. The bonus assumes payoffs in [0, 1] (or 1-sub-Gaussian noise, as on GaussianBandit).
    """

    def act(self, observation: Any) -> int:
        arm = self.first_look(self.n)
        if arm >= 0:
            return arm
        return argmax(self.total / self.n + np.sqrt(2.0 * math.log(self.t) / self.n), self.rng)


class ThompsonSampling(SingleArmPolicy):
    """Thompson sampling (Thompson 1933; Agrawal & Goyal, COLT 2012 and AISTATS 2013).

    Draw ``theta[a]`` from each arm's posterior and pull ``argmax theta``.
    ``prior="beta"``: Beta(1 + successes, 1 + failures), the Beta(1, 1)-Bernoulli model.
    ``prior="gaussian"``: ``N(total[a] / (n[a] + 1), sigma^2 / (n[a] + 1))``, the posterior of a
    N(0, sigma^2) prior on the mean under N(mean, sigma^2) noise (Agrawal & Goyal's Gaussian TS).
    ``prior="auto"`` picks beta when ``task.payoff_kind == "bernoulli"`` and gaussian otherwise.
    """

    def __init__(self, prior: str = "auto", sigma: float = 1.0):
        self.prior = check_choice("prior", prior, ("auto", "beta", "gaussian"))
        self.sigma = check_float("sigma", sigma, low=0.0, low_open=True)

    def start(self) -> None:
        prior = self.prior
        if prior == "auto":
            prior = "beta" if self.payoff_kind == "bernoulli" else "gaussian"
        if prior == "beta" and self.payoff_kind != "bernoulli":
            raise ValueError(
                f"{type(self).__name__}(prior='beta') needs 0/1 payoffs, but this env's payoffs are "
                f"{self.payoff_kind}; use prior='gaussian' or 'auto'"
            )
        self.beta = prior == "beta"

    def act(self, observation: Any) -> int:
        if self.beta:
            theta = self.rng.beta(1.0 + self.total, 1.0 + self.n - self.total)
        else:
            scale = 1.0 / np.sqrt(self.n + 1.0)
            theta = self.total * scale**2 + self.sigma * scale * self.rng.standard_normal(self.k)
        return int(np.argmax(theta))


class GaussianThompsonSampling(ThompsonSampling):
    """Thompson sampling with the Gaussian posterior on every variant (``ThompsonSampling(prior="gaussian")``)."""

    def __init__(self, sigma: float = 1.0):
        super().__init__(prior="gaussian", sigma=sigma)


class EXP3(SingleArmPolicy):
    """EXP3 (Auer, Cesa-Bianchi, Freund & Schapire, *SIAM J. Computing* 2002, Alg. 3.1, Cor. 3.2).

    ``p = (1 - gamma) w / sum(w) + gamma / K``; after arm a paid x, ``w[a] *= exp(gamma x / (p[a] K))``
    (weights kept as logs). Default ``gamma = min(1, sqrt(K ln K / ((e - 1) T)))`` with T the horizon.
    Payoffs must lie in [0, 1]: Bernoulli payoffs are used as they are; other payoffs are mapped to
    ``(x - lo) / (hi - lo)`` with ``lo``, ``hi`` the smallest and largest payoff seen so far this
    episode (0.5 until two different payoffs have been seen). On DelayedBandit the importance weight
    uses the probability the arm had when it was pulled.
    """

    def __init__(self, gamma: float | None = None):
        self.gamma = None if gamma is None else check_float("gamma", gamma, low=0.0, high=1.0, low_open=True)

    def start(self) -> None:
        k = self.k
        self.g = self.gamma or min(1.0, math.sqrt(k * math.log(k) / ((math.e - 1.0) * self.horizon)))
        self.log_w = np.zeros(k)
        self.probs = np.full(k, 1.0 / k)
        self.prob_at_pull: dict[int, float] = {}
        self.lo, self.hi = math.inf, -math.inf

    def act(self, observation: Any) -> int:
        w = np.exp(self.log_w - self.log_w.max())
        self.probs = (1.0 - self.g) * w / w.sum() + self.g / self.k
        cum = np.cumsum(self.probs)
        return min(int(np.searchsorted(cum, self.rng.random() * cum[-1], side="right")), self.k - 1)

    def pulled(self, arm: int, step: int) -> None:
        super().pulled(arm, step)
        self.prob_at_pull[step] = float(self.probs[arm])

    def learn(self, arm: int, payoff: float, step: int) -> None:
        super().learn(arm, payoff, step)
        x = payoff
        if self.payoff_kind != "bernoulli":
            self.lo, self.hi = min(self.lo, payoff), max(self.hi, payoff)
            x = (payoff - self.lo) / (self.hi - self.lo) if self.hi > self.lo else 0.5
        self.log_w[arm] += self.g * x / (self.prob_at_pull.pop(step) * self.k)


class LinUCB(SingleArmPolicy):
    """Disjoint LinUCB (Li, Chu, Langford & Schapire, WWW 2010, Alg. 1).

    Per arm a ridge regression ``A[a] = I + sum x x^T``, ``b[a] = sum payoff x``, ``theta[a] = A[a]^-1 b[a]``;
    pull ``argmax_a theta[a] @ x + alpha sqrt(x^T A[a]^-1 x)``. ``A^-1`` is kept up to date with the
    Sherman–Morrison formula. On ContextualBandit x is the context (the last ``context_dim`` entries
    of the observation to act; ``feedback["context"]`` to learn); on the other variants x = [1], a
    constant bias feature, which makes this a UCB with ridge means and ``alpha / sqrt(n + 1)`` bonus.
    """

    def __init__(self, alpha: float = 1.0):
        self.alpha = check_float("alpha", alpha, low=0.0)

    def start(self) -> None:
        self.d = self.context_dim or 1
        self.a_inv = np.tile(np.eye(self.d), (self.k, 1, 1))
        self.b = np.zeros((self.k, self.d))
        self.theta = np.zeros((self.k, self.d))
        self.bias = np.ones(1)
        self.x_seen = self.bias

    def act(self, observation: Any) -> int:
        x = np.asarray(observation[-self.d :], dtype=float) if self.context_dim else self.bias
        ax = self.a_inv @ x
        return argmax(self.theta @ x + self.alpha * np.sqrt(np.maximum(ax @ x, 0.0)), self.rng)

    def observe(self, action: Any, reward: float, observation: Any, info: dict[str, Any]) -> None:
        context = info["feedback"].get("context")
        self.x_seen = np.asarray(context, dtype=float) if self.context_dim and context else self.bias
        super().observe(action, reward, observation, info)

    def learn(self, arm: int, payoff: float, step: int) -> None:
        super().learn(arm, payoff, step)
        x = self.x_seen
        ax = self.a_inv[arm] @ x
        self.a_inv[arm] -= np.outer(ax, ax) / (1.0 + x @ ax)
        self.b[arm] += payoff * x
        self.theta[arm] = self.a_inv[arm] @ self.b[arm]


class SlidingWindowUCB(SingleArmPolicy):
    """Sliding-window UCB (Garivier & Moulines, *On UCB policies for switching bandit problems*, ALT 2011).

    Only the last ``tau`` observed payoffs count: ``N[a]``, ``S[a]`` are the pulls and payoff sum of
    arm a in that window; pull ``argmax_a S[a]/N[a] + B sqrt(xi ln min(t, tau) / N[a])`` (arms absent
    from the window first). Defaults follow the paper's experiments: ``xi = 0.6``, ``B = 1`` and
    ``tau = 4 sqrt(T ln T)`` with T the horizon (1214 at T = 10^4).
    """

    def __init__(self, window: int | None = None, xi: float = 0.6):
        self.window = None if window is None else check_int("window", window, low=1)
        self.xi = check_float("xi", xi, low=0.0, low_open=True)

    def start(self) -> None:
        horizon = self.horizon
        self.tau = self.window or max(1, math.ceil(4.0 * math.sqrt(horizon * math.log(horizon))))
        self.recent: deque[tuple[int, float]] = deque()
        self.wn, self.wsum = np.zeros(self.k), np.zeros(self.k)

    def learn(self, arm: int, payoff: float, step: int) -> None:
        super().learn(arm, payoff, step)
        self.recent.append((arm, payoff))
        self.wn[arm] += 1
        self.wsum[arm] += payoff
        if len(self.recent) > self.tau:
            old, old_payoff = self.recent.popleft()
            self.wn[old] -= 1
            self.wsum[old] -= old_payoff

    def act(self, observation: Any) -> int:
        arm = self.first_look(self.wn)
        if arm >= 0:
            return arm
        bonus = np.sqrt(self.xi * math.log(min(self.t, self.tau)) / self.wn)
        return argmax(self.wsum / self.wn + bonus, self.rng)


class DiscountedThompsonSampling(ThompsonSampling):
    """Discounted Thompson sampling (Raj & Kalyani, *Taming non-stationary bandits: a Bayesian
    approach*, arXiv:1707.09727, 2017).

    Before each step's update every arm's statistics are discounted, ``S[a] *= gamma``,
    ``F[a] *= gamma``, then the pulled arm adds its payoff; sample from Beta(1 + S, 1 + F) as in
    :class:`ThompsonSampling` (on Gaussian payoffs the discounted count and sum feed the Gaussian
    posterior instead). The paper leaves gamma as a tuning knob; the default here ties it to the
    horizon like Garivier & Moulines's discounted UCB, ``gamma = 1 - 1 / (4 sqrt(T))`` (0.9975 at
    T = 10^4: an effective memory of 4 sqrt(T) = 400 steps).
    """

    def __init__(self, gamma: float | None = None, prior: str = "auto", sigma: float = 1.0):
        super().__init__(prior=prior, sigma=sigma)
        self.gamma = None if gamma is None else check_float("gamma", gamma, low=0.0, high=1.0, low_open=True)

    def start(self) -> None:
        super().start()
        self.g = self.gamma or 1.0 - 1.0 / (4.0 * math.sqrt(self.horizon))

    def observe(self, action: Any, reward: float, observation: Any, info: dict[str, Any]) -> None:
        self.n *= self.g
        self.total *= self.g
        super().observe(action, reward, observation, info)
