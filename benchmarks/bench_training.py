"""Training throughput of every learning baseline: env steps per second, CPU and (when there is one) GPU.

    python benchmarks/bench_training.py [--targets ppo-bernoulli ...] [--devices cpu cuda]

Each target trains one seed of its small-scale config (the same code path as ``loopgym reproduce``)
on each device in turn, in this process, and reports env steps per second of training (held-out
evaluation excluded) and the GPU / CPU ratio measured in the same run. One torch thread on the CPU,
as the reference runs use.
"""

from __future__ import annotations

import argparse
import tempfile

import loopgym  # noqa: F401
from loopgym.baselines import reproduce
from loopgym.bench.run import machine


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--targets", nargs="*", default=sorted(reproduce.targets()))
    parser.add_argument("--devices", nargs="*", default=None)
    args = parser.parse_args()
    import torch

    devices = args.devices or (["cpu", "cuda"] if torch.cuda.is_available() else ["cpu"])
    print(f"machine: {machine()}; devices: {', '.join(devices)}")
    print("| baseline | " + " | ".join(f"{d} steps/s" for d in devices) + (" | GPU / CPU |" if len(devices) > 1 else " |"))
    print("|---|" + "---:|" * (len(devices) + (len(devices) > 1)))
    for name in args.targets:
        target = reproduce.get_target(name)
        rates = []
        for dev in devices:
            with tempfile.TemporaryDirectory() as out:
                r = target.module.train(target.experiment, 0, out, scale="small", device=dev, resume=False)
            rates.append(r.steps_per_s)
        ratio = f" | {rates[1] / rates[0]:.2f} |" if len(rates) > 1 else " |"
        print(f"| `{name}` | " + " | ".join(f"{x:.0f}" for x in rates) + ratio, flush=True)


if __name__ == "__main__":
    main()
