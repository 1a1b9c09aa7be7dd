"""Native numpy vector envs: thousands of bandits stepped as array operations.

``gym.make_vec("loopgym/BernoulliBandit-v0", num_envs=4096, vectorization_mode="vector_entry_point",
**kwargs)`` builds a :class:`BernoulliBanditVector` (likewise ``GaussianBandit``, ``PiecewiseBandit``
and ``DriftingBandit``). Gymnasium calls the class as ``Cls(num_envs=N, **kwargs)``, adding
``max_episode_steps`` only when the spec or the caller sets one. Arguments are the single env's (``n_arms``, ``horizon``, ``means``, ``noise_sd``, ``n_changes``,
``change_points``, ``drift_sd``), checked by the same task ``Config`` (so the same
:class:`~loopgym.config.ConfigError`s), plus ``num_envs``, ``view`` (only ``"vector"``),
``render_mode`` (only ``None``) and ``max_episode_steps`` (truncates at ``min(horizon,
max_episode_steps)``, as ``gym.make(..., max_episode_steps=...)`` would).

Semantics per sub-env are the single env's (see ``task.py``, ``views.py``):

- ``single_observation_space`` / ``single_action_space`` are the single env's vector-view spaces;
  an observation is ``[one-hot of the last arm | its payoff | t / horizon]``, float32.
- reward = payoff (clipped to ``views.BOUND`` in the observation only); ``regret = max_a mu_t(a) -
  mu_t(arm)`` on expected payoffs, ``gold = clip(1 - regret / (max - min), 0, 1)`` (1 when all arms
  are equal), ``success = regret <= 1e-12``, ``random_regret`` sums ``max - mean`` (the reference of
  ``scoring.normalised_score``). Episodes never terminate; they truncate after ``horizon`` pulls.
- Arms are drawn anew at every reset of a sub-env unless ``means`` fixes them; a piecewise sub-env
  draws its own change points (uniform, without replacement, from 1..horizon-1) and new means
  right after the pull at each one; drifting means take a reflected Gaussian random walk step
  (:func:`~.task.reflect_unit`) after every pull.

Autoreset is ``AutoresetMode.NEXT_STEP``, as in ``SyncVectorEnv``: a sub-env that ended on one step
is reset on the next, where its action is ignored, its reward is 0, ``terminated``/``truncated`` are
False and its observation is the new episode's first. ``reset(options={"reset_mask": mask})`` resets
only the sub-envs where the boolean ``mask`` is True (the others keep their state, so sub-envs can be
out of phase) and returns the whole batch's observations.

``info`` is a dict of arrays with Gymnasium's ``_key`` masks: ``success``, ``gold``, ``regret``,
``cumulative_regret``, ``random_regret`` and ``feedback = {"arm", "payoff"}`` for the sub-envs that
pulled an arm this step (masked out, and zero / arm -1, where a sub-env was autoreset instead), and
``attempt`` (the pulls so far this episode; 0 after a reset) for all. ``reset`` returns ``attempt``
for the sub-envs it reset.

Randomness: ``reset(seed=int)`` seeds one ``numpy.random.Generator`` for the whole batch (also with a
``reset_mask``). Every step draws for the whole batch, so the same seed, ``num_envs`` and actions give
the same trajectories, but a sub-env's trajectory is not the single env's for the same seed (nor
independent of ``num_envs``). Regret does not depend on the noise: with fixed ``means`` and no change
points or drift, the same actions give exactly the single env's regret, gold and success. An action
batch that is not an integer array of shape ``(num_envs,)`` with values in ``[0, n_arms)`` raises
:class:`~loopgym.core.ActionError` naming the bad values.
"""

from __future__ import annotations

from typing import Any, ClassVar

import gymnasium as gym
import numpy as np
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.vector.utils import batch_space

from loopgym.config import check_choice, check_int, make_config
from loopgym.core import ActionError

