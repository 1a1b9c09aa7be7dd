"""The stream environments do what their docstrings say: tasks, labels, splits, order and errors."""

from __future__ import annotations

import random

import gymnasium as gym
import numpy as np
import pytest
from scipy import ndimage

import loopgym
import loopgym.envs.streams  # noqa: F401  (registers the stream ids)
from loopgym.core import ActionError
from loopgym.envs.streams import StreamInfo, TaskData, parse_label
from loopgym.envs.streams.data import load

IDS = [
    "loopgym/SplitDigits-v0",
    "loopgym/PermutedDigits-v0",
    "loopgym/RotatedDigits-v0",
    "loopgym/SplitMNIST1D-v0",
    "loopgym/PermutedMNIST1D-v0",
]


def make(name: str, view: str = "vector", **kwargs) -> gym.Env:
    return gym.make(f"loopgym/{name}-v0", view=view, **kwargs)


def run(env: gym.Env, seed: int = 0, action=0):
    """Answer the whole stream with one action; the observations and infos, reset's first."""
    obs, info = env.reset(seed=seed)
    observations, infos = [obs], [info]
    done = False
    while not done:
        obs, _, terminated, truncated, info = env.step(action)
        observations.append(obs)
        infos.append(info)
        done = terminated or truncated
    return observations, infos


def row_keys(x: np.ndarray) -> set[bytes]:
    return {r.tobytes() for r in np.ascontiguousarray(x, dtype=np.float32)}


def test_ids_are_registered_in_the_streams_family():
    assert loopgym.ids("streams") == IDS


@pytest.mark.parametrize("kwargs", [{}, {"epochs": 2}, {"class_order": [7, 2, 5, 0], "n_tasks": 3}])
def test_streams_switch_where_task_starts_says(kwargs):
    env = make("SplitDigits", **kwargs)
    _, infos = run(env)
    info: StreamInfo = env.unwrapped.stream_info
    tasks = [i["task_id"] for i in infos[1:]]
    assert len(tasks) == info.n_steps == env.unwrapped.task.max_attempts
    assert infos[0]["task_id"] == tasks[0] == 0 and infos[0]["boundary"] is False
    starts = [tasks.index(k) for k in range(info.n_tasks)]
    assert starts == info.task_starts
    assert tasks == sorted(tasks)  # one task after another
    boundaries = [t for t, i in enumerate(infos[1:]) if i["boundary"]]
    assert boundaries == info.task_starts[1:]
    assert all(type(i["boundary"]) is bool and type(i["task_id"]) is int for i in infos[1:])


def test_observation_shows_the_feedback_on_the_previous_sample():
    env = make("SplitDigits", max_steps=60)
    observations, infos = run(env, action=3)
    assert observations[0]["label"] == 10 and observations[0]["correct"] == 2
    for obs, info in zip(observations[1:], infos[1:], strict=True):
        assert obs["label"] == info["label"] and obs["correct"] == int(info["label"] == 3)
        assert info["success"] == (info["label"] == 3) == (info["gold"] == 1.0)


def test_task_id_is_in_the_observation_only_when_task_incremental():
    for name in ("SplitDigits", "PermutedDigits"):
        env = make(name, incremental="task", epochs=1)
        assert "task" in env.observation_space.spaces
        observations, infos = run(env)
        for obs, info in zip(observations[:-1], infos[1:], strict=True):
            assert obs["task"] == info["task_id"]  # the task of the sample being answered
        for other in ("class", "domain"):
            assert "task" not in make(name, incremental=other).observation_space.spaces
            assert make(name, incremental=other).unwrapped.task.task_id_visible is False


def test_action_masks_allow_only_the_current_tasks_classes_in_split_task_incremental():
    env = make("SplitDigits", incremental="task", n_tasks=5)
    env.reset(seed=0)
    groups = env.unwrapped.stream_info.task_labels
    seen = set()
    for _ in range(env.unwrapped.stream_info.n_steps):
        mask = env.unwrapped.action_masks()
        obs, *_, info = env.step(int(np.flatnonzero(mask)[0]))
        assert np.array_equal(np.flatnonzero(mask), np.sort(groups[info["task_id"]]))
        seen.add(info["task_id"])
    assert seen == set(range(5))
    for name, kwargs in (("SplitDigits", {}), ("PermutedDigits", {"incremental": "task"})):
        env = make(name, **kwargs)
        env.reset(seed=0)
        assert env.unwrapped.action_masks().all()


