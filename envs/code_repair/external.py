"""Code-repair tasks from JSONL files in the HumanEvalPack field layout (one JSON object a line).

The test code is only *parsed*: ``assert f(<literals>) == <literal>`` and a few relatives become
:class:`~loopgym.sandbox.cases.Case` objects that the trusted parent judges; the rest becomes
:class:`~loopgym.sandbox.cases.ScriptCase` objects that run inside the sandbox. Nothing here executes file content.
"""

from __future__ import annotations

import ast
import inspect
import io
import json
import keyword
import math
import os
import textwrap
import tokenize
import warnings
from collections.abc import Iterable
from dataclasses import dataclass

from loopgym.sandbox.cases import Case, ScriptCase

__all__ = ["ExternalTask", "TaskFileError", "TestSuite", "conversion_summary", "load_tasks", "parse_check"]

REQUIRED_FIELDS = (
    "task_id", "declaration", "buggy_solution", "canonical_solution", "test", "example_test", "entry_point",
)
#: optional fields the loader reads; when present they must be strings (or null)
OPTIONAL_FIELDS = ("prompt", "docstring", "instruction", "bug_type")
_LABEL_MAX = 120
_PLAIN_SCALARS = (type(None), bool, int, float, complex, str, bytes)
_PARSE_ERRORS = (SyntaxError, ValueError, RecursionError, MemoryError)


class TaskFileError(ValueError):
    """A task file that cannot be used. The message names the file, the 1-based JSONL line and the field,
    e.g. ``tasks.jsonl:3: field 'test': expected a function `def check(candidate): ...`, found none``."""


@dataclass(frozen=True)
class TestSuite:
    """The tests read out of one ``check`` function."""

    __test__ = False  # not a pytest class

    cases: tuple[Case, ...] = ()  # judged by the parent
    scripts: tuple[ScriptCase, ...] = ()  # judged inside the sandbox
    n_assertions: int = 0  # `assert` statements in the check function (one in a loop counts once)
    n_converted: int = 0  # how many of them became Cases


@dataclass(frozen=True)
class ExternalTask:
    task_id: str
    entry_point: str
    description: str  # the natural-language task (docstring, else instruction, else "")
    signature: str  # the entry point's `def ...:` header as written in the declaration
    program: str  # declaration + buggy_solution
    reference: str  # declaration + canonical_solution
    visible: TestSuite  # from example_test
    hidden: TestSuite  # from test
    bug_type: str | None = None


def _syntax(source: str, compile_too: bool = True) -> ast.Module:
    """``ast.parse``, plus a bytecode compile (which also catches e.g. ``return`` outside a function), with
    warnings silenced. Nothing runs."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tree = ast.parse(source)
        if compile_too:
            compile(source, "<loopgym-task>", "exec", dont_inherit=True)
    return tree


def _parse(source: str, where: str, what: str = "the test code") -> ast.Module:
    try:
        return _syntax(source)
    except SyntaxError as exc:
        at = f" on its line {exc.lineno}" if exc.lineno else ""
        raise TaskFileError(f"{where}: {what} has a syntax error{at}: {exc.msg}") from None
    except (ValueError, RecursionError, MemoryError) as exc:
        raise TaskFileError(f"{where}: {what} cannot be parsed: {type(exc).__name__}: {exc}") from None


def _compiles(source: str) -> bool:
    try:
        _syntax(source)
    except _PARSE_ERRORS:
        return False
    return True


def _shorten(text: str, collapse: bool = False) -> str:
    text = " ".join(text.split()) if collapse else text
    return text if len(text) <= _LABEL_MAX else text[: _LABEL_MAX - 3] + "..."


def _stmt_source(source: str, stmt: ast.stmt) -> str:
    """The statement's own text dedented to column 0 when that reproduces it exactly, else ``ast.unparse``."""
    segment = ast.get_source_segment(source, stmt, padded=True)
    if segment is not None:
        text = textwrap.dedent(segment)
        try:
            same = [ast.dump(s) for s in _syntax(text, False).body] == [ast.dump(stmt)]
        except _PARSE_ERRORS:
            same = False
        if same:
            return text.rstrip() + "\n"
    return ast.unparse(stmt) + "\n"


