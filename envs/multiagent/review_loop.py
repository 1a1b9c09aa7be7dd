"""The turn-based loop both review environments share: a proposer submits, a judge reviews.

A *domain* (code repair, math) says what a submission and a review are, how they are judged and how
each side sees them; this module runs the rounds, the rewards, the episode end and the PettingZoo
bookkeeping, in both of PettingZoo's APIs.

One round: the proposer submits (a program, an answer); the domain judges it against the hidden
truth (``gold`` in [0, 1], ``solved``); the judge, who sees that truth, chooses what to tell the
proposer and gives a ``score`` in [0, 1]. The **judge-gold gap** of a round is ``score - gold``:
positive when the judge is more generous than the truth. Rewards (one formula per mode)::

    cooperative: both agents, at each submission:  s_t - s_{t-1} - attempt_cost,  s = gold
    judged:      proposer, at each review:         s_t - s_{t-1} - attempt_cost,  s = the judge's score
                 judge, at each review:            1 - |score_t - gold_t|   (reviewer_reward="agreement")
                                                   gold_t - gold_{t-1}     (reviewer_reward="gold")
                                                   f(score_t, gold_t)      (reviewer_reward=callable)

with ``s_0 = 0``, so a proposer's return is the final score less the attempts' cost. The episode is
terminated after a review when the score the proposer is rewarded by reaches ``accept`` (the gold
solve in cooperative mode, the judge's score in judged mode; ``accept=None``: never), and truncated
after ``max_cycles`` rounds.

**AEC** (``env()``): the agents strictly alternate, proposer first; each acts ``max_cycles`` times.
**Parallel** (``parallel_env()``): one step is one round in which both act at once on what they
see: the judge reviews the latest submission while the proposer submits its next one, so the
proposer revises from the review of the submission before its last (a one-round pipeline). The
first step's review is of the starting state (the buggy program; no answer yet); the last
submission is judged for ``gold`` but not reviewed, and a review that ends the episode ends it
before the submission made in the same step counts.
"""

from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any

import numpy as np
from gymnasium import spaces
from gymnasium.utils import seeding
from pettingzoo import AECEnv, ParallelEnv
from pettingzoo.utils import wrappers

from loopgym.config import ConfigError, RenderModeError, check_choice, check_float, check_int, make_config
from loopgym.core import ActionError

MODES = ("cooperative", "judged")
REVIEWER_REWARDS = ("agreement", "gold")
VIEWS = ("vector", "text")


class TextObservation(str):
    """A text observation: a ``str`` that also has the ``dtype`` of its space (``str``).

    PettingZoo's API test compares every observation's ``.dtype`` with its space's, which a plain
    ``str`` lacks; this is a ``str`` in every other respect (``isinstance(obs, str)`` holds)."""

    __slots__ = ()
    dtype = str


@dataclasses.dataclass
class Submission:
    """How the hidden truth judged one submission."""

    gold: float
    solved: bool
    valid: bool = True
    message: str = ""


@dataclasses.dataclass
class Review:
    """What the judge said: its ``score`` and what it chose to tell (``kind``; ``text`` in words)."""

    score: float
    kind: str
    text: str
    valid: bool = True


@dataclasses.dataclass
class LoopConfig:
    """The loop's own arguments (the rest go to the domain's task)."""

    mode: str = "cooperative"
    max_cycles: int = 8
    accept: float | None = 1.0
    reviewer_reward: Any = "agreement"
    attempt_cost: float = 0.05
    n_scores: int = 11

    def validate(self) -> None:
        check_choice("mode", self.mode, MODES)
        self.max_cycles = check_int("max_cycles", self.max_cycles, low=1, high=10_000)
        if self.accept is not None:
            self.accept = check_float("accept", self.accept, low=0.0, high=1.0, low_open=True)
        if not callable(self.reviewer_reward):
            check_choice("reviewer_reward", self.reviewer_reward, (*REVIEWER_REWARDS, "a callable f(score, gold)"))
        self.attempt_cost = check_float("attempt_cost", self.attempt_cost, low=0.0)
        self.n_scores = check_int("n_scores", self.n_scores, low=2, high=101)


