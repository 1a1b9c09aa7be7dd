"""The HumanEvalPack-layout task loader: assertion conversion, script preludes, file errors."""

from __future__ import annotations

import math
import random
import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loopgym.envs.code_repair import external
from loopgym.envs.code_repair.external import (
    ExternalTask,
    TaskFileError,
    TestSuite,
    conversion_summary,
    load_tasks,
    parse_check,
)
from loopgym.sandbox.cases import Case, ScriptCase

DATA = Path(__file__).parent / "data"
EXAMPLES = Path(external.__file__).parent / "data" / "example_tasks.jsonl"


def check_src(*lines: str, param: str = "candidate", before: str = "", after: str = "") -> str:
    body = "".join(f"    {line}\n" for line in lines)
    return f"{before}def check({param}):\n{body}{after}"


def one_case(line: str, entry_point: str = "f", param: str = "candidate") -> Case:
    suite = parse_check(check_src(line, param=param), entry_point)
    assert suite.scripts == () and suite.n_assertions == 1 and suite.n_converted == 1
    return suite.cases[0]


def run_script(script: ScriptCase, fn) -> bool:
    """Trusted in-process stand-in for the sandbox: bind the names, exec, pass when nothing raises."""
    namespace = {name: fn for name in script.bind}
    try:
        exec(script.source, namespace)
    except Exception:
        return False
    return True


