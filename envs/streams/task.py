"""Stream tasks: configs, the stream built at reset, and how an answer is judged.

A stream is a sequence of tasks; each task is a labelled training set, transformed in its own way:

- ``split``: the classes (in ``class_order``) are cut into ``n_tasks`` groups with
  ``np.array_split``; task k holds the samples of group k.
- ``permuted``: every task holds every class; task 0 is the raw input, task k > 0 permutes the
  features with a fixed random permutation drawn at reset.
- ``rotated``: every task holds every class, each image rotated by the task's angle.

How labels read (``incremental``), following van de Ven, Tuytelaars & Tolias (2022), "Three types
of incremental learning": ``class`` — one label per class over the whole stream (split: the digit;
permuted/rotated: ``digit + 10 * task``); ``task`` — labels as in ``class`` for split (with
``action_masks()`` restricted to the current task's classes) and the digit otherwise, the task id
shown; ``domain`` — labels shared by every task (split: the class's position in its task;
permuted/rotated: the digit), the task id hidden.

At reset every random number comes from the env's ``np_random``: first the task structure
(a random class order, the permutations), then the order of the samples. The whole stream is then
kept as arrays, so a step is a few list lookups. One step answers one sample: reward and gold are
1 for the right label and 0 otherwise (an unreadable answer is wrong).
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

import numpy as np

from loopgym.core import Feedback, InvalidAttempt, Task

from .config import PermutedConfig, RotatedConfig, SplitConfig, StreamConfig
from .data import N_CLASSES, StreamInfo, TaskData, load, rotated
from .feedback import StreamFeedback

# ----------------------------------------------------------------------------- the stream


@dataclasses.dataclass(eq=False)
class StreamProblem:
    """One episode: the stream as arrays, and where it is.

    ``pool`` holds every task's transformed training inputs, task after task (read-only), with
    ``pool_labels``; ``segments[k]`` are task k's ``(start, stop)`` rows. Per step (each list has one
    extra entry repeating the last sample, shown after the final answer): ``rows`` (the pool row
    shown), ``labels``, ``tasks``; ``boundaries`` per answered step. ``masks[k]`` are the actions
    allowed while task k's samples are shown. ``t`` is the next sample to answer.
    """

    info: StreamInfo
    structure: Any
    pool: np.ndarray
    pool_labels: np.ndarray
    segments: list[tuple[int, int]]
    rows: list[int]
    labels: list[int]
    tasks: list[int]
    boundaries: list[bool]
    masks: np.ndarray
    t: int = 0
    test_cache: list[TaskData] | None = None


@dataclasses.dataclass(eq=False)
class Structure:
    """The task structure drawn at reset: each task's classes (original digits), the table from
    digit to label, and its transform (a feature permutation or an angle; None for none)."""

    classes: list[np.ndarray]
    label_of: list[np.ndarray]
    transforms: list[Any]


class StreamTask(Task[StreamConfig]):
    """The shared stream: subclasses set ``dataset``/``scenario`` and say how tasks are drawn
    (:meth:`draw_structure`) and how a task's inputs are transformed (:meth:`task_inputs`)."""

    Config: ClassVar[type] = StreamConfig
    stop_when_solved = False
    episode_score = "mean"
    dataset: ClassVar[str]
    scenario: ClassVar[str]

    def __init__(self, config: StreamConfig):
        super().__init__(config)
        self.data = load(self.dataset)
        self.n_tasks = config.n_tasks
        self.task_id_visible = config.incremental == "task"
        self.n_labels = self.count_labels()
        counts = np.bincount(self.data.y_train, minlength=N_CLASSES)
        self.full_length = int(counts[self.stream_classes()].sum()) * config.epochs
        self.n_steps = self.full_length if config.max_steps is None else min(config.max_steps, self.full_length)

    # -- what a scenario says
    def count_labels(self) -> int:
        return N_CLASSES * self.n_tasks if self.config.incremental == "class" else N_CLASSES

    def stream_classes(self) -> np.ndarray:
        """The classes of every task, one entry per (task, class): the stream length counts a class's
        training samples once for each task that holds it."""
        return np.tile(np.arange(N_CLASSES), self.n_tasks)

    def draw_structure(self, rng) -> Structure:
        classes = [np.arange(N_CLASSES) for _ in range(self.n_tasks)]
        offset = N_CLASSES if self.config.incremental == "class" else 0
        label_of = [np.arange(N_CLASSES, dtype=np.int64) + offset * k for k in range(self.n_tasks)]
        return Structure(classes, label_of, self.draw_transforms(rng))

    def draw_transforms(self, rng) -> list[Any]:
        return [None] * self.n_tasks

    def task_inputs(self, structure: Structure, k: int, which: str) -> np.ndarray:
        """Every input of the ``which`` split as task k shows it."""
        return self.data.split(which)[0]

    @property
    def max_attempts(self) -> int:
        return self.n_steps

    # -- the shared stream
    def task_data(self, structure: Structure, k: int, which: str) -> TaskData:
        """Task k's samples of the ``which`` split (``"train"``/``"test"``), transformed and labelled."""
        y = self.data.split(which)[1]
        x = self.task_inputs(structure, k, which)
        keep = np.isin(y, structure.classes[k])
        if not keep.all():
            x, y = x[keep], y[keep]
        return TaskData(x, structure.label_of[k][y], k)  # callers copy before handing it out

    def sample(self, rng) -> StreamProblem:
        cfg, n_tasks = self.config, self.n_tasks
        structure = self.draw_structure(rng)
        train = [self.task_data(structure, k, "train") for k in range(n_tasks)]
        sizes = np.array([len(d.y) for d in train])
        starts = np.concatenate([[0], np.cumsum(sizes)])
        pool = np.concatenate([d.x for d in train])
        pool.setflags(write=False)
        pool_labels = np.concatenate([d.y for d in train])
        pool_tasks = np.repeat(np.arange(n_tasks), sizes)
        if cfg.order == "tasks":
            parts = [starts[k] + rng.permutation(sizes[k]) for k in range(n_tasks) for _ in range(cfg.epochs)]
            task_starts = (np.concatenate([[0], np.cumsum(sizes * cfg.epochs)[:-1]])).tolist()
        else:
            parts = [rng.permutation(int(starts[-1])) for _ in range(cfg.epochs)]
            task_starts = [0] * n_tasks
        rows = np.concatenate(parts)[: self.n_steps]
        assert len(rows) == self.n_steps, "stream length disagrees with the config"
        tasks = pool_tasks[rows]
        boundaries = np.zeros(len(rows), dtype=bool)
        if cfg.order == "tasks":
            boundaries[1:] = tasks[1:] != tasks[:-1]
        masks = np.ones((n_tasks, self.n_labels), dtype=bool)
        task_labels = [np.array(structure.label_of[k][structure.classes[k]], dtype=np.int64) for k in range(n_tasks)]
        if self.scenario == "split" and self.task_id_visible:
            masks[:] = False
            for k, labels in enumerate(task_labels):
                masks[k, labels] = True
        info = StreamInfo(
            dataset=self.dataset,
            scenario=self.scenario,
            incremental=cfg.incremental,
            input_dim=self.data.input_dim,
            n_labels=self.n_labels,
            n_tasks=n_tasks,
            task_labels=task_labels,
            task_id_visible=self.task_id_visible,
            n_steps=self.n_steps,
            task_starts=[int(s) for s in task_starts],
        )
        shown = np.append(rows, rows[-1])
        return StreamProblem(
            info=info,
            structure=structure,
            pool=pool,
            pool_labels=pool_labels,
            segments=[(int(starts[k]), int(starts[k + 1])) for k in range(n_tasks)],
            rows=shown.tolist(),
            labels=pool_labels[shown].tolist(),
            tasks=pool_tasks[shown].tolist(),
            boundaries=boundaries.tolist(),
            masks=masks,
        )

    def evaluate(self, problem: StreamProblem, attempt: Any, rng) -> Feedback:
        t = problem.t
        problem.t = t + 1
        label = problem.labels[t]
        if isinstance(attempt, InvalidAttempt):
            return StreamFeedback(
                reward=0.0, gold=0.0, solved=False, valid=False, message=attempt.reason,
                label=label, task_id=problem.tasks[t], boundary=problem.boundaries[t],
            )
        correct = attempt == label
        score = 1.0 if correct else 0.0
        return StreamFeedback(
            reward=score, gold=score, solved=correct, label=label, prediction=attempt, correct=correct,
            task_id=problem.tasks[t], boundary=problem.boundaries[t],
        )

    def reset_info(self, problem: StreamProblem) -> dict[str, Any]:
        return {"task_id": problem.tasks[0], "boundary": False}

    def step_info(self, problem: StreamProblem, feedback: StreamFeedback) -> dict[str, Any]:
        return {"task_id": feedback.task_id, "boundary": feedback.boundary, "label": feedback.label}

    # -- the evaluation API
    def train_sets(self, problem: StreamProblem) -> list[TaskData]:
        """Each task's training samples as the stream shows them (fresh arrays)."""
        return [
            TaskData(np.array(problem.pool[a:b]), problem.pool_labels[a:b].copy(), k)
            for k, (a, b) in enumerate(problem.segments)
        ]

    def test_sets(self, problem: StreamProblem) -> list[TaskData]:
        """Each task's held-out samples, transformed and labelled like its training samples (fresh
        arrays; computed once per episode)."""
        if problem.test_cache is None:
            problem.test_cache = [self.task_data(problem.structure, k, "test") for k in range(self.n_tasks)]
        return [TaskData(d.x.copy(), d.y.copy(), d.task_id) for d in problem.test_cache]