def _is_plain(value: object) -> bool:
    if type(value) is dict:
        return all(_is_plain(k) and _is_plain(v) for k, v in value.items())
    return type(value) in _PLAIN_SCALARS or (type(value) in (list, tuple, set, frozenset)
                                             and all(_is_plain(v) for v in value))


_NOT_LITERAL = object()


def _literal(node: ast.expr) -> object:
    """The plain-data value of a literal expression, or ``_NOT_LITERAL``."""
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return _NOT_LITERAL
    return value if _is_plain(value) else _NOT_LITERAL


def _as_float(value: object) -> float | None:
    """``value`` as a float when it is a real number (not a bool, not NaN, not too large), else None."""
    try:
        number = float(value) if type(value) in (int, float) else math.nan
    except OverflowError:
        return None
    return None if math.isnan(number) else number


def _candidate_call(node: ast.expr, names: set[str]) -> tuple[tuple, dict] | None:
    """``(args, kwargs)`` when ``node`` is ``F(<literals>)`` with ``F`` a candidate name."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names):
        return None
    if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
        return None
    values = [_literal(n) for n in [*node.args, *(k.value for k in node.keywords)]]
    if any(v is _NOT_LITERAL for v in values):
        return None
    n = len(node.args)
    return tuple(values[:n]), {k.arg: v for k, v in zip(node.keywords, values[n:], strict=True)}


def _make_case(entry_point: str, call: tuple[tuple, dict], expected: object, tolerance: float | None = None) -> Case:
    args, kwargs = call
    shown = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
    label = _shorten(f"{entry_point}({', '.join(shown)})")
    return Case(args=args, expected=expected, tolerance=tolerance, kwargs=kwargs, label=label)


def _to_case(stmt: ast.Assert, names: set[str], entry_point: str) -> Case | None:
    """The :class:`Case` equivalent to ``stmt``, or None when it has none of the convertible shapes."""
    test = stmt.test
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return None
    left, op, right = test.left, test.ops[0], test.comparators[0]
    if isinstance(op, ast.Eq):  # F(args) == V  or  V == F(args)
        for call_node, value_node in ((left, right), (right, left)):
            call = _candidate_call(call_node, names)
            value = _literal(value_node) if call is not None else _NOT_LITERAL
            if value is not _NOT_LITERAL:
                return _make_case(entry_point, call, value)
        return None
    if isinstance(op, ast.Is):  # F(args) is True / False / None
        call = _candidate_call(left, names)
        if call is not None and isinstance(right, ast.Constant) and any(right.value is s for s in (True, False, None)):
            return _make_case(entry_point, call, right.value)
        return None
    if isinstance(op, (ast.Lt, ast.LtE)):  # abs(F(args) - V) < T  or  abs(V - F(args)) <= T
        tol = _as_float(_literal(right))
        if not (isinstance(left, ast.Call) and isinstance(left.func, ast.Name) and left.func.id == "abs"
                and len(left.args) == 1 and not left.keywords and tol is not None):
            return None
        diff = left.args[0]
        if not (isinstance(diff, ast.BinOp) and isinstance(diff.op, ast.Sub)):
            return None
        tolerance = tol if isinstance(op, ast.Lt) else math.nextafter(tol, math.inf)
        for call_node, value_node in ((diff.left, diff.right), (diff.right, diff.left)):
            call = _candidate_call(call_node, names)
            value = _literal(value_node) if call is not None else _NOT_LITERAL
            if _as_float(value) is not None:
                return _make_case(entry_point, call, value, tolerance)
    return None


def _is_test(node: ast.AST, helpers: set[str]) -> bool:
    """Whether ``node`` asserts something: an ``assert``, a ``raise AssertionError``, or a call of a helper
    function (defined in the test code) that does."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Raise):  # raise AssertionError / raise AssertionError(...)
            exc = sub.exc.func if isinstance(sub.exc, ast.Call) else sub.exc
            if isinstance(exc, ast.Name) and exc.id == "AssertionError":
                return True
        if isinstance(sub, ast.Assert):
            return True
        if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) and sub.func.id in helpers:
            return True
    return False


