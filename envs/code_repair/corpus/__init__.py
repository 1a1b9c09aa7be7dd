"""Reference programs for the code-repair family.

Each :class:`Program` is a small, self-contained Python function (``source``) together with a
description of what it must do and a generator of test inputs (``gen``). The code-repair
environments inject bugs into ``source`` with AST mutations, run the references on inputs from
``gen`` to get the expected outputs, and ask an agent to repair the broken copy.

The programs live in one module per category; this package collects them into :data:`PROGRAMS`.
"""

from __future__ import annotations

import random
import textwrap
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["CATEGORIES", "PROGRAMS", "Program", "by_name"]


@dataclass(frozen=True)
class Program:
    """One reference program: a top-level function ``entry_point`` defined in ``source``."""

    #: unique snake_case id, also used as the task id, e.g. ``"binary_search"``
    name: str
    #: the category, e.g. ``"algorithms"``, ``"strings"``, ``"graphs"``
    category: str
    #: 1-3 sentences saying what the function must return, including the edge cases
    description: str
    #: the reference implementation (module text, standard library only)
    source: str
    #: the function under test, defined at the top level of ``source``
    entry_point: str
    #: one test case's positional arguments, drawn from the given ``random.Random``
    gen: Callable[[random.Random], tuple]


def registrar(category: str, sink: list[Program]) -> Callable:
    """A decorator factory for category modules: ``@program(name, description, source)`` on a gen.

    ``source`` is dedented and stripped; ``entry_point`` defaults to ``name``.
    """

    def program(name: str, description: str, source: str, entry_point: str | None = None) -> Callable:
        def deco(gen: Callable[[random.Random], tuple]) -> Callable[[random.Random], tuple]:
            text = textwrap.dedent(source).strip("\n") + "\n"
            desc = " ".join(description.split())
            sink.append(Program(name, category, desc, text, entry_point or name, gen))
            return gen

        return deco

    return program


# the category modules import ``registrar`` and ``Program`` from here, so they come after them
from . import (  # noqa: E402
    algorithms,
    data_structures,
    dynamic_programming,
    graphs,
    numbers,
    sequences,
    strings,
)

_MODULES = (algorithms, strings, numbers, dynamic_programming, graphs, data_structures, sequences)

#: every reference program, sorted by name
PROGRAMS: tuple[Program, ...] = tuple(sorted((p for m in _MODULES for p in m.PROGRAMS), key=lambda p: p.name))

#: the categories, in a fixed order
CATEGORIES: tuple[str, ...] = tuple(dict.fromkeys(m.CATEGORY for m in _MODULES))

_BY_NAME: dict[str, Program] = {}
for _p in PROGRAMS:
    if _p.name in _BY_NAME:
        raise RuntimeError(f"duplicate program name {_p.name!r}")
    _BY_NAME[_p.name] = _p
del _p


def by_name(name: str) -> Program:
    """The program called ``name``; ``KeyError`` names close matches when there is none."""
    try:
        return _BY_NAME[name]
    except KeyError:
        import difflib

        close = difflib.get_close_matches(name, list(_BY_NAME), n=3)
        hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
        raise KeyError(f"no reference program named {name!r}{hint} ({len(_BY_NAME)} programs)") from None
