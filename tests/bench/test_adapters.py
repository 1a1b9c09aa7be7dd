"""SB3Agent and CallableAgent play loopgym envs through the Agent protocol."""

from __future__ import annotations

import subprocess
import sys

import gymnasium as gym
import numpy as np
import pytest

import loopgym  # noqa: F401  (registers the ids)
from loopgym.bench.adapters import CallableAgent, SB3Agent, plain_action
from loopgym.runner import run_episode


class ActionLog(gym.Wrapper):
    """Records every action and the action mask in force when it was taken."""

    def __init__(self, env: gym.Env):
        super().__init__(env)
        self.actions: list = []
        self.masks: list = []

    def step(self, action):
        self.actions.append(action)
        self.masks.append(self.env.get_wrapper_attr("action_masks")())
        return self.env.step(action)


def bandit(**kwargs) -> ActionLog:
    return ActionLog(gym.make("loopgym/BernoulliBandit-v0", **{"n_arms": 4, "horizon": 16, **kwargs}))


def code_repair() -> ActionLog:
    # 128 slots: more than the candidate edits of most programs, so some actions are masked
    return ActionLog(gym.make("loopgym/CodeRepair-v0", max_attempts=4, timeout_s=0.5, n_candidates=128))


def spy_predict(model, calls: list):
    """Wrap ``model.predict`` to record the keyword arguments of every call."""
    predict = model.predict

    def wrapped(observation, **kwargs):
        calls.append(kwargs)
        return predict(observation, **kwargs)

    model.predict = wrapped


# -- SB3Agent ------------------------------------------------------------------------------------

sb3 = pytest.importorskip("stable_baselines3")


def test_ppo_saved_and_loaded_plays_int_actions(tmp_path):
    model = sb3.PPO("MlpPolicy", bandit(), n_steps=64, batch_size=32, n_epochs=1, seed=0, device="cpu")
    model.learn(256)
    model.save(tmp_path / "ppo_bandit")
    agent = SB3Agent.load(tmp_path / "ppo_bandit", algo="ppo")  # no ".zip", any case: as SB3 accepts
    assert agent.view == "vector" and agent.model.device.type == "cpu"
    env = bandit()
    result = run_episode(env, agent, seed=0)
    assert result.length == 16
    assert env.actions and all(type(a) is int for a in env.actions)
    # deterministic: the same seed gives the same actions
    first = list(env.actions)
    env.actions.clear()
    run_episode(env, agent, seed=0)
    assert env.actions == first


def test_model_for_another_env_is_refused():
    model = sb3.PPO("MlpPolicy", bandit(), n_steps=64, batch_size=32, device="cpu")
    with pytest.raises(ValueError, match="observation_space"):
        SB3Agent(model).reset(bandit(n_arms=5), seed=0)


