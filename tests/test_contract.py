"""The contract every registered id keeps, in both views (see ARCHITECTURE.md)."""

from __future__ import annotations

import inspect
import warnings

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import loopgym
from loopgym import registry
from loopgym.core import ActionError

IDS = loopgym.ids()
VIEWS = ("vector", "text")
SECTIONS = (
    "Description",
    "Action Space",
    "Observation Space",
    "Feedback",
    "Rewards",
    "Starting State",
    "Episode End",
    "Arguments",
    "Version History",
)
GARBAGE = [
    "",
    " ",
    "x" * 1_000_000,
    "\x00\x01\xff\ufffd" * 50,
    "".join(chr(c) for c in range(0x80, 0x800, 7)),
    "🎰🎲 ٣ ३ 三 \u202eevil\u202c e\u0301\u0301\u0301",
    "def choose(state):\n    import os\n    os.system('rm -rf /')\n    return None\n",
    "SELECT * FROM arms; DROP TABLE rewards;--",
    "{{7*7}} ${jndi:ldap://x} %s%s%n",
    "-1",
    "arm -4",
    "arm 99999999999999999999999999",
    "3.5e400",
    "nan",
]


def make(env_id: str, view: str, **kwargs) -> gym.Env:
    kwargs = {**registry.spec(env_id).smoke_kwargs, **kwargs}
    return gym.make(env_id, view=view, **kwargs)


def test_ids_listed_and_namespaced():
    assert IDS, "no environment registered"
    for env_id in IDS:
        assert env_id.startswith("loopgym/") and env_id.rsplit("-v", 1)[1].isdigit()
        assert env_id in gym.registry


@pytest.mark.parametrize("env_id", IDS)
def test_docstring_has_gymnasium_sections(env_id):
    entry = gym.spec(env_id).entry_point
    module, _, name = entry.partition(":")
    cls = getattr(__import__(module, fromlist=[name]), name)
    doc = inspect.getdoc(cls) or ""
    missing = [s for s in SECTIONS if f"## {s}" not in doc]
    assert not missing, f"{env_id} docstring lacks sections {missing}"


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("env_id", IDS)
def test_gymnasium_check_env(env_id, view):
    env = make(env_id, view, render_mode="ansi")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a checker warning is a failure
        check_env(env.unwrapped, skip_render_check=False)
    env.reset(seed=0)
    env.step(env.action_space.sample())
    assert isinstance(env.render(), str) and env.render()


@pytest.mark.parametrize("env_id", IDS)
def test_stable_baselines3_check_env(env_id):
    sb3_env_checker = pytest.importorskip("stable_baselines3.common.env_checker")
    env = make(env_id, "vector")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sb3_env_checker.check_env(env.unwrapped, warn=True)


def readable_answer(env: gym.Env, i: int) -> str:
    """A text answer the family can read (bandits: arms; code repair: a program; math: an answer or a step)."""
    task = env.unwrapped.task
    if hasattr(task.config, "n_arms"):
        n = task.config.n_arms
        return f"arm {i % n} and arm {(i * 3) % n}"
    if hasattr(task, "specs"):
        spec = task.specs[i % len(task.specs)]
        return spec.reference if i % 3 else spec.buggy
    if hasattr(task.config, "incremental"):  # streams: a label (every scenario has at least two)
        return f"label {i % 2}" if i % 3 else str(i % 2)
    if hasattr(task.config, "n_corrections"):  # StepRevision: a value for step 1 or 2 (every solution has two)
        return f"Step {i % 2 + 1}: {i}"
    return f"x = {i}" if i % 2 else str(i)  # MathRevision: a number


def rollout(env: gym.Env, seed: int, actions: list) -> list:
    out = [env.reset(seed=seed)]
    for a in actions:
        step = env.step(a)
        out.append(step)
        if step[2] or step[3]:
            out.append(env.reset())
    return out


