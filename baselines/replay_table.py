"""The continual-learning reference table: every replay baseline on every stream and scenario.

    python -m loopgym.baselines.replay_table [--seeds 5] [--workers 2] [--out baselines/results]
        [--streams NAME ...] [--methods NAME ...] [--eval-every N]

Rows: the streams of :data:`STREAMS` (split, permuted and rotated digits; split and permuted MNIST-1D;
class-, task- and domain-incremental where they apply) with their default arguments. Columns: the
methods of ``loopgym.baselines.replay`` — naive fine-tuning, EWC, ER (reservoir replay), A-GEM,
DER++ and joint training (the same learner on ``order="iid"``: every task's samples shuffled
together, 3 passes — the upper bound). One pass over the stream, learned online as the env delivers it
(:func:`loopgym.continual.run_stream`); hyperparameters from ``baselines/configs/replay.yaml``, pinned
into the JSON. A cell is the final average accuracy ACC (and, in the other tables, BWT, forgetting,
min-ACC and the stability gap), mean ± the half-width of its 95% Student-t interval over seeds.

Writes ``replay_table.csv`` (one row per stream × method × metric), ``replay_table.json`` (per-seed
metrics and accuracy matrices, the configs, and how, when and where they were made),
``replay_table.md``, and the accuracy-matrix and accuracy-curve plots of naive, ER and DER++ on
class-incremental split digits under ``plots/``.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import datetime as dt
import json
import math
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np

import loopgym
from loopgym.baselines.bandit_regret import cpu_model, run_jobs
from loopgym.continual import ContinualReport, StreamRun, json_default, run_stream
from loopgym.metrics import mean_ci


@dataclasses.dataclass(frozen=True)
class Stream:
    key: str  # what --streams takes
    label: str  # what the table shows
    env: str  # the loopgym id
    dataset: str  # which config overrides apply
    kwargs: tuple = ()  # fixed arguments, as (name, value) pairs


STREAMS = [
    Stream("split-digits-class", "Split digits, class-IL", "loopgym/SplitDigits-v0", "digits"),
    Stream("split-digits-task", "Split digits, task-IL", "loopgym/SplitDigits-v0", "digits",
           (("incremental", "task"),)),
    Stream("split-digits-domain", "Split digits, domain-IL", "loopgym/SplitDigits-v0", "digits",
           (("incremental", "domain"),)),
    Stream("permuted-digits", "Permuted digits, domain-IL", "loopgym/PermutedDigits-v0", "digits"),
    Stream("rotated-digits", "Rotated digits, domain-IL", "loopgym/RotatedDigits-v0", "digits"),
    Stream("split-mnist1d-class", "Split MNIST-1D, class-IL", "loopgym/SplitMNIST1D-v0", "mnist1d"),
    Stream("permuted-mnist1d", "Permuted MNIST-1D, domain-IL", "loopgym/PermutedMNIST1D-v0", "mnist1d"),
]
METHODS = {"naive": "naive", "ewc": "EWC", "er": "ER", "agem": "A-GEM", "derpp": "DER++", "joint": "joint"}
#: the metrics the tables report, in order, with how they read
METRICS = {
    "acc": "final average accuracy ACC (higher is better)",
    "bwt": "backward transfer BWT (negative = forgetting)",
    "forgetting": "average forgetting (lower is better)",
    "min_acc": "min-ACC: the worst accuracy on earlier tasks after they were learned (higher is better)",
    "stability_gap": "stability gap: mean drop on earlier tasks right after a switch (lower is better)",
}
JOINT_EPOCHS = 3
PLOTTED = ("split-digits-class", ("naive", "er", "derpp"))
STEM = "replay_table"


def env_kwargs(stream: Stream, method: str) -> dict[str, Any]:
    kwargs = dict(stream.kwargs)
    if method == "joint":
        # the upper bound: every task's data shuffled together, and (as offline joint training would)
        # more than one pass; one i.i.d. pass of this learner is level with replay, not above it
        kwargs.update(order="iid", epochs=JOINT_EPOCHS)
    return kwargs


def run_job(job: tuple[str, str, int, int | None, str]) -> dict[str, Any]:
    """One run: (stream key, method, seed, eval_every, device) -> its StreamRun as plain data."""
    import torch

    from loopgym.baselines.replay import load_config, make_learner

    torch.set_num_threads(1)
    key, method, seed, eval_every, device = job
    stream = next(s for s in STREAMS if s.key == key)
    env = gym.make(stream.env, **env_kwargs(stream, method))
    try:
        env.reset(seed=seed)  # the stream and its info are drawn at reset; run_stream redraws the same
        learner = make_learner(method, env.unwrapped.stream_info, seed, load_config(method, stream.dataset),
                               device=device)
        run = run_stream(env, learner, seed=seed, eval_every=eval_every, env_id=stream.env)
    finally:
        env.close()
    return {"stream": key, "method": method, "seed": seed, "run": run.as_dict()}


def run_table(streams: list[Stream], methods: list[str], seeds: int, workers: int,
              eval_every: int | None, device: str = "cpu") -> list[dict]:
    jobs = [(s.key, m, i, eval_every, device) for s in streams for m in methods for i in range(seeds)]
    results = run_jobs(run_job, jobs, "replay table", workers)
    order = {job[:3]: i for i, job in enumerate(jobs)}
    return sorted(results, key=lambda r: order[(r["stream"], r["method"], r["seed"])])


def cells(streams: list[Stream], methods: list[str], results: list[dict]) -> list[dict]:
    """One entry per stream × method: per-seed metrics and their mean ± CI."""
    from loopgym.baselines.replay import load_config

    out = []
    for s in streams:
        for m in methods:
            mine = [r for r in results if r["stream"] == s.key and r["method"] == m]
            if not mine:
                continue
            runs = [r["run"] for r in mine]
            summary = {}
            for k in (*METRICS, "online_acc", "seconds"):
                if k == "online_acc":
                    vals = [r["online_accuracy"] for r in runs]
                elif k == "seconds":
                    vals = [r["seconds"] for r in runs]
                else:
                    vals = [r["metrics"].get(k, math.nan) for r in runs]
                if all(v is None or (isinstance(v, float) and math.isnan(v)) for v in vals):
                    continue
                mean, ci = mean_ci([math.nan if v is None else v for v in vals])
                summary[k] = {"mean": mean, "ci95": ci, "values": vals}
            out.append({
                "stream": s.key, "label": s.label, "env_id": s.env, "env_kwargs": env_kwargs(s, m),
                "method": m, "config": load_config(m, s.dataset), "seeds": [r["seed"] for r in mine],
                "n": len(mine), "metrics": summary, "R": [r["R"] for r in runs],
            })
    return out


def _cell_text(c: dict | None, metric: str) -> str:
    if c is None or metric not in c["metrics"]:
        return "—"
    m = c["metrics"][metric]
    if math.isnan(m["mean"]):
        return "—"
    scale = 100 if metric in ("acc", "bwt", "forgetting", "min_acc", "stability_gap", "online_acc") else 1
    if math.isnan(m["ci95"]):
        return f"{scale * m['mean']:.1f}"
    return f"{scale * m['mean']:.1f} ± {scale * m['ci95']:.1f}"


def markdown(streams: list[Stream], methods: list[str], table: list[dict], meta: dict) -> str:
    by = {(c["stream"], c["method"]): c for c in table}
    lines = [
        "# Continual-learning reference table",
        "",
        f"One online pass over each stream; mean ± 95% CI half-width (Student t) over {meta['seeds']} seeds "
        "(seed i → `reset(seed=i)` and the learner's seed), in percent. Methods: "
        "`loopgym.baselines.replay` with `baselines/configs/replay.yaml` (pinned in the JSON). "
        f"Joint is the same learner on `order=\"iid\", epochs={JOINT_EPOCHS}` (all tasks shuffled together, "
        f"{JOINT_EPOCHS} passes: the upper bound), so it has no task ends: only its ACC is defined. Metric formulas: `loopgym.metrics.continual`.",
        "",
        f"Reproduce: `{meta['command']}` (wall-clock {meta['wall_clock_s']:.0f} s with {meta['workers']} "
        f"workers on {meta['machine']['nproc']} × {meta['machine']['cpu']}, {meta['date'][:10]}, "
        f"loopgym {meta['loopgym_version']}, torch {meta['torch_version']}).",
    ]
    for metric, what in METRICS.items():
        lines += ["", f"## {metric}: {what}", "",
                  "| stream | " + " | ".join(METHODS[m] for m in methods) + " |",
                  "|---|" + "---:|" * len(methods)]
        for s in streams:
            lines.append(f"| {s.label} | " + " | ".join(_cell_text(by.get((s.key, m)), metric) for m in methods) + " |")
    lines += ["", "## Time per run (seconds, one CPU thread)", "",
              "| stream | " + " | ".join(METHODS[m] for m in methods) + " | all seeds and methods |",
              "|---|" + "---:|" * (len(methods) + 1)]
    for s in streams:
        texts, total = [], 0.0
        for m in methods:
            c = by.get((s.key, m))
            if c is None:
                texts.append("—")
                continue
            secs = c["metrics"]["seconds"]
            texts.append(f"{secs['mean']:.2f}")
            total += float(np.sum(secs["values"]))
        lines.append(f"| {s.label} | " + " | ".join(texts) + f" | {total:.0f} |")
    return "\n".join(lines) + "\n"


def write(out: Path, table: list[dict], meta: dict, streams: list[Stream], methods: list[str]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with open(out / f"{STEM}.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["stream", "method", "metric", "mean", "ci95", "n"])
        for c in table:
            for k, m in c["metrics"].items():
                writer.writerow([c["stream"], c["method"], k, f"{m['mean']:.4f}", f"{m['ci95']:.4f}", c["n"]])
    (out / f"{STEM}.json").write_text(json.dumps({"metadata": meta, "cells": table}, indent=1,
                                                 default=json_default) + "\n")
    (out / f"{STEM}.md").write_text(markdown(streams, methods, table, meta))


def plot(out: Path, results: list[dict]) -> list[Path]:
    """Heatmaps and curves of the plotted methods on the plotted stream (mean matrix over seeds)."""
    key, methods = PLOTTED
    stream = next(s for s in STREAMS if s.key == key)
    paths = []
    for m in methods:
        runs = [_run(r["run"]) for r in results if r["stream"] == key and r["method"] == m]
        if runs:
            report = ContinualReport(name=METHODS[m], env_id=stream.env, env_kwargs=dict(stream.kwargs), runs=runs)
            paths += report.plot(out / "plots")
    return paths


def _run(d: dict) -> StreamRun:
    d = dict(d)
    for k in ("R", "b", "steps", "curves"):
        d[k] = np.asarray(d[k], dtype=float)
    return StreamRun(**d)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m loopgym.baselines.replay_table",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=5, help="runs per cell, seeds 0..N-1 (default 5)")
    parser.add_argument("--workers", type=int, default=2, help="parallel processes (default 2; 1 runs inline)")
    parser.add_argument("--eval-every", type=int, default=None,
                        help="steps between continual evaluations (default: about 200 per stream)")
    parser.add_argument("--out", type=Path, default=Path("baselines/results"), help="output folder")
    parser.add_argument("--streams", nargs="+", choices=[s.key for s in STREAMS], default=[s.key for s in STREAMS],
                        metavar="NAME", help=f"rows (default all): {', '.join(s.key for s in STREAMS)}")
    parser.add_argument("--methods", nargs="+", choices=list(METHODS), default=list(METHODS), metavar="NAME",
                        help=f"columns (default all): {', '.join(METHODS)}")
    parser.add_argument("--device", default="cpu", choices=("cpu", "cuda", "auto"),
                        help="where the learners train (default cpu, one thread per worker)")
    args = parser.parse_args(argv)
    if args.seeds < 1 or args.workers < 1 or (args.eval_every is not None and args.eval_every < 1):
        parser.error("--seeds, --workers and --eval-every must be positive")
    import torch

    streams = [s for s in STREAMS if s.key in args.streams]
    methods = [m for m in METHODS if m in args.methods]
    start = time.perf_counter()
    results = run_table(streams, methods, args.seeds, args.workers, args.eval_every, args.device)
    wall = time.perf_counter() - start
    table = cells(streams, methods, results)
    meta = {
        "command": " ".join(["python -m loopgym.baselines.replay_table", *argv]),
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": {"platform": platform.platform(), "python": platform.python_version(),
                    "cpu": cpu_model(), "nproc": os.cpu_count()},
        "wall_clock_s": round(wall, 1), "seeds": args.seeds, "workers": args.workers,
        "eval_every": args.eval_every, "loopgym_version": loopgym.__version__,
        "torch_version": torch.__version__, "numpy_version": np.__version__,
        "gymnasium_version": gym.__version__, "device": args.device,
    }
    write(args.out, table, meta, streams, methods)
    plot(args.out, results)
    print(markdown(streams, methods, table, meta))
    print(f"wrote {args.out / STEM}.csv, .json, .md and plots/ in {wall:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
