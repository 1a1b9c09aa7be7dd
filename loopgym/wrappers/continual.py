"""A continual-learning stream made of any environment's task variants.

``ContinualStream(env, configs, ...)`` builds one environment per config (``configs`` are keyword
dicts: bandit ``means`` that shift, math ``level`` that rises, code-repair ``bugs`` that grow, ...)
and plays them as one long episode whose task changes on a schedule. The agent sees one observation
and one action space throughout; whether it is told which task it is in is up to ``task_id_in_obs``.

Schedules (``make_schedule``; ``n`` tasks, ``S = steps_per_task``, ``C = cycles``, task of step t)::

    sequential:  task(t) = t // S                          for t < n * S
    cyclic:      task(t) = (t // S) mod n                  for t < n * S * C
    power-law:   segment s = t // S, for s < n * C;  task = s for s < n (each task introduced in
                 order), then drawn i.i.d. with P(task = k) = (k + 1) ** -a / sum_j (j + 1) ** -a
                 (Zipf with exponent a = ``exponent``), from the stream's reset rng

``n_steps`` cuts any schedule to its first ``n_steps`` steps.

The stream is one episode: it is truncated after the last scheduled step and never terminated.
Inner episodes that end are reset at once (seeds drawn from the stream's ``np_random``); the step
then returns the new inner episode's first observation with ``info["episode_end"] = True``. At a
task switch the new task's environment is reset: with ``switch="step"`` at exactly the scheduled
step (an unfinished inner episode is abandoned, not counted as ended); with ``switch="episode"`` the
stream stays on its task until the inner episode ends and then moves to the task the schedule names
for the next step (segments then run a little longer or shorter than scheduled).

``info`` on every step is the inner step's info plus (inner values of these keys are kept as
``inner_<key>``):

- ``task_id`` (int): the task the answered step was played in;
- ``boundary`` (bool): this step is the first of a task different from the previous step's (False
  at the first step) — in ``switch="step"`` mode, exactly where ``schedule[t] != schedule[t - 1]``;
- ``episode_end`` (bool): the answered step ended its inner episode (terminated or truncated);
- ``stream_step`` (int): the answered step's index ``t`` (0-based; ``schedule[t]`` is its scheduled
  task). Reset's info has the first step's ``task_id`` and ``stream_step`` 0, ``boundary`` and
  ``episode_end`` False.

Example::

    import loopgym
    from loopgym.wrappers import ContinualStream

    env = ContinualStream(
        "loopgym/BernoulliBandit-v0",
        [{"means": [0.9, 0.1, 0.1]}, {"means": [0.1, 0.1, 0.9]}],
        schedule="cyclic", steps_per_task=500, cycles=4, horizon=100, task_id_in_obs=True,
    )
    obs, info = env.reset(seed=0)  # Box(3 + 2 + 2): the bandit's observation, then the task one-hot
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from loopgym.config import ConfigError, check_choice, check_float, check_int
from loopgym.core import FreeText
from loopgym.registry import resolve

SCHEDULES = ("sequential", "cyclic", "power-law")
SWITCHES = ("step", "episode")
#: keys the stream sets in ``info``; an inner env's own values of them move to ``inner_<key>``
STREAM_KEYS = ("task_id", "boundary", "episode_end", "stream_step")


def make_schedule(
    schedule: str,
    n_tasks: int,
    steps_per_task: int,
    rng: np.random.Generator | int | None = None,
    *,
    cycles: int = 3,
    exponent: float = 1.5,
    n_steps: int | None = None,
) -> np.ndarray:
    """The task id (int64) of every step of a stream; formulas in the module docstring.

    ``rng`` (a Generator, a seed or None) is used by ``"power-law"`` only. ``cycles`` is ignored by
    ``"sequential"``. ``n_steps`` keeps the first ``n_steps`` steps; it may not exceed the schedule.
    """
    check_choice("schedule", schedule, SCHEDULES)
    n_tasks = check_int("n_tasks", n_tasks, low=1)
    steps_per_task = check_int("steps_per_task", steps_per_task, low=1)
    cycles = check_int("cycles", cycles, low=1)
    exponent = check_float("exponent", exponent, low=0.0)
    if schedule == "sequential":
        segments = np.arange(n_tasks)
    elif schedule == "cyclic":
        segments = np.tile(np.arange(n_tasks), cycles)
    else:
        weights = (np.arange(n_tasks) + 1.0) ** -exponent
        drawn = np.random.default_rng(rng).choice(n_tasks, size=n_tasks * (cycles - 1), p=weights / weights.sum())
        segments = np.concatenate([np.arange(n_tasks), drawn])
    steps = np.repeat(segments.astype(np.int64), steps_per_task)
    if n_steps is not None:
        n_steps = check_int("n_steps", n_steps, low=1)
        if n_steps > len(steps):
            raise ConfigError(
                f"n_steps={n_steps} is not allowed: n_steps must be at most the {schedule!r} schedule's "
                f"length, {len(steps)} steps ({n_tasks} tasks x {steps_per_task} steps_per_task"
                f"{'' if schedule == 'sequential' else f' x {cycles} cycles'}); raise cycles for a longer stream"
            )
        steps = steps[:n_steps]
    return steps


class ContinualStream(gym.Env):
    """One long episode over several task variants of an environment; see the module docstring.

    ``ContinualStream(env, configs, *, schedule="sequential", steps_per_task=1000, n_steps=None,
    cycles=3, exponent=1.5, task_id_in_obs=False, switch="step", **common)``: ``env`` is an id (made
    with ``gym.make(env, **common, **config)``; loopgym ids may be short, ``"BernoulliBandit"``) or a
    callable ``(**kwargs) -> gym.Env``; ``configs`` a list of keyword dicts, one task each (a config's
    keys override ``common``'s). Every task must have the same action and observation spaces.

    ``task_id_in_obs=True`` tells the agent the task of the observation it gets: a 1-D Box gets a
    float32 one-hot appended; a Dict gets the key ``"task"`` (a Box one-hot); text gets the prefix
    ``"Task k of n.\\n"`` (k the 0-based task id); any other space becomes
    ``Dict({"obs": ..., "task": Box one-hot})``.

    Attributes: ``envs`` (one per config), ``n_tasks``, ``schedule`` (the task id per step, drawn at
    each reset), ``task_id`` (the task of the current observation). ``action_masks()`` and
    ``render()`` are the current task's; ``close()`` closes every env.
    """

    def __init__(
        self,
        env: str | Callable[..., gym.Env],
        configs: Sequence[Mapping[str, Any]],
        *,
        schedule: str = "sequential",
        steps_per_task: int = 1000,
        n_steps: int | None = None,
        cycles: int = 3,
        exponent: float = 1.5,
        task_id_in_obs: bool = False,
        switch: str = "step",
        **common: Any,
    ):
        if not (isinstance(env, str) or callable(env)):
            raise ConfigError(f"env={env!r} is not allowed: env must be an environment id or a callable")
        if isinstance(configs, str | bytes | Mapping) or not isinstance(configs, Sequence) or not configs:
            raise ConfigError(
                f"configs={configs!r} is not allowed: configs must be a non-empty list of keyword dicts, one per task"
            )
        for i, config in enumerate(configs):
            if not isinstance(config, Mapping) or not all(isinstance(k, str) for k in config):
                raise ConfigError(f"configs[{i}]={config!r} is not allowed: each config must be a dict of keyword arguments")
        self.schedule_name = check_choice("schedule", schedule, SCHEDULES)
        self.steps_per_task = check_int("steps_per_task", steps_per_task, low=1)
        self.cycles = check_int("cycles", cycles, low=1)
        self.exponent = check_float("exponent", exponent, low=0.0)
        self.switch = check_choice("switch", switch, SWITCHES)
        if not isinstance(task_id_in_obs, bool | np.bool_):
            raise ConfigError(f"task_id_in_obs={task_id_in_obs!r} is not allowed: task_id_in_obs must be True or False")
        self.task_id_in_obs = bool(task_id_in_obs)
        self.n_tasks = len(configs)
        # checks n_steps against the schedule's length now rather than at the first reset
        make_schedule(schedule, self.n_tasks, self.steps_per_task, 0, cycles=self.cycles,
                      exponent=self.exponent, n_steps=n_steps)
        self.n_steps = n_steps
        self.configs = [dict(c) for c in configs]

        self.envs: list[gym.Env] = []
        try:
            for i, config in enumerate(self.configs):
                self.envs.append(self._make(env, i, {**common, **config}))
            self._check_spaces()
            first = self.envs[0]
            self.observation_space = self._stream_observation_space(first.observation_space)
        except BaseException:
            self.close()
            raise
        self.action_space = first.action_space
        self.render_mode = first.render_mode
        self.metadata = dict(first.metadata)
        self._one_hots = np.eye(self.n_tasks, dtype=np.float32)

        self.schedule: np.ndarray = np.zeros(0, dtype=np.int64)
        self.task_id = 0
        self._t = 0
        self._previous = 0
        self._done = True

    # ------------------------------------------------------------------------------------- building
    @staticmethod
    def _make(env: str | Callable[..., gym.Env], i: int, kwargs: dict[str, Any]) -> gym.Env:
        if isinstance(env, str):
            try:
                env = resolve(env)
            except gym.error.NameNotFound:
                pass  # not a loopgym id: gym.make knows it or says so
        try:
            made = gym.make(env, **kwargs) if isinstance(env, str) else env(**kwargs)
        except ConfigError as e:
            raise ConfigError(f"configs[{i}]: {e}") from e
        if not isinstance(made, gym.Env):
            raise ConfigError(f"env={env!r} is not allowed: it returned {type(made).__name__} for configs[{i}], not a gym.Env")
        return made

    def _check_spaces(self) -> None:
        first = self.envs[0]
        for i, other in enumerate(self.envs[1:], start=1):
            for name in ("action_space", "observation_space"):
                a, b = getattr(first, name), getattr(other, name)
                if a != b:
                    raise ConfigError(
                        f"configs[{i}]={self.configs[i]!r} is not allowed: its {name} {b} differs from configs[0]'s "
                        f"{a}; every task of a stream must have the same action and observation spaces"
                    )

    def _stream_observation_space(self, inner: spaces.Space) -> spaces.Space:
        if not self.task_id_in_obs:
            return inner
        one_hot = spaces.Box(0.0, 1.0, (self.n_tasks,), dtype=np.float32)
        if isinstance(inner, spaces.Box) and len(inner.shape) == 1:
            self._obs_kind = "box"
            low = np.concatenate([inner.low.astype(np.float32), one_hot.low])
            high = np.concatenate([inner.high.astype(np.float32), one_hot.high])
            return spaces.Box(low, high, dtype=np.float32)
        if isinstance(inner, spaces.Dict):
            if "task" in inner.spaces:
                raise ConfigError(
                    "task_id_in_obs=True is not allowed: the observation already has a 'task' key "
                    f"({inner['task']}); use task_id_in_obs=False"
                )
            self._obs_kind = "dict"
            return spaces.Dict({**inner.spaces, "task": one_hot})
        if isinstance(inner, spaces.Text):
            self._obs_kind = "text"
            if isinstance(inner, FreeText):
                return inner
            prefix = self._prefix(self.n_tasks - 1)
            return spaces.Text(inner.max_length + len(prefix), min_length=inner.min_length,
                               charset=inner.character_set | frozenset(prefix + "0123456789"))
        self._obs_kind = "wrap"
        return spaces.Dict({"obs": inner, "task": one_hot})

    def _prefix(self, k: int) -> str:
        return f"Task {k} of {self.n_tasks}.\n"

    def _observe(self, obs: Any) -> Any:
        """The inner observation with the current task's id, as ``task_id_in_obs`` asks."""
        if not self.task_id_in_obs:
            return obs
        kind, k = self._obs_kind, self.task_id
        if kind == "box":
            return np.concatenate([np.asarray(obs, dtype=np.float32), self._one_hots[k]])
        if kind == "dict":
            return {**obs, "task": self._one_hots[k].copy()}
        if kind == "text":
            return self._prefix(k) + obs
        return {"obs": obs, "task": self._one_hots[k].copy()}

    # ------------------------------------------------------------------------------------- the loop
    def _inner_reset(self, k: int) -> tuple[Any, dict[str, Any]]:
        self.task_id = k
        return self.envs[k].reset(seed=int(self.np_random.integers(2**31 - 1)))

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        if options:
            raise ConfigError(f"ContinualStream.reset: options={options!r} are not allowed; the stream takes no options")
        self.schedule = make_schedule(self.schedule_name, self.n_tasks, self.steps_per_task, self.np_random,
                                      cycles=self.cycles, exponent=self.exponent, n_steps=self.n_steps)
        self._t = 0
        self._done = False
        obs, info = self._inner_reset(int(self.schedule[0]))
        self._previous = self.task_id
        return self._observe(obs), self._stream_info(info, boundary=False, episode_end=False, step=0)

    def step(self, action: Any):
        if self._done:
            raise gym.error.ResetNeeded("ContinualStream: the stream has ended (or never started); call reset()")
        k, t = self.task_id, self._t
        obs, reward, terminated, truncated, info = self.envs[k].step(action)
        episode_end = bool(terminated or truncated)
        boundary = t > 0 and k != self._previous
        self._previous = k
        self._t = t + 1
        stream_over = self._t >= len(self.schedule)
        if not stream_over:
            scheduled = int(self.schedule[self._t])
            if scheduled != k and (self.switch == "step" or episode_end):
                obs, _ = self._inner_reset(scheduled)
            elif episode_end:
                obs, _ = self._inner_reset(k)
        self._done = stream_over
        info = self._stream_info(info, boundary=boundary, episode_end=episode_end, step=t, task=k)
        return self._observe(obs), reward, False, stream_over, info

    def _stream_info(self, info: dict[str, Any], *, boundary: bool, episode_end: bool, step: int,
                     task: int | None = None) -> dict[str, Any]:
        info = dict(info)
        for key in STREAM_KEYS:
            if key in info:
                info[f"inner_{key}"] = info.pop(key)
        info["task_id"] = self.task_id if task is None else task
        info["boundary"] = bool(boundary)
        info["episode_end"] = episode_end
        info["stream_step"] = step
        return info

    # ------------------------------------------------------------------------------ passed through
    def action_masks(self) -> np.ndarray:
        """The current task's ``action_masks()`` (for sb3-contrib's MaskablePPO)."""
        return self.envs[self.task_id].get_wrapper_attr("action_masks")()

    def render(self) -> Any:
        """The current task's ``render()``."""
        return self.envs[self.task_id].render()

    def close(self) -> None:
        for env in getattr(self, "envs", []):
            env.close()
        super().close()
