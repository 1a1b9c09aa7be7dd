"""One benchmark job: an agent on one suite entry with one seed, turned into a plain-data record.

Seeding: job seed ``s`` with ``E`` episodes plays ``reset(seed=s * E + i)`` for episode ``i``, so the
seeds of a suite cover disjoint problems, and with one episode per job the env seed is the job seed
(as in ``loopgym run --seed`` and the bandit regret table). The agent is built fresh for every job and
seeded with the episode's seed (through :func:`loopgym.agents.agent_rng`, never the env's own stream).

A job never raises: an error becomes a ``failed`` record carrying its traceback, an agent that does not
play the env (its ``reset`` raises ``ValueError``, or its ``families`` leave this one out) a ``skipped``
record carrying the reason. The record layout is described in ``loopgym/bench/__init__.py``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import os
import signal
import socket
import sys
import threading
import time
import traceback
from typing import Any

import gymnasium as gym
import numpy as np

#: most points a stored curve keeps (records stay small however long the episodes are)
CURVE_POINTS = 200


@dataclasses.dataclass(frozen=True)
class Job:
    key: str
    suite: str
    entry: str
    env_id: str
    family: str
    kwargs: dict[str, Any]
    episodes: int
    view: str | None
    agent: str  # the spec as the user gave it
    agent_spec: str  # what runs ("baseline" resolved to the entry's reference agent, files made absolute)
    seed: int
    threads: int = 0  # torch threads per job (0: leave torch's default)
    timeout_s: float = 0.0  # a job still running after this long fails (0: no limit)
    sys_path: tuple[str, ...] = ()  # folders a worker adds to sys.path (the user's working folder)
    agent_name: str = ""  # what the record calls the agent that ran (default: agent_spec)


def job_key(entry: str, agent: str, seed: int) -> str:
    return f"{entry}/{agent}/seed={seed}"


def _downsample(values: np.ndarray, n: int = CURVE_POINTS) -> dict[str, list[float]]:
    values = np.asarray(values, dtype=float)
    if len(values) == 0:
        return {"t": [], "value": []}
    idx = np.unique(np.linspace(0, len(values) - 1, min(n, len(values))).round().astype(int))
    return {"t": (idx + 1).tolist(), "value": values[idx].tolist()}


def _mean_curve(curves: list[np.ndarray]) -> np.ndarray:
    """Mean over episodes step by step (episodes of different lengths: over those still running)."""
    length = max(len(c) for c in curves)
    stacked = np.full((len(curves), length), np.nan)
    for i, c in enumerate(curves):
        stacked[i, : len(c)] = c
    return np.nanmean(stacked, axis=0)


def base_record(job: Job) -> dict[str, Any]:
    return {
        "key": job.key, "suite": job.suite, "entry": job.entry, "env_id": job.env_id,
        "family": job.family, "agent": job.agent, "agent_name": job.agent_name or job.agent_spec, "seed": job.seed,
        "status": "ok", "error": None, "traceback": None, "kind": None, "metrics": {}, "curves": {},
    }


def run_job(job: Job) -> dict[str, Any]:
    """Run ``job`` and return its record (never raises, except on KeyboardInterrupt)."""
    start = time.perf_counter()
    record = base_record(job)
    for folder in job.sys_path:
        if folder not in sys.path:
            sys.path.append(folder)
    if job.threads:
        for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
            os.environ.setdefault(var, str(job.threads))
    try:
        with _time_limit(job.timeout_s):
            _play(job, record)
    except KeyboardInterrupt:
        raise
    except JobTimeout as err:
        record.update(status="failed", error=str(err), traceback=traceback.format_exc(limit=30),
                      metrics={}, curves={})
    except _Skip as skip:
        record.update(status="skipped", error=str(skip))
    except BaseException as err:  # noqa: BLE001 - a job records whatever its agent throws
        record.update(status="failed", error=f"{type(err).__name__}: {err}".splitlines()[0][:500],
                      traceback=traceback.format_exc(limit=30), metrics={}, curves={})
    record["seconds"] = time.perf_counter() - start
    record["worker"] = f"{socket.gethostname()}:{os.getpid()}"
    record["finished"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    return record


class JobTimeout(Exception):
    """A job ran past its ``timeout_s``."""


class _time_limit:
    """Raise :class:`JobTimeout` in this thread after ``seconds`` (SIGALRM: POSIX, main thread only,
    which is where workers run jobs; elsewhere there is no limit). It interrupts Python code, such as an
    agent stuck in a loop; a call blocked inside C code is interrupted when it returns to Python."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.active = (seconds > 0 and hasattr(signal, "setitimer")
                       and threading.current_thread() is threading.main_thread())

    def _fire(self, signum: int, frame: Any) -> None:
        raise JobTimeout(f"JobTimeout: the job ran past its limit of {self.seconds:g} s (--job-timeout)")

    def __enter__(self) -> None:
        if self.active:
            self.previous = signal.signal(signal.SIGALRM, self._fire)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def __exit__(self, *exc: object) -> None:
        if self.active:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)


