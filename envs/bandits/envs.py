"""The bandit environments: one declaration each, documented in Gymnasium's sections.

Shared by all: ``gym.make(id, view="vector"|"text", **arguments)``; arms are drawn anew at every
reset unless fixed by an argument (so a recurrent agent can meta-learn across episodes, RL²-style);
``info`` has ``success``, ``gold``, ``attempt``, ``feedback``, ``regret`` (instantaneous
pseudo-regret) and ``cumulative_regret`` on every step. An unreadable text answer loses the step
(reward 0, gold 0, the step's largest regret) and is answered with feedback.
"""

from __future__ import annotations

from loopgym.core import LoopEnv

from . import task as t
from . import views as v


class BernoulliBandit(LoopEnv):
    """K arms that each pay 1 with a fixed unknown probability.

    ## Description
    The classic stationary multi-armed bandit. Arm means are drawn from U(0, 1) at every reset, or
    fixed with ``means``.

    ## Action Space
    vector: ``Discrete(n_arms)``. text: free text naming the arm (``"arm 3"`` or ``"3"``).

    ## Observation Space
    vector: ``Box(n_arms + 2)`` float32 = one-hot of the last arm, its payoff, t / horizon.
    text: the feedback in words and the instruction.

    ## Feedback
    The pulled arm and its payoff (0 or 1); hidden: ``regret`` and ``gold``.

    ## Rewards
    The payoff of the pull.

    ## Starting State
    New means (unless fixed), t = 0, no arm pulled yet.

    ## Episode End
    Truncated after ``horizon`` pulls; never terminated.

    ## Arguments
    ``n_arms=10`` (or the number of fixed arms), ``horizon=1000``, ``means=None`` (a list of n_arms probabilities fixes the arms).

    ## Version History
    * v0: initial version.
    """

    task_cls = t.BanditTask
    views = {"vector": v.BanditVectorView, "text": v.BanditTextView}


class GaussianBandit(LoopEnv):
    """K arms whose payoffs are Gaussian around fixed unknown means.

    ## Description
    Stationary bandit with N(mu_a, noise_sd^2) payoffs; means drawn from N(0, 1) per reset.

    ## Action Space
    vector: ``Discrete(n_arms)``. text: free text naming the arm.

    ## Observation Space
    vector: ``Box(n_arms + 2)`` = one-hot of the last arm, its payoff (clipped to ±1e6), t / horizon.

    ## Feedback
    The pulled arm and its real-valued payoff; hidden: ``regret`` and ``gold``.

    ## Rewards
    The payoff of the pull.

    ## Starting State
    New means (unless fixed), t = 0.

    ## Episode End
    Truncated after ``horizon`` pulls.

    ## Arguments
    ``n_arms=10`` (or the number of fixed arms), ``horizon=1000``, ``means=None``, ``noise_sd=1.0``.

    ## Version History
    * v0: initial version.
    """

    task_cls = t.GaussianTask
    views = {"vector": v.BanditVectorView, "text": v.GaussianTextView}


class PiecewiseBandit(LoopEnv):
    """Bernoulli arms whose means all jump to new values at a few change points.

    ## Description
    Abruptly non-stationary bandit: at each change point every arm gets a new mean from U(0, 1).
    Change points are drawn per reset (``n_changes`` of them) or fixed with ``change_points``.

    ## Action Space
    vector: ``Discrete(n_arms)``. text: free text naming the arm.

    ## Observation Space
    vector: ``Box(n_arms + 2)`` = one-hot of the last arm, its payoff, t / horizon. Change points are
    not announced.

    ## Feedback
    The pulled arm and its payoff; hidden: ``regret`` against the best arm of the current segment.

    ## Rewards
    The payoff of the pull.

    ## Starting State
    New means and change points, t = 0.

    ## Episode End
    Truncated after ``horizon`` pulls.

    ## Arguments
    ``n_arms=10`` (or the number of fixed arms), ``horizon=1000``, ``means=None`` (first segment), ``n_changes=4`` (at most
    horizon - 1),
    ``change_points=None`` (the steps after which the means change).

    ## Version History
    * v0: initial version.
    """

    task_cls = t.PiecewiseTask
    views = {"vector": v.BanditVectorView, "text": v.PiecewiseTextView}


