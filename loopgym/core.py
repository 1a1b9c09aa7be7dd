"""The loop every loopgym environment runs: Task -> Feedback -> View -> LoopEnv.

``reset(seed)`` asks the task for a problem drawn from ``self.np_random``; ``step(action)`` asks the
view to decode the action into an attempt, the task to judge it (a :class:`Feedback`), and the view
to encode the feedback as the next observation. Families supply a Task and two Views (``vector`` and
``text``); they declare an env class with the Gymnasium docstring sections but add no behaviour.
"""

from __future__ import annotations

import copy
import dataclasses
import string
from abc import ABC, abstractmethod
from typing import Any, ClassVar, Generic, Literal, TypeVar

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from loopgym.config import ConfigError, RenderModeError, check_choice, make_config

ConfigT = TypeVar("ConfigT")


class ActionError(gym.error.InvalidAction, ValueError):
    """An action that is not in the environment's action space."""


@dataclasses.dataclass
class InvalidAttempt:
    """An action the view could not read as an attempt; the task answers it with feedback."""

    reason: str


@dataclasses.dataclass
class Feedback:
    """What a task says about one attempt.

    ``reward`` is what the agent trains on (it may be a proxy); ``gold`` in [0, 1] is the hidden score
    a benchmark reports; ``solved`` ends the episode in tasks that stop when solved. ``valid`` is false
    when the attempt could not be read, and ``message`` then says why. Families subclass this with
    their own typed details and a :meth:`render` that puts them into words.
    """

    reward: float
    gold: float
    solved: bool
    valid: bool = True
    message: str = ""

    def render(self) -> str:
        """The feedback in words, as a text agent sees it."""
        return self.message

    def to_dict(self) -> dict[str, Any]:
        """The feedback as plain data (this goes into ``info["feedback"]`` on every step)."""
        return dict(self.__dict__)


class Task(ABC, Generic[ConfigT]):
    """Generates problems and judges attempts. Knows nothing of spaces.

    Subclasses set ``Config`` (a dataclass with ``validate()``) and implement :meth:`sample` and
    :meth:`evaluate`. A problem may carry mutable episode state (a bandit's drifting means, a queue
    of delayed rewards): :meth:`evaluate` is allowed to advance it.
    """

    Config: ClassVar[type]
    #: end the episode (``terminated``) as soon as an attempt solves the problem
    stop_when_solved: ClassVar[bool] = True
    #: how an episode's gold and success are summarised: ``"final"`` (the last attempt's, for tasks
    #: that are solved or not) or ``"mean"`` (the mean over steps, for tasks scored at every step)
    episode_score: ClassVar[Literal["final", "mean"]] = "final"
    #: keys ``reset(options=...)`` accepts; they are passed to :meth:`sample` as keyword arguments
    reset_options: ClassVar[tuple[str, ...]] = ()

    def __init__(self, config: ConfigT):
        self.config = config

    @property
    @abstractmethod
    def max_attempts(self) -> int:
        """The attempt budget: the episode is truncated after this many steps."""

    @abstractmethod
    def sample(self, rng) -> Any:
        """Draw a problem (the episode's hidden state) using only ``rng``."""

    @abstractmethod
    def evaluate(self, problem: Any, attempt: Any, rng) -> Feedback:
        """Judge ``attempt`` (possibly an :class:`InvalidAttempt`) and return its feedback."""

    def reset_info(self, problem: Any) -> dict[str, Any]:
        """Family-specific ``info`` keys returned by ``reset`` (a stream's first ``task_id``, ...)."""
        return {}

    def step_info(self, problem: Any, feedback: Feedback) -> dict[str, Any]:
        """Family-specific ``info`` keys added to every step (``regret``, ``task_id``, ...)."""
        return {}

    def normalised_score(self, final_info: dict[str, Any]) -> float | None:
        """The family's normalised score of an episode (0 = random, 1 = best), from the ``info`` of
        its last step; ``None`` where the family defines none."""
        return None


class View(ABC):
    """Turns actions into attempts and feedback into observations, for one task."""

    action_space: spaces.Space
    observation_space: spaces.Space

    def __init__(self, task: Task):
        self.task = task

    @abstractmethod
    def decode(self, action: Any) -> Any:
        """The attempt an action stands for, or an :class:`InvalidAttempt` saying what was wrong."""

    @abstractmethod
    def encode(self, problem: Any, feedback: Feedback | None) -> Any:
        """The observation after ``feedback`` (``None`` right after reset)."""


class FreeText(spaces.Text):
    """A text space that contains every string.

    Text agents may answer anything; an answer we cannot read is feedback inside the episode, not an
    error, so ``contains`` accepts any ``str`` whatever its length or characters. Sampling draws
    printable ASCII up to ``max_length`` characters.
    """

    def __init__(self, max_length: int = 4096):
        super().__init__(max_length, min_length=0, charset=string.printable)

    def contains(self, x: Any) -> bool:
        return isinstance(x, str)

    def __repr__(self) -> str:
        return f"FreeText(max_length={self.max_length})"


_SNAPSHOT_KEYS = {"problem", "feedback", "attempt", "done", "rng", "view"}