def _asserting_helpers(stmts: Iterable[ast.stmt]) -> set[str]:
    defs = [s for s in stmts if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))]
    found: set[str] = set()
    changed = True
    while changed:
        changed = False
        for d in defs:
            if d.name not in found and any(_is_test(s, found) for s in d.body):
                found.add(d.name)
                changed = True
    return found


def _is_check_call(stmt: ast.stmt) -> bool:
    """A top-level ``check(...)`` call, or an ``if __name__ == "__main__":`` block."""
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        return isinstance(stmt.value.func, ast.Name) and stmt.value.func.id == "check"
    if isinstance(stmt, ast.If):
        return any(isinstance(n, ast.Name) and n.id == "__name__" for n in ast.walk(stmt.test))
    return False


_SETUP = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom)


def _script(source: str, module: list[ast.stmt], setup: list[ast.stmt], stmt: ast.stmt,
            bind: tuple[str, ...], where: str) -> ScriptCase:
    code = "".join(_stmt_source(source, s) for s in [*module, *setup, stmt])
    if not _compiles(code):
        # e.g. a `return` in the check body: keep the check-body part inside a function
        body = [*setup, stmt]
        no_args = ast.arguments(posonlyargs=[], args=[], vararg=None, kwonlyargs=[], kw_defaults=[],
                                kwarg=None, defaults=[])
        fn = ast.FunctionDef(name="_loopgym_check", args=no_args, body=body, decorator_list=[], returns=None)
        if "type_params" in ast.FunctionDef._fields:
            fn.type_params = []
        call = ast.Expr(ast.Call(ast.Name("_loopgym_check", ast.Load()), [], []))
        code = ast.unparse(ast.fix_missing_locations(ast.Module([*module, fn, call], []))) + "\n"
        if not _compiles(code):
            raise TaskFileError(f"{where}: cannot isolate the statement on its line {stmt.lineno}")
    label = ast.get_source_segment(source, stmt) or ast.unparse(stmt)
    return ScriptCase(source=code, bind=bind, label=_shorten(label, collapse=True))


def parse_check(test_source: str, entry_point: str, *, where: str = "<test>") -> TestSuite:
    """Read the ``def check(candidate): ...`` function of HumanEval-style test code into a :class:`TestSuite`.

    A top-level ``assert`` becomes a :class:`Case` when it is ``F(args) == V``, ``V == F(args)``,
    ``F(args) is True/False/None``, ``abs(F(args) - V) < T`` (or ``<= T``, or ``abs(V - F(args))``), where
    ``F`` is the check parameter or the entry point's name and ``args``, keyword values, ``V`` and ``T`` are
    literals. Every other top-level statement that asserts (an ``assert``, a loop or block containing one,
    a call of a helper that asserts) becomes one :class:`ScriptCase` whose source is the module-level code
    of the test (without the check function and ``check(...)`` calls), then the check body's earlier
    non-asserting statements, then the statement itself, all at module level. Errors are
    :class:`TaskFileError` with ``where`` as prefix.
    """
    if not isinstance(test_source, str):
        raise TaskFileError(f"{where}: expected a string, found {type(test_source).__name__}")
    if not (isinstance(entry_point, str) and entry_point.isidentifier()):
        raise TaskFileError(f"{where}: entry point {entry_point!r} is not a Python name")
    try:
        return _parse_check(test_source, entry_point, where)
    except TaskFileError:
        raise
    except (RecursionError, MemoryError, ValueError) as exc:  # ValueError: an int too long for repr()
        raise TaskFileError(f"{where}: cannot read the test code: {type(exc).__name__}: {exc}") from None