class DriftingBandit(LoopEnv):
    """Bernoulli arms whose means follow reflected random walks.

    ## Description
    Smoothly non-stationary bandit: after every pull each mean moves by N(0, drift_sd^2) and is
    reflected back into [0, 1].

    ## Action Space
    vector: ``Discrete(n_arms)``. text: free text naming the arm.

    ## Observation Space
    vector: ``Box(n_arms + 2)`` = one-hot of the last arm, its payoff, t / horizon.

    ## Feedback
    The pulled arm and its payoff; hidden: ``regret`` against the best arm at that step.

    ## Rewards
    The payoff of the pull.

    ## Starting State
    New means (unless fixed), t = 0.

    ## Episode End
    Truncated after ``horizon`` pulls.

    ## Arguments
    ``n_arms=10`` (or the number of fixed arms), ``horizon=1000``, ``means=None`` (starting means), ``drift_sd=0.01``.

    ## Version History
    * v0: initial version.
    """

    task_cls = t.DriftingTask
    views = {"vector": v.BanditVectorView, "text": v.DriftingTextView}


class ContextualBandit(LoopEnv):
    """Linear contextual bandit: a new context every step, each arm's payoff linear in it.

    ## Description
    Each step a context x ~ N(0, I) is shown; arm a pays ``weights[a] @ x + N(0, noise_sd^2)``.
    Weights are drawn per reset from N(0, 1/context_dim) or fixed with ``weights``.

    ## Action Space
    vector: ``Discrete(n_arms)``. text: free text naming the arm.

    ## Observation Space
    vector: ``Box(n_arms + 2 + context_dim)`` = one-hot of the last arm, its payoff, t / horizon,
    then the context to act on now. text: the feedback and the context as numbers.

    ## Feedback
    The pulled arm, its payoff and the context it was pulled in; hidden: ``regret`` against the best
    arm for that context.

    ## Rewards
    The payoff of the pull.

    ## Starting State
    New weights (unless fixed) and a first context, t = 0.

    ## Episode End
    Truncated after ``horizon`` pulls.

    ## Arguments
    ``n_arms=10`` (or the number of fixed arms), ``horizon=1000``, ``context_dim=5``, ``noise_sd=0.1``, ``weights=None``.

    ## Version History
    * v0: initial version.
    """

    task_cls = t.ContextualTask
    views = {"vector": v.ContextualVectorView, "text": v.ContextualTextView}


class DelayedBandit(LoopEnv):
    """Bernoulli arms whose payoffs are revealed only ``delay`` steps after the pull.

    ## Description
    Stationary Bernoulli arms; the payoff of the pull at step t is delivered with step t + delay.
    Payoffs still in flight at the end of the episode are never delivered.

    ## Action Space
    vector: ``Discrete(n_arms)``. text: free text naming the arm.

    ## Observation Space
    vector: ``Box(2 * n_arms + 2)`` = one-hot of the arm just pulled, the payoff delivered now,
    t / horizon, one-hot of the arm whose payoff was delivered now (zeros if none).

    ## Feedback
    The arm pulled and ``delivered``: ``[arm, step pulled, payoff]`` entries arriving now. The
    current pull's payoff is not in the feedback. Hidden: ``regret`` of the current pull.

    ## Rewards
    The sum of payoffs delivered this step.

    ## Starting State
    New means (unless fixed), nothing in flight, t = 0.

    ## Episode End
    Truncated after ``horizon`` pulls.

    ## Arguments
    ``n_arms=10`` (or the number of fixed arms), ``horizon=1000``, ``means=None``, ``delay=10``.

    ## Version History
    * v0: initial version.
    """

    task_cls = t.DelayedTask
    views = {"vector": v.DelayedVectorView, "text": v.DelayedTextView}


