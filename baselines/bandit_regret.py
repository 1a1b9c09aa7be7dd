"""The bandit regret table: every applicable policy on every bandit variant.

    python -m loopgym.baselines.bandit_regret [--seeds 20] [--horizon 10000] [--workers 2]
        [--out baselines/results] [--variants NAME ...] [--policies NAME ...]

Rows: the eight single-arm variants with their default arguments except ``horizon`` (arms drawn anew
for every seed), ``BernoulliBandit (means 0.1..0.9)`` (``n_arms=9``, ``means=[0.1, ..., 0.9]``), and
DuelingBandit. Columns: the policies of :data:`loopgym.agents.AGENTS` (single-arm policies on the
single-arm rows, dueling policies on DuelingBandit, ``random`` on all). Episode ``i`` is
``run_episode(env, agent, seed=i)``; a cell is the final ``info["cumulative_regret"]``, mean ± the
half-width of its 95% Student-t interval over seeds (:func:`loopgym.metrics.mean_ci`).

Writes ``bandit_regret.csv`` (one row per variant × policy: mean, ci95, n, seconds = summed episode
time), ``bandit_regret.json`` (per-seed regrets and times, and how, when and where they were made) and
``bandit_regret.md`` (variants as rows, policies as columns, "—" where a policy does not apply).
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import datetime as dt
import json
import multiprocessing
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

import loopgym
from loopgym.agents import AGENTS, make_agent
from loopgym.bench.run import cpu_model
from loopgym.metrics import mean_ci
from loopgym.runner import run_episode


@dataclasses.dataclass(frozen=True)
class Row:
    key: str  # what --variants takes
    label: str  # what the table shows
    env: str  # the loopgym class name
    kwargs: tuple = ()  # fixed arguments besides horizon, as (name, value) pairs
    dueling: bool = False


ROWS = [
    Row("BernoulliBandit", "BernoulliBandit", "BernoulliBandit"),
    Row(
        "BernoulliFixed",
        "BernoulliBandit (means 0.1..0.9)",
        "BernoulliBandit",
        (("n_arms", 9), ("means", tuple(round(0.1 * i, 1) for i in range(1, 10)))),
    ),
    Row("GaussianBandit", "GaussianBandit", "GaussianBandit"),
    Row("PiecewiseBandit", "PiecewiseBandit", "PiecewiseBandit"),
    Row("DriftingBandit", "DriftingBandit", "DriftingBandit"),
    Row("ContextualBandit", "ContextualBandit", "ContextualBandit"),
    Row("DelayedBandit", "DelayedBandit", "DelayedBandit"),
    Row("SwitchingCostBandit", "SwitchingCostBandit", "SwitchingCostBandit"),
    Row("RechargingBandit", "RechargingBandit", "RechargingBandit"),
    Row("DuelingBandit", "DuelingBandit", "DuelingBandit", dueling=True),
]

#: agent name (loopgym.agents.AGENTS) -> column title
SINGLE_ARM = {
    "random": "random",
    "epsilon-greedy": "ε-greedy(0.1)",
    "ucb1": "UCB1",
    "thompson": "Thompson",
    "gaussian-thompson": "Gaussian TS",
    "exp3": "EXP3",
    "linucb": "LinUCB",
    "sw-ucb": "SW-UCB",
    "discounted-thompson": "discounted TS",
}
DUELING = {"random": "random", "rucb": "RUCB", "copeland-ucb": "CopelandUCB"}
COLUMNS = {**SINGLE_ARM, **DUELING}
STEM = "bandit_regret"


def applicable(row: Row) -> list[str]:
    """The policies that play ``row``'s variant."""
    return list(DUELING if row.dueling else SINGLE_ARM)


def run_job(job: tuple[str, str, int, int]) -> dict[str, Any]:
    """One episode: (row key, policy, seed, horizon) -> its final cumulative regret and time."""
    key, policy, seed, horizon = job
    row = next(r for r in ROWS if r.key == key)
    env = gym.make(f"loopgym/{row.env}-v0", horizon=horizon, **dict(row.kwargs))
    result = run_episode(env, make_agent(policy), seed=seed)
    env.close()
    return {"row": key, "policy": policy, "seed": seed, "regret": result.regret, "seconds": result.seconds}


