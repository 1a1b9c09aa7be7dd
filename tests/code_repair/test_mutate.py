"""The bug-injection engine of the code-repair family: enumerate_mutations, inject and their promises."""

from __future__ import annotations

import ast
import difflib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loopgym.envs.code_repair.mutate import (
    BUG_CLASSES,
    Mutation,
    _mutations,
    canonical,
    enumerate_mutations,
    inject,
    kind_index,
)

BINARY_SEARCH = '''
def binary_search(a, x):
    """Index of x in the sorted list a, or -1."""
    lo, hi = 0, len(a) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        if a[mid] < x:
            lo = mid + 1
        elif a[mid] > x:
            hi = mid - 1
        else:
            return mid
    return -1
'''

BUBBLE_SORT = '''
def bubble_sort(xs):
    xs = list(xs)
    n = len(xs)
    for i in range(n):
        swapped = False
        for j in range(0, n - i - 1):
            if xs[j] > xs[j + 1]:
                xs[j], xs[j + 1] = xs[j + 1], xs[j]
                swapped = True
        if not swapped:
            break
    return xs
'''

GCD = '''
def gcd(a, b):
    while b != 0:
        a, b = b, a % b
    return abs(a)


def lcm(a, b):
    return a * b // gcd(a, b)
'''

STRINGS = '''
def is_palindrome(s):
    s = s.lower()
    cleaned = ''
    for ch in s:
        if ch.isalnum():
            cleaned += ch
    return cleaned == cleaned[::-1]


def middle(s):
    n = len(s)
    if n < 3:
        return ''
    return s[1:n - 1] + s[:1] + s[n:]
'''

CONDITIONS = '''
def classify(x, lo, hi, strict=False):
    if x < lo or x > hi:
        return 'out'
    elif strict and (x == lo or x == hi):
        return 'edge'
    inside = lo < x and x < hi and x is not None
    ok = x in (lo, hi) or inside
    return ok
'''

CLASS_BASED = '''
class Counter:
    """Counts up to a limit."""

    limit: int = 10

    def __init__(self, start: int = 0) -> None:
        self.count = start
        self.history = []

    def add(self, k: int) -> int:
        """Add k, saturating at the limit."""
        total = self.count + k
        if total > self.limit:
            total = self.limit
        self.history.append(total)
        self.count = total
        return self.count
'''

MODERN = '''
from typing import Callable


def summarize(values: list[float], scale: float = 1.0) -> str:
    """Summarize values."""
    total: float = 0.0
    squares = [v * v for v in values if v > 0]
    key: Callable[[float], float] = lambda v: abs(v - scale)
    best = min(values, key=key) if values else None
    for i, v in enumerate(values):
        total += v * scale
    mean = total / len(values) if len(values) > 0 else 0.0
    return f"{len(squares)} positive, best={best}, mean={mean:.2f}"
'''

MERGE_INTERVALS = '''
def merge_intervals(intervals, min_gap=0):
    """Merge overlapping intervals; drop empty ones."""
    items = sorted(intervals)
    out = []
    i = 0
    n = len(items)
    while i < n:
        lo, hi = items[i]
        if hi <= lo:
            i += 1
            continue
        j = i + 1
        while j < n and items[j][0] <= hi + min_gap:
            if items[j][1] > hi:
                hi = items[j][1]
            j += 1
        if out and out[-1][1] >= lo:
            prev_lo, prev_hi = out.pop()
            lo = min(prev_lo, lo)
            hi = max(prev_hi, hi)
        out.append((lo, hi))
        i = j
    total = 0
    for lo, hi in out:
        total += hi - lo
    best = out[0] if out else None
    for k in range(1, len(out)):
        if out[k][1] - out[k][0] > best[1] - best[0]:
            best = out[k]
    return (out, total, best)
'''

PROGRAMS = {
    "binary_search": BINARY_SEARCH,
    "bubble_sort": BUBBLE_SORT,
    "gcd": GCD,
    "strings": STRINGS,
    "conditions": CONDITIONS,
    "class_based": CLASS_BASED,
    "modern": MODERN,
    "merge_intervals": MERGE_INTERVALS,
}

