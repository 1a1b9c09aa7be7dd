"""One agent of an AEC environment as a Gymnasium environment, the others played by fixed policies.

``AgainstFixed(env, agent="author", partners={"reviewer": lenient_reviewer()})`` is a plain
``gymnasium.Env``: stable-baselines3 trains on it as it is (``MultiInputPolicy`` for Dict
observations). Each ``step`` takes the learner's action, lets the partners act until it is the
learner's turn again, and returns the learner's observation and the reward it accumulated since
its last action (PettingZoo's ``last()``), so rewards handed out on a partner's turn are not lost.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import gymnasium as gym
from pettingzoo import AECEnv

from loopgym.config import ConfigError


class AgainstFixed(gym.Env):
    """Learn as ``agent`` in ``env`` while ``partners`` (agent -> ``obs -> action``) play the others."""

    metadata = {"render_modes": []}

    def __init__(self, env: AECEnv, agent: str, partners: Mapping[str, Callable[[Any], Any]]):
        if agent not in env.possible_agents:
            raise ConfigError(f"agent={agent!r} is not allowed: agent must be one of {env.possible_agents}")
        missing = [a for a in env.possible_agents if a != agent and a not in partners]
        if missing:
            raise ConfigError(f"partners lacks a policy for {missing}; give one for every agent but {agent!r}")
        self.env, self.agent, self.partners = env, agent, dict(partners)
        self.observation_space = env.observation_space(agent)
        self.action_space = env.action_space(agent)
        self._done = True

    def _advance(self) -> tuple[Any, float, bool, bool, dict[str, Any]]:
        env = self.env
        while env.agents:
            current = env.agent_selection
            obs, reward, terminated, truncated, info = env.last()
            if current == self.agent:
                return obs, float(reward), bool(terminated), bool(truncated), info
            env.step(None if terminated or truncated else self.partners[current](obs))
        raise RuntimeError(f"{type(self).__name__}: the episode ended without a last turn for {self.agent!r}")

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        self.env.reset(seed=seed, options=options)
        obs, _, terminated, truncated, info = self._advance()
        self._done = terminated or truncated
        return obs, info

    def step(self, action: Any):
        if self._done:
            raise gym.error.ResetNeeded(f"{type(self).__name__}: the episode has ended; call reset()")
        self.env.step(action)
        obs, reward, terminated, truncated, info = self._advance()
        self._done = terminated or truncated
        return obs, reward, terminated, truncated, info

    def close(self) -> None:
        self.env.close()
