"""The multi-agent loops: speed, and the judge-gold gap of a learning author.

``speed``: PettingZoo's ``performance_benchmark`` (random actions for 5 s, AEC API, turns per
second) on each environment's vector view, next to the single-agent env it is built on, stepped
with random actions for 5 s in the same run (``CodeRepair-v0``, ``MathRevision-v0``,
``BernoulliBandit-v0``); the ratio says what the second agent and PettingZoo's bookkeeping cost.
A turn is one agent's action; a review-loop round is two turns.

``gap``: a PPO author (stable-baselines3, ``MultiInputPolicy``) learns on ``author_reviewer_v0``
against a fixed reviewer (``AgainstFixed``): the lenient reviewer in ``judged`` mode (the author is
rewarded by a score that checks only the visible examples) and the honest reviewer in
``cooperative`` mode (rewarded by gold). Every review's judge-gold gap and whether the submission
special-cased the known tests are logged during training and averaged in bins of training steps.

    python benchmarks/bench_multiagent.py speed
    python benchmarks/bench_multiagent.py gap --steps 3000 --seeds 0 1 [--out gap.json]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import re
import time

import gymnasium as gym
import numpy as np

import loopgym  # noqa: F401  (registers the single-agent ids)
from loopgym.bench.run import machine
from loopgym.envs.multiagent import author_reviewer_v0, multiplayer_bandit_v0, solver_verifier_v0
from loopgym.envs.multiagent.policies import honest_reviewer, lenient_reviewer
from loopgym.envs.multiagent.wrappers import AgainstFixed

PAIRS = [
    ("author_reviewer_v0", lambda: author_reviewer_v0.env(max_cycles=8), "loopgym/CodeRepair-v0"),
    ("solver_verifier_v0", lambda: solver_verifier_v0.env(max_cycles=8), "loopgym/MathRevision-v0"),
    ("multiplayer_bandit_v0", lambda: multiplayer_bandit_v0.env(n_players=2, n_arms=5), "loopgym/BernoulliBandit-v0"),
]


def pettingzoo_turns_per_second(env) -> float:
    from pettingzoo.test import performance_benchmark

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        performance_benchmark(env)
    return float(re.search(r"([0-9.eE+-]+) turns per second", out.getvalue()).group(1))


def gym_steps_per_second(env_id: str, seconds: float = 5.0) -> float:
    env = gym.make(env_id)
    env.reset(seed=0)
    env.action_space.seed(0)
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        _, _, terminated, truncated, _ = env.step(env.action_space.sample())
        steps += 1
        if terminated or truncated:
            env.reset()
    return steps / (time.perf_counter() - start)


def speed() -> None:
    print(f"machine: {machine()}")
    print("| env | turns/s (PettingZoo performance_benchmark) | single-agent peer | peer steps/s | ratio |")
    print("|---|---|---|---|---|")
    for name, make, peer in PAIRS:
        ours = pettingzoo_turns_per_second(make())
        theirs = gym_steps_per_second(peer)
        print(f"| {name} | {ours:,.0f} | {peer} | {theirs:,.0f} | {ours / theirs:.2f} |")


class InfoLog(gym.Wrapper):
    """Keeps (step, gap, special_cased, gold) of every step the learner takes."""

    def __init__(self, env):
        super().__init__(env)
        self.rows: list[tuple[int, float, bool, float]] = []

    def step(self, action):
        obs, reward, terminated, truncated, info = self.env.step(action)
        self.rows.append((len(self.rows), float(info["gap"]), bool(info["special_cased"]), float(info["gold"])))
        return obs, reward, terminated, truncated, info


ARMS = {
    "judged + lenient reviewer": ("judged", lenient_reviewer),
    "cooperative + honest reviewer": ("cooperative", honest_reviewer),
}


def gap(steps: int, seeds: list[int], bins: int, out: str | None) -> None:
    import torch
    from stable_baselines3 import PPO

    torch.set_num_threads(1)
    results = {}
    for arm, (mode, reviewer) in ARMS.items():
        for seed in seeds:
            env = InfoLog(AgainstFixed(
                author_reviewer_v0.env(mode=mode, max_cycles=4, n_candidates=16, split="train"),
                "author", {"reviewer": reviewer()},
            ))  # fmt: skip
            env.reset(seed=seed)
            model = PPO("MultiInputPolicy", env, n_steps=128, batch_size=64, n_epochs=4, learning_rate=1e-3,
                        gamma=0.9, ent_coef=0.01, seed=seed, device="cpu", verbose=0)  # fmt: skip
            start = time.perf_counter()
            model.learn(steps)
            rows = np.array(env.rows[:steps], dtype=np.float64)
            edges = np.linspace(0, len(rows), bins + 1).astype(int)
            per_bin = [
                {"steps": int(hi), "gap": float(rows[lo:hi, 1].mean()), "special_cased": float(rows[lo:hi, 2].mean()),
                 "gold": float(rows[lo:hi, 3].mean())}
                for lo, hi in zip(edges[:-1], edges[1:], strict=True)
            ]  # fmt: skip
            results.setdefault(arm, {})[seed] = per_bin
            print(f"{arm}, seed {seed}: {time.perf_counter() - start:.0f} s", flush=True)
    print(f"machine: {machine()}")
    print("| arm | " + " | ".join(f"steps {b['steps']}" for b in next(iter(results.values()))[seeds[0]]) + " |")
    print("|---|" + "---|" * bins)
    for arm, by_seed in results.items():
        for key in ("gap", "special_cased", "gold"):
            means = np.mean([[b[key] for b in by_seed[s]] for s in seeds], axis=0)
            print(f"| {arm}: {key} | " + " | ".join(f"{m:.2f}" for m in means) + " |")
    if out:
        with open(out, "w") as f:
            json.dump({"steps": steps, "seeds": seeds, "machine": machine(), "results": results}, f, indent=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    sub.add_parser("speed")
    g = sub.add_parser("gap")
    g.add_argument("--steps", type=int, default=3000)
    g.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    g.add_argument("--bins", type=int, default=6)
    g.add_argument("--out", default=None)
    args = parser.parse_args()
    if args.what == "speed":
        speed()
    else:
        gap(args.steps, args.seeds, args.bins, args.out)


if __name__ == "__main__":
    main()
