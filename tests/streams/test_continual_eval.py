"""loopgym.continual: one stream played online, the accuracy matrix and curves it records, and the
one-call evaluation with its table and plots — checked with a small numpy learner of our own (a
user's method), so the kernel's evaluation does not lean on torch."""

from __future__ import annotations

import json

import gymnasium as gym
import numpy as np
import pytest

import loopgym  # noqa: F401
from loopgym.config import ConfigError
from loopgym.continual import ContinualLearner, evaluate, run_stream


class NearestMean:
    """Online nearest-class-mean: a user's own method in a dozen lines. Records what it is shown."""

    def __init__(self, info, seed):
        self.sum = np.zeros((info.n_labels, info.input_dim))
        self.n = np.zeros(info.n_labels)
        self.seen_task_ids: set[int] = set()
        self.observed: list[tuple[int, int, bool]] = []

    def predict(self, x, task_ids):
        self.seen_task_ids.update(int(t) for t in np.unique(task_ids))
        means = self.sum / np.maximum(self.n, 1)[:, None]
        d = ((x[:, None, :] - means[None]) ** 2).sum(-1)
        d[:, self.n == 0] = np.inf
        return d.argmin(1)

    def observe(self, x, y, task_id, boundary):
        self.sum[y] += x
        self.n[y] += 1
        self.observed.append((y, task_id, boundary))


def play(env_id="loopgym/SplitDigits-v0", seed=0, **kwargs):
    env = gym.make(env_id, **kwargs)
    env.reset(seed=seed)
    learner = NearestMean(env.unwrapped.stream_info, seed)
    return env, learner, run_stream(env, learner, seed=seed, eval_every=25)


def test_protocol_is_structural():
    env = gym.make("loopgym/SplitDigits-v0")
    env.reset(seed=0)
    assert isinstance(NearestMean(env.unwrapped.stream_info, 0), ContinualLearner)


def test_accuracy_matrix_and_curves_on_class_incremental_split():
    env, learner, run = play()
    info = env.unwrapped.stream_info
    T = info.n_tasks
    assert run.R.shape == (T, T) and run.b.shape == (T,)
    assert run.n_steps == info.n_steps == len(learner.observed)
    # class-incremental: a class never seen cannot be predicted, so the upper triangle is exactly 0
    assert np.all(run.R[np.triu_indices(T, 1)] == 0)
    assert np.all(np.diag(run.R) > 0.8)
    # the matrix rows are the curves at the task ends (evaluated before the next task's first sample)
    for i, start in enumerate(info.task_starts[1:]):
        e = int(np.flatnonzero(run.steps == start)[0])
        np.testing.assert_array_equal(run.curves[e], run.R[i])
    np.testing.assert_array_equal(run.curves[-1], run.R[-1])
    assert run.steps[0] == 0 and run.steps[-1] == run.n_steps and np.all(np.diff(run.steps) >= 0)
    # the learner was told labels, tasks and boundaries exactly as the stream delivered them
    boundaries = [i for i, (_, _, b) in enumerate(learner.observed) if b]
    assert boundaries == info.task_starts[1:]
    assert {"acc", "bwt", "fwt", "forgetting", "min_acc", "wc_acc", "stability_gap"} <= set(run.metrics)
    assert run.metrics["acc"] == pytest.approx(run.R[-1].mean())
    assert 0.0 < run.online_accuracy <= 1.0


def test_hidden_task_ids_are_not_passed_to_predict():
    _, learner, _ = play()
    assert learner.seen_task_ids == {-1}
    _, learner, _ = play(incremental="task")
    assert learner.seen_task_ids == set(range(5))


def test_joint_order_reports_final_accuracy_only():
    _, _, run = play(order="iid")
    assert set(run.metrics) == {"acc"}
    assert np.isnan(run.R[:-1]).all() and not np.isnan(run.R[-1]).any()


def test_evaluate_one_call_writes_table_json_and_plots(tmp_path):
    report = evaluate(NearestMean, "loopgym/PermutedDigits-v0", seeds=[0, 1], out=tmp_path, n_tasks=3,
                      eval_every=50)
    assert len(report.runs) == 2 and [r.seed for r in report.runs] == [0, 1]
    metrics = report.metrics()
    mean, half = metrics["acc"]
    assert 0.3 < mean <= 1.0 and half >= 0
    md = report.markdown()
    assert "| acc |" in md and "| stability_gap |" in md
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["NearestMean_PermutedDigits-v0.json", "NearestMean_PermutedDigits-v0.md",
                     "NearestMean_PermutedDigits-v0_curves.png", "NearestMean_PermutedDigits-v0_matrix.png"]
    data = json.loads((tmp_path / "NearestMean_PermutedDigits-v0.json").read_text())
    assert data["env_kwargs"] == {"n_tasks": 3} and len(data["runs"]) == 2
    assert np.asarray(data["runs"][0]["R"]).shape == (3, 3)
    for png in tmp_path.glob("*.png"):
        assert png.stat().st_size > 5_000


def test_same_seed_same_result():
    a, b = play(seed=3)[2], play(seed=3)[2]
    np.testing.assert_array_equal(a.R, b.R)
    np.testing.assert_array_equal(a.curves, b.curves)


def test_bad_input_is_named():
    with pytest.raises(ConfigError, match="stream env"):
        run_stream(gym.make("loopgym/BernoulliBandit-v0"), NearestMean, seed=0)
    env = gym.make("loopgym/SplitDigits-v0", view="text")
    with pytest.raises(ConfigError, match="vector"):
        run_stream(env, NearestMean, seed=0)
    with pytest.raises(ConfigError, match="eval_every"):
        env = gym.make("loopgym/SplitDigits-v0")
        env.reset(seed=0)
        run_stream(env, NearestMean(env.unwrapped.stream_info, 0), seed=0, eval_every=0)
    with pytest.raises(ConfigError, match="seeds"):
        evaluate(NearestMean, seeds=[])
