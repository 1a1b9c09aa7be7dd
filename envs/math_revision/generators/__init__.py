"""Problem generators: one file per family, each a config dataclass and a ``make(config, draw)``.

``generate(family, seed, index, level)`` gives problem ``index`` of ``seed`` — the same on every
machine and Python version, because every random number comes from :class:`Draw`, which builds its
integers, choices and shuffles from ``random.Random.random()`` alone (the one stream Python promises
not to change) seeded by a SHA-256 of ``(family, level, seed, index)``.

A generator returns a :class:`Generated`: the question, the exact :class:`~..steps.Answer`, the
worked :class:`~..steps.Solution` (each step's value follows from earlier ones) and the numbers the
question states. :func:`generate` checks that the solution reaches the answer.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import random
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any, NamedTuple, TypeVar

from loopgym.config import ConfigError, check_int, make_config

from ..steps import Answer, MathProblem, Solution

T = TypeVar("T")
LEVELS = (1, 2, 3, 4, 5)


class Draw:
    """A seeded source of random choices that is stable across machines and Python versions.

    Has the methods of :class:`random.Random` that the code uses (``random``, ``randrange``,
    ``randint``, ``choice``, ``shuffle``, ``sample``), so it can stand in for one.
    """

    def __init__(self, *key: Any):
        digest = hashlib.sha256(":".join(map(str, key)).encode()).digest()
        self._r = random.Random(int.from_bytes(digest[:16], "big"))

    def random(self) -> float:
        return self._r.random()

    def randrange(self, start: int, stop: int | None = None) -> int:
        if stop is None:
            start, stop = 0, start
        if stop <= start:
            raise ValueError(f"empty range [{start}, {stop})")
        return start + min(int(self.random() * (stop - start)), stop - start - 1)

    def randint(self, low: int, high: int) -> int:
        """An integer in ``[low, high]`` (both included)."""
        return self.randrange(low, high + 1)

    def nonzero(self, low: int, high: int) -> int:
        """An integer in ``[low, high]`` other than 0."""
        while True:
            x = self.randint(low, high)
            if x:
                return x

    def choice(self, seq: Sequence[T]) -> T:
        return seq[self.randrange(len(seq))]

    def shuffle(self, items: list) -> None:
        for i in range(len(items) - 1, 0, -1):
            j = self.randrange(i + 1)
            items[i], items[j] = items[j], items[i]

    def sample(self, seq: Sequence[T], k: int) -> list[T]:
        items = list(seq)
        self.shuffle(items)
        return items[:k]


@dataclasses.dataclass
class FamilyConfig:
    """What every family's config has: the difficulty ``level`` (1-5)."""

    level: int = 1

    def validate(self) -> None:
        self.level = check_int("level", self.level, low=1, high=5)


class Generated(NamedTuple):
    question: str
    answer: Answer
    solution: Solution
    #: the numbers the question states, in order
    params: tuple = ()
    #: the template used, where a family has several
    kind: str = ""


@dataclasses.dataclass(frozen=True)
class Family:
    name: str
    config_cls: type
    make: Callable[[Any, Draw], Generated]
    description: str


#: family name -> module (one file per generator)
_MODULES = {
    "arithmetic": "arithmetic",
    "fractions": "fractions_",
    "percentages": "percentages",
    "linear": "linear",
    "systems": "systems",
    "quadratics": "quadratics",
    "modular": "modular",
    "sequences": "sequences",
    "units": "units",
    "word_problems": "word_problems",
}
FAMILY_NAMES = tuple(_MODULES)
_LOADED: dict[str, Family] = {}


def family(name: str) -> Family:
    """The generator of family ``name``; a :class:`ConfigError` naming the families otherwise."""
    if name not in _MODULES:
        raise ConfigError(
            f"family={name!r} is not allowed: family must be one of {', '.join(map(repr, FAMILY_NAMES))}"
        )
    if name not in _LOADED:
        module = importlib.import_module(f"{__name__}.{_MODULES[name]}")
        doc = (module.__doc__ or name).strip().splitlines()
        _LOADED[name] = Family(name, module.Config, module.make, doc[0] if doc else name)
    return _LOADED[name]


def make_family_config(name: str, level: int = 1, **kwargs: Any) -> FamilyConfig:
    fam = family(name)
    return make_config(fam.config_cls, {"level": level, **kwargs}, owner=f"math family {name!r}")


def generate(name: str, seed: int, index: int, level: int = 1, config: FamilyConfig | None = None,
             **kwargs: Any) -> MathProblem:
    """Problem ``index`` of ``seed`` in family ``name`` at ``level`` (or the given validated ``config``)."""
    fam = family(name)
    if config is None:
        config = make_family_config(name, level, **kwargs)
    seed, index = check_int("seed", seed), check_int("index", index, low=0)
    draw = Draw(name, config.level, seed, index, *_extra_key(config))
    g = fam.make(config, draw)
    reached = g.solution.final(g.answer.kind)
    if reached != g.answer.values:
        raise AssertionError(f"{name} generator bug: solution reaches {reached}, answer is {g.answer.values}")
    return MathProblem(
        family=name,
        level=config.level,
        seed=seed,
        index=index,
        question=g.question,
        answer=g.answer,
        solution=g.solution,
        params=tuple(Fraction(p) for p in g.params),
        kind=g.kind,
    )


def _extra_key(config: FamilyConfig) -> tuple:
    """Config fields other than ``level`` enter the seed, so changing them changes the problems."""
    return tuple(f"{f.name}={getattr(config, f.name)!r}" for f in dataclasses.fields(config) if f.name != "level")


def dataset(name: str, n: int, *, seed: int = 0, level: int = 1, **kwargs: Any) -> list[MathProblem]:
    """Problems ``0 .. n-1`` of ``seed``."""
    config = make_family_config(name, level, **kwargs)
    return [generate(name, seed, i, config=config) for i in range(n)]
