"""Problem generators: every family at every level gives valid worked solutions with wordless labels,
the same problems on every run, and errors that StepRevision can inject.

Run this file as a script to print the fingerprints of the current streams (to record them below
after a deliberate change to a generator).
"""

from __future__ import annotations

import functools
import hashlib
import random
import re
from fractions import Fraction

import pytest

from loopgym.config import ConfigError
from loopgym.envs.math_revision.generators import (
    FAMILY_NAMES,
    LEVELS,
    Draw,
    dataset,
    family,
    generate,
)
from loopgym.envs.math_revision.steps import OPS, Ref, inject

N = 40  # problems per family and level

#: sha256 (first 16 hex digits) of the questions 0..9 of seed 0 at level 3, joined by newlines: a change
#: to a generator's stream must be deliberate (record the new value: run this file as a script)
FINGERPRINTS = {
    "arithmetic": "7aee9b78acb27ff7",
    "fractions": "98b405ed69b54f66",
    "percentages": "80452a6dd453704a",
    "linear": "bb91d50764daa368",
    "systems": "4a8c49c2cdcda442",
    "quadratics": "6e69498a910e1a69",
    "modular": "41cfbe22fb30e6e9",
    "sequences": "c7f1207d571b9320",
    "units": "3d1de1ba28979b95",
    "word_problems": "c8a0477e145fd0aa",
}


@functools.cache
def problems(name: str, level: int) -> tuple:
    return tuple(generate(name, 0, i, level) for i in range(N))


def fingerprint(name: str) -> str:
    text = "\n".join(generate(name, 0, i, 3).question for i in range(10))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


FAMILY_LEVELS = [(name, level) for name in FAMILY_NAMES for level in LEVELS]


@pytest.mark.parametrize("name,level", FAMILY_LEVELS)
def test_problems_are_well_formed(name, level):
    for p in problems(name, level):
        assert (p.family, p.level, p.seed) == (name, level, 0)
        assert p.question.strip(), p.uid
        assert p.answer.kind in ("scalar", "tuple", "set"), p.uid
        assert p.answer.values and all(isinstance(v, Fraction) for v in p.answer.values), p.uid
        for v in p.answer.values:  # readable answers
            assert abs(v) < 10**6 and v.denominator < 1000, (p.uid, v)
        assert len(p.params) <= 8, p.uid
        steps = p.solution.steps
        assert steps, p.uid
        for i, step in enumerate(steps):
            assert step.op in OPS, (p.uid, step)
            assert all(a.step < i for a in step.args if isinstance(a, Ref)), (p.uid, i)
            assert step.label.strip(), (p.uid, i)
            # labels sit next to numbers that may be wrong: they must not state numbers themselves
            assert not re.search(r"\d", step.label), (p.uid, step.label)
        assert all(v is not None for v in p.solution.values()), p.uid
        assert all(0 <= i < len(steps) for i in p.solution.answer_steps), p.uid
        assert p.solution.final(p.answer.kind) == p.answer.values, p.uid


@pytest.mark.parametrize("name,level", FAMILY_LEVELS)
def test_same_key_same_problem_and_indices_differ(name, level):
    first = problems(name, level)
    again = [generate(name, 0, i, level) for i in range(N)]
    assert list(first) == again
    assert len({p.question for p in first}) >= 0.8 * N
    other = [generate(name, 1, i, level).question for i in range(10)]
    assert other != [p.question for p in first[:10]]  # another seed is another stream


@pytest.mark.parametrize("name", FAMILY_NAMES)
def test_levels_get_harder(name):
    def mean(level, f):
        return sum(f(p) for p in problems(name, level)) / N

    assert mean(5, lambda p: len(p.solution.steps)) >= mean(1, lambda p: len(p.solution.steps))
    assert mean(5, lambda p: len(p.question)) > mean(1, lambda p: len(p.question))


@pytest.mark.parametrize("name", FAMILY_NAMES)
def test_stream_is_pinned(name):
    got = fingerprint(name)
    want = FINGERPRINTS.get(name)
    if not want:
        pytest.fail(f"no fingerprint recorded for {name!r}: the current one is {got!r}")
    assert got == want, f"the problems of {name!r} changed; if that is deliberate, record {got!r}"


@pytest.mark.parametrize("name", FAMILY_NAMES)
def test_family_description_and_dataset(name):
    fam = family(name)
    assert fam.description and "\n" not in fam.description
    assert dataset(name, 5, level=2) == [generate(name, 0, i, 2) for i in range(5)]


def test_unknown_family_names_the_allowed_ones():
    with pytest.raises(ConfigError) as e:
        generate("nope", 0, 0)
    message = str(e.value)
    assert "family" in message and "nope" in message
    for name in FAMILY_NAMES:
        assert repr(name) in message


@pytest.mark.parametrize("name", FAMILY_NAMES)
@pytest.mark.parametrize("level", [0, 6, 2.5, "3", True])
def test_bad_level_names_level(name, level):
    with pytest.raises(ConfigError, match="level"):
        generate(name, 0, 0, level)


@pytest.mark.parametrize("name", FAMILY_NAMES)
def test_unknown_argument_is_named(name):
    with pytest.raises(ConfigError, match="bogus"):
        generate(name, 0, 0, 1, bogus=1)


@pytest.mark.parametrize("kw", [{"seed": 1.5}, {"seed": "0"}, {"index": -1}])
def test_bad_seed_or_index(kw):
    args = {"seed": 0, "index": 0, **kw}
    with pytest.raises(ConfigError, match=next(iter(kw))):
        generate("linear", args["seed"], args["index"])


def test_draw_is_pinned():
    d = Draw("pin", 1, 2)
    assert [d.randint(0, 10**6) for _ in range(4)] == [714437, 741277, 840336, 671693]
    assert d.random() == 0.760150148871376
    assert d.choice("abcdef") == "e"
    assert d.sample(range(10), 3) == [2, 5, 4]
    assert d.nonzero(-3, 3) == 1
    again = Draw("pin", 1, 2)
    assert [again.randint(0, 10**6) for _ in range(4)] == [714437, 741277, 840336, 671693]
    other = Draw("pin", 1, 3)
    assert [other.randint(0, 10**6) for _ in range(4)] != [714437, 741277, 840336, 671693]


def test_draw_ranges():
    d = Draw("ranges")
    xs = [d.randint(-2, 2) for _ in range(500)]
    assert set(xs) == {-2, -1, 0, 1, 2}
    assert all(d.nonzero(-1, 1) != 0 for _ in range(100))
    items = list(range(8))
    d.shuffle(items)
    assert sorted(items) == list(range(8))
    with pytest.raises(ValueError):
        d.randrange(3, 3)


@pytest.mark.parametrize("name", FAMILY_NAMES)
def test_inject_finds_errors(name):
    tried = found = 0
    for level in LEVELS:
        for p in problems(name, level):
            if len(p.solution.steps) < 2:
                continue
            tried += 1
            bad, errors = inject(p.solution, random.Random(p.index), pool=p.params, answer_kind=p.answer.kind)
            if errors:
                found += 1
                final = bad.final(p.answer.kind)
                assert final != p.answer.values and all(v is not None for v in final), p.uid
    assert tried and found >= 0.8 * tried, f"{name}: {found}/{tried}"


if __name__ == "__main__":
    print({name: fingerprint(name) for name in FAMILY_NAMES})