ODD_PROGRAMS = [
    "",
    "# only a comment\n",
    "x = 1\nprint(x + 2)\nfor i in range(x):\n    x -= 1\n",
    "async def f(xs):\n    async for x in xs:\n        await g(x)\n    async with lock as held:\n"
    "        return [y async for y in xs if y > 1]\n",
    "def f(p):\n    match p:\n        case [x, 0] if x > 1:\n            return x + 1\n        case {'k': 1}:\n"
    "            return -1\n        case Point(x=0) | None:\n            pass\n        case _:\n            return p\n",
    "def f(xs):\n    if (n := len(xs)) > 10:\n        return n - 1\n    return [y for x in xs if (y := x * 2) > 3]\n",
    "import functools\n@functools.lru_cache(maxsize=None)\ndef fib(n):\n"
    "    return n if n < 2 else fib(n - 1) + fib(n - 2)\n",
    "counter = 0\ndef inc():\n    global counter\n    counter += 1\n    def outer():\n        x = 0\n"
    "        def inner():\n            nonlocal x\n            x += 1\n        inner()\n        return x\n"
    "    return counter + outer()\n",
    "def f(x):\n    try:\n        y = 1 / x\n    except (ZeroDivisionError, TypeError) as e:\n        y = 0\n"
    "        raise ValueError('bad') from e\n    else:\n        y += 1\n    finally:\n        print('done')\n"
    "    return y\n",
    "try:\n    pass\nexcept* ValueError as eg:\n    print(eg)\n",
    "def f(p):\n    with open(p) as fh, open(p + '.bak', 'w') as out:\n        for line in fh:\n"
    "            out.write(line[:-1])\n",
    "def f(*args, **kwargs):\n    a, *rest = args\n    return (g(*rest, **kwargs), [*args, *rest], {**kwargs}, a)\n",
    "x = " + "(" * 40 + "1 + y" + ")" * 40 + "\n",
    "f = lambda x, y=2: x if x > y else y\n",
    "def f(a):\n    if a:\n        pass\n    else:\n        if a > 1:\n            a = 2\n        a += 1\n    return a\n",
    "def f():\n    x = 1\n    'not a docstring'\n    return x\n",
    "def f(x, w):\n    return f'{x!r:>{w}} and {x + 1:.2f} {\"a\" if x else \"b\"}'\n",
    "def f():\n    s = '''a\nb'''\n    t = f'''{s}\n{s[1:]}'''\n    return s + '' + t\n",
    "def f(a, b, c):\n    return a < b <= c != 0\n",
    "class A(Base, metaclass=Meta):\n    x = 1\n    y = x + 1\n\n    @staticmethod\n    def m(z=x - 1):\n"
    "        return [z for _ in range(3)]\n",
    "while True:\n    break\nelse:\n    pass\n",
    "def f(d, k):\n    assert k in d, 'missing'\n    del d[k], d[k - 1]\n    raise KeyError(k)\n",
    "def f(\u00e4):\n    return \u00e4 * 2\n",
    "def f():\n    def g():\n        return 1\n    h = 2\n\n    class C:\n        pass\n    return g() + h\n",
]


def _all(source, **kwargs):
    """enumerate_mutations, with the check that every splice agrees with unparsing the whole module."""
    result = _mutations(source, kwargs.get("kinds"), check=True)
    assert result == enumerate_mutations(source, **kwargs)
    return result


def _protected(source):
    """Docstrings and annotations of a program, in order."""
    tree = ast.parse(source)
    out = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            out.append(ast.get_docstring(node, clean=False))
        for field in ("annotation", "returns"):
            value = getattr(node, field, None)
            if value is not None:
                out.append(ast.unparse(value))
    return out


@pytest.fixture(scope="module")
def mutations():
    return {name: _all(src) for name, src in PROGRAMS.items()}


