"""What the learning baselines share: their configs, held-out evaluation and the result of a run.

A learning baseline (``ppo``, ``expert_iteration``) is one file that reads top to bottom; this module
holds only what both need, so that ``loopgym reproduce`` treats them alike.

Configs are YAML, one file per algorithm in ``baselines/configs/`` (rl-baselines3-zoo style): a top-level
key per experiment, each with the env, its arguments, the held-out overrides, the metric, the
algorithm's hyperparameters, and a ``scales`` table (``small``: CI-sized, ``full``: what the stored
reference numbers came from) whose entries override the rest::

    bernoulli:
      env: BernoulliBandit-v0
      env_kwargs: {n_arms: 10, horizon: 100}
      metric: regret
      ...
      scales:
        small: {timesteps: 20000}
        full: {timesteps: 2000000}
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np
import yaml

import loopgym
from loopgym.runner import run_episode

SCALES = ("small", "full")
#: metrics a baseline may be scored by, and whether higher is better
METRICS = {"success": True, "gold": True, "score": True, "regret": False, "acc": True}
#: seeds of held-out evaluation episodes start here, far from any training episode's seed
EVAL_SEED = 1_000_000


class BaselineConfigError(ValueError):
    """A baseline config that is missing, malformed or names something that does not exist."""


def configs_dir() -> Path:
    return Path(str(resources.files("loopgym.baselines") / "configs"))


def load_experiments(algo: str) -> dict[str, dict[str, Any]]:
    """Every experiment of ``configs/<algo>.yaml``, by name, as written (scales not yet applied)."""
    path = configs_dir() / f"{algo}.yaml"
    if not path.is_file():
        have = sorted(p.stem for p in configs_dir().glob("*.yaml"))
        raise BaselineConfigError(f"no config file for {algo!r} ({path}); there are: {', '.join(have)}")
    try:
        data = yaml.safe_load(path.read_text())
    except yaml.YAMLError as err:
        raise BaselineConfigError(f"{path}: not valid YAML: {err}") from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise BaselineConfigError(f"{path}: expected a mapping of experiment name -> settings")
    return data


def experiment_config(
    algo: str,
    name: str,
    scale: str,
    *,
    required: Sequence[str],
    defaults: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The settings of experiment ``name`` of ``algo`` at ``scale``: ``defaults``, then the experiment's
    own keys, then ``scales[scale]`` (later wins). Raises :class:`BaselineConfigError` naming what is
    missing or unknown and listing what exists."""
    if scale not in SCALES:
        raise BaselineConfigError(f"scale={scale!r} is not allowed: scale must be one of {', '.join(SCALES)}")
    experiments = load_experiments(algo)
    if name not in experiments:
        raise BaselineConfigError(
            f"{algo} has no experiment {name!r}; its experiments are: {', '.join(sorted(experiments))}"
        )
    raw = dict(experiments[name])
    scales = raw.pop("scales", {}) or {}
    if scale not in scales:
        raise BaselineConfigError(f"{algo}.yaml: {name} has no scales.{scale} (it has: {', '.join(scales) or 'none'})")
    cfg = {**(defaults or {}), **raw, **scales[scale]}
    missing = [k for k in required if k not in cfg]
    if missing:
        raise BaselineConfigError(
            f"{algo}.yaml: {name} (scale {scale}) lacks {', '.join(missing)}; it has: {', '.join(sorted(cfg))}"
        )
    env_id = cfg["env"] if str(cfg["env"]).startswith("loopgym/") else f"loopgym/{cfg['env']}"
    if env_id not in loopgym.ids():
        raise BaselineConfigError(f"{algo}.yaml: {name}: unknown env {cfg['env']!r}; envs: {', '.join(loopgym.ids())}")
    cfg["env"] = env_id
    if cfg.get("metric", "success") not in METRICS:
        raise BaselineConfigError(
            f"{algo}.yaml: {name}: metric={cfg.get('metric')!r} is not allowed: one of {', '.join(METRICS)}"
        )
    cfg.setdefault("metric", "success")
    cfg.setdefault("env_kwargs", {})
    cfg.setdefault("eval_kwargs", {})
    cfg.setdefault("algo", algo)
    cfg.update(baseline=algo, name=name, scale=scale)
    return cfg


