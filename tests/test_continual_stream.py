"""ContinualStream and make_schedule: schedules, switches, auto-resets, spaces, checkers, SB3."""

from __future__ import annotations

import warnings

import gymnasium as gym
import numpy as np
import pytest
from gymnasium import spaces
from gymnasium.utils.env_checker import check_env
from gymnasium.utils.passive_env_checker import env_render_passive_checker

import loopgym  # noqa: F401  (registers the ids)
from loopgym.config import ConfigError
from loopgym.wrappers import ContinualStream, make_schedule

BANDIT = "loopgym/BernoulliBandit-v0"
SHIFTING = [{"means": [0.9, 0.1, 0.1]}, {"means": [0.1, 0.9, 0.1]}, {"means": [0.1, 0.1, 0.9]}]


def bandit_stream(**kwargs):
    kwargs = {"steps_per_task": 7, "horizon": 5, **kwargs}
    return ContinualStream(BANDIT, SHIFTING, **kwargs)


def run(env, n, seed=0, action=lambda i: 0):
    """(obs, reward, terminated, truncated, info) of ``n`` steps after ``reset(seed)``."""
    first = env.reset(seed=seed)
    return first, [env.step(action(i)) for i in range(n)]


class CountingEnv(gym.Env):
    """A tiny env with a Discrete (or Dict) observation, episodes of ``length`` steps; records closes."""

    def __init__(self, length=3, dict_obs=False):
        inner = spaces.Discrete(length + 1)
        self.observation_space = spaces.Dict({"task": inner}) if dict_obs else inner
        self.action_space = spaces.Discrete(2)
        self.length, self.dict_obs, self.closed = length, dict_obs, False

    def _obs(self):
        return {"task": self.t} if self.dict_obs else self.t

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.t = 0
        return self._obs(), {}

    def step(self, action):
        self.t += 1
        return self._obs(), float(action), False, self.t >= self.length, {}

    def close(self):
        self.closed = True


class TextEnv(gym.Env):
    """An env with a plain (not free) Text observation space."""

    observation_space = spaces.Text(8)
    action_space = spaces.Discrete(2)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        return "abc", {}

    def step(self, action):
        return "abd", 0.0, False, True, {}


