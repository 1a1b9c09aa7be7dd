"""Code repair: a buggy program, its visible tests as feedback, its hidden tests as the score.

Problems come from the shipped corpus (reference programs we wrote, with bugs injected by AST
mutation: see ``build.py``) or from a HumanEvalPack-style JSONL file (``tasks=PATH``). Every attempt
is a whole program; it runs in :mod:`loopgym.sandbox` against the visible and the hidden cases in one
go, and the trusted parent judges the outputs.

Reward (one documented formula)::

    reward = shaping * (v_t - v_{t-1}) + solve_bonus * solved - attempt_cost

where ``v_t`` is the visible pass fraction after attempt ``t`` (``v_0``: the buggy program's) — a
potential-based shaping term, so it does not change which policies are optimal — ``solved`` means
every hidden case passes, and ``attempt_cost`` is paid by every attempt, readable or not.
``gold`` is the hidden pass fraction; ``success`` is ``solved``.
"""

from __future__ import annotations

import ast
import copy
import dataclasses
import functools
import json
import re
from collections import OrderedDict
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from loopgym import sandbox
from loopgym.config import ConfigError, check_choice, check_float, check_int
from loopgym.core import Feedback, InvalidAttempt, Task
from loopgym.sandbox import Case, ScriptCase

from .feedback import LEVELS, NO_ERROR, CodeFeedback, short

SPLITS = ("train", "test", "all")
SIZES = ("any", "small", "medium", "large")
#: canonical line counts that bound the size classes: small <= 12 < medium <= 20 < large
SIZE_BOUNDS = (12, 20)


def size_class(n_lines: int) -> str:
    return "small" if n_lines <= SIZE_BOUNDS[0] else "medium" if n_lines <= SIZE_BOUNDS[1] else "large"


@dataclasses.dataclass(frozen=True)
class RepairSpec:
    """One repair task, fixed: what the agent is told, the buggy program, the tests."""

    task_id: str
    entry_point: str
    description: str
    signature: str
    buggy: str
    reference: str
    visible: tuple
    hidden: tuple
    split: str = "train"
    #: bug classes injected (corpus tasks), or the file's ``bug_type``
    bugs: tuple[str, ...] = ()
    source: str = "corpus"


@dataclasses.dataclass
class CodeRepairConfig:
    """Arguments of ``loopgym/CodeRepair-v0`` (see the env's docstring)."""

    tasks: Any = None
    split: str = "train"
    bugs: Any = None
    size: str = "any"
    feedback: str = "trace"
    max_attempts: int = 8
    timeout_s: float = 1.0
    memory_mb: int = 256
    n_candidates: int = 32
    shaping: float = 1.0
    solve_bonus: float = 1.0
    attempt_cost: float = 0.05
    cache_size: int = 4096

    def validate(self) -> None:
        if self.tasks is not None and not isinstance(self.tasks, str | Path):
            raise ConfigError(f"tasks={self.tasks!r} is not allowed: tasks must be a path to a JSONL file or None")
        check_choice("split", self.split, SPLITS)
        if self.bugs is not None:
            self.bugs = check_int("bugs", self.bugs, low=1, high=3)
        check_choice("size", self.size, SIZES)
        check_choice("feedback", self.feedback, LEVELS)
        self.max_attempts = check_int("max_attempts", self.max_attempts, low=1, high=10_000)
        self.timeout_s = check_float("timeout_s", self.timeout_s, low=0.0, low_open=True, high=600.0)
        self.memory_mb = check_int("memory_mb", self.memory_mb, low=16)
        self.n_candidates = check_int("n_candidates", self.n_candidates, low=2, high=4096)
        self.shaping = check_float("shaping", self.shaping)
        self.solve_bonus = check_float("solve_bonus", self.solve_bonus)
        self.attempt_cost = check_float("attempt_cost", self.attempt_cost, low=0.0)
        self.cache_size = check_int("cache_size", self.cache_size, low=0)


