"""The continual-learning baselines (baselines/replay.py) on small real streams: every method learns,
replay beats fine-tuning on class-incremental split digits (the small-scale target), and the building
blocks (reservoir, A-GEM projection, EWC penalty, task masks, config errors) do what they say."""

from __future__ import annotations

import dataclasses

import gymnasium as gym
import numpy as np
import pytest
import torch

pytest.importorskip("sklearn")

import loopgym  # noqa: E402,F401  (registers the ids)
from loopgym.baselines.replay import (  # noqa: E402
    METHODS,
    ContinualLearner,
    ReplayConfig,
    ReservoirBuffer,
    agem_project,
    ewc_penalty,
    load_config,
    main,
    make_learner,
)
from loopgym.config import ConfigError, make_config  # noqa: E402
from loopgym.continual import StreamRun, run_stream  # noqa: E402


def play(learner, env, seed: int = 0) -> StreamRun:
    return run_stream(env, learner, seed=seed, eval_every=10**9)


def run(method: str, env_id: str, seed: int, config: dict | None = None, **env_kwargs) -> dict:
    """One pass; the kernel's StreamRun as {"R", "b", "acc", "online"}."""
    env = gym.make(env_id, **env_kwargs)
    try:
        env.reset(seed=seed)
        learner = make_learner(method, env.unwrapped.stream_info, seed, config, device="cpu")
        r = play(learner, env, seed)
    finally:
        env.close()
    return {"R": r.R, "b": r.b, "acc": r.metrics["acc"], "online": r.online_accuracy}


def info_of(env_id: str, seed: int = 0, **env_kwargs):
    env = gym.make(env_id, **env_kwargs)
    env.reset(seed=seed)
    return env.unwrapped.stream_info


@pytest.fixture(autouse=True)
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.mark.parametrize("method", METHODS)
def test_every_method_learns_a_two_task_stream(method):
    result = run(method, "loopgym/PermutedDigits-v0", 0, n_tasks=2)
    assert result["R"].shape == (2, 2) and result["b"].shape == (2,)
    assert result["acc"] > 0.6, result["R"]  # chance is 0.1
    assert result["R"][0, 0] > 0.8  # the first task is learned before the second starts
    assert result["online"] > 0.5


def test_class_incremental_split_digits_target():
    """The issue's ordering at small scale: naive forgets all but the last task (~20%), ER with 200
    samples keeps ~92%, and joint training (iid order) is the upper bound. One pass of joint is only
    ~93% here, level with ER, so the reference takes 3 epochs (~95%)."""
    seeds = (0, 1, 2)
    naive = np.mean([run("naive", "loopgym/SplitDigits-v0", s)["acc"] for s in seeds])
    er = np.mean([run("er", "loopgym/SplitDigits-v0", s)["acc"] for s in seeds])
    joint = np.mean([run("joint", "loopgym/SplitDigits-v0", s, order="iid", epochs=3)["acc"] for s in seeds])
    assert naive < 0.25
    assert er > 0.85 and er - naive > 0.6
    assert joint >= er >= naive


def test_same_seed_same_run():
    a = run("er", "loopgym/SplitDigits-v0", 3, max_steps=300)
    b = run("er", "loopgym/SplitDigits-v0", 3, max_steps=300)
    np.testing.assert_array_equal(a["R"], b["R"])
    assert a["online"] == b["online"]


def test_agem_projection_removes_the_negative_component():
    gen = torch.Generator().manual_seed(0)
    for _ in range(50):
        g, g_ref = torch.randn(30, generator=gen), torch.randn(30, generator=gen)
        if torch.dot(g, g_ref) >= 0:
            g_ref = -g_ref
        p = agem_project(g, g_ref)
        assert abs(float(torch.dot(p, g_ref))) < 1e-4  # no component against the memory gradient
        diff = g - p  # what was removed lies along g_ref
        cos = torch.dot(diff, g_ref) / (diff.norm() * g_ref.norm())
        assert float(cos.abs()) == pytest.approx(1.0, abs=1e-5)
        assert float(p.norm()) <= float(g.norm()) + 1e-6
        aligned = -g_ref if torch.dot(g, -g_ref) >= 0 else g_ref
        assert torch.equal(agem_project(g, aligned), g)  # no conflict: unchanged


