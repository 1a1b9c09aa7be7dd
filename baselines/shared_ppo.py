"""Shared-parameter PPO on ``multiplayer_bandit_v0`` (SuperSuit + stable-baselines3).

    python -m loopgym.baselines.shared_ppo --total-timesteps 20000 [--n-players 2 --n-arms 3 ...]

Parameter sharing (Gupta et al. 2017; Terry et al. 2020): one policy network acts for every player.
SuperSuit's ``pettingzoo_env_to_vec_env_v1`` turns the N-player parallel env into an N-env vector env
(one "env" per player), ``concat_vec_envs_v1`` stacks ``n_envs`` copies of it, and one PPO learns from
all ``N * n_envs`` streams at once; each player's reward is its own payoff. A shared policy that sees
the same thing for every player would pick the same arm for all of them and always collide, so the
vector observation ends with a one-hot of the player's own index: the network can learn "player 0 takes
the best arm, player 1 the second". The score is the env's own pseudo-regret (``info``), never the
noisy payoff: :func:`evaluate` plays the trained policy and, for comparison, a uniform random policy
on the same seeds.

SuperSuit marks the horizon as ``done`` without SB3's ``TimeLimit.truncated`` key, so PPO does not
bootstrap past it. That is right here: t / max_cycles is in the observation, so the last round is a
true end of the game for the policy, not a cut.
"""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np

from loopgym.envs.multiagent import multiplayer_bandit_v0

#: a policy: a batch of observations (one row per player) -> one arm per row
Policy = Callable[[np.ndarray], np.ndarray]


@dataclasses.dataclass
class Args:
    """Everything a run depends on; the same Args and seed give the same model on the same machine."""

    n_players: int = 2
    n_arms: int = 3
    max_cycles: int = 20
    means: tuple[float, ...] | None = (0.9, 0.8, 0.1)  # None: new means every episode (much harder)
    sensing: bool = True
    total_timesteps: int = 20_000  # player-steps: each vector step counts n_players * n_envs
    n_envs: int = 4  # copies of the N-player env
    seed: int = 0
    device: str = "auto"
    threads: int = 1  # torch threads: tiny networks run fastest on one
    # PPO
    learning_rate: float = 3e-3
    n_steps: int = 64  # per stream: a rollout is n_steps * n_players * n_envs samples
    batch_size: int = 128
    n_epochs: int = 4
    gamma: float = 0.9
    gae_lambda: float = 0.95
    ent_coef: float = 0.01
    net_arch: tuple[int, ...] = (64, 64)

    def env_kwargs(self) -> dict[str, Any]:
        return {"n_players": self.n_players, "n_arms": self.n_arms, "max_cycles": self.max_cycles,
                "means": self.means, "sensing": self.sensing}  # fmt: skip


def make_vec_env(args: Args):
    """The parallel env as one SB3 vector env of ``n_players * n_envs`` player streams."""
    import supersuit as ss
    from supersuit.vector.sb3_vector_wrapper import SB3VecEnvWrapper

    class SeededSB3VecEnv(SB3VecEnvWrapper):
        # Why not ``concat_vec_envs_v1(..., base_class="stable_baselines3")`` as is: SB3 seeds a vector env
        # with ``env.seed(seed)`` (``PPO(seed=...)`` -> ``set_random_seed``) and then calls ``reset()``
        # without arguments. SuperSuit 3.11's wrapper forwards ``seed`` to its ConcatVecEnv, a gymnasium
        # 1.x VectorEnv, which has no ``seed()`` any more (gymnasium seeds through ``reset(seed=...)``):
        # AttributeError. Passing no seed is worse, not better: every copy is a cloudpickle of one env,
        # RNG included, so unseeded copies draw identical payoffs. So ``seed`` is kept and handed to the
        # next ``reset``, where ConcatVecEnv gives copy i the seed ``seed + i``.
        _pending_seed: int | None = None

        def seed(self, seed: int | None = None):
            self._pending_seed = seed
            return [None if seed is None else seed + i for i in range(self.num_envs)]

        def reset(self, seed: int | None = None, options: dict | None = None):
            seed, self._pending_seed = (self._pending_seed if seed is None else seed), None
            observations, self.reset_infos = self.venv.reset(seed=seed, options=options)
            return observations

    vec = ss.pettingzoo_env_to_vec_env_v1(multiplayer_bandit_v0.parallel_env(**args.env_kwargs()))
    vec = ss.concat_vec_envs_v1(vec, args.n_envs, num_cpus=0, base_class="gymnasium")
    return SeededSB3VecEnv(vec)


