"""Run an agent on an environment for whole episodes and summarise what happened."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from typing import Any

import gymnasium as gym
import numpy as np

from loopgym.agents import Agent


@dataclasses.dataclass
class EpisodeResult:
    """One episode. ``success`` and ``gold`` follow the task's ``episode_score``: the final attempt's
    value for tasks that are solved or not, the mean over steps for tasks scored at every step
    (bandits). ``regret`` is the cumulative regret at the end and ``score`` the family's normalised
    score (0 = random, 1 = best), where the family defines them."""

    seed: int | None
    episode_return: float
    length: int
    success: float
    gold: float
    regret: float | None
    score: float | None
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def run_episode(env: gym.Env, agent: Agent, *, seed: int | None = None,
                on_step: Callable[[dict[str, Any]], None] | None = None) -> EpisodeResult:
    """Play one episode of ``agent`` on ``env`` from ``reset(seed=seed)``; ``on_step`` gets each
    step's ``info`` (per-turn metrics such as the math family's read them)."""
    start = time.perf_counter()
    task = getattr(env.unwrapped, "task", None)
    mode = getattr(task, "episode_score", "final")
    agent.reset(env, seed=seed)
    obs, info = env.reset(seed=seed)
    total, steps, golds, successes = 0.0, 0, 0.0, 0.0
    done = False
    while not done:
        action = agent.act(obs)
        obs, reward, terminated, truncated, info = env.step(action)
        agent.observe(action, reward, obs, info)
        if on_step is not None:
            on_step(info)
        total += float(reward)
        steps += 1
        golds += info["gold"]
        successes += info["success"]
        done = terminated or truncated
    if mode == "mean":
        gold, success = golds / max(steps, 1), successes / max(steps, 1)
    else:
        gold, success = float(info.get("gold", 0.0)), float(info.get("success", False))
    regret = info.get("cumulative_regret")
    return EpisodeResult(
        seed=seed,
        episode_return=total,
        length=steps,
        success=success,
        gold=gold,
        regret=None if regret is None else float(regret),
        score=task.normalised_score(info) if task is not None and steps else None,
        seconds=time.perf_counter() - start,
    )


def run_episodes(
    env: gym.Env,
    agent: Agent,
    episodes: int,
    *,
    seed: int = 0,
    on_episode: Callable[[EpisodeResult], None] | None = None,
) -> list[EpisodeResult]:
    """``episodes`` episodes with seeds ``seed, seed + 1, ...``; ``on_episode`` is called after each
    (the CLI advances its progress bar there)."""
    results = []
    for i in range(episodes):
        result = run_episode(env, agent, seed=seed + i)
        results.append(result)
        if on_episode is not None:
            on_episode(result)
    return results


def summarise(results: list[EpisodeResult]) -> dict[str, np.ndarray]:
    """Per-metric arrays over episodes (regret only when every episode has one)."""
    out = {
        "return": np.array([r.episode_return for r in results]),
        "success": np.array([r.success for r in results]),
        "gold": np.array([r.gold for r in results]),
    }
    for key in ("regret", "score"):
        values = [getattr(r, key) for r in results]
        if results and all(v is not None for v in values):
            out[key] = np.array(values)
    return out
