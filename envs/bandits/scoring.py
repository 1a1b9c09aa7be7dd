"""The bandit family's score, bsuite-style: 0 is a uniformly random agent, 1 is zero regret.

For one episode with cumulative pseudo-regret ``R`` and reference ``R_rand`` (the expected
cumulative regret a uniformly random action would have had *in the same states*: each step adds
``max_a mu_t(a) - mean_a mu_t(a)``, halved for dueling pairs)::

    score = clip(1 - R / R_rand, 0, 1)          (1 when R_rand = 0: every action was optimal)

Both numbers are in ``info`` on every step (``cumulative_regret``, ``random_regret``), so the score
of an episode is ``normalised_score(final_info)``. Averaging over episodes and seeds gives the
family score a benchmark reports. The reference uses the states the agent visited, so on variants
where actions change the state (recharging, switching cost) it is the random action's regret along
the agent's trajectory, not along a random agent's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def normalised_score(info: Mapping[str, Any]) -> float:
    """Score in [0, 1] from the ``info`` of an episode's last step."""
    return score_from_regret(info["cumulative_regret"], info["random_regret"])


def score_from_regret(regret: float, random_regret: float) -> float:
    """``clip(1 - regret / random_regret, 0, 1)``; 1.0 when ``random_regret`` is 0."""
    if random_regret <= 0.0:
        return 1.0
    return min(1.0, max(0.0, 1.0 - regret / random_regret))