# ------------------------------------------------------------------------------------------ schedules
def test_sequential_and_cyclic_give_the_exact_task_per_step():
    assert make_schedule("sequential", 3, 2, None).tolist() == [0, 0, 1, 1, 2, 2]
    assert make_schedule("sequential", 3, 2, None, cycles=5).tolist() == [0, 0, 1, 1, 2, 2]
    assert make_schedule("cyclic", 2, 3, None, cycles=2).tolist() == [0, 0, 0, 1, 1, 1] * 2
    cyc = make_schedule("cyclic", 4, 5, None, cycles=3)
    assert cyc.dtype == np.int64 and np.array_equal(cyc, (np.arange(60) // 5) % 4)


def test_power_law_introduces_tasks_in_order_then_follows_zipf():
    n, a, per = 4, 1.5, 3
    sched = make_schedule("power-law", n, per, np.random.default_rng(0), cycles=4001, exponent=a)
    assert len(sched) == n * 4001 * per
    segments = sched.reshape(-1, per)
    assert (segments == segments[:, :1]).all()  # a segment is one task
    segments = segments[:, 0]
    assert segments[:n].tolist() == [0, 1, 2, 3]
    freq = np.bincount(segments[n:], minlength=n) / (len(segments) - n)
    zipf = (np.arange(n) + 1.0) ** -a
    assert np.allclose(freq, zipf / zipf.sum(), atol=0.02)
    # seeded: same rng seed, same schedule; exponent 0 is uniform
    again = make_schedule("power-law", n, per, np.random.default_rng(0), cycles=4001, exponent=a)
    assert np.array_equal(sched, again)
    uniform = make_schedule("power-law", n, 1, 1, cycles=4001, exponent=0.0)[n:]
    assert np.allclose(np.bincount(uniform) / len(uniform), 0.25, atol=0.02)


def test_n_steps_cuts_the_schedule_and_the_stream():
    assert make_schedule("cyclic", 2, 3, None, cycles=2, n_steps=4).tolist() == [0, 0, 0, 1]
    with pytest.raises(ConfigError, match="n_steps=13"):
        make_schedule("cyclic", 2, 3, None, cycles=2, n_steps=13)
    env = bandit_stream(schedule="cyclic", n_steps=10)
    _, steps = run(env, 10)
    assert [s[3] for s in steps] == [False] * 9 + [True]
    with pytest.raises(gym.error.ResetNeeded):
        env.step(0)


# ---------------------------------------------------------------------------------- stream dynamics
def test_boundary_task_id_and_stream_step_follow_the_schedule_exactly():
    env = bandit_stream(schedule="cyclic", cycles=2)
    (_, reset_info), steps = run(env, 42)
    sched = env.schedule
    assert len(sched) == 42 and reset_info["task_id"] == 0 and reset_info["boundary"] is False
    infos = [s[4] for s in steps]
    assert [i["stream_step"] for i in infos] == list(range(42))
    assert [i["task_id"] for i in infos] == sched.tolist()
    assert [i["boundary"] for i in infos] == [False] + [bool(sched[t] != sched[t - 1]) for t in range(1, 42)]
    assert sum(i["boundary"] for i in infos) == 5
    assert not any(s[2] for s in steps) and [s[3] for s in steps] == [False] * 41 + [True]


def test_inner_episodes_reset_automatically_with_episode_end():
    env = ContinualStream(BANDIT, SHIFTING[:1], steps_per_task=12, horizon=5)
    _, steps = run(env, 12)
    ends = [s[4]["episode_end"] for s in steps]
    assert [t for t, e in enumerate(ends) if e] == [4, 9]
    assert [s[4]["attempt"] for s in steps] == [1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2]
    # the observation returned with episode_end is the new episode's first one (nothing pulled, t = 0)
    assert np.array_equal(steps[4][0], np.zeros(5, dtype=np.float32))
    assert steps[3][0][-1] == pytest.approx(4 / 5)


def test_switch_step_is_exact_and_switch_episode_waits_for_the_inner_episode_end():
    configs = SHIFTING[:2]
    exact = ContinualStream(BANDIT, configs, steps_per_task=4, horizon=3)
    _, steps = run(exact, 8)
    assert [s[4]["task_id"] for s in steps] == [0, 0, 0, 0, 1, 1, 1, 1]
    waits = ContinualStream(BANDIT, configs, steps_per_task=4, horizon=3, switch="episode")
    _, steps = run(waits, 8)
    infos = [s[4] for s in steps]
    assert [i["task_id"] for i in infos] == [0, 0, 0, 0, 0, 0, 1, 1]
    assert [i["episode_end"] for i in infos] == [False, False, True, False, False, True, False, False]
    assert [t for t, i in enumerate(infos) if i["boundary"]] == [6]
    assert [s[3] for s in steps][-1] is True


def test_same_seed_same_trajectory():
    def trajectory(seed):
        env = bandit_stream(schedule="power-law", cycles=4, task_id_in_obs=True)
        rng = np.random.default_rng(1)
        actions = rng.integers(3, size=84)
        (obs0, _), steps = run(env, 84, seed=seed, action=lambda i: int(actions[i]))
        return env.schedule.copy(), [obs0] + [s[0] for s in steps], [s[1] for s in steps]

    s1, o1, r1 = trajectory(3)
    s2, o2, r2 = trajectory(3)
    assert np.array_equal(s1, s2) and r1 == r2 and all(np.array_equal(a, b) for a, b in zip(o1, o2, strict=True))
    s3, _, r3 = trajectory(4)
    assert r3 != r1 or not np.array_equal(s3, s1)


def test_bandit_means_shift_between_tasks():
    env = ContinualStream(BANDIT, SHIFTING, steps_per_task=300, horizon=100)
    _, steps = run(env, 900, action=lambda i: 0)  # always arm 0: good in task 0 only
    rewards = np.array([s[1] for s in steps]).reshape(3, 300).mean(axis=1)
    assert rewards[0] > 0.8 and rewards[1] < 0.2 and rewards[2] < 0.2
    regret = np.array([s[4]["regret"] for s in steps]).reshape(3, 300).mean(axis=1)
    assert regret[0] == pytest.approx(0.0) and regret[1] == pytest.approx(0.8)


def test_math_difficulty_rises():
    configs = [{"level": 1}, {"level": 3}, {"level": 5}]
    env = ContinualStream("loopgym/MathRevision-v0", configs, steps_per_task=4, families="arithmetic",
                          max_attempts=2, task_id_in_obs=True)
    obs, _ = env.reset(seed=0)
    levels = []
    for _ in range(12):
        levels.append(env.envs[env.task_id].unwrapped.problem.problem.level)
        mask = env.action_masks()
        assert np.array_equal(mask, env.envs[env.task_id].unwrapped.action_masks())
        obs, *_ = env.step(int(np.flatnonzero(mask)[0]))
        assert obs in env.observation_space
    assert levels == [1] * 4 + [3] * 4 + [5] * 4


def test_code_repair_bug_classes_change():
    configs = [{"bugs": 1}, {"bugs": 2}]
    env = ContinualStream("loopgym/CodeRepair-v0", configs, steps_per_task=2, max_attempts=2, n_candidates=8)
    env.reset(seed=0)
    seen = []
    for _ in range(4):
        spec = env.envs[env.task_id].unwrapped.problem.spec
        seen.append(len(spec.bugs))
        *_, info = env.step(0)
        assert isinstance(info["inner_task_id"], str) and isinstance(info["task_id"], int)
    assert seen == [1, 1, 2, 2]
    env.close()


# ------------------------------------------------------------------------------------ observations
def test_task_id_in_obs_box_gets_a_one_hot_of_the_observations_task():
    env = bandit_stream(task_id_in_obs=True)
    assert env.observation_space.shape == (5 + 3,)
    (obs, _), steps = run(env, 21)
    tasks = [int(np.argmax(obs[-3:]))] + [int(np.argmax(s[0][-3:])) for s in steps[:-1]]
    assert tasks == [s[4]["task_id"] for s in steps]  # the obs shows the task of the step it is acted on
    assert all(s[0][-3:].sum() == 1.0 for s in steps)


def test_task_id_in_obs_dict_text_and_fallback():
    math = ContinualStream("loopgym/MathRevision-v0", [{"level": 1}, {"level": 2}], steps_per_task=2,
                           task_id_in_obs=True)
    assert isinstance(math.observation_space, spaces.Dict) and math.observation_space["task"].shape == (2,)
    obs, _ = math.reset(seed=0)
    assert obs["task"].tolist() == [1.0, 0.0] and obs in math.observation_space

    text = bandit_stream(view="text", task_id_in_obs=True, steps_per_task=2)
    obs, _ = text.reset(seed=0)
    assert obs.startswith("Task 0 of 3.\nYou face")
    for _ in range(2):
        obs, *_ = text.step("arm 0")
    assert obs.startswith("Task 1 of 3.\n")

    other = ContinualStream(CountingEnv, [{}, {}], steps_per_task=2, task_id_in_obs=True)
    assert set(other.observation_space.spaces) == {"obs", "task"}
    obs, _ = other.reset(seed=0)
    assert obs["obs"] == 0 and obs["task"].tolist() == [1.0, 0.0]
    plain = ContinualStream(TextEnv, [{}, {}], steps_per_task=2, task_id_in_obs=True)
    obs, _ = plain.reset(seed=0)
    assert obs == "Task 0 of 2.\nabc" and obs in plain.observation_space
    with pytest.raises(ConfigError, match="'task' key"):
        ContinualStream(CountingEnv, [{"dict_obs": True}], task_id_in_obs=True)


@pytest.mark.parametrize("case", ["box", "box+task", "text+task", "dict+task", "discrete+task"])
def test_gymnasium_check_env(case):
    if case.startswith("box"):
        env = bandit_stream(task_id_in_obs=case.endswith("task"), render_mode="ansi")
    elif case.startswith("text"):
        env = bandit_stream(view="text", task_id_in_obs=True, render_mode="ansi")
    elif case.startswith("dict"):
        env = ContinualStream("loopgym/MathRevision-v0", [{"level": 1}, {"level": 4}], steps_per_task=3,
                              task_id_in_obs=True, render_mode="ansi")
    else:
        env = ContinualStream(CountingEnv, [{}, {}], steps_per_task=2, task_id_in_obs=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a checker warning is a failure
        check_env(env, skip_render_check=True)  # the render check needs a registered spec; done below
        if env.render_mode is not None:
            env_render_passive_checker(env)
            env.reset(seed=0)
            env.step(env.action_space.sample())
            assert isinstance(env.render(), str) and env.render()


@pytest.mark.parametrize("task_id_in_obs", [False, True])
def test_stable_baselines3_check_env(task_id_in_obs):
    sb3_env_checker = pytest.importorskip("stable_baselines3.common.env_checker")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sb3_env_checker.check_env(bandit_stream(task_id_in_obs=task_id_in_obs), warn=True)


# ------------------------------------------------------------------------------------------- errors
@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"configs": []}, "configs="),
        ({"configs": {"means": [0.5, 0.5]}}, "configs="),
        ({"configs": [{"means": [0.5, 0.5]}, 3]}, r"configs\[1\]"),
        ({"schedule": "zigzag"}, "schedule='zigzag'"),
        ({"steps_per_task": 0}, "steps_per_task=0"),
        ({"cycles": 0}, "cycles=0"),
        ({"exponent": -1.0}, "exponent=-1.0"),
        ({"n_steps": 0}, "n_steps=0"),
        ({"switch": "never"}, "switch='never'"),
        ({"task_id_in_obs": "yes"}, "task_id_in_obs='yes'"),
        ({"env": 42}, "env=42"),
        ({"configs": [{"means": [0.5, 0.5]}, {"means": [0.5, 2.0]}]}, r"configs\[1\].*means"),
        ({"horizon": 0}, r"configs\[0\].*horizon"),
    ],
)
def test_bad_arguments_name_themselves(kwargs, name):
    args = {"env": BANDIT, "configs": SHIFTING, **kwargs}
    with pytest.raises(ConfigError, match=name):
        ContinualStream(args.pop("env"), args.pop("configs"), **args)


