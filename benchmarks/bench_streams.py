"""Continual-learning streams: env steps per second against CartPole, and the replay baselines'
training throughput as a ratio to naive fine-tuning, measured in the same run.

1. Env steps: each stream id (vector view, default arguments, ``gym.make`` with its default
   wrappers) and CartPole-v1 take the same number of steps with pre-drawn actions, in turn
   (A B A B ...), resetting when an episode ends; medians over the repeats.
2. Learners: every method of ``loopgym.baselines.replay`` plays one pass of class-incremental split
   digits (and permuted MNIST-1D) through :func:`loopgym.continual.run_stream` with continual
   evaluation switched off (one evaluation per task end); samples per second = stream length /
   wall time, methods interleaved, medians over repeats, each reported as a ratio to naive.
   ``--device cuda`` times them on a GPU (where one is present).

    python benchmarks/bench_streams.py [--steps 20000] [--repeats 5] [--device cpu] [--threads 1]
"""

from __future__ import annotations

import argparse
import platform
import statistics

import gymnasium as gym
import numpy as np
from bench_step import time_steps  # the same timed loop as the single-env benchmark

import loopgym  # noqa: F401  (registers the ids)

STREAM_IDS = ["loopgym/SplitDigits-v0", "loopgym/PermutedDigits-v0", "loopgym/RotatedDigits-v0",
              "loopgym/SplitMNIST1D-v0", "loopgym/PermutedMNIST1D-v0"]
METHODS = ["naive", "ewc", "er", "agem", "derpp"]
LEARNER_STREAMS = [("loopgym/SplitDigits-v0", "digits"), ("loopgym/PermutedMNIST1D-v0", "mnist1d")]


def bench_envs(steps: int, repeats: int) -> None:
    envs = {i: gym.make(i) for i in STREAM_IDS}
    envs["CartPole-v1"] = gym.make("CartPole-v1")
    rng = np.random.default_rng(0)
    actions = {n: [int(a) for a in rng.integers(0, e.action_space.n, steps)] for n, e in envs.items()}
    for n, e in envs.items():
        time_steps(e, actions[n][:500])
    times: dict[str, list[float]] = {n: [] for n in envs}
    for _ in range(repeats):
        for n, e in envs.items():
            times[n].append(time_steps(e, actions[n]))
    cart = statistics.median(times["CartPole-v1"])
    print(f"## Env steps ({repeats} interleaved runs of {steps} steps)\n")
    print("| env | median µs/step | steps/s | × CartPole's time |\n|---|---:|---:|---:|")
    for n, ts in times.items():
        m = statistics.median(ts)
        print(f"| {n} | {m * 1e6:.2f} | {1 / m:,.0f} | {m / cart:.2f} |")


def bench_learners(repeats: int, device: str) -> None:
    from loopgym.baselines.replay import load_config, make_learner
    from loopgym.continual import run_stream

    print(f"\n## Learner throughput on {device} ({repeats} interleaved runs; one pass, online)\n")
    for env_id, dataset in LEARNER_STREAMS:
        rates: dict[str, list[float]] = {m: [] for m in METHODS}
        for r in range(repeats + 1):  # the first round warms up (imports, allocator, kernels)
            for m in METHODS:
                env = gym.make(env_id)
                env.reset(seed=r)
                learner = make_learner(m, env.unwrapped.stream_info, r, load_config(m, dataset), device=device)
                run = run_stream(env, learner, seed=r, eval_every=10**9, env_id=env_id)
                env.close()
                if r:
                    rates[m].append(run.n_steps / run.seconds)
        base = statistics.median(rates["naive"])
        print(f"{env_id}\n\n| method | median samples/s | × naive |\n|---|---:|---:|")
        for m, rs in rates.items():
            med = statistics.median(rs)
            print(f"| {m} | {med:,.0f} | {med / base:.2f} |")
        print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=20_000, help="env steps per timed run")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per env / method (interleaved)")
    parser.add_argument("--device", default="cpu", help="where the learners train: cpu, cuda or auto")
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads (default 1)")
    parser.add_argument("--skip-envs", action="store_true")
    parser.add_argument("--skip-learners", action="store_true")
    args = parser.parse_args()
    print(f"python {platform.python_version()}, gymnasium {gym.__version__}, numpy {np.__version__}, "
          f"{platform.processor() or platform.machine()}\n")
    if not args.skip_envs:
        bench_envs(args.steps, args.repeats)
    if not args.skip_learners:
        import torch

        torch.set_num_threads(args.threads)
        print(f"\ntorch {torch.__version__}, {args.threads} CPU thread(s)")
        bench_learners(args.repeats, args.device)


if __name__ == "__main__":
    main()
