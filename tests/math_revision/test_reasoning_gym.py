"""reasoning-gym datasets as MathRevision problems, judged by our verifier."""

from __future__ import annotations

import gymnasium as gym
import pytest

import loopgym

pytest.importorskip("reasoning_gym")

from loopgym.envs.math_revision.reasoning_gym_adapter import problem, read_answer  # noqa: E402


@pytest.mark.parametrize("name", ["basic_arithmetic", "fraction_simplification", "simple_equations", "gsm_symbolic"])
def test_entries_become_problems_our_verifier_judges(name):
    env = gym.make("loopgym/MathRevision-v0", view="text", families=f"rg:{name}", feedback="direction")
    for seed in range(3):
        obs, _ = env.reset(seed=seed)
        p = env.unwrapped.problem.problem
        assert p.question in obs and p.family == f"rg:{name}"
        _, _, terminated, _, info = env.step(p.answer.text())
        assert info["success"] and terminated


def test_same_index_same_entry_and_vector_view_works():
    a, b = problem("basic_arithmetic", 3, 10, 1), problem("basic_arithmetic", 3, 10, 1)
    assert a == b
    env = gym.make("loopgym/MathRevision-v0", families="rg:basic_arithmetic")
    env.reset(seed=0)
    ep = env.unwrapped.problem
    assert any(parts == ep.problem.answer.values for parts, _ in ep.candidates)


def test_roots_list_is_a_set_and_bad_names_are_errors():
    assert read_answer("-3.625, 0.0").kind == "set"
    with pytest.raises(loopgym.ConfigError, match="unknown reasoning-gym dataset"):
        gym.make("loopgym/MathRevision-v0", families="rg:no_such_dataset")
    with pytest.raises(loopgym.ConfigError, match="no worked solutions"):
        gym.make("loopgym/StepRevision-v0", families="rg:basic_arithmetic")


def test_hint_level_says_no_solution_is_available():
    env = gym.make("loopgym/MathRevision-v0", view="text", families="rg:basic_arithmetic", feedback="hint")
    env.reset(seed=0)
    obs, *_ = env.step("123456789")
    assert "No worked solution" in obs
