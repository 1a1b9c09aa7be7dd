"""MathRevision and StepRevision: feedback says what it should and no more; views; bad input."""

from __future__ import annotations

import re

import gymnasium as gym
import numpy as np
import pytest

import loopgym
from loopgym.envs.math_revision.feedback import LEVELS
from loopgym.envs.math_revision.revision import answer_text
from loopgym.envs.math_revision.steps import fmt, wrong_steps

FAMILIES = loopgym.envs.math_revision.FAMILY_NAMES


def math_env(view="text", **kw):
    return gym.make("loopgym/MathRevision-v0", view=view, **kw)


def right_text(env) -> str:
    return env.unwrapped.problem.problem.answer.text()


def wrong_text(env) -> str:
    a = env.unwrapped.problem.problem.answer
    return answer_text(tuple(v + 7 for v in a.values), env.unwrapped.problem.problem)


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("level", [1, 3, 5])
def test_right_answer_solves_and_wrong_does_not(family, level):
    env = math_env(families=family, level=level, feedback="binary")
    env.reset(seed=level)
    _, reward, terminated, _, info = env.step(wrong_text(env))
    assert not info["success"] and not terminated and info["gold"] == 0.0 and info["feedback"]["valid"]
    _, reward, terminated, _, info = env.step(right_text(env))
    assert info["success"] and terminated and info["gold"] == 1.0 and reward > 0


def _numbers(text: str) -> set[str]:
    return set(re.findall(r"-?\d+(?:/\d+)?", text))


@pytest.mark.parametrize("level", [lv for lv in LEVELS if lv != "hint"])
def test_no_level_but_hint_leaks_the_answer(level):
    leaks = 0
    for seed in range(60):
        env = math_env(families=("linear", "systems", "fractions", "units"), level=4, feedback=level,
                       max_attempts=3)
        obs, _ = env.reset(seed=seed)
        answer = env.unwrapped.problem.problem.answer
        secret = {fmt(v) for v in answer.values} - _numbers(obs)  # numbers the question itself does not show
        obs, *_ = env.step(wrong_text(env))
        leaks += bool(secret & _numbers(obs.split("Your answers so far")[1]) - _numbers(wrong_text(env)))
    assert leaks == 0


def test_none_level_says_the_same_for_right_and_wrong():
    env = math_env(feedback="none", stop_on_correct=False)
    env.reset(seed=0)
    _, _, _, _, wrong = env.step(wrong_text(env))
    _, _, _, _, right = env.step(right_text(env))
    assert right["success"] and not wrong["success"]
    assert env.unwrapped.task.config.feedback == "none"
    fb = env.unwrapped.problem.history
    assert fb[0].render() == fb[1].render()


def test_direction_says_too_high_or_too_low():
    env = math_env(families="arithmetic", level=2, feedback="direction", max_attempts=10)
    env.reset(seed=3)
    v = env.unwrapped.problem.problem.answer.values[0]
    obs, *_ = env.step(fmt(v + 1))
    assert "Too high" in obs
    obs, *_ = env.step(fmt(v - 1))
    assert "Too low" in obs


def test_component_names_the_wrong_part():
    env = math_env(families="systems", level=2, feedback="component")
    env.reset(seed=1)
    x, y = env.unwrapped.problem.problem.answer.values
    obs, _, _, _, info = env.step(f"x = {fmt(x)}, y = {fmt(y + 1)}")
    assert "x is right" in obs and "y is wrong" in obs and not info["success"]
    assert info["feedback"]["parts"] == [True, False]


def test_hint_reveals_a_step_per_attempt_and_diagnoses_the_shown_error():
    env = math_env(families="linear", level=4, feedback="hint", show_solution=True, max_attempts=8)
    env.reset(seed=2)
    ep = env.unwrapped.problem
    flawed = answer_text(ep.shown.final(ep.problem.answer.kind), ep.problem)
    _, _, _, _, info = env.step(flawed)
    assert info["feedback"]["hint_step"] == ep.errors[0].step
    assert f"step {ep.errors[0].step + 1}" in info["feedback"]["hint"]
    seen = set()
    for _ in range(len(ep.problem.solution.steps)):
        _, _, _, _, info = env.step("123456789")
        seen.add(info["feedback"]["hint_step"])
    assert seen <= set(range(len(ep.problem.solution.steps)))


@pytest.mark.parametrize("text", ["", "   ", "x" * 100_000, "\x00\xff" * 30, "\\frac{3}{0}", "2+3", "nan",
                                  "\\frac{\\frac{", "}}}{{{", "1e999999999"])
def test_unreadable_answers_are_feedback(text):
    env = math_env(feedback="direction")
    env.reset(seed=0)
    obs, reward, terminated, truncated, info = env.step(text)
    assert info["feedback"]["valid"] is False and info["attempt"] == 1 and reward <= 0
    assert info["feedback"]["message"] in obs


@pytest.mark.parametrize("level", LEVELS)
def test_vector_view_never_rules_out_the_right_candidate(level):
    env = math_env("vector", feedback=level, max_attempts=16, stop_on_correct=False)
    rng = np.random.default_rng(0)
    for seed in range(15):
        env.reset(seed=seed)
        view = env.unwrapped.view
        ep = env.unwrapped.problem
        right = [i for i, (parts, _) in enumerate(ep.candidates) if parts == ep.problem.answer.values]
        assert len(right) == 1
        for _ in range(6):
            mask = env.unwrapped.action_masks()
            obs, *_ = env.step(int(rng.choice(np.flatnonzero(mask))))
            rows = obs["candidates"].reshape(view.k, -1)
            assert rows[right[0], 14] == 0.0


