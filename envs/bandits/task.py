"""Bandit problems: configs, episode state, and how a pull is judged.

Every variant shares one step (:meth:`BanditTask.evaluate`): look up each arm's expected payoff now,
draw the pulled arm's payoff, score the pull against the best arm now, then let the variant advance
its state (drift, change points, a new context, recharge timers). Regret is the *instantaneous
pseudo-regret* ``max_a mu_t(a) - mu_t(arm)`` on expected payoffs, never on the noisy draw; ``gold``
is ``1 - regret / (max_a mu_t(a) - min_a mu_t(a))`` (1 when all arms are equal) and ``success`` is
"the pulled arm was a best arm now". An unreadable attempt loses the step: no pull, reward 0,
gold 0 and the largest regret of that step.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from typing import Any, ClassVar

import numpy as np

from loopgym.config import ConfigError, check_float, check_floats, check_int
from loopgym.core import Feedback, InvalidAttempt, Task

from .feedback import ContextualFeedback, DelayedFeedback, DuelFeedback, PullFeedback, SwitchingFeedback

# ----------------------------------------------------------------------------- configs


@dataclasses.dataclass
class BanditConfig:
    """Arguments every bandit takes.

    n_arms: number of arms (>= 2; default 10, or the length of ``means`` when that is given).
    horizon: pulls per episode (>= 1). means: fixed expected payoffs, one per arm; ``None``
    (default) draws new arms at every reset.
    """

    n_arms: Any = None
    horizon: int = 1000
    means: Any = None

    #: range of a fixed mean, or None for any finite number
    mean_range: ClassVar[tuple[float, float] | None] = (0.0, 1.0)

    def validate(self) -> None:
        if self.n_arms is None:
            self.n_arms = self.default_n_arms()
        self.n_arms = check_int("n_arms", self.n_arms, low=2)
        self.horizon = check_int("horizon", self.horizon, low=1)
        if self.means is not None:
            low, high = self.mean_range or (None, None)
            self.means = check_floats("means", self.means, length=self.n_arms, low=low, high=high)


    def default_n_arms(self) -> int:
        """10, unless the fixed arms say how many there are."""
        try:
            return len(self.means) if self.means is not None else 10
        except TypeError:
            return 10  # not a sequence: the means check below names the problem


@dataclasses.dataclass
class GaussianConfig(BanditConfig):
    """noise_sd: standard deviation of the reward noise (> 0). Arms' means are N(0, 1) when drawn."""

    noise_sd: float = 1.0
    mean_range: ClassVar = None

    def validate(self) -> None:
        super().validate()
        self.noise_sd = check_float("noise_sd", self.noise_sd, low=0.0, low_open=True)


@dataclasses.dataclass
class PiecewiseConfig(BanditConfig):
    """n_changes: number of change points, drawn uniformly without replacement from 1..horizon-1
    at every reset (default: 4, or horizon - 1 if that is fewer); change_points: fixed steps instead.
    At a change point every arm gets a new mean."""

    n_changes: Any = None
    change_points: Any = None

    def validate(self) -> None:
        super().validate()
        if self.n_changes is None:
            self.n_changes = min(4, self.horizon - 1)
        self.n_changes = check_int("n_changes", self.n_changes, low=0, high=max(self.horizon - 1, 0))
        if self.change_points is not None:
            points = check_floats("change_points", self.change_points, low=1, high=self.horizon - 1)
            if any(p != int(p) for p in points) or len(set(points)) != len(points):
                raise ConfigError(
                    f"change_points={self.change_points!r} is not allowed: change_points must be "
                    f"distinct integers in [1, {self.horizon - 1}]"
                )
            self.change_points = tuple(sorted(int(p) for p in points))
            self.n_changes = len(self.change_points)


@dataclasses.dataclass
class DriftingConfig(BanditConfig):
    """drift_sd: standard deviation of each arm's random-walk step per pull (>= 0); means are
    reflected back into [0, 1]."""

    drift_sd: float = 0.01

    def validate(self) -> None:
        super().validate()
        self.drift_sd = check_float("drift_sd", self.drift_sd, low=0.0, high=1.0)


