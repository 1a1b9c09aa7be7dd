"""loopgym: Gymnasium and PettingZoo environments for agents that learn by iterating.

``import loopgym`` registers every environment, so ``gymnasium.make("loopgym/BernoulliBandit-v0")``
works after it; :func:`ids` lists them.
"""

from loopgym import envs  # noqa: F401  (importing it registers every family)
from loopgym.config import ConfigError
from loopgym.core import ActionError, Feedback, FreeText, InvalidAttempt, LoopEnv, Task, View
from loopgym.registry import families, ids, spec

__version__ = "0.1.0"

__all__ = [
    "ActionError",
    "ConfigError",
    "Feedback",
    "FreeText",
    "InvalidAttempt",
    "LoopEnv",
    "Task",
    "View",
    "families",
    "ids",
    "spec",
]