def assert_same(a, b, path="trajectory"):
    if isinstance(a, np.ndarray):
        np.testing.assert_array_equal(a, b, err_msg=path)
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for k in a:
            assert_same(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same(x, y, f"{path}[{i}]")
    else:
        assert a == b or (a != a and b != b), f"{path}: {a!r} != {b!r}"


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("env_id", IDS)
def test_same_seed_same_trajectory(env_id, view):
    env = make(env_id, view)
    env.action_space.seed(7)
    horizon = env.unwrapped.task.max_attempts
    actions = [env.action_space.sample() for _ in range(horizon * 2 + 3)]
    if view == "text":  # mostly readable answers so the trajectory is not all lost steps
        actions = [readable_answer(env, i) if i % 4 else a for i, a in enumerate(actions)]
    first = rollout(env, 123, actions)
    second = rollout(make(env_id, view), 123, actions)
    assert_same(first, second)
    other = rollout(make(env_id, view), 124, actions)
    with pytest.raises(AssertionError):
        assert_same(first, other)


@pytest.mark.parametrize("env_id", IDS)
def test_random_episodes_keep_the_info_contract(env_id):
    env = make(env_id, "vector")
    env.action_space.seed(0)
    horizon = env.unwrapped.task.max_attempts
    for episode in range(20):
        obs, info = env.reset(seed=episode)
        assert env.observation_space.contains(obs)
        for step in range(1, horizon + 1):
            obs, reward, terminated, truncated, info = env.step(env.action_space.sample())
            assert env.observation_space.contains(obs)
            assert np.isfinite(reward)
            assert isinstance(info["success"], (bool, np.bool_))
            assert 0.0 <= info["gold"] <= 1.0
            assert info["attempt"] == step
            assert isinstance(info["feedback"], dict) and "gold" in info["feedback"]
            if terminated or truncated:
                break
        assert truncated or terminated
        assert info["attempt"] <= horizon


@pytest.mark.parametrize("env_id", IDS)
def test_garbage_text_is_answered_with_feedback(env_id):
    env = make(env_id, "text")
    env.reset(seed=0)
    horizon = env.unwrapped.task.max_attempts
    for i, text in enumerate(GARBAGE[: horizon - 1], start=1):
        obs, reward, terminated, truncated, info = env.step(text)
        assert isinstance(obs, str) and obs, text[:40]
        assert info["feedback"]["valid"] is False, f"{text[:40]!r} was read as a valid answer"
        assert info["attempt"] == i
        # an unreadable answer scores nothing; the reward may charge for the attempt, never pay
        assert info["gold"] == 0.0 and reward <= 0.0
        assert info["feedback"]["message"] and info["feedback"]["message"] in obs


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("env_id", IDS)
def test_action_outside_space_raises_clearly(env_id, view):
    env = make(env_id, view)
    env.reset(seed=0)
    bad = [None, object(), b"arm 1"] if view == "text" else [10**6, -1, "1", None, np.array([0.5, 7])]
    for action in bad:
        with pytest.raises(ActionError, match="not in the action space"):
            env.step(action)


@pytest.mark.parametrize("env_id", IDS)
def test_step_after_episode_end_or_before_reset_raises(env_id):
    env = make(env_id, "vector")
    with pytest.raises(gym.error.ResetNeeded):
        env.step(env.action_space.sample())
    env.reset(seed=0)
    done = False
    while not done:
        *_, terminated, truncated, _ = env.step(env.action_space.sample())
        done = terminated or truncated
    with pytest.raises(gym.error.ResetNeeded):
        env.unwrapped.step(env.action_space.sample())


@pytest.mark.parametrize("env_id", IDS)
def test_unknown_argument_and_view_are_named(env_id):
    with pytest.raises(loopgym.ConfigError, match="'bogus'"):
        gym.make(env_id, bogus=1)
    with pytest.raises(loopgym.ConfigError, match="view='pixels'"):
        gym.make(env_id, view="pixels")
    with pytest.raises(TypeError, match="render_mode='rgb_array' is not allowed"):
        gym.make(env_id, render_mode="rgb_array")


def test_unknown_id_is_a_clear_error():
    with pytest.raises(gym.error.Error, match="NoSuchBandit"):
        gym.make("loopgym/NoSuchBandit-v0")
    with pytest.raises(gym.error.NameNotFound, match="known ids"):
        registry.resolve("NoSuchBandit-v0")


@pytest.mark.parametrize("env_id", IDS)
def test_sync_vector_env_runs(env_id):
    envs = gym.make_vec(env_id, num_envs=3, vectorization_mode="sync", **registry.spec(env_id).smoke_kwargs)
    obs, _ = envs.reset(seed=0)
    for leaf in (obs.values() if isinstance(obs, dict) else [obs]):
        assert leaf.shape[0] == 3
    for _ in range(40):  # crosses the smoke horizon: autoreset must work
        obs, reward, terminated, truncated, info = envs.step(envs.action_space.sample())
    assert envs.observation_space.contains(obs)
    envs.close()
