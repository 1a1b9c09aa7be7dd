"""Revision metrics: each formula on hand-made episodes, then on real ones; the curriculum."""

from __future__ import annotations

import math

import gymnasium as gym
import pytest

import loopgym
from loopgym.agents import RandomAgent
from loopgym.envs.math_revision import scoring
from loopgym.wrappers import Curriculum


def turn(answer, correct, level="binary", given=None, direction=(), parts=(), valid=True, kind="scalar"):
    fb = {"valid": valid, "correct": correct, "level": level, "given": list(given or [answer]),
          "direction": list(direction), "parts": list(parts), "kind": kind}
    return {"answer": answer if valid else "", "correct": correct, "feedback": fb}


EPISODES = [
    [turn("1", False), turn("2", False), turn("3", True)],  # wrong, wrong, right
    [turn("5", True)],  # right at once (ended: carries forward)
    [turn("1", False), turn("1", False), turn("4", False)],  # a repeat, never right
    [turn("", False, valid=False), turn("7", True)],  # unreadable, then right
]


def test_accuracy_delta_and_flips_by_hand():
    assert scoring.accuracy_at(EPISODES, 1) == pytest.approx(1 / 4)
    assert scoring.accuracy_at(EPISODES, 2) == pytest.approx(2 / 4)
    assert scoring.accuracy_at(EPISODES, 3) == pytest.approx(3 / 4)
    assert scoring.accuracy_at(EPISODES, 5) == pytest.approx(3 / 4)
    assert scoring.delta(EPISODES, 3) == pytest.approx(2 / 4)
    w2r, r2w = scoring.flip_rates(EPISODES)
    # wrong turns with a next turn: ep0 t1, t2; ep2 t1, t2; ep3 t1 -> 5; of them to right: ep0 t2, ep3 t1
    assert w2r == pytest.approx(2 / 5)
    assert math.isnan(r2w)
    # readable answers after a wrong one: ep0 "2", "3"; ep2 "1", "4"; ep3 "7" (the unreadable is not
    # a wrong *answer*); repeats: ep2 "1"
    assert scoring.repeat_rate(EPISODES) == pytest.approx(1 / 4)


def test_right_to_wrong_when_episodes_go_on():
    eps = [[turn("3", True), turn("4", False), turn("3", True)]]
    assert scoring.flip_rates(eps) == (pytest.approx(1.0), pytest.approx(1.0))


def test_incorporation_direction_and_component():
    eps = [[turn("10", False, "direction", direction=[1]), turn("12", False, "direction", direction=[1]),
            turn("4", True, "direction", direction=[0])]]
    # "12" ignores "10 is too high"; "4" agrees with both
    assert scoring.incorporation_rate(eps) == pytest.approx(1 / 2)
    pair = [[turn("x=1,y=2", False, "component", given=["1", "2"], parts=[True, False], kind="tuple"),
             turn("x=1,y=3", False, "component", given=["1", "3"], parts=[True, False], kind="tuple"),
             turn("x=5,y=4", True, "component", given=["5", "4"], parts=[True, True], kind="tuple")]]
    # second keeps x and changes y (agrees); third changes x, which was right (disagrees)
    assert scoring.incorporation_rate(pair) == pytest.approx(1 / 2)
    none = [[turn("1", False, "none"), turn("2", True, "none")]]
    assert math.isnan(scoring.incorporation_rate(none))


def test_revision_metrics_with_confidence_intervals_on_real_episodes():
    env = gym.make("loopgym/MathRevision-v0", feedback="direction", n_candidates=8)
    eps = scoring.collect(env, RandomAgent(), 30, seed=0)
    m = scoring.revision_metrics(eps, ks=(1, 3, 5), n_boot=200)
    assert m["episodes"] == 30
    assert 0 <= m["accuracy@1"] <= m["accuracy@3"] <= m["accuracy@5"] <= 1
    lo, hi = m["ci"]["accuracy@5"]
    assert lo <= m["accuracy@5"] <= hi
    # random picks among 8 slots: about 1/8 right at turn 1, and it never reads the feedback
    assert m["accuracy@1"] < 0.4


def _oracle_step(env):
    ep = env.unwrapped.problem
    return env.step(ep.problem.answer.text())


def test_curriculum_promotes_a_perfect_agent_and_demotes_a_hopeless_one():
    env = Curriculum(gym.make("loopgym/MathRevision-v0", view="text", families="linear"), window=5)
    for episode in range(40):
        env.reset(seed=episode)
        *_, info = _oracle_step(env)
    assert env.level == 5 and [lv for _, lv in env.history] == [1, 2, 3, 4, 5]
    assert info["curriculum_level"] == 5

    env = Curriculum(gym.make("loopgym/MathRevision-v0", view="text", max_attempts=1), start=3, window=4)
    for episode in range(20):
        env.reset(seed=episode)
        env.step("not a number")
    assert env.level == 1


def test_curriculum_rejects_envs_without_the_option():
    with pytest.raises(loopgym.ConfigError, match="reset options"):
        Curriculum(gym.make("loopgym/BernoulliBandit-v0"))
    with pytest.raises(loopgym.ConfigError, match="demote"):
        Curriculum(gym.make("loopgym/MathRevision-v0"), promote=0.3, demote=0.5)