@pytest.mark.parametrize("env_id", IDS)
@pytest.mark.parametrize("incremental", ["class", "task", "domain"])
def test_no_test_sample_appears_in_any_training_set(env_id, incremental):
    kwargs = {"n_tasks": 2} if "Split" in env_id else {"n_tasks": 3}
    env = gym.make(env_id, incremental=incremental, **kwargs)
    env.reset(seed=0)
    train, test = env.unwrapped.train_sets(), env.unwrapped.test_sets()
    assert len(train) == len(test) == env.unwrapped.stream_info.n_tasks
    train_rows = set().union(*(row_keys(d.x) for d in train))
    for d in test:
        assert isinstance(d, TaskData) and d.x.dtype == np.float32 and d.y.dtype == np.int64
        assert not row_keys(d.x) & train_rows, f"task {d.task_id} test samples leak into training"
    data = load(env.unwrapped.task.dataset)
    assert not row_keys(data.x_test) & row_keys(data.x_train)


def labelled_rows(env) -> dict[bytes, tuple[int, int]]:
    """Every training row of the stream -> (task, label)."""
    return {r.tobytes(): (d.task_id, int(y)) for d in env.unwrapped.train_sets() for r, y in zip(d.x, d.y, strict=True)}


@pytest.mark.parametrize(
    "name, incremental, expected",
    [
        ("SplitDigits", "class", [[0, 1], [2, 3], [4, 5], [6, 7], [8, 9]]),
        ("SplitDigits", "task", [[0, 1], [2, 3], [4, 5], [6, 7], [8, 9]]),
        ("SplitDigits", "domain", [[0, 1]] * 5),
        ("PermutedDigits", "domain", [list(range(10))] * 5),
        ("PermutedDigits", "task", [list(range(10))] * 5),
        ("PermutedDigits", "class", [list(range(10 * k, 10 * k + 10)) for k in range(5)]),
        ("RotatedDigits", "class", [list(range(10 * k, 10 * k + 10)) for k in range(5)]),
    ],
)
def test_labels_follow_the_scenario(name, incremental, expected):
    env = make(name, incremental=incremental)
    _, infos = run(env)
    info = env.unwrapped.stream_info
    assert [list(a) for a in info.task_labels] == expected
    assert info.n_labels == env.action_space.n == len({y for labels in expected for y in labels})
    raw = load("digits")
    for split, sets in (("train", env.unwrapped.train_sets()), ("test", env.unwrapped.test_sets())):
        x, digits = raw.split(split)
        for d in sets:
            assert set(np.unique(d.y)) == set(expected[d.task_id])
            if name == "SplitDigits":  # the raw rows: recover each sample's digit
                digit_of = {r.tobytes(): int(y) for r, y in zip(x, digits, strict=True)}
                truth = np.array([digit_of[r.tobytes()] for r in d.x])
                want = truth - 2 * d.task_id if incremental == "domain" else truth
            else:  # every task holds the whole split in its order
                want = digits + (10 * d.task_id if incremental == "class" else 0)
            np.testing.assert_array_equal(d.y, want)
    # the stream's samples and labels are those of the training sets
    rows = labelled_rows(env)
    obs = env.reset(seed=0)[0]
    for info_step in infos[1:200]:
        assert rows[obs["input"].tobytes()] == (info_step["task_id"], info_step["label"])
        obs = env.step(0)[0]


def test_permuted_task_0_is_the_raw_input_and_later_tasks_permute_it():
    for name, dataset in (("PermutedDigits", "digits"), ("PermutedMNIST1D", "mnist1d")):
        env = make(name, n_tasks=4)
        env.reset(seed=3)
        raw = load(dataset)
        train, test = env.unwrapped.train_sets(), env.unwrapped.test_sets()
        np.testing.assert_array_equal(train[0].x, raw.x_train)
        np.testing.assert_array_equal(test[0].x, raw.x_test)
        perms = []
        for k in range(1, 4):
            # every sample keeps its values, rearranged by the task's one permutation
            np.testing.assert_array_equal(np.sort(train[k].x, axis=1), np.sort(raw.x_train, axis=1))
            perm = env.unwrapped.problem.structure.transforms[k].tolist()
            assert sorted(perm) == list(range(raw.input_dim)) and perm != sorted(perm)
            np.testing.assert_array_equal(train[k].x, raw.x_train[:, perm])
            np.testing.assert_array_equal(test[k].x, raw.x_test[:, perm])
            perms.append(tuple(perm))
        assert len(set(perms)) == 3


