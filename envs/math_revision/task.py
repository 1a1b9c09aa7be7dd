"""The two math tasks: answer-and-revise (MathRevision) and repair-a-worked-solution (StepRevision).

Problems come from the generators (``generators/``, one file per family): problem ``index`` of
``problem_seed`` is the same on every machine. With ``problem_seed=None`` (the default) each episode
draws a fresh seed from the env's ``np_random``, so problems never run out; with an integer seed
and ``n_problems`` the env cycles through a fixed set (a benchmark split).

Rewards (one formula each)::

    MathRevision:  reward = correct_reward * correct - attempt_cost
    StepRevision:  reward = solve_bonus * solved + shaping * (w_{t-1} - w_t) / n_steps - attempt_cost

``w_t`` is the number of wrong steps after revision ``t`` (``shaping`` defaults to 0 so the feedback
level alone decides what the agent learns from). ``gold`` is 1 for a right answer (a fully right
solution), else 0.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from loopgym.config import ConfigError, check_choice, check_float, check_int

from . import generators
from .feedback import LEVELS, STEP_LEVELS

ALL = "all"


def check_families(value: Any) -> tuple[str, ...]:
    """``"all"``, one family name or a sequence of names -> a tuple of names (each validated)."""
    if value == ALL:
        return generators.FAMILY_NAMES
    names = (value,) if isinstance(value, str) else value
    if not isinstance(names, Sequence) or not names or not all(isinstance(n, str) for n in names):
        raise ConfigError(
            f"families={value!r} is not allowed: families must be 'all', a family name or a non-empty "
            f"list of them; families: {', '.join(generators.FAMILY_NAMES)}"
        )
    for n in names:
        if n.startswith("rg:"):
            from .reasoning_gym_adapter import check_dataset

            check_dataset(n[3:])
        elif n not in generators.FAMILY_NAMES:
            raise ConfigError(
                f"families={value!r} is not allowed: unknown family {n!r}; families: "
                f"{', '.join(generators.FAMILY_NAMES)} (or 'rg:<reasoning-gym dataset>')"
            )
    return tuple(dict.fromkeys(names))


def check_level(value: Any, name: str = "level") -> int:
    return check_int(name, value, low=1, high=5)


@dataclasses.dataclass
class CommonConfig:
    """Arguments both math envs take."""

    families: Any = ALL
    level: int = 1
    max_attempts: int = 5
    #: fixed problem set: problems ``0 .. n_problems-1`` of this seed (None: fresh problems every episode)
    problem_seed: int | None = None
    n_problems: int = 1000
    attempt_cost: float = 0.05

    def validate(self) -> None:
        self.families = check_families(self.families)
        self.level = check_level(self.level)
        self.max_attempts = check_int("max_attempts", self.max_attempts, low=1, high=10_000)
        if self.problem_seed is not None:
            self.problem_seed = check_int("problem_seed", self.problem_seed)
        self.n_problems = check_int("n_problems", self.n_problems, low=1)
        self.attempt_cost = check_float("attempt_cost", self.attempt_cost, low=0.0)


def sample_problem(config: CommonConfig, rng, options: dict[str, Any], *, min_steps: int = 1,
                   max_steps: int | None = None):
    """Draw the episode's problem: family, level and index from ``rng`` unless ``options`` fix them."""
    family = options.get("family")
    if family is None:
        family = config.families[int(rng.integers(len(config.families)))]
    elif family not in config.families:
        raise ConfigError(
            f"reset option family={family!r} is not allowed: this env's families are {', '.join(config.families)}"
        )
    level = check_level(options.get("level", config.level), "reset option level")
    if config.problem_seed is None:
        seed, index = int(rng.integers(2**31)), 0
    else:
        seed = config.problem_seed
        index = int(rng.integers(config.n_problems))
    if options.get("index") is not None:
        index = check_int("reset option index", options["index"], low=0)
        seed = config.problem_seed if config.problem_seed is not None else 0
    if family.startswith("rg:"):
        from .reasoning_gym_adapter import problem as rg_problem

        return rg_problem(family[3:], seed, index, level)
    problem = generators.generate(family, seed, index, level)
    tries = 0
    def fits(p) -> bool:
        n = len(p.solution.steps)
        return n >= min_steps and (max_steps is None or n <= max_steps)

    while not fits(problem) and tries < 50:  # StepRevision wants a few steps, and no more than it shows
        tries += 1
        problem = generators.generate(family, seed, index + tries * 7919, level)
    if not fits(problem):
        raise ConfigError(
            f"family {family!r} at level {level} gives no problem with {min_steps} to {max_steps} steps; "
            "raise max_steps or choose another level"
        )
    return problem


@dataclasses.dataclass
class MathRevisionConfig(CommonConfig):
    """Arguments of ``loopgym/MathRevision-v0`` (see the env's docstring)."""

    feedback: str = "binary"
    stop_on_correct: bool = True
    show_solution: bool = False
    n_errors: int = 1
    correct_reward: float = 1.0
    n_candidates: int = 16
    mask_ruled_out: bool = False

    def validate(self) -> None:
        super().validate()
        check_choice("feedback", self.feedback, LEVELS)
        for name in ("stop_on_correct", "show_solution", "mask_ruled_out"):
            if not isinstance(getattr(self, name), bool):
                raise ConfigError(f"{name}={getattr(self, name)!r} is not allowed: {name} must be True or False")
        self.n_errors = check_int("n_errors", self.n_errors, low=1, high=3)
        self.correct_reward = check_float("correct_reward", self.correct_reward)
        self.n_candidates = check_int("n_candidates", self.n_candidates, low=2, high=256)


@dataclasses.dataclass
class StepRevisionConfig(CommonConfig):
    """Arguments of ``loopgym/StepRevision-v0`` (see the env's docstring)."""

    level: int = 2
    feedback: str = "step"
    max_attempts: int = 6
    n_errors: int = 1
    error_classes: Any = ALL
    max_steps: int = 12
    n_corrections: int = 4
    solve_bonus: float = 1.0
    shaping: float = 0.0

    def validate(self) -> None:
        super().validate()
        from .steps import ERROR_CLASSES

        check_choice("feedback", self.feedback, STEP_LEVELS)
        self.n_errors = check_int("n_errors", self.n_errors, low=1, high=3)
        if self.error_classes == ALL:
            self.error_classes = ERROR_CLASSES
        names = (self.error_classes,) if isinstance(self.error_classes, str) else self.error_classes
        if (not isinstance(names, Sequence) or not names
                or not all(isinstance(n, str) and n in ERROR_CLASSES for n in names)):
            raise ConfigError(
                f"error_classes={self.error_classes!r} is not allowed: error_classes must be 'all' or a "
                f"non-empty list of {', '.join(ERROR_CLASSES)}"
            )
        self.error_classes = tuple(dict.fromkeys(names))
        self.max_steps = check_int("max_steps", self.max_steps, low=2, high=64)
        self.n_corrections = check_int("n_corrections", self.n_corrections, low=2, high=16)
        self.solve_bonus = check_float("solve_bonus", self.solve_bonus)
        self.shaping = check_float("shaping", self.shaping)
        if any(f.startswith("rg:") for f in self.families):
            raise ConfigError("families: reasoning-gym datasets have no worked solutions, so StepRevision cannot use them")
