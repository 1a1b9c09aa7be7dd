"""PPO baselines on the vector view of every family (stable-baselines3 and sb3-contrib).

    python -m loopgym.baselines.ppo NAME [--seed 0] [--scale small|full] [--out DIR] [--device auto]

or ``loopgym reproduce ppo-NAME``. One experiment of ``baselines/configs/ppo.yaml`` names the env, its
arguments and held-out overrides, the algorithm and its hyperparameters:

* ``RecurrentPPO`` (an LSTM policy) for the bandits: the policy sees only its last arm and payoff, so it
  must learn to explore within an episode from its own memory (RL², Duan et al. 2016). Arms are drawn
  afresh every episode, so what it learns is a bandit algorithm, not the arms.
* ``MaskablePPO`` where the vector view's candidates vary (code repair, math revision): it never picks
  an empty slot. Its policy is ``CandidatePolicy`` (``candidate_policy.py``): one network scores every
  candidate's row, the same network expert iteration's apprentice uses.
* ``PPO`` elsewhere (the streams, whose labels are all always allowed).

A run trains on ``n_envs`` copies of the env, evaluates the policy on held-out episodes every
``eval_every`` env steps (held-out programs for code repair: ``eval_kwargs: {split: test}``;
elsewhere unseen seeds), checkpoints at the same moments, and logs to TensorBoard when it is installed
(``tensorboard --logdir OUT/tb``). Calling :func:`train` again on the same ``out_dir`` resumes from the
last checkpoint, or returns the finished result.

``reward: regret`` trains a bandit policy on the negative per-step pseudo-regret (the expected payoff
lost to the best arm), which the env knows and the policy never sees: the same optimum as the payoff,
with far less variance. Scores are always the env's own (``info``), whatever the training reward.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import gymnasium as gym

from loopgym.baselines.training import (
    CurveLog,
    TrainResult,
    config_hash,
    device_name,
    evaluate,
    experiment_config,
    make_eval_env,
    progress_bar,
    resolve_device,
)

ALGOS = ("PPO", "MaskablePPO", "RecurrentPPO")
REQUIRED = ("env", "algo", "timesteps", "n_envs", "eval_every", "eval_episodes", "hyperparams")
DEFAULTS: dict[str, Any] = {"policy_kwargs": {}, "reward": "env", "threads": 1, "vec_env": "dummy",
                            "deterministic": True}


def load_config(name: str, scale: str = "small", overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Experiment ``name`` of ``configs/ppo.yaml`` at ``scale``, with ``overrides`` on top."""
    cfg = experiment_config("ppo", name, scale, required=REQUIRED, defaults=DEFAULTS)
    cfg.update(overrides or {})
    if cfg["algo"] not in ALGOS:
        raise ValueError(f"ppo.yaml: {name}: algo={cfg['algo']!r} is not allowed: one of {', '.join(ALGOS)}")
    if cfg["reward"] not in ("env", "regret"):
        raise ValueError(f"ppo.yaml: {name}: reward={cfg['reward']!r} is not allowed: 'env' or 'regret'")
    return cfg


class RegretReward(gym.Wrapper):
    """Reward = minus the step's pseudo-regret (``info["regret"]``); see the module docstring."""

    def step(self, action):
        obs, _, terminated, truncated, info = self.env.step(action)
        return obs, -float(info["regret"]), terminated, truncated, info


def _algo_class(algo: str) -> type:
    if algo == "PPO":
        from stable_baselines3 import PPO

        return PPO
    import sb3_contrib

    return getattr(sb3_contrib, algo)


def _policy(cfg: dict[str, Any], space: gym.Space) -> Any:
    if cfg.get("policy") == "CandidatePolicy":
        from loopgym.baselines.candidate_policy import CandidatePolicy

        return CandidatePolicy
    if "policy" in cfg:
        return cfg["policy"]
    multi = isinstance(space, gym.spaces.Dict)
    if cfg["algo"] == "RecurrentPPO":
        return "MultiInputLstmPolicy" if multi else "MlpLstmPolicy"
    return "MultiInputPolicy" if multi else "MlpPolicy"


def make_train_env(cfg: dict[str, Any], seed: int):
    """``n_envs`` training envs as an SB3 VecEnv; env ``i`` first resets with seed ``seed * 10**6 + i``."""
    from stable_baselines3.common.vec_env import DummyVecEnv, SubprocVecEnv

    def one():
        env = gym.make(cfg["env"], **cfg["env_kwargs"])
        return RegretReward(env) if cfg["reward"] == "regret" else env

    vec = SubprocVecEnv if cfg["vec_env"] == "subproc" else DummyVecEnv
    venv = vec([one] * int(cfg["n_envs"]))
    venv.seed(seed * 10**6)
    return venv


def _checkpoint(out: Path) -> tuple[Path | None, int]:
    """The latest checkpoint in ``out`` and the env steps it was taken at."""
    meta = out / "checkpoint.json"
    if not meta.is_file():
        return None, 0
    try:
        steps = int(json.loads(meta.read_text())["steps"])
    except (ValueError, KeyError, TypeError):
        return None, 0
    path = out / "checkpoint.zip"
    return (path, steps) if path.is_file() else (None, 0)


