"""The stream environments: one declaration each, documented in Gymnasium's sections.

Shared by all: ``gym.make(id, view="vector"|"text", **arguments)``; an episode is one pass over a
stream of labelled samples that changes task over time (continual learning). ``info`` has
``success``, ``gold``, ``attempt``, ``feedback``, ``task_id``, ``boundary`` and ``label`` on every
step. After ``reset`` the unwrapped env answers the evaluation API: ``stream_info``,
``test_sets()`` and ``train_sets()``.
"""

from __future__ import annotations

import gymnasium as gym

from loopgym.core import LoopEnv

from . import task as t
from . import views as v
from .data import StreamInfo, TaskData

_VIEWS = {"vector": v.StreamVectorView, "text": v.StreamTextView}


class StreamEnv(LoopEnv):
    """A supervised stream with the evaluation API. Subclasses declare the task and a docstring."""

    views = _VIEWS

    @property
    def stream_info(self) -> StreamInfo:
        """The stream's description (:class:`StreamInfo`): label format, tasks, length, task starts."""
        return self._stream().info

    def test_sets(self) -> list[TaskData]:
        """One :class:`TaskData` per task: its held-out samples, transformed like the stream's inputs,
        labels in the scenario's format. No test sample appears in any task's training set."""
        return self.task.test_sets(self._stream())

    def train_sets(self) -> list[TaskData]:
        """One :class:`TaskData` per task: the training samples the stream draws from."""
        return self.task.train_sets(self._stream())

    def _stream(self) -> t.StreamProblem:
        if self.problem is None:
            raise gym.error.ResetNeeded(
                f"{type(self).__name__}: the stream is drawn at reset; call reset() before asking for it"
            )
        return self.problem


class SplitDigits(StreamEnv):
    """Handwritten 8x8 digits, a few classes per task (Split Digits, class-incremental by default).

    ## Description
    scikit-learn's digits (inputs in [0, 1], 64 features; fixed stratified 75/25 split). The classes,
    in ``class_order``, are cut into ``n_tasks`` tasks with ``np.array_split``; each task's samples
    arrive one at a time and the learner is told the true label after each answer.

    Labels: ``incremental="class"`` (default): the digit; ``"task"``: the digit, the task id shown and
    ``action_masks()`` allowing only the current task's classes; ``"domain"``: the class's position
    within its task (0..k-1, needs an even split).

    ## Action Space
    vector: ``Discrete(n_labels)``, the label. text: free text, ``"label 3"`` or ``"3"``.

    ## Observation Space
    vector: ``Dict(input=Box(float32, (64,), 0, 1), label=Discrete(n_labels + 1), correct=Discrete(3)
    [, task=Discrete(n_tasks)])``: the sample to label, the true label of the previous sample and whether
    the previous answer was right (``n_labels`` and 2 before the first answer); ``task`` only when
    task-incremental. text: the feedback, the task (when shown), the image in shades, the instruction.

    ## Feedback
    The true label of every answered sample (``StreamFeedback``: label, prediction, correct, task_id,
    boundary). An unreadable text answer is told why and counts as wrong.

    ## Rewards
    1 for the right label, 0 otherwise; ``gold`` and ``success`` the same.

    ## Starting State
    A new stream from the seed: the class order (if ``"random"``), then the order of the samples.

    ## Episode End
    Truncated after the last sample of the stream (or ``max_steps``); never terminated.

    ## Arguments
    ``incremental="class"``, ``n_tasks=5`` (at most the number of classes), ``class_order=None``
    (0..9; a list of distinct classes, possibly a subset; or ``"random"``), ``epochs=1``,
    ``order="tasks"`` (or ``"iid"``: all tasks shuffled together, the joint reference),
    ``max_steps=None``.

    ## Version History
    * v0: initial version.
    """

    task_cls = t.SplitDigitsTask


class SplitMNIST1D(StreamEnv):
    """MNIST-1D signals, a few classes per task (Split MNIST-1D, class-incremental by default).

    ## Description
    MNIST-1D (Greydanus, 2020): 40-value 1-D signals of ten digit templates, generated locally
    (4000 training / 1000 test samples). The classes, in ``class_order``, are cut into ``n_tasks`` tasks
    with ``np.array_split``; samples arrive one at a time, each answer followed by the true label.

    Labels: as in ``SplitDigits``: ``incremental="class"`` (default) the digit; ``"task"`` the digit
    with the task id shown and ``action_masks()`` per task; ``"domain"`` the position in the task.

    ## Action Space
    vector: ``Discrete(n_labels)``, the label. text: free text, ``"label 3"`` or ``"3"``.

    ## Observation Space
    vector: ``Dict(input=Box(float32, (40,)), label=Discrete(n_labels + 1), correct=Discrete(3)
    [, task=Discrete(n_tasks)])``; the Box bounds are the data's min/max rounded outward. text: the
    feedback, the task (when shown), the 40 values to two decimals, the instruction.

    ## Feedback
    The true label of every answered sample (``StreamFeedback``). An unreadable text answer is told
    why and counts as wrong.

    ## Rewards
    1 for the right label, 0 otherwise; ``gold`` and ``success`` the same.

    ## Starting State
    A new stream from the seed: the class order (if ``"random"``), then the order of the samples.

    ## Episode End
    Truncated after the last sample of the stream (or ``max_steps``); never terminated.

    ## Arguments
    ``incremental="class"``, ``n_tasks=5``, ``class_order=None``, ``epochs=1``, ``order="tasks"``,
    ``max_steps=None`` (as in ``SplitDigits``).

    ## Version History
    * v0: initial version.
    """

    task_cls = t.SplitMNIST1DTask


