"""``multiplayer_bandit_v0``: N players share K Bernoulli arms; players on the same arm collide.

The multi-player bandit of cognitive radio (Liu & Zhao 2010; Besson & Kaufmann 2018): every round all
players pull at once, a player alone on its arm gets a Bernoulli(mu_arm) payoff, players who picked
the same arm collide and all get 0. The team does best when the N players settle on the N best arms,
one each, which they must learn without talking to each other.

    from loopgym.envs.multiagent import multiplayer_bandit_v0
    env = multiplayer_bandit_v0.parallel_env(n_players=3, n_arms=6)   # native ParallelEnv
    aec = multiplayer_bandit_v0.env(n_players=3, n_arms=6)            # AEC, order-enforced

Vector observation of player i (``Box(0, 1, (3*K + 3 + N,), float32)``), in this order:

    [0, K)              one-hot of i's last arm (zeros before the first pull)
    K                   i's last payoff (0 or 1)
    K + 1               1 if i collided last round (always 0 when ``sensing=False``)
    K + 2               t / max_cycles (rounds played so far)
    [K + 3, 2K + 3)     i's pull fraction per arm: pulls / t (0 at t = 0)
    [2K + 3, 3K + 3)    i's empirical mean payoff per arm (0 for arms never pulled)
    [3K + 3, 3K + 3 + N) one-hot of i's own index, so one shared-parameter policy can break symmetry

Global state (``state()``, for centralised critics): ``Box(0, 1, (N*K + 1,))`` = one-hot of each
player's last arm (row-major, player by player), then t / max_cycles.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from gymnasium import spaces
from gymnasium.utils import seeding
from pettingzoo import ParallelEnv
from pettingzoo.utils import parallel_to_aec, wrappers

from loopgym.config import ConfigError, RenderModeError, check_choice, check_floats, check_int
from loopgym.core import FreeText, InvalidAttempt
from loopgym.envs.bandits.views import parse_arm

from .review_loop import TextObservation, check_action

NAME = "multiplayer_bandit_v0"
VIEWS = ("vector", "text")
#: a system regret at most this is the optimum (sums of float means are not exact)
OPTIMUM_TOL = 1e-12


class MultiplayerBandit(ParallelEnv):
    """N players pull K shared Bernoulli arms at once; players on the same arm collide and get 0.

    ## Description
    Arm means are drawn from U(0, 1) at every reset (from the env's RNG), or fixed with ``means``.
    Each round every player picks an arm. A player alone on its arm receives a Bernoulli(mu_arm)
    payoff; all players who picked the same arm collide and receive 0. No player sees the others'
    choices: coordination has to be learned from payoffs (and collision signals, with ``sensing``).

    ## Action Space
    vector: ``Discrete(n_arms)`` per player. text: free text naming the arm (``"arm 3"`` or ``"3"``);
    an unreadable answer loses the round (payoff 0, the player occupies no arm) and the next
    observation says why.

    ## Observation Space
    vector: ``Box(0, 1, (3*n_arms + 3 + n_players,), float32)`` = one-hot of the player's last arm,
    its last payoff, whether it collided (0 without sensing), t / max_cycles, its pull fraction per
    arm, its empirical mean payoff per arm, one-hot of its own index (the module docstring has the
    offsets). text: who the player is, the rules, the round, its last pull and payoff (and collision
    with sensing), its per-arm pulls and mean payoffs, and the instruction.

    ## Feedback
    ``info[agent]["feedback"]``: what the player was told, as plain data: ``arm`` (-1 if the answer
    was unreadable), ``reward``, ``collided`` (``None`` without sensing: not reported), ``valid``,
    ``message``. Hidden from the player: ``collision`` (the truth, sensing or not), ``regret``,
    ``cumulative_regret``, ``system_regret``, ``cumulative_system_regret``, ``gold``, ``success``.

    ## Rewards
    Each player's own payoff (0 or 1; 0 on a collision). Regret is pseudo-regret on the means,
    never on the noisy draws. With mu_(1) >= mu_(2) >= ... the sorted means and e_i the expected
    payoff of player i's pull (mu_arm if alone on it, 0 if collided or unreadable):

    * ``optimum = mu_(1) + ... + mu_(N)`` (the N best arms, one player each, no collisions);
    * ``system_regret = optimum - sum_i e_i``;
    * ``regret`` of player i ``= optimum / N - e_i`` (can be negative; the players' regrets sum to
      the system regret);
    * ``gold = sum_i e_i / optimum`` in [0, 1] (1 when the optimum is 0); ``success`` when
      ``system_regret <= 1e-12``. ``cumulative_*`` sum these over the episode.

    ## Starting State
    New means (unless fixed), t = 0, no arm pulled yet.

    ## Episode End
    Every player is truncated after ``max_cycles`` rounds (never terminated); ``agents`` is then
    empty until the next ``reset``.

    ## Arguments
    Keyword-only: ``n_players=2`` (at least 2, at most ``n_arms``), ``n_arms=5``, ``max_cycles=200``,
    ``means=None`` (``n_arms`` probabilities fix the arms), ``sensing=True`` (players observe their
    collisions; without it a collision looks like a payoff of 0), ``view="vector"|"text"``,
    ``render_mode=None|"ansi"``.

    ## Version History
    * v0: initial version.
    """

    metadata = {"name": NAME, "render_modes": ["ansi"], "is_parallelizable": True, "render_fps": 4}

    def __init__(
        self,
        *,
        n_players: int = 2,
        n_arms: int = 5,
        max_cycles: int = 200,
        means: Sequence[float] | None = None,
        sensing: bool = True,
        view: str = "vector",
        render_mode: str | None = None,
    ):
        n_players = check_int("n_players", n_players)
        n_arms = check_int("n_arms", n_arms, low=1)
        if n_players < 2:
            raise ConfigError(
                f"n_players={n_players} is not allowed: n_players must be at least 2 "
                "(one player alone is a plain bandit: loopgym/BernoulliBandit-v0)"
            )
        if n_players > n_arms:
            raise ConfigError(
                f"n_players={n_players} is not allowed with n_arms={n_arms}: n_players must be at most "
                "n_arms (at the optimum every player has an arm of its own)"
            )
        self.max_cycles = check_int("max_cycles", max_cycles, low=1)
        self.fixed_means = (
            None
            if means is None
            else np.array(check_floats("means", means, length=n_arms, low=0.0, high=1.0))
        )
        if not isinstance(sensing, (bool, np.bool_)):
            raise ConfigError(f"sensing={sensing!r} is not allowed: sensing must be True or False")
        self.sensing = bool(sensing)
        self.view = check_choice("view", view, VIEWS)
        if render_mode not in (None, *self.metadata["render_modes"]):
            allowed = ", ".join(repr(m) for m in (None, *self.metadata["render_modes"]))
            raise RenderModeError(
                f"render_mode={render_mode!r} is not allowed: render_mode must be one of {allowed}"
            )
        self.render_mode = render_mode
        self.n_players, self.n_arms = n_players, n_arms
        self.possible_agents = [f"player_{i}" for i in range(n_players)]
        self.agents: list[str] = []
        self._index = {a: i for i, a in enumerate(self.possible_agents)}
        # one space object per agent, built once: seeding agent i's space must not touch agent j's
        if view == "vector":
            obs_dim = 3 * n_arms + 3 + n_players
            self.observation_spaces = {
                a: spaces.Box(0.0, 1.0, (obs_dim,), np.float32) for a in self.possible_agents
            }
            self.action_spaces = {a: spaces.Discrete(n_arms) for a in self.possible_agents}
        else:
            self.observation_spaces = {a: FreeText(max_length=8192) for a in self.possible_agents}
            self.action_spaces = {a: FreeText(max_length=64) for a in self.possible_agents}
        self.state_space = spaces.Box(0.0, 1.0, (n_players * n_arms + 1,), np.float32)
        self.np_random, self.np_random_seed = seeding.np_random(None)
        self.means = np.zeros(n_arms)
        self.optimum = 0.0
        self._new_episode_state()

    # ------------------------------------------------------------------------------ PettingZoo API
    def observation_space(self, agent: str) -> spaces.Space:
        return self.observation_spaces[agent]

    def action_space(self, agent: str) -> spaces.Space:
        return self.action_spaces[agent]

    def reset(self, seed: int | None = None, options: dict[str, Any] | None = None):
        """Start an episode: new means (unless fixed), t = 0. ``options`` are accepted and ignored."""
        if seed is not None:
            self.np_random, self.np_random_seed = seeding.np_random(seed)
        self.means = (
            self.fixed_means.copy() if self.fixed_means is not None else self.np_random.random(self.n_arms)
        )
        self.optimum = float(np.sort(self.means)[::-1][: self.n_players].sum())
        self._new_episode_state()
        self.agents = self.possible_agents[:]
        infos = {a: self._info(i, started=False) for i, a in enumerate(self.agents)}
        return {a: self._observe(i) for i, a in enumerate(self.agents)}, infos

    def step(self, actions: dict[str, Any]):
        """Every live player pulls at once; returns (observations, rewards, terminations,
        truncations, infos), each a dict keyed by the players who were live before the step."""
        if not self.agents:
            raise ValueError(f"{NAME}: the episode has ended (or never started); call reset()")
        unknown = [a for a in actions if a not in self._index or a not in self.agents]
        if unknown:
            raise ValueError(
                f"{NAME}: actions for {unknown!r}, who are not live agents; live agents: {self.agents}"
            )
        missing = [a for a in self.agents if a not in actions]
        if missing:
            raise ValueError(
                f"{NAME}: no action for live agent(s) {missing}; every live player acts each round"
            )
        n, k = self.n_players, self.n_arms
        arms = np.full(n, -1)
        reasons = [""] * n
        for agent in self.agents:
            i, arm = self._index[agent], self._decode(agent, actions[agent])
            if isinstance(arm, InvalidAttempt):
                reasons[i] = arm.reason
            else:
                arms[i] = arm
        pulled = arms >= 0
        counts = np.bincount(arms[pulled], minlength=k)
        collided = pulled & (counts[np.where(pulled, arms, 0)] > 1)
        alone = pulled & ~collided
        mu = np.where(alone, self.means[np.where(pulled, arms, 0)], 0.0)
        # one uniform per player every round, whatever it pulled: trajectories depend only on the seed
        # and the actions
        draws = self.np_random.random(n)
        payoffs = np.where(alone, (draws < mu).astype(float), 0.0)

        self.t += 1
        self.last_arm, self.last_payoff, self.last_collided = arms, payoffs, collided
        self.last_reason = reasons
        self.last_mu = mu
        for i in np.flatnonzero(pulled):
            self.pulls[i, arms[i]] += 1
            self.payoff_sums[i, arms[i]] += payoffs[i]
        self.regret = self.optimum / n - mu
        self.system_regret = self.optimum - float(mu.sum())
        self.cumulative_regret += self.regret
        self.cumulative_system_regret += self.system_regret

        live = self.agents
        done = self.t >= self.max_cycles
        observations = {a: self._observe(self._index[a]) for a in live}
        rewards = {a: float(payoffs[self._index[a]]) for a in live}
        terminations = dict.fromkeys(live, False)
        truncations = dict.fromkeys(live, done)
        infos = {a: self._info(self._index[a], started=True) for a in live}
        if done:
            self.agents = []
        return observations, rewards, terminations, truncations, infos

    def state(self) -> np.ndarray:
        rows = np.zeros((self.n_players, self.n_arms), np.float32)
        pulled = self.last_arm >= 0
        rows[np.flatnonzero(pulled), self.last_arm[pulled]] = 1.0
        return np.append(rows.ravel(), np.float32(self.t / self.max_cycles)).astype(np.float32)

    def render(self) -> str | None:
        if self.render_mode != "ansi":
            return None
        lines = [
            f"{NAME}: round {self.t} of {self.max_cycles}, optimum {self.optimum:.3f} per round",
            f"{'player':<10}{'arm':>5}{'payoff':>8}{'collided':>10}{'cum.regret':>12}",
        ]
        for i, agent in enumerate(self.possible_agents):
            arm = "-" if self.last_arm[i] < 0 else str(self.last_arm[i])
            lines.append(
                f"{agent:<10}{arm:>5}{self.last_payoff[i]:>8.0f}"
                f"{'yes' if self.last_collided[i] else 'no':>10}{self.cumulative_regret[i]:>12.3f}"
            )
        lines.append(f"system regret: {self.cumulative_system_regret:.3f}")
        return "\n".join(lines)

    def close(self) -> None:
        pass

    # ------------------------------------------------------------------------------ internals
    def _new_episode_state(self) -> None:
        n, k = self.n_players, self.n_arms
        self.t = 0
        self.last_arm = np.full(n, -1)
        self.last_payoff = np.zeros(n)
        self.last_collided = np.zeros(n, bool)
        self.last_reason = [""] * n
        self.last_mu = np.zeros(n)
        self.pulls = np.zeros((n, k), np.int64)
        self.payoff_sums = np.zeros((n, k))
        self.regret = np.zeros(n)
        self.system_regret = 0.0
        self.cumulative_regret = np.zeros(n)
        self.cumulative_system_regret = 0.0

    def _decode(self, agent: str, action: Any) -> int | InvalidAttempt:
        check_action(NAME, self.action_spaces[agent], agent, action)
        if self.view == "text":
            return parse_arm(action, self.n_arms)
        return int(action)

    def _feedback(self, i: int) -> dict[str, Any]:
        arm, payoff = int(self.last_arm[i]), float(self.last_payoff[i])
        collided = bool(self.last_collided[i]) if self.sensing else None
        if self.t == 0:
            message = ""
        elif arm < 0:
            message = f"Your answer could not be read: {self.last_reason[i]} You lost this round (payoff 0)."
        elif collided:
            message = f"You pulled arm {arm} and collided with another player: payoff 0."
        else:
            message = f"You pulled arm {arm} and got {payoff:g}."
        return {
            "arm": arm,
            "reward": payoff,
            "collided": collided,
            "valid": arm >= 0 or self.t == 0,
            "message": message,
        }

    def _info(self, i: int, *, started: bool) -> dict[str, Any]:
        expected = float(self.last_mu.sum())
        gold = 1.0 if self.optimum <= 0 else min(1.0, max(0.0, expected / self.optimum))
        return {
            "success": bool(started and self.system_regret <= OPTIMUM_TOL),
            "gold": float(gold) if started else 0.0,
            "attempt": self.t,
            "regret": float(self.regret[i]),
            "cumulative_regret": float(self.cumulative_regret[i]),
            "system_regret": float(self.system_regret),
            "cumulative_system_regret": float(self.cumulative_system_regret),
            "collision": bool(self.last_collided[i]),
            "arm": int(self.last_arm[i]),
            "feedback": self._feedback(i),
        }

    def _observe(self, i: int) -> np.ndarray | str:
        if self.view == "text":
            return TextObservation(self._observe_text(i))
        n, k = self.n_players, self.n_arms
        obs = np.zeros(3 * k + 3 + n, np.float32)
        if self.last_arm[i] >= 0:
            obs[self.last_arm[i]] = 1.0
        obs[k] = self.last_payoff[i]
        obs[k + 1] = float(self.last_collided[i]) if self.sensing else 0.0
        obs[k + 2] = min(1.0, self.t / self.max_cycles)
        pulls = self.pulls[i]
        if self.t > 0:
            obs[k + 3 : 2 * k + 3] = pulls / self.t
        obs[2 * k + 3 : 3 * k + 3] = np.divide(self.payoff_sums[i], pulls, out=np.zeros(k), where=pulls > 0)
        obs[3 * k + 3 + i] = 1.0
        return obs

    def _observe_text(self, i: int) -> str:
        n, k = self.n_players, self.n_arms
        collision_rule = (
            "you are told when you collide."
            if self.sensing
            else "you are not told when you collide: a collision looks like a payoff of 0."
        )
        parts = [
            f"You are {self.possible_agents[i]}, one of {n} players sharing a {k}-armed bandit for "
            f"{self.max_cycles} rounds. Each arm pays 1 with an unknown probability fixed for the episode. "
            "Every round all players pull at once; players who pick the same arm collide and all get 0; "
            + collision_rule
        ]
        if self.t == 0:
            parts.append("No rounds played yet.")
        else:
            parts.append(f"Round {self.t} of {self.max_cycles} done. {self._feedback(i)['message']}")
            stats = [
                f"arm {a}: {c} pull{'' if c == 1 else 's'}, mean payoff {self.payoff_sums[i, a] / c:.2f}"
                if c
                else f"arm {a}: 0 pulls"
                for a, c in enumerate(self.pulls[i])
            ]
            parts.append("Your pulls so far: " + "; ".join(stats) + ".")
        parts.append(f"Reply with the arm to pull, a number from 0 to {k - 1} (for example 'arm {k - 1}').")
        return " ".join(parts)


def parallel_env(**kwargs: Any) -> MultiplayerBandit:
    """The native parallel environment."""
    return MultiplayerBandit(**kwargs)


def raw_env(**kwargs: Any):
    """The AEC environment (players act in turn; the round resolves after the last one), unwrapped."""
    return parallel_to_aec(parallel_env(**kwargs))


def env(**kwargs: Any):
    """The AEC environment with PettingZoo's order enforcing (and, for the vector view, bounds) wrappers."""
    aec = raw_env(**kwargs)
    if isinstance(aec.action_space(aec.possible_agents[0]), spaces.Discrete):
        # AssertOutOfBoundsWrapper needs Discrete spaces; the text view's FreeText contains every str
        aec = wrappers.AssertOutOfBoundsWrapper(aec)
    return wrappers.OrderEnforcingWrapper(aec)
