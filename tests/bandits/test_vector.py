"""The native numpy vector bandits (envs/bandits/vector.py) against the single env and SyncVectorEnv."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.vector import AutoresetMode
from gymnasium.vector.utils import batch_space

import loopgym  # noqa: F401  (registers the ids)
from loopgym.config import ConfigError
from loopgym.core import ActionError
from loopgym.envs.bandits.task import gold_from_regret

NATIVE = ["BernoulliBandit", "GaussianBandit", "PiecewiseBandit", "DriftingBandit"]
#: kwargs under which a variant's regret is deterministic (no change points, no drift)
DETERMINISTIC = {
    "BernoulliBandit": {},
    "GaussianBandit": {"noise_sd": 0.5},
    "PiecewiseBandit": {"n_changes": 0},
    "DriftingBandit": {"drift_sd": 0.0},
}
INFO_KEYS = ("success", "gold", "regret", "cumulative_regret", "random_regret", "feedback")


def native(name: str, num_envs: int, **kwargs) -> gym.vector.VectorEnv:
    return gym.make_vec(
        f"loopgym/{name}-v0", num_envs=num_envs, vectorization_mode="vector_entry_point", **kwargs
    )


def sync(name: str, num_envs: int, **kwargs) -> gym.vector.VectorEnv:
    return gym.make_vec(f"loopgym/{name}-v0", num_envs=num_envs, vectorization_mode="sync", **kwargs)


def random_actions(env, steps: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, env.single_action_space.n, (steps, env.num_envs))


@pytest.mark.parametrize("name", NATIVE)
def test_make_vec_builds_the_native_env_with_the_single_env_spaces(name):
    env = native(name, 5, n_arms=3, horizon=10)
    single = gym.make(f"loopgym/{name}-v0", n_arms=3, horizon=10)
    assert type(env).__name__ == f"{name}Vector"
    assert env.metadata["autoreset_mode"] == AutoresetMode.NEXT_STEP
    assert env.single_observation_space == single.observation_space
    assert env.single_action_space == single.action_space
    assert env.observation_space == batch_space(single.observation_space, 5)
    assert env.action_space == batch_space(single.action_space, 5)


@pytest.mark.parametrize("name", NATIVE)
def test_shapes_dtypes_and_containment_across_episodes(name):
    n = 6
    env = native(name, n, n_arms=4, horizon=5)
    obs, info = env.reset(seed=1)
    assert obs.shape == (n, 6) and obs.dtype == np.float32 and obs in env.observation_space
    assert info["_attempt"].all() and (info["attempt"] == 0).all()
    for actions in random_actions(env, 12):
        obs, reward, terminated, truncated, info = env.step(actions)
        assert obs in env.observation_space
        assert reward.shape == (n,) and reward.dtype == np.float64
        assert terminated.dtype == truncated.dtype == np.bool_ and not terminated.any()
        for key in INFO_KEYS:
            assert info[f"_{key}"].shape == (n,) and info[f"_{key}"].dtype == np.bool_
        assert info["success"].shape == info["gold"].shape == info["regret"].shape == (n,)
        assert set(info["feedback"]) == {"arm", "payoff", "_arm", "_payoff"}
        pulled = info["_gold"]
        assert ((info["gold"] >= 0) & (info["gold"] <= 1)).all() and (info["regret"][pulled] >= 0).all()


@pytest.mark.parametrize("name", NATIVE)
def test_same_seed_and_actions_give_the_same_trajectory(name):
    def run(seed):
        env = native(name, 8, n_arms=3, horizon=6, **({"n_changes": 2} if name == "PiecewiseBandit" else {}))
        out = [env.reset(seed=seed)[0]]
        for actions in random_actions(env, 15):
            obs, reward, _, truncated, info = env.step(actions)
            out += [obs, reward, truncated, info["regret"], info["gold"]]
        return out

    first, again, other = run(3), run(3), run(4)
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    assert not all(np.array_equal(a, b) for a, b in zip(first, other, strict=True))


@pytest.mark.parametrize("name", NATIVE)
def test_regret_gold_success_equal_the_single_env_exactly(name):
    """With fixed means regret does not depend on the noise: the same actions give the same numbers.
    Arms with mean 0 or 1 (Bernoulli) pay deterministically, so there the observations agree too."""
    # two best arms (both succeed) and a near-best one 5e-4 below them (it does not)
    means = [0.0, 0.25, 1.0, 1.0, 0.9995] if name != "GaussianBandit" else [-1.5, 0.3, 2.0, 2.0, 1.9995]
    kwargs = {"n_arms": 5, "horizon": 25, "means": means, **DETERMINISTIC[name]}
    env = native(name, 3, **kwargs)
    env.reset(seed=0)
    actions = random_actions(env, 25, seed=7)
    singles = [gym.make(f"loopgym/{name}-v0", **kwargs) for _ in range(3)]
    for i, s in enumerate(singles):
        s.reset(seed=100 + i)
    for step, batch in enumerate(actions):
        obs, _, _, truncated, info = env.step(batch)
        for i, s in enumerate(singles):
            s_obs, s_reward, _, s_truncated, s_info = s.step(int(batch[i]))
            assert info["regret"][i] == s_info["regret"]
            assert info["gold"][i] == s_info["gold"]
            assert info["success"][i] == s_info["success"]
            assert info["cumulative_regret"][i] == s_info["cumulative_regret"]
            assert info["random_regret"][i] == pytest.approx(s_info["random_regret"], rel=1e-12)
            assert info["attempt"][i] == s_info["attempt"] == step + 1
            assert truncated[i] == s_truncated
            assert np.array_equal(np.delete(obs[i], 5), np.delete(s_obs, 5))  # one-hot and t/horizon
            if name != "GaussianBandit" and means[batch[i]] in (0.0, 1.0):
                assert obs[i][5] == s_obs[5] and info["feedback"]["payoff"][i] == s_reward
    assert truncated.all()


@pytest.mark.parametrize("name", NATIVE)
def test_regret_is_against_the_best_arm_at_the_time_of_the_pull(name):
    kwargs = {"PiecewiseBandit": {"n_changes": 6}, "DriftingBandit": {"drift_sd": 0.1}}.get(name, {})
    env = native(name, 16, n_arms=4, horizon=12, **kwargs)
    env.reset(seed=3)
    cumulative = np.zeros(16)
    for batch in random_actions(env, 30, seed=4):
        means = env.unwrapped.means.copy()
        _, _, _, _, info = env.step(batch)
        for i in np.flatnonzero(info["_regret"]):
            regret = float(means[i].max()) - float(means[i][batch[i]])
            cumulative[i] += regret
            assert info["regret"][i] == regret
            assert info["gold"][i] == gold_from_regret(regret, float(means[i].max() - means[i].min()))
            assert info["success"][i] == (regret <= 1e-12)
        cumulative[~info["_regret"]] = 0.0
        assert np.allclose(info["cumulative_regret"], cumulative, rtol=0, atol=1e-12)


def test_equal_arms_give_gold_one_everywhere():
    env = native("BernoulliBandit", 4, n_arms=3, horizon=5, means=[0.5, 0.5, 0.5])
    env.reset(seed=0)
    _, _, _, _, info = env.step(np.array([0, 1, 2, 0]))
    assert (info["gold"] == 1.0).all() and info["success"].all() and (info["regret"] == 0).all()


@pytest.mark.parametrize("name", NATIVE)
def test_next_step_autoreset_matches_sync_vector_env(name):
    """Deterministic arms (means 0 or 1), so the native env and SyncVectorEnv must agree on every
    observation, reward, flag and info entry, across autoresets and a partial reset."""
    kwargs = {"n_arms": 3, "horizon": 4, "means": [0.0, 1.0, 1.0], **DETERMINISTIC[name]}
    a, b = native(name, 3, **kwargs), sync(name, 3, **kwargs)

    def same(out_a, out_b):
        obs_a, obs_b = out_a[0], out_b[0]
        if name == "GaussianBandit":  # payoffs are noisy: compare the one-hot and t/horizon columns
            obs_a, obs_b = np.delete(obs_a, 3, axis=1), np.delete(obs_b, 3, axis=1)
        assert np.array_equal(obs_a, obs_b)
        info_a, info_b = out_a[-1], out_b[-1]
        if len(out_a) == 5:
            assert np.array_equal(out_a[2], out_b[2]) and np.array_equal(out_a[3], out_b[3])
            if name != "GaussianBandit":
                assert np.array_equal(out_a[1], out_b[1])
        for key in ("attempt", "success", "gold", "regret", "cumulative_regret", "feedback"):
            mask = info_b.get(f"_{key}", np.zeros(3, dtype=bool))
            assert np.array_equal(info_a.get(f"_{key}", np.zeros(3, dtype=bool)), mask), key
            if key == "feedback" and mask.any():
                assert np.array_equal(info_a[key]["arm"][mask], info_b[key]["arm"][mask])
            elif mask.any():
                assert np.array_equal(info_a[key][mask], info_b[key][mask]), key

    same(a.reset(seed=0), b.reset(seed=0))
    actions = random_actions(a, 14, seed=2)
    for step, batch in enumerate(actions):
        if step == 6:
            mask = np.array([True, False, True])
            out_a = a.reset(options={"reset_mask": mask})
            same(out_a, b.reset(options={"reset_mask": mask.copy()}))
            assert np.array_equal(out_a[1]["_attempt"], mask)
        out_a = a.step(batch)
        same(out_a, b.step(batch))
        if step == 3:  # the horizon's pull
            assert out_a[3].all()
        if step == 4:  # the step after it: every sub-env was reset, its action ignored
            assert out_a[3].sum() == 0 and (out_a[1] == 0).all() and (out_a[4]["attempt"] == 0).all()
            assert not out_a[4]["_success"].any() and (out_a[4]["feedback"]["arm"] == -1).all()
            assert (out_a[0][:, :4] == 0).all() and (out_a[0][:, 4] == 0).all()


def test_partial_reset_keeps_the_other_sub_envs_and_puts_them_out_of_phase():
    env = native("BernoulliBandit", 4, n_arms=3, horizon=5)
    env.reset(seed=0)
    for _ in range(2):
        obs, *_ = env.step(np.array([0, 1, 2, 0]))
    means = env.unwrapped.means.copy()
    mask = np.array([True, False, True, False])
    obs2, info = env.reset(options={"reset_mask": mask})
    assert np.array_equal(obs2[~mask], obs[~mask]) and (obs2[mask] == 0).all()
    assert np.array_equal(env.unwrapped.means[~mask], means[~mask])
    assert not np.array_equal(env.unwrapped.means[mask], means[mask])  # arms are redrawn
    assert np.array_equal(info["_attempt"], mask)
    truncated_at = []
    for _ in range(6):
        _, _, _, truncated, info = env.step(np.array([1, 1, 1, 1]))
        truncated_at.append(truncated.copy())
    assert truncated_at[2].tolist() == [False, True, False, True]  # unmasked: 2 + 3 = 5 pulls
    assert truncated_at[4].tolist() == [True, False, True, False]  # masked: restarted, 5 pulls
    assert info["attempt"].tolist() == [0, 2, 0, 2]


def test_bad_reset_masks_raise():
    env = native("BernoulliBandit", 3, n_arms=2, horizon=5)
    env.reset(seed=0)
    with pytest.raises(TypeError):
        env.reset(options={"reset_mask": [True, False, True]})
    with pytest.raises(TypeError):
        env.reset(options={"reset_mask": np.array([1, 0, 1])})
    with pytest.raises(ValueError, match="shape"):
        env.reset(options={"reset_mask": np.array([True, False])})
    with pytest.raises(ValueError, match="at least one True"):
        env.reset(options={"reset_mask": np.zeros(3, dtype=bool)})


def test_step_before_reset_raises():
    env = native("BernoulliBandit", 2, n_arms=2, horizon=5)
    with pytest.raises(gym.error.ResetNeeded):
        env.step(np.array([0, 1]))


@pytest.mark.parametrize("name", NATIVE)
def test_fixed_means_survive_autoreset_and_drawn_means_do_not(name):
    fixed = native(name, 2, n_arms=2, horizon=1, means=[0.2, 0.9], **DETERMINISTIC[name])
    drawn = native(name, 2, n_arms=2, horizon=1, **DETERMINISTIC[name])
    for env in (fixed, drawn):
        env.reset(seed=0)
        before = env.unwrapped.means.copy()
        env.step(np.array([0, 1]))
        env.step(np.array([0, 1]))  # the autoreset step
        changed = not np.array_equal(env.unwrapped.means, before)
        assert changed == (env is drawn)
    assert np.array_equal(fixed.unwrapped.means, [[0.2, 0.9], [0.2, 0.9]])


def test_payoffs_and_drawn_means_follow_their_distributions():
    n = 4096
    env = native("BernoulliBandit", n, n_arms=2, horizon=100, means=[0.2, 0.7])
    env.reset(seed=0)
    arms = np.arange(n) % 2
    payoffs = np.stack([env.step(arms)[1] for _ in range(5)])
    assert payoffs[:, arms == 0].mean() == pytest.approx(0.2, abs=0.02)  # sd of the mean ~0.004
    assert payoffs[:, arms == 1].mean() == pytest.approx(0.7, abs=0.02)

    env = native("GaussianBandit", n, n_arms=2, horizon=100, means=[-1.0, 2.0], noise_sd=0.5)
    env.reset(seed=0)
    payoffs = np.stack([env.step(arms)[1] for _ in range(5)])
    assert payoffs[:, arms == 0].mean() == pytest.approx(-1.0, abs=0.03)  # sd of the mean ~0.01
    assert payoffs[:, arms == 1].std() == pytest.approx(0.5, abs=0.03)

    bern = native("BernoulliBandit", n, n_arms=5, horizon=10).unwrapped
    gauss = native("GaussianBandit", n, n_arms=5, horizon=10).unwrapped
    bern.reset(seed=1)
    gauss.reset(seed=1)
    assert (
        bern.means.min() >= 0 and bern.means.max() < 1 and bern.means.mean() == pytest.approx(0.5, abs=0.01)
    )
    assert gauss.means.mean() == pytest.approx(0.0, abs=0.02) and gauss.means.std() == pytest.approx(
        1.0, abs=0.02
    )


def test_piecewise_means_change_at_change_points_and_only_there():
    n, horizon, n_changes = 64, 40, 3
    env = native("PiecewiseBandit", n, n_arms=4, horizon=horizon, n_changes=n_changes).unwrapped
    env.reset(seed=5)
    points = env.change_points.copy()
    assert points.shape == (n, n_changes) and points.min() >= 1 and points.max() <= horizon - 1
    assert (np.diff(points, axis=1) > 0).all()  # sorted and distinct
    assert len({tuple(row) for row in points}) > 1  # drawn per sub-env
    changes = np.zeros(n, dtype=int)
    for t in range(1, horizon + 1):
        before = env.means.copy()
        env.step(np.zeros(n, dtype=np.int64))
        changed = (env.means != before).any(axis=1)
        assert np.array_equal(changed, (points == t).any(axis=1)), t
        changes += changed
    assert (changes == n_changes).all()

    fixed = native("PiecewiseBandit", 2, n_arms=3, horizon=12, means=[0.1, 0.2, 0.3], change_points=[9, 4])
    fixed = fixed.unwrapped
    fixed.reset(seed=0)
    assert fixed.change_points.tolist() == [[4, 9], [4, 9]]
    seen = []
    for _ in range(12):
        seen.append(fixed.means.copy())
        fixed.step(np.array([0, 1]))
    assert all(np.array_equal(m, [[0.1, 0.2, 0.3]] * 2) for m in seen[:4])
    assert not np.array_equal(seen[4], seen[3]) and np.array_equal(seen[8], seen[4])
    assert not np.array_equal(seen[9], seen[8])


def test_piecewise_change_points_are_uniform_without_replacement():
    env = native("PiecewiseBandit", 20_000, n_arms=2, horizon=11, n_changes=3).unwrapped
    env.reset(seed=0)
    counts = np.bincount(env.change_points.ravel(), minlength=11)[1:]
    assert counts.sum() == 60_000
    assert np.allclose(counts / 20_000, 0.3, atol=0.015)  # each of 1..10 is in 3/10 of the rows


def test_drifting_means_stay_in_the_unit_interval_and_move():
    n = 256
    env = native("DriftingBandit", n, n_arms=3, horizon=300, drift_sd=0.3).unwrapped
    env.reset(seed=0)
    for _ in range(50):
        before = env.means.copy()
        env.step(np.zeros(n, dtype=np.int64))
        assert env.means.min() >= 0.0 and env.means.max() <= 1.0
        assert (env.means != before).all()

    small = native("DriftingBandit", 4096, n_arms=2, horizon=10, means=[0.5, 0.5], drift_sd=0.01).unwrapped
    small.reset(seed=0)
    small.step(np.zeros(4096, dtype=np.int64))
    steps = small.means - 0.5
    assert steps.mean() == pytest.approx(0.0, abs=0.001) and steps.std() == pytest.approx(0.01, rel=0.05)

    still = native("DriftingBandit", 4, n_arms=2, horizon=10, drift_sd=0.0).unwrapped
    still.reset(seed=0)
    before = still.means.copy()
    still.step(np.zeros(4, dtype=np.int64))
    assert np.array_equal(still.means, before)


@pytest.mark.parametrize(
    ("name", "kwargs", "match"),
    [
        ("BernoulliBandit", {"n_arms": 1}, "n_arms=1"),
        ("BernoulliBandit", {"horizon": 0}, "horizon=0"),
        ("BernoulliBandit", {"n_arms": 3, "means": [0.1, 0.2]}, "means="),
        ("BernoulliBandit", {"n_arms": 2, "means": [0.1, 1.5]}, "means="),
        ("BernoulliBandit", {"arms": 3}, "unknown argument 'arms'"),
        ("BernoulliBandit", {"num_envs": 0}, "num_envs=0"),
        ("BernoulliBandit", {"view": "text"}, "view='text'"),
        ("BernoulliBandit", {"max_episode_steps": 0}, "max_episode_steps=0"),
        ("GaussianBandit", {"noise_sd": 0.0}, "noise_sd=0.0"),
        ("PiecewiseBandit", {"horizon": 10, "n_changes": 10}, "n_changes=10"),
        ("PiecewiseBandit", {"horizon": 10, "change_points": [3, 3]}, "change_points="),
        ("DriftingBandit", {"drift_sd": -0.1}, "drift_sd=-0.1"),
    ],
)
def test_bad_kwargs_raise_config_error(name, kwargs, match):
    kwargs = {"num_envs": 4, **kwargs}
    with pytest.raises(ConfigError, match=match):
        gym.make_vec(f"loopgym/{name}-v0", vectorization_mode="vector_entry_point", **kwargs)


def test_bad_actions_raise_action_error_naming_them():
    env = native("BernoulliBandit", 4, n_arms=3, horizon=5)
    env.reset(seed=0)
    assert issubclass(ActionError, ValueError)
    with pytest.raises(ActionError, match="env 2: 7") as err:
        env.step(np.array([0, 1, 7, 2]))
    assert "env 0" not in str(err.value)
    with pytest.raises(ActionError, match="env 3: -1"):
        env.step(np.array([0, 1, 2, -1]))
    with pytest.raises(ActionError, match=r"shape \(4,\)"):
        env.step(np.array([0, 1, 2]))
    with pytest.raises(ActionError, match="float"):
        env.step(np.array([0.0, 1.0, 2.0, 0.0]))
    env.step([0, 1, 2, 0])  # a list of ints is fine


def test_max_episode_steps_truncates_early():
    env = native("BernoulliBandit", 2, n_arms=2, horizon=10, max_episode_steps=3)
    obs, _ = env.reset(seed=0)
    for _ in range(3):
        obs, _, _, truncated, _ = env.step(np.array([0, 1]))
    assert truncated.all() and obs[0, -1] == np.float32(0.3)
