"""``loopgym reproduce``: re-run a pinned baseline config and say whether it gives the stored numbers.

    loopgym reproduce --list
    loopgym reproduce NAME [--scale small|full] [--seeds N] [--workers W] [--out DIR] [--device auto]
                      [--save-reference]

A target is a learning baseline (``ppo``, ``ei`` = expert iteration) and one experiment of its config
file in ``baselines/configs/``: ``ppo-bernoulli`` is the ``bernoulli`` experiment of ``ppo.yaml``. Every
seed trains into its own folder under ``--out`` (resumable: run the same command again after an
interruption and finished seeds are kept, unfinished ones go on from their last checkpoint).

The score of a seed is its final policy's held-out metric (success, or regret for the bandits). Over the
seeds: the interquartile mean and its 95% stratified bootstrap interval (rliable, through
``loopgym.bench.stats``). The stored reference of the same target and scale lives in
``baselines/results/reproduce/NAME-SCALE.json`` (with its curves as a PNG); the run **reproduces** it
when the two 95% intervals overlap. ``--save-reference`` writes the run there instead (maintainers).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import json
import math
import multiprocessing as mp
import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from loopgym.baselines.training import SCALES, BaselineConfigError, config_hash, load_experiments

#: target prefix -> (module with train(), config file stem)
BASELINES = {"ppo": ("loopgym.baselines.ppo", "ppo"), "ei": ("loopgym.baselines.expert_iteration", "expert_iteration")}
DEFAULT_SEEDS = 5


@dataclasses.dataclass(frozen=True)
class Target:
    name: str  # e.g. "ppo-bernoulli"
    baseline: str  # "ppo" | "ei"
    experiment: str  # key in the config file
    env: str
    metric: str

    @property
    def module(self):
        return importlib.import_module(BASELINES[self.baseline][0])


def targets() -> dict[str, Target]:
    """Every reproducible target, by name."""
    out = {}
    for prefix, (_, stem) in BASELINES.items():
        for exp, raw in load_experiments(stem).items():
            env = str(raw.get("env", "?"))
            out[f"{prefix}-{exp}"] = Target(f"{prefix}-{exp}", prefix, exp, env.removeprefix("loopgym/"),
                                            str(raw.get("metric", "success")))  # fmt: skip
    return out


def get_target(name: str) -> Target:
    found = targets()
    if name not in found:
        raise BaselineConfigError(f"no baseline named {name!r}; there are: {', '.join(sorted(found))}")
    return found[name]


def references_dir() -> Path:
    return Path(str(resources.files("loopgym.baselines") / "results" / "reproduce"))


def resolve_config(target: Target, scale: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """The target's config at ``scale`` as its baseline resolves it (raises on a missing key). Every
    baseline module exposes ``load_config(name, scale, overrides)`` and ``train(...)``."""
    return target.module.load_config(target.experiment, scale, overrides)


def load_reference(name: str, scale: str) -> dict[str, Any] | None:
    path = references_dir() / f"{name}-{scale}.json"
    return json.loads(path.read_text()) if path.is_file() else None


def _train_one(name: str, seed: int, out: str, scale: str, device: str, progress: bool,
               overrides: dict[str, Any] | None) -> dict[str, Any]:
    target = get_target(name)
    result = target.module.train(target.experiment, seed, out, scale=scale, device=device, progress=progress,
                                 overrides=overrides)  # fmt: skip
    return result.as_dict()


def summarise(results: list[dict[str, Any]], metric: str) -> dict[str, Any]:
    """IQM and 95% stratified bootstrap interval of the seeds' final scores."""
    from loopgym.bench.stats import interval_estimates

    finals = np.array([r["final"] for r in results], dtype=float)
    est = interval_estimates({"final": finals[:, None]})["final"]
    return {"metric": metric, "iqm": est.point, "low": est.low, "high": est.high, "mean": float(finals.mean()),
            "seeds": [r["seed"] for r in results], "finals": finals.tolist()}  # fmt: skip


def compare(summary: dict[str, Any], reference: dict[str, Any] | None) -> tuple[bool | None, str]:
    """``(reproduced, sentence)``: reproduced when the two 95% intervals overlap; None without a reference."""
    if reference is None:
        return None, "no stored reference for this target and scale"
    ref = reference["summary"]
    overlap = summary["low"] <= ref["high"] and ref["low"] <= summary["high"]
    word = "reproduced" if overlap else "NOT reproduced"
    return overlap, (f"{word}: IQM {summary['iqm']:.4g} [{summary['low']:.4g}, {summary['high']:.4g}] vs reference "
                     f"{ref['iqm']:.4g} [{ref['low']:.4g}, {ref['high']:.4g}] ({summary['metric']}, "
                     f"{len(ref['seeds'])} seeds, {reference.get('machine', '?')})")  # fmt: skip