class LoopEnv(gym.Env):
    """The generic environment. Subclasses only declare ``task_cls`` and ``views`` (and a docstring).

    ``LoopEnv(view="vector"|"text", render_mode=None|"ansi", **config)``: every other keyword goes to
    the task's config, which validates it.
    """

    # render_fps only silences the checker: ansi frames are returned, never shown at a rate
    metadata: ClassVar[dict[str, Any]] = {"render_modes": ["ansi"], "render_fps": 4}
    task_cls: ClassVar[type[Task]]
    views: ClassVar[dict[str, type[View]]]

    def __init__(self, view: str = "vector", render_mode: str | None = None, **kwargs: Any):
        check_choice("view", view, tuple(self.views))
        if render_mode not in (None, *self.metadata["render_modes"]):
            allowed = ", ".join(repr(m) for m in (None, *self.metadata["render_modes"]))
            raise RenderModeError(
                f"render_mode={render_mode!r} is not allowed: render_mode must be one of {allowed}"
            )
        config = make_config(self.task_cls.Config, kwargs, owner=type(self).__name__)
        self.task = self.task_cls(config)
        self.view = self.views[view](self.task)
        self.view_name = view
        self.render_mode = render_mode
        self.action_space = self.view.action_space
        self.observation_space = self.view.observation_space
        self.problem: Any = None
        self.feedback: Feedback | None = None
        self.attempt = 0
        self._done = True
        self._text_view: View | None = None

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        options = dict(options or {})
        unknown = sorted(k for k in options if k not in self.task.reset_options)
        if unknown:
            allowed = ", ".join(self.task.reset_options) or "none"
            raise ConfigError(
                f"{type(self).__name__}.reset: option(s) {', '.join(map(repr, unknown))} are not allowed; "
                f"allowed options: {allowed}"
            )
        self.problem = self.task.sample(self.np_random, **options)
        self.feedback = None
        self.attempt = 0
        self._done = False
        return self.view.encode(self.problem, None), {"attempt": 0, **self.task.reset_info(self.problem)}

    def step(self, action: Any):
        if self._done:
            raise gym.error.ResetNeeded(
                f"{type(self).__name__}: the episode has ended (or never started); call reset()"
            )
        try:
            inside = self.action_space.contains(action)
        except (ValueError, TypeError):  # gymnasium's MultiDiscrete raises on a wrong shape
            inside = False
        if not inside:
            text = repr(action)
            text = text if len(text) <= 200 else text[:200] + "..."
            raise ActionError(
                f"{type(self).__name__}: action {text} is not in the action space "
                f"{self.action_space} of the {self.view_name!r} view"
            )
        feedback = self.task.evaluate(self.problem, self.view.decode(action), self.np_random)
        self.feedback = feedback
        self.attempt += 1
        terminated = feedback.solved and self.task.stop_when_solved
        truncated = not terminated and self.attempt >= self.task.max_attempts
        self._done = terminated or truncated
        info = {
            "success": feedback.solved,
            "gold": feedback.gold,
            "attempt": self.attempt,
            "feedback": feedback.to_dict(),
        }
        info.update(self.task.step_info(self.problem, feedback))
        return self.view.encode(self.problem, feedback), feedback.reward, terminated, truncated, info

    # ------------------------------------------------------------------------------ branching
    def _shared_memo(self) -> dict[int, Any]:
        # the task (corpora, datasets) and the spaces are never copied: a snapshot holds episode state
        keep = [self.task, self.view.task, self.action_space, self.observation_space]
        return {id(o): o for o in keep}

    def snapshot(self) -> Any:
        """The episode as it stands (problem, feedback, attempt count, view state, RNG), to come back to
        with :meth:`restore`; search agents (expert iteration, MCTS) branch with these. A snapshot is
        independent of the env: stepping on does not change it, and it can be restored many times."""
        view = {k: v for k, v in vars(self.view).items() if k not in ("task", "action_space", "observation_space")}
        state = {"problem": self.problem, "feedback": self.feedback, "attempt": self.attempt,
                 "done": self._done, "rng": self._np_random, "view": view}  # fmt: skip
        return copy.deepcopy(state, self._shared_memo())

    def restore(self, snapshot: Any) -> None:
        """Put the episode back where :meth:`snapshot` took it (the next ``step`` continues from there)."""
        if not isinstance(snapshot, dict) or set(snapshot) != _SNAPSHOT_KEYS:
            raise TypeError(
                f"{type(self).__name__}.restore needs a value returned by snapshot(), got {type(snapshot).__name__}"
            )
        state = copy.deepcopy(snapshot, self._shared_memo())
        self.problem, self.feedback, self.attempt = state["problem"], state["feedback"], state["attempt"]
        self._done, self._np_random = state["done"], state["rng"]
        vars(self.view).update(state["view"])

    def action_masks(self) -> np.ndarray:
        """Which actions are allowed now (for sb3-contrib's MaskablePPO): the view's mask where its
        candidates vary, else every action of a Discrete or MultiDiscrete space."""
        view_masks = getattr(self.view, "action_masks", None)
        if view_masks is not None:
            return view_masks()
        if isinstance(self.action_space, spaces.Discrete):
            return np.ones(int(self.action_space.n), dtype=bool)
        if isinstance(self.action_space, spaces.MultiDiscrete):
            return np.ones(int(np.sum(self.action_space.nvec)), dtype=bool)
        raise NotImplementedError(f"{type(self).__name__}: action masks need a Discrete or MultiDiscrete space")

    def render(self) -> str | None:
        if self.render_mode != "ansi" or self.problem is None:
            return None
        if self._text_view is None:
            self._text_view = self.views["text"](self.task)
        return self._text_view.encode(self.problem, self.feedback)