class Domain(ABC):
    """What a submission and a review are in one task family, and how each agent sees them.

    Subclasses set ``proposer`` and ``judge`` (the agents' names) and build the four spaces in
    ``__init__``; ``state`` is whatever :meth:`sample` returns (the episode).
    """

    proposer: str
    judge: str
    action_spaces: dict[str, spaces.Space]
    observation_spaces: dict[str, spaces.Space]

    def __init__(self, view: str, loop: LoopConfig):
        self.view = view
        self.loop = loop

    @abstractmethod
    def sample(self, rng: np.random.Generator, options: dict[str, Any]) -> Any:
        """A new episode's state."""

    @abstractmethod
    def submit(self, state: Any, action: Any, rng: np.random.Generator) -> Submission:
        """Apply the proposer's action and judge the result against the hidden truth."""

    @abstractmethod
    def review(self, state: Any, action: Any) -> Review:
        """Apply the judge's action to the latest submission: the score and what the proposer is told."""

    @abstractmethod
    def observe(self, state: Any, agent: str) -> Any:
        """The agent's observation of the state."""

    def initial_gold(self, state: Any) -> float:
        """The hidden score of the starting state (the buggy program's; 0 where nothing is submitted)."""
        return 0.0

    def step_info(self, state: Any) -> dict[str, Any]:
        """Family keys added to every agent's info after a submission or a review."""
        return {}

    def score_of(self, index: int) -> float:
        """The score a vector judge's score index stands for."""
        return int(index) / (self.loop.n_scores - 1)


class ReviewGame:
    """The rounds, rewards and episode end, with no PettingZoo API (both APIs drive this)."""

    def __init__(self, domain: Domain, loop: LoopConfig):
        self.domain, self.loop = domain, loop
        self.proposer, self.judge = domain.proposer, domain.judge

    def reset(self, rng: np.random.Generator, options: dict[str, Any]) -> None:
        self.state = self.domain.sample(rng, options)
        self.round = 0
        self.gold = float(self.domain.initial_gold(self.state))
        self.solved = False
        # the reward potentials: s_0 = 0 in both modes, so a return is the final score less the costs
        self._gold_potential = 0.0
        self._gold_at_review = 0.0
        self.score = 0.0  # the score of the latest review
        self.reviewed = False
        self.last_review: Review | None = None
        self.last_submission: Submission | None = None
        self.version = 0  # bumped on every change, so observations are encoded once per state
        self.info: dict[str, Any] = self._info()

    def _info(self) -> dict[str, Any]:
        # score and gap describe the latest review; before the first, they are 0 and reviewed is False
        return {
            "round": self.round,
            "gold": self.gold,
            "success": self.solved,
            "reviewed": self.reviewed,
            "score": self.score if self.reviewed else 0.0,
            "gap": self.score - self.gold if self.reviewed else 0.0,
            "review": self.last_review.kind if self.last_review is not None else "",
            **self.domain.step_info(self.state),
        }

    def submit(self, action: Any, rng: np.random.Generator) -> dict[str, float]:
        """The proposer's turn; returns the rewards it hands out."""
        loop = self.loop
        sub = self.domain.submit(self.state, action, rng)
        previous, self._gold_potential = self._gold_potential, float(sub.gold)
        self.round += 1
        self.gold, self.solved, self.last_submission = float(sub.gold), bool(sub.solved), sub
        self.reviewed = False
        self.version += 1
        self.info = self._info()
        if loop.mode == "cooperative":
            r = self.gold - previous - loop.attempt_cost
            return {self.proposer: r, self.judge: r}
        return {}

    def review(self, action: Any) -> tuple[dict[str, float], bool]:
        """The judge's turn; returns its rewards and whether the episode is terminated."""
        loop = self.loop
        rev = self.domain.review(self.state, action)
        previous = self.score
        self.score, self.last_review, self.reviewed = float(rev.score), rev, True
        self.version += 1
        self.info = self._info()
        if loop.mode == "cooperative":
            rewards: dict[str, float] = {}
            target = self.gold
        else:
            if callable(loop.reviewer_reward):
                judge_r = float(loop.reviewer_reward(self.score, self.gold))
            elif loop.reviewer_reward == "agreement":
                judge_r = 1.0 - abs(self.score - self.gold)
            else:
                judge_r = self.gold - self._gold_at_review
            rewards = {self.proposer: self.score - previous - loop.attempt_cost, self.judge: judge_r}
            target = self.score
        self._gold_at_review = self.gold
        terminated = loop.accept is not None and target >= loop.accept - 1e-12
        return rewards, terminated


