"""Scripted agents for the math envs' vector views: they use the feedback, not the problem.

``FeedbackElimination`` (MathRevision): never repeats a tried answer and never picks a candidate the
feedback so far rules out (the view's "ruled out" column: direction bounds, parts known right or
wrong, steps a hint has shown); under ``direction`` it bisects — it picks the median of the
candidates still possible, ordered by their first part — and otherwise picks uniformly among them.
It never reads the question, so its turn-1 accuracy is chance; what it gains by turn k is what the
feedback level is worth to an agent that uses it perfectly and knows nothing else.

``StepRepair`` (StepRevision): with ``step`` feedback it repairs the step marked first wrong, trying
that step's corrections (other than its present version) in turn; with less feedback it sweeps the
steps from the first, trying each step's corrections.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np

from loopgym.agents import agent_rng, require_task

# column indices of the MathRevision candidate rows (see loopgym.envs.math_revision.views)
FILLED, PART1, TRIED, RULED_OUT = 0, 1, 6, 14


class FeedbackElimination:
    view = "vector"

    def reset(self, env: gym.Env, *, seed: int | None = None) -> None:
        task = require_task(self, env, "MathRevisionTask")
        self.k = task.config.n_candidates
        self.level = task.config.feedback
        self.rng = agent_rng(seed)

    def act(self, observation: dict[str, np.ndarray]) -> int:
        rows = observation["candidates"].reshape(self.k, -1)
        filled = rows[:, FILLED] > 0
        open_ = filled & (rows[:, TRIED] == 0) & (rows[:, RULED_OUT] == 0)
        if not open_.any():
            open_ = filled & (rows[:, TRIED] == 0)
        if not open_.any():
            open_ = filled
        idx = np.flatnonzero(open_)
        if self.level == "direction" and len(idx) > 2:
            order = idx[np.argsort(rows[idx, PART1], kind="stable")]
            return int(order[(len(order) - 1) // 2])
        return int(self.rng.choice(idx))

    def observe(self, action: Any, reward: float, observation: Any, info: dict[str, Any]) -> None:
        pass


class StepRepair:
    view = "vector"

    def reset(self, env: gym.Env, *, seed: int | None = None) -> None:
        cfg = require_task(self, env, "StepRevisionTask").config
        self.s, self.c = cfg.max_steps, cfg.n_corrections
        self.level = cfg.feedback
        self.tried: set[tuple[int, int]] = set()
        self.sweep = 0
        self.rng = agent_rng(seed)

    def _options(self, obs, step: int) -> list[int]:
        steps = obs["steps"].reshape(self.s, -1)
        corr = obs["corrections"].reshape(self.s, self.c, -1)
        here = steps[step, 2]
        return [j for j in range(self.c) if corr[step, j, 0] > 0 and not np.isclose(corr[step, j, 1], here)
                and (step, j) not in self.tried]

    def act(self, observation: dict[str, np.ndarray]) -> int:
        steps = observation["steps"].reshape(self.s, -1)
        n = int((steps[:, 0] > 0).sum())
        marked = np.flatnonzero(steps[:, 6] > 0)
        if self.level == "step" and len(marked):
            order = [int(marked[0])]
        else:
            order = [(self.sweep + i) % n for i in range(n)]
        for step in order:
            options = self._options(observation, step)
            if options:
                self.sweep = step
                choice = options[0]
                self.tried.add((step, choice))
                return step * self.c + choice
        self.tried.clear()  # everything tried: start again (values have moved since)
        step = order[0]
        return step * self.c + int(self.rng.integers(max(1, int((observation["corrections"].reshape(
            self.s, self.c, -1)[step, :, 0] > 0).sum()))))

    def observe(self, action: Any, reward: float, observation: Any, info: dict[str, Any]) -> None:
        fb = info.get("feedback", {})
        if fb.get("level") == "step" and fb.get("revised"):
            # a fix moved the first wrong step on: what was tried before no longer applies
            if fb.get("first_wrong", -1) != fb["revised"][0]:
                self.tried.clear()
