"""The bench report: report.md, summary.csv / aggregate.csv and the plots, from synthetic job records."""

from __future__ import annotations

import csv
import math
import zlib

import numpy as np
import pytest

pytest.importorskip("matplotlib")
pytest.importorskip("rliable")

from loopgym.bench import report as rep  # noqa: E402
from loopgym.bench.stats import summary_rows  # noqa: E402

REPS = 200
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
AGENTS = ("thompson", "my_agent.py:MyAgent")
SEEDS = (0, 1, 2)
ENTRIES = {  # entry -> (env id, family, kind)
    "BernoulliBandit": ("loopgym/BernoulliBandit-v0", "bandits", "episodes"),
    "CodeRepair": ("loopgym/CodeRepair-v0", "code_repair", "episodes"),
    "MathRevision": ("loopgym/MathRevision-v0", "math_revision", "episodes"),
    "SplitDigits": ("loopgym/SplitDigits-v0", "streams", "stream"),
}
ERROR = "ZeroDivisionError: division by zero"
SKIP_REASON = "ValueError: MyAgent plays the text view only; SplitDigits has no text view"
META = {
    "suite": "synthetic", "suite_description": "A made-up suite for the tests.", "suite_path": "synthetic.yaml",
    "agents": list(AGENTS), "seeds": list(SEEDS), "executor": "local", "workers": 2, "wall_seconds": 12.5,
    "started": "2026-11-21T10:00:00", "finished": "2026-11-21T10:00:12", "machine": "2 x AMD EPYC",
    "python": "3.11.2", "loopgym_version": "0.1.0",
    "command": "loopgym bench --suite synthetic --agent thompson --agent my_agent.py:MyAgent --seeds 3",
}


def record(entry: str, agent: str, seed: int, status: str = "ok", gold: float | None = None) -> dict:
    """A job record of the spec's shape, with curves for its family."""
    env_id, family, kind = ENTRIES[entry]
    rng = np.random.default_rng([zlib.crc32(f"{entry}/{agent}".encode()), seed])
    r = {"key": f"{entry}/{agent}/seed={seed}", "suite": "synthetic", "entry": entry, "env_id": env_id,
         "family": family, "agent": agent, "agent_name": agent, "seed": seed, "status": status, "error": None,
         "traceback": None, "kind": kind, "metrics": {}, "curves": {}, "seconds": 0.5, "worker": "host:1",
         "finished": "2026-11-21T10:00:05"}
    if status == "failed":
        r["error"] = ERROR
        r["traceback"] = "Traceback (most recent call last):\n" + "".join(
            f'  File "agent.py", line {i}, in step{i}\n    x = y / z\n' for i in range(20)) + ERROR
        return r
    if status == "skipped":
        r["error"] = SKIP_REASON
        return r
    gold = float(rng.uniform(0.2, 0.9)) if gold is None else gold
    m = {"gold": gold, "success": gold, "return": 10 * gold, "episodes": 4}
    t = np.linspace(0, 1000, 50)
    if family == "bandits":
        regret = 40 * np.log1p(t) * (1.5 - gold)
        m.update(regret=float(regret[-1]), score=gold)
        r["curves"] = {"regret": {"t": t.tolist(), "value": regret.tolist()}}
    elif family in ("code_repair", "math_revision"):
        m["attempts"] = 3.0 - gold
        r["curves"] = {"turn_success": [gold * (1 - 0.5**k) for k in range(1, 6)]}
    else:
        acc = gold * (1 - np.exp(-t / 300))
        matrix = np.triu(np.full((3, 3), np.nan), 1) + np.tril(rng.uniform(0.3, 1.0, (3, 3)))
        m.update(acc=gold, bwt=-0.1, forgetting=0.12, online_accuracy=0.6)
        r["curves"] = {"stream_acc": {"t": t.tolist(), "value": acc.tolist()},
                       "accuracy_matrix": [[None if np.isnan(v) else float(v) for v in row] for row in matrix]}
    r["metrics"] = m
    return r


def synthetic_records() -> list[dict]:
    """Every entry x agent x seed; MyAgent fails on CodeRepair seed 1 and is skipped on SplitDigits."""
    out = []
    for entry in ENTRIES:
        for agent in AGENTS:
            for seed in SEEDS:
                status = "ok"
                if agent == AGENTS[1] and entry == "CodeRepair" and seed == 1:
                    status = "failed"
                elif agent == AGENTS[1] and entry == "SplitDigits":
                    status = "skipped"
                out.append(record(entry, agent, seed, status))
    return out


@pytest.fixture(scope="module")
def full_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    records = synthetic_records()
    reference = [
        {"suite": "synthetic", "entry": "BernoulliBandit", "env_id": ENTRIES["BernoulliBandit"][0],
         "family": "bandits", "agent": "baseline", "agent_name": "ucb1", "n": 5, "failed": 0, "skipped": 0,
         "iqm": 0.777, "ci_low": 0.701, "ci_high": 0.845, "mean": 0.77, "success": 0.7, "regret": 123.45},
        {"suite": "synthetic", "entry": "NotInThisRun", "env_id": "x", "family": "bandits", "agent": "random",
         "iqm": 0.1, "ci_low": 0.05, "ci_high": 0.2},
    ]
    # rliable draws its resamples from numpy's global generator (its random_state does not reach them),
    # so the global seed is what makes the intervals comparable with a second summary_rows below
    np.random.seed(0)
    path = rep.write_report(out, records, META, reps=REPS, reference=reference)
    return out, records, path.read_text()


