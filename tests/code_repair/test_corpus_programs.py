"""The code-repair reference corpus: every program runs, is deterministic, and is worth mutating.

The references are trusted code, so they run in-process here (no sandbox).
"""

from __future__ import annotations

import ast
import copy
import functools
import random
import time
from collections import Counter

import pytest

from loopgym.envs.code_repair.corpus import CATEGORIES, PROGRAMS, Program, by_name

N_CASES = 30
SEED = 1234
ALLOWED_IMPORTS = {"heapq", "collections", "math"}
FORBIDDEN_CALLS = {"print", "input", "open", "eval", "exec", "compile", "__import__", "globals", "setattr"}


def is_plain(value) -> bool:
    """None, bool, int, float, str, and lists/tuples/sets/dicts (str or int keys) of plain data."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    if isinstance(value, (list, tuple)):
        return all(is_plain(v) for v in value)
    if isinstance(value, (set, frozenset)):
        return all(is_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, (str, int)) and is_plain(v) for k, v in value.items())
    return False


def canonical(value):
    """A hashable, order-stable rendering that keeps types apart (True != 1, [1] != (1,))."""
    if isinstance(value, list):
        return ("list", tuple(canonical(v) for v in value))
    if isinstance(value, tuple):
        return ("tuple", tuple(canonical(v) for v in value))
    if isinstance(value, (set, frozenset)):
        return ("set", tuple(sorted(repr(canonical(v)) for v in value)))
    if isinstance(value, dict):
        return ("dict", tuple(sorted((repr(k), canonical(v)) for k, v in value.items())))
    return (type(value).__name__, value)


def load(source: str, entry_point: str):
    namespace: dict = {"__name__": "corpus_reference"}
    exec(compile(source, f"<{entry_point}>", "exec"), namespace)
    return namespace[entry_point]


def cases(program: Program, seed: int = SEED) -> list[tuple]:
    rng = random.Random(seed)
    return [program.gen(rng) for _ in range(N_CASES)]


@functools.cache
def run(name: str):
    """(args list, outputs list, slowest call in seconds) for the program's reference."""
    program = by_name(name)
    func = load(program.source, program.entry_point)
    args_list = cases(program)
    outputs = []
    slowest = 0.0
    for args in args_list:
        before = copy.deepcopy(args)
        start = time.perf_counter()
        outputs.append(func(*args))
        slowest = max(slowest, time.perf_counter() - start)
        assert args == before, f"{name} modified its arguments {before!r}"
    return args_list, outputs, slowest


NAMES = [p.name for p in PROGRAMS]


def test_corpus_size_and_categories():
    assert len(PROGRAMS) >= 88
    assert len(set(NAMES)) == len(NAMES)
    assert NAMES == sorted(NAMES)
    per_category = Counter(p.category for p in PROGRAMS)
    assert set(per_category) == set(CATEGORIES)
    assert sum(1 for count in per_category.values() if count >= 8) >= 6, per_category


def test_by_name():
    assert by_name("binary_search").name == "binary_search"
    with pytest.raises(KeyError, match="did you mean"):
        by_name("binary_serch")
    with pytest.raises(KeyError, match="no reference program"):
        by_name("zzzzzz")


@pytest.mark.parametrize("name", NAMES)
def test_program_shape(name):
    program = by_name(name)
    assert program.name.isidentifier() and program.name == program.name.lower()
    assert program.category in CATEGORIES
    assert 20 <= len(program.description) <= 600
    assert 8 <= len(program.source.splitlines()) <= 35, len(program.source.splitlines())
    tree = ast.parse(program.source)
    top_functions = [node.name for node in tree.body if isinstance(node, ast.FunctionDef)]
    assert program.entry_point in top_functions
    assert len(top_functions) <= 3
    for node in tree.body:
        assert isinstance(node, (ast.FunctionDef, ast.Import, ast.ImportFrom)), ast.dump(node)[:80]
    for node in ast.walk(tree):
        assert not isinstance(
            node, (ast.ClassDef, ast.Global, ast.Nonlocal, ast.Yield, ast.YieldFrom, ast.Await)
        )
        if isinstance(node, ast.Import):
            assert {alias.name for alias in node.names} <= ALLOWED_IMPORTS
        if isinstance(node, ast.ImportFrom):
            assert node.module in ALLOWED_IMPORTS
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in FORBIDDEN_CALLS
    assert any(isinstance(node, ast.Return) for node in ast.walk(tree))


@pytest.mark.parametrize("name", NAMES)
def test_reference_runs_on_generated_cases(name):
    args_list, outputs, slowest = run(name)
    for args, out in zip(args_list, outputs, strict=True):
        assert isinstance(args, tuple) and is_plain(args), args
        assert is_plain(out), f"{name}{args!r} returned {out!r}"
    assert slowest < 0.02, f"{name}: slowest call took {slowest * 1000:.1f} ms"
    assert len({canonical(out) for out in outputs}) >= 2, f"{name}: outputs are all {outputs[0]!r}"


@pytest.mark.parametrize("name", NAMES)
def test_gen_is_deterministic(name):
    program = by_name(name)
    assert cases(program) == cases(program)
    assert cases(program) != cases(program, seed=SEED + 1)


@pytest.mark.parametrize("name", NAMES)
def test_gen_gives_many_distinct_inputs(name):
    # the task builder draws until it has 15 distinct inputs per program
    program = by_name(name)
    rng = random.Random(f"distinct:{name}")
    seen = {repr(program.gen(rng)) for _ in range(200)}
    assert len(seen) >= 25, f"{name}: only {len(seen)} distinct inputs in 200 draws"


@pytest.mark.parametrize("name", NAMES)
def test_unparse_round_trip_behaves_the_same(name):
    program = by_name(name)
    regenerated = ast.unparse(ast.parse(program.source))
    func = load(regenerated, program.entry_point)
    args_list, outputs, _ = run(name)
    for args, expected in zip(args_list, outputs, strict=True):
        assert canonical(func(*copy.deepcopy(args))) == canonical(expected)


def test_most_programs_have_varied_outputs():
    varied = [name for name in NAMES if len({canonical(out) for out in run(name)[1]}) >= 4]
    dull = sorted(set(NAMES) - set(varied))
    assert len(varied) >= 0.9 * len(NAMES), f"fewer than 4 distinct outputs: {dull}"
