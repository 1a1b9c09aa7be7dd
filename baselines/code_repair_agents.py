"""Reference agents for code repair's text view: a floor that shows the loop can be solved.

:class:`TraceFixAgent` reads what a language-model agent would read — the program and the trace
feedback in the observation — and tries single edits near the line the error came from (the
mutation operators of ``loopgym.envs.code_repair.mutate``, nearest lines first; in a seeded random
order when no line is given, as with wrong answers). It keeps the best program so far by visible pass
count and edits that one, so a multi-bug program can be fixed one bug at a time.
"""

from __future__ import annotations

import re
from typing import Any

import gymnasium as gym

from loopgym.agents import agent_rng, require_task
from loopgym.envs.code_repair.mutate import enumerate_mutations

_PASS = re.compile(r"Visible tests: (\d+) of (\d+) pass")
_ERROR_LINE = re.compile(r"^Error at line (\d+):", re.MULTILINE)
_NUMBERED = re.compile(r"^\s*\d+ \| ?(.*)$")


def program_from_observation(obs: str) -> str:
    """The program shown in a text observation (the numbered block after "... program:")."""
    lines = obs.splitlines()
    for i, line in enumerate(lines):
        if line.endswith("program:"):
            body = []
            for row in lines[i + 1 :]:
                m = _NUMBERED.match(row)
                if not m:
                    break
                body.append(m.group(1))
            return "\n".join(body) + "\n"
    raise ValueError("no program in the observation")


class TraceFixAgent:
    """Single-site edits of the best program so far, nearest the error line first."""

    view = "text"

    def __init__(self, radius: int = 3) -> None:
        self.radius = radius
        self.rng = agent_rng(None)
        self.base: str | None = None
        self.base_score = -1
        self.pending: str | None = None
        self.queue: list[str] = []

    def reset(self, env: gym.Env, *, seed: int | None = None) -> None:
        require_task(self, env, "CodeRepairTask", view="text")
        self.rng = agent_rng(seed)
        self.base, self.base_score, self.pending, self.queue = None, -1, None, []

    def _score(self, obs: str) -> int:
        m = _PASS.search(obs)
        if m:
            return int(m.group(1))
        return 1 if "All visible tests pass." in obs else 0

    def _plan(self, program: str, obs: str) -> list[str]:
        try:
            mutations = enumerate_mutations(program)
        except (SyntaxError, ValueError, RecursionError):
            return []
        m = _ERROR_LINE.search(obs)
        if m:
            line = int(m.group(1))
            near = [x for x in mutations if abs(x.line - line) <= self.radius]
            near.sort(key=lambda x: abs(x.line - line))
            rest = [x for x in mutations if abs(x.line - line) > self.radius]
            order = near + [rest[i] for i in self.rng.permutation(len(rest))]
        else:
            order = [mutations[i] for i in self.rng.permutation(len(mutations))]
        return [x.source for x in order]

    def act(self, observation: Any) -> str:
        obs = str(observation)
        score = self._score(obs)
        if self.base is None:
            self.base, self.base_score = program_from_observation(obs), score
            self.queue = self._plan(self.base, obs)
        elif self.pending is not None and score > self.base_score:
            self.base, self.base_score = self.pending, score
            self.queue = self._plan(self.base, obs)
        if not self.queue:
            self.pending = self.base
            return self.base
        self.pending = self.queue.pop(0)
        return self.pending

    def observe(self, action, reward, observation, info) -> None:
        pass
