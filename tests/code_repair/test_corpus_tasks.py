"""The shipped tasks keep their promises: references pass every case, every mutant fails a hidden one.

Run in the sandbox, as the environment does. CI checks every reference and every mutant that
finishes in time; mutants that loop forever cost their whole timeout, so only a sample of them runs
unless ``-m slow``.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from importlib import resources

import pytest

from loopgym.envs.code_repair.corpus import PROGRAMS
from loopgym.envs.code_repair.mutate import BUG_CLASSES
from loopgym.envs.code_repair.task import corpus_specs
from loopgym.sandbox import run_tests

DATA = json.loads(resources.files("loopgym.envs.code_repair").joinpath("data/corpus.json").read_text())
SPECS = corpus_specs()
TIMEOUTS = {t["task_id"] for t in DATA["tasks"] if t["timeout"]}


def _map(fn, items):
    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(fn, items))


def test_corpus_size_and_shape():
    programs = {s.task_id.split("/")[0] for s in SPECS}
    assert len(programs) >= 80 and len(SPECS) >= 80 * 3
    assert programs == {p.name for p in PROGRAMS}
    kinds = {k for s in SPECS for k in s.bugs}
    assert kinds == set(BUG_CLASSES)
    for s in SPECS:
        assert 1 <= len(s.visible) <= 3 and len(s.hidden) >= 10
        assert 1 <= len(s.bugs) <= 3
    by_split = {}
    for name, p in DATA["programs"].items():
        by_split.setdefault(p["split"], set()).add(name)
    assert by_split["test"] and by_split["train"] and not by_split["test"] & by_split["train"]


def test_every_reference_passes_all_its_cases():
    one_per_program = {s.task_id.split("/")[0]: s for s in SPECS}.values()

    def check(spec):
        report = run_tests(spec.reference, spec.entry_point, spec.visible + spec.hidden, timeout_s=5.0)
        return spec.task_id, report.all_passed, report.error

    bad = [(t, e) for t, ok, e in _map(check, list(one_per_program)) if not ok]
    assert not bad, bad[:5]


@pytest.mark.parametrize("include_timeouts", [False, pytest.param(True, marks=pytest.mark.slow)])
def test_every_shipped_mutant_fails_a_hidden_case(include_timeouts):
    specs = [s for s in SPECS if include_timeouts or s.task_id not in TIMEOUTS]
    if not include_timeouts:  # a sample of the ones that loop, at a short timeout
        specs += [s for s in SPECS if s.task_id in TIMEOUTS][:8]

    def check(spec):
        report = run_tests(spec.buggy, spec.entry_point, spec.hidden, timeout_s=0.5)
        return spec.task_id, report.all_passed

    passing = [t for t, ok in _map(check, specs) if ok]
    assert not passing, passing[:10]
