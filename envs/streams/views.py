"""Vector and text views of the streams.

Vector: the action is a label, ``Discrete(n_labels)``. The observation is a Dict::

    input    Box(float32, (d,))       the sample to label now
    label    Discrete(n_labels + 1)   true label of the previous sample (n_labels before the first answer)
    correct  Discrete(3)              whether the previous answer was right: 0 no, 1 yes, 2 none yet
    task     Discrete(n_tasks)        the current sample's task (task-incremental scenarios only)

After the last answer the observation repeats the last input (there is no next sample).

Text: free text in and out. The observation shows the feedback on the previous answer, the task
(when visible), the input (digits: an 8x8 picture in shades; MNIST-1D: its 40 values to two
decimals) and the instruction. An answer is read as the last ``label N`` (or ``answer``, ``class``,
``digit``) it mentions, or as a bare number; anything else is answered with feedback and counts as
a wrong answer.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
from gymnasium import spaces

from loopgym.core import FreeText, InvalidAttempt, View

from .feedback import StreamFeedback
from .task import StreamProblem, StreamTask

# ----------------------------------------------------------------------------- vector


class StreamVectorView(View):
    """Discrete labels; the Dict observation of the module docstring."""

    def __init__(self, task: StreamTask):
        super().__init__(task)
        data = task.data
        d = data.input_dim
        self.n_labels = task.n_labels
        parts: dict[str, spaces.Space] = {
            "input": spaces.Box(
                low=np.full(d, data.low, dtype=np.float32),
                high=np.full(d, data.high, dtype=np.float32),
                dtype=np.float32,
            ),
            "label": spaces.Discrete(self.n_labels + 1),
            "correct": spaces.Discrete(3),
        }
        self.with_task = task.task_id_visible
        if self.with_task:
            parts["task"] = spaces.Discrete(task.n_tasks)
        self.observation_space = spaces.Dict(parts)
        self.action_space = spaces.Discrete(self.n_labels)
        self.problem: StreamProblem | None = None

    def decode(self, action: Any) -> int:
        return int(action)

    def encode(self, problem: StreamProblem, feedback: StreamFeedback | None) -> dict[str, Any]:
        self.problem = problem
        t = problem.t
        # a fresh dict and a copied row every step: an agent may keep observations
        obs = {
            "input": problem.pool[problem.rows[t]].copy(),
            "label": self.n_labels if feedback is None else feedback.label,
            "correct": 2 if feedback is None else int(feedback.correct),
        }
        if self.with_task:
            obs["task"] = problem.tasks[t]
        return obs

    def action_masks(self) -> np.ndarray:
        """The labels allowed for the sample shown now: its task's classes in split task-incremental
        streams (multi-head evaluation), every label otherwise."""
        if self.problem is None:
            return np.ones(self.n_labels, dtype=bool)
        return self.problem.masks[self.problem.tasks[self.problem.t]].copy()


# ----------------------------------------------------------------------------- text

_KEYWORD = re.compile(
    r"\b(?:label|answer|class|digit|prediction)\s*(?:is|:|=)?\s*[:=]?\s*([0-9]+)(?!\.?[0-9])",
    re.IGNORECASE | re.ASCII,
)
_LEFT = " \t\r\n\"'`([{*#:"
_RIGHT = " \t\r\n\"'`)]}*#:.!,;"
_SCAN_LIMIT = 20_000  # longer answers are read from their last characters only
_SHADES = " .:-=+*#%@"


def parse_label(text: str, n_labels: int) -> int | InvalidAttempt:
    """The label a text answer gives: the last ``label N`` it mentions, or the whole answer as a
    plain number (quotes, brackets and a final full stop allowed)."""
    text = text[-_SCAN_LIMIT:]
    found = _KEYWORD.findall(text)
    if found:
        digits = found[-1]
    else:
        digits = text.lstrip(_LEFT).rstrip(_RIGHT)
        if not (digits.isascii() and digits.isdigit()):
            return InvalidAttempt(
                f"I could not find a label in your answer; reply with one number from 0 to {n_labels - 1}, "
                "for example 'label 3'."
            )
    if len(digits) > 6 or int(digits) >= n_labels:
        shown = digits if len(digits) <= 12 else digits[:12] + "..."
        return InvalidAttempt(f"Label {shown} does not exist; the labels are 0 to {n_labels - 1}.")
    return int(digits)


def picture(x: np.ndarray, shape: tuple[int, int], low: float, high: float) -> str:
    """An image as rows of shade characters, from blank (``low``) to ``@`` (``high``), framed by ``|``."""
    levels = np.clip(((x - low) / (high - low) * len(_SHADES)).astype(int), 0, len(_SHADES) - 1)
    rows = levels.reshape(shape)
    return "\n".join("|" + "".join(_SHADES[v] for v in row) + "|" for row in rows)


class StreamTextView(View):
    """Free-text answers and observations for language-model agents."""

    def __init__(self, task: StreamTask):
        super().__init__(task)
        self.action_space = FreeText(max_length=64)
        self.observation_space = FreeText(max_length=8192)

    def decode(self, action: str) -> Any:
        return parse_label(action, self.task.n_labels)

    def encode(self, problem: StreamProblem, feedback: StreamFeedback | None) -> str:
        task = self.task
        t = problem.t
        head = self.intro() if feedback is None else f"Step {t} of {task.n_steps}. {feedback.render()}"
        parts = [head]
        if t >= task.n_steps:
            parts.append("The stream has ended; the last input is shown again.")
        if task.task_id_visible:
            parts.append(f"Task {problem.tasks[t]} of {task.n_tasks}.")
        parts.append(self.input_text(problem.pool[problem.rows[t]]))
        parts.append(f"Answer with a label 0-{task.n_labels - 1}.")
        return "\n".join(parts)

    def input_text(self, x: np.ndarray) -> str:
        data = self.task.data
        if data.image_shape is not None:
            rows, cols = data.image_shape
            return (
                f"Input ({rows}x{cols} image; shades '{_SHADES}' from low to high ink):\n"
                + picture(x, data.image_shape, data.low, data.high)
            )
        return f"Input ({len(x)} values): " + ", ".join(f"{v:.2f}" for v in x)

    def intro(self) -> str:
        task, cfg = self.task, self.task.config
        what = (
            "8x8 images of handwritten digits"
            if task.dataset == "digits"
            else "MNIST-1D signals (40 values, each drawn from one of ten digit templates)"
        )
        scenario = {
            "split": f"The samples come in {task.n_tasks} tasks, each with its own classes.",
            "permuted": (
                f"The samples come in {task.n_tasks} tasks; each after the first scrambles the input "
                "values with its own fixed permutation."
            ),
            "rotated": f"The samples come in {task.n_tasks} tasks; each rotates the images by its own angle.",
        }[task.scenario]
        if cfg.incremental == "domain" and task.scenario == "split":
            labels = f"Answer with the class's position within its task (0 to {task.n_labels - 1})."
        elif cfg.incremental == "class" and task.scenario != "split":
            labels = "Each task has its own ten labels: the digit plus 10 times the task."
        else:
            labels = "Answer with the digit."
        return (
            f"You label a stream of {task.n_steps} {what}, one at a time; after each answer you are told "
            f"the true label. {scenario} {labels}"
        )
