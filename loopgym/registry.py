"""Every loopgym id, registered with Gymnasium and described for the CLI, README and tests.

Families call :func:`register` once per id from their ``__init__``; ``import loopgym`` imports every
family, so after it ``gym.make("loopgym/...")`` works and :func:`ids` lists what exists.
"""

from __future__ import annotations

import dataclasses
import inspect
from typing import Any

import gymnasium as gym

NAMESPACE = "loopgym"


@dataclasses.dataclass(frozen=True)
class EnvSpec:
    """What loopgym knows about one id, beyond Gymnasium's own spec."""

    id: str
    family: str
    entry_point: str
    description: str
    #: keyword arguments that make an episode short, for smoke runs and the contract tests
    smoke_kwargs: dict[str, Any]
    vector_entry_point: str | None


_SPECS: dict[str, EnvSpec] = {}


def register(
    cls: type,
    *,
    family: str,
    version: int = 0,
    smoke_kwargs: dict[str, Any] | None = None,
    vector_entry_point: str | None = None,
) -> str:
    """Register ``cls`` as ``loopgym/<ClassName>-v<version>``; the description is the docstring's
    first line. Returns the id."""
    env_id = f"{NAMESPACE}/{cls.__name__}-v{version}"
    entry_point = f"{cls.__module__}:{cls.__name__}"
    doc = inspect.getdoc(cls) or ""
    spec = EnvSpec(
        id=env_id,
        family=family,
        entry_point=entry_point,
        description=doc.splitlines()[0] if doc else "",
        smoke_kwargs=dict(smoke_kwargs or {}),
        vector_entry_point=vector_entry_point,
    )
    if env_id in _SPECS:
        if _SPECS[env_id] == spec:
            return env_id
        raise ValueError(f"{env_id} is already registered with a different entry point")
    _SPECS[env_id] = spec
    gym.register(id=env_id, entry_point=entry_point, vector_entry_point=vector_entry_point)
    return env_id


def ids(family: str | None = None) -> list[str]:
    """Every registered loopgym id (optionally of one family), in registration order."""
    return [i for i, s in _SPECS.items() if family is None or s.family == family]


def families() -> list[str]:
    """The families that have registered ids."""
    return list(dict.fromkeys(s.family for s in _SPECS.values()))


def resolve(name: str) -> str:
    """Accept ``loopgym/Name-v0``, ``Name-v0`` or ``Name`` (latest version); raise a clear error
    listing the known ids otherwise."""
    candidates = [name, f"{NAMESPACE}/{name}"]
    for c in candidates:
        if c in _SPECS:
            return c
    versions = [i for i in _SPECS if i.split("/", 1)[1].rsplit("-v", 1)[0] == name]
    if versions:
        return max(versions, key=lambda i: int(i.rsplit("-v", 1)[1]))
    raise gym.error.NameNotFound(
        f"unknown environment id {name!r}; known ids: {', '.join(_SPECS) or '(none)'}"
    )


def spec(env_id: str) -> EnvSpec:
    """The :class:`EnvSpec` of an id (any form :func:`resolve` accepts)."""
    return _SPECS[resolve(env_id)]


def markdown_table() -> str:
    """The README's table of ids, generated from the registry."""
    lines = [
        "| id | family | what it is | native vector env |",
        "|---|---|---|---|",
    ]
    for s in _SPECS.values():
        vec = "yes" if s.vector_entry_point else ""
        lines.append(f"| `{s.id}` | {s.family} | {s.description} | {vec} |")
    return "\n".join(lines)
