"""MaskablePPO (sb3-contrib) on ``loopgym/MathRevision-v0``'s vector view, against a random masked agent.

Trains ``MultiInputPolicy`` (sb3-contrib defaults but ``n_steps=512, batch_size=128``) for ``--steps``
steps at level 3, ``max_attempts=5``, then evaluates the deterministic policy on 300 episodes from
seed 10000 with ``scoring.revision_metrics``. ``--agent random`` skips training and evaluates the
random agent with the same masks.

    python benchmarks/bench_math_ppo.py --feedback direction --steps 30000 [--mask-ruled-out] [--agent random]
"""

from __future__ import annotations

import argparse
import time

import gymnasium as gym

import loopgym  # noqa: F401
from loopgym.agents import RandomAgent
from loopgym.envs.math_revision import scoring


class PolicyAgent:
    view = "vector"

    def __init__(self, model):
        self.model = model

    def reset(self, env, *, seed=None):
        self.env = env

    def act(self, obs):
        masks = self.env.unwrapped.action_masks()
        return int(self.model.predict(obs, action_masks=masks, deterministic=True)[0])

    def observe(self, *args):
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feedback", default="direction")
    parser.add_argument("--steps", type=int, default=30_000)
    parser.add_argument("--mask-ruled-out", action="store_true")
    parser.add_argument("--agent", choices=("ppo", "random"), default="ppo")
    parser.add_argument("--episodes", type=int, default=300)
    args = parser.parse_args()

    def make():
        return gym.make("loopgym/MathRevision-v0", feedback=args.feedback, level=3, max_attempts=5,
                        mask_ruled_out=args.mask_ruled_out)

    rate = None
    if args.agent == "ppo":
        from sb3_contrib import MaskablePPO

        model = MaskablePPO("MultiInputPolicy", make(), seed=0, verbose=0, n_steps=512, batch_size=128)
        start = time.perf_counter()
        model.learn(args.steps)
        rate = args.steps / (time.perf_counter() - start)
        agent = PolicyAgent(model)
    else:
        agent = RandomAgent()
    m = scoring.revision_metrics(scoring.collect(make(), agent, args.episodes, seed=10_000))
    print(args.agent, args.feedback, f"mask_ruled_out={args.mask_ruled_out}",
          f"training steps/s={rate:.0f}" if rate else "",
          {k: round(v, 3) for k, v in m.items() if k.startswith("accuracy")})


if __name__ == "__main__":
    main()
