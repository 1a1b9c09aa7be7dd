"""The stored continual-learning reference table (baselines/results/replay_table.*): present, complete,
made at full scale with the pinned configs, and showing the ordering the literature leads one to
expect (the issue's targets, with the margins our one-pass learners actually reach)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from loopgym.baselines.replay import load_config
from loopgym.baselines.replay_table import METHODS, STREAMS

RESULTS = Path(__file__).resolve().parents[2] / "baselines" / "results"


@pytest.fixture(scope="module")
def stored():
    data = json.loads((RESULTS / "replay_table.json").read_text())
    with open(RESULTS / "replay_table.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    acc = {(c["stream"], c["method"]): c["metrics"]["acc"]["mean"] for c in data["cells"]}
    return data, rows, acc


def test_full_scale_and_reproducible(stored):
    data, _, _ = stored
    meta = data["metadata"]
    assert meta["seeds"] >= 5
    assert meta["command"].startswith("python -m loopgym.baselines.replay_table")
    for key in ("date", "machine", "wall_clock_s", "torch_version", "loopgym_version"):
        assert meta[key], key
    # the whole table must stay inside the budget of 15 minutes on 2 cores
    assert meta["wall_clock_s"] < 15 * 60


def test_every_stream_and_method_is_covered_with_its_pinned_config(stored):
    data, rows, _ = stored
    cells = {(c["stream"], c["method"]): c for c in data["cells"]}
    assert set(cells) == {(s.key, m) for s in STREAMS for m in METHODS}
    for s in STREAMS:
        for m in METHODS:
            c = cells[(s.key, m)]
            assert c["n"] >= 5 and len(c["metrics"]["acc"]["values"]) == c["n"]
            # the configs in the repository are the ones the table was made with
            assert c["config"] == load_config(m, s.dataset), (s.key, m)
    assert {(r["stream"], r["method"]) for r in rows if r["metric"] == "acc"} == set(cells)
    md = (RESULTS / "replay_table.md").read_text()
    assert all(s.label in md for s in STREAMS) and "Reproduce:" in md


def test_class_incremental_split_digits_ordering(stored):
    _, _, acc = stored
    key = "split-digits-class"
    # naive and EWC keep only the last task (~20%); replay with 200 samples keeps most of it
    assert acc[(key, "naive")] < 0.25 and acc[(key, "ewc")] < 0.3
    assert acc[(key, "er")] > 0.88 and acc[(key, "derpp")] > 0.9
    assert acc[(key, "er")] - acc[(key, "naive")] > 0.6
    assert acc[(key, "joint")] >= acc[(key, "er")] >= acc[(key, "naive")]


def test_permuted_digits_ordering(stored):
    _, _, acc = stored
    key = "permuted-digits"
    assert 0.45 < acc[(key, "naive")] < 0.7
    assert acc[(key, "naive")] + 0.1 < acc[(key, "ewc")] < acc[(key, "er")]
    assert acc[(key, "joint")] >= acc[(key, "er")] > 0.8


def test_task_incremental_is_easy_for_everyone(stored):
    _, _, acc = stored
    for m in METHODS:
        assert acc[("split-digits-task", m)] > 0.95, m


def test_plots_are_stored():
    for name in ("naive", "ER", "DERpp"):
        for kind in ("matrix", "curves"):
            png = RESULTS / "plots" / f"{name}_SplitDigits-v0_{kind}.png"
            assert png.stat().st_size > 5_000, png
