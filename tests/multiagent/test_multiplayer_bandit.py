"""multiplayer_bandit_v0: PettingZoo's own API tests on both views, then the collision and regret rules."""

from __future__ import annotations

import functools
import types
import warnings

import numpy as np
import pytest
from gymnasium.utils.env_checker import data_equivalence
from pettingzoo.test import api_test, max_cycles_test, parallel_api_test, parallel_seed_test, seed_test
from pettingzoo.test.state_test import state_test

from loopgym.config import ConfigError
from loopgym.core import ActionError
from loopgym.envs.multiagent import multiplayer_bandit_v0 as mod

MEANS = (0.9, 0.5, 0.1)
VIEWS = ("vector", "text")


def view_module(view: str):
    """The module with its constructors bound to one view, as max_cycles_test wants a module."""
    return types.SimpleNamespace(
        env=functools.partial(mod.env, view=view), parallel_env=functools.partial(mod.parallel_env, view=view)
    )


# ------------------------------------------------------------------------------ PettingZoo's tests
def test_pettingzoo_api_vector():
    api_test(mod.env(n_players=3, n_arms=4, max_cycles=30), num_cycles=60)
    parallel_api_test(mod.parallel_env(n_players=3, n_arms=4), num_cycles=40)


def test_pettingzoo_api_text():
    # text observations are TextObservation, a str with the ``dtype`` PettingZoo's api_test reads
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "spaces probably should be Box or Discrete"
        api_test(mod.env(view="text", n_players=3, n_arms=4, max_cycles=30), num_cycles=60)
        parallel_api_test(mod.parallel_env(view="text", n_players=3, n_arms=4), num_cycles=40)
    env = mod.env(view="text", n_players=3, n_arms=4, max_cycles=5)
    env.reset(seed=0)
    turns = 0
    for agent in env.agent_iter():
        obs, reward, terminated, truncated, info = env.last()
        assert isinstance(obs, str) and agent in obs and set(info) >= {"success", "gold", "regret"}
        env.step(None if terminated or truncated else f"arm {turns % 4}")
        turns += 1
    assert turns == 3 * 5 + 3 and env.agents == []


@pytest.mark.parametrize("view", VIEWS)
def test_pettingzoo_seed_and_max_cycles(view):
    seed_test(functools.partial(mod.env, view=view, max_cycles=25), num_cycles=30)
    parallel_seed_test(functools.partial(mod.parallel_env, view=view, max_cycles=25), num_cycles=30)
    max_cycles_test(view_module(view))


@pytest.mark.filterwarnings(
    "ignore:State numpy array is all zeros"
)  # right after reset it is: t = 0, no pulls
def test_pettingzoo_state():
    state_test(mod.env(n_players=3, n_arms=4), mod.parallel_env(n_players=3, n_arms=4), num_cycles=10)
    env = mod.parallel_env(n_players=2, n_arms=3, max_cycles=4)
    env.reset(seed=0)
    env.step({"player_0": 2, "player_1": 0})
    np.testing.assert_array_equal(env.state(), [0, 0, 1, 1, 0, 0, 0.25])


# ------------------------------------------------------------------------------ the rules
def step(env, arms):
    return env.step({f"player_{i}": a for i, a in enumerate(arms)})


def test_collision_rule():
    env = mod.parallel_env(n_players=3, n_arms=3, means=(1.0, 1.0, 1.0))
    env.reset(seed=0)
    _, rewards, _, _, infos = step(env, [1, 1, 2])
    assert rewards == {"player_0": 0.0, "player_1": 0.0, "player_2": 1.0}
    assert [infos[a]["collision"] for a in env.possible_agents] == [True, True, False]
    assert infos["player_0"]["feedback"]["collided"] is True
    _, rewards, _, _, infos = step(env, [0, 1, 2])
    assert all(r == 1.0 for r in rewards.values())
    assert not any(info["collision"] for info in infos.values())


def test_regret_formulas():
    env = mod.parallel_env(n_players=2, n_arms=3, means=MEANS, max_cycles=3)
    env.reset(seed=0)
    assert env.optimum == pytest.approx(1.4)

    _, _, _, _, infos = step(env, [0, 0])  # both collide on the best arm: nothing expected
    for info in infos.values():
        assert info["system_regret"] == pytest.approx(1.4)
        assert info["regret"] == pytest.approx(0.7)
        assert info["gold"] == 0.0 and info["success"] is False

    _, _, _, _, infos = step(env, [0, 1])  # the optimum
    assert infos["player_0"]["regret"] == pytest.approx(0.7 - 0.9)  # negative: it holds the best arm
    assert infos["player_1"]["regret"] == pytest.approx(0.7 - 0.5)
    assert infos["player_0"]["system_regret"] == pytest.approx(0.0, abs=1e-12)
    assert infos["player_0"]["success"] is True and infos["player_0"]["gold"] == pytest.approx(1.0)

    _, _, _, truncs, infos = step(env, [2, 1])  # no collision, a worse arm
    assert infos["player_0"]["system_regret"] == pytest.approx(1.4 - 0.6)
    assert infos["player_0"]["gold"] == pytest.approx(0.6 / 1.4)
    per_player = [infos[a]["regret"] for a in env.possible_agents]
    assert sum(per_player) == pytest.approx(infos["player_0"]["system_regret"])
    assert infos["player_0"]["cumulative_system_regret"] == pytest.approx(1.4 + 0.0 + 0.8)
    assert infos["player_1"]["cumulative_regret"] == pytest.approx(0.7 + 0.2 + 0.2)
    assert all(truncs.values()) and env.agents == []


