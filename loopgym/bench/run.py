"""``loopgym bench``: agents x suite entries x seeds, in parallel, resumable, ending in a report.

    from loopgym.bench import run_bench
    result = run_bench("quick", ["baseline", "my_agent.py:MyAgent"], seeds=3, out="runs/quick")
    print(result.report)          # runs/quick/report.md

The plan is every (entry, agent, seed); jobs already finished in ``out`` (``--resume``) are left out,
the rest run on the chosen executor, and each record is written the moment it arrives (see
:mod:`loopgym.bench.store`). The report is drawn from everything in ``out`` at the end, and again by
``loopgym report OUT`` whenever asked.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import platform
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import loopgym
from loopgym.bench.executors import EXECUTORS, RayExecutor, run_local
from loopgym.bench.jobs import Job, job_key
from loopgym.bench.specs import AgentSpecError, absolute_spec, check_spec, resolve_baseline
from loopgym.bench.store import ResultStore, StoreError
from loopgym.bench.suite import Suite, SuiteError, load_suite


class BenchError(ValueError):
    """Input a benchmark cannot start with; the message says which and what to do."""


@dataclasses.dataclass
class BenchResult:
    out: Path
    report: Path | None
    records: list[dict[str, Any]]
    ran: int  # jobs run this time
    already: int  # jobs found finished in ``out`` and not repeated
    counts: dict[str, int]  # latest status of every job in ``out``: ok / failed / skipped
    wall_seconds: float
    interrupted: bool = False


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def machine() -> str:
    return f"{os.cpu_count()} x {cpu_model()}, {platform.system()} {platform.machine()}"


def plan(suite: Suite, agents: Sequence[str], seeds: Sequence[int], *, threads: int = 0,
         timeout_s: float = 0.0) -> list[Job]:
    """Every job of the benchmark, agents checked first (a spec that does not import stops it here)."""
    jobs = []
    for spec in agents:
        try:
            check_spec(spec)
        except AgentSpecError as err:
            raise BenchError(str(err)) from None
        except ImportError as err:
            raise BenchError(f"agent {spec!r} needs a package that is not installed ({err}); "
                             'pip install "loopgym[baselines]" brings torch, SB3 and sb3-contrib') from None
    checked: dict[str, str] = {}
    for entry in suite.entries:
        for spec in agents:
            try:
                runs = resolve_baseline(spec, entry.baseline, entry.name)
            except LookupError:
                runs = "baseline"  # its jobs are recorded as skipped: the entry has no reference agent
            if runs != spec and runs not in checked:
                try:
                    check_spec(runs)
                except (AgentSpecError, ImportError) as err:
                    raise BenchError(f"{suite.path}:{entry.line}: baseline {runs!r}: {err}") from None
                checked[runs] = runs
            for seed in seeds:
                jobs.append(Job(
                    key=job_key(entry.name, spec, seed), suite=suite.name, entry=entry.name,
                    env_id=entry.env_id, family=entry.family, kwargs=entry.kwargs, episodes=entry.episodes,
                    view=entry.view, agent=spec, agent_spec=absolute_spec(runs), seed=seed, threads=threads,
                    timeout_s=timeout_s, sys_path=(os.getcwd(),), agent_name=runs,
                ))
    return jobs


def expected_seconds(suite: Suite) -> dict[str, float]:
    """Seconds per job of each entry in the stored reference run (for ordering jobs longest first)."""
    from loopgym.bench.report import load_reference

    out: dict[str, list[float]] = {}
    for row in load_reference(suite.name) or []:
        n = (row.get("n") or 0) + (row.get("failed") or 0)
        if n and row.get("seconds") is not None:
            out.setdefault(row["entry"], []).append(float(row["seconds"]) / n)
    return {k: max(v) for k, v in out.items()}


def in_suite_order(records: list[dict[str, Any]], suite: Suite | None, agents: Sequence[str] = ()
                   ) -> list[dict[str, Any]]:
    """Records sorted as the suite lists its entries, then by agent (as given) and seed, so tables
    read in the suite's order rather than the order jobs happened to finish."""
    entries = {e.name: i for i, e in enumerate(suite.entries)} if suite is not None else {}
    agent_order = {a: i for i, a in enumerate(agents)}
    return sorted(records, key=lambda r: (entries.get(r["entry"], len(entries)),
                                          agent_order.get(r["agent"], len(agent_order)), r["agent"], r["seed"]))


def default_out(suite: str) -> Path:
    return Path("loopgym-runs") / f"{suite}-{dt.datetime.now():%Y%m%d-%H%M%S}"


