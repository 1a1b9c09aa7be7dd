"""The stored bandit regret table (baselines/results/bandit_regret.*): present, parseable, complete,
and on Bernoulli arms 0.1..0.9 inside the bands the literature leads one to expect."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import pytest

from loopgym.baselines.bandit_regret import COLUMNS, ROWS, applicable
from loopgym.metrics import mean_ci

RESULTS = Path(__file__).resolve().parents[2] / "baselines" / "results"
FIXED = "BernoulliBandit (means 0.1..0.9)"
#: final regret at T = 10^4 on arms 0.1..0.9 (Thompson ~40-70, UCB1 ~330, eps-greedy ~420, EXP3 ~720)
BANDS = {
    "thompson": (30, 90),
    "ucb1": (250, 420),
    "epsilon-greedy": (350, 500),
    "exp3": (500, 950),
    "random": (3800, 4200),
}


@pytest.fixture(scope="module")
def stored():
    with open(RESULTS / "bandit_regret.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    data = json.loads((RESULTS / "bandit_regret.json").read_text())
    md = (RESULTS / "bandit_regret.md").read_text()
    return rows, data, md


def test_full_scale_run(stored):
    _, data, _ = stored
    meta = data["metadata"]
    assert meta["horizon"] == 10_000 and meta["seeds"] == 20
    for key in ("command", "date", "machine", "wall_clock_s", "loopgym_version"):
        assert meta[key], key
    assert {"platform", "cpu", "nproc"} <= set(meta["machine"])
    assert meta["command"].startswith("python -m loopgym.baselines.bandit_regret")


def test_every_variant_and_applicable_policy_is_covered(stored):
    rows, data, _ = stored
    expected = {(r.label, p) for r in ROWS for p in applicable(r)}
    assert {(r["variant"], r["policy"]) for r in rows} == expected
    assert len(rows) == len(expected)  # one row each
    assert {(c["variant"], c["policy"]) for c in data["cells"]} == expected


def test_csv_agrees_with_the_raw_values(stored):
    rows, data, _ = stored
    raw = {(c["variant"], c["policy"]): c for c in data["cells"]}
    for r in rows:
        cell = raw[(r["variant"], r["policy"])]
        assert int(r["n"]) == len(cell["regret"]) == 20 and cell["seeds"] == list(range(20))
        mean, ci = mean_ci(cell["regret"])
        assert math.isclose(float(r["mean"]), mean, abs_tol=1e-3)
        assert math.isclose(float(r["ci95"]), ci, abs_tol=1e-3)
        assert float(r["seconds"]) > 0 and all(x >= 0 for x in cell["regret"])


def test_markdown_table_has_every_row_and_column(stored):
    _, _, md = stored
    assert "Reproduce: `python -m loopgym.baselines.bandit_regret" in md
    table = [line for line in md.splitlines() if line.startswith("|")]
    header = [h.strip() for h in table[0].strip("|").split("|")]
    assert header == ["variant", *COLUMNS.values()]
    body = {cells[0]: cells[1:] for cells in ([c.strip() for c in line.strip("|").split("|")] for line in table[2:])}
    assert list(body) == [r.label for r in ROWS]
    for row in ROWS:
        for policy, text in zip(COLUMNS, body[row.label], strict=True):
            assert (text == "—") == (policy not in applicable(row)), (row.label, policy, text)
            if text != "—":
                mean, _, ci = text.partition(" ± ")
                float(mean), float(ci)


def test_bernoulli_point1_to_point9_sits_in_the_expected_bands(stored):
    rows, _, _ = stored
    means = {r["policy"]: float(r["mean"]) for r in rows if r["variant"] == FIXED}
    for policy, (low, high) in BANDS.items():
        assert low <= means[policy] <= high, (policy, means[policy], (low, high))
    order = ["thompson", "ucb1", "epsilon-greedy", "exp3", "random"]
    assert [means[p] for p in order] == sorted(means[p] for p in order), means
