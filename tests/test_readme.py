"""The README stays true to the registry and keeps its two-command quick start."""

from __future__ import annotations

import re
from pathlib import Path

from loopgym import registry

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def test_env_table_is_generated_from_the_registry():
    block = re.search(r"<!-- ids:start -->\n(.*?)\n<!-- ids:end -->", README, re.S)
    assert block, "README lost its ids markers"
    assert block.group(1) == registry.markdown_table(), (
        "README's environment table is stale: paste the output of `loopgym list --markdown`"
    )


def test_quick_start_is_two_commands_and_ci_runs_the_test_one():
    quick = README.split("## Quick start", 1)[1].split("```bash\n", 1)[1].split("```", 1)[0]
    commands = [line for line in quick.splitlines() if line.strip()]
    assert len(commands) == 2
    install_and_run, test = commands
    assert "pip install" in install_and_run and "loopgym bench --suite quick" in install_and_run
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(rf"^{re.escape(test)}\b", ci, re.M), f"CI does not run the README's test command {test!r}"


def test_reference_table_is_generated_from_the_stored_results():
    import pytest

    reproduce = pytest.importorskip("loopgym.baselines.reproduce")
    block = re.search(r"<!-- reproduce:start -->\n(.*?)\n<!-- reproduce:end -->", README, re.S)
    assert block, "README lost its reproduce markers"
    assert block.group(1) == reproduce.reference_table(), (
        "README's baseline table is stale: paste the output of "
        "`python -c 'from loopgym.baselines.reproduce import reference_table; print(reference_table())'`"
    )


def test_multiagent_section_lists_every_env_and_its_first_example_runs():
    import loopgym

    section = README.split("## Multi-agent loops", 1)[1].split("\n## ", 1)[0]
    for name in loopgym.multiagent_ids():
        assert f"| `{name}` |" in section, f"README's multi-agent table lacks {name}"
    example = section.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict = {}
    exec(compile(example, "README.md (multi-agent example)", "exec"), namespace)  # our own docs
    assert 0.0 <= namespace["info"]["gold"] <= 1.0
