"""Per-turn revision metrics for MathRevision, each with one formula.

Input: episodes as lists of the ``info`` dicts that ``env.step`` returned (``info["correct"]``,
``info["answer"]`` and ``info["feedback"]`` are what is read). ``N`` is the number of episodes,
``T_e`` the number of turns of episode ``e`` and ``c_e(t)`` whether its turn-``t`` answer is right
(an unreadable answer is wrong). An episode that ended before turn ``k`` keeps its last answer.

* ``accuracy_at(k)   = (1/N) * sum_e c_e(min(k, T_e))``
* ``delta(k)         = accuracy_at(k) - accuracy_at(1)``
* ``wrong_to_right   = #{(e,t): not c_e(t) and c_e(t+1)} / #{(e,t): not c_e(t), t < T_e}``
* ``right_to_wrong   = #{(e,t): c_e(t) and not c_e(t+1)} / #{(e,t): c_e(t), t < T_e}`` (0/0 = nan; only
  episodes that go on after a right answer — ``stop_on_correct=False`` — can flip right to wrong)
* ``repeat_rate      = #{readable answers equal to an earlier wrong answer of the episode} /
  #{readable answers given after a wrong one}``
* ``incorporation    = #{readable answers after a wrong one that agree with all earlier feedback} /
  #{readable answers after a wrong one}``, where an answer *agrees* with feedback on an earlier
  wrong answer ``g`` when it is not ``g`` (every level but ``none``, where nothing is said and the rate
  is nan), and moreover: ``direction`` — each part lies on the side of ``g``'s part that the feedback
  pointed to (and equals it where it said "right"); ``component`` — it keeps the parts said to be right
  and changes those said to be wrong (sets: it shares exactly as many values with ``g`` as were
  solutions); ``hint`` — nothing beyond differing from ``g``.

:func:`revision_metrics` returns all of them, with percentile-bootstrap confidence intervals over
episodes when ``n_boot > 0``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

Episode = Sequence[Mapping[str, Any]]


def _parts(fb: Mapping[str, Any]) -> tuple[Fraction | None, ...]:
    return tuple(Fraction(g) if g else None for g in fb.get("given", ()))


def agrees(parts: Sequence[Fraction], kind: str, prev: Mapping[str, Any], level: str) -> bool:
    """Whether an answer with ``parts`` agrees with feedback ``prev`` (a feedback dict, or its
    ``__dict__``) given on an earlier answer, at ``level`` (see the module docstring)."""
    if not prev.get("valid", True) or level == "none":
        return True
    given = _parts(prev)
    parts = tuple(sorted(set(parts))) if kind == "set" else tuple(parts)
    if prev.get("correct"):
        return parts == given
    if parts == given:
        return False
    if level == "direction":
        direction = prev.get("direction") or ()
        if direction:
            if len(parts) != len(direction):
                return False
            for p, g, d in zip(parts, given, direction, strict=True):
                if g is None:
                    continue
                if (d > 0 and not p < g) or (d < 0 and not p > g) or (d == 0 and p != g):
                    return False
    elif level == "component":
        oks = prev.get("parts") or ()
        if kind == "set":
            return len(set(parts) & {g for g in given if g is not None}) == sum(bool(o) for o in oks)
        for i, ok in enumerate(oks):
            if i >= len(parts) or i >= len(given) or given[i] is None:
                continue
            if bool(ok) != (parts[i] == given[i]):
                return False
    return True


def _correct(turn: Mapping[str, Any]) -> bool:
    return bool(turn.get("correct", False))


def accuracy_at(episodes: Sequence[Episode], k: int) -> float:
    if k < 1:
        raise ValueError(f"k={k} is not allowed: k must be >= 1")
    if not episodes:
        return math.nan
    return float(np.mean([_correct(ep[min(k, len(ep)) - 1]) if ep else False for ep in episodes]))


def accuracy_curve(episodes: Sequence[Episode], max_k: int) -> list[float]:
    return [accuracy_at(episodes, k) for k in range(1, max_k + 1)]


def delta(episodes: Sequence[Episode], k: int) -> float:
    return accuracy_at(episodes, k) - accuracy_at(episodes, 1)


def _ratio(num: int, den: int) -> float:
    return num / den if den else math.nan


def flip_rates(episodes: Sequence[Episode]) -> tuple[float, float]:
    """``(wrong_to_right, right_to_wrong)``."""
    wr = w = rw = r = 0
    for ep in episodes:
        for a, b in zip(ep, ep[1:], strict=False):
            if _correct(a):
                r += 1
                rw += not _correct(b)
            else:
                w += 1
                wr += _correct(b)
    return _ratio(wr, w), _ratio(rw, r)


def repeat_rate(episodes: Sequence[Episode]) -> float:
    num = den = 0
    for ep in episodes:
        wrong: set[str] = set()
        for turn in ep:
            fb = turn.get("feedback", {})
            readable = fb.get("valid", False)
            if readable and wrong:
                den += 1
                num += turn.get("answer", "") in wrong
            if readable and not _correct(turn):
                wrong.add(turn.get("answer", ""))
    return _ratio(num, den)


def incorporation_rate(episodes: Sequence[Episode]) -> float:
    num = den = 0
    for ep in episodes:
        earlier: list[Mapping[str, Any]] = []
        for turn in ep:
            fb = turn.get("feedback", {})
            level = fb.get("level", "binary")
            if not fb.get("valid", False):
                continue
            if level == "none":
                return math.nan
            if any(not e.get("correct") for e in earlier):
                den += 1
                parts = tuple(p for p in _parts(fb) if p is not None)
                num += all(agrees(parts, fb.get("kind", "scalar"), e, level) for e in earlier)
            earlier.append(fb)
    return _ratio(num, den)


def _point(episodes: Sequence[Episode], ks: Sequence[int]) -> dict[str, float]:
    out = {f"accuracy@{k}": accuracy_at(episodes, k) for k in ks}
    for k in ks:
        if k != 1:
            out[f"delta@{k}"] = delta(episodes, k)
    out["wrong_to_right"], out["right_to_wrong"] = flip_rates(episodes)
    out["repeat_rate"] = repeat_rate(episodes)
    out["incorporation"] = incorporation_rate(episodes)
    return out


def revision_metrics(episodes: Sequence[Episode], ks: Sequence[int] = (1, 3, 5), *, n_boot: int = 0,
                     confidence: float = 0.95, seed: int = 0) -> dict[str, Any]:
    """Every metric of the module docstring; with ``n_boot > 0`` also ``{name: (low, high)}`` under
    ``"ci"``, from resampling episodes with replacement."""
    out: dict[str, Any] = _point(episodes, ks)
    out["episodes"] = len(episodes)
    if n_boot > 0 and episodes:
        rng = np.random.default_rng(seed)
        samples: dict[str, list[float]] = {k: [] for k in out if k != "episodes"}
        for _ in range(n_boot):
            pick = rng.integers(len(episodes), size=len(episodes))
            point = _point([episodes[i] for i in pick], ks)
            for key, value in point.items():
                samples[key].append(value)
        lo, hi = (1 - confidence) / 2 * 100, (1 + confidence) / 2 * 100
        out["ci"] = {}
        for key, values in samples.items():
            arr = np.array([v for v in values if not math.isnan(v)])
            out["ci"][key] = (float(np.percentile(arr, lo)), float(np.percentile(arr, hi))) if arr.size else (
                math.nan, math.nan)
    return out


def collect(env, agent, episodes: int, *, seed: int = 0) -> list[list[dict[str, Any]]]:
    """Play ``episodes`` episodes of ``agent`` (the :class:`loopgym.agents.Agent` protocol) on ``env``
    with seeds ``seed, seed + 1, ...`` and return their per-turn infos, ready for :func:`revision_metrics`."""
    from loopgym.runner import run_episode

    out: list[list[dict[str, Any]]] = []
    for i in range(episodes):
        turns: list[dict[str, Any]] = []
        run_episode(env, agent, seed=seed + i, on_step=turns.append)
        out.append(turns)
    return out
