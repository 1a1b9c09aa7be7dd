"""Bandits: pull an arm, see its payoff, adapt. Nine variants; regret is always reported."""

from loopgym.registry import register

from .envs import (
    ALL,
    BernoulliBandit,
    ContextualBandit,
    DelayedBandit,
    DriftingBandit,
    DuelingBandit,
    GaussianBandit,
    PiecewiseBandit,
    RechargingBandit,
    SwitchingCostBandit,
)

#: variants with a native numpy VectorEnv (``gym.make_vec(..., vectorization_mode="vector_entry_point")``)
_NATIVE = {"BernoulliBandit", "GaussianBandit", "PiecewiseBandit", "DriftingBandit"}

for _cls in ALL:
    register(
        _cls,
        family="bandits",
        smoke_kwargs={"horizon": 30, "n_arms": 4},
        vector_entry_point=(
            f"loopgym.envs.bandits.vector:{_cls.__name__}Vector" if _cls.__name__ in _NATIVE else None
        ),
    )

__all__ = [
    "ALL",
    "BernoulliBandit",
    "ContextualBandit",
    "DelayedBandit",
    "DriftingBandit",
    "DuelingBandit",
    "GaussianBandit",
    "PiecewiseBandit",
    "RechargingBandit",
    "SwitchingCostBandit",
]