def _callback(cfg: dict[str, Any], out: Path, curve: CurveLog, start: int, progress: bool):
    """An SB3 callback that evaluates held-out and checkpoints every ``eval_every`` env steps."""
    from stable_baselines3.common.callbacks import BaseCallback

    from loopgym.bench.adapters import SB3Agent

    every, total = int(cfg["eval_every"]), int(cfg["timesteps"])
    advance, close = progress_bar(progress, total, f"{cfg['algo']} {cfg['name']}")
    eval_env = make_eval_env(cfg)

    class EvalCheckpoint(BaseCallback):
        eval_s = 0.0
        next_at = (start // every + 1) * every

        def _on_step(self) -> bool:
            advance(self.num_timesteps)
            if self.num_timesteps >= self.next_at:
                self.next_at = (self.num_timesteps // every + 1) * every
                self.checkpoint()
            return True

        def checkpoint(self) -> None:
            t0 = time.perf_counter()
            metrics = evaluate(SB3Agent(self.model, deterministic=cfg["deterministic"]), cfg, env=eval_env)
            curve.add(self.num_timesteps, metrics)
            if getattr(self.model, "_logger", None) is not None:  # not before learn() sets it up
                for key in ("success", "gold", "regret"):
                    if key in metrics:
                        self.logger.record(f"eval/{key}", metrics[key])
            self.model.save(out / "checkpoint.zip")
            (out / "checkpoint.json").write_text(json.dumps({"steps": self.num_timesteps}))
            self.eval_s += time.perf_counter() - t0

        def close(self) -> None:
            close()
            eval_env.close()

    return EvalCheckpoint()


def train(name: str, seed: int, out_dir: str | Path, *, scale: str = "small", device: str = "auto",
          progress: bool = False, resume: bool = True, overrides: dict[str, Any] | None = None) -> TrainResult:
    """Train experiment ``name`` with ``seed`` into ``out_dir`` (see the module docstring)."""
    import torch

    cfg = load_config(name, scale, overrides)
    digest = config_hash(cfg)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    done = out / "result.json"
    finished = TrainResult.finished(out, digest, seed) if resume else None
    if finished is not None:
        return finished
    if not resume:
        for stale in ("checkpoint.zip", "checkpoint.json", "curve.json", "result.json"):
            (out / stale).unlink(missing_ok=True)
    (out / "config.json").write_text(json.dumps(cfg, indent=1, default=str))

    torch.set_num_threads(int(cfg["threads"]))
    torch.manual_seed(seed)
    dev = resolve_device(device)
    venv = make_train_env(cfg, seed)
    algo = _algo_class(cfg["algo"])
    path, start = _checkpoint(out) if resume else (None, 0)
    tb = str(out / "tb") if _has_tensorboard() else None
    if path is not None:
        model = algo.load(path, env=venv, device=dev, tensorboard_log=tb)
    else:
        model = algo(_policy(cfg, venv.observation_space), venv, seed=seed, device=dev, verbose=0,
                     tensorboard_log=tb, policy_kwargs=cfg["policy_kwargs"] or None, **cfg["hyperparams"])  # fmt: skip
    curve = CurveLog(out / "curve.json")
    curve.truncate(start)
    callback = _callback(cfg, out, curve, start, progress)
    t0 = time.perf_counter()
    try:
        if not curve.points:  # the untrained policy: where every curve starts
            callback.init_callback(model)
            callback.checkpoint()
        model.learn(total_timesteps=max(0, int(cfg["timesteps"]) - start), callback=callback,
                    reset_num_timesteps=path is None, tb_log_name=cfg["algo"])  # fmt: skip
        if curve.points[-1]["steps"] < model.num_timesteps:
            callback.checkpoint()
    finally:
        callback.close()
        venv.close()
    wall = time.perf_counter() - t0
    result = TrainResult(
        algo=f"ppo/{cfg['algo']}", name=name, env=cfg["env"], seed=seed, scale=scale, metric=cfg["metric"],
        final=float(curve.points[-1][cfg["metric"]]), curve=curve.points,
        env_steps=int(model.num_timesteps - start), train_s=wall - callback.eval_s, wall_s=wall,
        device=device_name(dev), config_hash=digest, extra={"resumed_from": start},
    )  # fmt: skip
    model.save(out / "model.zip")
    done.write_text(json.dumps(result.as_dict(), indent=1))
    return result


def _has_tensorboard() -> bool:
    try:
        import tensorboard  # noqa: F401
    except ImportError:
        return False
    return True


def load_agent(out_dir: str | Path):
    """The trained policy of a run as a loopgym agent (``loopgym.bench.adapters.SB3Agent``)."""
    from loopgym.bench.adapters import SB3Agent

    out = Path(out_dir)
    cfg = json.loads((out / "config.json").read_text())
    return SB3Agent.load(out / "model.zip", algo=cfg["algo"], deterministic=cfg["deterministic"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m loopgym.baselines.ppo", description=__doc__.split("\n")[0])
    parser.add_argument("name")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--scale", default="small")
    parser.add_argument("--out", default=None)
    parser.add_argument("--device", default="auto")
    args = parser.parse_args(argv)
    out = args.out or f"loopgym-runs/ppo-{args.name}-{args.scale}-seed{args.seed}"
    r = train(args.name, args.seed, out, scale=args.scale, device=args.device, progress=True)
    print(f"{r.name} seed {r.seed}: held-out {r.metric} {r.final:.4f} after {r.env_steps} env steps "
          f"({r.steps_per_s:.0f} steps/s on {r.device}, {r.wall_s:.0f} s); {out}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
