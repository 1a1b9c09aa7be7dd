"""Continual-learning metrics: what a learner keeps, loses and transfers across a stream of tasks.

Two kinds of input, both 0-indexed in code (the papers' formulas are 1-indexed; each docstring
writes its formula in the 0-based indices of the code):

- The **accuracy matrix** ``R`` of shape ``(T, T)``: ``R[i, j]`` is the accuracy on task ``j``'s
  test set after training on tasks ``0..i`` (evaluated once at the end of each task), and ``b[j]``
  the accuracy on task ``j`` before any training. ACC, BWT, FWT (Lopez-Paz & Ranzato 2017, GEM) and
  forgetting (Chaudhry et al. 2018, RWalk) read it.
- **Continual evaluation** (De Lange, van de Ven & Tuytelaars, ICLR 2023, "Continual evaluation for
  lifelong learning: identifying the stability gap"): ``E`` evaluations taken during training at
  ``steps`` (shape ``(E,)``, non-decreasing stream steps), ``curves[e, j]`` the accuracy on task
  ``j`` at evaluation ``e`` (shape ``(E, T)``), and ``task_starts[k]`` the stream step at which task
  ``k`` begins (shape ``(T,)``, tasks in order, non-decreasing). An evaluation at step ``s`` belongs
  to the task ``k`` with ``task_starts[k] <= s < task_starts[k + 1]`` (the last task runs to the
  end), so an evaluation taken exactly at ``task_starts[k]`` counts as within task ``k``. min-ACC,
  WC-ACC and the stability gap read these.

Undefined values are ``nan``, never an error: metrics over earlier tasks with a single task (BWT,
FWT, forgetting, min-ACC), and quantities whose evaluations do not exist (no evaluation before a
switch, none after a task ended). Malformed input (a non-square ``R``, shapes that disagree,
non-finite values a metric reads, task starts that go backwards) raises ``ValueError`` saying what is
wrong. ``summary`` gathers everything in a flat dict of floats with stable keys.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "SwitchGap",
    "StabilityGap",
    "average_accuracy",
    "backward_transfer",
    "forward_transfer",
    "forgetting",
    "forgetting_per_task",
    "min_acc",
    "min_acc_per_task",
    "wc_acc",
    "wc_acc_per_task",
    "stability_gap",
    "summary",
]


# --------------------------------------------------------------------------------------------------
# input checks


def _matrix(R) -> np.ndarray:
    R = np.asarray(R, dtype=float)
    if R.ndim != 2 or R.shape[0] != R.shape[1]:
        raise ValueError(f"R must be a square (T, T) accuracy matrix, got shape {R.shape}")
    if R.shape[0] == 0:
        raise ValueError("R is empty: need at least one task")
    return R


def _finite(values: np.ndarray, what: str) -> None:
    if not np.all(np.isfinite(values)):
        raise ValueError(f"{what} must be finite, got {values}")


def _mean(values) -> float:
    """Mean of the finite values; nan (without a warning) when there are none."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    return float(x.mean()) if x.size else math.nan


def _evaluations(steps, curves, task_starts) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    curves = np.asarray(curves, dtype=float)
    if curves.ndim != 2 or curves.shape[0] == 0 or curves.shape[1] == 0:
        raise ValueError(f"curves must have shape (E, T) with E, T >= 1, got {curves.shape}")
    n_evals, n_tasks = curves.shape
    steps = np.asarray(steps, dtype=float)
    if steps.shape != (n_evals,):
        raise ValueError(f"steps must have shape ({n_evals},) like curves' rows, got {steps.shape}")
    starts = np.asarray(task_starts, dtype=float)
    if starts.shape != (n_tasks,):
        raise ValueError(
            f"task_starts must have one start per task, shape ({n_tasks},) like curves' columns, "
            f"got {starts.shape}"
        )
    _finite(curves, "curves")
    _finite(steps, "steps")
    _finite(starts, "task_starts")
    if np.any(np.diff(steps) < 0):
        raise ValueError(f"steps must be non-decreasing, got {steps}")
    if np.any(np.diff(starts) < 0):
        raise ValueError(f"task_starts must be non-decreasing (tasks in order), got {starts}")
    return steps, curves, starts