class PermutedDigits(StreamEnv):
    """Handwritten 8x8 digits whose pixels each task scrambles its own way (Permuted Digits).

    ## Description
    Every task holds all ten digits of scikit-learn's digits; task 0 shows the raw pixels, each later
    task permutes the 64 pixels with a fixed permutation drawn from the reset seed. Domain-incremental
    by default: the input distribution changes, the labels do not.

    Labels: ``incremental="domain"`` (default): the digit; ``"task"``: the digit, the task id shown;
    ``"class"``: ``digit + 10 * task`` (``10 * n_tasks`` labels).

    ## Action Space
    vector: ``Discrete(n_labels)``, the label. text: free text, ``"label 3"`` or ``"3"``.

    ## Observation Space
    vector: ``Dict(input=Box(float32, (64,), 0, 1), label=Discrete(n_labels + 1), correct=Discrete(3)
    [, task=Discrete(n_tasks)])``. text: the feedback, the task (when shown), the permuted image in
    shades, the instruction.

    ## Feedback
    The true label of every answered sample (``StreamFeedback``). An unreadable text answer is told
    why and counts as wrong.

    ## Rewards
    1 for the right label, 0 otherwise; ``gold`` and ``success`` the same.

    ## Starting State
    A new stream from the seed: the permutations, then the order of the samples.

    ## Episode End
    Truncated after ``n_tasks * epochs`` passes over the training set (or ``max_steps``).

    ## Arguments
    ``incremental="domain"``, ``n_tasks=5``, ``epochs=1``, ``order="tasks"`` (or ``"iid"``),
    ``max_steps=None``.

    ## Version History
    * v0: initial version.
    """

    task_cls = t.PermutedDigitsTask


class PermutedMNIST1D(StreamEnv):
    """MNIST-1D signals whose values each task scrambles its own way (Permuted MNIST-1D).

    ## Description
    Every task holds all ten classes of MNIST-1D; task 0 shows the raw signal, each later task permutes
    the 40 values with a fixed permutation drawn from the reset seed.

    Labels: ``incremental="domain"`` (default): the digit; ``"task"``: the digit, the task id shown;
    ``"class"``: ``digit + 10 * task``.

    ## Action Space
    vector: ``Discrete(n_labels)``, the label. text: free text, ``"label 3"`` or ``"3"``.

    ## Observation Space
    vector: ``Dict(input=Box(float32, (40,)), label=Discrete(n_labels + 1), correct=Discrete(3)
    [, task=Discrete(n_tasks)])``. text: the feedback, the task (when shown), the values, the instruction.

    ## Feedback
    The true label of every answered sample (``StreamFeedback``). An unreadable text answer is told
    why and counts as wrong.

    ## Rewards
    1 for the right label, 0 otherwise; ``gold`` and ``success`` the same.

    ## Starting State
    A new stream from the seed: the permutations, then the order of the samples.

    ## Episode End
    Truncated after ``n_tasks * epochs`` passes over the training set (or ``max_steps``).

    ## Arguments
    ``incremental="domain"``, ``n_tasks=5``, ``epochs=1``, ``order="tasks"`` (or ``"iid"``),
    ``max_steps=None``.

    ## Version History
    * v0: initial version.
    """

    task_cls = t.PermutedMNIST1DTask


class RotatedDigits(StreamEnv):
    """Handwritten 8x8 digits, each task rotating the images by its own angle (Rotated Digits).

    ## Description
    Every task holds all ten digits; task k rotates every image by ``angles[k]`` degrees
    (``scipy.ndimage.rotate``, same size, linear interpolation). Domain-incremental by default.

    Labels: ``incremental="domain"`` (default): the digit; ``"task"``: the digit, the task id shown;
    ``"class"``: ``digit + 10 * task``.

    ## Action Space
    vector: ``Discrete(n_labels)``, the label. text: free text, ``"label 3"`` or ``"3"``.

    ## Observation Space
    vector: ``Dict(input=Box(float32, (64,), 0, 1), label=Discrete(n_labels + 1), correct=Discrete(3)
    [, task=Discrete(n_tasks)])``. text: the feedback, the task (when shown), the rotated image in
    shades, the instruction.

    ## Feedback
    The true label of every answered sample (``StreamFeedback``). An unreadable text answer is told
    why and counts as wrong.

    ## Rewards
    1 for the right label, 0 otherwise; ``gold`` and ``success`` the same.

    ## Starting State
    A new stream from the seed: the order of the samples (the angles are fixed by the arguments).

    ## Episode End
    Truncated after ``n_tasks * epochs`` passes over the training set (or ``max_steps``).

    ## Arguments
    ``incremental="domain"``, ``angles=None`` (``n_tasks`` angles ``180 * k / n_tasks``; or a
    non-empty list of degrees, which sets ``n_tasks``), ``n_tasks=5``, ``epochs=1``, ``order="tasks"``
    (or ``"iid"``), ``max_steps=None``.

    ## Version History
    * v0: initial version.
    """

    task_cls = t.RotatedDigitsTask


ALL = [SplitDigits, PermutedDigits, RotatedDigits, SplitMNIST1D, PermutedMNIST1D]
