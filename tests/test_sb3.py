"""stable-baselines3 and sb3-contrib train on the vector views with no glue code."""

from __future__ import annotations

import gymnasium as gym
import pytest

import loopgym  # noqa: F401  (registers the ids)

sb3 = pytest.importorskip("stable_baselines3")


@pytest.mark.parametrize("env_id", ["loopgym/BernoulliBandit-v0", "loopgym/DuelingBandit-v0", "loopgym/ContextualBandit-v0"])
def test_ppo_learns_on_the_vector_view(env_id):
    env = gym.make(env_id, n_arms=4, horizon=32)
    model = sb3.PPO("MlpPolicy", env, n_steps=64, batch_size=32, n_epochs=1, seed=0, device="cpu")
    model.learn(128)
    obs, _ = env.reset(seed=0)
    action, _ = model.predict(obs, deterministic=True)
    assert env.action_space.contains(action)


def test_recurrent_ppo_on_a_vectorised_bandit():
    contrib = pytest.importorskip("sb3_contrib")
    from stable_baselines3.common.env_util import make_vec_env

    # the "module:id" form imports loopgym itself, as a user's training script may rely on
    venv = make_vec_env("loopgym:loopgym/BernoulliBandit-v0", n_envs=2, env_kwargs={"n_arms": 3, "horizon": 16}, seed=0)
    model = contrib.RecurrentPPO("MlpLstmPolicy", venv, n_steps=32, batch_size=32, n_epochs=1, seed=0, device="cpu")
    model.learn(64)