@dataclasses.dataclass
class ContextualConfig(BanditConfig):
    """context_dim: size of the context (>= 1; default 5, or the length of a row of ``weights``);
    noise_sd: reward noise (>= 0); weights: fixed arm weights, ``n_arms`` rows of ``context_dim``
    numbers (``None``: N(0, 1/context_dim) per reset; they also set n_arms).
    ``means`` is not used: an arm's expected reward is ``weights[a] @ context``."""

    context_dim: Any = None
    noise_sd: float = 0.1
    weights: Any = None
    mean_range: ClassVar = None

    def default_n_arms(self) -> int:
        try:
            return len(self.weights) if self.weights is not None else 10
        except TypeError:
            return 10

    def validate(self) -> None:
        super().validate()
        if self.means is not None:
            raise ConfigError(
                "means is not allowed for ContextualBandit: expected rewards come from weights @ "
                "context; pass weights (n_arms rows of context_dim numbers) to fix the arms"
            )
        if self.context_dim is None:
            try:
                self.context_dim = len(self.weights[0]) if self.weights is not None else 5
            except (TypeError, IndexError, KeyError):
                self.context_dim = 5
        self.context_dim = check_int("context_dim", self.context_dim, low=1)
        self.noise_sd = check_float("noise_sd", self.noise_sd, low=0.0)
        if self.weights is not None:
            rows = list(self.weights) if not isinstance(self.weights, (str, bytes)) else []
            if len(rows) != self.n_arms:
                raise ConfigError(
                    f"weights={self.weights!r} is not allowed: weights must have n_arms="
                    f"{self.n_arms} rows of context_dim={self.context_dim} numbers"
                )
            self.weights = tuple(
                check_floats(f"weights[{i}]", r, length=self.context_dim) for i, r in enumerate(rows)
            )


@dataclasses.dataclass
class DelayedConfig(BanditConfig):
    """delay: the reward of a pull at step t arrives with the observation of step t + delay (>= 0).
    Rewards still in flight when the episode ends are never delivered."""

    delay: int = 10

    def validate(self) -> None:
        super().validate()
        self.delay = check_int("delay", self.delay, low=0)


@dataclasses.dataclass
class SwitchingCostConfig(BanditConfig):
    """cost: subtracted from the reward whenever the pulled arm differs from the previous one (>= 0)."""

    cost: float = 0.1

    def validate(self) -> None:
        super().validate()
        self.cost = check_float("cost", self.cost, low=0.0)


@dataclasses.dataclass
class RechargingConfig(BanditConfig):
    """recovery: per-arm recovery times (> 0); ``None`` draws them from U(1, max_recovery) per reset.
    An arm last pulled tau steps ago pays 1 with probability ``means[a] * (1 - exp(-tau/recovery[a]))``
    (never-pulled arms: ``means[a]``)."""

    recovery: Any = None
    max_recovery: float = 20.0

    def validate(self) -> None:
        super().validate()
        self.max_recovery = check_float("max_recovery", self.max_recovery, low=1.0)
        if self.recovery is not None:
            self.recovery = check_floats("recovery", self.recovery, length=self.n_arms, low=1e-9)


@dataclasses.dataclass
class DuelingConfig(BanditConfig):
    """``means`` here are the arms' utilities u in [0, 1]; arm i beats arm j with probability
    ``(1 + u[i] - u[j]) / 2``."""


def gold_from_regret(regret: float, spread: float) -> float:
    """``1 - regret / spread`` clipped to [0, 1] (rounding can step just outside); 1 when spread is 0."""
    if spread <= 0.0:
        return 1.0
    return min(1.0, max(0.0, 1.0 - regret / spread))


# ----------------------------------------------------------------------------- state


@dataclasses.dataclass
class BanditProblem:
    """One episode's hidden state. ``values`` are the expected payoffs of each action right now;
    ``best``/``worst`` are kept in step with them by :meth:`refresh`."""

    means: np.ndarray
    t: int = 0
    last_arm: int = -1
    cumulative_regret: float = 0.0
    #: cumulative expected regret a uniformly random action would have had in the same states
    #: (the reference of the normalised score in scoring.py)
    random_regret: float = 0.0
    values: np.ndarray = None  # type: ignore[assignment]
    best: float = 0.0
    worst: float = 0.0
    average: float = 0.0
    extra: dict = dataclasses.field(default_factory=dict)

    def refresh(self, values: np.ndarray) -> None:
        self.values = values
        self.best = float(values.max())
        self.worst = float(values.min())
        self.average = float(values.mean())


# ----------------------------------------------------------------------------- tasks