from .task import BanditTask, DriftingTask, GaussianTask, PiecewiseTask, reflect_unit
from .views import BOUND, BanditVectorView


class BernoulliBanditVector(VectorEnv):
    """``num_envs`` independent ``BernoulliBandit``s (and the base of the other native vector envs).

    Observation/action spaces, rewards, episode end and arguments: as ``BernoulliBandit``, batched
    (see the module docstring). State is kept in arrays with one entry per sub-env: ``t``,
    ``last_arm``, ``payoff``, ``cumulative_regret``, ``random_regret``, and ``best``, ``worst``,
    ``average`` of the arms' expected payoffs now, which are ``arm_means`` (``(n_arms, num_envs)``:
    arm-major, so reductions over arms run along contiguous rows; ``means`` is its transpose).
    """

    metadata: ClassVar[dict[str, Any]] = {"render_modes": [], "autoreset_mode": AutoresetMode.NEXT_STEP}
    task_cls: ClassVar[type[BanditTask]] = BanditTask

    def __init__(
        self,
        num_envs: int = 1,
        view: str = "vector",
        render_mode: str | None = None,
        max_episode_steps: int | None = None,
        **kwargs: Any,
    ):
        self.num_envs = check_int("num_envs", num_envs, low=1)
        check_choice("view", view, ("vector",))
        self.render_mode = check_choice("render_mode", render_mode, (None,))
        self.task = self.task_cls(make_config(self.task_cls.Config, kwargs, owner=type(self).__name__))
        self.config = cfg = self.task.config
        self.limit = cfg.horizon
        if max_episode_steps is not None:
            self.limit = min(cfg.horizon, check_int("max_episode_steps", max_episode_steps, low=1))
        single = BanditVectorView(self.task)
        self.single_observation_space = single.observation_space
        self.single_action_space = single.action_space
        self.observation_space = batch_space(self.single_observation_space, self.num_envs)
        self.action_space = batch_space(self.single_action_space, self.num_envs)

        n, k = self.num_envs, cfg.n_arms
        self.n_arms = k
        self.arm_means = np.zeros((k, n))
        self.best, self.worst, self.average = np.zeros(n), np.zeros(n), np.zeros(n)
        self.t = np.zeros(n, dtype=np.int64)
        self.last_arm = np.full(n, -1, dtype=np.int64)
        self.payoff = np.zeros(n)
        self.cumulative_regret = np.zeros(n)
        self.random_regret = np.zeros(n)
        self._rows = np.arange(n)
        self._autoreset = np.zeros(n, dtype=bool)  # ended on the last step: reset on this one
        self._unstarted = np.ones(n, dtype=bool)  # never reset: step() refuses to run

    @property
    def means(self) -> np.ndarray:
        """The arms' expected payoffs now, ``(num_envs, n_arms)`` (a view of ``arm_means``)."""
        return self.arm_means.T

    def set_means(self, mask: np.ndarray | None, means: Any) -> None:
        """New arm means (``(n_arms,)``, or one row per selected sub-env) where ``mask`` is True
        (everywhere for ``None``), and their best, worst and average."""
        cols = slice(None) if mask is None else mask
        means = np.asarray(means, dtype=np.float64)
        self.arm_means[:, cols] = means.T if means.ndim == 2 else means[:, None]
        chosen = self.arm_means[:, cols]
        self.best[cols], self.worst[cols] = chosen.max(axis=0), chosen.min(axis=0)
        self.average[cols] = chosen.mean(axis=0)

    # -- variant hooks (all act on whole arrays; ``mask`` selects the sub-envs that start anew)
    def start(self, mask: np.ndarray, rng: np.random.Generator) -> None:
        """Begin a new episode in the sub-envs where ``mask`` is True."""
        fixed = self.config.means
        self.set_means(mask, fixed if fixed is not None else self.task.draw_means(rng, int(mask.sum())))
        for state in (self.t, self.payoff, self.cumulative_regret, self.random_regret):
            state[mask] = 0
        self.last_arm[mask] = -1

    def draw(self, mu: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Payoffs of arms whose expected payoffs are ``mu`` (one per sub-env)."""
        return (rng.random(mu.shape) < mu).astype(np.float64)

    def advance(self, rng: np.random.Generator) -> None:
        """Move every sub-env's state on after a pull (``self.t`` already counts it)."""

    # -- the Gymnasium API
    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        mask = self._reset_mask(options)
        self.start(mask, self.np_random)
        self._autoreset[mask] = False
        self._unstarted[mask] = False
        return self._observe(), {"attempt": np.zeros(self.num_envs, dtype=np.int64), "_attempt": mask}

    def step(self, actions: Any):
        arms = self._check_actions(actions)
        if self._unstarted.any():
            raise gym.error.ResetNeeded(f"{type(self).__name__}: call reset() before step()")
        rng, rows = self.np_random, self._rows
        ended = self._autoreset.copy()

        mu = self.arm_means[arms, rows]
        best = self.best  # read before advance(), which may change it
        regret = best - mu
        spread = best - self.worst
        ratio = np.divide(regret, spread, out=np.zeros_like(regret), where=spread > 0)
        gold = np.where(spread > 0, np.clip(1.0 - ratio, 0.0, 1.0), 1.0)  # task.gold_from_regret
        success = regret <= 1e-12
        payoff = self.draw(mu, rng)
        self.t += 1
        self.cumulative_regret += regret
        self.random_regret += best - self.average
        self.advance(rng)
        self.last_arm[:] = arms
        self.payoff[:] = payoff

        reward = payoff.copy()
        terminated = np.zeros(self.num_envs, dtype=bool)
        truncated = self.t >= self.limit
        pulled = ~ended
        feedback_arm = arms.copy()
        if ended.any():  # next-step autoreset: these sub-envs start anew instead of pulling
            self.start(ended, rng)
            for value in (reward, regret, gold, payoff):
                value[ended] = 0.0
            success[ended] = truncated[ended] = False
            feedback_arm[ended] = -1
        self._autoreset = terminated | truncated

        info = {
            "success": success,
            "gold": gold,
            "regret": regret,
            "cumulative_regret": np.where(pulled, self.cumulative_regret, 0.0),
            "random_regret": np.where(pulled, self.random_regret, 0.0),
            "feedback": {"arm": feedback_arm, "payoff": payoff, "_arm": pulled, "_payoff": pulled.copy()},
            "attempt": self.t.copy(),
            "_attempt": np.ones(self.num_envs, dtype=bool),
        }
        for key in ("success", "gold", "regret", "cumulative_regret", "random_regret", "feedback"):
            info[f"_{key}"] = pulled.copy()  # one array per mask, as SyncVectorEnv gives
        return self._observe(), reward, terminated, truncated, info

    # -- helpers
    def _observe(self) -> np.ndarray:
        k = self.n_arms
        obs = np.zeros((self.num_envs, k + 2), dtype=np.float32)
        # a sub-env that has not pulled yet (last_arm -1) writes into the last column, set just below
        obs[self._rows, self.last_arm] = 1.0
        obs[:, k] = np.clip(self.payoff, -BOUND, BOUND)  # as the single view (Gaussian payoffs)
        obs[:, k + 1] = self.t / self.config.horizon
        return obs

    def _check_actions(self, actions: Any) -> np.ndarray:
        name, n, k = type(self).__name__, self.num_envs, self.n_arms
        arms = np.asarray(actions)
        if arms.shape != (n,) or arms.dtype.kind not in "iu":
            raise ActionError(
                f"{name}: actions must be an integer array of shape ({n},) with values in [0, {k - 1}] "
                f"(the action space {self.action_space}); got dtype {arms.dtype}, shape {arms.shape}"
            )
        bad = np.flatnonzero((arms < 0) | (arms >= k))
        if bad.size:
            shown = ", ".join(f"env {i}: {arms[i]}" for i in bad[:10]) + (" ..." if bad.size > 10 else "")
            raise ActionError(
                f"{name}: {bad.size} action(s) not in the action space {self.action_space}; "
                f"arms are 0 to {k - 1}, got {shown}"
            )
        return arms.astype(np.int64, copy=False)

    def _reset_mask(self, options: dict[str, Any] | None) -> np.ndarray:
        mask = (options or {}).get("reset_mask")
        if mask is None:
            return np.ones(self.num_envs, dtype=bool)
        if not isinstance(mask, np.ndarray) or mask.dtype != np.bool_:
            raise TypeError(f"options['reset_mask'] must be a numpy bool array, got {mask!r}")
        if mask.shape != (self.num_envs,) or not mask.any():
            raise ValueError(
                f"options['reset_mask'] must have shape ({self.num_envs},) and at least one True; "
                f"got shape {mask.shape} with {int(mask.sum())} True"
            )
        return mask.copy()


class GaussianBanditVector(BernoulliBanditVector):
    """``num_envs`` independent ``GaussianBandit``s: payoffs ``N(mu_a, noise_sd^2)``."""

    task_cls = GaussianTask

    def draw(self, mu, rng):
        return mu + self.config.noise_sd * rng.standard_normal(mu.shape)


class PiecewiseBanditVector(BernoulliBanditVector):
    """``num_envs`` independent ``PiecewiseBandit``s; ``change_points`` is ``(num_envs, n_changes)``,
    each row sorted: right after pull ``change_points[i, j]`` every arm of sub-env ``i`` gets a new
    U(0, 1) mean."""

    task_cls = PiecewiseTask

    def __init__(self, num_envs: int = 1, **kwargs: Any):
        super().__init__(num_envs, **kwargs)
        self.change_points = np.zeros((self.num_envs, self.config.n_changes), dtype=np.int64)
        self._next = np.zeros(self.num_envs, dtype=np.int64)  # index of each row's next change point

    def start(self, mask, rng):
        super().start(mask, rng)
        cfg = self.config
        if cfg.change_points is not None:
            self.change_points[mask] = cfg.change_points
        else:
            self.change_points[mask] = _distinct_sorted(rng, int(mask.sum()), cfg.n_changes, cfg.horizon - 1)
        self._next[mask] = 0

    def advance(self, rng):
        n_changes = self.config.n_changes
        if n_changes == 0:
            return
        upcoming = self.change_points[self._rows, np.minimum(self._next, n_changes - 1)]
        hit = (self._next < n_changes) & (self.t == upcoming)
        if hit.any():
            self.set_means(hit, self.task.draw_means(rng, int(hit.sum())))
            self._next[hit] += 1


def _distinct_sorted(rng: np.random.Generator, rows: int, count: int, high: int) -> np.ndarray:
    """``rows`` sorted rows of ``count`` distinct integers drawn uniformly from 1..high.

    Floyd's algorithm, one column at a time for all rows: memory and work O(rows * count^2),
    whatever ``high`` is (a horizon can be long)."""
    chosen = np.zeros((rows, count), dtype=np.int64)
    for i, j in enumerate(range(high - count, high)):  # choose from 0..j, then j if already taken
        pick = rng.integers(0, j + 1, size=rows)
        taken = (chosen[:, :i] == pick[:, None]).any(axis=1)
        chosen[:, i] = np.where(taken, j, pick)
    return np.sort(chosen, axis=1) + 1


class DriftingBanditVector(BernoulliBanditVector):
    """``num_envs`` independent ``DriftingBandit``s: after every pull each mean takes a
    ``N(0, drift_sd^2)`` step, reflected back into [0, 1]."""

    task_cls = DriftingTask

    def advance(self, rng):
        if self.config.drift_sd > 0:
            step = self.config.drift_sd * rng.standard_normal(self.arm_means.shape)
            self.set_means(None, reflect_unit(self.arm_means + step).T)