def _parse_check(source: str, entry_point: str, where: str) -> TestSuite:
    tree = _parse(source, where)
    checks = [s for s in tree.body if isinstance(s, ast.FunctionDef) and s.name == "check"]
    if not checks:
        raise TaskFileError(f"{where}: expected a function `def check(candidate): ...`, found none")
    if len(checks) > 1:
        raise TaskFileError(f"{where}: `def check` appears {len(checks)} times; expected one")
    check = checks[0]
    a = check.args
    positional = [*a.posonlyargs, *a.args]
    n_params = len(positional) + len(a.kwonlyargs) + (a.vararg is not None) + (a.kwarg is not None)
    if len(positional) != 1 or n_params != 1:
        raise TaskFileError(f"{where}: `def check(...)` must take exactly one parameter (the function under "
                            f"test); it takes {n_params}")
    param = positional[0].arg
    names = {param, entry_point}
    bind = tuple(dict.fromkeys((param, entry_point)))
    module = [s for s in tree.body if s is not check and not _is_check_call(s)]
    body = list(check.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0].value, "value", None), str):
        body = body[1:]  # docstring
    helpers = _asserting_helpers([*module, *body])

    cases: list[Case] = []
    scripts: list[ScriptCase] = []
    setup: list[ast.stmt] = []
    for stmt in body:
        if isinstance(stmt, _SETUP) or not _is_test(stmt, helpers):
            setup.append(stmt)  # runs before every later script; trailing ones are dropped
            continue
        case = _to_case(stmt, names, entry_point) if isinstance(stmt, ast.Assert) else None
        if case is not None:
            cases.append(case)
        else:
            scripts.append(_script(source, module, list(setup), stmt, bind, where))
    n_assertions = sum(isinstance(n, ast.Assert) for s in check.body for n in ast.walk(s))
    return TestSuite(cases=tuple(cases), scripts=tuple(scripts), n_assertions=n_assertions,
                     n_converted=len(cases))


def _join(declaration: str, body: str) -> str:
    text = (declaration if not declaration or declaration.endswith("\n") else declaration + "\n") + body
    return text if text.endswith("\n") else text + "\n"