class BanditTask(Task[BanditConfig]):
    """Stationary Bernoulli arms; the base every variant builds on."""

    Config: ClassVar[type] = BanditConfig
    stop_when_solved = False
    episode_score = "mean"
    #: "bernoulli" when every payoff is 0 or 1, "gaussian" otherwise (policies read this)
    payoff_kind: ClassVar[str] = "bernoulli"
    feedback_cls: ClassVar[type] = PullFeedback

    @property
    def max_attempts(self) -> int:
        return self.config.horizon

    # -- hooks a variant overrides
    def draw_means(self, rng, n: int | None = None) -> np.ndarray:
        """One episode's arm means, or ``n`` episodes' as ``(n, n_arms)`` (the native vector env)."""
        return rng.random(self.config.n_arms if n is None else (n, self.config.n_arms))

    def start(self, problem: BanditProblem, rng) -> None:
        """Set up variant state after the means are drawn."""
        problem.refresh(problem.means)

    def draw(self, problem: BanditProblem, arm: int, rng) -> float:
        return 1.0 if rng.random() < problem.values[arm] else 0.0

    def advance(self, problem: BanditProblem, arm: int, rng) -> None:
        """Move the state on after a step (``arm`` is -1 for a lost step)."""

    # -- the shared loop
    def sample(self, rng) -> BanditProblem:
        cfg = self.config
        means = np.array(cfg.means, dtype=float) if cfg.means is not None else self.draw_means(rng)
        problem = BanditProblem(means=means)
        self.start(problem, rng)
        return problem

    def evaluate(self, problem: BanditProblem, attempt: Any, rng) -> Feedback:
        problem.t += 1
        spread = problem.best - problem.worst
        if isinstance(attempt, InvalidAttempt):
            fb = self.lost_step(problem, attempt.reason, spread)
            arm = -1
        else:
            arm = attempt
            fb = self.pull(problem, arm, rng, spread)
        problem.cumulative_regret += fb.regret
        problem.random_regret += self.random_step_regret(problem)
        self.advance(problem, arm, rng)
        if arm != -1:
            problem.last_arm = arm
        return fb

    def lost_step(self, problem: BanditProblem, reason: str, spread: float) -> Feedback:
        return self.feedback_cls(
            reward=0.0, gold=0.0, solved=False, valid=False, message=reason, regret=spread,
            step=problem.t,
        )

    def pull(self, problem: BanditProblem, arm: int, rng, spread: float) -> Feedback:
        payoff = self.draw(problem, arm, rng)
        regret = problem.best - float(problem.values[arm])
        return self.feedback_cls(
            reward=payoff,
            gold=gold_from_regret(regret, spread),
            solved=regret <= 1e-12,
            arm=arm,
            payoff=payoff,
            regret=regret,
            step=problem.t,
        )

    def random_step_regret(self, problem: BanditProblem) -> float:
        """Expected regret of a uniformly random action in the current state."""
        return problem.best - problem.average

    def step_info(self, problem: BanditProblem, feedback: Feedback) -> dict[str, Any]:
        return {
            "regret": feedback.regret,
            "cumulative_regret": problem.cumulative_regret,
            "random_regret": problem.random_regret,
        }

    def normalised_score(self, final_info: dict[str, Any]) -> float:
        from .scoring import normalised_score

        return normalised_score(final_info)


class GaussianTask(BanditTask):
    Config = GaussianConfig
    payoff_kind = "gaussian"

    def draw_means(self, rng, n: int | None = None) -> np.ndarray:
        return rng.standard_normal(self.config.n_arms if n is None else (n, self.config.n_arms))

    def draw(self, problem, arm, rng) -> float:
        return float(problem.values[arm] + self.config.noise_sd * rng.standard_normal())


class PiecewiseTask(BanditTask):
    Config = PiecewiseConfig

    def start(self, problem, rng) -> None:
        cfg = self.config
        if cfg.change_points is not None:
            points = list(cfg.change_points)
        else:
            points = sorted(int(p) for p in rng.choice(np.arange(1, cfg.horizon), cfg.n_changes, replace=False))
        problem.extra["change_points"] = points
        problem.extra["next"] = 0
        problem.refresh(problem.means)

    def advance(self, problem, arm, rng) -> None:
        points, i = problem.extra["change_points"], problem.extra["next"]
        if i < len(points) and problem.t == points[i]:
            problem.extra["next"] = i + 1
            problem.means = rng.random(self.config.n_arms)
            problem.refresh(problem.means)


class DriftingTask(BanditTask):
    Config = DriftingConfig

    def advance(self, problem, arm, rng) -> None:
        if self.config.drift_sd > 0:
            problem.means = reflect_unit(problem.means + self.config.drift_sd * rng.standard_normal(self.config.n_arms))
            problem.refresh(problem.means)


def reflect_unit(x: np.ndarray) -> np.ndarray:
    """Reflect values back into [0, 1] (a random walk between two mirrors)."""
    x = np.mod(x, 2.0)
    return np.where(x > 1.0, 2.0 - x, x)


