"""Vector and text views of the bandits.

Vector observation (float32), the same layout for every variant::

    [ one-hot of the last action (K) | feedback signal (1) | t / horizon (1) | extra ]

The signal is what the agent was told this step: the pulled arm's payoff (the delivered payoff for
``DelayedBandit``, 1/0/0.5 "first arm won" for ``DuelingBandit``). ``extra`` is the variant's
visible state: the context to act on (contextual), steps since each arm was pulled, scaled
``min(tau, 100) / 100`` (recharging), the one-hot of the arm whose reward arrived (delayed), the
one-hot of the second arm (dueling). Before the first pull the one-hots and signal are zero.

Text view: actions are free text; the last ``arm N`` mentioned, or a bare number, is the arm
(dueling: two numbers, e.g. ``"2 5"`` or ``"arms 2 and 5"``). Text that names no arm, or an arm that
does not exist, is answered with feedback and loses the step.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
from gymnasium import spaces

from loopgym.core import FreeText, InvalidAttempt, View

from .feedback import DelayedFeedback, DuelFeedback
from .task import BanditTask

RECHARGE_CAP = 100.0
#: real-valued payoffs and contexts are clipped to +-BOUND so every Box bound is finite (Gymnasium's
#: checker rejects infinite bounds); with the default arguments values never come near it
BOUND = 1e6


class BanditVectorView(View):
    """Discrete(K) actions; Box observation as in the module docstring."""

    def __init__(self, task: BanditTask):
        super().__init__(task)
        k = task.config.n_arms
        self.k = k
        self.horizon = task.config.horizon
        low, high = self.extra_bounds()
        sig_low, sig_high = self.signal_bounds()
        self.dim = k + 2 + len(low)
        self.observation_space = spaces.Box(
            low=np.array([0.0] * k + [sig_low, 0.0] + low, dtype=np.float32),
            high=np.array([1.0] * k + [sig_high, 1.0] + high, dtype=np.float32),
            dtype=np.float32,
        )
        self.action_space = self.make_action_space()

    def make_action_space(self) -> spaces.Space:
        return spaces.Discrete(self.k)

    def signal_bounds(self) -> tuple[float, float]:
        if self.task.payoff_kind == "bernoulli":
            return 0.0, 1.0
        return -BOUND, BOUND

    def extra_bounds(self) -> tuple[list[float], list[float]]:
        return [], []

    def decode(self, action: Any) -> Any:
        return int(action)

    def encode(self, problem, feedback) -> np.ndarray:
        obs = np.zeros(self.dim, dtype=np.float32)
        if feedback is not None and feedback.valid:
            self.write_feedback(obs, feedback)
        obs[self.k + 1] = problem.t / self.horizon
        self.write_extra(obs, problem, feedback)
        return obs

    def write_feedback(self, obs: np.ndarray, feedback) -> None:
        obs[feedback.arm] = 1.0
        obs[self.k] = min(max(feedback.payoff, -BOUND), BOUND)

    def write_extra(self, obs: np.ndarray, problem, feedback) -> None:
        pass


class ContextualVectorView(BanditVectorView):
    def extra_bounds(self):
        d = self.task.config.context_dim
        return [-BOUND] * d, [BOUND] * d

    def write_extra(self, obs, problem, feedback):
        obs[self.k + 2 :] = np.clip(problem.extra["context"], -BOUND, BOUND)


class RechargingVectorView(BanditVectorView):
    def extra_bounds(self):
        return [0.0] * self.k, [1.0] * self.k

    def write_extra(self, obs, problem, feedback):
        obs[self.k + 2 :] = np.minimum(problem.extra["since"], RECHARGE_CAP) / RECHARGE_CAP


class DelayedVectorView(BanditVectorView):
    def extra_bounds(self):
        return [0.0] * self.k, [1.0] * self.k

    def write_feedback(self, obs, feedback: DelayedFeedback):
        obs[feedback.arm] = 1.0

    def write_extra(self, obs, problem, feedback):
        # with a fixed delay at most one reward arrives per step
        if feedback is not None:
            for arm, _, payoff in feedback.delivered:
                obs[self.k + 2 + arm] = 1.0
                obs[self.k] = payoff


class DuelingVectorView(BanditVectorView):
    """MultiDiscrete([K, K]) actions: the two arms to compare."""

    def make_action_space(self):
        return spaces.MultiDiscrete([self.k, self.k])

    def signal_bounds(self):
        return 0.0, 1.0

    def extra_bounds(self):
        return [0.0] * self.k, [1.0] * self.k

    def decode(self, action):
        return int(action[0]), int(action[1])

    def write_feedback(self, obs, feedback: DuelFeedback):
        i, j = feedback.arms
        obs[i] = 1.0
        obs[self.k] = feedback.reward
        obs[self.k + 2 + j] = 1.0


# ----------------------------------------------------------------------------- text

_ARM = re.compile(r"\barms?\s*(?:#|no\.?|number)?\s*[:=]?\s*([0-9]+)(?!\.[0-9])", re.IGNORECASE)
# a bare number may be wrapped in quotes, brackets or markdown, but not signed or decimal
_OPEN = r"""^[\s"'`(\[{*#:]*"""
_CLOSE = r"""[\s"'`)\]}*.!,;:]*$"""
_BARE = re.compile(_OPEN + r"([0-9]+)" + _CLOSE)
_PAIR = re.compile(
    _OPEN + r"(?:arms?\s*)?([0-9]+)\s*(?:,|;|&|and|vs\.?|versus|against|with|\s)\s*(?:arm\s*)?([0-9]+)" + _CLOSE,
    re.IGNORECASE,
)
_SCAN_LIMIT = 20_000  # an answer longer than this is read from its last characters only


def parse_arm(text: str, n_arms: int) -> int | InvalidAttempt:
    """The arm a text answer names: the last ``arm N`` it mentions, or the whole answer as a number."""
    text = text[-_SCAN_LIMIT:]
    found = _ARM.findall(text)
    if found:
        return _check_arm(found[-1], n_arms)
    bare = _BARE.match(text)
    if bare:
        return _check_arm(bare.group(1), n_arms)
    return InvalidAttempt(
        f"I could not find an arm in your answer; reply with one arm number from 0 to {n_arms - 1}, "
        "for example 'arm 3'."
    )


def parse_pair(text: str, n_arms: int) -> tuple[int, int] | InvalidAttempt:
    """The two arms a text answer names: ``"2 5"``, ``"arms 2 and 5"``, or its last two ``arm N``."""
    text = text[-_SCAN_LIMIT:]
    pair = _PAIR.match(text)
    found = list(pair.groups()) if pair else _ARM.findall(text)[-2:]
    if len(found) < 2:
        return InvalidAttempt(
            f"I could not find two arms in your answer; reply with two arm numbers from 0 to "
            f"{n_arms - 1}, for example 'arms 2 and 5'."
        )
    arms = [_check_arm(f, n_arms) for f in found]
    for a in arms:
        if isinstance(a, InvalidAttempt):
            return a
    return arms[0], arms[1]


def _check_arm(digits: str, n_arms: int) -> int | InvalidAttempt:
    if len(digits) > 6 or int(digits) >= n_arms:
        shown = digits if len(digits) <= 12 else digits[:12] + "..."
        return InvalidAttempt(f"Arm {shown} does not exist; the arms are numbered 0 to {n_arms - 1}.")
    return int(digits)


class BanditTextView(View):
    """Free-text actions and observations for language-model agents."""

    #: one sentence on what this variant is, shown at reset
    intro = "Each pull of an arm pays 1 with an unknown probability that is fixed for the episode."
    instruction = "Reply with the arm to pull, a number from 0 to {last} (for example 'arm 3')."

    def __init__(self, task: BanditTask):
        super().__init__(task)
        self.action_space = FreeText(max_length=64)
        self.observation_space = FreeText(max_length=8192)

    def decode(self, action: str) -> Any:
        return parse_arm(action, self.task.config.n_arms)

    def encode(self, problem, feedback) -> str:
        cfg = self.task.config
        instruction = self.instruction.format(last=cfg.n_arms - 1)
        if feedback is None:
            head = (
                f"You face a {cfg.n_arms}-armed bandit and have {cfg.horizon} pulls to collect as "
                f"much reward as you can. {self.intro}"
            )
        else:
            head = f"Step {problem.t} of {cfg.horizon}. {feedback.render()}"
        return " ".join(p for p in (head, self.state_text(problem), instruction) if p)

    def state_text(self, problem) -> str:
        """Visible state to act on (the context), in words."""
        return ""


class GaussianTextView(BanditTextView):
    intro = "Each pull of an arm pays its unknown mean plus Gaussian noise."


class PiecewiseTextView(BanditTextView):
    intro = (
        "Each pull pays 1 with an unknown probability; at a few unannounced moments every arm's "
        "probability changes."
    )


class DriftingTextView(BanditTextView):
    intro = "Each pull pays 1 with an unknown probability that slowly drifts over time."


class ContextualTextView(BanditTextView):
    intro = (
        "Before each pull you see a context vector; an arm's expected payoff is a fixed unknown "
        "linear function of the context, plus noise."
    )

    def state_text(self, problem) -> str:
        values = ", ".join(f"{x:.3f}" for x in problem.extra["context"])
        return f"Context for this pull: [{values}]."


class DelayedTextView(BanditTextView):
    @property
    def intro(self) -> str:
        return (
            "Each pull pays 1 with an unknown fixed probability, but you learn what a pull paid "
            f"only {self.task.config.delay} steps later."
        )


class SwitchingCostTextView(BanditTextView):
    @property
    def intro(self) -> str:
        return (
            "Each pull pays 1 with an unknown fixed probability; pulling a different arm than last "
            f"time costs {self.task.config.cost}."
        )


class RechargingTextView(BanditTextView):
    intro = (
        "An arm pays 1 with a probability that drops when it is pulled and recovers with the time "
        "since its last pull."
    )


class DuelingTextView(BanditTextView):
    intro = (
        "Each step you choose two arms to compare and are told only which one won; better arms win "
        "more often. Aim to compare the best arm with itself."
    )
    instruction = "Reply with two arm numbers from 0 to {last} (for example 'arms 2 and 5')."

    def decode(self, action: str) -> Any:
        return parse_pair(action, self.task.config.n_arms)
