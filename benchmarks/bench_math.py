"""Math revision figures: generation and verification throughput per family (against reasoning-gym's
generation of a comparable dataset, in the same run), and the agents-by-feedback-level table.

Throughput: problems/s of ``generators.generate`` at level 3 over fresh indices; verifications/s of
``verify`` on a mix of right answers in their canonical form, right answers in another form
(a decimal, a LaTeX fraction, a boxed answer) and wrong ones. reasoning-gym: ``create_dataset(name,
seed, size)`` then ``ds[i]`` (it generates item ``i`` on access), timed the same way; its scorer is
timed too (``ds.score_answer``). Families and rounds alternate; medians of ``--repeats`` rounds.

Agents: accuracy at turns 1, 3, 5 of the random agent and a scripted agent on the vector views
(``FeedbackElimination`` on MathRevision: bisection under ``direction``, elimination otherwise;
``StepRepair`` on StepRevision: step repair under ``step``), ``--episodes`` episodes per cell, all
families mixed, level 3, 95% bootstrap intervals.

    python benchmarks/bench_math.py [--seconds 0.5] [--repeats 3] [--episodes 300] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time

import gymnasium as gym

import loopgym  # noqa: F401
from loopgym.agents import RandomAgent
from loopgym.baselines.math_agents import FeedbackElimination, StepRepair
from loopgym.envs.math_revision import scoring
from loopgym.envs.math_revision.feedback import LEVELS, STEP_LEVELS
from loopgym.envs.math_revision.generators import FAMILY_NAMES, generate, make_family_config
from loopgym.envs.math_revision.verify import verify

#: our family -> the reasoning-gym dataset closest to it
PEERS = {
    "arithmetic": "basic_arithmetic",
    "fractions": "fraction_simplification",
    "linear": "simple_equations",
    "quadratics": "polynomial_equations",
    "sequences": "number_sequence",
    "word_problems": "gsm_symbolic",
    "modular": "power_function",
}


def rate(fn, seconds: float) -> float:
    """Calls of ``fn(i)`` per second over about ``seconds``."""
    n, start = 0, time.perf_counter()
    while True:
        for _ in range(50):
            fn(n)
            n += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return n / elapsed


def answer_forms(problem) -> list[str]:
    a = problem.answer
    text = a.text()
    forms = [text, f"\\boxed{{{text}}}", f"The answer is {text}."]
    if a.kind == "scalar":
        v = a.values[0]
        forms.append(f"\\frac{{{v.numerator * 2}}}{{{v.denominator * 2}}}")
        forms.append(str(v.numerator + 1))  # wrong
    return forms


def throughput(seconds: float, repeats: int) -> list[dict]:
    try:
        import reasoning_gym
    except ImportError:
        reasoning_gym = None
    rows = []
    for name in FAMILY_NAMES:
        config = make_family_config(name, 3)
        problems = [generate(name, 7, i, config=config) for i in range(200)]
        cases = [(f, p.answer) for p in problems for f in answer_forms(p)]
        gen, ver, peer_gen, peer_score = [], [], [], []
        peer = PEERS.get(name) if reasoning_gym is not None else None
        ds = reasoning_gym.create_dataset(peer, seed=7, size=10**7) if peer else None
        entries = [ds[i] for i in range(200)] if ds is not None else []

        def gen_ours(i, base, name=name, config=config):
            return generate(name, 0, base + i, config=config)

        def verify_ours(i, cases=cases):
            return verify(*cases[i % len(cases)])

        def gen_peer(i, base, ds=ds):
            return ds[base + i]

        def score_peer(i, ds=ds, entries=entries):
            return ds.score_answer(entries[i % 200]["answer"], entries[i % 200])

        for r in range(repeats):
            base = r * 10**6
            gen.append(rate(lambda i, b=base: gen_ours(i, b), seconds))
            ver.append(rate(verify_ours, seconds))
            if ds is not None:
                peer_gen.append(rate(lambda i, b=base: gen_peer(i, b), seconds))
                peer_score.append(rate(score_peer, seconds))
        row = {"family": name, "generate_per_s": statistics.median(gen), "verify_per_s": statistics.median(ver)}
        if peer_gen:
            row.update(peer=peer, peer_generate_per_s=statistics.median(peer_gen),
                       peer_score_per_s=statistics.median(peer_score))
        rows.append(row)
    return rows


def agents_table(episodes: int) -> list[dict]:
    rows = []
    for env_id, levels, scripted in (("loopgym/MathRevision-v0", LEVELS, FeedbackElimination),
                                     ("loopgym/StepRevision-v0", STEP_LEVELS, StepRepair)):
        for level in levels:
            for agent in (RandomAgent(), scripted()):
                env = gym.make(env_id, feedback=level, level=3, max_attempts=5)
                eps = scoring.collect(env, agent, episodes, seed=10_000)
                m = scoring.revision_metrics(eps, ks=(1, 3, 5), n_boot=300) if env_id.endswith(
                    "MathRevision-v0") else None
                if m is None:  # StepRevision: success by turn k (an episode ends when solved)
                    m = {f"accuracy@{k}": scoring.accuracy_at([[{"correct": t["success"]} for t in e] for e in eps], k)
                         for k in (1, 3, 5)}
                rows.append({"env": env_id.split("/")[1], "feedback": level, "agent": type(agent).__name__,
                             **{k: m[k] for k in ("accuracy@1", "accuracy@3", "accuracy@5")},
                             "ci@5": m.get("ci", {}).get("accuracy@5")})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=0.5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--episodes", type=int, default=300)
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")
    rows = throughput(args.seconds, args.repeats)
    print("\n| family | problems/s | verifications/s | reasoning-gym peer | peer problems/s | ours / peer | peer scorer calls/s |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        if "peer" in r:
            print(f"| {r['family']} | {r['generate_per_s']:,.0f} | {r['verify_per_s']:,.0f} | {r['peer']} | "
                  f"{r['peer_generate_per_s']:,.0f} | {r['generate_per_s'] / r['peer_generate_per_s']:.2f}x | "
                  f"{r['peer_score_per_s']:,.0f} |")
        else:
            print(f"| {r['family']} | {r['generate_per_s']:,.0f} | {r['verify_per_s']:,.0f} | - | - | - | - |")
    table = agents_table(args.episodes)
    print("\n| env | feedback | agent | acc@1 | acc@3 | acc@5 | 95% CI of acc@5 |")
    print("|---|---|---|---|---|---|---|")
    for r in table:
        ci = r["ci@5"]
        ci_text = f"[{ci[0]:.2f}, {ci[1]:.2f}]" if ci else "-"
        print(f"| {r['env']} | {r['feedback']} | {r['agent']} | {r['accuracy@1']:.2f} | {r['accuracy@3']:.2f} | "
              f"{r['accuracy@5']:.2f} | {ci_text} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"throughput": rows, "agents": table}, f, indent=1)


if __name__ == "__main__":
    main()