class ContextualTask(BanditTask):
    Config = ContextualConfig
    payoff_kind = "gaussian"
    feedback_cls = ContextualFeedback

    def draw_means(self, rng, n: int | None = None) -> np.ndarray:
        return np.zeros(self.config.n_arms if n is None else (n, self.config.n_arms))

    def start(self, problem, rng) -> None:
        cfg = self.config
        if cfg.weights is not None:
            weights = np.array(cfg.weights, dtype=float)
        else:
            weights = rng.standard_normal((cfg.n_arms, cfg.context_dim)) / np.sqrt(cfg.context_dim)
        problem.extra["weights"] = weights
        self._new_context(problem, rng)

    def _new_context(self, problem, rng) -> None:
        context = rng.standard_normal(self.config.context_dim)
        problem.extra["context"] = context
        problem.refresh(problem.extra["weights"] @ context)

    def draw(self, problem, arm, rng) -> float:
        return float(problem.values[arm] + self.config.noise_sd * rng.standard_normal())

    def pull(self, problem, arm, rng, spread):
        fb = super().pull(problem, arm, rng, spread)
        fb.context = problem.extra["context"].tolist()
        return fb

    def advance(self, problem, arm, rng) -> None:
        self._new_context(problem, rng)


class DelayedTask(BanditTask):
    Config = DelayedConfig
    feedback_cls = DelayedFeedback

    def start(self, problem, rng) -> None:
        problem.extra["in_flight"] = deque()
        problem.refresh(problem.means)

    def pull(self, problem, arm, rng, spread):
        payoff = self.draw(problem, arm, rng)
        regret = problem.best - float(problem.values[arm])
        problem.extra["in_flight"].append((problem.t + self.config.delay, arm, problem.t, payoff))
        return DelayedFeedback(
            reward=0.0, gold=gold_from_regret(regret, spread), solved=regret <= 1e-12,
            arm=arm, regret=regret, step=problem.t,
        )

    def evaluate(self, problem, attempt, rng):
        fb = super().evaluate(problem, attempt, rng)
        queue = problem.extra["in_flight"]
        while queue and queue[0][0] <= problem.t:
            _, arm, pulled_at, payoff = queue.popleft()
            fb.delivered.append([arm, pulled_at, payoff])
            fb.reward += payoff
        return fb


class SwitchingCostTask(BanditTask):
    Config = SwitchingCostConfig
    feedback_cls = SwitchingFeedback

    def pull(self, problem, arm, rng, spread):
        fb = super().pull(problem, arm, rng, spread)
        if problem.last_arm >= 0 and arm != problem.last_arm:
            fb.cost = self.config.cost
            fb.reward = fb.payoff - fb.cost
        return fb

    def draw(self, problem, arm, rng) -> float:
        return 1.0 if rng.random() < problem.means[arm] else 0.0

    def advance(self, problem, arm, rng) -> None:
        # the value of each arm for the *next* pull includes the cost of moving to it
        last = arm if arm >= 0 else problem.last_arm
        if last >= 0:
            values = problem.means - self.config.cost
            values[last] = problem.means[last]
            problem.refresh(values)


class RechargingTask(BanditTask):
    Config = RechargingConfig

    def start(self, problem, rng) -> None:
        cfg = self.config
        if cfg.recovery is not None:
            recovery = np.array(cfg.recovery, dtype=float)
        else:
            recovery = rng.uniform(1.0, cfg.max_recovery, cfg.n_arms)
        problem.extra["recovery"] = recovery
        problem.extra["since"] = np.full(cfg.n_arms, np.inf)  # steps since each arm was pulled
        problem.refresh(problem.means.copy())

    def advance(self, problem, arm, rng) -> None:
        since = problem.extra["since"]
        since += 1.0
        if arm != -1:
            since[arm] = 1.0
        problem.refresh(problem.means * -np.expm1(-since / problem.extra["recovery"]))


class DuelingTask(BanditTask):
    Config = DuelingConfig
    feedback_cls = DuelFeedback

    def pull(self, problem, arms, rng, spread):
        i, j = arms
        u = problem.values
        if i == j:
            winner, reward = i, 0.5
        else:
            first_wins = rng.random() < (1.0 + u[i] - u[j]) / 2.0
            winner, reward = (i, 1.0) if first_wins else (j, 0.0)
        # dueling regret (Yue et al. 2012): mean of the two arms' preference gaps to the best arm
        regret = float(2.0 * problem.best - u[i] - u[j]) / 4.0
        return DuelFeedback(
            reward=reward,
            gold=gold_from_regret(regret, spread / 2.0),
            solved=regret <= 1e-12,
            arms=(int(i), int(j)),
            winner=int(winner),
            regret=regret,
            step=problem.t,
        )

    def random_step_regret(self, problem) -> float:
        # a uniformly random pair: each arm's expected gap is best - average, halved twice over two arms
        return (problem.best - problem.average) / 2.0

    def lost_step(self, problem, reason, spread):
        return DuelFeedback(
            reward=0.0, gold=0.0, solved=False, valid=False, message=reason,
            regret=spread / 2.0, step=problem.t,
        )
