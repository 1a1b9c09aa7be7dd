"""loopgym bench end to end: results survive a kill -9, --resume repeats nothing, bad input is named,
failing agents fail only their own jobs, and Ray gives the local executor's numbers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from loopgym.bench import BenchError, ResultStore, load_suite, run_bench
from loopgym.bench.run import plan
from loopgym.cli import main

TINY = """
name: tiny
seeds: 2
envs:
  - {id: BernoulliBandit-v0, kwargs: {horizon: 200}, baseline: thompson}
  - {id: DuelingBandit-v0, kwargs: {horizon: 200}, baseline: copeland-ucb}
  - {id: StepRevision-v0, episodes: 3, baseline: step-repair}
"""

BROKEN_AGENT = '''
from loopgym.agents import RandomAgent

class Explodes(RandomAgent):
    """Plays bandits; crashes on its third step."""
    def reset(self, env, *, seed=None):
        super().reset(env, seed=seed)
        self.t = 0
    def act(self, observation):
        self.t += 1
        if self.t == 3:
            raise ZeroDivisionError("my agent divided by zero")
        return super().act(observation)
'''


@pytest.fixture
def tiny(tmp_path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(textwrap.dedent(TINY))
    return path


def keys(records):
    return sorted(r["key"] for r in records)


def test_run_writes_every_job_and_a_report(tiny, tmp_path):
    out = tmp_path / "run"
    result = run_bench(tiny, ["baseline", "random"], out=out, workers=2, progress=False, reps=200)
    expected = keys({"key": j.key} for j in plan(load_suite(tiny), ["baseline", "random"], [0, 1]))
    assert keys(result.records) == expected and result.ran == len(expected) == 12
    assert result.counts == {"ok": 12}
    for name in ("report.md", "summary.csv", "aggregate.csv", "run.json", "plots/regret.png"):
        assert (out / name).stat().st_size > 0, name
    text = (out / "report.md").read_text()
    assert "BernoulliBandit" in text and "thompson" in text
    base = {r["entry"]: r for r in result.records if r["agent"] == "baseline" and r["seed"] == 0}
    assert base["DuelingBandit"]["agent_name"] == "copeland-ucb"
    assert base["BernoulliBandit"]["metrics"]["regret"] > 0 and "regret" in base["BernoulliBandit"]["curves"]
    assert base["StepRevision"]["curves"]["turn_success"][-1] == base["StepRevision"]["metrics"]["success"]
    # the same jobs again give the same numbers: seeds decide everything
    again = run_bench(tiny, ["baseline", "random"], out=tmp_path / "again", workers=1, progress=False,
                      report=False)
    metrics = {r["key"]: r["metrics"] for r in result.records}
    assert all(metrics[r["key"]] == r["metrics"] for r in again.records)


def test_resume_after_kill_loses_nothing_and_repeats_nothing(tiny, tmp_path):
    # a run whose jobs take a while, killed with SIGKILL once some jobs are written
    slow = tmp_path / "slow.yaml"
    slow.write_text(tiny.read_text().replace("horizon: 200", "horizon: 20000").replace("seeds: 2", "seeds: 4"))
    out = tmp_path / "run"
    proc = subprocess.Popen(
        [sys.executable, "-m", "loopgym.cli", "bench", "--suite", str(slow), "--out", str(out),
         "--agent", "baseline", "--workers", "2", "--quiet"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    results = out / "results.jsonl"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if results.exists() and results.read_bytes().count(b"\n") >= 3:
            break
        assert proc.poll() is None, "the run ended before it could be killed"
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the CLI and its workers, mid-job
    proc.wait()
    first = ResultStore(out).all_records()
    assert 3 <= len(first) < 12, len(first)
    before = results.read_bytes()

    # a torn line, as a crash of the machine mid-write would leave
    with open(results, "ab") as fh:
        fh.write(b'{"key": "BernoulliBandit/baseline/seed=3", "status": "o')
    result = run_bench(slow, ["baseline"], out=out, resume=True, workers=2, progress=False, reps=200)
    records = ResultStore(out).all_records()
    assert results.read_bytes().startswith(before)  # what was written before the kill is intact
    assert keys(records) == keys(result.records) and len(records) == 12  # every job once: no loss, no repeat
    assert result.ran == 12 - len(first) and result.already == len(first)
    manifest = json.loads((out / "run.json").read_text())
    assert len(manifest["runs"]) == 2

    # resuming a finished run runs nothing
    assert run_bench(slow, ["baseline"], out=out, resume=True, progress=False, report=False).ran == 0


def test_failing_agent_fails_its_jobs_and_the_run_goes_on(tiny, tmp_path, monkeypatch):
    agent = tmp_path / "my_agent.py"
    agent.write_text(BROKEN_AGENT)
    monkeypatch.chdir(tmp_path)
    result = run_bench(tiny, ["my_agent.py:Explodes", "random"], out=tmp_path / "run", workers=2,
                       progress=False, reps=200)
    by_status = {}
    for r in result.records:
        by_status.setdefault((r["agent"], r["status"]), []).append(r)
    failed = by_status[("my_agent.py:Explodes", "failed")]
    assert len(failed) == 6  # RandomAgent plays every env, so Explodes reaches its third step everywhere
    assert all("ZeroDivisionError: my agent divided by zero" == r["error"] for r in failed)
    assert all("my_agent.py" in r["traceback"] and "act" in r["traceback"] for r in failed)
    assert len(by_status[("random", "ok")]) == 6
    assert "my agent divided by zero" in (tmp_path / "run" / "report.md").read_text()
    # a failed job runs again on --resume (finished ones do not)
    again = run_bench(tiny, ["my_agent.py:Explodes", "random"], out=tmp_path / "run", resume=True,
                      progress=False, report=False)
    assert again.ran == 6 and again.already == 6


def test_skipped_when_the_agent_does_not_play_the_env(tiny, tmp_path):
    result = run_bench(tiny, ["thompson"], out=tmp_path / "run", progress=False, reps=200)
    status = {r["entry"]: r["status"] for r in result.records}
    assert status == {"BernoulliBandit": "ok", "DuelingBandit": "skipped", "StepRevision": "skipped"}
    skipped = next(r for r in result.records if r["entry"] == "DuelingBandit")
    assert "RUCB or CopelandUCB" in skipped["error"]
    assert "Skipped" in (tmp_path / "run" / "report.md").read_text()


@pytest.mark.parametrize("agents, words", [
    (["no_such_module:Agent"], "does not import"),
    (["missing_file.py:Agent"], "does not exist"),
    (["thompsn"], "unknown agent 'thompsn'"),
    (["epsilon-greedy(epsilon=0.1, nope=2)"], "unexpected keyword argument 'nope'"),
    (["replay:magic"], "unknown replay method 'magic'"),
    (["random", "random"], "named twice"),
])
def test_bad_agent_is_refused_before_any_job(tiny, tmp_path, agents, words):
    with pytest.raises(BenchError, match=words.replace("(", r"\(")):
        run_bench(tiny, agents, out=tmp_path / "run", progress=False)
    assert not (tmp_path / "run" / "results.jsonl").exists()


def test_output_folder_checks(tiny, tmp_path):
    out = tmp_path / "run"
    run_bench(tiny, ["random"], seeds=1, out=out, progress=False, report=False)
    with pytest.raises(BenchError, match="already holds 3 job results.*--resume"):
        run_bench(tiny, ["random"], seeds=1, out=out, progress=False)
    other = tmp_path / "other.yaml"
    other.write_text(tiny.read_text().replace("name: tiny", "name: other"))
    with pytest.raises(BenchError, match="holds results of suite 'tiny'"):
        run_bench(other, ["random"], out=out, resume=True, progress=False)
    changed = tmp_path / "changed.yaml"
    changed.write_text(tiny.read_text().replace("horizon: 200", "horizon: 300"))
    with pytest.raises(BenchError, match="different version of suite 'tiny'"):
        run_bench(changed, ["random"], out=out, resume=True, progress=False)
    stray = tmp_path / "stray"
    stray.mkdir()
    (stray / "notes.txt").write_text("mine")
    with pytest.raises(BenchError, match="not empty and holds no loopgym run"):
        run_bench(tiny, ["random"], out=stray, progress=False)
    # more seeds and another agent extend a finished run
    more = run_bench(tiny, ["random", "baseline"], seeds=2, out=out, resume=True, progress=False, report=False)
    assert more.ran == 12 - 3 and more.already == 3


def test_cli_bench_and_report(tiny, tmp_path, capsys):
    out = tmp_path / "run"
    code = main(["bench", "--suite", str(tiny), "--agent", "baseline", "--seeds", "1", "--out", str(out),
                 "--quiet", "--reps", "200"])
    printed = capsys.readouterr().out
    assert code == 0 and "BernoulliBandit" in printed and "report" in printed
    (out / "report.md").unlink()
    assert main(["report", str(out), "--reps", "200"]) == 0 and (out / "report.md").exists()
    assert main(["bench", "--suite", "no-such-suite", "--out", str(tmp_path / "x")]) == 2
    assert "unknown suite 'no-such-suite'" in capsys.readouterr().err
    assert main(["bench", "--suite", str(tiny), "--agent", "nope:Nope", "--out", str(tmp_path / "y")]) == 2
    assert main(["report", str(tmp_path / "nothing-here")]) == 2


def test_ray_executor_matches_local(tiny, tmp_path, monkeypatch):
    pytest.importorskip("ray")
    # a policy in a file named relative to the working folder, which Ray's workers do not share
    (tmp_path / "policy.py").write_text("def arm_zero(observation):\n    return 0\n")
    monkeypatch.chdir(tmp_path)
    agents = ["baseline", "policy.py:arm_zero"]
    local = run_bench(tiny, agents, out=tmp_path / "local", workers=2, progress=False, report=False)
    ray_run = run_bench(tiny, agents, out=tmp_path / "ray", executor="ray", workers=2, progress=False,
                        reps=200)
    # arm_zero fails on DuelingBandit (whose action is a pair of arms) and plays the rest
    assert ray_run.counts == local.counts == {"ok": 10, "failed": 2}, ray_run.counts
    assert (tmp_path / "ray" / "report.md").exists()
    metrics = {r["key"]: r["metrics"] for r in local.records}
    assert {r["key"]: r["metrics"] for r in ray_run.records} == metrics


def test_job_timeout_fails_a_stuck_agent_and_the_run_goes_on(tiny, tmp_path, monkeypatch):
    (tmp_path / "stuck.py").write_text(
        "from loopgym.agents import RandomAgent\n\n"
        "class Stuck(RandomAgent):\n"
        "    def act(self, observation):\n"
        "        while True:\n"
        "            pass\n"
    )
    monkeypatch.chdir(tmp_path)
    start = time.monotonic()
    result = run_bench(tiny, ["stuck.py:Stuck", "random"], seeds=1, out=tmp_path / "run", workers=2,
                       job_timeout=0.5, progress=False, report=False)
    assert time.monotonic() - start < 30
    stuck = [r for r in result.records if r["agent"] == "stuck.py:Stuck"]
    assert len(stuck) == 3 and all(r["status"] == "failed" and "0.5 s" in r["error"] for r in stuck)
    assert all(r["status"] == "ok" for r in result.records if r["agent"] == "random")
    with pytest.raises(BenchError, match="job_timeout=0"):
        run_bench(tiny, ["random"], out=tmp_path / "x", job_timeout=0, progress=False)