def compiles(source: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        compile(source, "<script>", "exec")


def judge(case: Case, fn) -> bool:
    actual = fn(*case.args, **case.kwargs)
    if case.tolerance is not None:
        return abs(actual - case.expected) < case.tolerance
    return type(actual) is type(case.expected) and actual == case.expected


# ------------------------------------------------------------------------------------------ conversion


@pytest.mark.parametrize(
    ("line", "args", "kwargs", "expected"),
    [
        ("assert candidate(1, 2) == 3", (1, 2), {}, 3),
        ("assert 3 == candidate(1, 2)", (1, 2), {}, 3),
        ("assert f(1, 2) == 3", (1, 2), {}, 3),  # the entry point called by its own name
        ("assert candidate(-1, -2.5) == -3.5", (-1, -2.5), {}, -3.5),
        ("assert candidate([1, (2, 3)], {'a': {1, 2}}) == {'k': [None]}", ([1, (2, 3)], {"a": {1, 2}}), {},
         {"k": [None]}),
        ("assert candidate('x', n=2, flag=True) == 'xx'", ("x",), {"n": 2, "flag": True}, "xx"),
        ("assert candidate() == b'raw'", (), {}, b"raw"),
        ("assert candidate(1) == 2, 'message is ignored'", (1,), {}, 2),
        ("assert candidate(1) is True", (1,), {}, True),
        ("assert candidate(1) is False", (1,), {}, False),
        ("assert candidate(1) is None", (1,), {}, None),
        ("assert candidate(set()) == frozenset() or True", None, None, None),  # not convertible: `or`
    ],
)
def test_equality_shapes(line, args, kwargs, expected):
    if args is None:
        suite = parse_check(check_src(line), "f")
        assert suite.cases == () and len(suite.scripts) == 1
        return
    case = one_case(line)
    assert (case.args, case.kwargs, case.expected, case.tolerance) == (args, kwargs, expected, None)
    assert type(case.expected) is type(expected)
    assert case.label.startswith("f(")


@pytest.mark.parametrize(
    ("line", "expected", "tolerance"),
    [
        ("assert abs(candidate(2.0) - 1.5) < 1e-6", 1.5, 1e-6),
        ("assert abs(1.5 - candidate(2.0)) < 1e-6", 1.5, 1e-6),
        ("assert abs(candidate(2.0) - -1.5) < 0.001", -1.5, 0.001),
        ("assert abs(f(2.0) - 1.5) < 1", 1.5, 1.0),
        ("assert abs(candidate(2.0) - 1.5) <= 1e-6", 1.5, math.nextafter(1e-6, math.inf)),
    ],
)
def test_tolerance_shapes(line, expected, tolerance):
    case = one_case(line)
    assert case.args == (2.0,) and case.expected == expected and case.tolerance == tolerance
    assert isinstance(case.tolerance, float)


def test_tolerance_le_keeps_the_boundary():
    case = one_case("assert abs(candidate(0) - 1.0) <= 0.5")
    assert abs(1.5 - case.expected) < case.tolerance  # exactly on the bound passes, as `<=` did
    assert not abs(1.5000001 - case.expected) < case.tolerance


def test_parameter_named_after_the_function():
    src = check_src("assert add(1, 2) == 3", "assert candidate(1, 2) == 3", param="add", after="\ncheck(add)\n")
    suite = parse_check(src, "add")
    # `candidate` is neither the parameter nor the entry point here: that line is not a call of the function
    assert [c.args for c in suite.cases] == [(1, 2)]
    assert suite.scripts[0].bind == ("add",)
    assert (suite.n_assertions, suite.n_converted) == (2, 1)


def test_both_names_are_candidates_and_bound():
    suite = parse_check(check_src("assert candidate(1) == 1", "assert ident(2) == 2", "assert not ident(0)"),
                        "ident")
    assert [c.args for c in suite.cases] == [(1,), (2,)]
    assert all(c.label.startswith("ident(") for c in suite.cases)
    assert suite.scripts[0].bind == ("candidate", "ident")
    assert run_script(suite.scripts[0], lambda x: x) and not run_script(suite.scripts[0], lambda x: 1)


@pytest.mark.parametrize(
    "line",
    [
        "assert not candidate(3)",
        "assert candidate(3)",
        "assert math.isclose(candidate(3), 0.5)",
        "assert candidate(3) != 4",
        "assert candidate(3) == candidate(4)",
        "assert candidate(x) == 3",
        "assert candidate(*[3]) == 3",
        "assert candidate(**{'a': 3}) == 3",
        "assert candidate(3) == [i for i in range(3)]",
        "assert candidate(3) == ...",
        "assert candidate(3)[0] == 1",
        "assert 1 < candidate(3) < 5",
        "assert candidate(3) is 5",
        "assert abs(candidate(3) - 1.0) < eps",
        "assert abs(candidate(3) - 'a') < 1",
        "assert abs(candidate(3) - 1.0) > 1e-9",
        "assert abs(candidate(3) + 1.0) < 1e-9",
        "assert round(candidate(3) - 1.0) < 1",
        "assert other(3) == 3",
    ],
)
def test_not_convertible(line):
    suite = parse_check(check_src(line), "f")
    assert suite.cases == () and suite.n_assertions == 1 and suite.n_converted == 0
    [script] = suite.scripts
    assert line in script.source and script.label == line


def test_scripts_get_the_prelude_and_run():
    src = (
        "import math\n"
        "METADATA = {'author': 'nobody'}\n"
        "\n"
        "def _near(a, b):\n"
        "    return math.isclose(a, b)\n"
        "\n"
        "\n"
        "def check(candidate):\n"
        "    '''docstring of check'''\n"
        "    assert candidate([1, 2]) == 3\n"
        "    base = [1, 2, 3]\n"
        "    def twice(xs):\n"
        "        return xs + xs\n"
        "    assert _near(candidate(base), 6.0)\n"
        "    for n in range(4):\n"
        "        assert candidate(list(range(n))) == sum(range(n))\n"
        "    extra = 10\n"
        "    assert candidate(twice(base)) == 12\n"
        "    print('all done')\n"
        "\n"
        "check(total)\n"
    )
    suite = parse_check(src, "total")
    assert (suite.n_assertions, suite.n_converted, len(suite.scripts)) == (4, 1, 3)
    near, loop, twice = suite.scripts
    for script in suite.scripts:
        assert script.bind == ("candidate", "total")
        assert script.source.startswith("import math\nMETADATA = {'author': 'nobody'}\ndef _near(a, b):")
        assert "def check" not in script.source and "check(total)" not in script.source
        assert "all done" not in script.source and "docstring of check" not in script.source
        assert run_script(script, sum)
        assert not run_script(script, lambda xs: sum(xs) + 1)
        compiles(script.source)
    assert "base = [1, 2, 3]" in near.source and "extra" not in near.source
    assert loop.label == "for n in range(4): assert candidate(list(range(n))) == sum(range(n))"
    assert "extra = 10" in twice.source and "return xs + xs" in twice.source


def test_statements_after_the_last_assertion_are_ignored():
    suite = parse_check(check_src("assert candidate(1) == 1", "x = candidate(2)", "print(x)"), "f")
    assert len(suite.cases) == 1 and suite.scripts == ()


def test_asserting_helpers_and_raise_assertion_error_become_scripts():
    src = check_src(
        "def expect(x, y):",
        "    assert candidate(x) == y",
        "expect(1, 2)",
        "expect(2, 4)",
        "if candidate(3) != 6:",
        "    raise AssertionError('three')",
    )
    suite = parse_check(src, "f")
    assert suite.n_assertions == 1 and len(suite.scripts) == 3
    assert all(run_script(s, lambda x: 2 * x) for s in suite.scripts)
    assert [run_script(s, lambda x: 2 if x == 1 else 0) for s in suite.scripts] == [True, False, False]


def test_text_that_cannot_be_dedented_falls_back_to_unparse():
    src = (
        "import functools\n"
        "def check(candidate):\n"
        '    text = """one\n'
        'two"""\n'
        "    @functools.lru_cache(None)\n"
        "    def lines():\n"
        "        return candidate(text)\n"
        "    assert lines() == 2\n"
    )
    [script] = parse_check(src, "f").scripts
    assert "lru_cache" in script.source
    assert run_script(script, lambda s: len(s.splitlines()))
    assert not run_script(script, len)


def test_return_in_the_check_body_keeps_a_function_around_it():
    src = check_src("if candidate(0) is None:", "    return", "assert candidate(1) + 1 == 3")
    [script] = parse_check(src, "f").scripts
    assert run_script(script, lambda x: None)  # returns early, as the original check did
    assert run_script(script, lambda x: 2 * x)
    assert not run_script(script, lambda x: x)


def test_trailing_check_calls_and_main_guard_are_dropped():
    src = check_src("assert not candidate(0)", after="check(f)\nif __name__ == '__main__':\n    check(f)\n")
    [script] = parse_check(src, "f").scripts
    assert script.source == "assert not candidate(0)\n"


def test_odd_literals_do_not_break_labels_or_tolerances():
    huge = "0x" + "f" * 4000  # an int too long for repr() in decimal: refused cleanly
    for line in (f"assert candidate({huge}) == 1", f"assert abs(candidate(1) - 1.0) < {huge}"):
        with pytest.raises(TaskFileError, match="^<test>: cannot read the test code"):
            parse_check(check_src(line), "f")
    big = "1" + "0" * 400  # fits repr(), but not a float
    suite = parse_check(check_src(f"assert abs(candidate(1) - 1.0) < {big}"), "f")
    assert suite.cases == () and len(suite.scripts) == 1  # a tolerance that is no float stays a script
    [case] = parse_check(check_src("assert candidate(1) == 1e999"), "f").cases
    assert case.expected == math.inf


def test_counts_and_empty_suite():
    suite = parse_check(check_src("x = 1", "for i in range(3):", "    assert candidate(i) == i",
                                  "    assert candidate(i) is not None", "assert candidate(2) == 2"), "f")
    assert (suite.n_assertions, suite.n_converted, len(suite.cases), len(suite.scripts)) == (3, 1, 1, 1)
    assert TestSuite() == TestSuite((), (), 0, 0)


@pytest.mark.parametrize(
    ("src", "fragment"),
    [
        ("", "found none"),
        ("def test(candidate):\n    assert candidate(1) == 1\n", "found none"),
        ("check = 3\n", "found none"),
        ("def check(a, b):\n    assert a(1) == b\n", "exactly one parameter"),
        ("def check():\n    assert True\n", "exactly one parameter"),
        ("def check(c, *, k=1):\n    assert c(1) == 1\n", "exactly one parameter"),
        ("def check(*cs):\n    assert cs[0](1) == 1\n", "exactly one parameter"),
        ("def check(c):\n    assert c(1) == 1\ndef check(c):\n    pass\n", "2 times"),
        ("def check(c):\n    assert c(1) ==\n", "syntax error"),
        ("return 3\ndef check(c):\n    assert c(1) == 1\n", "syntax error"),
        ("def check(c):\n\x00", "null bytes"),
        ("def check(c):\n    assert c('\ud800') == 1\n", "surrogates not allowed"),
    ],
)
def test_parse_check_errors(src, fragment):
    with pytest.raises(TaskFileError, match="^here: ") as info:
        parse_check(src, "f", where="here")
    assert fragment in str(info.value)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_garbage_raises_task_file_error(text):
    try:
        parse_check(text, "f")
    except TaskFileError:
        pass


FRAGMENTS = [
    "assert candidate(1) == 2", "assert f(-1, k=[1]) == (1,)", "assert candidate(0) is None",
    "assert abs(candidate(1) - 0.5) <= 1e-3", "assert not candidate(2)", "x = [1, 2]", "import math",
    "def h(v):\n    assert candidate(v) == v", "h(3)", "for i in x:\n    assert candidate(i) == i",
    "if candidate(0):\n    return", "print('x')", "raise AssertionError('no')", "'doc'",
    "class K:\n    pass", "try:\n    assert candidate(9)\nexcept TypeError:\n    pass",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=8), st.sampled_from(["candidate", "f", "g"]))
