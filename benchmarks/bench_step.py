"""Time one ``step()`` of a loopgym bandit against CartPole, both from ``gym.make`` with its default
wrappers (order enforcing, the passive env checker; CartPole also has its TimeLimit).

Actions are drawn before the clock starts; an episode that ends is reset inside the timed loop
(CartPole's episodes are short, so its figure includes many resets). The two envs are timed in
turn, A B A B ..., and the table reports medians over the repeats, because a shared machine is
noisy. Target: loopgym <= 1.5x CartPole.

    python benchmarks/bench_step.py [--steps 20000] [--repeats 7]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time

import gymnasium as gym
import numpy as np

import loopgym  # noqa: F401  (registers the ids)

TARGET = 1.5


def time_steps(env: gym.Env, actions: np.ndarray) -> float:
    """Mean seconds per step over ``actions``, resetting whenever an episode ends."""
    env.reset(seed=0)
    step, reset = env.step, env.reset
    start = time.perf_counter()
    for action in actions:
        _, _, terminated, truncated, _ = step(action)
        if terminated or truncated:
            reset()
    return (time.perf_counter() - start) / len(actions)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--steps", type=int, default=20_000, help="steps per timed run")
    parser.add_argument("--repeats", type=int, default=7, help="timed runs per env (interleaved)")
    parser.add_argument("--bandit", default="loopgym/BernoulliBandit-v0")
    args = parser.parse_args()

    envs = {args.bandit: gym.make(args.bandit), "CartPole-v1": gym.make("CartPole-v1")}
    rng = np.random.default_rng(0)
    actions = {
        name: [int(a) for a in rng.integers(0, env.action_space.n, args.steps)] for name, env in envs.items()
    }
    for name, env in envs.items():  # warm up (imports, caches)
        time_steps(env, actions[name][:1000])

    times: dict[str, list[float]] = {name: [] for name in envs}
    for _ in range(args.repeats):
        for name, env in envs.items():
            times[name].append(time_steps(env, actions[name]))

    medians = {name: statistics.median(ts) for name, ts in times.items()}
    ratios = [b / c for b, c in zip(times[args.bandit], times["CartPole-v1"], strict=True)]
    ratio = medians[args.bandit] / medians["CartPole-v1"]
    print(f"python {platform.python_version()}, gymnasium {gym.__version__}, numpy {np.__version__}")
    print(f"{args.repeats} interleaved runs of {args.steps} steps each\n")
    print("| env | median us/step | min | max |\n|---|---|---|---|")
    for name, ts in times.items():
        print(f"| {name} | {medians[name] * 1e6:.2f} | {min(ts) * 1e6:.2f} | {max(ts) * 1e6:.2f} |")
    print(
        f"\nratio loopgym / CartPole (of medians): {ratio:.2f}x "
        f"(median of per-run ratios {statistics.median(ratios):.2f}x); target <= {TARGET}x: "
        f"{'met' if ratio <= TARGET else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
