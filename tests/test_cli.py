"""The loopgym command."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import loopgym
from loopgym.cli import main, parse_assignments


def test_list_shows_every_id(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for env_id in loopgym.ids():
        assert env_id.split("/")[1][:12] in out


def test_run_prints_a_summary_with_regret_and_writes_json(tmp_path, capsys):
    out_file = tmp_path / "episodes.json"
    code = main([
        "run", "BernoulliBandit-v0", "--agent", "random", "--episodes", "3",
        "--env-arg", "horizon=50", "--env-arg", "means=[0.1, 0.9]", "--env-arg", "n_arms=2",
        "--json", str(out_file),
    ])
    assert code == 0
    out = capsys.readouterr().out
    for metric in ("return", "success", "gold", "regret", "score", "3/3"):
        assert metric in out
    data = json.loads(out_file.read_text())
    assert len(data["episodes"]) == 3 and data["env_args"]["means"] == [0.1, 0.9]
    assert all(e["length"] == 50 and e["regret"] > 0 for e in data["episodes"])


def test_run_on_the_text_view(capsys):
    assert main(["run", "loopgym/DuelingBandit-v0", "--view", "text", "--episodes", "1",
                 "--env-arg", "horizon=5", "--quiet"]) == 0
    assert "regret" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", "NoSuch-v0"], "unknown environment id 'NoSuch-v0'"),
        (["run", "BernoulliBandit-v0", "--agent", "nope"], "unknown agent 'nope'"),
        (["run", "BernoulliBandit-v0", "--env-arg", "horizon=0"], "horizon=0 is not allowed"),
        (["run", "BernoulliBandit-v0", "--env-arg", "frobnicate=1"], "unknown argument 'frobnicate'"),
        (["run", "BernoulliBandit-v0", "--env-arg", "oops"], "not of the form name=value"),
        (["run", "BernoulliBandit-v0", "--episodes", "0"], "--episodes=0"),
        (["list", "--family", "poetry"], "unknown family 'poetry'"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_2(argv, message, capsys):
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_assignments_parse_literals():
    assert parse_assignments(["a=1", "b=[0.5, 0.25]", "c=true", "d=text", "e=None"], "x") == {
        "a": 1, "b": [0.5, 0.25], "c": True, "d": "text", "e": None,
    }


def test_console_script_is_installed():
    result = subprocess.run(
        [sys.executable, "-m", "loopgym.cli", "--version"], capture_output=True, text=True, check=True
    )
    assert loopgym.__version__ in result.stdout


def test_ids_resolve_in_every_form():
    from loopgym import registry

    assert registry.resolve("BernoulliBandit") == "loopgym/BernoulliBandit-v0"
    assert registry.resolve("BernoulliBandit-v0") == "loopgym/BernoulliBandit-v0"
    assert registry.resolve("loopgym/BernoulliBandit-v0") == "loopgym/BernoulliBandit-v0"
