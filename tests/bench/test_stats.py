"""The benchmark statistics against values computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from loopgym.bench.stats import aggregate_rows, interval_estimates, iqm, score_matrix, summary_rows


def rec(entry, agent, seed, gold, family="bandits", status="ok", **metrics):
    return {"key": f"{entry}/{agent}/seed={seed}", "entry": entry, "agent": agent, "seed": seed,
            "family": family, "env_id": f"loopgym/{entry}-v0", "suite": "t", "status": status,
            "metrics": {"gold": gold, "success": gold > 0.5, **metrics} if status == "ok" else {},
            "seconds": 1.0}


def test_iqm_by_hand():
    assert iqm([1, 2, 3, 4, 5, 6, 7, 8]) == pytest.approx(4.5)  # mean of 3, 4, 5, 6
    assert iqm([0.1, 0.5, 0.9, 0.2]) == pytest.approx(0.35)  # mean of 0.2, 0.5
    assert iqm([[1, 100], [2, 3]]) == pytest.approx(2.5)  # over all values: mean of 2, 3
    assert iqm([7.0]) == 7.0
    assert math.isnan(iqm([]))


def test_interval_two_runs_one_task_by_hand():
    # resamples of two runs: {0,0}, {0,1}, {1,0}, {1,1} -> IQM 0, 0.5, 0.5, 1; the 2.5th and 97.5th
    # percentiles of thousands of them are 0 and 1
    est = interval_estimates({"a": np.array([[0.0], [1.0]])}, reps=2000)["a"]
    assert (est.point, est.low, est.high, est.n_runs, est.n_tasks) == (0.5, 0.0, 1.0, 2, 1)


def test_interval_degenerate_and_stratified():
    const = interval_estimates({"a": np.full((5, 3), 0.4)})["a"]
    assert (const.point, const.low, const.high) == (0.4, 0.4, 0.4)
    one = interval_estimates({"a": np.array([[0.3, 0.9]])})["a"]
    assert (one.low, one.high) == (one.point, one.point)
    # task 0 is constant, task 1 varies: stratified resampling keeps one value of each task in every
    # resample, so no resample can be all-task-0 values
    m = np.array([[0.0, 1.0], [0.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    est = interval_estimates({"a": m}, reps=1000)["a"]
    assert 0.0 <= est.low <= est.point <= est.high <= 0.5
    with pytest.raises(ValueError, match="nan"):
        interval_estimates({"a": np.array([[np.nan], [1.0]])})


def test_interval_is_reproducible_and_leaves_global_rng_alone():
    m = np.random.default_rng(0).random((6, 3))
    np.random.seed(123)
    before = np.random.random()
    np.random.seed(123)
    first = interval_estimates({"a": m}, reps=300)["a"]
    assert np.random.random() == before  # the caller's global stream is untouched
    assert interval_estimates({"a": m}, reps=300)["a"] == first


def test_summary_rows():
    recs = [rec("E", "x", s, g) for s, g in enumerate([0.1, 0.5, 0.9, 0.2])]
    recs += [rec("E", "x", 4, None, status="failed"), rec("E", "y", 0, 0.4, regret=12.0)]
    rows = {r["agent"]: r for r in summary_rows(recs, reps=200)}
    x = rows["x"]
    assert x["n"] == 4 and x["failed"] == 1 and x["iqm"] == pytest.approx(0.35)
    assert x["mean"] == pytest.approx(0.425) and x["success"] == pytest.approx(0.25)
    assert x["ci_low"] <= 0.35 <= x["ci_high"]
    assert rows["y"]["regret"] == 12.0 and rows["y"]["n"] == 1


def test_score_matrix_keeps_only_seeds_every_entry_finished():
    recs = [rec("A", "x", 0, 0.1), rec("A", "x", 1, 0.2), rec("B", "x", 1, 0.3), rec("B", "x", 2, 0.4),
            rec("C", "x", 0, 0.5, status="failed")]
    m, covered = score_matrix(recs, ["A", "B", "C"], "x")
    assert covered == ["A", "B"] and m.tolist() == [[0.2, 0.3]]


def test_aggregate_rows_by_hand():
    recs = [rec("A", "x", s, g) for s, g in enumerate([0.0, 1.0])]
    recs += [rec("M", "x", s, g, family="math_revision") for s, g in enumerate([0.5, 0.5])]
    rows = {(r["scope"], r["agent"]): r for r in aggregate_rows(recs, reps=500)}
    assert rows[("all", "x")]["iqm"] == pytest.approx(0.5)  # IQM of 0, 1, 0.5, 0.5
    assert rows[("all", "x")]["n_runs"] == 2 and rows[("all", "x")]["n_tasks"] == 2
    assert rows[("math_revision", "x")]["ci_low"] == rows[("math_revision", "x")]["ci_high"] == 0.5
    assert rows[("bandits", "x")]["ci_low"] == 0.0 and rows[("bandits", "x")]["ci_high"] == 1.0
