"""loopgym: Gymnasium and PettingZoo environments for agents that learn by iterating.

``import loopgym`` registers every environment, so ``gymnasium.make("loopgym/BernoulliBandit-v0")``
works after it; :func:`ids` lists them. The multi-agent loops are PettingZoo environments:
:func:`multiagent_ids` lists them and :func:`make_multiagent` builds one (``parallel=True`` for the
parallel API).
"""

from loopgym import envs  # noqa: F401  (importing it registers every family)
from loopgym.config import ConfigError
from loopgym.core import ActionError, Feedback, FreeText, InvalidAttempt, LoopEnv, Task, View
from loopgym.envs.multiagent import ids as multiagent_ids
from loopgym.envs.multiagent import make as make_multiagent
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
    "make_multiagent",
    "multiagent_ids",
    "spec",
]
