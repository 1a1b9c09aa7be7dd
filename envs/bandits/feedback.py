"""What a bandit tells the agent about a step, as typed feedback (LLF-Bench style).

Every field is visible to the agent except ``gold`` and ``regret``, which are there for
benchmarking. ``render()`` puts the visible part into the words the text view shows.
"""

from __future__ import annotations

import dataclasses

from loopgym.core import Feedback


@dataclasses.dataclass
class PullFeedback(Feedback):
    """One pull: the arm (-1 if the attempt was unreadable), what it paid, and the hidden regret."""

    arm: int = -1
    payoff: float = 0.0
    regret: float = 0.0
    step: int = 0

    def render(self) -> str:
        if not self.valid:
            return f"{self.message} This step was lost."
        return f"You pulled arm {self.arm}: it paid {_num(self.payoff)}."


@dataclasses.dataclass
class SwitchingFeedback(PullFeedback):
    cost: float = 0.0

    def render(self) -> str:
        text = super().render()
        if self.cost:
            text += f" Switching arms cost {_num(self.cost)}."
        return text


@dataclasses.dataclass
class ContextualFeedback(PullFeedback):
    context: list = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class DelayedFeedback(Feedback):
    """The pull's own payoff is not here: it arrives ``delay`` steps later in ``delivered``, as
    ``[arm, step pulled, payoff]`` entries."""

    arm: int = -1
    regret: float = 0.0
    step: int = 0
    delivered: list = dataclasses.field(default_factory=list)

    def render(self) -> str:
        text = f"{self.message} This step was lost." if not self.valid else f"You pulled arm {self.arm}."
        if self.delivered:
            parts = [f"arm {a} (pulled at step {s}) paid {_num(p)}" for a, s, p in self.delivered]
            return text + " Rewards arriving now: " + "; ".join(parts) + "."
        return text + " No reward arrived this step."


@dataclasses.dataclass
class DuelFeedback(Feedback):
    """Only the winner of the duel is visible, never a payoff or utility."""

    arms: tuple = (-1, -1)
    winner: int = -1
    regret: float = 0.0
    step: int = 0

    def render(self) -> str:
        if not self.valid:
            return f"{self.message} This step was lost."
        i, j = self.arms
        if i == j:
            return f"You compared arm {i} with itself: a tie."
        return f"You compared arm {i} with arm {j}: arm {self.winner} won."


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.3f}"