def _signature(source: str, node: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    """The header from ``def`` to its colon, as written (it may span lines)."""
    lines = source.splitlines(keepends=True)[node.lineno - 1:]
    rest = "".join(lines)
    depth = 0
    try:
        for tok in tokenize.generate_tokens(io.StringIO(rest).readline):
            if tok.type != tokenize.OP:
                continue
            depth += (tok.string in "([{") - (tok.string in ")]}")
            if tok.string == ":" and depth == 0:
                row, col = tok.end
                return "".join(lines[: row - 1]) + lines[row - 1][:col]
    except (tokenize.TokenError, SyntaxError):
        pass
    return lines[0].rstrip() if lines else ""


def _docstring_of(prompt: str, entry_point: str) -> str:
    for text in (prompt, prompt.rstrip() + "\n    pass\n"):
        try:
            tree = _syntax(text, False)
        except _PARSE_ERRORS:
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == entry_point:
                return ast.get_docstring(node) or ""
        return ""
    return ""


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")


def _task_from_row(row: object, at: str) -> ExternalTask:
    if not isinstance(row, dict):
        raise TaskFileError(f"{at}: expected a JSON object with the task's fields, found {_json_type(row)}")
    for name in REQUIRED_FIELDS:
        if name not in row:
            raise TaskFileError(f"{at}: field {name!r}: missing (required)")
        if not isinstance(row[name], str):
            raise TaskFileError(f"{at}: field {name!r}: expected a string, found {_json_type(row[name])}")
    for name in OPTIONAL_FIELDS:
        if row.get(name) is not None and not isinstance(row[name], str):
            raise TaskFileError(f"{at}: field {name!r}: expected a string or null, found {_json_type(row[name])}")
    task_id, entry_point = row["task_id"], row["entry_point"]
    if not task_id.strip():
        raise TaskFileError(f"{at}: field 'task_id': empty")
    if not entry_point.isidentifier() or keyword.iskeyword(entry_point):
        raise TaskFileError(f"{at}: field 'entry_point': {entry_point!r} is not a Python function name")

    reference = _join(row["declaration"], row["canonical_solution"])
    ref_tree = _parse(reference, f"{at}: field 'canonical_solution'", "declaration + canonical_solution")
    defs = [s for s in ref_tree.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))]
    node = next((s for s in reversed(defs) if s.name == entry_point), None)
    if node is None:
        raise TaskFileError(f"{at}: field 'entry_point': declaration + canonical_solution define no top-level "
                            f"function {entry_point!r}")
    hidden = parse_check(row["test"], entry_point, where=f"{at}: field 'test'")
    if not hidden.cases and not hidden.scripts:
        raise TaskFileError(f"{at}: field 'test': the check function asserts nothing")
    if row["example_test"].strip():
        visible = parse_check(row["example_test"], entry_point, where=f"{at}: field 'example_test'")
    else:
        visible = TestSuite()

    description = (inspect.cleandoc(row.get("docstring") or "")
                   or _docstring_of(row.get("prompt") or "", entry_point)
                   or (row.get("instruction") or "").strip())
    return ExternalTask(task_id=task_id, entry_point=entry_point, description=description,
                        signature=_signature(reference, node), program=_join(row["declaration"], row["buggy_solution"]),
                        reference=reference, visible=visible, hidden=hidden, bug_type=row.get("bug_type") or None)


def load_tasks(path: str | os.PathLike) -> list[ExternalTask]:
    """Read every task of a JSONL file (HumanEvalPack layout). Parses only; executes nothing.

    Raises :class:`TaskFileError` (a ``ValueError``) naming file, line and field for the first problem.
    """
    name = os.fspath(path)
    tasks: list[ExternalTask] = []
    first_line: dict[str, int] = {}
    with open(path, "rb") as fh:
        for lineno, raw in enumerate(fh, start=1):
            at = f"{name}:{lineno}"
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise TaskFileError(f"{at}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
            if lineno == 1:
                text = text.removeprefix("\ufeff")
            if not text.strip():
                continue
            try:
                row = json.loads(text)
            except json.JSONDecodeError as exc:
                raise TaskFileError(f"{at}: not valid JSON: {exc.msg} (column {exc.colno})") from None
            except (ValueError, RecursionError) as exc:
                raise TaskFileError(f"{at}: not valid JSON: {type(exc).__name__}") from None
            if isinstance(row, dict) and isinstance(row.get("task_id"), str) and row["task_id"] in first_line:
                raise TaskFileError(f"{at}: field 'task_id': duplicate id {row['task_id']!r} "
                                    f"(first on line {first_line[row['task_id']]})")
            task = _task_from_row(row, at)
            first_line[task.task_id] = lineno
            tasks.append(task)
    if not tasks:
        raise TaskFileError(f"{name}: no tasks (the file has no JSON lines)")
    return tasks


def conversion_summary(tasks: Iterable[ExternalTask]) -> dict:
    """How many assertions (hidden + visible) became parent-judged :class:`Case` objects."""
    suites = [(t.hidden, t.visible) for t in tasks]
    assertions = sum(s.n_assertions for pair in suites for s in pair)
    converted = sum(s.n_converted for pair in suites for s in pair)
    return {"tasks": len(suites), "assertions": assertions, "converted": converted,
            "fraction": converted / assertions if assertions else 0.0}
