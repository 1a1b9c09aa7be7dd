"""Env-steps per second of the native numpy vector bandit against Gymnasium's SyncVectorEnv.

Both come from ``gym.make_vec`` over the same id and arguments: ``vectorization_mode=
"vector_entry_point"`` (envs/bandits/vector.py) and ``"sync"`` (one single env per sub-env).
Action batches are drawn before the clock starts. The two are timed in turn, A B A B ..., and the
table reports medians over the repeats, because a shared machine is noisy. The native env's
throughput at a larger batch is printed too. Target: native >= 100x sync at 1024 envs.

    python benchmarks/bench_vector.py [--num-envs 1024] [--big 4096] [--repeats 5]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time

import gymnasium as gym
import numpy as np

import loopgym  # noqa: F401  (registers the ids)

TARGET = 100.0


def steps_per_second(env: gym.vector.VectorEnv, actions: np.ndarray) -> float:
    """Sub-env steps per second over the batches in ``actions`` (autoresets included)."""
    env.reset(seed=0)
    step = env.step
    start = time.perf_counter()
    for batch in actions:
        step(batch)
    return actions.size / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--id", default="loopgym/BernoulliBandit-v0")
    parser.add_argument("--num-envs", type=int, default=1024)
    parser.add_argument("--big", type=int, default=4096, help="a larger batch, native only")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per env (interleaved)")
    parser.add_argument("--native-steps", type=int, default=2000, help="batch steps per native run")
    parser.add_argument("--sync-steps", type=int, default=20, help="batch steps per sync run")
    parser.add_argument("--horizon", type=int, default=None, help="episode length (default: the env's)")
    args = parser.parse_args()

    def make(mode: str, n: int) -> gym.vector.VectorEnv:
        kwargs = {} if args.horizon is None else {"horizon": args.horizon}
        return gym.make_vec(args.id, num_envs=n, vectorization_mode=mode, **kwargs)

    runs = {
        f"native, {args.num_envs} envs": (make("vector_entry_point", args.num_envs), args.native_steps),
        f"sync, {args.num_envs} envs": (make("sync", args.num_envs), args.sync_steps),
        f"native, {args.big} envs": (make("vector_entry_point", args.big), args.native_steps),
    }
    rng = np.random.default_rng(0)
    actions = {
        name: rng.integers(0, env.single_action_space.n, (steps, env.num_envs))
        for name, (env, steps) in runs.items()
    }
    for name, (env, _) in runs.items():  # warm up
        steps_per_second(env, actions[name][:5])

    rates: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(args.repeats):
        for name, (env, _) in runs.items():
            rates[name].append(steps_per_second(env, actions[name]))

    medians = {name: statistics.median(r) for name, r in rates.items()}
    native, sync = list(runs)[:2]
    ratio = medians[native] / medians[sync]
    per_run = statistics.median(a / b for a, b in zip(rates[native], rates[sync], strict=True))
    print(f"python {platform.python_version()}, gymnasium {gym.__version__}, numpy {np.__version__}")
    horizon = runs[native][0].unwrapped.config.horizon
    print(
        f"{args.id}, horizon={horizon}; {args.repeats} interleaved runs "
        f"({args.native_steps} native / {args.sync_steps} sync batch steps each)\n"
    )
    print("| vector env | median env-steps/s | min | max |\n|---|---|---|---|")
    for name, r in rates.items():
        print(f"| {name} | {medians[name]:,.0f} | {min(r):,.0f} | {max(r):,.0f} |")
    print(
        f"\nratio native / sync at {args.num_envs} envs (of medians): {ratio:,.0f}x "
        f"(median of per-run ratios {per_run:,.0f}x); target >= {TARGET:.0f}x: "
        f"{'met' if ratio >= TARGET else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
