"""A curriculum: the difficulty follows the agent's recent success rate.

``Curriculum(env)`` passes ``reset(options={"level": L})`` to an environment whose task accepts a
difficulty option (the math families take ``level`` 1-5) and moves ``L``::

    rate = mean(info["success"] of the last `window` episodes at this level)
    L += 1   if rate >= promote and L < max(levels)
    L -= 1   if rate <= demote  and L > min(levels)

After a move the window starts again, so every decision is made on episodes played at one level.
``info["curriculum_level"]`` (every step and reset) says where it stands; ``history`` lists
``(episode, level)`` for every move. A level passed by the caller in ``reset(options=...)`` wins
for that episode (and its result is not counted).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from typing import Any

import gymnasium as gym

from loopgym.config import ConfigError, check_float, check_int


class Curriculum(gym.Wrapper):
    def __init__(self, env: gym.Env, *, option: str = "level", levels: Sequence[int] = (1, 2, 3, 4, 5),
                 start: int | None = None, window: int = 20, promote: float = 0.8, demote: float = 0.3):
        super().__init__(env)
        task = getattr(env.unwrapped, "task", None)
        allowed = tuple(getattr(task, "reset_options", ()))
        if option not in allowed:
            raise ConfigError(
                f"option={option!r} is not allowed: {env.unwrapped.__class__.__name__} takes the reset "
                f"options {', '.join(map(repr, allowed)) or '(none)'}"
            )
        levels = tuple(sorted({check_int("levels", v) for v in levels}))
        if not levels:
            raise ConfigError("levels=() is not allowed: levels must name at least one level")
        self.option, self.levels = option, levels
        self.window = check_int("window", window, low=1)
        self.promote = check_float("promote", promote, low=0.0, high=1.0)
        self.demote = check_float("demote", demote, low=0.0, high=1.0)
        if self.demote >= self.promote:
            raise ConfigError(f"demote={demote} is not allowed: demote must be below promote={promote}")
        start = levels[0] if start is None else start
        if start not in levels:
            raise ConfigError(f"start={start!r} is not allowed: start must be one of {levels}")
        self.level = start
        self.results: deque[bool] = deque(maxlen=self.window)
        self.history: list[tuple[int, int]] = [(0, start)]
        self.episodes = 0
        self._counted = True
        self._episode_level = start

    @property
    def success_rate(self) -> float | None:
        return sum(self.results) / len(self.results) if self.results else None

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        options = dict(options or {})
        self._counted = self.option not in options
        options.setdefault(self.option, self.level)
        obs, info = self.env.reset(seed=seed, options=options)
        self._episode_level = options[self.option]
        info["curriculum_level"] = self._episode_level
        return obs, info

    def step(self, action: Any):
        obs, reward, terminated, truncated, info = self.env.step(action)
        info["curriculum_level"] = self._episode_level
        if (terminated or truncated) and self._counted:
            self._record(bool(info.get("success", False)))
        return obs, reward, terminated, truncated, info

    def _record(self, success: bool) -> None:
        self.episodes += 1
        self.results.append(success)
        if len(self.results) < self.window:
            return
        rate = self.success_rate
        i = self.levels.index(self.level)
        if rate >= self.promote and i + 1 < len(self.levels):
            self._move(self.levels[i + 1])
        elif rate <= self.demote and i > 0:
            self._move(self.levels[i - 1])

    def _move(self, level: int) -> None:
        self.level = level
        self.results.clear()
        self.history.append((self.episodes, level))
