"""PPO baselines: configs, tiny runs of every experiment, resume, and the candidate policy."""

from __future__ import annotations

import json

import gymnasium as gym
import numpy as np
import pytest

pytest.importorskip("sb3_contrib")
torch = pytest.importorskip("torch")

import loopgym  # noqa: E402,F401
from loopgym.baselines import ppo, training  # noqa: E402
from loopgym.baselines.training import BaselineConfigError  # noqa: E402

EXPERIMENTS = sorted(training.load_experiments("ppo"))


def tiny(cfg_name: str) -> dict:
    cfg = ppo.load_config(cfg_name, "small")
    n_steps = 8 if cfg["algo"] != "RecurrentPPO" else 16
    hyper = {**cfg["hyperparams"], "n_steps": n_steps, "batch_size": n_steps * 2, "n_epochs": 1}
    return {"timesteps": n_steps * 2 * 2, "n_envs": 2, "eval_every": n_steps * 2, "eval_episodes": 1,
            "hyperparams": hyper}


def test_every_family_has_a_ppo_experiment():
    families = {loopgym.registry.spec(ppo.load_config(n, "small")["env"]).family for n in EXPERIMENTS}
    assert set(loopgym.registry.families()) <= families


@pytest.mark.parametrize("scale", ["small", "full"])
@pytest.mark.parametrize("name", EXPERIMENTS)
def test_configs_load_at_both_scales(name, scale):
    cfg = ppo.load_config(name, scale)
    assert cfg["algo"] in ppo.ALGOS and cfg["timesteps"] > 0 and cfg["eval_every"] > 0
    gym.make(cfg["env"], **cfg["env_kwargs"]).close()  # the env takes the pinned arguments
    training.make_eval_env(cfg).close()


@pytest.mark.parametrize("name", EXPERIMENTS)
def test_tiny_run_of_every_experiment(name, tmp_path):
    result = ppo.train(name, 0, tmp_path, overrides=tiny(name))
    assert result.env_steps == tiny(name)["timesteps"]
    assert [p["steps"] for p in result.curve][0] == 0 and result.curve[-1]["steps"] == result.env_steps
    assert np.isfinite(result.final) and result.train_s > 0
    saved = json.loads((tmp_path / "result.json").read_text())
    assert saved["final"] == result.final and saved["config_hash"] == result.config_hash
    agent = ppo.load_agent(tmp_path)  # the trained policy plays as a loopgym agent
    env = training.make_eval_env(ppo.load_config(name, "small", tiny(name)))
    assert loopgym.runner.run_episode(env, agent, seed=3).length >= 1


def test_a_finished_run_is_not_trained_again(tmp_path):
    first = ppo.train("step-revision", 0, tmp_path, overrides=tiny("step-revision"))
    again = ppo.train("step-revision", 0, tmp_path, overrides=tiny("step-revision"))
    assert again.wall_s == first.wall_s  # read back from result.json


def test_an_interrupted_run_resumes_from_its_last_checkpoint(tmp_path):
    short = tiny("step-revision")
    ppo.train("step-revision", 0, tmp_path, overrides=short)
    (tmp_path / "result.json").unlink()  # as if killed after the last checkpoint
    longer = {**short, "timesteps": short["timesteps"] * 2}
    result = ppo.train("step-revision", 0, tmp_path, overrides=longer)
    assert result.extra["resumed_from"] == short["timesteps"]
    assert result.env_steps == short["timesteps"]  # only the rest was trained
    assert [p["steps"] for p in result.curve] == [0, 16, 32, 48, 64]


def test_same_seed_same_result(tmp_path):
    a = ppo.train("math-revision", 1, tmp_path / "a", overrides=tiny("math-revision"))
    b = ppo.train("math-revision", 1, tmp_path / "b", overrides=tiny("math-revision"))
    assert a.curve == b.curve


def test_unknown_experiment_and_missing_keys_are_named(tmp_path, monkeypatch):
    with pytest.raises(BaselineConfigError, match="bernoulli"):
        ppo.load_config("no-such-experiment")
    with pytest.raises(BaselineConfigError, match="scale"):
        ppo.load_config("bernoulli", "huge")
    (tmp_path / "ppo.yaml").write_text("broken:\n  env: BernoulliBandit-v0\n  scales: {small: {timesteps: 10}}\n")
    monkeypatch.setattr(training, "configs_dir", lambda: tmp_path)
    with pytest.raises(BaselineConfigError, match=r"lacks algo.*hyperparams"):
        ppo.load_config("broken")
    (tmp_path / "ppo.yaml").write_text("x:\n  env: NoSuchEnv-v0\n  scales: {small: {}}\n")
    with pytest.raises(BaselineConfigError, match="unknown env"):
        training.experiment_config("ppo", "x", "small", required=())


def test_regret_reward_is_minus_the_pseudo_regret():
    env = ppo.RegretReward(gym.make("loopgym/BernoulliBandit-v0", n_arms=3, horizon=5))
    env.reset(seed=0)
    _, reward, _, _, info = env.step(0)
    assert reward == -info["regret"] <= 0


def test_candidate_policy_scores_are_equivariant_to_the_slot_order():
    from sb3_contrib import MaskablePPO

    from loopgym.baselines.candidate_policy import CandidatePolicy

    env = gym.make("loopgym/MathRevision-v0")
    model = MaskablePPO(CandidatePolicy, env, policy_kwargs={"row_keys": {"candidates": 1}}, n_steps=16, seed=0,
                        device="cpu")
    obs, _ = env.reset(seed=0)
    k = env.action_space.n
    rows = obs["candidates"].reshape(k, -1)
    perm = np.random.default_rng(0).permutation(k)
    swapped = {**obs, "candidates": rows[perm].reshape(-1)}
    with torch.no_grad():
        batch = {key: torch.as_tensor(v)[None] for key, v in obs.items()}
        batch2 = {key: torch.as_tensor(v)[None] for key, v in swapped.items()}
        p = model.policy.get_distribution(batch).distribution.logits[0].numpy()
        q = model.policy.get_distribution(batch2).distribution.logits[0].numpy()
        v1, v2 = model.policy.predict_values(batch), model.policy.predict_values(batch2)
    np.testing.assert_allclose(q, p[perm], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(v1.numpy(), v2.numpy(), rtol=1e-5, atol=1e-5)


def test_candidate_policy_refuses_rows_that_do_not_fit():
    from sb3_contrib import MaskablePPO

    from loopgym.baselines.candidate_policy import CandidatePolicy

    env = gym.make("loopgym/StepRevision-v0")
    with pytest.raises(ValueError, match="steps"):
        MaskablePPO(CandidatePolicy, env, policy_kwargs={"row_keys": {"steps": 5}}, device="cpu")
    with pytest.raises(ValueError, match="not observation keys"):
        MaskablePPO(CandidatePolicy, env, policy_kwargs={"row_keys": {"nope": 1}}, device="cpu")