def run_bench(
    suite: str | Path | Suite,
    agents: Sequence[str] = ("baseline",),
    *,
    seeds: int | Sequence[int] | None = None,
    out: str | Path | None = None,
    executor: str = "local",
    workers: int | None = None,
    address: str | None = None,
    resume: bool = False,
    job_timeout: float | None = None,
    progress: bool = True,
    reps: int = 2000,
    report: bool = True,
    command: str | None = None,
    console: Any = None,
) -> BenchResult:
    """Run the benchmark and write its report; see the module docstring."""
    from rich.console import Console

    console = console or Console()
    if executor not in EXECUTORS:
        raise BenchError(f"executor={executor!r} is not allowed: one of {', '.join(EXECUTORS)}")
    if workers is not None and workers < 1:
        raise BenchError(f"workers={workers} is not allowed: it must be at least 1")
    if job_timeout is not None and job_timeout <= 0:
        raise BenchError(f"job_timeout={job_timeout} is not allowed: give a number of seconds > 0, or none")
    if not agents:
        raise BenchError("no agent given: name at least one (--agent baseline plays each entry's reference)")
    if len(set(agents)) != len(agents):
        raise BenchError(f"an agent is named twice in {list(agents)}")
    start = time.perf_counter()
    # Ray starts its processes and warms its workers while the suite below is checked
    with RayExecutor(workers, address) if executor == "ray" else contextlib.nullcontext() as ray_executor:
        try:
            s = suite if isinstance(suite, Suite) else load_suite(suite)
        except SuiteError as err:
            raise BenchError(str(err)) from None
        seeds = s.seeds if seeds is None else seeds
        seed_list = list(range(seeds)) if isinstance(seeds, int) else [int(x) for x in seeds]
        if not seed_list:
            raise BenchError("seeds must hold at least one seed")
        out = Path(out) if out is not None else default_out(s.name)
        try:
            store = ResultStore.open(out, s, resume=resume)
        except StoreError as err:
            raise BenchError(str(err)) from None

        cores = os.cpu_count() or 1
        n_workers = workers or cores
        jobs = plan(s, agents, seed_list, threads=max(1, cores // n_workers), timeout_s=job_timeout or 0.0)
        done = store.done_keys()
        pending = [j for j in jobs if j.key not in done]
        cost = expected_seconds(s)
        pending.sort(key=lambda j: -cost.get(j.entry, 0.0))  # stable: plan order among equals

        meta = _manifest(store, s, agents, seed_list, executor, n_workers, command)
        store.write_manifest(meta)
        if executor == "local":
            start = time.perf_counter()  # (Ray's clock started with Ray, which started first)
        ran, interrupted = 0, False
        counts: Counter[str] = Counter()
        try:
            if executor == "local":  # the pool forks now, before the progress bar's thread exists
                stream = run_local(pending, min(n_workers, max(len(pending), 1)))
            else:
                stream = ray_executor.run(pending)
            with store, _progress(progress, console, len(jobs), len(jobs) - len(pending), s.name) as bar:
                for record in stream:
                    store.append(record)
                    ran += 1
                    counts[record["status"]] += 1
                    if record["status"] == "failed":
                        console.print(f"[red]failed[/] {record['key']}: {record['error']}", highlight=False)
                    bar.advance(counts)
        except KeyboardInterrupt:
            interrupted = True
        wall = time.perf_counter() - start
        runs = meta.setdefault("runs", [])
        runs[-1].update(finished=_now(), wall_seconds=wall, jobs_run=ran, interrupted=interrupted)
        meta.update(finished=_now(), wall_seconds=sum(r.get("wall_seconds") or 0 for r in runs))
        store.write_manifest(meta)
        records = in_suite_order(store.records(), s, meta["agents"])
        latest = Counter(r["status"] for r in records)
        report_path = None
        if report and records:
            from loopgym.bench.report import load_reference, write_report

            report_path = write_report(out, records, meta, reps=reps, reference=load_reference(s.name))
        return BenchResult(out=out, report=report_path, records=records, ran=ran,
                           already=len(jobs) - len(pending), counts=dict(latest), wall_seconds=wall,
                           interrupted=interrupted)


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _manifest(store: ResultStore, s: Suite, agents: Sequence[str], seeds: list[int], executor: str,
              workers: int, command: str | None) -> dict[str, Any]:
    old = store.manifest() or {}
    meta = {
        **old,
        "suite": s.name, "suite_description": s.description, "suite_path": s.path,
        "fingerprint": s.fingerprint(),
        "agents": list(dict.fromkeys([*old.get("agents", []), *agents])),
        "seeds": sorted(set(old.get("seeds", [])) | set(seeds)),
        "executor": executor, "workers": workers, "started": old.get("started", _now()),
        "machine": machine(), "python": sys.version.split()[0], "loopgym_version": loopgym.__version__,
        "command": command or old.get("command"),
    }
    meta["runs"] = [*old.get("runs", []), {"started": _now(), "executor": executor, "workers": workers,
                                            "agents": list(agents), "seeds": seeds}]
    return meta


class _Bar:
    def __init__(self, progress: Any, task: Any):
        self.progress, self.task = progress, task

    def advance(self, counts: Counter[str]) -> None:
        if self.progress is not None:
            status = " ".join(f"{k} {v}" for k, v in sorted(counts.items()))
            self.progress.update(self.task, advance=1, status=status)


class _progress:
    """A rich progress bar over jobs (or nothing, with ``progress=False``)."""

    def __init__(self, on: bool, console: Any, total: int, completed: int, label: str):
        self.on, self.console, self.total, self.completed, self.label = on, console, total, completed, label
        self.progress = None

    def __enter__(self) -> _Bar:
        if not self.on:
            return _Bar(None, None)
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.progress = Progress(
            TextColumn(f"[bold]bench {self.label}"), BarColumn(), MofNCompleteColumn(), TextColumn("jobs"),
            TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn(), TextColumn("{task.fields[status]}"),
            console=self.console,
        )
        self.progress.start()
        task = self.progress.add_task("jobs", total=self.total, completed=self.completed, status="")
        return _Bar(self.progress, task)

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()
