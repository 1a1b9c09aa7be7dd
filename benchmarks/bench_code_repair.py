"""Steps per second of ``loopgym/CodeRepair-v0`` (text and vector views), and the corpus's size.

Each step runs the attempt in the sandbox against the visible and hidden cases. Text view: the
agent alternates the buggy program and the reference (so half the steps end the episode and the
timed loop includes resets, each of which also runs the buggy program once). Vector view: random
masked candidate edits. Views are timed in turn over ``--repeats`` rounds; medians are reported.

    python benchmarks/bench_code_repair.py [--steps 300] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from importlib import resources

import gymnasium as gym
import numpy as np

import loopgym  # noqa: F401
from loopgym.envs.code_repair.corpus import PROGRAMS
from loopgym.envs.code_repair.mutate import BUG_CLASSES
from loopgym.envs.code_repair.task import corpus_specs

ID = "loopgym/CodeRepair-v0"
_DATA = json.loads(resources.files("loopgym.envs.code_repair").joinpath("data/corpus.json").read_text())
LOOPING = {t["task_id"] for t in _DATA["tasks"] if t["timeout"]}


def _without_loops(env: gym.Env, skip: bool) -> gym.Env:
    """Optionally drop the tasks whose buggy program never ends (each run of one costs ``timeout_s``)."""
    if skip:
        task = env.unwrapped.task
        task.specs = tuple(s for s in task.specs if s.task_id not in LOOPING)
    return env


def time_text(steps: int, seed: int, skip: bool = False) -> float:
    env = _without_loops(gym.make(ID, view="text", split="all"), skip)
    env.reset(seed=seed)
    start = time.perf_counter()
    for i in range(steps):
        spec = env.unwrapped.problem.spec
        _, _, term, trunc, _ = env.step(spec.reference if i % 2 else spec.buggy)
        if term or trunc:
            env.reset()
    return steps / (time.perf_counter() - start)


def time_vector(steps: int, seed: int, skip: bool = False) -> float:
    env = _without_loops(gym.make(ID, split="all"), skip)
    env.reset(seed=seed)
    rng = np.random.default_rng(seed)
    start = time.perf_counter()
    for _ in range(steps):
        mask = env.unwrapped.action_masks()
        _, _, term, trunc, _ = env.step(int(rng.choice(np.flatnonzero(mask))))
        if term or trunc:
            env.reset()
    return steps / (time.perf_counter() - start)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    time_text(20, 0), time_vector(20, 0)  # warm up: sandbox start, corpus load
    rates: dict[str, list[float]] = {}
    for r in range(args.repeats):
        for skip in (False, True):
            tag = " (tasks that loop forever left out)" if skip else " (all tasks)"
            rates.setdefault("text" + tag, []).append(time_text(args.steps, r, skip))
            rates.setdefault("vector" + tag, []).append(time_vector(args.steps, r, skip))
    specs = corpus_specs()
    n_test = len({s.task_id.split("/")[0] for s in specs if s.split == "test"})
    print(f"python {platform.python_version()}, {os.cpu_count()} cpus, {platform.machine()}")
    print(f"corpus: {len(PROGRAMS)} programs ({n_test} held out for test), {len(specs)} tasks, "
          f"{len({k for s in specs for k in s.bugs})} of {len(BUG_CLASSES)} bug classes used, "
          f"{len(LOOPING)} tasks whose buggy program loops until the 1 s timeout")
    print("\n| view | median steps/s | min | max |\n|---|---|---|---|")
    for view, rs in rates.items():
        print(f"| {view} | {statistics.median(rs):.0f} | {min(rs):.0f} | {max(rs):.0f} |")


if __name__ == "__main__":
    main()
