"""``loopgym bench`` itself: wall time of a suite, parallel scaling, and Ray against the local executor.

Each configuration runs the whole command in a fresh process (``loopgym bench --suite SUITE --agent
AGENTS --quiet --out <new folder>``), in turn within each round (local x1, local x2, ray x2, then again),
so a slow spell of a noisy machine hits every configuration alike. Two times are taken per run:

- *command*: the command's wall time from start to exit (imports, suite check, jobs, report);
- *jobs*: the time from the first job handed out to the last record written (``run.json``'s
  ``wall_seconds``) — the part the executor decides.

Ratios are of medians over rounds: scaling = local x1 / local x2; Ray = ray x2 / local x2.

    python benchmarks/bench_bench.py [--suite quick] [--agent baseline] [--rounds 3] [--no-ray]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path


def run_once(suite: str, agents: list[str], executor: str, workers: int, out: Path) -> tuple[float, float]:
    cmd = ["loopgym", "bench", "--suite", suite, "--out", str(out), "--quiet", "--executor", executor,
           "--workers", str(workers)]
    for a in agents:
        cmd += ["--agent", a]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    jobs = json.loads((out / "run.json").read_text())["wall_seconds"]
    return wall, jobs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--suite", default="quick")
    parser.add_argument("--agent", action="append", help="default: baseline")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-ray", action="store_true")
    args = parser.parse_args()
    agents = args.agent or ["baseline"]
    configs = [("local", 1), ("local", 2)] + ([] if args.no_ray else [("ray", 2)])
    times: dict[tuple[str, int], list[tuple[float, float]]] = {c: [] for c in configs}
    root = Path(tempfile.mkdtemp(prefix="bench_bench_"))
    try:
        for r in range(args.rounds):
            for executor, workers in configs:
                out = root / f"{executor}{workers}-{r}"
                wall, jobs = run_once(args.suite, agents, executor, workers, out)
                times[(executor, workers)].append((wall, jobs))
                print(f"round {r + 1}: {executor} x{workers}: command {wall:.1f} s, jobs {jobs:.1f} s", flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)

    med = {c: (statistics.median(w for w, _ in v), statistics.median(j for _, j in v)) for c, v in times.items()}
    print(f"\nsuite {args.suite}, agents {', '.join(agents)}; {os.cpu_count()} cores, {platform.processor() or platform.machine()}, "
          f"medians of {args.rounds} rounds")
    print("| executor | workers | command (s) | jobs (s) |")
    print("|---|---:|---:|---:|")
    for (executor, workers), (wall, jobs) in med.items():
        print(f"| {executor} | {workers} | {wall:.1f} | {jobs:.1f} |")
    one, two = med[("local", 1)], med[("local", 2)]
    print(f"\nscaling, local x1 / local x2: command {one[0] / two[0]:.2f}x, jobs {one[1] / two[1]:.2f}x")
    if ("ray", 2) in med:
        ray = med[("ray", 2)]
        print(f"ray x2 / local x2: command {ray[0] / two[0]:.2f}x, jobs {ray[1] / two[1]:.2f}x")


if __name__ == "__main__":
    main()
