"""Arbitrary text never breaks a text-view episode."""

from __future__ import annotations

import gymnasium as gym
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import loopgym
from loopgym import registry

answers = st.one_of(
    st.text(max_size=300),
    st.from_regex(r"(arms? ?)?-?[0-9]{1,4}([ ,]+(and )?[0-9]{1,3})?", fullmatch=True),
    st.binary(max_size=100).map(lambda b: b.decode("latin-1")),
)


@pytest.mark.parametrize("env_id", loopgym.ids())
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(answers, min_size=1, max_size=12))
def test_any_text_is_feedback_and_the_books_balance(env_id, texts):
    env = gym.make(env_id, view="text", **registry.spec(env_id).smoke_kwargs)
    env.reset(seed=0)
    total = 0.0
    for i, text in enumerate(texts, start=1):
        obs, reward, terminated, truncated, info = env.step(text)
        assert isinstance(obs, str) and obs
        assert info["attempt"] == i and 0.0 <= info["gold"] <= 1.0
        if "regret" in info:  # bandits keep regret books; they must balance
            total += info["regret"]
            assert info["cumulative_regret"] == pytest.approx(total)
        if not info["feedback"]["valid"]:
            assert info["feedback"]["message"] in obs
        if terminated or truncated:
            break