def test_rotated_tasks_apply_their_angles():
    env = make("RotatedDigits")
    env.reset(seed=0)
    raw = load("digits")
    train, test = env.unwrapped.train_sets(), env.unwrapped.test_sets()
    assert env.unwrapped.stream_info.n_tasks == 5
    for k, angle in enumerate([0.0, 36.0, 72.0, 108.0, 144.0]):
        for i in (0, 17, 300):
            image = ndimage.rotate(raw.x_train[i].reshape(8, 8), angle, reshape=False, order=1)
            np.testing.assert_allclose(train[k].x[i], np.clip(image.ravel(), 0, 1), atol=1e-6)
            image = ndimage.rotate(raw.x_test[i].reshape(8, 8), angle, reshape=False, order=1)
            np.testing.assert_allclose(test[k].x[i], np.clip(image.ravel(), 0, 1), atol=1e-6)
    custom = make("RotatedDigits", angles=[10, -45])
    custom.reset(seed=0)
    assert custom.unwrapped.stream_info.n_tasks == 2
    expected = ndimage.rotate(raw.x_train[5].reshape(8, 8), -45, reshape=False, order=1).ravel()
    np.testing.assert_allclose(custom.unwrapped.train_sets()[1].x[5], np.clip(expected, 0, 1), atol=1e-6)


def test_iid_order_mixes_the_tasks_and_has_no_boundaries():
    env = make("PermutedDigits", order="iid")
    _, infos = run(env)
    info = env.unwrapped.stream_info
    assert info.task_starts == [0] * 5
    assert not any(i["boundary"] for i in infos)
    tasks = [i["task_id"] for i in infos[1:]]
    assert len(set(tasks[:100])) == 5 and len(set(tasks[-100:])) == 5
    assert np.bincount(tasks).tolist() == [len(d.y) for d in env.unwrapped.train_sets()]


@pytest.mark.parametrize("order", ["tasks", "iid"])
def test_epochs_pass_over_each_training_set_that_many_times(order):
    env = make("SplitDigits", epochs=3, order=order)
    env.reset(seed=0)
    problem = env.unwrapped.problem
    n = env.unwrapped.stream_info.n_steps
    assert n == 3 * sum(len(d.y) for d in env.unwrapped.train_sets())
    rows = np.array(problem.rows[:n])
    assert np.bincount(rows).tolist() == [3] * len(problem.pool)
    if order == "tasks":  # each pass is a reshuffled permutation of the task's samples
        a, b = problem.segments[0]
        passes = rows[: 3 * (b - a)].reshape(3, b - a)
        assert all(sorted(p) == list(range(a, b)) for p in passes)
        assert not np.array_equal(passes[0], passes[1])


def test_class_order_list_subset_and_random():
    env = make("SplitDigits", class_order=[3, 1, 4, 9, 2], n_tasks=2)
    _, infos = run(env)
    assert [list(a) for a in env.unwrapped.stream_info.task_labels] == [[3, 1, 4], [9, 2]]
    assert {i["label"] for i in infos[1:]} == {1, 2, 3, 4, 9}
    assert env.action_space.n == 10
    assert make("SplitDigits", class_order=[5, 6, 7]).unwrapped.task.n_tasks == 3  # default: min(5, classes)

    env = make("SplitDigits", class_order="random", n_tasks=5)
    orders = []
    for seed in (0, 0, 1):
        env.reset(seed=seed)
        orders.append(np.concatenate(env.unwrapped.stream_info.task_labels).tolist())
    assert sorted(orders[0]) == list(range(10))
    assert orders[0] == orders[1] and orders[0] != orders[2]


def test_same_seed_same_stream_and_different_seeds_differ():
    def stream(seed):
        env = make("PermutedMNIST1D", n_tasks=3, max_steps=500)
        observations, infos = run(env, seed=seed)
        perms = [tuple(p) for p in env.unwrapped.problem.structure.transforms[1:]]
        return np.stack([o["input"] for o in observations]), [i["label"] for i in infos[1:]], perms

    a, b, c = stream(7), stream(7), stream(8)
    np.testing.assert_array_equal(a[0], b[0])
    assert a[1] == b[1] and a[2] == b[2]
    assert not np.array_equal(a[0], c[0]) and a[2] != c[2]


def test_returned_arrays_are_fresh():
    env = make("SplitDigits")
    obs, _ = env.reset(seed=0)
    keep = obs["input"].copy()
    env.step(0)
    obs["input"][:] = 99.0
    np.testing.assert_array_equal(env.reset(seed=0)[0]["input"], keep)
    test = env.unwrapped.test_sets()
    test[0].x[:] = -1.0
    test[0].y[:] = -1
    assert env.unwrapped.test_sets()[0].x.min() >= 0.0 and env.unwrapped.test_sets()[0].y.min() >= 0


def test_max_steps_cuts_the_stream_and_the_end_is_final():
    env = make("SplitMNIST1D", max_steps=25)
    observations, infos = run(env)
    assert len(infos) == 26 and infos[-1]["attempt"] == 25
    assert env.unwrapped.stream_info.n_steps == 25
    assert env.observation_space.contains(observations[-1])
    with pytest.raises(gym.error.ResetNeeded):
        env.unwrapped.step(0)