def train(args: Args, *, eval_episodes: int = 20) -> tuple[Any, dict[str, Any]]:
    """Train shared-parameter PPO; returns the model and its evaluation next to the random policy's."""
    import torch
    from stable_baselines3 import PPO

    from loopgym.baselines.training import resolve_device

    threads = torch.get_num_threads()
    torch.set_num_threads(args.threads)
    try:
        torch.manual_seed(args.seed)
        vec = make_vec_env(args)
        model = PPO(
            "MlpPolicy", vec, seed=args.seed, device=resolve_device(args.device), verbose=0,
            learning_rate=args.learning_rate, n_steps=args.n_steps, batch_size=args.batch_size,
            n_epochs=args.n_epochs, gamma=args.gamma, gae_lambda=args.gae_lambda, ent_coef=args.ent_coef,
            policy_kwargs={"net_arch": list(args.net_arch)},
        )  # fmt: skip
        model.learn(total_timesteps=args.total_timesteps)
        vec.close()
        # evaluation seeds are far from the training seeds (training copy i is seeded args.seed + i)
        eval_seed = 10**6 + args.seed
        results = {
            "ppo": evaluate(model, args, episodes=eval_episodes, seed=eval_seed),
            "random": evaluate(
                random_policy(args.n_arms, args.seed), args, episodes=eval_episodes, seed=eval_seed
            ),
        }
    finally:
        torch.set_num_threads(threads)
    return model, results


def random_policy(n_arms: int, seed: int = 0) -> Policy:
    """Every player picks an arm uniformly at random every round."""
    rng = np.random.default_rng(seed)
    return lambda obs: rng.integers(n_arms, size=len(obs))


def as_policy(model_or_policy: Any, deterministic: bool = True) -> Policy:
    """An SB3 model (anything with ``predict``) as a batch policy; a callable passes through."""
    if hasattr(model_or_policy, "predict"):
        return lambda obs: model_or_policy.predict(obs, deterministic=deterministic)[0]
    return model_or_policy


def evaluate(model_or_policy: Any, args: Args, episodes: int = 20, seed: int = 0) -> dict[str, Any]:
    """Play ``episodes`` episodes (seeds ``seed, seed + 1, ...``) and score them with the env's info.

    ``system_regret``: mean over episodes of the cumulative system regret (its std alongside);
    ``system_regret_per_step``: that over ``max_cycles``; ``collision_rate``: the fraction of player-rounds
    that collided; ``player_regret``: each player's mean cumulative regret; ``gold``: mean per-round gold;
    ``success_rate``: the fraction of rounds at the optimum.
    """
    policy = as_policy(model_or_policy)
    env = multiplayer_bandit_v0.parallel_env(**args.env_kwargs())
    system, players, collisions, gold, success, rounds = [], [], 0, 0.0, 0, 0
    for episode in range(episodes):
        obs, _ = env.reset(seed=seed + episode)
        while env.agents:
            agents = list(env.agents)
            arms = np.asarray(policy(np.stack([obs[a] for a in agents]))).reshape(-1)
            obs, _, _, _, infos = env.step({a: int(arm) for a, arm in zip(agents, arms, strict=True)})
            collisions += sum(infos[a]["collision"] for a in agents)
            gold += infos[agents[0]]["gold"]
            success += infos[agents[0]]["success"]
            rounds += 1
        system.append(infos[agents[0]]["cumulative_system_regret"])
        players.append([infos[a]["cumulative_regret"] for a in env.possible_agents])
    env.close()
    return {
        "system_regret": float(np.mean(system)),
        "system_regret_std": float(np.std(system)),
        "system_regret_per_step": float(np.mean(system) / args.max_cycles),
        "collision_rate": collisions / (rounds * args.n_players),
        "player_regret": [float(x) for x in np.mean(players, axis=0)],
        "gold": gold / rounds,
        "success_rate": success / rounds,
        "episodes": episodes,
    }


def results_table(results: dict[str, dict[str, Any]], args: Args) -> str:
    """The evaluations side by side, one row per policy."""
    head = f"{'policy':<8}{'system regret':>16}{'per step':>10}{'collisions':>12}{'gold':>7}  player regret"
    rows = [
        f"multiplayer_bandit_v0 N={args.n_players} K={args.n_arms} T={args.max_cycles} means={args.means}",
        head,
    ]
    for name, r in results.items():
        per_player = " ".join(f"{x:.2f}" for x in r["player_regret"])
        rows.append(
            f"{name:<8}{r['system_regret']:>9.2f} ± {r['system_regret_std']:<4.2f}"
            f"{r['system_regret_per_step']:>10.3f}{r['collision_rate']:>12.2%}{r['gold']:>7.2f}  {per_player}"
        )
    return "\n".join(rows)


def parse_args(argv: list[str] | None = None) -> tuple[Args, int]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for field in dataclasses.fields(Args):
        flag = "--" + field.name.replace("_", "-")
        if field.name in ("means", "net_arch"):
            kind = float if field.name == "means" else int
            parser.add_argument(
                flag,
                type=kind,
                nargs="*",
                default=field.default,
                help=f"default {field.default} (means: no values = new means every episode)",
            )
        elif field.type == "bool":
            parser.add_argument(flag, action=argparse.BooleanOptionalAction, default=field.default)
        else:
            kind = {"int": int, "float": float, "str": str}[field.type]
            parser.add_argument(flag, type=kind, default=field.default, help=f"default {field.default}")
    parser.add_argument("--eval-episodes", type=int, default=20)
    ns = vars(parser.parse_args(argv))
    eval_episodes = ns.pop("eval_episodes")
    ns["means"] = tuple(ns["means"]) if ns["means"] else None
    ns["net_arch"] = tuple(ns["net_arch"])
    return Args(**ns), eval_episodes


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args, eval_episodes = parse_args(argv)
    _, results = train(args, eval_episodes=eval_episodes)
    print(results_table(results, args))
    return results


if __name__ == "__main__":
    main()
