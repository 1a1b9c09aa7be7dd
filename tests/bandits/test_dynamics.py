"""Each bandit variant does what its docstring says."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

import loopgym
from loopgym.envs.bandits.scoring import normalised_score, score_from_regret


def steps(env, actions):
    return [env.step(a) for a in actions]


def test_regret_gold_success_follow_the_expected_payoffs():
    env = gym.make("loopgym/BernoulliBandit-v0", n_arms=2, means=[0.2, 0.8], horizon=10)
    env.reset(seed=0)
    _, _, _, _, bad = env.step(0)
    _, _, _, _, good = env.step(1)
    assert bad["regret"] == pytest.approx(0.6) and bad["gold"] == 0.0 and bad["success"] is False
    assert good["regret"] == 0.0 and good["gold"] == 1.0 and good["success"] is True
    assert good["cumulative_regret"] == pytest.approx(0.6)
    assert good["feedback"]["arm"] == 1 and good["feedback"]["payoff"] in (0.0, 1.0)


def test_bernoulli_payoff_frequencies_match_the_means():
    env = gym.make("loopgym/BernoulliBandit-v0", n_arms=3, means=[0.1, 0.5, 0.9], horizon=3000)
    env.reset(seed=1)
    for arm, mean in enumerate([0.1, 0.5, 0.9]):
        payoffs = [env.step(arm)[1] for _ in range(1000)]
        assert np.mean(payoffs) == pytest.approx(mean, abs=0.05)


def test_arms_are_resampled_per_episode_unless_fixed():
    env = gym.make("loopgym/BernoulliBandit-v0")
    env.reset(seed=1)
    first = env.unwrapped.problem.means.copy()
    env.reset(seed=2)
    assert not np.allclose(first, env.unwrapped.problem.means)
    env.reset(seed=1)
    np.testing.assert_array_equal(first, env.unwrapped.problem.means)
    fixed = gym.make("loopgym/GaussianBandit-v0", n_arms=3, means=[-1.0, 0.0, 2.5])
    for seed in (1, 2):
        fixed.reset(seed=seed)
        np.testing.assert_array_equal(fixed.unwrapped.problem.means, [-1.0, 0.0, 2.5])


def test_gaussian_noise_has_the_configured_spread():
    env = gym.make("loopgym/GaussianBandit-v0", n_arms=2, means=[1.0, 0.0], noise_sd=0.5, horizon=4000)
    env.reset(seed=0)
    payoffs = [env.step(0)[1] for _ in range(4000)]
    assert np.mean(payoffs) == pytest.approx(1.0, abs=0.05)
    assert np.std(payoffs) == pytest.approx(0.5, abs=0.05)


def test_piecewise_means_change_exactly_at_the_change_points():
    env = gym.make("loopgym/PiecewiseBandit-v0", n_arms=5, horizon=30, change_points=[10, 20])
    env.reset(seed=3)
    problem = env.unwrapped.problem
    history = [problem.means.copy()]
    for _ in range(30):
        env.step(0)
        history.append(problem.means.copy())
    changed = [t for t in range(1, 31) if not np.array_equal(history[t], history[t - 1])]
    assert changed == [10, 20]
    # regret is measured against the best arm of the current segment
    env.reset(seed=3)
    for t in range(1, 15):
        info = env.step(0)[4]
        segment = history[0] if t <= 10 else history[10]
        assert info["regret"] == pytest.approx(segment.max() - segment[0])


def test_piecewise_draws_distinct_change_points_per_reset():
    env = gym.make("loopgym/PiecewiseBandit-v0", horizon=100, n_changes=5)
    env.reset(seed=0)
    points = env.unwrapped.problem.extra["change_points"]
    assert len(set(points)) == 5 and all(1 <= p <= 99 for p in points)
    env.reset(seed=1)
    assert env.unwrapped.problem.extra["change_points"] != points
    short = gym.make("loopgym/PiecewiseBandit-v0", horizon=3)  # default n_changes shrinks to fit
    short.reset(seed=0)
    assert sorted(short.unwrapped.problem.extra["change_points"]) == [1, 2]


def test_drifting_means_move_and_stay_in_the_unit_interval():
    env = gym.make("loopgym/DriftingBandit-v0", n_arms=4, drift_sd=0.2, horizon=500)
    env.reset(seed=0)
    start = env.unwrapped.problem.means.copy()
    for _ in range(500):
        env.step(0)
        means = env.unwrapped.problem.means
        assert np.all((means >= 0) & (means <= 1))
    assert not np.allclose(start, means)
    still = gym.make("loopgym/DriftingBandit-v0", n_arms=4, drift_sd=0.0, horizon=50)
    still.reset(seed=0)
    start = still.unwrapped.problem.means.copy()
    steps(still, [1] * 50)
    np.testing.assert_array_equal(start, still.unwrapped.problem.means)


def test_contextual_payoff_is_linear_in_the_context_shown_before_the_pull():
    weights = [[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]]
    env = gym.make("loopgym/ContextualBandit-v0", n_arms=3, context_dim=2, weights=weights, noise_sd=0.0, horizon=50)
    obs, _ = env.reset(seed=0)
    for t in range(50):
        context = obs[-2:].astype(float)
        arm = t % 3
        obs, reward, _, _, info = env.step(arm)
        expected = np.array(weights) @ context
        assert reward == pytest.approx(expected[arm], abs=1e-5)
        assert info["regret"] == pytest.approx(expected.max() - expected[arm], abs=1e-5)
        assert info["feedback"]["context"] == pytest.approx(list(context), abs=1e-6)


def test_delays_really_delay():
    env = gym.make("loopgym/DelayedBandit-v0", n_arms=2, means=[1.0, 0.0], delay=3, horizon=10)
    obs, _ = env.reset(seed=0)
    k = 2
    rewards, delivered = [], []
    for _ in range(6):
        obs, reward, _, _, info = env.step(0)
        rewards.append(reward)
        delivered.append(info["feedback"]["delivered"])
        assert "payoff" not in info["feedback"]  # the pull's own payoff is not revealed now
        if reward:
            assert obs[k] == 1.0 and obs[k + 2 + 0] == 1.0
        else:
            assert obs[k] == 0.0 and not obs[k + 2 :].any()
    assert rewards == [0.0, 0.0, 0.0, 1.0, 1.0, 1.0]
    assert delivered[:3] == [[], [], []]
    assert delivered[3] == [[0, 1, 1.0]] and delivered[5] == [[0, 3, 1.0]]


def test_zero_delay_delivers_at_once_and_text_view_says_so():
    env = gym.make("loopgym/DelayedBandit-v0", n_arms=2, means=[1.0, 0.0], delay=0, horizon=5, view="text")
    env.reset(seed=0)
    obs, reward, *_ = env.step("arm 0")
    assert reward == 1.0 and "arm 0 (pulled at step 1) paid 1" in obs


def test_switching_costs_are_charged_and_counted_in_regret():
    env = gym.make("loopgym/SwitchingCostBandit-v0", n_arms=2, means=[1.0, 1.0], cost=0.3, horizon=10)
    env.reset(seed=0)
    (_, r1, _, _, i1), (_, r2, _, _, i2), (_, r3, _, _, i3) = steps(env, [0, 0, 1])
    assert r1 == 1.0 and i1["regret"] == 0.0  # first pull is free
    assert r2 == 1.0 and i2["regret"] == 0.0
    assert r3 == pytest.approx(0.7) and i3["regret"] == pytest.approx(0.3)
    assert i3["feedback"]["cost"] == pytest.approx(0.3) and i3["feedback"]["payoff"] == 1.0


def test_recharging_arms_wear_out_and_recover():
    env = gym.make("loopgym/RechargingBandit-v0", n_arms=2, means=[1.0, 1.0], recovery=[5.0, 5.0], horizon=100)
    env.reset(seed=0)
    first = env.step(0)[4]
    assert first["regret"] == 0.0  # both arms fully charged
    second = env.step(0)[4]  # arm 0 was pulled 1 step ago
    assert second["regret"] == pytest.approx(1.0 - (1.0 - np.exp(-1 / 5)))
    steps(env, [1] * 20)  # arm 0 rests for 20 steps
    probability = env.unwrapped.problem.values[0]
    assert probability == pytest.approx(1.0 - np.exp(-21 / 5))
    obs = env.step(1)[0]
    assert obs[2 + 2 + 0] == pytest.approx(22 / 100) and obs[2 + 2 + 1] == pytest.approx(1 / 100)


def test_dueling_never_reveals_payoffs_or_utilities():
    utilities = [0.93, 0.17, 0.61]
    for view in ("vector", "text"):
        env = gym.make("loopgym/DuelingBandit-v0", n_arms=3, means=utilities, horizon=400, view=view)
        obs, _ = env.reset(seed=0)
        wins = []
        rng = np.random.default_rng(0)
        for _ in range(400):
            pair = (0, 1) if view == "text" and rng.random() < 0.5 else tuple(rng.integers(0, 3, 2))
            action = f"{pair[0]} {pair[1]}" if view == "text" else np.array(pair)
            obs, reward, _, _, info = env.step(action)
            assert reward in (0.0, 0.5, 1.0)
            assert set(info["feedback"]) >= {"arms", "winner"} and "payoff" not in info["feedback"]
            if view == "vector":
                head = np.delete(obs, 3 + 1)  # everything but t / horizon
                assert set(np.unique(head)) <= {0.0, 0.5, 1.0}
            else:
                assert not any(f"{u}" in obs for u in utilities)
            if tuple(info["feedback"]["arms"]) == (0, 1):
                wins.append(info["feedback"]["winner"] == 0)
        assert np.mean(wins) == pytest.approx((1 + 0.93 - 0.17) / 2, abs=0.08)


def test_dueling_regret_is_zero_only_for_the_best_arm_against_itself():
    env = gym.make("loopgym/DuelingBandit-v0", n_arms=3, means=[0.2, 0.9, 0.5], horizon=10)
    env.reset(seed=0)
    best = env.step(np.array([1, 1]))[4]
    mixed = env.step(np.array([1, 0]))[4]
    worst = env.step(np.array([0, 0]))[4]
    assert best["regret"] == 0.0 and best["success"] and best["gold"] == 1.0
    assert mixed["regret"] == pytest.approx((0.9 - 0.2) / 4) and not mixed["success"]
    assert worst["regret"] == pytest.approx((0.9 - 0.2) / 2) and worst["gold"] == 0.0


def test_a_lost_text_step_advances_time_and_costs_the_largest_regret():
    env = gym.make("loopgym/BernoulliBandit-v0", n_arms=3, means=[0.1, 0.5, 0.9], horizon=5, view="text")
    obs, _ = env.reset(seed=0)
    assert "0 to 2" in obs
    obs, reward, _, truncated, info = env.step("I am not sure")
    assert reward == 0.0 and info["gold"] == 0.0 and info["regret"] == pytest.approx(0.8)
    assert info["attempt"] == 1 and "could not find an arm" in obs and not truncated
    obs, *_ = env.step("arm 7")
    assert "Arm 7 does not exist" in obs and "Step 2 of 5" in obs
    obs, reward, *_ = env.step("After thinking: **arm 2**")
    assert "You pulled arm 2" in obs


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"horizon": 0}, r"horizon=0 is not allowed: horizon must be an integer >= 1"),
        ({"horizon": -5}, r"horizon=-5"),
        ({"horizon": 2.5}, r"horizon=2.5 .* an integer"),
        ({"n_arms": 1}, r"n_arms=1 is not allowed: n_arms must be an integer >= 2"),
        ({"n_arms": 3, "means": [0.1, 1.2, 0.5]}, r"means=\[0.1, 1.2, 0.5\] .* each in \[0.0, 1.0\]"),
        ({"n_arms": 3, "means": [0.1, -0.2, 0.5]}, r"means=.* each in \[0.0, 1.0\]"),
        ({"n_arms": 3, "means": [0.1, 0.5]}, r"means=.* a sequence of 3 numbers"),
        ({"means": "abc"}, r"means='abc'"),
        ({"colour": "red"}, r"unknown argument 'colour'; allowed arguments: n_arms, horizon, means"),
    ],
)
def test_bad_arguments_name_the_argument_value_and_what_is_allowed(kwargs, pattern):
    with pytest.raises(loopgym.ConfigError, match=pattern):
        gym.make("loopgym/BernoulliBandit-v0", **kwargs)


@pytest.mark.parametrize(
    ("env_id", "kwargs", "pattern"),
    [
        ("DelayedBandit-v0", {"delay": -1}, r"delay=-1"),
        ("SwitchingCostBandit-v0", {"cost": -0.1}, r"cost=-0.1"),
        ("GaussianBandit-v0", {"noise_sd": 0}, r"noise_sd=0.0 .* > 0.0"),
        ("DriftingBandit-v0", {"drift_sd": float("nan")}, r"drift_sd=nan"),
        ("PiecewiseBandit-v0", {"horizon": 10, "change_points": [3, 3]}, r"change_points=\[3, 3\]"),
        ("PiecewiseBandit-v0", {"horizon": 10, "change_points": [12]}, r"change_points=\[12\]"),
        ("PiecewiseBandit-v0", {"horizon": 10, "n_changes": 10}, r"n_changes=10"),
        ("ContextualBandit-v0", {"context_dim": 0}, r"context_dim=0"),
        ("ContextualBandit-v0", {"n_arms": 2, "weights": [[1.0]]}, r"weights=.* n_arms=2 rows"),
        ("ContextualBandit-v0", {"means": [0.5] * 10}, r"means is not allowed"),
        ("RechargingBandit-v0", {"n_arms": 2, "recovery": [1.0, 0.0]}, r"recovery=\[1.0, 0.0\]"),
        ("DuelingBandit-v0", {"n_arms": 2, "means": [0.5, 1.5]}, r"means=\[0.5, 1.5\]"),
    ],
)
def test_variant_arguments_are_validated(env_id, kwargs, pattern):
    with pytest.raises(loopgym.ConfigError, match=pattern):
        gym.make(f"loopgym/{env_id}", **kwargs)


def test_normalised_score_is_zero_for_random_and_one_for_the_oracle():
    horizon = 2000
    env = gym.make("loopgym/BernoulliBandit-v0", horizon=horizon)
    env.reset(seed=0)
    env.action_space.seed(0)
    for _ in range(horizon):
        info = env.step(env.action_space.sample())[4]
    assert normalised_score(info) < 0.1
    env.reset(seed=0)
    best = int(np.argmax(env.unwrapped.problem.means))
    for _ in range(horizon):
        info = env.step(best)[4]
    assert normalised_score(info) == 1.0
    assert score_from_regret(5.0, 10.0) == 0.5 and score_from_regret(20.0, 10.0) == 0.0
    assert score_from_regret(0.0, 0.0) == 1.0


def test_fixed_arms_set_the_number_of_arms():
    assert gym.make("loopgym/BernoulliBandit-v0", means=[0.2, 0.5, 0.8]).action_space.n == 3
    assert gym.make("loopgym/DuelingBandit-v0", means=[0.2, 0.8]).action_space.nvec.tolist() == [2, 2]
    contextual = gym.make("loopgym/ContextualBandit-v0", weights=[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    assert contextual.action_space.n == 2 and contextual.observation_space.shape == (2 + 2 + 3,)
    with pytest.raises(loopgym.ConfigError, match="n_arms=1"):
        gym.make("loopgym/BernoulliBandit-v0", means=[0.5])
