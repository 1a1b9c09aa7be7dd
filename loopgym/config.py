"""Configuration helpers shared by every family.

A family's config is a ``@dataclass`` with a ``validate()`` method. The helpers here give every
bad argument the same kind of error: one that names the argument, the value it got and what is
allowed, so a user can fix the call without reading our code.
"""

from __future__ import annotations

import dataclasses
import numbers
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

C = TypeVar("C")


class ConfigError(ValueError):
    """A constructor argument is unknown or has a value that is not allowed."""


class RenderModeError(ConfigError, TypeError):
    """An unsupported ``render_mode``. Also a ``TypeError``: that is what tools such as
    stable-baselines3's ``make_vec_env`` catch to retry ``gym.make`` without a render mode."""


def _fail(name: str, value: Any, allowed: str) -> ConfigError:
    return ConfigError(f"{name}={value!r} is not allowed: {name} must be {allowed}")


def check_int(name: str, value: Any, *, low: int | None = None, high: int | None = None) -> int:
    """Return ``value`` as an int, or raise if it is not an integer in ``[low, high]``."""
    allowed = "an integer" + _range_text(low, high)
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise _fail(name, value, allowed)
    value = int(value)
    if (low is not None and value < low) or (high is not None and value > high):
        raise _fail(name, value, allowed)
    return value


def check_float(
    name: str,
    value: Any,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
) -> float:
    """Return ``value`` as a finite float, or raise if it is not a number in the given range."""
    allowed = "a finite number" + _range_text(low, high, low_open=low_open)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise _fail(name, value, allowed)
    value = float(value)
    if value != value or value in (float("inf"), float("-inf")):
        raise _fail(name, value, allowed)
    if low is not None and (value < low or (low_open and value == low)):
        raise _fail(name, value, allowed)
    if high is not None and value > high:
        raise _fail(name, value, allowed)
    return value


def check_choice(name: str, value: Any, choices: Sequence[Any]) -> Any:
    """Raise unless ``value`` is one of ``choices``."""
    if value not in choices:
        raise _fail(name, value, "one of " + ", ".join(repr(c) for c in choices))
    return value


def check_floats(
    name: str,
    values: Any,
    *,
    length: int | None = None,
    low: float | None = None,
    high: float | None = None,
) -> tuple[float, ...]:
    """Return a sequence of numbers as a tuple of floats, checking its length and range."""
    shape = f"a sequence of {length} numbers" if length is not None else "a sequence of numbers"
    allowed = shape + _range_text(low, high, each=True)
    try:
        items = [float(v) for v in values]
    except (TypeError, ValueError):
        raise _fail(name, values, allowed) from None
    if isinstance(values, (str, bytes, Mapping)) or (length is not None and len(items) != length):
        raise _fail(name, values, allowed)
    for v in items:
        if v != v or abs(v) == float("inf"):
            raise _fail(name, values, allowed)
        if (low is not None and v < low) or (high is not None and v > high):
            raise _fail(name, values, allowed)
    return tuple(items)


def _range_text(low, high, *, low_open: bool = False, each: bool = False) -> str:
    prefix = ", each" if each else ""
    if low is not None and high is not None:
        return f"{prefix} in {'(' if low_open else '['}{low}, {high}]"
    if low is not None:
        return f"{prefix} {'>' if low_open else '>='} {low}"
    if high is not None:
        return f"{prefix} <= {high}"
    return ""


def make_config(config_cls: type[C], kwargs: Mapping[str, Any], *, owner: str) -> C:
    """Build and validate ``config_cls(**kwargs)``, naming unknown arguments clearly.

    ``owner`` is the name shown in the error (usually the environment id or class).
    """
    fields = [f.name for f in dataclasses.fields(config_cls) if f.init]
    unknown = sorted(set(kwargs) - set(fields))
    if unknown:
        raise ConfigError(
            f"{owner} got unknown argument{'s' if len(unknown) > 1 else ''} "
            f"{', '.join(repr(u) for u in unknown)}; allowed arguments: {', '.join(fields)}"
        )
    config = config_cls(**kwargs)
    config.validate()
    return config