def test_spaces_mismatch_names_the_config_index():
    configs = [{"means": [0.5, 0.5]}, {"means": [0.5, 0.5]}, {"means": [0.2, 0.3, 0.5]}]
    with pytest.raises(ConfigError, match=r"configs\[2\].*action_space Discrete\(3\)"):
        ContinualStream(BANDIT, configs)
    with pytest.raises(ConfigError, match=r"configs\[1\].*observation_space"):
        ContinualStream(CountingEnv, [{"length": 3}, {"length": 4}])


def test_short_ids_and_other_gymnasium_ids():
    assert ContinualStream("BernoulliBandit", SHIFTING[:1], horizon=3).envs[0].spec.id == BANDIT
    env = ContinualStream("CartPole-v1", [{}, {}], steps_per_task=3, task_id_in_obs=True)
    obs, _ = env.reset(seed=0)
    assert obs.shape == (6,) and obs in env.observation_space


def test_reset_options_are_refused():
    env = bandit_stream()
    with pytest.raises(ConfigError, match="options"):
        env.reset(seed=0, options={"level": 2})


# ------------------------------------------------------------------------------------ pass-through
def test_action_masks_render_and_close_pass_through():
    env = ContinualStream(CountingEnv, [{}, {}, {}])
    inner = [e.unwrapped for e in env.envs]
    env.close()
    assert all(e.closed for e in inner)
    bandits = bandit_stream(steps_per_task=2, render_mode="ansi")
    bandits.reset(seed=0)
    assert bandits.action_masks().tolist() == [True, True, True]
    bandits.step(1)
    assert "arm 1" in bandits.render()


def test_works_under_sync_vector_env():
    venv = gym.vector.SyncVectorEnv([lambda: bandit_stream(task_id_in_obs=True, n_steps=10)] * 2)
    obs, infos = venv.reset(seed=0)
    assert obs.shape == (2, 8) and infos["task_id"].tolist() == [0, 0]
    for t in range(10):
        obs, rewards, terminated, truncated, infos = venv.step(np.array([0, 1]))
        assert obs.shape == (2, 8) and not terminated.any()
        assert truncated.all() == (t == 9)
    assert infos["stream_step"].tolist() == [9, 9] and infos["task_id"].tolist() == [1, 1]
    venv.close()


def test_sb3_ppo_learns_on_a_stream_without_glue():
    sb3 = pytest.importorskip("stable_baselines3")
    env = ContinualStream(BANDIT, SHIFTING, schedule="cyclic", steps_per_task=50, cycles=2, horizon=25,
                          task_id_in_obs=True)
    model = sb3.PPO("MlpPolicy", env, n_steps=64, batch_size=32, n_epochs=1, seed=0, device="cpu")
    model.learn(200)
    obs, _ = env.reset(seed=0)
    action, _ = model.predict(obs, deterministic=True)
    assert env.action_space.contains(action)
