"""The statistics of a benchmark: interquartile means with stratified bootstrap intervals.

Every job scores in ``[0, 1]`` (``metrics["gold"]``: the hidden score, never the training reward). An
environment's score for an agent is the IQM over its seeds; a family's (and the suite's) is the IQM over
the ``runs x tasks`` matrix of its environments, with a 95% percentile interval from rliable's
stratified bootstrap: runs are resampled within each task, so an environment with a spread-out score
cannot borrow certainty from a tight one (Agarwal et al., 2021, "Deep RL at the Edge of the Statistical
Precipice"). The interquartile mean drops the best and worst quarter of the runs: sturdier than the mean
against an outlier seed, far less noisy than the median on few seeds.

rliable is imported when an interval is first asked for (it pulls pandas and arch); :func:`iqm` alone
needs only scipy.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

#: bootstrap resamples per interval; 2000 keep the 2.5/97.5 percentiles stable to about 0.005
DEFAULT_REPS = 2000

#: per-family extras a summary row carries (a mean over seeds, where the jobs report them)
EXTRA_METRICS = ("return", "regret", "score", "attempts", "acc", "bwt", "forgetting", "online_accuracy")


@dataclasses.dataclass(frozen=True)
class Estimate:
    """An IQM and its 95% interval over a ``runs x tasks`` matrix."""

    point: float
    low: float
    high: float
    n_runs: int
    n_tasks: int


def iqm(values: Iterable[float] | np.ndarray) -> float:
    """Interquartile mean (the 25% trimmed mean) of all values, flattened; nan when there are none."""
    from scipy.stats import trim_mean

    arr = np.asarray(values, dtype=float).ravel()
    if arr.size == 0:
        return math.nan
    return float(trim_mean(arr, proportiontocut=0.25))


def interval_estimates(scores: Mapping[str, np.ndarray], reps: int = DEFAULT_REPS,
                       seed: int = 0) -> dict[str, Estimate]:
    """IQM and 95% stratified bootstrap interval for each ``scores[name]`` (a ``runs x tasks`` matrix
    without nan). ``seed`` fixes the resampling, so a report is the same every time it is drawn."""
    from rliable import library as rly
    from rliable import metrics as rm

    out: dict[str, Estimate] = {}
    for name, matrix in scores.items():
        m = np.asarray(matrix, dtype=float)
        if m.ndim == 1:
            m = m[:, None]
        if m.size == 0:
            out[name] = Estimate(math.nan, math.nan, math.nan, 0, 0)
            continue
        if np.isnan(m).any():
            raise ValueError(f"scores for {name!r} hold nan; drop the missing runs first")
        if m.shape[0] == 1 or np.all(m == m.flat[0]):
            # nothing to resample (one run), or every resample gives the same value
            point = iqm(m)
            out[name] = Estimate(point, point, point, m.shape[0], m.shape[1])
            continue
        # rliable's stratified bootstrap draws its strata resamples from numpy's global generator
        # whatever random_state it is given: seed that, and give the caller's state back afterwards
        state = np.random.get_state()
        try:
            np.random.seed(seed)
            with warnings.catch_warnings():
                # arch (under rliable) warns that its random_state argument will change
                warnings.simplefilter("ignore", FutureWarning)
                points, cis = rly.get_interval_estimates(
                    {name: m}, lambda x: np.array([rm.aggregate_iqm(x)]), reps=reps,
                    random_state=np.random.RandomState(seed),
                )
        finally:
            np.random.set_state(state)
        out[name] = Estimate(float(points[name][0]), float(cis[name][0, 0]), float(cis[name][1, 0]),
                             m.shape[0], m.shape[1])
    return out


def ok_records(records: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return [r for r in records if r.get("status") == "ok"]


def _mean(values: list[Any]) -> float | None:
    vals = [float(v) for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
    return float(np.mean(vals)) if vals else None


def summary_rows(records: Iterable[Mapping[str, Any]], reps: int = DEFAULT_REPS) -> list[dict[str, Any]]:
    """One row per (entry, agent), in the order first seen: the IQM of ``gold`` over seeds with its
    interval, the plain mean, the success rate, and the family's extras (:data:`EXTRA_METRICS`)."""
    records = list(records)
    groups: dict[tuple[str, str], list[Mapping[str, Any]]] = defaultdict(list)
    for r in records:
        groups[(r["entry"], r["agent"])].append(r)
    rows = []
    for (entry, agent), recs in groups.items():
        ok = sorted(ok_records(recs), key=lambda r: r["seed"])
        failed = sum(r.get("status") == "failed" for r in recs)
        skipped = sum(r.get("status") == "skipped" for r in recs)
        first = recs[0]
        row: dict[str, Any] = {
            "suite": first.get("suite"), "entry": entry, "env_id": first.get("env_id"),
            "family": first.get("family"), "agent": agent,
            "agent_name": ok[0].get("agent_name", agent) if ok else first.get("agent_name", agent),
            "n": len(ok), "failed": failed, "skipped": skipped,
        }
        gold = np.array([r["metrics"]["gold"] for r in ok], dtype=float)
        est = interval_estimates({agent: gold[:, None]}, reps=reps)[agent] if len(gold) else None
        row.update(
            iqm=est.point if est else None, ci_low=est.low if est else None,
            ci_high=est.high if est else None, mean=float(gold.mean()) if len(gold) else None,
            success=_mean([r["metrics"].get("success") for r in ok]),
        )
        for key in EXTRA_METRICS:
            value = _mean([r["metrics"].get(key) for r in ok])
            if value is not None:
                row[key] = value
        row["seconds"] = float(sum(r.get("seconds", 0.0) for r in recs))
        rows.append(row)
    return rows