def test_report_tables_and_run_block(full_run):
    out, _, text = full_run
    assert (out / "report.md").is_file()
    assert text.startswith("# loopgym bench: synthetic")
    for needle in ("## Run", "## Overall", "## Per environment", "## Plots", "## Failures", "## Skipped",
                   META["command"], "2 x AMD EPYC", "local, 2 workers", "12.5 s", "0.1.0",
                   "24: 20 ok, 1 failed, 3 skipped", "| agent | all | bandits | code_repair |",
                   "stratified bootstrap", "interquartile mean", "### streams", "| ACC |", "| BWT |"):
        assert needle in text, needle
    for agent in AGENTS:
        assert f"| {agent} |" in text
    # MyAgent covers none of the stream entries: its "all" scope is marked partial
    assert "†" in text


def test_failures_and_skipped(full_run):
    _, _, text = full_run
    failures = text.split("## Failures")[1].split("## Skipped")[0]
    assert "`CodeRepair/my_agent.py:MyAgent/seed=1`" in failures
    assert ERROR in failures
    assert "Traceback" not in failures  # only the last 15 lines are quoted
    assert "in step19" in failures and "in step10" not in failures
    skipped = text.split("## Skipped")[1]
    assert skipped.count(SKIP_REASON) == 1  # one line for the three seeds
    assert "`SplitDigits` / `my_agent.py:MyAgent` (seeds 0, 1, 2)" in skipped


def test_reference_rows(full_run):
    _, _, text = full_run
    assert "*reference: baseline (ucb1)*" in text
    assert "*0.777 [0.701, 0.845]*" in text and "*123.5*" in text
    assert "baselines/results/bench/synthetic.csv" in text
    assert "NotInThisRun" not in text  # references for entries the run did not play stay out


def test_summary_csv_matches_stats(full_run):
    out, records, _ = full_run
    with (out / "summary.csv").open() as f:
        rows = list(csv.DictReader(f))
    np.random.seed(0)  # the same resamples as the report's (see full_run)
    expected = summary_rows(records, reps=REPS)
    assert [(r["entry"], r["agent"]) for r in rows] == [(r["entry"], r["agent"]) for r in expected]
    for got, want in zip(rows, expected, strict=True):
        for key in ("iqm", "ci_low", "ci_high", "mean", "success", "regret", "attempts"):
            if want.get(key) is None:
                assert got.get(key, "") == ""
            else:
                assert float(got[key]) == pytest.approx(want[key], rel=1e-12), key
        assert int(got["n"]) == want["n"] and int(got["failed"]) == want["failed"]
        if want["iqm"] is not None:
            assert float(got["ci_low"]) <= float(got["iqm"]) <= float(got["ci_high"])
    with (out / "aggregate.csv").open() as f:
        scopes = {r["scope"] for r in csv.DictReader(f)}
    assert scopes == {"all", "bandits", "code_repair", "math_revision", "streams"}


def test_pngs(full_run):
    out, _, text = full_run
    names = {p.name for p in (out / "plots").glob("*.png")}
    assert {"aggregate.png", "regret.png", "turns.png", "streams.png",
            "forgetting_SplitDigits_thompson.png"} <= names
    assert not any("MyAgent" in n and "forgetting" in n for n in names)  # it never played a stream
    for name in names:
        data = (out / "plots" / name).read_bytes()
        assert data.startswith(PNG_MAGIC) and len(data) > 1000
        assert f"](plots/{name})" in text


def test_iqm_by_hand(tmp_path):
    records = [record("BernoulliBandit", "thompson", s, gold=g) for s, g in enumerate([0.1, 0.5, 0.9, 0.2])]
    rep.write_report(tmp_path, records, {"suite": "tiny"}, reps=REPS)
    with (tmp_path / "summary.csv").open() as f:
        (row,) = list(csv.DictReader(f))
    assert float(row["iqm"]) == pytest.approx(0.35)  # mean of the middle two, 0.2 and 0.5
    assert float(row["mean"]) == pytest.approx(0.425)
    assert "| BernoulliBandit | thompson | 0.350 [" in (tmp_path / "report.md").read_text()


def test_all_failed_and_empty_runs(tmp_path):
    failed = [record("CodeRepair", "thompson", s, status="failed") for s in SEEDS]
    text = rep.write_report(tmp_path / "failed", failed, META, reps=REPS).read_text()
    assert "No job finished" in text and ERROR in text
    assert "| CodeRepair | thompson | failed |" in text
    empty = rep.write_report(tmp_path / "empty", [], {}, reps=REPS)
    text = empty.read_text()
    assert "No jobs ran" in text and "# loopgym bench: ?" in text
    with (tmp_path / "empty" / "summary.csv").open() as f:
        assert next(csv.reader(f))[:3] == ["suite", "entry", "env_id"]


def test_load_reference(tmp_path, monkeypatch):
    assert rep.load_reference("no-such-suite") is None
    # a stored file parses numbers back and empty cells to None
    path = tmp_path / "results" / "bench" / "mine.csv"
    rep.write_csv(path, [{"suite": "mine", "entry": "E", "agent": "007", "n": 5, "iqm": 0.5, "regret": None}])
    monkeypatch.setattr(rep.importlib.resources, "files", lambda _package: tmp_path)
    (row,) = rep.load_reference("mine")
    assert row == {"suite": "mine", "entry": "E", "agent": "007", "n": 5, "iqm": 0.5, "regret": None}


@pytest.mark.parametrize(("x", "text"), [(0.35, "0.350"), (12.345, "12.3"), (1234.4, "1234"), (-0.1, "-0.100"),
                                          (0.01234, "0.0123"), (None, "—"), (math.nan, "—"), (0, "0")])
def test_fmt(x, text):
    assert rep.fmt(x) == text