def test_fragment_combinations(fragments, param):
    body = [line for fragment in fragments for line in fragment.split("\n")] or ["pass"]
    suite = parse_check(check_src(*body, param=param, after="check(f)\n"), "f")
    assert suite.n_converted == len(suite.cases) <= suite.n_assertions
    assert suite.n_assertions == sum(fragment.count("assert ") for fragment in fragments)
    for script in suite.scripts:
        compiles(script.source)
        assert "check(f)" not in script.source


def test_mutated_tests_never_raise_anything_else():
    base = EXAMPLES.read_text()  # not Python: JSON lines; mix in a real test body as well
    seed_src = check_src("assert candidate([1, 2], k=3) == {'a': (1, -2.5)}", "x = [1]",
                         "for i in x:", "    assert abs(candidate(i) - 1) <= 1e-3", after="check(f)\n")
    rng = random.Random(1234)
    alphabet = "()[]{}:=,.-+*'\"\\\n #ab0123456789" + "".join(sorted(set(base)))
    for _ in range(400):
        chars = list(seed_src)
        for _ in range(rng.randint(1, 4)):
            i = rng.randrange(len(chars) + 1)
            if rng.random() < 0.5 and i < len(chars):
                del chars[i]
            else:
                chars.insert(i, rng.choice(alphabet))
        try:
            suite = parse_check("".join(chars), "f")
        except TaskFileError:
            continue
        assert suite.n_converted == len(suite.cases) <= suite.n_assertions
        for script in suite.scripts:
            compiles(script.source)