def test_load_errors_name_the_problem(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing"):
        SB3Agent.load(tmp_path / "missing.zip")
    (tmp_path / "model.zip").write_bytes(b"not a model")
    with pytest.raises(ValueError, match=r"algo='PPO2'.*DQN.*PPO.*MaskablePPO.*RecurrentPPO"):
        SB3Agent.load(tmp_path / "model.zip", algo="PPO2")


def test_maskable_ppo_gets_the_masks():
    contrib = pytest.importorskip("sb3_contrib")
    env = code_repair()
    # untrained and sampling, so only the masks keep it off the empty slots
    model = contrib.MaskablePPO("MultiInputPolicy", env, n_steps=32, batch_size=32, seed=0, device="cpu")
    calls: list = []
    spy_predict(model, calls)
    agent = SB3Agent(model, deterministic=False)
    assert agent.uses_masks
    for seed in (1, 2):
        run_episode(env, agent, seed=seed)
    assert any(not m.all() for m in env.masks), "no episode had masked slots; the check would be empty"
    assert all(m[a] for a, m in zip(env.actions, env.masks, strict=True))
    assert all(type(a) is int for a in env.actions)
    assert len(calls) == len(env.actions)
    assert all(np.array_equal(c["action_masks"], m) for c, m in zip(calls, env.masks, strict=True))


@pytest.mark.slow
def test_trained_maskable_ppo_loaded_keeps_to_the_masks(tmp_path):
    contrib = pytest.importorskip("sb3_contrib")
    env = code_repair()
    model = contrib.MaskablePPO("MultiInputPolicy", code_repair(), n_steps=64, batch_size=32, n_epochs=1,
                                seed=0, device="cpu")
    model.learn(128)
    model.save(tmp_path / "maskable.zip")
    agent = SB3Agent.load(tmp_path / "maskable.zip", algo="MaskablePPO", deterministic=False)
    for seed in range(6):
        run_episode(env, agent, seed=seed)
    assert any(not m.all() for m in env.masks)
    assert all(m[a] for a, m in zip(env.actions, env.masks, strict=True))


def test_recurrent_state_is_carried_and_cleared():
    contrib = pytest.importorskip("sb3_contrib")
    env = bandit(horizon=4)
    model = contrib.RecurrentPPO("MlpLstmPolicy", env, n_steps=32, batch_size=32, seed=0, device="cpu")
    calls: list = []
    spy_predict(model, calls)
    agent = SB3Agent(model)
    assert not agent.uses_masks
    for seed in (0, 1):
        run_episode(env, agent, seed=seed)
    starts = [bool(c["episode_start"][0]) for c in calls]
    assert starts == [True, False, False, False] * 2
    assert calls[0]["state"] is None and calls[4]["state"] is None  # cleared by reset
    assert all(c["state"] is not None for i, c in enumerate(calls) if i % 4)  # carried within


def test_sb3_agent_argument_errors():
    with pytest.raises(TypeError, match="model"):
        SB3Agent(object())
    model = sb3.PPO("MlpPolicy", bandit(), n_steps=64, batch_size=32, device="cpu")
    with pytest.raises(ValueError, match="view"):
        SB3Agent(model, view="pixels")


def test_import_does_not_pull_in_torch():
    code = "import sys, loopgym.bench.adapters; sys.exit('torch' in sys.modules or 'stable_baselines3' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], timeout=60).returncode == 0


# -- CallableAgent -------------------------------------------------------------------------------


def test_callable_with_observation_only():
    env = bandit(horizon=5)
    agent = CallableAgent(lambda obs: np.int64(2))
    result = run_episode(env, agent, seed=0)
    assert result.length == 5 and env.actions == [2] * 5 and type(env.actions[0]) is int


def test_callable_with_observation_and_info():
    seen: list = []

    def cycle(obs, info):
        seen.append(info)
        return info.get("attempt", 0) % 4

    env = bandit(horizon=6)
    agent = CallableAgent(cycle)
    assert agent.takes_info
    for seed in (0, 1):
        run_episode(env, agent, seed=seed)
    assert env.actions == [0, 1, 2, 3, 0, 1] * 2
    assert seen[0] == {} and seen[6] == {}  # cleared at every episode start
    assert seen[1]["attempt"] == 1 and "feedback" in seen[1]


def test_callable_signatures():
    assert CallableAgent(lambda obs, info=None: 0).takes_info
    assert CallableAgent(lambda *args: 0).takes_info
    assert not CallableAgent(lambda obs, *, scale=1: 0).takes_info
    assert not CallableAgent(abs).takes_info
    text = CallableAgent(str.upper, view="text")
    text.reset(gym.make("loopgym/BernoulliBandit-v0", view="text", horizon=2))
    assert text.act("arm 1") == "ARM 1"
    with pytest.raises(ValueError, match="fn="):
        CallableAgent(lambda a, b, c: 0)
    with pytest.raises(ValueError, match="fn="):
        CallableAgent(lambda: 0)
    with pytest.raises(TypeError, match="fn="):
        CallableAgent(3)
    with pytest.raises(ValueError, match="view"):
        CallableAgent(abs, view="image")


def test_plain_action():
    assert type(plain_action(np.array([3]), gym.spaces.Discrete(4))) is int
    md = plain_action([1.0, 2.0], gym.spaces.MultiDiscrete([3, 3]))
    assert md.dtype == np.int64 and md.tolist() == [1, 2]
    box = np.zeros(2, dtype=np.float32)
    assert plain_action(box, gym.spaces.Box(0, 1, (2,))) is box