def test_reservoir_keeps_a_uniform_sample():
    size, n, runs = 20, 200, 300
    counts = np.zeros(n)
    for seed in range(runs):
        buf = ReservoirBuffer(size, 1, 2, np.random.default_rng(seed), "cpu")
        for start in range(0, n, 10):
            idx = torch.arange(start, start + 10)
            buf.add(idx[:, None].float(), idx, torch.zeros(10, dtype=torch.long))
        assert buf.n == size and buf.seen == n
        stored = buf.y[: buf.n].numpy()
        assert len(set(stored.tolist())) == size  # no sample stored twice
        counts[stored] += 1
    # each sample is kept with probability size / n = 0.1: 30 expected per sample over 300 runs
    expected = runs * size / n
    chi2 = float(((counts - expected) ** 2 / expected).sum())
    assert chi2 < n - 1 + 4 * np.sqrt(2 * (n - 1))  # chi-square with 199 dof: mean 199, sd ~20
    early, late = counts[: n // 2].mean(), counts[n // 2 :].mean()
    assert abs(early - late) < 0.1 * expected


def test_ewc_penalty_is_zero_at_the_anchor_and_grows_away_from_it():
    gen = torch.Generator().manual_seed(1)
    anchors = [torch.randn(4, 3, generator=gen), torch.randn(3, generator=gen)]
    fisher = [torch.rand(4, 3, generator=gen), torch.rand(3, generator=gen)]
    direction = [torch.randn(4, 3, generator=gen), torch.randn(3, generator=gen)]
    assert float(ewc_penalty(anchors, anchors, fisher, 10.0)) == 0.0
    values = []
    for step in (0.1, 0.5, 1.0, 2.0):
        moved = [a + step * d for a, d in zip(anchors, direction, strict=True)]
        values.append(float(ewc_penalty(moved, anchors, fisher, 10.0)))
    assert all(0 < x < y for x, y in zip(values[:-1], values[1:], strict=True))
    ones = [torch.ones(2)]
    assert float(ewc_penalty([torch.full((2,), 3.0)], [torch.ones(2)], ones, 0.5)) == pytest.approx(2.0)


def test_ewc_consolidates_at_each_boundary():
    info = info_of("loopgym/PermutedDigits-v0", n_tasks=2)
    env = gym.make("loopgym/PermutedDigits-v0", n_tasks=2)
    learner = make_learner("ewc", info, 0, device="cpu")
    play(learner, env)
    assert learner.consolidated and all(float(f.sum()) > 0 for f in learner.fisher)
    # θ* is where the first task ended; the second task moved θ away, so the penalty is positive
    with torch.no_grad():
        assert float(ewc_penalty(learner.params, learner.anchors, learner.fisher, 1.0)) > 0


@pytest.mark.parametrize("method", ["naive", "derpp"])
def test_task_incremental_predictions_stay_inside_the_task(method):
    info = info_of("loopgym/SplitDigits-v0", incremental="task")
    assert info.task_id_visible
    learner = make_learner(method, info, 0, device="cpu")
    rng = np.random.default_rng(0)
    x = rng.random((200, info.input_dim), dtype=np.float32)
    env = gym.make("loopgym/SplitDigits-v0", incremental="task", max_steps=400)
    for trained in (False, True):
        if trained:
            play(learner, env)
        for task, labels in enumerate(info.task_labels):
            pred = learner.predict(x, np.full(len(x), task))
            assert pred.dtype == np.int64 and set(pred.tolist()) <= set(np.asarray(labels).tolist())
    if method == "derpp":  # the buffer keeps the raw logits, not the masked ones
        assert float(learner.buffer.z[: learner.buffer.n].abs().max()) < 1e3


def test_the_last_sample_of_a_task_is_trained_on_before_the_next_task():
    info = info_of("loopgym/SplitDigits-v0")
    info = dataclasses.replace(info, task_starts=[0, 15, 30, 45, 60], n_steps=75)
    learner = make_learner("naive", info, 0, device="cpu")
    for step in range(15):
        learner.observe(np.zeros(info.input_dim, np.float32), 0, 0, False)
        assert learner.pending == (0 if step == 14 else (step + 1) % 10)


def test_device_auto_and_protocol():
    info = info_of("loopgym/SplitDigits-v0")
    learner = make_learner("er", info, 0)  # device="auto"
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert learner.device.type == expected
    assert all(p.device.type == expected for p in learner.model.parameters())
    assert isinstance(learner, ContinualLearner)
    out = learner.predict(np.zeros((3, info.input_dim), np.float32), np.zeros(3, np.int64))
    assert out.shape == (3,) and out.dtype == np.int64


def test_configs_load_and_validate():
    for dataset in (None, "digits", "mnist1d"):
        for method in METHODS:
            make_config(ReplayConfig, load_config(method, dataset), owner=method)
    assert load_config("agem", "digits")["lr"] == 0.05
    assert load_config("ewc", "mnist1d")["ewc_lambda"] == 3.0
    info = info_of("loopgym/SplitDigits-v0")
    assert make_learner("er", info, 0, {"buffer_size": 7}, device="cpu").buffer.size == 7


@pytest.mark.parametrize(
    ("call", "named"),
    [
        (lambda info: make_learner("replay", info, 0), "method"),
        (lambda info: make_learner("er", info, 0, {"lrr": 0.1}), "lrr"),
        (lambda info: make_learner("er", info, 0, {"optimizer": "rmsprop"}), "optimizer"),
        (lambda info: make_learner("er", info, 0, {"hidden": [0]}), "hidden"),
        (lambda info: make_learner("er", info, 0, {"lr": -1}), "lr"),
        (lambda info: load_config("er", "imagenet"), "dataset"),
    ],
)
def test_bad_names_raise_clear_errors(call, named):
    info = info_of("loopgym/SplitDigits-v0")
    with pytest.raises(ConfigError, match=named):
        call(info)


def test_cli_prints_a_table(capsys):
    main(["--env", "loopgym/SplitDigits-v0", "--methods", "naive", "--seeds", "0"])
    out = capsys.readouterr().out
    assert "SplitDigits" in out and "naive" in out