class SwitchingCostBandit(LoopEnv):
    """Bernoulli arms with a fixed cost for pulling a different arm than last time.

    ## Description
    Stationary Bernoulli arms; changing arms costs ``cost``. The first pull is free.

    ## Action Space
    vector: ``Discrete(n_arms)``. text: free text naming the arm.

    ## Observation Space
    vector: ``Box(n_arms + 2)`` = one-hot of the last arm, its payoff (before the cost), t / horizon.

    ## Feedback
    The pulled arm, its payoff and the switching cost paid; hidden: ``regret``, which counts the
    cost: the best action at a step is worth ``max(mu[last], max_a mu[a] - cost)``.

    ## Rewards
    Payoff minus the switching cost paid.

    ## Starting State
    New means (unless fixed), no previous arm, t = 0.

    ## Episode End
    Truncated after ``horizon`` pulls.

    ## Arguments
    ``n_arms=10`` (or the number of fixed arms), ``horizon=1000``, ``means=None``, ``cost=0.1``.

    ## Version History
    * v0: initial version.
    """

    task_cls = t.SwitchingCostTask
    views = {"vector": v.BanditVectorView, "text": v.SwitchingCostTextView}


class RechargingBandit(LoopEnv):
    """Bernoulli arms whose payoff probability recovers with the time since their last pull.

    ## Description
    Arm a last pulled tau steps ago pays 1 with probability ``means[a] * (1 - exp(-tau / recovery[a]))``;
    a never-pulled arm pays with probability ``means[a]``. Pulling the same arm again and again wears it
    out, so good play rotates between arms.

    ## Action Space
    vector: ``Discrete(n_arms)``. text: free text naming the arm.

    ## Observation Space
    vector: ``Box(2 * n_arms + 2)`` = one-hot of the last arm, its payoff, t / horizon, then for each
    arm ``min(tau, 100) / 100`` (the agent's own pull history, made Markov).

    ## Feedback
    The pulled arm and its payoff. Hidden: ``regret`` against the arm with the highest payoff
    probability *now* (the greedy oracle; a planning policy can do better than the greedy oracle over
    an episode, but never on a single step, so regret per step is >= 0).

    ## Rewards
    The payoff of the pull.

    ## Starting State
    New means and recovery times (unless fixed), every arm fully charged, t = 0.

    ## Episode End
    Truncated after ``horizon`` pulls.

    ## Arguments
    ``n_arms=10`` (or the number of fixed arms), ``horizon=1000``, ``means=None``, ``recovery=None`` (per-arm times),
    ``max_recovery=20.0`` (recovery times are U(1, max_recovery) when drawn).

    ## Version History
    * v0: initial version.
    """

    task_cls = t.RechargingTask
    views = {"vector": v.RechargingVectorView, "text": v.RechargingTextView}


class DuelingBandit(LoopEnv):
    """Choose two arms, see only which one won.

    ## Description
    Arms have hidden utilities u in [0, 1] (drawn from U(0, 1) per reset, or fixed with ``means``);
    arm i beats arm j with probability ``(1 + u[i] - u[j]) / 2``. No payoff is ever shown.

    ## Action Space
    vector: ``MultiDiscrete([n_arms, n_arms])``, the two arms. text: two arm numbers
    (``"2 5"``, ``"arms 2 and 5"``).

    ## Observation Space
    vector: ``Box(2 * n_arms + 2)`` = one-hot of the first arm, 1 if it won (0 if the second won,
    0.5 for an arm against itself), t / horizon, one-hot of the second arm.

    ## Feedback
    The pair and the winner only. Hidden: the dueling ``regret`` (Yue et al., 2012),
    ``(2 u* - u[i] - u[j]) / 4``, zero only for the best arm against itself.

    ## Rewards
    1 if the first arm won, 0 if the second did, 0.5 for a tie: the left player's reward in
    Sparring (Ailon et al., 2014); the second arm's player would get one minus it. Regret and gold,
    not this reward, measure how well an agent duels.

    ## Starting State
    New utilities (unless fixed), t = 0.

    ## Episode End
    Truncated after ``horizon`` duels.

    ## Arguments
    ``n_arms=10`` (or the number of fixed arms), ``horizon=1000``, ``means=None`` (the utilities).

    ## Version History
    * v0: initial version.
    """

    task_cls = t.DuelingTask
    views = {"vector": v.DuelingVectorView, "text": v.DuelingTextView}


ALL = [
    BernoulliBandit,
    GaussianBandit,
    PiecewiseBandit,
    DriftingBandit,
    ContextualBandit,
    DelayedBandit,
    SwitchingCostBandit,
    RechargingBandit,
    DuelingBandit,
]