def test_evaluation_api_needs_a_reset():
    env = make("SplitDigits").unwrapped
    for call in (lambda: env.stream_info, env.test_sets, env.train_sets):
        with pytest.raises(gym.error.ResetNeeded, match="reset"):
            call()


def test_mnist1d_generation_leaves_the_global_random_state_alone():
    load.cache_clear()
    random.seed(5)
    np.random.seed(5)
    expected = (random.random(), np.random.random())
    random.seed(5)
    np.random.seed(5)
    load("mnist1d")
    assert (random.random(), np.random.random()) == expected


@pytest.mark.parametrize(
    "name, kwargs, named",
    [
        ("SplitDigits", {"n_tasks": 11}, "n_tasks=11"),
        ("SplitDigits", {"n_tasks": 4, "class_order": [1, 2, 3]}, "n_tasks=4"),
        ("SplitDigits", {"n_tasks": 3, "incremental": "domain"}, "n_tasks=3"),
        ("SplitDigits", {"incremental": "instance"}, "incremental='instance'"),
        ("PermutedDigits", {"incremental": "bogus"}, "incremental='bogus'"),
        ("SplitDigits", {"class_order": [1, 1, 2]}, "class_order="),
        ("SplitDigits", {"class_order": [0, 10]}, "class_order="),
        ("SplitDigits", {"class_order": []}, "class_order="),
        ("SplitDigits", {"class_order": "shuffled"}, "class_order='shuffled'"),
        ("SplitDigits", {"class_order": [1.5, 2]}, "class_order="),
        ("RotatedDigits", {"angles": []}, "angles=\\[\\]"),
        ("RotatedDigits", {"angles": ["a"]}, "angles="),
        ("RotatedDigits", {"angles": [0, 90], "n_tasks": 3}, "n_tasks=3"),
        ("PermutedDigits", {"n_tasks": 0}, "n_tasks=0"),
        ("PermutedDigits", {"epochs": 0}, "epochs=0"),
        ("PermutedDigits", {"order": "random"}, "order='random'"),
        ("PermutedDigits", {"max_steps": 0}, "max_steps=0"),
        ("PermutedDigits", {"class_order": [0, 1]}, "'class_order'"),
        ("SplitMNIST1D", {"angles": [0]}, "'angles'"),
    ],
)
def test_bad_arguments_name_themselves(name, kwargs, named):
    with pytest.raises(loopgym.ConfigError, match=named):
        make(name, **kwargs)


def test_an_action_outside_the_labels_raises():
    env = make("SplitDigits", incremental="domain")
    env.reset(seed=0)
    assert env.action_space.n == 2
    for bad in (2, -1, 10):
        with pytest.raises(ActionError, match="not in the action space"):
            env.step(bad)
    env = make("PermutedDigits", incremental="class", n_tasks=3)
    env.reset(seed=0)
    env.step(29)
    with pytest.raises(ActionError):
        env.step(30)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("3", 3),
        (" 7.", 7),
        ("**5**", 5),
        ("label 4", 4),
        ("Label: 8", 8),
        ("I think it is a 2, so the answer is 6", 6),
        ("The digit is 1. Final answer: 9", 9),
        ("label 10", None),
        ("12", None),
        ("-1", None),
        ("3.5", None),
        ("label 2.5", None),
        ("nan", None),
        ("٣", None),
        ("", None),
        ("x" * 1_000_000, None),
        ("\x00\xff label", None),
    ],
)
def test_text_answers_are_parsed_or_explained(text, expected):
    got = parse_label(text, 10)
    if expected is None:
        assert not isinstance(got, int) and got.reason
    else:
        assert got == expected


def test_text_view_shows_input_task_feedback_and_instruction():
    env = make("SplitDigits", view="text", incremental="task")
    obs, _ = env.reset(seed=0)
    assert "Task 0 of 5." in obs and "Answer with a label 0-9." in obs and obs.count("|\n|") == 7
    label = env.unwrapped.problem.labels[0]
    obs, reward, *_, info = env.step(f"label {label}")
    assert reward == 1.0 and info["feedback"]["valid"] and "was right" in obs
    obs, reward, *_, info = env.step("no idea")
    assert reward == 0.0 and info["feedback"]["valid"] is False and info["success"] is False
    assert info["feedback"]["message"] in obs and f"the label was {info['label']}" in obs
    mnist = make("PermutedMNIST1D", view="text")
    obs, _ = mnist.reset(seed=0)
    assert "Input (40 values)" in obs and "Task" not in obs.split("\n", 1)[1]