# ------------------------------------------------------------------------------------------- APIs
def _check_render_mode(render_mode: str | None, allowed: list[str]) -> None:
    if render_mode not in (None, *allowed):
        raise RenderModeError(
            f"render_mode={render_mode!r} is not allowed: render_mode must be one of "
            + ", ".join(repr(m) for m in (None, *allowed))
        )


def check_action(name: str, space: spaces.Space, agent: str, action: Any) -> None:
    """Raise :class:`ActionError`, naming the agent, the action and the space, unless ``action`` is in it."""
    try:
        inside = space.contains(action)
    except (ValueError, TypeError):
        inside = False
    if not inside:
        text = repr(action)
        text = text if len(text) <= 200 else text[:200] + "..."
        raise ActionError(f"{name}: action {text} for {agent!r} is not in its action space {space}")


class _Setup:
    """What both APIs' classes build the same way: the domain, the game, the agents, the spaces."""

    metadata: dict[str, Any] = {"render_modes": ["ansi"], "is_parallelizable": True, "render_fps": 4}
    domain_cls: Callable[..., Domain]

    def _setup(self, view: str, render_mode: str | None, kwargs: dict[str, Any]) -> None:
        check_choice("view", view, VIEWS)
        _check_render_mode(render_mode, self.metadata["render_modes"])
        loop, rest = split_kwargs(kwargs)
        self.domain = self.domain_cls(view, loop, rest)
        self.game = ReviewGame(self.domain, loop)
        self.view, self.render_mode = view, render_mode
        self.possible_agents = [self.domain.proposer, self.domain.judge]
        self.agents: list[str] = []
        self.np_random, _ = seeding.np_random(None)

    def observation_space(self, agent: str) -> spaces.Space:
        return self.domain.observation_spaces[agent]

    def action_space(self, agent: str) -> spaces.Space:
        return self.domain.action_spaces[agent]

    def render(self) -> str | None:
        if self.render_mode != "ansi" or "state" not in vars(self.game):
            return None
        return render_text(self.game)

    def close(self) -> None:
        pass


def task_config(config_cls: type, kwargs: dict[str, Any], *, owner: str, fixed: dict[str, Any],
                extra: tuple[str, ...] = (), why: str = "") -> Any:
    """The wrapped single-agent task's config: ``kwargs`` plus the ``fixed`` values the loop sets itself.

    Passing a fixed argument, or one neither the task nor the loop takes, raises an error that lists
    the arguments allowed (the task's, less the fixed ones, ``extra`` and the loop's)."""
    owned = sorted(k for k in kwargs if k in fixed)
    allowed = [f.name for f in dataclasses.fields(config_cls) if f.name not in fixed]
    allowed += [*extra, *[f.name for f in dataclasses.fields(LoopConfig)], "view", "render_mode"]
    unknown = sorted(k for k in kwargs if k not in allowed)
    if owned or unknown:
        raise ConfigError(
            f"{owner} got argument(s) {', '.join(map(repr, owned + unknown))} it does not take"
            f"{f' ({why})' if owned and why else ''}; allowed arguments: {', '.join(allowed)}"
        )
    return make_config(config_cls, {**kwargs, **fixed}, owner=owner)


