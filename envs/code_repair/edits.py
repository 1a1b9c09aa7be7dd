"""Candidate edits for the vector view, and spectrum-based fault localisation to describe them.

The candidates at each step are (1) the *repair hunks*: each differing block between the current
program and the reference, applied alone (so a program is always repairable, whatever edits came
before), and (2) *distractors*: single-site mutations of the current program by the bug-injection
operators, sampled to fill the slots. Slots are shuffled, so a slot's index says nothing; the agent
must judge a candidate by its features and by the feedback its attempt earns. Many repairs are also
mutations (the operators undo themselves), and the rest are labelled with the bug class they undo.
"""

from __future__ import annotations

import ast
import dataclasses
import difflib
import functools
import math

import numpy as np

from .mutate import enumerate_mutations


@dataclasses.dataclass(frozen=True)
class Edit:
    kind: str
    #: first and last line (1-based) of the current program that the edit touches
    line: int
    end_line: int
    program: str
    description: str


@functools.lru_cache(maxsize=512)
def _mutations(program: str) -> tuple[Edit, ...]:
    try:
        muts = enumerate_mutations(program)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return ()
    return tuple(Edit(m.kind, m.line, m.end_line, m.source, m.description) for m in muts)


@functools.lru_cache(maxsize=512)
def canonical_or_none(source: str) -> str | None:
    try:
        return ast.unparse(ast.parse(source))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _classify(old: list[str], new: list[str]) -> str:
    """The bug class a repair undoes, judged from the lines it replaces."""
    before, after = "\n".join(old), "\n".join(new)
    if not old:
        return "missing_statement"
    if after.count("(") > before.count("("):
        return "missing_call"
    if after.count(" and ") + after.count(" or ") > before.count(" and ") + before.count(" or "):
        return "missing_condition"
    if after.count(" and ") + after.count(" or ") < before.count(" and ") + before.count(" or "):
        return "extra_condition"
    if after.lstrip().startswith("return") and before.lstrip().startswith("return"):
        return "wrong_return"
    return "wrong_variable"


@functools.lru_cache(maxsize=512)
def repair_hunks(program: str, reference: str) -> tuple[Edit, ...]:
    """Each block where ``program`` differs from ``reference``, as an edit that fixes just that block."""
    cur, ref = program.splitlines(), reference.splitlines()
    out = []
    matcher = difflib.SequenceMatcher(None, cur, ref, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        fixed = "\n".join(cur[:i1] + ref[j1:j2] + cur[i2:])
        if canonical_or_none(fixed) is None:
            continue
        line = min(i1 + 1, max(len(cur), 1))
        end = max(line, i2)
        desc = f"line {line}: " + (" / ".join(s.strip() for s in ref[j1:j2]) or "delete")[:80]
        out.append(Edit(_classify(cur[i1:i2], ref[j1:j2]), line, end, fixed, desc))
    return tuple(out)


def candidate_edits(program: str, reference: str | None, k: int, rng: np.random.Generator) -> list[Edit]:
    """Up to ``k`` candidate edits of ``program`` (canonical form), in shuffled order."""
    current = canonical_or_none(program)
    if current is None:
        # cannot parse: only the reference's blocks can help
        hunks = list(repair_hunks(program, reference)) if reference else []
        rng.shuffle(hunks)
        return hunks[:k]
    mutations = _mutations(current)
    by_program = {m.program: m for m in mutations}
    repairs = []
    if reference is not None:
        ref = canonical_or_none(reference) or reference
        for h in repair_hunks(current, ref):
            canon = canonical_or_none(h.program)
            twin = by_program.get(canon)
            repairs.append(twin if twin is not None else dataclasses.replace(h, program=canon))
    chosen = {e.program for e in repairs}
    pool = [m for m in mutations if m.program not in chosen and m.program != current]
    room = max(0, k - len(repairs))
    if len(pool) > room:
        idx = rng.choice(len(pool), size=room, replace=False)
        pool = [pool[i] for i in sorted(idx)]
    edits = repairs[:k] + pool
    order = rng.permutation(len(edits))
    return [edits[i] for i in order]


def ochiai(passed: list[bool], coverage: list[list[int]]) -> dict[int, float]:
    """Suspiciousness of each executed line: ``ef / sqrt(F * (ef + ep))`` (Ochiai), where ``ef`` and
    ``ep`` count the failing and passing visible cases that ran the line and ``F`` all failing ones."""
    failing = sum(1 for p in passed if not p)
    if failing == 0:
        return {}
    ef: dict[int, int] = {}
    ep: dict[int, int] = {}
    for ok, lines in zip(passed, coverage, strict=False):
        for line in set(lines):
            (ep if ok else ef)[line] = (ep if ok else ef).get(line, 0) + 1
    out = {}
    for line in set(ef) | set(ep):
        f, p = ef.get(line, 0), ep.get(line, 0)
        out[line] = f / math.sqrt(failing * (f + p)) if f else 0.0
    return out

