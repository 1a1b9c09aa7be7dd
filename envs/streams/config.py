"""Stream arguments: one validated dataclass per scenario (see ``task.py`` for what they mean).

Every bad argument raises a :class:`loopgym.config.ConfigError` that names the argument, the value
and what is allowed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np

from loopgym.config import ConfigError, check_choice, check_floats, check_int

from .data import N_CLASSES

INCREMENTAL = ("class", "task", "domain")
ORDERS = ("tasks", "iid")


@dataclasses.dataclass
class StreamConfig:
    """Arguments every stream takes.

    incremental: ``"class"``, ``"task"`` or ``"domain"`` (default: the scenario's). n_tasks: tasks in
    the stream (default 5). epochs: passes over each task's training set (>= 1; each reshuffled).
    order: ``"tasks"`` (one task after another) or ``"iid"`` (every task's samples shuffled together:
    the joint-training reference). max_steps: cut the stream after this many steps (None: whole).
    """

    incremental: Any = None
    n_tasks: Any = None
    epochs: Any = 1
    order: Any = "tasks"
    max_steps: Any = None

    default_incremental: ClassVar[str] = "domain"

    def validate(self) -> None:
        if self.incremental is None:
            self.incremental = self.default_incremental
        check_choice("incremental", self.incremental, INCREMENTAL)
        self.validate_tasks()
        self.epochs = check_int("epochs", self.epochs, low=1)
        check_choice("order", self.order, ORDERS)
        if self.max_steps is not None:
            self.max_steps = check_int("max_steps", self.max_steps, low=1)

    def validate_tasks(self) -> None:
        self.n_tasks = check_int("n_tasks", 5 if self.n_tasks is None else self.n_tasks, low=1)


@dataclasses.dataclass
class SplitConfig(StreamConfig):
    """class_order: ``None`` (0..9), a list of distinct classes (a subset is allowed), or
    ``"random"`` (a new order from every reset's seed). n_tasks defaults to 5 (or the number of
    classes if fewer) and may not exceed the number of classes; ``incremental="domain"`` needs the
    classes to split evenly."""

    class_order: Any = None

    default_incremental: ClassVar[str] = "class"

    def validate_tasks(self) -> None:
        n_classes = N_CLASSES
        if self.class_order is not None and not (isinstance(self.class_order, str) and self.class_order == "random"):
            self.class_order = _check_classes(self.class_order)
            n_classes = len(self.class_order)
        if self.n_tasks is None:
            self.n_tasks = min(5, n_classes)
        self.n_tasks = check_int("n_tasks", self.n_tasks, low=1)
        if self.n_tasks > n_classes:
            raise ConfigError(
                f"n_tasks={self.n_tasks!r} is not allowed: a split stream has at most one task per class, "
                f"so n_tasks must be in [1, {n_classes}] with {n_classes} classes"
            )
        if self.incremental == "domain" and n_classes % self.n_tasks:
            raise ConfigError(
                f"n_tasks={self.n_tasks!r} is not allowed with incremental='domain': domain-incremental "
                f"labels need every task to have the same number of classes, so n_tasks must divide "
                f"the {n_classes} classes"
            )


def _check_classes(value: Any) -> tuple[int, ...]:
    allowed = f'None, "random", or a non-empty list of distinct classes from 0 to {N_CLASSES - 1}'
    bad = ConfigError(f"class_order={value!r} is not allowed: class_order must be {allowed}")
    if isinstance(value, (str, bytes)) or not isinstance(value, (Sequence, np.ndarray)):
        raise bad
    classes = []
    for c in value:
        if isinstance(c, (bool, np.bool_)) or not isinstance(c, (int, np.integer)) or not 0 <= c < N_CLASSES:
            raise bad
        classes.append(int(c))
    if not classes or len(set(classes)) != len(classes):
        raise bad
    return tuple(classes)


@dataclasses.dataclass
class PermutedConfig(StreamConfig):
    """Task 0 shows the raw inputs; each later task permutes the features its own fixed way."""


@dataclasses.dataclass
class RotatedConfig(StreamConfig):
    """angles: rotation of each task in degrees, a non-empty list (then n_tasks = len(angles));
    ``None`` spreads ``n_tasks`` angles evenly over [0, 180): ``180 * k / n_tasks``."""

    angles: Any = None

    def validate_tasks(self) -> None:
        if self.angles is None:
            super().validate_tasks()
            self.angles = tuple(180.0 * k / self.n_tasks for k in range(self.n_tasks))
            return
        angles = check_floats("angles", self.angles)
        if not angles:
            raise ConfigError(
                f"angles={self.angles!r} is not allowed: angles must be a non-empty list of degrees (or None)"
            )
        if self.n_tasks is not None and self.n_tasks != len(angles):
            raise ConfigError(
                f"n_tasks={self.n_tasks!r} is not allowed with angles={self.angles!r}: n_tasks must be "
                f"len(angles)={len(angles)} or None"
            )
        self.angles, self.n_tasks = angles, len(angles)
