"""Benchmark suites as data: which environments, with which arguments, for how many episodes.

A suite is a YAML file::

    name: quick
    description: every family, a few minutes on 2 cores
    seeds: 3                      # the default for --seeds
    envs:
      - id: BernoulliBandit-v0    # a loopgym id ("loopgym/" may be left out)
        kwargs: {horizon: 500}    # environment arguments (validated when the suite loads)
        episodes: 1               # episodes per job (env x agent x seed); default 1
        baseline: thompson        # the family's reference agent: what --agent baseline plays here
        name: Bernoulli           # optional; default: the id without "-v0" (must be unique)

The shipped suites (``quick``, ``core``, ``full``) live next to this file; ``load_suite`` takes one of
their names or a path. Every mistake is reported with the file and line it is on.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from importlib import resources
from pathlib import Path
from typing import Any

import gymnasium as gym
import yaml

from loopgym import registry

ENTRY_KEYS = {"id", "kwargs", "episodes", "baseline", "name", "view"}
SUITE_KEYS = {"name", "description", "seeds", "envs"}


class SuiteError(ValueError):
    """A suite that cannot be used; the message names the file and line."""


@dataclasses.dataclass(frozen=True)
class SuiteEntry:
    name: str
    env_id: str
    family: str
    kwargs: dict[str, Any]
    episodes: int
    baseline: str | None
    view: str | None  # force a view; default: the agent's
    line: int


@dataclasses.dataclass(frozen=True)
class Suite:
    name: str
    description: str
    seeds: int
    entries: tuple[SuiteEntry, ...]
    path: str

    def entry(self, name: str) -> SuiteEntry:
        for e in self.entries:
            if e.name == name:
                return e
        raise KeyError(name)

    def fingerprint(self) -> str:
        """A hash of what the suite runs (names, ids, arguments, episodes): results made under one
        fingerprint are comparable, so a results folder records it and refuses a different one."""
        payload = [[e.name, e.env_id, e.kwargs, e.episodes, e.view] for e in self.entries]
        return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:16]


def shipped_suites() -> list[str]:
    """The names of the suites that ship with loopgym."""
    folder = resources.files("loopgym.bench") / "suites"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))


def suite_path(name_or_path: str | Path) -> Path:
    """A shipped suite's file, or the path given; an error lists the shipped suites otherwise."""
    p = Path(name_or_path)
    if p.suffix in (".yaml", ".yml") or p.exists():
        if not p.is_file():
            raise SuiteError(f"suite file {str(p)!r} does not exist")
        return p
    if str(name_or_path) in shipped_suites():
        return Path(str(resources.files("loopgym.bench") / "suites" / f"{name_or_path}.yaml"))
    raise SuiteError(
        f"unknown suite {str(name_or_path)!r}: the shipped suites are {', '.join(shipped_suites())}, "
        "or give the path of a suite YAML file"
    )