def test_every_bug_class_is_produced(mutations):
    produced = {m.kind for ms in mutations.values() for m in ms}
    assert produced == set(BUG_CLASSES)
    for kind in BUG_CLASSES:
        assert BUG_CLASSES[kind_index(kind)] == kind
    with pytest.raises(ValueError):
        kind_index("typo")
    with pytest.raises(ValueError):
        enumerate_mutations(GCD, kinds=["typo"])


@pytest.mark.parametrize("name", PROGRAMS)
def test_results_parse_differ_are_canonical_and_unique(name, mutations):
    source = PROGRAMS[name]
    canon = canonical(source)
    ms = mutations[name]
    assert len(ms) > 10
    assert len({m.source for m in ms}) == len(ms)
    n_lines = canon.count("\n") + 1
    protected = _protected(canon)
    for m in ms:
        assert isinstance(m, Mutation) and m.kind in BUG_CLASSES
        assert m.source != canon
        assert canonical(m.source) == m.source
        assert 1 <= m.line <= m.end_line <= n_lines
        assert m.description.startswith(f"line {m.line}: ")
        assert _protected(m.source) == protected, m.description
        # the edit is on the lines it claims: everything above them is untouched
        assert m.source.split("\n")[: m.line - 1] == canon.split("\n")[: m.line - 1]


@pytest.mark.parametrize("name", PROGRAMS)
def test_order_is_deterministic_and_sorted(name, mutations):
    ms = mutations[name]
    assert ms == enumerate_mutations(PROGRAMS[name])
    keys = [(m.line, kind_index(m.kind)) for m in ms]
    assert keys == sorted(keys)
    # canonical input gives the same answer as the raw text
    assert ms == enumerate_mutations(canonical(PROGRAMS[name]))


def test_kinds_filter(mutations):
    for kind in BUG_CLASSES:
        only = enumerate_mutations(BUBBLE_SORT, kinds=[kind])
        assert all(m.kind == kind for m in only)
        sources = {m.source for m in only}
        assert {m.source for m in mutations["bubble_sort"] if m.kind == kind} <= sources
    assert enumerate_mutations(GCD, kinds=[]) == []
    assert enumerate_mutations(GCD, kinds="comparison") == enumerate_mutations(GCD, kinds=["comparison"])


def test_examples(mutations):
    described = {(m.kind, m.description) for m in mutations["binary_search"]}
    assert ("comparison", "line 4: `<=` -> `<`") in described
    assert ("off_by_one", "line 3: `len(a) - 1` -> `len(a)`") in described
    assert ("wrong_variable", "line 5: `lo` -> `hi`") in described
    assert ("missing_statement", "line 7: removed `lo = mid + 1`") in described
    assert ("wrong_return", "line 12: `-1` -> `None`") in described
    strings = {m.description for m in mutations["strings"] if m.kind == "wrong_slice"}
    assert "line 7: `::-1` -> `::1`" in strings
    assert "line 13: `1:n - 1` -> `1:n`" in strings
    calls = {m.description for m in mutations["gcd"] if m.kind == "missing_call"}
    assert calls == {"line 4: `abs(a)` -> `a`"}
    deleted = [m for m in mutations["bubble_sort"] if m.kind == "missing_statement" and m.line == 11]
    assert len(deleted) == 1 and "        if not swapped:\n            pass\n" in deleted[0].source


SELF_INVERSE = ("comparison", "off_by_one", "wrong_variable", "swapped_variables", "arithmetic_operator",
                "wrong_constant", "wrong_slice")


@pytest.mark.parametrize("name", PROGRAMS)
def test_self_inverse_kinds_can_be_undone(name, mutations):
    canon = canonical(PROGRAMS[name])
    rng = np.random.default_rng(0)
    for kind in SELF_INVERSE:
        ms = [m for m in mutations[name] if m.kind == kind]
        picks = rng.permutation(len(ms))[:6]
        for i in picks:
            back = {m.source for m in enumerate_mutations(ms[i].source)}
            assert canon in back, f"{kind}: {ms[i].description} cannot be undone"


@pytest.mark.parametrize("snippet", ODD_PROGRAMS)
def test_odd_programs_do_not_raise(snippet):
    canon = canonical(snippet)
    protected = _protected(canon)
    for m in _all(snippet):
        assert m.source != canon
        assert canonical(m.source) == m.source
        assert _protected(m.source) == protected