def split_kwargs(kwargs: dict[str, Any]) -> tuple[LoopConfig, dict[str, Any]]:
    """The loop's arguments as a validated :class:`LoopConfig`, and the rest (for the domain)."""
    names = {f.name for f in dataclasses.fields(LoopConfig)}
    loop = LoopConfig(**{k: v for k, v in kwargs.items() if k in names})
    loop.validate()
    return loop, {k: v for k, v in kwargs.items() if k not in names}


class ReviewLoopAEC(_Setup, AECEnv):
    """The review loop as an AEC environment (subclasses set ``domain_cls`` and the docstring)."""

    def __init__(self, view: str = "vector", render_mode: str | None = None, **kwargs: Any):
        AECEnv.__init__(self)
        self._setup(view, render_mode, kwargs)
        self._obs_cache: dict[str, tuple[int, Any]] = {}

    def reset(self, seed: int | None = None, options: dict[str, Any] | None = None) -> None:
        if seed is not None:
            self.np_random, _ = seeding.np_random(seed)
        self.game.reset(self.np_random, dict(options or {}))
        self.agents = list(self.possible_agents)
        self.rewards = dict.fromkeys(self.agents, 0.0)
        self._cumulative_rewards = dict.fromkeys(self.agents, 0.0)
        self.terminations = dict.fromkeys(self.agents, False)
        self.truncations = dict.fromkeys(self.agents, False)
        self.infos = {a: dict(self.game.info) for a in self.agents}
        self.agent_selection = self.domain.proposer
        self._obs_cache = {}

    def observe(self, agent: str) -> Any:
        cached = self._obs_cache.get(agent)
        if cached is None or cached[0] != self.game.version:
            cached = (self.game.version, observe(self.domain, self.game.state, agent))
            self._obs_cache[agent] = cached
        return cached[1]

    def step(self, action: Any) -> None:
        agent = self.agent_selection
        if self.terminations[agent] or self.truncations[agent]:
            self._was_dead_step(action)
            return
        check_action(type(self).__name__, self.action_space(agent), agent, action)
        self._cumulative_rewards[agent] = 0.0
        self.rewards = dict.fromkeys(self.agents, 0.0)
        game = self.game
        if agent == self.domain.proposer:
            self.rewards.update(game.submit(action, self.np_random))
            self.agent_selection = self.domain.judge
        else:
            rewards, terminated = game.review(action)
            self.rewards.update(rewards)
            truncated = not terminated and game.round >= game.loop.max_cycles
            if terminated or truncated:
                for a in self.agents:
                    self.terminations[a], self.truncations[a] = terminated, truncated
            self.agent_selection = self.domain.proposer
        self.infos = {a: dict(game.info) for a in self.agents}
        self._accumulate_rewards()