class _Skip(Exception):
    """The agent does not play this env."""


def _play(job: Job, record: dict[str, Any]) -> None:
    from loopgym.bench.specs import build

    kind, made = build(job.agent_spec, family=job.family)
    if job.threads and "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(job.threads)
    if kind == "learner":
        if job.family != "streams":
            raise _Skip(f"{job.agent_spec} is a continual learner; {job.env_id} is not a stream")
        _play_stream(job, made, record)
        return
    families = getattr(made, "families", None)
    if families is not None and job.family not in families:
        raise _Skip(f"{job.agent_spec} plays {', '.join(families)}, not {job.family}")
    view = job.view or getattr(made, "view", "vector")
    env = gym.make(job.env_id, view=view, **job.kwargs)
    try:
        try:
            made.reset(env, seed=job.seed * job.episodes)
        except ValueError as err:
            raise _Skip(str(err)) from None
        _play_episodes(job, env, made, record)
    finally:
        env.close()


def _play_episodes(job: Job, env: gym.Env, agent: Any, record: dict[str, Any]) -> None:
    from loopgym.runner import run_episode

    regret_curves, reward_curves, hits = [], [], []
    results = []
    for i in range(job.episodes):
        steps: list[dict[str, Any]] = []
        results.append(run_episode(env, agent, seed=job.seed * job.episodes + i, on_step=steps.append))
        if steps and "cumulative_regret" in steps[0]:
            regret_curves.append(np.array([s["cumulative_regret"] for s in steps], dtype=float))
        # the "reward" curve is the running mean of each step's gold (the hidden per-step score in
        # [0, 1]), not of the training reward, so curves of different envs share a scale
        rewards = np.array([s.get("gold", 0.0) for s in steps], dtype=float)
        reward_curves.append(np.cumsum(rewards) / np.arange(1, len(rewards) + 1) if len(rewards) else rewards)
        hits.append(np.array([bool(s.get("success")) for s in steps]))
    task = getattr(env.unwrapped, "task", None)
    mean_mode = getattr(task, "episode_score", "final") == "mean"
    metrics: dict[str, Any] = {
        "gold": float(np.mean([r.gold for r in results])),
        "success": float(np.mean([r.success for r in results])),
        "return": float(np.mean([r.episode_return for r in results])),
        "episodes": len(results),
        "steps": int(sum(r.length for r in results)),
    }
    curves: dict[str, Any] = {}
    regrets = [r.regret for r in results if r.regret is not None]
    if regrets:
        metrics["regret"] = float(np.mean(regrets))
        curves["regret"] = _downsample(_mean_curve(regret_curves))
    scores = [r.score for r in results if r.score is not None]
    if scores:
        metrics["score"] = float(np.mean(scores))
    if job.family == "streams":
        metrics["online_accuracy"] = metrics["success"]
        curves["online_accuracy"] = _downsample(_mean_curve(
            [np.cumsum(h) / np.arange(1, len(h) + 1) for h in hits if len(h)]))
    elif mean_mode:
        curves["reward"] = _downsample(_mean_curve([c for c in reward_curves if len(c)]))
    else:
        metrics["attempts"] = float(np.mean([r.length for r in results]))
        turns = max(getattr(task, "max_attempts", 0) or 0, max(r.length for r in results))
        # an episode counts as solved within k attempts when it succeeded and took at most k
        solved_at = [r.length if r.success >= 1.0 else math.inf for r in results]
        curves["turn_success"] = [float(np.mean([a <= k for a in solved_at])) for k in range(1, turns + 1)]
    record.update(kind="episodes", metrics=metrics, curves=curves)


def _play_stream(job: Job, factory: Any, record: dict[str, Any]) -> None:
    from loopgym.continual import run_stream

    env = gym.make(job.env_id, view="vector", **job.kwargs)
    try:
        env.reset(seed=job.seed)
        learner = factory(env.unwrapped.stream_info, job.seed)
        run = run_stream(env, learner, seed=job.seed, env_id=job.env_id)
    finally:
        env.close()
    metrics: dict[str, Any] = {k: (None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v))
                               for k, v in run.metrics.items() if isinstance(v, (int, float)) or v is None}
    metrics.update(gold=float(run.metrics["acc"]), success=float(run.online_accuracy),
                   online_accuracy=float(run.online_accuracy), episodes=1, steps=int(run.n_steps),
                   **{"return": float(run.online_accuracy * run.n_steps)})
    record.update(kind="stream", metrics=metrics, curves={
        "stream_acc": {"t": np.asarray(run.steps).tolist(),
                       "value": np.nanmean(run.curves, axis=1).tolist()},
        "accuracy_matrix": np.asarray(run.R).tolist(),
    })
