"""What a stream tells the learner after each answer: the true label, always (supervised streams)."""

from __future__ import annotations

import dataclasses

from loopgym.core import Feedback


@dataclasses.dataclass
class StreamFeedback(Feedback):
    """One answered sample: its true ``label``, the ``prediction`` (-1 if the answer was unreadable),
    whether it was ``correct``, the sample's ``task_id`` and ``boundary`` (the sample is the first of a
    task different from the previous step's). ``task_id`` and ``boundary`` are for evaluation; only a
    task-incremental scenario shows the task to the learner."""

    label: int = -1
    prediction: int = -1
    correct: bool = False
    task_id: int = 0
    boundary: bool = False

    def render(self) -> str:
        if not self.valid:
            return f"{self.message} This counts as a wrong answer; the label was {self.label}."
        if self.correct:
            return f"Your answer {self.prediction} was right."
        return f"Your answer {self.prediction} was wrong: the label was {self.label}."