class ReviewLoopParallel(_Setup, ParallelEnv):
    """The review loop as a parallel environment: one step is one pipelined round (module docstring)."""

    def __init__(self, view: str = "vector", render_mode: str | None = None, **kwargs: Any):
        self._setup(view, render_mode, kwargs)

    def _observations(self) -> dict[str, Any]:
        return {a: observe(self.domain, self.game.state, a) for a in self.agents}

    def reset(self, seed: int | None = None, options: dict[str, Any] | None = None):
        if seed is not None:
            self.np_random, _ = seeding.np_random(seed)
        self.game.reset(self.np_random, dict(options or {}))
        self.agents = list(self.possible_agents)
        return self._observations(), {a: dict(self.game.info) for a in self.agents}

    def step(self, actions: dict[str, Any]):
        name = type(self).__name__
        missing = [a for a in self.agents if a not in actions]
        extra = [a for a in actions if a not in self.agents]
        if not self.agents or missing or extra:
            raise ValueError(
                f"{name}.step needs one action for each live agent {self.agents} (call reset() first); "
                f"missing {missing}, not acting now {extra}"
            )
        for a in self.agents:
            check_action(name, self.action_space(a), a, actions[a])
        game, proposer, judge = self.game, self.domain.proposer, self.domain.judge
        rewards = dict.fromkeys(self.agents, 0.0)
        rev_rewards, terminated = game.review(actions[judge])
        for a, r in rev_rewards.items():
            rewards[a] += r
        review_info = dict(game.info)
        if not terminated:
            for a, r in game.submit(actions[proposer], self.np_random).items():
                rewards[a] += r
            # the review fields describe the review made this step (of the previous submission)
            info = {**game.info, **{k: review_info[k] for k in ("reviewed", "score", "gap", "review")}}
        else:
            info = review_info
        truncated = not terminated and game.round >= game.loop.max_cycles
        agents = list(self.agents)
        obs = self._observations()
        if terminated or truncated:
            self.agents = []
        return (obs, rewards, dict.fromkeys(agents, terminated), dict.fromkeys(agents, truncated),
                {a: dict(info) for a in agents})  # fmt: skip

    def state(self) -> np.ndarray:
        """Round / max_cycles, gold, the latest score (0 before any review), reviewed."""
        g = self.game
        return np.array([g.round / g.loop.max_cycles, g.gold, g.score, float(g.reviewed)], dtype=np.float32)

    @property
    def state_space(self) -> spaces.Box:
        return spaces.Box(0.0, 1.0, (4,), dtype=np.float32)


def observe(domain: Domain, state: Any, agent: str) -> Any:
    obs = domain.observe(state, agent)
    return TextObservation(obs) if isinstance(obs, str) else obs


def render_text(game: ReviewGame) -> str:
    rev = game.last_review
    lines = [f"round {game.round} of {game.loop.max_cycles} ({game.loop.mode}): gold {game.gold:.2f}"
             + (f", score {game.score:.2f}, gap {game.score - game.gold:+.2f}" if game.reviewed else "")]
    if rev is not None:
        lines.append(f"last review ({rev.kind}): {rev.text}")
    return "\n".join(lines)


def make_module(aec_cls: type[ReviewLoopAEC]):
    """A review environment module's parallel class (the AEC class's twin: same domain, docstring and
    name) and its ``env``, ``raw_env`` and ``parallel_env``."""
    parallel_cls = type(f"{aec_cls.__name__}Parallel", (ReviewLoopParallel,), {
        "__doc__": aec_cls.__doc__, "__module__": aec_cls.__module__, "domain_cls": aec_cls.domain_cls,
        "metadata": {**ReviewLoopParallel.metadata, "name": aec_cls.metadata["name"]},
    })  # fmt: skip

    def raw_env(**kwargs: Any) -> ReviewLoopAEC:
        return aec_cls(**kwargs)

    def env(**kwargs: Any) -> AECEnv:
        # no AssertOutOfBoundsWrapper: the judges' spaces are not Discrete, and step() checks every action
        return wrappers.OrderEnforcingWrapper(raw_env(**kwargs))

    def parallel_env(**kwargs: Any) -> ReviewLoopParallel:
        return parallel_cls(**kwargs)

    raw_env.__doc__ = f"The unwrapped AEC environment (see :class:`{aec_cls.__name__}`)."
    env.__doc__ = f"The AEC environment with PettingZoo's order-enforcing wrapper (see :class:`{aec_cls.__name__}`)."
    parallel_env.__doc__ = f"The parallel environment, one pipelined round per step (see :class:`{parallel_cls.__name__}`)."
    return parallel_cls, env, raw_env, parallel_env


__all__ = [
    "MODES", "REVIEWER_REWARDS", "ConfigError", "Domain", "LoopConfig", "Review", "ReviewGame",
    "ReviewLoopAEC", "ReviewLoopParallel", "Submission", "TextObservation", "check_action",
    "make_module", "split_kwargs", "task_config",
]  # fmt: skip