def test_vector_view_candidates_fill_and_the_right_one_solves():
    env = math_env("vector", n_candidates=8)
    for seed in range(20):
        env.reset(seed=seed)
        ep = env.unwrapped.problem
        mask = env.unwrapped.action_masks()
        assert mask.sum() == len(ep.candidates) >= 4
        i = next(i for i, (p, _) in enumerate(ep.candidates) if p == ep.problem.answer.values)
        *_, terminated, _, info = env.step(i)
        assert terminated and info["success"]


def test_bad_arguments_name_what_is_allowed():
    with pytest.raises(loopgym.ConfigError, match="level=6.*1, 5"):
        math_env(level=6)
    with pytest.raises(loopgym.ConfigError, match="unknown family 'calculus'.*arithmetic"):
        math_env(families="calculus")
    with pytest.raises(loopgym.ConfigError, match="feedback='loud'.*'hint'"):
        math_env(feedback="loud")
    with pytest.raises(loopgym.ConfigError, match="feedback='hint'.*'step'"):
        gym.make("loopgym/StepRevision-v0", feedback="hint")
    env = math_env()
    with pytest.raises(loopgym.ConfigError, match="level"):
        env.reset(seed=0, options={"level": 0})


def test_fixed_problem_set_repeats_problem_i():
    a = math_env(problem_seed=5, n_problems=10)
    b = math_env(problem_seed=5, n_problems=10)
    a.reset(seed=0, options={"index": 3, "family": "fractions"})
    b.reset(seed=99, options={"index": 3, "family": "fractions"})
    assert a.unwrapped.problem.problem == b.unwrapped.problem.problem


# ----------------------------------------------------------------------------------------- StepRevision
def step_env(view="text", **kw):
    return gym.make("loopgym/StepRevision-v0", view=view, **kw)


@pytest.mark.parametrize("family", FAMILIES)
def test_step_revision_text_fix_solves(family):
    env = step_env(families=family, level=3, max_attempts=12)
    env.reset(seed=1)
    ep = env.unwrapped.problem
    assert wrong_steps(ep.current, ep.reference)
    info = {}
    for _ in range(ep.n_steps):
        first = wrong_steps(ep.current, ep.reference)
        if not first:
            break
        i = first[0]
        value = ep.reference.steps[i].formula_value(ep.current.values())
        obs, _, terminated, _, info = env.step(f"Step {i + 1}: {fmt(value)}")
        if terminated:
            break
    assert info["success"] and info["gold"] == 1.0
    assert ep.current.final(ep.problem.answer.kind) == ep.problem.answer.values


def test_step_revision_recomputes_later_steps():
    env = step_env(families="arithmetic", level=5, error_classes="arithmetic_slip")
    env.reset(seed=0)
    ep = env.unwrapped.problem
    i = ep.errors[0].step
    before = ep.current.values()
    env.step(f"Step {i + 1}: {fmt(before[i] + 1000)}")
    after = ep.current.values()
    assert after[i] == before[i] + 1000
    assert after[: i] == before[: i]


@pytest.mark.parametrize("text", ["Step 99: 3", "step 1: banana", "", "no steps here", "Step 0: 1"])
def test_step_revision_bad_text_is_feedback(text):
    env = step_env()
    env.reset(seed=0)
    obs, reward, _, _, info = env.step(text)
    assert info["feedback"]["valid"] is False and info["feedback"]["message"] in obs and reward <= 0


def test_step_revision_vector_first_wrong_repair_solves():
    env = step_env("vector", feedback="step", max_attempts=30)
    for seed in range(10):
        obs, _ = env.reset(seed=seed)
        ep = env.unwrapped.problem
        view = env.unwrapped.view
        done = False
        while not done:
            i = wrong_steps(ep.current, ep.reference)[0]
            slot = view.slots[i].index(ep.reference.steps[i])
            obs, _, terminated, truncated, info = env.step(i * view.c + slot)
            done = terminated or truncated
        assert info["success"]


def test_step_feedback_levels():
    for level, says in (("none", "Revision recorded."), ("binary", "final answer is wrong"), ("step", "first wrong step")):
        env = step_env(feedback=level)
        env.reset(seed=4)
        ep = env.unwrapped.problem
        ok = next(i for i in range(ep.n_steps) if i not in wrong_steps(ep.current, ep.reference))
        obs, *_ = env.step(f"Step {ok + 1}: {fmt(ep.current.values()[ok])}")
        assert says in obs


def test_mask_ruled_out_keeps_the_right_candidate_and_drops_tried_ones():
    env = math_env("vector", feedback="direction", mask_ruled_out=True, max_attempts=16, stop_on_correct=False)
    for seed in range(10):
        env.reset(seed=seed)
        ep = env.unwrapped.problem
        right = next(i for i, (p, _) in enumerate(ep.candidates) if p == ep.problem.answer.values)
        tried = set()
        for _ in range(3):
            mask = env.unwrapped.action_masks()
            assert mask[right] and not any(mask[t] for t in tried)
            a = int(next(i for i in np.flatnonzero(mask) if i != right)) if mask.sum() > 1 else right
            tried.add(a)
            env.step(a)
