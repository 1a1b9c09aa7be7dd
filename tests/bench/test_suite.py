"""Suites as data: the shipped ones load, and every mistake names the file and the line."""

from __future__ import annotations

import textwrap

import pytest

from loopgym import registry
from loopgym.bench.suite import SuiteError, load_suite, shipped_suites


def write(tmp_path, text: str, name: str = "s.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip())
    return path


def test_shipped_suites_load_and_cover_every_family():
    assert {"quick", "core", "full"} <= set(shipped_suites())
    for name in ("quick", "core", "full"):
        suite = load_suite(name, check_envs=name == "quick")
        assert suite.name == name and suite.seeds >= 3
        families = {e.family for e in suite.entries}
        assert families == set(registry.families()), (name, families)
        for e in suite.entries:
            assert e.baseline, f"{name}: {e.name} names no baseline agent"


def test_entry_defaults_and_names(tmp_path):
    path = write(tmp_path, """
        name: mine
        seeds: 2
        envs:
          - BernoulliBandit-v0
          - {id: loopgym/BernoulliBandit-v0, name: Bernoulli-long, kwargs: {horizon: 50}, episodes: 3}
    """)
    suite = load_suite(path)
    first, second = suite.entries
    assert (first.name, first.env_id, first.episodes, first.kwargs) == (
        "BernoulliBandit", "loopgym/BernoulliBandit-v0", 1, {})
    assert (second.name, second.kwargs, second.episodes, second.line) == ("Bernoulli-long", {"horizon": 50}, 3, 5)
    assert suite.fingerprint() != load_suite(write(tmp_path, path.read_text().replace("50", "60"), "t.yaml")).fingerprint()


@pytest.mark.parametrize("body, line, words", [
    ("envs:\n  - id: BernoulliBandit-v0\n  - id: NoSuchEnv-v0\n", 3, "unknown environment 'NoSuchEnv-v0'"),
    ("envs:\n  - id: BernoulliBandit-v0\n    kwargs: {horizon: -5}\n", 2, "horizon"),
    ("envs:\n  - id: BernoulliBandit-v0\n    episode: 3\n", 2, "unknown key(s) ['episode']"),
    ("envs:\n  - id: BernoulliBandit-v0\n  - id: BernoulliBandit-v0\n", 3, "already used on line 3"),
    ("envs:\n  - id: BernoulliBandit-v0\n    episodes: 0\n", 2, "episodes=0"),
    ("envs:\n  - id: BernoulliBandit-v0\n    view: pixels\n", 2, "view='pixels'"),
    ("envs:\n  - id: BernoulliBandit-v0\n     kwargs: {horizon: 5}\n", 3, "malformed YAML"),
    ("envs:\n  - {id: BernoulliBandit-v0, kwargs: {horizon: 5}\n", 3, "malformed YAML"),
])
def test_errors_name_file_and_line(tmp_path, body, line, words):
    path = write(tmp_path, "name: bad\n" + body)
    with pytest.raises(SuiteError) as err:
        load_suite(path)
    message = str(err.value)
    assert f"{path}:{line + 1}" in message, message  # + 1: the name line comes first
    assert words in message, message


def test_unknown_suite_lists_the_shipped_ones(tmp_path):
    with pytest.raises(SuiteError, match="unknown suite 'quik'.*quick"):
        load_suite("quik")
    with pytest.raises(SuiteError, match="does not exist"):
        load_suite(tmp_path / "missing.yaml")
    with pytest.raises(SuiteError, match="non-empty list"):
        load_suite(write(tmp_path, "name: empty\nenvs: []\n"))
    with pytest.raises(SuiteError, match="a suite is a mapping"):
        load_suite(write(tmp_path, "- just\n- a list\n"))