# ---------------------------------------------------------------------------------------------- loader


def test_load_good_file():
    tasks = load_tasks(DATA / "good.jsonl")
    assert [t.task_id for t in tasks] == ["Fixture/0", "Fixture/multi", "Fixture/2"]
    first, multi, third = tasks
    assert isinstance(first, ExternalTask)
    assert first.description == "Return twice x." and first.bug_type == "operator misuse"
    assert first.signature == "def double(x: int) -> int:"
    assert first.program == "def double(x: int) -> int:\n    return x + 2\n"
    assert first.reference == "def double(x: int) -> int:\n    return x * 2\n"
    assert [c.args for c in first.hidden.cases] == [(2,), (5,)] and first.visible.n_converted == 1
    # description parsed out of the prompt; multi-line header; a buggy program that does not parse is fine
    assert multi.description.startswith("Smallest and largest value") and ">>> span" in multi.description
    assert multi.signature == "def span(\n    values: List[int],\n    pad: int = 0,\n) -> Tuple[int, int]:"
    assert multi.program.endswith("max(values) + pad\n")
    assert multi.visible == TestSuite() and multi.bug_type is None
    assert multi.hidden.cases[1] == Case(args=([0],), expected=(-2, 2), kwargs={"pad": 2}, label="span([0], pad=2)")
    assert third.description == "Write a function `double(x)` that doubles x."
    assert third.visible == TestSuite()


