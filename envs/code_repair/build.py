"""Build the shipped code-repair tasks: ``python -m loopgym.envs.code_repair.build``.

For every reference program in ``corpus/``: draw test inputs from its generator (seeded by the
program's name), compute the expected outputs by running the reference (differential testing: the
reference is the oracle), keep 3 distinct inputs as the visible cases and 12 more as the hidden ones,
and check in the sandbox that the reference passes them all. Then inject 1, 2 and 3 bugs with the
mutation operators and keep a mutant only if, in the sandbox, it fails at least one hidden case
*and* at least one visible case (so the feedback has something to say). The split is fixed by
program: a program whose name hashes to 0 mod 5 is held out for ``test``.

The output, ``data/corpus.json``, is deterministic for a given corpus and operator set, so the
shipped tasks are the same on every machine; ``tests/code_repair/test_corpus_tasks.py`` re-checks it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from loopgym.sandbox import Case, decode_value, encode_value, run_tests

from .corpus import PROGRAMS, Program
from .mutate import canonical, inject

N_VISIBLE, N_HIDDEN = 3, 12
DEFAULT_OUT = Path(__file__).with_name("data") / "corpus.json"


def split_of(name: str) -> str:
    return "test" if int(hashlib.sha256(name.encode()).hexdigest(), 16) % 5 == 0 else "train"


def make_cases(prog: Program, reference: str) -> tuple[list, list]:
    """(visible, hidden) as lists of ``(args, expected)``, from the reference run in-process."""
    scope: dict = {"__name__": "__reference__"}
    exec(compile(reference, f"<reference {prog.name}>", "exec"), scope)  # our own, trusted code
    fn = scope[prog.entry_point]
    rng = random.Random(f"loopgym:{prog.name}")
    seen, cases = set(), []
    for _ in range(400):
        args = prog.gen(rng)
        key = json.dumps(encode_value(args), sort_keys=True)
        if key in seen:
            continue
        seen.add(key)
        cases.append((args, fn(*_copy(args))))
        if len(cases) == N_VISIBLE + N_HIDDEN:
            break
    if len(cases) < N_VISIBLE + 10:
        raise ValueError(f"{prog.name}: its generator gives only {len(cases)} distinct inputs")
    return cases[:N_VISIBLE], cases[N_VISIBLE:]


def _copy(args):
    return decode_value(encode_value(args))


def _failures(source: str, prog: Program, visible: list, hidden: list, timeout_s: float):
    # visible and hidden in separate runs: a loop in a hidden case must not cost the visible results
    # (which would make what is kept depend on timing)
    vis = run_tests(source, prog.entry_point, [Case(a, e) for a, e in visible], timeout_s=timeout_s)
    hid = run_tests(source, prog.entry_point, [Case(a, e) for a, e in hidden], timeout_s=timeout_s)
    return vis.passed.count(False), hid.passed.count(False), vis.timed_out or hid.timed_out


def build_program(prog: Program, per_level: int, timeout_s: float) -> tuple[dict, list[dict]]:
    reference = canonical(prog.source)
    visible, hidden = make_cases(prog, reference)
    fv, fh, _ = _failures(reference, prog, visible, hidden, timeout_s=5.0)
    if fv or fh:
        raise ValueError(f"{prog.name}: the reference fails its own cases in the sandbox")
    tasks, seen = [], {reference}
    for n_bugs in (1, 2, 3):
        rng = np.random.default_rng([zlib.crc32(prog.name.encode()), n_bugs])
        kept = 0
        for _ in range(12 * per_level):
            if kept == per_level:
                break
            try:
                buggy, muts = inject(reference, n_bugs, rng)
            except ValueError:
                break
            if buggy in seen:
                continue
            seen.add(buggy)
            fv, fh, timed_out = _failures(buggy, prog, visible, hidden, timeout_s)
            if fv == 0 or fh == 0:
                continue  # the visible tests cannot see it, or the hidden ones do not: not a task
            tasks.append(
                {
                    "task_id": f"{prog.name}/{n_bugs}bug-{kept}",
                    "program": prog.name,
                    "buggy": buggy,
                    "timeout": timed_out,
                    "bugs": [{"kind": m.kind, "line": m.line, "description": m.description} for m in muts],
                }
            )
            kept += 1
    enc = lambda rows: [[encode_value(a), encode_value(e)] for a, e in rows]  # noqa: E731
    entry = {"split": split_of(prog.name), "visible": enc(visible), "hidden": enc(hidden)}
    return entry, tasks


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--per-level", type=int, default=3, help="mutants kept per program and bug count")
    ap.add_argument("--timeout", type=float, default=0.5, help="seconds per mutant run")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)
    start = time.perf_counter()
    with ThreadPoolExecutor(args.workers) as pool:
        built = list(pool.map(lambda p: build_program(p, args.per_level, args.timeout), PROGRAMS))
    programs, tasks = {}, []
    for prog, (entry, ptasks) in zip(PROGRAMS, built, strict=True):
        programs[prog.name] = entry
        tasks.extend(ptasks)
    data = {"format": 1, "programs": programs, "tasks": tasks}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8")
    kinds: dict[str, int] = {}
    for t in tasks:
        for b in t["bugs"]:
            kinds[b["kind"]] = kinds.get(b["kind"], 0) + 1
    n_test = sum(1 for p in programs.values() if p["split"] == "test")
    print(f"{len(programs)} programs ({n_test} held out for test), {len(tasks)} tasks, "
          f"{len(kinds)} bug classes, {time.perf_counter() - start:.1f} s -> {args.out}")
    for k in sorted(kinds):
        print(f"  {k:20s} {kinds[k]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