# ------------------------------------------------------------------------------------- task sources
def signature_of(source: str, entry_point: str) -> str:
    """The ``def`` line of ``entry_point`` (without its body), or ``entry_point(...)`` if not found."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return f"{entry_point}(...)"
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == entry_point:
            return ast.unparse(_header(node)).splitlines()[0]
    return f"{entry_point}(...)"


def _header(node: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.AST:
    head = copy.copy(node)
    head.body, head.decorator_list = [ast.Pass()], []
    return head


def _decode_cases(rows: list) -> tuple[Case, ...]:
    out = []
    for args, expected in rows:
        out.append(Case(tuple(sandbox.decode_value(args)), sandbox.decode_value(expected)))
    return tuple(out)


@functools.lru_cache(maxsize=1)
def corpus_specs() -> tuple[RepairSpec, ...]:
    """The shipped tasks: every corpus program with its injected-bug variants (built by ``build.py``)."""
    from .corpus import by_name
    from .mutate import canonical

    data = json.loads(resources.files(__package__).joinpath("data/corpus.json").read_text("utf-8"))
    programs = {}
    for name, p in data["programs"].items():
        prog = by_name(name)
        reference = canonical(prog.source)
        programs[name] = (prog, reference, p["split"], _decode_cases(p["visible"]), _decode_cases(p["hidden"]))
    specs = []
    for t in data["tasks"]:
        prog, reference, split, visible, hidden = programs[t["program"]]
        specs.append(
            RepairSpec(
                task_id=t["task_id"], entry_point=prog.entry_point, description=prog.description,
                signature=signature_of(reference, prog.entry_point), buggy=t["buggy"], reference=reference,
                visible=visible, hidden=hidden, split=split, bugs=tuple(b["kind"] for b in t["bugs"]),
            )
        )  # fmt: skip
    return tuple(specs)


def external_specs(path: str | Path) -> tuple[RepairSpec, ...]:
    """Tasks from a HumanEvalPack-style JSONL file (errors name the file, the line and the field)."""
    from .external import load_tasks

    out = []
    for t in load_tasks(path):
        out.append(
            RepairSpec(
                task_id=t.task_id, entry_point=t.entry_point, description=t.description, signature=t.signature,
                buggy=t.program, reference=t.reference,
                visible=tuple(t.visible.cases) + tuple(t.visible.scripts),
                hidden=tuple(t.hidden.cases) + tuple(t.hidden.scripts),
                split="test", bugs=(t.bug_type,) if t.bug_type else (), source=str(path),
            )
        )  # fmt: skip
    return tuple(out)


# -------------------------------------------------------------------------------------------- task
@dataclasses.dataclass
class RepairProblem:
    """An episode: the task, the program as it stands, and what its last run showed."""

    spec: RepairSpec
    program: str
    #: the episode's own generator (candidate sampling in the vector view)
    rng: np.random.Generator
    feedback: CodeFeedback | None = None
    #: visible pass fraction of the current program (the shaping potential)
    potential: float = 0.0
    #: per visible case: passed?, and the program lines it executed (for fault localisation)
    visible_passed: list = dataclasses.field(default_factory=list)
    coverage: list = dataclasses.field(default_factory=list)
    attempts: int = 0


_FENCE = re.compile(r"```[ \t]*(?:python|py|python3)?[ \t]*\n(.*?)```", re.DOTALL | re.IGNORECASE)


def extract_program(text: str) -> str:
    """A whole program from an answer: the last fenced code block if there is one, else the text."""
    blocks = _FENCE.findall(text)
    return blocks[-1] if blocks else text


class CodeRepairTask(Task[CodeRepairConfig]):
    Config = CodeRepairConfig
    stop_when_solved = True
    episode_score = "final"
    reset_options = ("task_id",)

    def __init__(self, config: CodeRepairConfig):
        super().__init__(config)
        c = config
        if c.tasks is not None:
            specs = external_specs(c.tasks)
        else:
            specs = tuple(
                s for s in corpus_specs()
                if (c.split == "all" or s.split == c.split)
                and (c.bugs is None or len(s.bugs) == c.bugs)
                and (c.size == "any" or size_class(len(s.reference.splitlines())) == c.size)
            )  # fmt: skip
        if not specs:
            raise ConfigError(f"no code-repair task matches split={c.split!r}, bugs={c.bugs!r}, size={c.size!r}")
        self.specs = specs
        self.by_id = {s.task_id: s for s in specs}
        #: the vector view edits canonical programs (``ast.unparse``) so its line numbers are stable
        self.canonicalise = False
        #: sandbox reports of programs already run, (task id, program) -> Report, least recent first;
        #: learners revisit the same programs (every reset runs the buggy one), and a run is the cost
        self._reports: OrderedDict[tuple[str, str], sandbox.Report] = OrderedDict()

    @property
    def max_attempts(self) -> int:
        return self.config.max_attempts

    def task_ids(self) -> list[str]:
        return [s.task_id for s in self.specs]

    def sample(self, rng, task_id: str | None = None) -> RepairProblem:
        if task_id is None:
            spec = self.specs[int(rng.integers(len(self.specs)))]
        elif task_id in self.by_id:
            spec = self.by_id[task_id]
        else:
            near = ", ".join(list(self.by_id)[:5])
            raise ConfigError(f"task_id={task_id!r} is not allowed: no such task here (e.g. {near}, ...)")
        program = spec.buggy
        if self.canonicalise:
            try:
                program = ast.unparse(ast.parse(program))
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                pass
        problem = RepairProblem(spec, program, np.random.default_rng(int(rng.integers(2**63))))
        problem.feedback = self._run(problem, program)
        problem.feedback.reward = 0.0
        problem.potential = problem.feedback.visible_fraction
        return problem

    def evaluate(self, problem: RepairProblem, attempt: Any, rng) -> Feedback:
        c = self.config
        problem.attempts += 1
        if isinstance(attempt, InvalidAttempt):
            fb = self._invalid(problem, attempt.reason)
        else:
            problem.program = attempt
            fb = self._run(problem, attempt)
        if fb.valid:
            fb.reward = c.shaping * (fb.visible_fraction - problem.potential) + c.solve_bonus * fb.solved
            problem.potential = fb.visible_fraction
        else:
            fb.reward = 0.0
        fb.reward -= c.attempt_cost
        problem.feedback = fb
        return fb

    def step_info(self, problem: RepairProblem, feedback: Feedback) -> dict[str, Any]:
        fb = feedback
        return {
            "task_id": problem.spec.task_id,
            "visible_pass": fb.visible_fraction if isinstance(fb, CodeFeedback) else 0.0,
            "program": problem.program,
        }

    def normalised_score(self, final_info: dict[str, Any]) -> float | None:
        return float(final_info["gold"])

    # ------------------------------------------------------------------------------------- judging
    def _invalid(self, problem: RepairProblem, reason: str) -> CodeFeedback:
        spec = problem.spec
        return CodeFeedback(
            reward=0.0, gold=0.0, solved=False, valid=False, message=reason, level=self.config.feedback,
            visible_total=len(spec.visible), hidden_total=len(spec.hidden),
        )  # fmt: skip

    def check_program(self, spec: RepairSpec, program: str) -> str | None:
        """Why ``program`` cannot be run as an answer (it does not parse, lacks the function), or None."""
        if len(program) > sandbox.MAX_SOURCE_CHARS:
            return f"The program is {len(program)} characters long; the limit is {sandbox.MAX_SOURCE_CHARS}."
        try:
            tree = ast.parse(program)
        except SyntaxError as e:
            where = f" at line {e.lineno}" if e.lineno else ""
            return f"SyntaxError{where}: {e.msg}. The program was not run."
        except (ValueError, RecursionError, MemoryError) as e:
            return f"The program cannot be parsed: {short(str(e) or type(e).__name__, 200)}."
        names = {
            n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        } | {t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)}
        if spec.entry_point not in names:
            return f"The program does not define `{spec.entry_point}`; answer with the whole corrected program."
        return None

    def _report(self, spec: RepairSpec, program: str, cases: list, nv: int) -> sandbox.Report:
        c = self.config
        key = (spec.task_id, program)
        report = self._reports.get(key)
        if report is not None:
            self._reports.move_to_end(key)
            return report
        report = sandbox.run_tests(
            program, spec.entry_point, cases, timeout_s=c.timeout_s, memory_mb=c.memory_mb,
            coverage=range(nv),
        )  # fmt: skip
        if c.cache_size:
            self._reports[key] = report
            if len(self._reports) > c.cache_size:
                self._reports.popitem(last=False)
        return report

    def outcomes(self, spec: RepairSpec, program: str) -> sandbox.Report | None:
        """Every case's outcome for ``program`` (visible cases first, then hidden), or None when the
        program cannot be run (see :meth:`check_program`). Served from the report cache when the
        program has been run already, as it has right after :meth:`evaluate`."""
        if self.check_program(spec, program) is not None:
            return None
        return self._report(spec, program, list(spec.visible) + list(spec.hidden), len(spec.visible))

    def _run(self, problem: RepairProblem, program: str) -> CodeFeedback:
        spec, c = problem.spec, self.config
        reason = self.check_program(spec, program)
        if reason is not None:
            return self._invalid(problem, reason)
        cases = list(spec.visible) + list(spec.hidden)
        nv = len(spec.visible)
        report = self._report(spec, program, cases, nv)
        vis, hid = report.passed[:nv], report.passed[nv:]
        failures = []
        for i in range(nv):
            if vis[i]:
                continue
            case = cases[i]
            call = sandbox.case_label(case, spec.entry_point)
            err = report.errors[i]
            if err is not None:
                failures.append({"call": short(call), "error": short(str(err))})
            elif report.timed_out and report.outputs[i] is None and not isinstance(case, ScriptCase):
                failures.append({"call": short(call), "error": "did not finish (time limit)"})
            elif isinstance(case, ScriptCase):
                failures.append({"call": short(call), "error": "the check failed"})
            else:
                failures.append(
                    {"call": short(call), "expected": short(repr(case.expected)),
                     "actual": short(repr(report.outputs[i]))}
                )  # fmt: skip
        error = dict(NO_ERROR)
        if report.error is not None:
            e = report.error
            error = {"type": e.type, "message": short(e.message, 300), "line": e.line or 0,
                     "traceback": e.traceback}  # fmt: skip
        problem.visible_passed = list(vis)
        problem.coverage = [report.coverage[i] or [] for i in range(nv)]
        n_hidden = len(hid)
        gold = sum(hid) / n_hidden if n_hidden else float(all(vis))
        solved = (all(hid) and n_hidden > 0) or (n_hidden == 0 and bool(vis) and all(vis))
        return CodeFeedback(
            reward=0.0, gold=gold, solved=solved, valid=True, level=c.feedback, visible_passed=sum(vis),
            visible_total=nv, failures=failures, error=error, timed_out=report.timed_out,
            hidden_passed=sum(hid), hidden_total=n_hidden,
        )  # fmt: skip