def run(name: str, *, scale: str = "small", seeds: int | None = None, out: str | Path | None = None,
        workers: int = 1, device: str = "auto", progress: bool = True, save_reference: bool = False,
        overrides: dict[str, Any] | None = None, console: Any = None) -> dict[str, Any]:
    """Run target ``name`` over ``seeds`` seeds (default: as many as its reference has, else 5) and
    compare with the stored reference. Returns the record that ``--save-reference`` would store, with
    ``reproduced`` (True / False / None) and ``verdict`` added."""
    from loopgym.bench.run import machine

    target = get_target(name)
    if scale not in SCALES:
        raise BaselineConfigError(f"scale={scale!r} is not allowed: scale must be one of {', '.join(SCALES)}")
    reference = load_reference(name, scale)
    if seeds is None:
        seeds = len(reference["summary"]["seeds"]) if reference else DEFAULT_SEEDS
    if not isinstance(seeds, int) or seeds < 1:
        raise BaselineConfigError(f"seeds={seeds!r} is not allowed: seeds must be a positive integer")
    # the config must load before anything runs (a missing key is reported now, not in a worker)
    cfg = resolve_config(target, scale, overrides)
    root = Path(out) if out is not None else Path("loopgym-runs") / "reproduce" / f"{name}-{scale}"
    root.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    jobs = [(name, s, str(root / f"seed-{s}"), scale, device) for s in range(seeds)]
    results = _run_jobs(jobs, workers, progress, overrides, console, f"{name} ({scale})")
    wall = time.perf_counter() - t0
    results.sort(key=lambda r: r["seed"])
    summary = summarise(results, target.metric)
    record = {
        "name": name, "baseline": target.baseline, "experiment": target.experiment, "env": cfg["env"],
        "scale": scale, "summary": summary, "config": cfg, "config_hash": config_hash(cfg),
        "machine": machine(), "device": results[0]["device"], "wall_s": wall,
        "train_s": float(sum(r["train_s"] for r in results)),
        "steps_per_s": float(np.median([r["steps_per_s"] for r in results])),
        "env_steps": int(np.median([r["env_steps"] for r in results])),
        "runs": results, "date": dt.date.today().isoformat(), "workers": workers,
    }  # fmt: skip
    plot_curves(record, root / "curves.png")
    (root / "summary.json").write_text(json.dumps(record, indent=1, default=str))
    if save_reference:
        dest = references_dir()
        dest.mkdir(parents=True, exist_ok=True)
        (dest / f"{name}-{scale}.json").write_text(json.dumps(record, indent=1, default=str))
        plot_curves(record, dest / f"{name}-{scale}.png")
        record["reproduced"], record["verdict"] = None, f"saved as the reference ({dest / f'{name}-{scale}.json'})"
    else:
        record["reproduced"], record["verdict"] = compare(summary, reference)
        if reference is not None and reference.get("config_hash") != record["config_hash"]:
            record["verdict"] += "; the config has changed since the reference was made"
    return record


def _run_jobs(jobs, workers, progress, overrides, console, label) -> list[dict[str, Any]]:
    if workers <= 1 or len(jobs) == 1:
        return [_train_one(*job, progress, overrides) for job in jobs]
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    results = []
    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   console=console, disable=not progress)  # fmt: skip
    # spawn, not fork: the parent may hold torch's thread pools, which a forked child cannot use
    with bar, ProcessPoolExecutor(min(workers, len(jobs)), mp_context=mp.get_context("spawn")) as pool:
        task = bar.add_task(f"{label}: seeds", total=len(jobs))
        futures = [pool.submit(_train_one, *job, False, overrides) for job in jobs]
        for fut in as_completed(futures):
            results.append(fut.result())
            bar.advance(task)
    return results


def plot_curves(record: dict[str, Any], path: Path) -> Path:
    """Held-out learning curves: one thin line per seed, the mean over seeds on a common step grid."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    metric = record["summary"]["metric"]
    fig, ax = plt.subplots(figsize=(6, 3.6))
    grids = []
    for r in record["runs"]:
        xs = [p["steps"] for p in r["curve"]]
        ys = [p.get(metric, math.nan) for p in r["curve"]]
        ax.plot(xs, ys, color="tab:blue", alpha=0.3, lw=0.8)
        grids.append((np.asarray(xs, float), np.asarray(ys, float)))
    if grids:
        end = min(x[-1] for x, _ in grids)
        grid = np.linspace(0, end, 50)
        mean = np.mean([np.interp(grid, x, y) for x, y in grids], axis=0)
        ax.plot(grid, mean, color="tab:blue", lw=2, label=f"mean of {len(grids)} seeds")
    ax.set_xlabel("env steps of training")
    ax.set_ylabel(f"held-out {metric}")
    ax.set_title(f"{record['name']} ({record['scale']}): {record['env'].removeprefix('loopgym/')}")
    ax.legend(loc="best", fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def reference_table() -> str:
    """The stored full-scale references as a Markdown table (the README shows it)."""
    lines = ["| baseline | env | held-out metric | IQM [95% CI] | seeds | env steps | steps/s | wall |",
             "|---|---|---|---:|---:|---:|---:|---:|"]  # fmt: skip
    for name in sorted(targets()):
        ref = load_reference(name, "full")
        if ref is None:
            lines.append(f"| `{name}` | | | (no reference yet) | | | | |")
            continue
        s = ref["summary"]
        lines.append(f"| `{name}` | {ref['env'].removeprefix('loopgym/')} | {s['metric']} | "
                     f"{s['iqm']:.3g} [{s['low']:.3g}, {s['high']:.3g}] | {len(s['seeds'])} | {ref['env_steps']} | "
                     f"{ref['steps_per_s']:.0f} | {ref['wall_s'] / 60:.0f} min |")  # fmt: skip
    return "\n".join(lines)


def default_workers() -> int:
    return max(1, min(DEFAULT_SEEDS, os.cpu_count() or 1))


__all__ = ["BASELINES", "Target", "compare", "get_target", "load_reference", "plot_curves", "run", "summarise",
           "targets"]  # fmt: skip
