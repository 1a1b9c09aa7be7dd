"""How the text view reads arms out of free text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loopgym.core import InvalidAttempt
from loopgym.envs.bandits.views import parse_arm, parse_pair


@pytest.mark.parametrize(
    ("text", "arm"),
    [
        ("3", 3),
        ("  7. ", 7),
        ('"4"', 4),
        ("**2**", 2),
        ("arm 3", 3),
        ("Arm #2", 2),
        ("ARM: 5", 5),
        ("arm number 1", 1),
        ("I considered arm 2, but my final answer is arm 5", 5),
        ("Let me pull arm 0.", 0),
    ],
)
def test_readable_answers(text, arm):
    assert parse_arm(text, 10) == arm


@pytest.mark.parametrize(
    "text",
    ["", "-1", "+2", ".5", "3.5", "arm 3.5", "arm -4", "three", "arm", "12", "arm 10", "1e3", "٣", "0x3", "2 3"],
)
def test_unreadable_or_impossible_answers_are_invalid_with_a_reason(text):
    result = parse_arm(text, 10)
    assert isinstance(result, InvalidAttempt) and "0 to 9" in result.reason


@pytest.mark.parametrize(
    ("text", "pair"),
    [
        ("2 5", (2, 5)),
        ("2,5", (2, 5)),
        ("(2, 5)", (2, 5)),
        ("arms 2 and 5", (2, 5)),
        ("arm 2 vs arm 5", (2, 5)),
        ("compare arm 1 with arm 3", (1, 3)),
        ("3 3", (3, 3)),
    ],
)
def test_readable_pairs(text, pair):
    assert parse_pair(text, 10) == pair


@pytest.mark.parametrize("text", ["", "2", "arm 2", "-1 -2", "2-5", "2 15", "arms 2 and 5 and 7 x"])
def test_unreadable_pairs(text):
    assert isinstance(parse_pair(text, 10), InvalidAttempt)


def test_huge_answers_are_read_from_their_end_quickly():
    assert parse_arm("blah " * 200_000 + "final: arm 4", 10) == 4
    assert isinstance(parse_arm("9" * 1_000_000, 10), InvalidAttempt)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200), st.integers(min_value=2, max_value=50))
def test_any_text_gives_an_arm_in_range_or_a_reason(text, n_arms):
    arm = parse_arm(text, n_arms)
    assert isinstance(arm, InvalidAttempt) or 0 <= arm < n_arms
    pair = parse_pair(text, n_arms)
    assert isinstance(pair, InvalidAttempt) or all(0 <= a < n_arms for a in pair)
