"""The ``loopgym`` command.

    loopgym list [--family F] [--markdown]
    loopgym run ID --agent NAME --episodes N [--seed S] [--view V] [--env-arg k=v ...]
                [--agent-arg k=v ...] [--json FILE]
    loopgym bench [--suite quick] [--agent SPEC ...] [--seeds N] [--out DIR] [--resume]
                  [--executor local|ray] [--workers W] [--address ADDR]
    loopgym report DIR
    loopgym reproduce NAME [--scale small|full] [--seeds N] [--workers W] [--out DIR] | --list

Bad input (an unknown id, agent or argument) prints one line saying what was wrong and exits 2.
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
from typing import Any

import gymnasium as gym
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

import loopgym
from loopgym import registry
from loopgym.agents import AGENTS, make_agent
from loopgym.metrics import mean_ci
from loopgym.runner import run_episodes, summarise


class UsageError(Exception):
    """Bad command-line input: reported in one line, exit status 2."""


def parse_assignments(items: list[str] | None, what: str) -> dict[str, Any]:
    """``["n_arms=5", "means=[0.1, 0.9]"]`` -> ``{"n_arms": 5, "means": [0.1, 0.9]}``; values are
    Python/JSON literals where they parse, strings otherwise."""
    out: dict[str, Any] = {}
    for item in items or []:
        key, sep, raw = item.partition("=")
        if not sep or not key.isidentifier():
            raise UsageError(f"{what} {item!r} is not of the form name=value")
        try:
            out[key] = ast.literal_eval(raw)
        except (ValueError, SyntaxError):
            lowered = raw.strip().lower()
            out[key] = {"true": True, "false": False, "none": None, "null": None}.get(lowered, raw)
    return out


def cmd_list(args: argparse.Namespace, console: Console) -> int:
    if args.family and args.family not in registry.families():
        raise UsageError(f"unknown family {args.family!r}; families: {', '.join(registry.families())}")
    if args.markdown:
        print(registry.markdown_table())
        return 0
    table = Table(title="loopgym environments")
    table.add_column("id", no_wrap=True)  # ids are copied into code: never wrap them
    for col in ("family", "what it is", "native vector"):
        table.add_column(col)
    for env_id in registry.ids(args.family):
        s = registry.spec(env_id)
        table.add_row(env_id, s.family, s.description, "yes" if s.vector_entry_point else "")
    console.print(table)
    if not args.family:
        from loopgym.envs import multiagent

        ma = Table(title="PettingZoo environments (from loopgym.envs.multiagent import <module>)")
        ma.add_column("module", no_wrap=True)
        ma.add_column("agents")
        ma.add_column("what it is")
        for name in multiagent.ids():
            mod = multiagent.load(name)
            env = mod.raw_env() if name != "multiplayer_bandit_v0" else mod.parallel_env()
            doc = (type(env).__doc__ or "").strip().splitlines()
            ma.add_row(name, ", ".join(env.possible_agents), doc[0] if doc else "")
        console.print(ma)
    return 0


def cmd_run(args: argparse.Namespace, console: Console) -> int:
    if args.episodes < 1:
        raise UsageError(f"--episodes={args.episodes} is not allowed: it must be an integer >= 1")
    try:
        env_id = registry.resolve(args.id)
    except gym.error.NameNotFound as err:
        raise UsageError(str(err)) from None
    env_kwargs = parse_assignments(args.env_arg, "--env-arg")
    agent_kwargs = parse_assignments(args.agent_arg, "--agent-arg")
    try:
        agent = make_agent(args.agent, **agent_kwargs)
    except ValueError as err:
        raise UsageError(str(err)) from None
    view = args.view or getattr(agent, "view", "vector")
    try:
        env = gym.make(env_id, view=view, **env_kwargs)
    except ValueError as err:  # ConfigError is one
        raise UsageError(f"{env_id}: {err}") from None

    progress = Progress(
        TextColumn(f"[bold]{env_id}[/] · {args.agent}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("episodes"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
        disable=args.quiet,
    )
    with progress:
        bar = progress.add_task("run", total=args.episodes)
        try:
            results = run_episodes(
                env, agent, args.episodes, seed=args.seed,
                on_episode=lambda _: progress.advance(bar),
            )
        except ValueError as err:  # an agent that cannot play this env says so in reset()
            raise UsageError(str(err)) from None
        finally:
            env.close()

    stats = summarise(results)
    table = Table(title=f"{env_id} · agent {args.agent} · view {view} · {args.episodes} episodes from seed {args.seed}")
    table.add_column("metric")
    table.add_column("mean", justify="right")
    table.add_column("± 95% CI", justify="right")
    table.add_column("min", justify="right")
    table.add_column("max", justify="right")
    for name, values in stats.items():
        mean, half = mean_ci(values)
        table.add_row(name, f"{mean:.4g}", "—" if half != half else f"{half:.3g}",
                      f"{values.min():.4g}", f"{values.max():.4g}")
    console.print(table)
    if args.json:
        payload = {
            "id": env_id, "agent": args.agent, "agent_args": agent_kwargs, "env_args": env_kwargs,
            "view": view, "seed": args.seed, "loopgym_version": loopgym.__version__,
            "episodes": [r.as_dict() for r in results],
        }
        with open(args.json, "w") as fh:
            json.dump(payload, fh, indent=1)
        console.print(f"episodes written to {args.json}")
    return 0


def cmd_bench(args: argparse.Namespace, console: Console) -> int:
    from loopgym.bench.run import BenchError, run_bench

    try:
        result = run_bench(
            args.suite, args.agent or ["baseline"], seeds=args.seeds, out=args.out, executor=args.executor,
            workers=args.workers, address=args.address, resume=args.resume, job_timeout=args.job_timeout,
            progress=not args.quiet,
            reps=args.reps, command=" ".join(["loopgym", *sys.argv[1:]]) if args.command_line is None
            else args.command_line, console=console,
        )
    except BenchError as err:
        raise UsageError(str(err)) from None
    except RuntimeError as err:  # the ray executor without Ray installed
        raise UsageError(str(err)) from None
    counts = ", ".join(f"{v} {k}" for k, v in sorted(result.counts.items()))
    if result.interrupted:
        console.print(f"[yellow]interrupted[/]: {result.ran} jobs finished this time and are kept ({counts} "
                      f"in {result.out}); finish with: loopgym bench --suite {args.suite} --out {result.out} "
                      "--resume (and the same --agent and --seeds)")
        return 130
    _print_summary(console, result.records, args.reps, result.out if result.report else None)
    console.print(f"{result.ran} jobs run, {result.already} already done ({counts}) in "
                  f"{result.wall_seconds:.1f} s; report: {result.report}")
    return 1 if result.counts.get("failed") else 0


def _print_summary(console: Console, records: list[dict[str, Any]], reps: int, out: Any = None) -> None:
    """The per-entry table: from the report's ``summary.csv`` when there is one (the bootstrap is not
    drawn twice), else computed from ``records``."""
    from pathlib import Path

    from loopgym.bench.report import read_csv
    from loopgym.bench.stats import summary_rows

    csv_path = Path(out) / "summary.csv" if out is not None else None
    rows = read_csv(csv_path) if csv_path is not None and csv_path.exists() else summary_rows(records, reps=reps)
    rows = [r for r in rows if r["n"]]
    if not rows:
        return
    table = Table(title="gold: IQM [95% stratified bootstrap CI] over seeds")
    table.add_column("entry", no_wrap=True)
    table.add_column("agent", no_wrap=True)
    table.add_column("IQM [95% CI]", justify="right", no_wrap=True)
    table.add_column("success", justify="right")
    table.add_column("also", justify="right")
    table.add_column("n", justify="right")
    for r in rows:
        extra = next((f"{k} {r[k]:.3g}" for k in ("regret", "forgetting", "attempts") if r.get(k) is not None), "")
        table.add_row(r["entry"], r["agent"], f"{r['iqm']:.3f} [{r['ci_low']:.3f}, {r['ci_high']:.3f}]",
                      f"{r['success']:.2f}", extra, str(r["n"]))
    console.print(table)


def cmd_report(args: argparse.Namespace, console: Console) -> int:
    from pathlib import Path

    from loopgym.bench.report import load_reference, write_report
    from loopgym.bench.store import ResultStore, StoreError

    store = ResultStore(Path(args.dir))
    try:
        meta = store.manifest()
    except StoreError as err:
        raise UsageError(str(err)) from None
    if meta is None:
        raise UsageError(f"{args.dir} holds no loopgym bench run (no run.json); give the --out of a run")
    records = store.records()
    if not records:
        raise UsageError(f"{args.dir} holds no finished jobs yet")
    from loopgym.bench.run import in_suite_order
    from loopgym.bench.suite import SuiteError, load_suite

    try:
        suite = load_suite(meta.get("suite_path") or meta["suite"], check_envs=False)
    except SuiteError:  # the suite file moved: keep the order the jobs finished in
        suite = None
    records = in_suite_order(records, suite, meta.get("agents", []))
    path = write_report(store.out, records, meta, reps=args.reps, reference=load_reference(meta["suite"]))
    _print_summary(console, records, args.reps, store.out)
    console.print(f"report: {path}")
    return 0


def cmd_reproduce(args: argparse.Namespace, console: Console) -> int:
    try:
        from loopgym.baselines import reproduce
        from loopgym.baselines.training import BaselineConfigError
    except ImportError as err:
        raise UsageError(f"reproduce needs the baselines: pip install 'loopgym[baselines,bench]' ({err})") from None
    if args.list or args.name is None:
        if args.name is None and not args.list:
            raise UsageError("give a baseline NAME or --list")
        table = Table(title="loopgym reproduce NAME (stored reference IQM)")
        table.add_column("name", no_wrap=True, min_width=20)
        for col in ("env", "metric", "small", "full"):
            table.add_column(col)
        for name, t in sorted(reproduce.targets().items()):
            refs = []
            for scale in ("small", "full"):
                ref = reproduce.load_reference(name, scale)
                refs.append(f"{ref['summary']['iqm']:.3g} ({len(ref['summary']['seeds'])} seeds)" if ref else "-")
            table.add_row(name, t.env, t.metric, *refs)
        console.print(table)
        return 0
    try:
        import stable_baselines3  # noqa: F401
        import torch  # noqa: F401
    except ImportError as err:
        raise UsageError(f"reproduce needs torch and stable-baselines3: pip install 'loopgym[baselines]' ({err})") from None
    try:
        record = reproduce.run(args.name, scale=args.scale, seeds=args.seeds, out=args.out,
                               workers=args.workers or reproduce.default_workers(), device=args.device,
                               progress=not args.quiet, save_reference=args.save_reference, console=console)
    except BaselineConfigError as err:
        raise UsageError(str(err)) from None
    s = record["summary"]
    table = Table(title=f"{record['name']} ({record['scale']}): held-out {s['metric']} per seed")
    table.add_column("seed", justify="right")
    table.add_column(s["metric"], justify="right")
    table.add_column("env steps", justify="right")
    table.add_column("steps/s", justify="right")
    for r in record["runs"]:
        table.add_row(str(r["seed"]), f"{r['final']:.4g}", str(r["env_steps"]), f"{r['steps_per_s']:.0f}")
    console.print(table)
    console.print(f"IQM {s['iqm']:.4g} [95% CI {s['low']:.4g}, {s['high']:.4g}] over {len(s['seeds'])} seeds, "
                  f"{record['wall_s']:.0f} s on {record['device']}")
    color = {True: "green", False: "red", None: "yellow"}[record["reproduced"]]
    console.print(f"[{color}]{record['verdict']}[/]", highlight=False)
    return 1 if record["reproduced"] is False else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="loopgym", description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", action="version", version=f"loopgym {loopgym.__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("list", help="list the environment ids")
    p.add_argument("--family", help="only this family")
    p.add_argument("--markdown", action="store_true", help="print the README's markdown table")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("run", help="run an agent on an environment and summarise the episodes")
    p.add_argument("id", help="environment id, e.g. BernoulliBandit-v0 or loopgym/BernoulliBandit-v0")
    p.add_argument("--agent", default="random", help=f"one of {', '.join(AGENTS)}, or module:Class")
    p.add_argument("--episodes", type=int, default=10)
    p.add_argument("--seed", type=int, default=0, help="episode i uses reset(seed=SEED + i)")
    p.add_argument("--view", choices=["vector", "text"], help="default: the agent's view")
    p.add_argument("--env-arg", action="append", metavar="NAME=VALUE", help="environment argument (repeatable)")
    p.add_argument("--agent-arg", action="append", metavar="NAME=VALUE", help="agent argument (repeatable)")
    p.add_argument("--json", metavar="FILE", help="also write every episode's results as JSON")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("bench", help="benchmark agents on a suite: parallel, resumable, with a report")
    p.add_argument("--suite", default="quick", help="quick, core, full, or the path of a suite YAML file")
    p.add_argument("--agent", action="append", metavar="SPEC",
                   help="repeatable; default: baseline (each entry's reference agent). SPEC is a name "
                   f"({', '.join(AGENTS)}), replay:METHOD, sb3:[ALGO:]PATH.zip, chat(model=..., "
                   "base_url=...), FILE.py:NAME or MODULE:NAME, optionally with (name=value, ...)")
    p.add_argument("--seeds", type=int, help="seeds 0..N-1 per entry and agent (default: the suite's)")
    p.add_argument("--out", help="results folder (default: loopgym-runs/SUITE-TIMESTAMP)")
    p.add_argument("--resume", action="store_true", help="finish the run in --out: finished jobs are not repeated")
    p.add_argument("--executor", choices=["local", "ray"], default="local")
    p.add_argument("--workers", type=int, help="parallel jobs (default: the number of CPU cores)")
    p.add_argument("--address", help="Ray cluster address (with --executor ray; default: a new local instance)")
    p.add_argument("--job-timeout", type=float, metavar="SECONDS",
                   help="a job still running after this long is recorded as failed (default: no limit)")
    p.add_argument("--reps", type=int, default=2000, help="bootstrap resamples per interval")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--command-line", help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_bench)

    p = sub.add_parser("report", help="(re)draw the report of a bench results folder")
    p.add_argument("dir", help="the --out folder of a loopgym bench run")
    p.add_argument("--reps", type=int, default=2000, help="bootstrap resamples per interval")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("reproduce", help="re-run a pinned baseline and compare it with its stored reference")
    p.add_argument("name", nargs="?", help="a baseline, e.g. ppo-bernoulli (see --list)")
    p.add_argument("--list", action="store_true", help="list the baselines and their reference numbers")
    p.add_argument("--scale", choices=["small", "full"], default="small",
                   help="small: minutes, what CI checks; full: what the stored reference numbers came from")
    p.add_argument("--seeds", type=int, help="seeds 0..N-1 (default: as many as the reference has)")
    p.add_argument("--workers", type=int, help="seeds trained in parallel (default: the CPU cores, at most 5)")
    p.add_argument("--out", help="results folder (default: loopgym-runs/reproduce/NAME-SCALE); resumable")
    p.add_argument("--device", default="auto", help="auto (CUDA when there is a GPU), cpu, cuda, cuda:1, ...")
    p.add_argument("--save-reference", action="store_true", help="store this run as the reference (maintainers)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_reproduce)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    console = Console()
    try:
        return args.func(args, console)
    except UsageError as err:
        Console(stderr=True, soft_wrap=True).print(f"[red]loopgym {args.command}:[/] {err}", highlight=False)
        return 2


if __name__ == "__main__":
    sys.exit(main())
