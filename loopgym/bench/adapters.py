"""Agents made from things users already have: a stable-baselines3 model or a plain function.

Both implement the :class:`loopgym.agents.Agent` protocol, so ``loopgym bench`` and
:func:`loopgym.runner.run_episode` play them like any other agent::

    from loopgym.bench.adapters import CallableAgent, SB3Agent

    agent = SB3Agent.load("ppo_bandit.zip", algo="PPO")     # a saved model
    agent = SB3Agent(model)                                  # or one in memory
    agent = CallableAgent(lambda obs: 0)                     # or any function of the observation

Nothing here imports torch or stable-baselines3 until a model is loaded, so importing this module
stays cheap in benchmark workers that never use it.
"""

from __future__ import annotations

import importlib
import inspect
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from loopgym.config import check_choice

#: the views an agent may declare (see :class:`loopgym.agents.Agent`)
VIEWS = ("vector", "text")
#: where :meth:`SB3Agent.load` looks for an algorithm class, in this order
ALGO_MODULES = ("stable_baselines3", "sb3_contrib")


def plain_action(action: Any, space: gym.Space | None) -> Any:
    """``action`` as the env's space expects it: a Python ``int`` for ``Discrete`` (models and
    numpy code return 0-d arrays or numpy integers), an integer array for ``MultiDiscrete``, and
    anything else unchanged. An action that does not fit is passed on as it is, for the env to
    refuse with an error that names its space."""
    try:
        if isinstance(space, spaces.Discrete):
            flat = np.asarray(action).reshape(-1)
            if flat.size == 1 and np.issubdtype(flat.dtype, np.integer):
                return int(flat[0])
        elif isinstance(space, spaces.MultiDiscrete):
            return np.asarray(action, dtype=space.dtype).reshape(space.shape)
    except (ValueError, TypeError):
        pass
    return action