def _task_of_eval(steps: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """For each evaluation, the task it falls in (the last k with task_starts[k] <= step; -1 before
    the first task)."""
    return np.searchsorted(starts, steps, side="right") - 1


# --------------------------------------------------------------------------------------------------
# accuracy matrix metrics


def average_accuracy(R) -> float:
    """ACC, the mean final accuracy over all tasks (Lopez-Paz & Ranzato 2017, GEM)::

        ACC = (1 / T) * sum_{j=0}^{T-1} R[T-1, j]
    """
    R = _matrix(R)
    _finite(R[-1], "the last row of R")
    return float(R[-1].mean())


def backward_transfer(R) -> float:
    """BWT, how training on later tasks changed the accuracy on earlier ones (Lopez-Paz & Ranzato 2017,
    GEM); negative values are forgetting::

        BWT = (1 / (T-1)) * sum_{j=0}^{T-2} (R[T-1, j] - R[j, j])

    ``nan`` for a single task (no earlier task to transfer to).
    """
    R = _matrix(R)
    T = R.shape[0]
    if T < 2:
        return math.nan
    final, learned = R[-1, :-1], np.diag(R)[:-1]
    _finite(final, "the last row of R")
    _finite(learned, "the diagonal of R")
    return float(np.mean(final - learned))


def forward_transfer(R, b) -> float:
    """FWT, how training on earlier tasks helps a task before it is trained on (Lopez-Paz & Ranzato
    2017, GEM); ``b[j]`` is the accuracy on task ``j`` at initialisation::

        FWT = (1 / (T-1)) * sum_{j=1}^{T-1} (R[j-1, j] - b[j])

    ``nan`` for a single task.
    """
    R = _matrix(R)
    T = R.shape[0]
    b = np.asarray(b, dtype=float)
    if b.shape != (T,):
        raise ValueError(f"b must hold one accuracy per task, shape ({T},) like R, got {b.shape}")
    if T < 2:
        return math.nan
    before = np.array([R[j - 1, j] for j in range(1, T)])
    _finite(before, "the superdiagonal of R (R[j-1, j])")
    _finite(b[1:], "b")
    return float(np.mean(before - b[1:]))


def forgetting_per_task(R) -> np.ndarray:
    """Forgetting of each earlier task at the end of training (Chaudhry et al. 2018, "Riemannian Walk
    for Incremental Learning"): the best accuracy it had at any earlier stage minus its final
    accuracy. With ``k = T-1`` the last stage, for ``j = 0..T-2``::

        f[j] = max_{l=0}^{T-2} R[l, j] - R[T-1, j]

    As in the paper the maximum runs over all earlier stages ``l`` (also those before task ``j`` was
    trained, which matters only when a task was better before its own training). Shape ``(T-1,)``
    (empty for a single task). A negative ``f[j]`` means the final accuracy on task ``j`` is above every
    earlier one (backward transfer).
    """
    R = _matrix(R)
    if R.shape[0] < 2:
        return np.zeros(0)
    used = R[:, :-1]
    _finite(used, "R[:, :T-1] (the accuracies on the earlier tasks)")
    return used[:-1].max(axis=0) - used[-1]


def forgetting(R) -> float:
    """Average forgetting at the end of training (Chaudhry et al. 2018, "Riemannian Walk")::

        F = (1 / (T-1)) * sum_{j=0}^{T-2} f[j],   f[j] = max_{l=0}^{T-2} R[l, j] - R[T-1, j]

    (``forgetting_per_task`` returns the ``f[j]``). ``nan`` for a single task.
    """
    f = forgetting_per_task(R)
    return float(f.mean()) if f.size else math.nan


# --------------------------------------------------------------------------------------------------
# continual evaluation (De Lange, van de Ven & Tuytelaars 2023)


def min_acc_per_task(steps, curves, task_starts) -> np.ndarray:
    """min-ACC at the end of training each task (De Lange, van de Ven & Tuytelaars 2023): the average,
    over the tasks already finished, of the worst accuracy each had after its training ended.

    With ``t_k`` the step of the last evaluation within task ``k`` (the last one overall for the last
    task) and ``E_i = {e : task_starts[i+1] <= steps[e] <= t_k}`` the evaluations after task ``i``
    ended, for ``k = 1..T-1``::

        min-ACC[k] = (1 / k) * sum_{i=0}^{k-1} min_{e in E_i} curves[e, i]

    (the paper's ``1/(k-1) sum_{i=1}^{k-1}`` with 1-based ``k``). ``min-ACC[0]`` is ``nan`` (no
    earlier task), as is any ``k`` with no evaluation within task ``k``. Shape ``(T,)``.
    """
    steps, curves, starts = _evaluations(steps, curves, task_starts)
    T = curves.shape[1]
    in_task = _task_of_eval(steps, starts)
    out = np.full(T, math.nan)
    for k in range(1, T):
        within = np.flatnonzero(in_task == k)
        if within.size == 0:
            continue
        t_k = steps[within[-1]]
        worst = []
        for i in range(k):
            after = (steps >= starts[i + 1]) & (steps <= t_k)
            worst.append(curves[after, i].min())  # never empty: the evaluation at t_k is in it
        out[k] = float(np.mean(worst))
    return out


def min_acc(steps, curves, task_starts) -> float:
    """Final min-ACC (De Lange, van de Ven & Tuytelaars 2023): the average over tasks ``i < T-1`` of
    the minimum accuracy of task ``i`` over the evaluations after its training ended::

        min-ACC = (1 / (T-1)) * sum_{i=0}^{T-2} min_{e : steps[e] >= task_starts[i+1]} curves[e, i]

    It is ``min_acc_per_task(...)[-1]``: ``nan`` for a single task, or when no evaluation falls within
    the last task (evaluate at the end of the stream).
    """
    return float(min_acc_per_task(steps, curves, task_starts)[-1])


def wc_acc_per_task(steps, curves, task_starts) -> np.ndarray:
    """Worst-case accuracy WC-ACC at the end of training each task (De Lange, van de Ven & Tuytelaars
    2023): a trade-off between the current task's accuracy and the worst-case accuracy on the earlier
    ones. With ``n = k + 1`` the number of tasks seen (the paper's 1-based ``k``), ``a[k]`` the
    accuracy on task ``k`` at the last evaluation within task ``k`` and ``min-ACC[k]`` from
    ``min_acc_per_task``::

        WC-ACC[k] = (1 / n) * a[k] + (1 - 1/n) * min-ACC[k]

    so ``WC-ACC[0] = a[0]``; ``nan`` for a task with no evaluation within it. Shape ``(T,)``.
    """
    steps, curves, starts = _evaluations(steps, curves, task_starts)
    T = curves.shape[1]
    in_task = _task_of_eval(steps, starts)
    mins = min_acc_per_task(steps, curves, starts)
    out = np.full(T, math.nan)
    for k in range(T):
        within = np.flatnonzero(in_task == k)
        if within.size == 0:
            continue
        current = curves[within[-1], k]
        n = k + 1
        out[k] = current if n == 1 else current / n + (1.0 - 1.0 / n) * mins[k]
    return out


def wc_acc(steps, curves, task_starts) -> float:
    """Final WC-ACC (De Lange, van de Ven & Tuytelaars 2023), with ``a`` the final accuracy on the last
    task (at the last evaluation)::

        WC-ACC = (1 / T) * curves[-1, T-1] + (1 - 1/T) * min-ACC

    It is ``wc_acc_per_task(...)[-1]``; for one task it is ``curves[-1, 0]``.
    """
    return float(wc_acc_per_task(steps, curves, task_starts)[-1])


@dataclass(frozen=True)
class SwitchGap:
    """The stability gap at the switch to task ``task`` (see ``stability_gap``). ``nan`` fields are
    undefined: no evaluation before the switch (``pre``), none within the task (``min``), no
    recovery within the task (``recovery_steps``)."""

    task: int
    start_step: float
    pre: float
    min: float
    min_step: float
    gap: float
    recovery_steps: float


@dataclass(frozen=True)
class StabilityGap:
    """One ``SwitchGap`` per task switch (tasks ``1..T-1``) and their means over the switches where
    they are defined (``nan`` when none is)."""

    switches: list[SwitchGap] = field(default_factory=list)
    mean_gap: float = math.nan
    mean_recovery_steps: float = math.nan
    n_recovered: int = 0


def stability_gap(steps, curves, task_starts, *, tol: float = 0.01) -> StabilityGap:
    """The stability gap (De Lange, van de Ven & Tuytelaars 2023): right after a switch to a new task
    the accuracy on the earlier tasks drops sharply, then partly recovers. For each switch ``k =
    1..T-1``, with ``m[e] = mean_{j<k} curves[e, j]`` the mean accuracy on the earlier tasks and
    ``W = {e : task_starts[k] <= steps[e] < task_starts[k+1]}`` the evaluations within task ``k``
    (up to the end for the last task)::

        pre            = m[p],  p the last evaluation with steps[p] < task_starts[k]
        min            = min_{e in W} m[e]   (first argmin e*)
        gap            = pre - min           (negative: the earlier tasks only improved)
        recovery_steps = steps[r] - task_starts[k],  r the first e in W after e* with m[e] >= pre - tol

    ``recovery_steps`` is 0 when the mean never fell below ``pre - tol`` (``gap <= tol``) and ``nan``
    when it does not come back within the task. ``mean_gap`` and ``mean_recovery_steps`` average the
    switches where the value is defined (so ``mean_recovery_steps`` is over the switches that
    recovered; ``n_recovered`` says how many did). ``tol`` is in accuracy units.
    """
    steps, curves, starts = _evaluations(steps, curves, task_starts)
    if not tol >= 0:
        raise ValueError(f"tol must be >= 0, got {tol}")
    T = curves.shape[1]
    in_task = _task_of_eval(steps, starts)
    switches = []
    for k in range(1, T):
        m = curves[:, :k].mean(axis=1)
        before = np.flatnonzero(steps < starts[k])
        window = np.flatnonzero(in_task == k)
        pre = float(m[before[-1]]) if before.size else math.nan
        low = low_step = gap = recovery = math.nan
        if window.size:
            at = window[int(np.argmin(m[window]))]
            low, low_step = float(m[at]), float(steps[at])
        if window.size and before.size:
            gap = pre - low
            if low >= pre - tol:
                recovery = 0.0
            else:
                back = [e for e in window if e > at and m[e] >= pre - tol]
                recovery = float(steps[back[0]] - starts[k]) if back else math.nan
        switches.append(SwitchGap(k, float(starts[k]), pre, low, low_step, gap, recovery))
    recoveries = [s.recovery_steps for s in switches]
    return StabilityGap(
        switches=switches,
        mean_gap=_mean([s.gap for s in switches]),
        mean_recovery_steps=_mean(recoveries),
        n_recovered=int(np.sum(np.isfinite(recoveries))),
    )


# --------------------------------------------------------------------------------------------------
# everything at once


def summary(R, b=None, steps=None, curves=None, task_starts=None, *, tol: float = 0.01) -> dict[str, float]:
    """All the metrics above as a flat dict of floats (``nan`` where undefined), keys in this order:

    - from ``R``: ``acc`` (ACC), ``bwt`` (BWT), ``forgetting`` (mean forgetting);
    - with ``b``: ``fwt`` (FWT);
    - with ``steps``, ``curves`` and ``task_starts`` (all three or none): ``min_acc``, ``wc_acc``,
      ``stability_gap`` (the mean gap over switches) and ``recovery_steps`` (the mean steps to
      recover, over the switches that recovered), with ``tol`` passed to ``stability_gap``.
    """
    R = _matrix(R)
    out = {"acc": average_accuracy(R), "bwt": backward_transfer(R)}
    if b is not None:
        out["fwt"] = forward_transfer(R, b)
    out["forgetting"] = forgetting(R)
    given = {"steps": steps is not None, "curves": curves is not None, "task_starts": task_starts is not None}
    if any(given.values()):
        missing = [name for name, ok in given.items() if not ok]
        if missing:
            raise ValueError(f"continual evaluation needs steps, curves and task_starts; missing {missing}")
        steps, curves, starts = _evaluations(steps, curves, task_starts)
        if curves.shape[1] != R.shape[0]:
            raise ValueError(f"R has {R.shape[0]} tasks but curves has {curves.shape[1]} (its columns)")
        gap = stability_gap(steps, curves, starts, tol=tol)
        out["min_acc"] = min_acc(steps, curves, starts)
        out["wc_acc"] = wc_acc(steps, curves, starts)
        out["stability_gap"] = gap.mean_gap
        out["recovery_steps"] = gap.mean_recovery_steps
    return out