def run_jobs(fn, jobs: list, label: str, workers: int) -> list:
    """``fn`` over ``jobs`` with a progress bar, inline (``workers <= 1``) or in spawned processes;
    results in completion order (the tables sort them)."""
    columns = (TextColumn(f"[bold]{label}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    results = []
    with Progress(*columns) as progress:
        task = progress.add_task("jobs", total=len(jobs))
        if workers <= 1:
            for job in jobs:
                results.append(fn(job))
                progress.advance(task)
        else:
            with multiprocessing.get_context("spawn").Pool(workers) as pool:
                for result in pool.imap_unordered(fn, jobs, chunksize=1):
                    results.append(result)
                    progress.advance(task)
    return results


def run_table(rows: list[Row], policies: list[str], seeds: int, horizon: int, workers: int) -> list[dict]:
    """Every episode of the table, in parallel, with a progress bar; results in a fixed order."""
    jobs = [(r.key, p, s, horizon) for r in rows for p in applicable(r) if p in policies for s in range(seeds)]
    results = run_jobs(run_job, jobs, "bandit regret", workers)
    order = {job[:3]: i for i, job in enumerate(jobs)}
    return sorted(results, key=lambda r: order[(r["row"], r["policy"], r["seed"])])


def cells(rows: list[Row], results: list[dict]) -> list[dict]:
    """One entry per variant × policy that ran: raw per-seed values and their summary."""
    out = []
    for row in rows:
        for policy in applicable(row):
            mine = [r for r in results if r["row"] == row.key and r["policy"] == policy]
            if not mine:
                continue
            regrets = [r["regret"] for r in mine]
            mean, ci = mean_ci(regrets)
            out.append({
                "variant": row.label, "key": row.key, "env_id": f"loopgym/{row.env}-v0",
                "env_kwargs": {k: list(v) if isinstance(v, tuple) else v for k, v in row.kwargs},
                "policy": policy, "agent": AGENTS[policy],
                "seeds": [r["seed"] for r in mine], "regret": regrets,
                "episode_seconds": [r["seconds"] for r in mine],
                "mean": mean, "ci95": ci, "n": len(regrets), "seconds": float(sum(r["seconds"] for r in mine)),
            })
    return out


def markdown(rows: list[Row], table: list[dict], meta: dict) -> str:
    """Variants as rows, policies as columns, "—" where a policy does not apply (or did not run)."""
    ran = [p for p in COLUMNS if any(c["policy"] == p for c in table)]
    by_cell = {(c["key"], c["policy"]): c for c in table}
    lines = [
        "# Bandit regret baselines",
        "",
        f"Final cumulative pseudo-regret after T = {meta['horizon']} steps, mean ± 95% CI half-width "
        f"(Student t) over {meta['seeds']} seeds (seed i → `reset(seed=i)`; arms drawn anew per seed "
        "except the fixed row). Lower is better. DuelingBandit reports the dueling regret "
        "`(2u* − u[i] − u[j]) / 4`. Policies: `loopgym.baselines.bandit_policies` and "
        "`loopgym.baselines.dueling_policies`.",
        "",
        f"Reproduce: `{meta['command']}` (wall-clock {meta['wall_clock_s']:.0f} s with "
        f"{meta['workers']} workers on "
        f"{meta['machine']['nproc']} × {meta['machine']['cpu']}, {meta['date'][:10]}, "
        f"loopgym {meta['loopgym_version']}).",
        "",
        "| variant | " + " | ".join(COLUMNS[p] for p in ran) + " |",
        "|---|" + "---:|" * len(ran),
    ]
    for row in rows:
        if not any((row.key, p) in by_cell for p in ran):
            continue
        texts = []
        for p in ran:
            c = by_cell.get((row.key, p))
            texts.append("—" if c is None else f"{c['mean']:.1f} ± {c['ci95']:.1f}")
        lines.append(f"| {row.label} | " + " | ".join(texts) + " |")
    return "\n".join(lines) + "\n"


def write(out: Path, table: list[dict], meta: dict, rows: list[Row]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with open(out / f"{STEM}.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["variant", "policy", "mean", "ci95", "n", "seconds"])
        for c in table:
            writer.writerow([c["variant"], c["policy"], f"{c['mean']:.4f}", f"{c['ci95']:.4f}", c["n"], f"{c['seconds']:.2f}"])
    (out / f"{STEM}.json").write_text(json.dumps({"metadata": meta, "cells": table}, indent=1) + "\n")
    (out / f"{STEM}.md").write_text(markdown(rows, table, meta))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m loopgym.baselines.bandit_regret", description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=20, help="episodes per cell, seeds 0..N-1 (default 20)")
    parser.add_argument("--horizon", type=int, default=10_000, help="steps per episode (default 10000)")
    parser.add_argument("--workers", type=int, default=2, help="parallel processes (default 2; 1 runs inline)")
    parser.add_argument("--out", type=Path, default=Path("baselines/results"), help="output folder")
    parser.add_argument("--variants", nargs="+", choices=[r.key for r in ROWS], default=[r.key for r in ROWS],
                        metavar="NAME", help=f"rows to run (default all): {', '.join(r.key for r in ROWS)}")
    parser.add_argument("--policies", nargs="+", choices=list(COLUMNS), default=list(COLUMNS), metavar="NAME",
                        help=f"columns to run (default all): {', '.join(COLUMNS)}")
    args = parser.parse_args(argv)
    if args.seeds < 1 or args.horizon < 1 or args.workers < 1:
        parser.error("--seeds, --horizon and --workers must be positive")

    rows = [r for r in ROWS if r.key in args.variants]
    start = time.perf_counter()
    results = run_table(rows, args.policies, args.seeds, args.horizon, args.workers)
    wall = time.perf_counter() - start
    table = cells(rows, results)
    meta = {
        "command": " ".join(["python -m loopgym.baselines.bandit_regret", *argv]),
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": {"platform": platform.platform(), "python": platform.python_version(),
                    "cpu": cpu_model(), "nproc": os.cpu_count()},
        "wall_clock_s": round(wall, 1),
        "horizon": args.horizon, "seeds": args.seeds, "workers": args.workers,
        "loopgym_version": loopgym.__version__, "numpy_version": np.__version__,
        "gymnasium_version": gym.__version__,
        "cell": "final info['cumulative_regret']; mean and 95% Student-t half-width over seeds; "
                "seconds = summed episode time",
    }
    write(args.out, table, meta, rows)
    print(markdown(rows, table, meta))
    print(f"wrote {args.out / STEM}.csv, .json and .md in {wall:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
