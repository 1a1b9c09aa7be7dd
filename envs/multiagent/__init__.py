"""Multi-agent feedback loops as PettingZoo environments.

Each environment is a module in the PettingZoo style, ``<name>_v<N>``, with ``env()`` (AEC, wrapped),
``raw_env()`` (AEC, unwrapped) and ``parallel_env()``:

- ``author_reviewer_v0`` (AEC): an author repairs a buggy program; a reviewer who sees the hidden
  tests chooses the feedback (a failing case, a hint) and a score. ``judged`` mode rewards the author
  by that score, so reward hacking is measurable as the judge-gold gap.
- ``solver_verifier_v0`` (AEC): the same loop on math problems; the verifier chooses the feedback level.
- ``multiplayer_bandit_v0`` (parallel): N players share K arms; players who pick the same arm
  collide and get nothing; per-player and system regret.

:func:`ids` lists them; :func:`make` builds one by name (``loopgym.make_multiagent`` is the same).
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from loopgym.config import ConfigError

MODULES = ("author_reviewer_v0", "solver_verifier_v0", "multiplayer_bandit_v0")


def ids() -> list[str]:
    """The multi-agent environments' module names (``from loopgym.envs.multiagent import <name>``)."""
    return list(MODULES)


def load(name: str) -> ModuleType:
    """The module of one multi-agent environment (``env``, ``raw_env``, ``parallel_env``)."""
    base = name.split("/", 1)[-1]
    if base not in MODULES:
        raise ConfigError(f"name={name!r} is not allowed: the multi-agent environments are {', '.join(MODULES)}")
    return importlib.import_module(f"{__name__}.{base}")


def make(name: str, *, parallel: bool = False, **kwargs: Any):
    """``load(name).parallel_env(**kwargs)`` if ``parallel`` else ``load(name).env(**kwargs)``."""
    mod = load(name)
    return mod.parallel_env(**kwargs) if parallel else mod.env(**kwargs)


__all__ = ["MODULES", "ids", "load", "make"]