class SplitTask(StreamTask):
    Config = SplitConfig
    scenario = "split"

    def count_labels(self) -> int:
        if self.config.incremental == "domain":
            return len(self.ordered_classes(None)) // self.n_tasks
        return N_CLASSES

    def ordered_classes(self, rng) -> np.ndarray:
        order = self.config.class_order
        if order is None:
            return np.arange(N_CLASSES)
        if isinstance(order, str):  # "random": drawn per reset (all classes, so its size is known)
            return np.arange(N_CLASSES) if rng is None else rng.permutation(N_CLASSES)
        return np.array(order)

    def stream_classes(self) -> np.ndarray:
        return self.ordered_classes(None)

    def draw_structure(self, rng) -> Structure:
        groups = np.array_split(self.ordered_classes(rng), self.n_tasks)
        label_of = []
        for group in groups:
            table = np.full(N_CLASSES, -1, dtype=np.int64)
            table[group] = np.arange(len(group)) if self.config.incremental == "domain" else group
            label_of.append(table)
        return Structure([np.asarray(g, dtype=np.int64) for g in groups], label_of, [None] * self.n_tasks)


class PermutedTask(StreamTask):
    Config = PermutedConfig
    scenario = "permuted"

    def draw_transforms(self, rng) -> list[Any]:
        d = self.data.input_dim
        return [None] + [rng.permutation(d) for _ in range(self.n_tasks - 1)]

    def task_inputs(self, structure, k, which):
        x = self.data.split(which)[0]
        perm = structure.transforms[k]
        return x if perm is None else x[:, perm]


class RotatedTask(StreamTask):
    Config = RotatedConfig
    scenario = "rotated"

    def draw_transforms(self, rng) -> list[Any]:
        return list(self.config.angles)

    def task_inputs(self, structure, k, which):
        angle = structure.transforms[k]
        if angle % 360.0 == 0.0:
            return self.data.split(which)[0]
        x_train, x_test = rotated(self.dataset, float(angle))
        return x_train if which == "train" else x_test


class SplitDigitsTask(SplitTask):
    dataset = "digits"


class SplitMNIST1DTask(SplitTask):
    dataset = "mnist1d"


class PermutedDigitsTask(PermutedTask):
    dataset = "digits"


class PermutedMNIST1DTask(PermutedTask):
    dataset = "mnist1d"


class RotatedDigitsTask(RotatedTask):
    dataset = "digits"
