"""The classic bandit policies: published orderings at small scale, every policy on every variant it
supports (and a clear error on the others), no use of hidden info, and seeding."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

import loopgym  # noqa: F401  (registers the ids)
from loopgym.agents import AGENTS, agent_rng, make_agent
from loopgym.baselines.bandit_policies import SingleArmPolicy
from loopgym.runner import run_episode

SINGLE_ARM = ["epsilon-greedy", "ucb1", "thompson", "gaussian-thompson", "exp3", "linucb", "sw-ucb", "discounted-thompson"]
DUELING = ["rucb", "copeland-ucb"]
SINGLE_VARIANTS = [
    "BernoulliBandit", "GaussianBandit", "PiecewiseBandit", "DriftingBandit", "ContextualBandit",
    "DelayedBandit", "SwitchingCostBandit", "RechargingBandit",
]
FIXED = {"n_arms": 9, "means": [0.1 * i for i in range(1, 10)]}


def make(variant: str, **kwargs) -> gym.Env:
    return gym.make(f"loopgym/{variant}-v0", **kwargs)


def mean_regret(policy: str, variant: str, seeds: int, **kwargs) -> float:
    env = make(variant, **kwargs)
    return float(np.mean([run_episode(env, make_agent(policy), seed=s).regret for s in range(seeds)]))


def actions(policy, env: gym.Env, seed: int) -> list:
    """The actions ``policy`` (a name or an agent) takes in one episode of ``env`` (maybe wrapped)."""
    agent = make_agent(policy) if isinstance(policy, str) else policy
    agent.reset(env, seed=seed)
    obs, _ = env.reset(seed=seed)
    taken, done = [], False
    while not done:
        action = agent.act(obs)
        taken.append(np.asarray(action).tolist())
        obs, reward, terminated, truncated, info = env.step(action)
        agent.observe(action, reward, obs, info)
        done = terminated or truncated
    return taken


def test_every_policy_is_in_the_agent_table():
    for name in SINGLE_ARM + DUELING:
        assert name in AGENTS
        make_agent(name)


def test_published_ordering_on_bernoulli_arms_point1_to_point9():
    # Thompson < UCB1 < eps-greedy(0.1) < EXP3 < random. eps-greedy's regret is linear (about
    # 0.1 * 0.4 * T) and UCB1's logarithmic, so UCB1 only wins from T of about 6000 on: at T = 2000
    # eps-greedy is ahead (about 120 against 180).
    regret = {p: mean_regret(p, "BernoulliBandit", 8, horizon=10_000, **FIXED)
              for p in ["thompson", "ucb1", "epsilon-greedy", "exp3", "random"]}
    assert regret["thompson"] < regret["ucb1"] < regret["epsilon-greedy"] < regret["exp3"] < regret["random"], regret
    assert regret["thompson"] < 100 and regret["exp3"] > 500 and regret["random"] > 3800, regret


@pytest.mark.parametrize("variant", SINGLE_VARIANTS)
def test_single_arm_policies_play_every_single_arm_variant(variant):
    env = make(variant, horizon=40, n_arms=4)
    for policy in SINGLE_ARM:
        result = run_episode(env, make_agent(policy), seed=3)
        assert result.length == 40 and result.regret is not None and np.isfinite(result.regret)


def test_dueling_policies_play_dueling_bandit():
    env = make("DuelingBandit", horizon=40, n_arms=4)
    for policy in DUELING:
        assert run_episode(env, make_agent(policy), seed=3).length == 40


@pytest.mark.parametrize("policy", SINGLE_ARM)
def test_single_arm_policy_refuses_dueling_bandit(policy):
    agent = make_agent(policy)
    with pytest.raises(ValueError, match="DuelingBandit") as err:
        agent.reset(make("DuelingBandit", horizon=10), seed=0)
    assert type(agent).__name__ in str(err.value) and "RUCB" in str(err.value)


@pytest.mark.parametrize("policy", DUELING)
@pytest.mark.parametrize("variant", SINGLE_VARIANTS)
def test_dueling_policy_refuses_single_arm_variants(policy, variant):
    agent = make_agent(policy)
    with pytest.raises(ValueError, match=variant) as err:
        agent.reset(make(variant, horizon=10), seed=0)
    assert type(agent).__name__ in str(err.value) and "UCB1" in str(err.value)


def test_bad_arguments_and_text_view_are_refused():
    with pytest.raises(ValueError, match="epsilon"):
        make_agent("epsilon-greedy", epsilon=1.5)
    with pytest.raises(ValueError, match="prior"):
        make_agent("thompson", prior="uniform")
    with pytest.raises(ValueError, match="gaussian"):
        make_agent("thompson", prior="beta").reset(make("GaussianBandit", horizon=10), seed=0)
    with pytest.raises(ValueError, match="vector"):
        make_agent("ucb1").reset(make("BernoulliBandit", view="text", horizon=10), seed=0)


def test_linucb_beats_ucb1_on_contextual_bandit():
    linucb = mean_regret("linucb", "ContextualBandit", 4, horizon=1000)
    ucb1 = mean_regret("ucb1", "ContextualBandit", 4, horizon=1000)
    assert linucb < 0.25 * ucb1, (linucb, ucb1)


def test_non_stationary_policies_beat_ucb1_on_piecewise_bandit():
    kwargs = {"horizon": 4000, "n_arms": 3, "change_points": [1000, 2000, 3000]}
    ucb1 = mean_regret("ucb1", "PiecewiseBandit", 8, **kwargs)
    for policy in ["sw-ucb", "discounted-thompson"]:
        regret = mean_regret(policy, "PiecewiseBandit", 8, **kwargs)
        assert regret < 0.85 * ucb1, (policy, regret, ucb1)


def test_dueling_policies_beat_random():
    random = mean_regret("random", "DuelingBandit", 5, horizon=1000)
    for policy in DUELING:
        regret = mean_regret(policy, "DuelingBandit", 5, horizon=1000)
        assert regret < 0.75 * random, (policy, regret, random)


class Garble(gym.Wrapper):
    """Replaces every hidden number an agent could peek at, and the reward, by random garbage."""

    def __init__(self, env: gym.Env, seed: int):
        super().__init__(env)
        self.garbage = np.random.default_rng(seed + 1000)

    def step(self, action):
        obs, reward, terminated, truncated, info = self.env.step(action)
        g = self.garbage
        info = dict(info, gold=g.random(), success=bool(g.random() < 0.5),
                    regret=g.normal() * 100, cumulative_regret=g.normal() * 1e4)
        fb = dict(info["feedback"], gold=g.random(), solved=bool(g.random() < 0.5),
                  regret=g.normal() * 100, reward=g.normal() * 100)
        info["feedback"] = fb
        return obs, g.normal() * 100, terminated, truncated, info


class Cheater(SingleArmPolicy):
    """Greedy on the hidden regret: shows that Garble changes what a cheating policy does."""

    def start(self):
        self.seen = np.zeros(self.k)

    def act(self, observation):
        return int(np.argmin(self.seen))

    def observe(self, action, reward, observation, info):
        self.seen[action] += info["regret"] + 1e-3


@pytest.mark.parametrize("variant", [*SINGLE_VARIANTS, "DuelingBandit"])
def test_policies_never_use_hidden_info(variant):
    policies = DUELING if variant == "DuelingBandit" else SINGLE_ARM
    for policy in policies:
        plain = actions(policy, make(variant, horizon=150, n_arms=4), seed=7)
        garbled = actions(policy, Garble(make(variant, horizon=150, n_arms=4), seed=7), seed=7)
        assert plain == garbled, policy


def test_garbling_would_catch_a_cheater():
    plain = actions(Cheater(), make("BernoulliBandit", horizon=100, n_arms=4), seed=7)
    garbled = actions(Cheater(), Garble(make("BernoulliBandit", horizon=100, n_arms=4), seed=7), seed=7)
    assert plain != garbled


def test_delayed_payoffs_are_not_seen_before_they_arrive():
    env = make("DelayedBandit", horizon=50, n_arms=4, delay=60)  # nothing is ever delivered
    for policy in SINGLE_ARM:
        agent = make_agent(policy)
        run_episode(env, agent, seed=1)
        assert agent.n.sum() == 0 and agent.pulls.sum() == 50, policy


@pytest.mark.parametrize("variant", ["BernoulliBandit", "ContextualBandit", "DuelingBandit"])
def test_same_seed_same_actions(variant):
    policies = DUELING if variant == "DuelingBandit" else SINGLE_ARM
    for policy in policies:
        first = actions(policy, make(variant, horizon=200), seed=11)
        assert actions(policy, make(variant, horizon=200), seed=11) == first, policy
    policy = "rucb" if variant == "DuelingBandit" else "thompson"
    assert actions(policy, make(variant, horizon=200), seed=11) != actions(policy, make(variant, horizon=200), seed=12)


def test_policy_stream_is_not_the_envs_stream():
    # gymnasium seeds the env with default_rng(seed)'s own stream; sharing it makes EXP3 pick the
    # worst arm (its arm draw and the env's payoff draw would be the same uniform)
    assert not np.allclose(agent_rng(0).random(8), np.random.default_rng(0).random(8))
    assert np.array_equal(agent_rng(5).random(8), agent_rng(5).random(8))
