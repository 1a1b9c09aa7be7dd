"""What a test case is. The parent keeps ``expected``; the child only ever sees ``args`` (or a script)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Case:
    """Call ``entry_point(*args, **kwargs)`` in the sandbox; the parent compares the result with ``expected``.

    ``args``/``kwargs`` and ``expected`` must be plain data (None, bool, int, float, complex, str, bytes,
    list, tuple, dict, set, frozenset). ``tolerance``: when set, numbers pass when
    ``abs(actual - expected) < tolerance`` (HumanEval's ``abs(f(x) - v) < tol``); otherwise numbers
    compare exactly except floats, which use ``math.isclose(rel_tol=1e-9, abs_tol=1e-12)``.
    Bools never equal ints. Containers compare by type and element.
    """

    args: tuple = ()
    expected: Any = None
    tolerance: float | None = None
    kwargs: dict = field(default_factory=dict)
    #: a short human-readable rendering of the call, for feedback (``f(1, 2)``); built when empty
    label: str = ""


@dataclass(frozen=True)
class ScriptCase:
    """Test code that could not be turned into a :class:`Case`: it runs inside the sandbox.

    ``source`` is executed in a fresh namespace where every name in ``bind`` refers to the candidate's
    entry point, wrapped so that each value it returns is checked to be plain data (an object with a
    forged ``__eq__`` fails). The case passes when the code raises nothing. Unlike :class:`Case`, the
    verdict is reached inside the child, so it is weaker evidence; reports count these separately.
    """

    source: str
    bind: tuple[str, ...] = ("candidate",)
    label: str = ""