class _LineLoader(yaml.SafeLoader):
    """Safe YAML whose mappings remember the line they start on (as the key ``__line__``)."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _strip_lines(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_lines(v) for k, v in value.items() if k != "__line__"}
    if isinstance(value, list):
        return [_strip_lines(v) for v in value]
    return value


def load_suite(name_or_path: str | Path, *, check_envs: bool = True) -> Suite:
    """Read and validate a suite. ``check_envs`` also builds every environment once, so a bad
    argument is reported now, with its line, rather than in the middle of a run."""
    path = suite_path(name_or_path)
    where = str(path)
    try:
        text = path.read_text()
    except (OSError, UnicodeDecodeError) as err:
        raise SuiteError(f"{where}: cannot read the suite: {err}") from None
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(err, "problem", None) or str(err)
        raise SuiteError(f"{where}{line}: malformed YAML: {problem}") from None
    if not isinstance(data, dict):
        raise SuiteError(f"{where}:1: a suite is a mapping with 'name' and 'envs' (got {type(data).__name__})")
    unknown = set(data) - SUITE_KEYS - {"__line__"}
    if unknown:
        raise SuiteError(f"{where}: unknown key(s) {sorted(unknown)}; a suite has {sorted(SUITE_KEYS)}")
    name = data.get("name") or path.stem
    if not isinstance(name, str) or not name.replace("-", "_").isidentifier():
        raise SuiteError(f"{where}: name={name!r} must be a word (letters, digits, '-', '_')")
    seeds = data.get("seeds", 5)
    if not isinstance(seeds, int) or isinstance(seeds, bool) or seeds < 1:
        raise SuiteError(f"{where}: seeds={seeds!r} must be an integer >= 1")
    envs = data.get("envs")
    if not isinstance(envs, list) or not envs:
        raise SuiteError(f"{where}: 'envs' must be a non-empty list of environments")
    entries: list[SuiteEntry] = []
    for i, raw in enumerate(envs):
        entries.append(_entry(raw, i, where, check_envs))
    seen: dict[str, int] = {}
    for e in entries:
        if e.name in seen:
            raise SuiteError(
                f"{where}:{e.line}: entry name {e.name!r} is already used on line {seen[e.name]}; "
                "give this entry its own 'name'"
            )
        seen[e.name] = e.line
    return Suite(name=name, description=str(data.get("description", "")).strip(), seeds=seeds,
                 entries=tuple(entries), path=where)


def _entry(raw: Any, index: int, where: str, check_envs: bool) -> SuiteEntry:
    if isinstance(raw, str):  # "- BernoulliBandit-v0" is an entry with defaults
        raw = {"id": raw}
    if not isinstance(raw, dict):
        raise SuiteError(f"{where}: envs[{index}] must be a mapping with an 'id' (got {raw!r})")
    line = raw.get("__line__", 0)
    at = f"{where}:{line}"
    unknown = set(raw) - ENTRY_KEYS - {"__line__"}
    if unknown:
        raise SuiteError(f"{at}: unknown key(s) {sorted(unknown)}; an entry has {sorted(ENTRY_KEYS)}")
    if "id" not in raw:
        raise SuiteError(f"{at}: the entry has no 'id'")
    try:
        env_id = registry.resolve(str(raw["id"]))
    except gym.error.Error:
        raise SuiteError(
            f"{at}: unknown environment {raw['id']!r}; `loopgym list` shows the ids "
            f"({', '.join(i.removeprefix('loopgym/') for i in registry.ids())})"
        ) from None
    kwargs = _strip_lines(raw.get("kwargs") or {})
    if not isinstance(kwargs, dict):
        raise SuiteError(f"{at}: kwargs must be a mapping of argument names to values (got {kwargs!r})")
    if "view" in kwargs:
        raise SuiteError(f"{at}: give the view as the entry's 'view', not in kwargs")
    episodes = raw.get("episodes", 1)
    if not isinstance(episodes, int) or isinstance(episodes, bool) or episodes < 1:
        raise SuiteError(f"{at}: episodes={episodes!r} must be an integer >= 1")
    view = raw.get("view")
    if view not in (None, "vector", "text"):
        raise SuiteError(f"{at}: view={view!r} is not allowed: 'vector' or 'text'")
    baseline = raw.get("baseline")
    if baseline is not None and not isinstance(baseline, str):
        raise SuiteError(f"{at}: baseline={baseline!r} must be an agent spec (a string)")
    name = raw.get("name") or env_id.removeprefix("loopgym/").removesuffix("-v0")
    if not isinstance(name, str) or "/" in name or not name.strip():
        raise SuiteError(f"{at}: name={name!r} must be a non-empty string without '/'")
    if check_envs:
        try:
            gym.make(env_id, **({"view": view} if view else {}), **kwargs).close()
        except (ValueError, TypeError) as err:  # ConfigError is a ValueError
            raise SuiteError(f"{at}: {env_id} does not accept these kwargs: {err}") from None
    return SuiteEntry(name=name, env_id=env_id, family=registry.spec(env_id).family, kwargs=kwargs,
                      episodes=episodes, baseline=baseline, view=view, line=line)
