"""The Agent protocol, the random agent, and agents by name.

An agent sees the environment the way a user's script does::

    agent.reset(env, seed=seed)          # before every episode: read spaces / config, clear state
    action = agent.act(observation)      # choose
    agent.observe(action, reward, next_observation, info)   # learn from what happened

``info["feedback"]`` holds the visible feedback as plain data; agents must not read the hidden
scores (``gold``, ``regret``) that are there for benchmarking. ``view`` names the view the agent
needs (``"vector"`` or ``"text"``).

Seeding: the runners give agent and env the same seed. Gymnasium seeds the env with
``PCG64(SeedSequence(seed))``, which is exactly what ``np.random.default_rng(seed)`` builds, so an
agent seeded that way would draw the env's own random numbers (a correlation that wrecks e.g.
EXP3: it picks high arms exactly when the payoff draw is high). Agents draw from
:func:`agent_rng` instead: a child stream of the same seed.
"""

from __future__ import annotations

import importlib
from typing import Any, Protocol, runtime_checkable

import gymnasium as gym
import numpy as np

#: spawn key of the agents' random stream (see :func:`agent_rng`)
AGENT_STREAM = 0x5EED


def agent_rng(seed: int | None) -> np.random.Generator:
    """An agent's generator for ``seed``: a child of ``SeedSequence(seed)``, independent of the
    env's ``np_random`` for the same seed (and fresh entropy for ``None``)."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(AGENT_STREAM,)))


def require_task(agent: Any, env: gym.Env, task_name: str, view: str = "vector") -> Any:
    """The env's task when it is ``task_name`` on ``view``, or a ValueError that says what the agent plays."""
    base = env.unwrapped
    task = getattr(base, "task", None)
    me = type(agent).__name__
    if type(task).__name__ != task_name:
        raise ValueError(f"{me} plays {task_name.removesuffix('Task')}-v0 only; {type(base).__name__} is not it")
    if getattr(base, "view_name", view) != view:
        raise ValueError(f"{me} acts on the {view} view; make {type(base).__name__} with view={view!r}")
    return task


@runtime_checkable
class Agent(Protocol):
    view: str

    def reset(self, env: gym.Env, *, seed: int | None = None) -> None: ...

    def act(self, observation: Any) -> Any: ...

    def observe(self, action: Any, reward: float, observation: Any, info: dict[str, Any]) -> None: ...


class RandomAgent:
    """Uniform over the allowed actions (any view; on a text view it answers random text).

    Where the env offers ``action_masks()`` and the space is Discrete, only unmasked actions are drawn.
    """

    view = "vector"

    def __init__(self) -> None:
        self.action_space: gym.Space | None = None
        self._masks = None

    def reset(self, env: gym.Env, *, seed: int | None = None) -> None:
        self.action_space = env.action_space
        self.action_space.seed(int(agent_rng(seed).integers(2**63)))
        self._masks = None
        if isinstance(self.action_space, gym.spaces.Discrete):
            try:
                self._masks = env.get_wrapper_attr("action_masks")
            except AttributeError:
                self._masks = None

    def act(self, observation: Any) -> Any:
        if self._masks is not None:
            mask = np.asarray(self._masks(), dtype=np.int8)
            if mask.any() and not mask.all():  # all allowed: draw exactly as without a mask
                return self.action_space.sample(mask=mask)
        return self.action_space.sample()

    def observe(self, action, reward, observation, info) -> None:
        pass


_BANDIT = "loopgym.baselines.bandit_policies"

#: the agents ``loopgym run --agent NAME`` knows; any ``module:Class`` works too
AGENTS: dict[str, str] = {
    "random": "loopgym.agents:RandomAgent",
    "trace-fix": "loopgym.baselines.code_repair_agents:TraceFixAgent",
    "feedback-elimination": "loopgym.baselines.math_agents:FeedbackElimination",
    "step-repair": "loopgym.baselines.math_agents:StepRepair",
    "epsilon-greedy": f"{_BANDIT}:EpsilonGreedy",
    "ucb1": f"{_BANDIT}:UCB1",
    "thompson": f"{_BANDIT}:ThompsonSampling",
    "gaussian-thompson": f"{_BANDIT}:GaussianThompsonSampling",
    "exp3": f"{_BANDIT}:EXP3",
    "linucb": f"{_BANDIT}:LinUCB",
    "sw-ucb": f"{_BANDIT}:SlidingWindowUCB",
    "discounted-thompson": f"{_BANDIT}:DiscountedThompsonSampling",
    "rucb": "loopgym.baselines.dueling_policies:RUCB",
    "copeland-ucb": "loopgym.baselines.dueling_policies:CopelandUCB",
}


def make_agent(spec: str, **kwargs: Any) -> Agent:
    """An agent from a name in :data:`AGENTS` or a ``module:Class`` path, built with ``kwargs``."""
    target = AGENTS.get(spec, spec)
    if ":" not in target:
        raise ValueError(
            f"unknown agent {spec!r}; known agents: {', '.join(AGENTS)} (or give module:Class)"
        )
    module_name, _, attr = target.partition(":")
    try:
        factory = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as err:
        raise ValueError(f"cannot load agent {spec!r} from {target!r}: {err}") from err
    try:
        return factory(**kwargs)
    except TypeError as err:
        raise ValueError(f"agent {spec!r} does not accept arguments {kwargs}: {err}") from err