def score_matrix(records: Iterable[Mapping[str, Any]], entries: list[str], agent: str
                 ) -> tuple[np.ndarray, list[str]]:
    """The ``runs x tasks`` matrix of ``gold`` for ``agent`` over ``entries``: the seeds every one of
    those entries finished (a seed missing anywhere is dropped, so the strata stay aligned), and the
    entries that have any finished seed. Returns the matrix and the entries it covers."""
    by_entry: dict[str, dict[int, float]] = defaultdict(dict)
    for r in ok_records(records):
        if r["agent"] == agent and r["entry"] in entries:
            by_entry[r["entry"]][int(r["seed"])] = float(r["metrics"]["gold"])
    covered = [e for e in entries if by_entry.get(e)]
    if not covered:
        return np.zeros((0, 0)), []
    seeds = sorted(set.intersection(*(set(by_entry[e]) for e in covered)))
    return np.array([[by_entry[e][s] for e in covered] for s in seeds], dtype=float).reshape(
        len(seeds), len(covered)), covered


def aggregate_rows(records: Iterable[Mapping[str, Any]], reps: int = DEFAULT_REPS) -> list[dict[str, Any]]:
    """One row per (scope, agent), scope ``"all"`` first and then each family: IQM over the scope's
    ``runs x tasks`` matrix (:func:`score_matrix`) with its stratified bootstrap interval."""
    records = list(records)
    ok = ok_records(records)
    agents = list(dict.fromkeys(r["agent"] for r in records))
    families: dict[str, list[str]] = defaultdict(list)
    for r in records:
        if r["entry"] not in families[r["family"]]:
            families[r["family"]].append(r["entry"])
    scopes = {"all": [e for entries in families.values() for e in entries], **families}
    rows = []
    for scope, entries in scopes.items():
        for agent in agents:
            matrix, covered = score_matrix(ok, entries, agent)
            if matrix.size == 0:
                continue
            est = interval_estimates({agent: matrix}, reps=reps)[agent]
            rows.append({
                "scope": scope, "agent": agent, "iqm": est.point, "ci_low": est.low, "ci_high": est.high,
                "n_runs": est.n_runs, "n_tasks": est.n_tasks, "tasks_in_scope": len(entries),
            })
    return rows