def test_load_accepts_str_path():
    assert len(load_tasks(str(DATA / "good.jsonl"))) == 3


@pytest.mark.parametrize(
    ("name", "line", "field", "fragment"),
    [
        ("bad_json.jsonl", 3, None, "not valid JSON"),
        ("not_object.jsonl", 2, None, "expected a JSON object"),
        ("missing_field.jsonl", 2, "entry_point", "missing"),
        ("wrong_type.jsonl", 3, "test", "expected a string, found an array"),
        ("wrong_optional_type.jsonl", 1, "docstring", "found a number"),
        ("no_check.jsonl", 2, "test", "expected a function `def check(candidate): ...`, found none"),
        ("check_two_params.jsonl", 2, "test", "exactly one parameter"),
        ("test_syntax_error.jsonl", 2, "test", "syntax error"),
        ("example_syntax_error.jsonl", 1, "example_test", "syntax error"),
        ("bad_reference.jsonl", 2, "canonical_solution", "syntax error"),
        ("duplicate_id.jsonl", 3, "task_id", "duplicate id 'Fixture/0' (first on line 1)"),
        ("no_asserts.jsonl", 1, "test", "asserts nothing"),
        ("bad_entry_point.jsonl", 1, "entry_point", "'triple'"),
    ],
)
def test_load_errors_name_file_line_field(name, line, field, fragment):
    with pytest.raises(TaskFileError) as info:
        load_tasks(DATA / name)
    message = str(info.value)
    assert message.startswith(f"{DATA / name}:{line}: ")
    if field is not None:
        assert f"field '{field}'" in message
    assert fragment in message
    assert isinstance(info.value, ValueError)


def test_empty_file(tmp_path):
    with pytest.raises(TaskFileError, match="empty.jsonl: no tasks"):
        load_tasks(DATA / "empty.jsonl")
    (tmp_path / "zero.jsonl").write_bytes(b"")
    with pytest.raises(TaskFileError, match="zero.jsonl: no tasks"):
        load_tasks(tmp_path / "zero.jsonl")


def test_not_utf8(tmp_path):
    path = tmp_path / "latin.jsonl"
    path.write_bytes((DATA / "good.jsonl").read_bytes() + b'{"task_id": "caf\xe9"}\n')
    with pytest.raises(TaskFileError, match=r"latin.jsonl:5: not UTF-8"):
        load_tasks(path)


# -------------------------------------------------------------------------------------- shipped example


def test_example_file_loads_and_summary_is_sane():
    tasks = load_tasks(EXAMPLES)
    assert 6 <= len(tasks) <= 10
    summary = conversion_summary(tasks)
    assert summary["tasks"] == len(tasks)
    assert 0 < summary["converted"] < summary["assertions"]
    assert summary["fraction"] == pytest.approx(summary["converted"] / summary["assertions"])
    assert 0.5 < summary["fraction"] < 0.95
    assert conversion_summary([]) == {"tasks": 0, "assertions": 0, "converted": 0, "fraction": 0.0}
    for task in tasks:
        assert task.description and task.signature.startswith("def ") and task.signature.endswith(":")
        assert task.hidden.n_assertions >= 1
    assert any(not t.visible.cases and not t.visible.scripts for t in tasks)
    assert any(s.bind == (t.entry_point,) for t in tasks for s in t.hidden.scripts)  # param named after fn
    assert any(c.tolerance is not None for t in tasks for c in t.hidden.cases)


def _passes(source: str, entry_point: str, suite: TestSuite) -> list[bool]:
    namespace: dict = {}
    exec(source, namespace)  # our own example file: trusted
    fn = namespace[entry_point]
    results = []
    for case in suite.cases:
        try:
            results.append(judge(case, fn))
        except Exception:
            results.append(False)
    results += [run_script(script, fn) for script in suite.scripts]
    return results


@pytest.mark.parametrize("task", load_tasks(EXAMPLES), ids=lambda t: t.task_id)
def test_example_reference_passes_and_buggy_program_fails(task):
    assert all(_passes(task.reference, task.entry_point, task.hidden))
    assert all(_passes(task.reference, task.entry_point, task.visible))
    assert not all(_passes(task.program, task.entry_point, task.hidden))