def config_hash(cfg: dict[str, Any]) -> str:
    """A short hash of a resolved config (what makes two runs comparable)."""
    text = json.dumps(cfg, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def resolve_device(device: str = "auto") -> str:
    """``"auto"`` becomes ``"cuda"`` when torch sees a GPU, else ``"cpu"``; others pass through."""
    if device != "auto":
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def device_name(device: str) -> str:
    """The accelerator's model for reports (``"cpu"`` when none)."""
    if device.startswith("cuda"):
        import torch

        return torch.cuda.get_device_name(torch.device(device))
    return "cpu"


def make_eval_env(cfg: dict[str, Any]) -> gym.Env:
    """The held-out env: the training arguments with ``eval_kwargs`` on top (e.g. ``split: test``)."""
    return gym.make(cfg["env"], **{**cfg["env_kwargs"], **cfg["eval_kwargs"]})


def evaluate(agent: Any, cfg: dict[str, Any], episodes: int | None = None, env: gym.Env | None = None) -> dict[str, float]:
    """Play ``agent`` (the :class:`loopgym.agents.Agent` protocol) on ``episodes`` held-out episodes
    (seeds ``EVAL_SEED + i``) and return the means of success, gold, return, length and, where the env
    reports them, regret and normalised score."""
    own = env is None
    env = env if env is not None else make_eval_env(cfg)
    n = int(episodes if episodes is not None else cfg.get("eval_episodes", 100))
    try:
        results = [run_episode(env, agent, seed=EVAL_SEED + i) for i in range(n)]
    finally:
        if own:
            env.close()
    out: dict[str, float] = {
        "success": float(np.mean([r.success for r in results])),
        "gold": float(np.mean([r.gold for r in results])),
        "return": float(np.mean([r.episode_return for r in results])),
        "length": float(np.mean([r.length for r in results])),
        "episodes": n,
    }
    regrets = [r.regret for r in results if r.regret is not None]
    if regrets:
        out["regret"] = float(np.mean(regrets))
    scores = [r.score for r in results if r.score is not None]
    if scores:
        out["score"] = float(np.mean(scores))
    if hasattr(getattr(env.unwrapped, "task", None), "test_sets"):
        out["acc"] = stream_test_accuracy(agent, env, EVAL_SEED)
    return out


def stream_test_accuracy(agent: Any, env: gym.Env, seed: int) -> float:
    """A fixed policy's accuracy on a stream's held-out test sets (the mean over tasks): the ``acc`` a
    continual learner reports at the end of the stream, for an agent that does not learn inside the
    episode. Each test sample is shown as a first observation (no previous label), with its task where
    the scenario shows tasks. The stream itself is made of the training images; this is what says
    whether a policy generalises past them."""
    base = env.unwrapped
    env.reset(seed=seed)
    agent.reset(env, seed=seed)
    view = base.view
    accs = []
    for test in base.task.test_sets(base.problem):
        hits = 0
        for x, y in zip(test.x, test.y, strict=True):
            obs = {"input": np.asarray(x, dtype=np.float32), "label": view.n_labels, "correct": 2}
            if view.with_task:
                obs["task"] = test.task_id
            hits += int(agent.act(obs)) == int(y)
        accs.append(hits / max(1, len(test.y)))
    return float(np.mean(accs))


@dataclasses.dataclass
class TrainResult:
    """One training run (one experiment, one seed): its held-out score, curve and cost."""

    algo: str
    name: str
    env: str
    seed: int
    scale: str
    metric: str
    #: the held-out score (``metric``) of the final policy
    final: float
    #: every held-out evaluation: env steps of training so far, and the metrics at that point
    curve: list[dict[str, float]]
    #: env steps taken in training (evaluation episodes are not counted)
    env_steps: int
    #: wall-clock seconds of training alone, and of the whole run with its evaluations
    train_s: float
    wall_s: float
    device: str
    config_hash: str
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def steps_per_s(self) -> float:
        return self.env_steps / self.train_s if self.train_s > 0 else math.nan

    def as_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["steps_per_s"] = self.steps_per_s
        return d

    @classmethod
    def finished(cls, out: Path, config_hash: str, seed: int) -> TrainResult | None:
        """The result a run already wrote in ``out/result.json`` for this config and seed, or None."""
        path = Path(out) / "result.json"
        if not path.is_file():
            return None
        old = json.loads(path.read_text())
        if old.get("config_hash") != config_hash or old.get("seed") != seed:
            return None
        old.pop("steps_per_s", None)  # derived
        return cls(**old)


class CurveLog:
    """The held-out curve of a run, kept in ``out/curve.json`` so an interrupted run resumes with it."""

    def __init__(self, path: Path):
        self.path = path
        self.points: list[dict[str, float]] = []
        if path.is_file():
            try:
                self.points = json.loads(path.read_text())["points"]
            except (ValueError, KeyError, TypeError):
                self.points = []

    def add(self, steps: int, metrics: dict[str, float], **extra: float) -> None:
        self.points = [p for p in self.points if p["steps"] < steps]
        self.points.append({"steps": int(steps), **metrics, **extra})
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"points": self.points}, indent=1))
        tmp.replace(self.path)

    def truncate(self, steps: int) -> None:
        """Forget points past ``steps`` (a run resumed from an earlier checkpoint redoes them)."""
        self.points = [p for p in self.points if p["steps"] <= steps]


def progress_bar(enabled: bool, total: int, label: str) -> tuple[Callable[[int], None], Callable[[], None]]:
    """``(advance_to(n), close())`` of a rich progress bar, or no-ops when ``enabled`` is false."""
    if not enabled:
        return (lambda n: None), (lambda: None)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    task = bar.add_task(label, total=total)
    bar.start()
    return (lambda n: bar.update(task, completed=min(n, total))), bar.stop


__all__ = [
    "EVAL_SEED", "METRICS", "SCALES", "BaselineConfigError", "CurveLog", "TrainResult", "config_hash",
    "configs_dir", "device_name", "evaluate", "experiment_config", "load_experiments", "make_eval_env",
    "progress_bar", "resolve_device",
]  # fmt: skip