def _same_layout(a: gym.Space, b: gym.Space) -> bool:
    """Whether two spaces have the same type and shape (bounds and dtypes may differ: a model saved
    with float64 bounds still plays the float32 env)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, spaces.Dict):
        return a.keys() == b.keys() and all(_same_layout(a[k], b[k]) for k in a.keys())
    if isinstance(a, spaces.Tuple):
        return len(a) == len(b) and all(_same_layout(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, spaces.Discrete):
        return int(a.n) == int(b.n)
    if isinstance(a, spaces.MultiDiscrete):
        return np.array_equal(a.nvec, b.nvec)
    return a.shape == b.shape


def _accepts_masks(model: Any) -> bool:
    """Whether ``model.predict`` takes ``action_masks`` (sb3-contrib's MaskablePPO, or a model that
    follows its signature). ``sb3_contrib`` is only consulted when already imported: a MaskablePPO
    instance cannot exist otherwise, and importing it would pull in torch."""
    contrib = sys.modules.get("sb3_contrib")
    if contrib is not None and isinstance(model, getattr(contrib, "MaskablePPO", ())):
        return True
    try:
        return "action_masks" in inspect.signature(model.predict).parameters
    except (TypeError, ValueError):
        return False


def _algorithm_classes() -> dict[str, type]:
    """Every algorithm class stable-baselines3 and sb3-contrib export, by name (in lookup order)."""
    try:
        from stable_baselines3.common.base_class import BaseAlgorithm
    except ImportError as err:
        raise ImportError(
            "SB3Agent.load needs stable-baselines3: pip install 'loopgym[baselines]'"
        ) from err
    found: dict[str, type] = {}
    for module_name in ALGO_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue  # sb3-contrib is optional
        for name in dir(module):
            obj = getattr(module, name)
            if isinstance(obj, type) and issubclass(obj, BaseAlgorithm) and name not in found:
                found[name] = obj
    return found


class SB3Agent:
    """A stable-baselines3 or sb3-contrib model as a loopgym agent.

    ``model`` is anything with ``predict(observation, state=None, episode_start=None,
    deterministic=...)`` (every SB3 algorithm). Per step the agent:

    * passes ``action_masks=env.action_masks()`` when the model takes masks (MaskablePPO) and the env
      offers them (``env.get_wrapper_attr("action_masks")``), so a masked action is never chosen;
    * carries the recurrent ``state`` and ``episode_start`` of RecurrentPPO through the episode and
      clears them in :meth:`reset` (for other models the state stays ``None``);
    * returns a Python ``int`` for ``Discrete`` action spaces.

    :meth:`reset` raises ``ValueError`` when the env's spaces do not have the layout the model was
    trained on (another env, another view, other sizes)::

        model = PPO("MlpPolicy", gym.make("loopgym/BernoulliBandit-v0", n_arms=4)).learn(2048)
        agent = SB3Agent(model)
        run_episode(gym.make("loopgym/BernoulliBandit-v0", n_arms=4), agent, seed=0)
    """

    def __init__(self, model: Any, deterministic: bool = True, view: str = "vector"):
        if not callable(getattr(model, "predict", None)):
            raise TypeError(
                f"model={type(model).__name__} is not allowed: model must have a predict() method "
                "(a stable-baselines3 or sb3-contrib model)"
            )
        self.model = model
        self.deterministic = bool(deterministic)
        self.view = check_choice("view", view, VIEWS)
        self.uses_masks = _accepts_masks(model)
        self.action_space: gym.Space | None = None
        self._masks: Callable[[], Any] | None = None
        self._state: Any = None
        self._episode_start = np.ones((1,), dtype=bool)

    @classmethod
    def load(cls, path: str | Path, algo: str = "PPO", *, deterministic: bool = True,
             view: str = "vector", **load_kwargs: Any) -> SB3Agent:
        """Load a model saved with ``model.save(path)``; ``algo`` names its class, looked up in
        stable-baselines3 and then sb3-contrib (case-insensitive: ``"PPO"``, ``"MaskablePPO"``,
        ``"RecurrentPPO"``, ``"dqn"``...). ``load_kwargs`` go to ``Algo.load``; ``device`` defaults to
        ``"cpu"`` (small policies act faster there, and benchmark workers should not share a GPU)::

            agent = SB3Agent.load("runs/maskable.zip", algo="MaskablePPO")
        """
        path = Path(path)
        # SB3 appends ".zip" itself when the name has no suffix; accept both spellings
        if not path.is_file() and not path.with_name(path.name + ".zip").is_file():
            raise FileNotFoundError(f"path={str(path)!r}: no saved model there (nor {path.name}.zip)")
        classes = _algorithm_classes()
        by_lower = {name.lower(): name for name in classes}
        name = algo if algo in classes else by_lower.get(str(algo).lower())
        if name is None:
            raise ValueError(
                f"algo={algo!r} is not allowed: algo must be one of {', '.join(classes)} "
                "(the classes of stable-baselines3 and sb3-contrib)"
            )
        load_kwargs.setdefault("device", "cpu")
        model = classes[name].load(path, **load_kwargs)
        return cls(model, deterministic=deterministic, view=view)

    def reset(self, env: gym.Env, *, seed: int | None = None) -> None:
        for attr in ("observation_space", "action_space"):
            trained, given = getattr(self.model, attr, None), getattr(env, attr)
            if trained is not None and not _same_layout(trained, given):
                raise ValueError(
                    f"{type(self.model).__name__} was trained on {attr} {trained} but this env has "
                    f"{given}: make the env with the id, view and size arguments the model was trained on"
                )
        self.action_space = env.action_space
        self._masks = None
        if self.uses_masks:
            try:
                self._masks = env.get_wrapper_attr("action_masks")
            except AttributeError:
                self._masks = None  # the model then picks among all actions
        self._state = None
        self._episode_start = np.ones((1,), dtype=bool)
        # SB3's predict draws from torch's global generator when deterministic=False
        if seed is not None and not self.deterministic and hasattr(self.model, "set_random_seed"):
            self.model.set_random_seed(seed)

    def act(self, observation: Any) -> Any:
        kwargs: dict[str, Any] = {}
        if self._masks is not None:
            kwargs["action_masks"] = np.asarray(self._masks(), dtype=bool)
        action, self._state = self.model.predict(
            observation,
            state=self._state,
            episode_start=self._episode_start,
            deterministic=self.deterministic,
            **kwargs,
        )
        self._episode_start = np.zeros((1,), dtype=bool)
        return plain_action(action, self.action_space)

    def observe(self, action: Any, reward: float, observation: Any, info: dict[str, Any]) -> None:
        pass


def _takes_info(fn: Callable[..., Any]) -> bool:
    """Whether ``fn`` can be called with two positional arguments (observation, info); raises when
    it cannot take the observation alone or with info."""
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return False  # builtins without a signature: call them with the observation only
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    required = [p for p in positional if p.default is p.empty]
    varargs = any(p.kind is p.VAR_POSITIONAL for p in params)
    if len(required) > 2 or (not positional and not varargs):
        raise ValueError(
            f"fn={getattr(fn, '__name__', fn)!r} is not allowed: fn must take the observation "
            f"(and optionally the last step's info) as positional arguments; it has {inspect.signature(fn)}"
        )
    return len(positional) >= 2 or varargs


class CallableAgent:
    """A plain function as an agent: ``fn(observation) -> action``, or ``fn(observation, info)`` when
    the function takes two positional parameters (``info`` is the last step's info, ``{}`` at the
    start of an episode). Numpy integers become Python ints for ``Discrete`` spaces::

        CallableAgent(lambda obs: 0)                                  # always arm 0
        CallableAgent(lambda obs, info: info.get("attempt", 0) % 4)   # cycle through 4 arms
        CallableAgent(my_llm_call, view="text")                       # str -> str
    """

    def __init__(self, fn: Callable[..., Any], view: str = "vector"):
        if not callable(fn):
            raise TypeError(f"fn={fn!r} is not allowed: fn must be callable (observation -> action)")
        self.fn = fn
        self.view = check_choice("view", view, VIEWS)
        self.takes_info = _takes_info(fn)
        self.action_space: gym.Space | None = None
        self.info: dict[str, Any] = {}

    def reset(self, env: gym.Env, *, seed: int | None = None) -> None:
        self.action_space = env.action_space
        self.info = {}

    def act(self, observation: Any) -> Any:
        action = self.fn(observation, self.info) if self.takes_info else self.fn(observation)
        return plain_action(action, self.action_space)

    def observe(self, action: Any, reward: float, observation: Any, info: dict[str, Any]) -> None:
        self.info = info
