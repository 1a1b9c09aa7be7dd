"""The datasets behind the streams, and the records the evaluation API returns.

Two small image-like datasets, each with a fixed train/test split so every learner is judged on the
same held-out samples:

- ``digits``: scikit-learn's ``load_digits`` (1797 8x8 images of handwritten digits; the data ships
  with scikit-learn), inputs scaled by 1/16 into [0, 1], 64 features. Split stratified 75/25: in each
  class, a permutation drawn from ``np.random.default_rng(SPLIT_SEED)`` puts
  ``round(0.25 * n_class)`` samples into the test set.
- ``mnist1d``: MNIST-1D (Greydanus, 2020; 10 classes of 40-value 1-D signals), generated locally
  with ``mnist1d.data.make_dataset(get_dataset_args())`` (5000 samples, its own 4000/1000 split;
  nothing is downloaded).

Loading is cached per process; every array is float32 / int64 and read-only, so a cached copy
cannot be changed by accident.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import math
import random

import numpy as np

DATASETS = ("digits", "mnist1d")
N_CLASSES = 10
#: seed of the digits train/test split (fixed: the split is part of the benchmark)
SPLIT_SEED = 0
DIGITS_TEST_FRACTION = 0.25
INSTALL_HINT = 'pip install "loopgym[streams]"'


@dataclasses.dataclass(frozen=True, eq=False)
class Dataset:
    """One dataset's fixed split. ``low``/``high`` bound every input value (the observation Box);
    ``image_shape`` is ``(rows, cols)`` for image data, ``None`` for 1-D signals."""

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    low: float
    high: float
    image_shape: tuple[int, int] | None

    @property
    def input_dim(self) -> int:
        return int(self.x_train.shape[1])

    def split(self, which: str) -> tuple[np.ndarray, np.ndarray]:
        """``(x, y)`` of ``"train"`` or ``"test"``."""
        return (self.x_train, self.y_train) if which == "train" else (self.x_test, self.y_test)


@dataclasses.dataclass(eq=False)
class TaskData:
    """One task's samples as a learner sees them: ``x`` float32 ``(n, d)`` transformed exactly like
    the stream's inputs (the task's permutation or rotation), ``y`` int64 ``(n,)`` labels in the
    scenario's label format, and the task's index."""

    x: np.ndarray
    y: np.ndarray
    task_id: int


@dataclasses.dataclass(eq=False)
class StreamInfo:
    """What an evaluator needs to know about a stream (``env.unwrapped.stream_info`` after reset).

    dataset: ``"digits"`` or ``"mnist1d"``. scenario: ``"split"``, ``"permuted"`` or ``"rotated"``.
    incremental: ``"class"``, ``"task"`` or ``"domain"``. input_dim: features per input.
    n_labels: size of the action space (labels are ``0 .. n_labels - 1``). n_tasks: tasks in the
    stream. task_labels: one int64 array per task, the labels its samples carry. task_id_visible:
    whether observations carry the task id. n_steps: stream length (the episode's steps).
    task_starts: the step at which each task first appears in the uncut stream (all zeros for
    ``order="iid"``; a start may be ``>= n_steps`` when ``max_steps`` cuts the stream before it).
    """

    dataset: str
    scenario: str
    incremental: str
    input_dim: int
    n_labels: int
    n_tasks: int
    task_labels: list[np.ndarray]
    task_id_visible: bool
    n_steps: int
    task_starts: list[int]


def _require(module: str, dataset: str):
    try:
        return importlib.import_module(module)
    except ImportError as err:
        raise ImportError(
            f"the {dataset!r} streams need the {module.split('.')[0]!r} package: {INSTALL_HINT}"
        ) from err


def _frozen(a: np.ndarray, dtype) -> np.ndarray:
    a = np.ascontiguousarray(a, dtype=dtype)
    a.setflags(write=False)
    return a


@functools.cache
def load(name: str) -> Dataset:
    """The dataset ``name`` (one of :data:`DATASETS`), built once per process."""
    if name == "digits":
        return _load_digits()
    if name == "mnist1d":
        return _load_mnist1d()
    raise ValueError(f"dataset={name!r} is not allowed: dataset must be one of {', '.join(map(repr, DATASETS))}")


def _load_digits() -> Dataset:
    sk_datasets = _require("sklearn.datasets", "digits")
    raw = sk_datasets.load_digits()
    x = np.asarray(raw.data, dtype=np.float64) / 16.0
    y = np.asarray(raw.target, dtype=np.int64)
    rng = np.random.default_rng(SPLIT_SEED)
    test = np.zeros(len(y), dtype=bool)
    for c in range(N_CLASSES):
        members = np.flatnonzero(y == c)
        n_test = int(round(DIGITS_TEST_FRACTION * len(members)))
        test[rng.permutation(members)[:n_test]] = True
    return Dataset(
        name="digits",
        x_train=_frozen(x[~test], np.float32),
        y_train=_frozen(y[~test], np.int64),
        x_test=_frozen(x[test], np.float32),
        y_test=_frozen(y[test], np.int64),
        low=0.0,
        high=1.0,
        image_shape=(8, 8),
    )


def _load_mnist1d() -> Dataset:
    mnist1d_data = _require("mnist1d.data", "mnist1d")
    # make_dataset reseeds the global generators; leave the caller's random state as it was
    py_state, np_state = random.getstate(), np.random.get_state()
    try:
        raw = mnist1d_data.make_dataset(mnist1d_data.get_dataset_args())
    finally:
        random.setstate(py_state)
        np.random.set_state(np_state)
    x_train = np.asarray(raw["x"], dtype=np.float32)
    x_test = np.asarray(raw["x_test"], dtype=np.float32)
    both = np.concatenate([x_train, x_test])
    return Dataset(
        name="mnist1d",
        x_train=_frozen(x_train, np.float32),
        y_train=_frozen(raw["y"], np.int64),
        x_test=_frozen(x_test, np.float32),
        y_test=_frozen(raw["y_test"], np.int64),
        low=float(math.floor(both.min())),
        high=float(math.ceil(both.max())),
        image_shape=None,
    )


@functools.lru_cache(maxsize=64)
def rotated(name: str, angle: float) -> tuple[np.ndarray, np.ndarray]:
    """``(x_train, x_test)`` of an image dataset, every image rotated by ``angle`` degrees
    (``scipy.ndimage.rotate``, same size, linear interpolation, zeros outside), clipped to the
    dataset's bounds. Cached: an angle's images do not depend on the seed."""
    data = load(name)
    if data.image_shape is None:
        raise ValueError(f"dataset={name!r} is not allowed: rotation needs an image dataset")
    ndimage = _require("scipy.ndimage", name)
    out = []
    for x in (data.x_train, data.x_test):
        images = x.reshape(len(x), *data.image_shape)
        turned = ndimage.rotate(images, float(angle), axes=(2, 1), reshape=False, order=1, mode="constant")
        out.append(_frozen(np.clip(turned.reshape(len(x), -1), data.low, data.high), np.float32))
    return out[0], out[1]