def test_match_patterns_and_decorators_are_left_alone():
    ms = enumerate_mutations(ODD_PROGRAMS[4])
    assert ms and not any("case [x, 0]" not in m.source or "case {'k': 1}" not in m.source for m in ms)
    ms = enumerate_mutations(ODD_PROGRAMS[6])
    assert ms and all("@functools.lru_cache(maxsize=None)" in m.source for m in ms)


def test_syntax_errors_propagate():
    with pytest.raises(SyntaxError):
        canonical("def f(:\n")
    with pytest.raises(SyntaxError):
        enumerate_mutations("x = = 1")


def test_inject_is_reproducible_and_uses_distinct_lines():
    for seed in range(10):
        kinds = [k for k in BUG_CLASSES if k != "missing_statement"]  # line numbers do not move
        first = inject(BUBBLE_SORT, 3, np.random.default_rng(seed), kinds=kinds)
        second = inject(BUBBLE_SORT, 3, np.random.default_rng(seed), kinds=kinds)
        assert first == second
        source, applied = first
        assert len(applied) == 3 and len({m.line for m in applied}) == 3
        assert applied[-1].source == source and source != canonical(BUBBLE_SORT)
        program = canonical(BUBBLE_SORT)
        for m in applied:  # each mutation is one of the candidates of the program it was applied to
            assert m in enumerate_mutations(program, kinds=kinds)
            program = m.source


def _back(old, new):
    """Map line numbers of `new` to those of `old` where the line survived (edited in place or untouched)."""
    mapping = {}
    matcher = difflib.SequenceMatcher(a=old.split("\n"), b=new.split("\n"), autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal" or (tag == "replace" and a1 - a0 == b1 - b0):
            mapping.update({b0 + k + 1: a0 + k + 1 for k in range(b1 - b0)})
    return mapping


@pytest.mark.parametrize("name", ["bubble_sort", "merge_intervals", "class_based"])
def test_inject_lines_are_distinct_in_the_original_program(name):
    canon = canonical(PROGRAMS[name])
    for seed in range(8):
        _, applied = inject(canon, 4, np.random.default_rng(seed), kinds=["missing_statement", "comparison",
                                                                           "wrong_variable", "off_by_one"])
        programs = [canon] + [m.source for m in applied]
        maps = [_back(programs[k], programs[k + 1]) for k in range(len(applied))]
        original_lines = []
        for k, m in enumerate(applied):
            line = m.line
            for back in reversed(maps[:k]):
                line = back[line]
            original_lines.append(line)
        assert len(set(original_lines)) == len(applied)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_bugs=st.integers(1, 3))
def test_inject_always_gives_a_canonical_program(seed, n_bugs):
    source, applied = inject(CONDITIONS, n_bugs, np.random.default_rng(seed))
    assert len(applied) == n_bugs and canonical(source) == source != canonical(CONDITIONS)


def test_inject_with_every_kind_and_balance():
    counts = dict.fromkeys(BUG_CLASSES, 0)
    for seed in range(40):
        source, applied = inject(BINARY_SEARCH, 2, np.random.default_rng(seed))
        assert len(applied) == 2 and canonical(source) == source
        for m in applied:
            counts[m.kind] += 1
    # wrong_variable has by far the most sites; picking the class first keeps it from dominating
    assert counts["wrong_variable"] < 25
    assert sum(1 for c in counts.values() if c > 0) >= 8
    assert inject(GCD, 0, np.random.default_rng(0)) == (canonical(GCD), ())


def test_inject_raises_when_impossible():
    tiny = "def f(x):\n    return x\n"
    with pytest.raises(ValueError):
        inject(tiny, 3, np.random.default_rng(0))
    with pytest.raises(ValueError):
        inject(GCD, 1, np.random.default_rng(0), kinds=["wrong_slice"])
    source, applied = inject(tiny, 1, np.random.default_rng(0))
    assert len(applied) == 1 and source != canonical(tiny)
