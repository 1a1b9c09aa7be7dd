"""Code repair's metrics: pass@k over samples, and the solve rate per turn of the feedback loop.

- ``pass_at_k(n, c, k)``: the unbiased estimator ``1 - C(n - c, k) / C(n, k)`` of the chance that at
  least one of ``k`` attempts drawn from ``n`` (of which ``c`` solve) solves the task.
- ``solved_by_turn(first_success, max_attempts)``: for t = 1..max_attempts, the fraction of episodes
  solved within t attempts (``first_success`` holds, per episode, the attempt that first succeeded,
  or None) — the "pass@k per turn" curve of an iterative agent.
"""

from __future__ import annotations

from collections.abc import Iterable
from math import comb

import numpy as np


def pass_at_k(n: int, c: int, k: int) -> float:
    if not 0 <= c <= n or not 1 <= k <= n:
        raise ValueError(f"need 0 <= c <= n and 1 <= k <= n, got n={n}, c={c}, k={k}")
    if n - c < k:
        return 1.0
    return 1.0 - comb(n - c, k) / comb(n, k)


def solved_by_turn(first_success: Iterable[int | None], max_attempts: int) -> np.ndarray:
    firsts = list(first_success)
    if not firsts:
        raise ValueError("no episodes")
    out = np.zeros(max_attempts)
    for f in firsts:
        if f is not None:
            if not 1 <= f <= max_attempts:
                raise ValueError(f"first success at attempt {f} is outside 1..{max_attempts}")
            out[f - 1 :] += 1
    return out / len(firsts)