def test_vector_observation_layout():
    k, n = 3, 2
    env = mod.parallel_env(n_players=n, n_arms=k, means=(1.0, 0.0, 1.0), max_cycles=4)
    obs, _ = env.reset(seed=0)
    assert env.observation_space("player_1").contains(obs["player_1"])
    np.testing.assert_array_equal(obs["player_1"][3 * k + 3 :], [0, 1])  # its own index
    step(env, [0, 0])
    obs, *_ = step(env, [0, 2])
    o = obs["player_1"]
    np.testing.assert_array_equal(o[:k], [0, 0, 1])  # last arm
    assert o[k] == 1.0 and o[k + 1] == 0.0 and o[k + 2] == pytest.approx(0.5)
    np.testing.assert_allclose(o[k + 3 : 2 * k + 3], [0.5, 0, 0.5])  # pull fractions
    np.testing.assert_allclose(o[2 * k + 3 : 3 * k + 3], [0.0, 0, 1.0])  # mean payoffs (collided on 0)


def test_same_seed_same_trajectory():
    def run(seed):
        env = mod.parallel_env(n_players=3, n_arms=5, max_cycles=20)
        out = [env.reset(seed=seed)]
        rng = np.random.default_rng(7)
        while env.agents:
            out.append(env.step({a: int(rng.integers(5)) for a in env.agents}))
        return out

    assert data_equivalence(run(3), run(3))
    assert not data_equivalence(run(3), run(4))


def test_sensing_off_hides_the_collision():
    env = mod.parallel_env(n_players=2, n_arms=2, sensing=False)
    env.reset(seed=0)
    obs, rewards, _, _, infos = step(env, [1, 1])
    assert rewards["player_0"] == 0.0 and obs["player_0"][2 + 1] == 0.0
    assert infos["player_0"]["feedback"]["collided"] is None  # not reported to the player...
    assert infos["player_0"]["collision"] is True  # ...but the hidden info keeps the truth
    text = mod.parallel_env(n_players=2, n_arms=2, sensing=False, view="text")
    text.reset(seed=0)
    obs, *_ = step(text, ["arm 1", "1"])
    assert "collided with" not in obs["player_0"] and "got 0" in obs["player_0"]
    sensed = mod.parallel_env(n_players=2, n_arms=2, view="text")
    sensed.reset(seed=0)
    obs, *_ = step(sensed, ["arm 1", "1"])
    assert "collided with another player" in obs["player_0"]


def test_unreadable_text_loses_the_step():
    env = mod.parallel_env(n_players=2, n_arms=3, means=MEANS, view="text")
    obs, _ = env.reset(seed=0)
    assert "player_0" in obs["player_0"] and "a number from 0 to 2" in obs["player_0"]
    obs, rewards, _, _, infos = step(env, ["I'd rather not", "arm 0"])
    info = infos["player_0"]
    assert rewards["player_0"] == 0.0 and info["arm"] == -1 and info["collision"] is False
    assert info["feedback"]["valid"] is False and "could not find an arm" in info["feedback"]["message"]
    assert "could not be read" in obs["player_0"]
    assert info["regret"] == pytest.approx(0.7)  # optimum / N: it occupied no arm
    assert infos["player_1"]["collision"] is False and infos["player_1"]["arm"] == 0
    assert info["system_regret"] == pytest.approx(1.4 - 0.9)
    _, _, _, _, infos = step(env, ["arm 7", "arm 1"])
    assert infos["player_0"]["arm"] == -1 and "does not exist" in infos["player_0"]["feedback"]["message"]


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"n_players": 1}, ["n_players=1", "at least 2"]),
        ({"n_players": 6, "n_arms": 5}, ["n_players=6", "n_arms=5", "at most"]),
        ({"view": "x"}, ["view='x'", "'vector'", "'text'"]),
        ({"means": (0.5, 0.5)}, ["means=", "5 numbers"]),
        ({"means": (0.5, 0.5, 0.5, 0.5, 1.5)}, ["means=", "[0.0, 1.0]"]),
        ({"max_cycles": 0}, ["max_cycles=0", ">= 1"]),
        ({"sensing": "yes"}, ["sensing='yes'", "True or False"]),
        ({"render_mode": "human"}, ["render_mode='human'", "'ansi'"]),
    ],
)
def test_bad_arguments(kwargs, words):
    with pytest.raises(ConfigError) as err:
        mod.parallel_env(**kwargs)
    for word in words:
        assert word in str(err.value)


def test_bad_actions():
    env = mod.parallel_env(n_players=2, n_arms=3)
    env.reset(seed=0)
    with pytest.raises(ActionError, match=r"action 3 for 'player_1'"):
        step(env, [0, 3])
    with pytest.raises(ValueError, match="player_9"):
        env.step({"player_0": 0, "player_1": 1, "player_9": 0})
    with pytest.raises(ValueError, match="no action for live agent"):
        env.step({"player_0": 0})
    text = mod.parallel_env(view="text")
    text.reset(seed=0)
    with pytest.raises(ActionError, match="player_0"):  # a text agent must answer with a str
        step(text, [3, "arm 1"])
    while env.agents:
        step(env, [0, 1])
    with pytest.raises(ValueError, match="call reset"):
        step(env, [0, 1])


def test_render_and_spaces():
    env = mod.parallel_env(n_players=2, n_arms=3, render_mode="ansi")
    env.reset(seed=0)
    step(env, [0, 0])
    table = env.render()
    assert "player_0" in table and "yes" in table
    assert mod.parallel_env().render() is None
    assert env.action_space("player_0") is env.action_space("player_0")
    assert env.action_space("player_0") is not env.action_space("player_1")
    assert env.observation_space("player_0").shape == (3 * 3 + 3 + 2,)
    assert mod.MultiplayerBandit.metadata["name"] == "multiplayer_bandit_v0"
