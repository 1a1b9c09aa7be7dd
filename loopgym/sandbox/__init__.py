"""Run untrusted Python isolated, fast, and judged only by the trusted parent.

>>> from loopgym.sandbox import Case, run_tests
>>> report = run_tests("def add(a, b):\\n    return a + b\\n", "add", [Case((1, 2), 3), Case((2, 2), 5)])
>>> report.passed
[True, False]

How it works: a small, long-lived *zygote* (a fresh ``python -I -S`` that imports only the standard
library) pre-forks single-use children. Each child starts a new session, drops root to ``nobody``,
gets its own temporary directory, a Landlock rule set (writes only beneath that directory, no TCP,
signals only inside the domain), a scrubbed environment, resource limits (address space above its
current size, CPU seconds, file size, open files, no core dumps) and a seccomp filter (no sockets,
no new processes or programs, no ptrace, no signals to any other process, no mounts, modules or
clocks). The parent sends it one job, reads back plain data within a byte cap and a wall-clock
deadline, compares outputs with the expected values itself, and always has the zygote kill the
child's process group. A stricter mode runs the zygote under bubblewrap (``Sandbox(strict=True)``)
when ``bwrap`` is installed: no network, a read-only file system, private ``/tmp``, own PID space.
"""

from __future__ import annotations

import atexit
import math
import os
import select
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time
import warnings
from dataclasses import asdict, dataclass, field
from typing import Any

from . import _child
from .cases import Case, ScriptCase

__all__ = [
    "Case",
    "ErrorInfo",
    "Report",
    "Sandbox",
    "SandboxError",
    "ScriptCase",
    "case_label",
    "compare",
    "decode_value",
    "default_sandbox",
    "encode_value",
    "run_tests",
]

#: programs longer than this are refused (reported as an error, not run)
MAX_SOURCE_CHARS = 200_000


class SandboxError(RuntimeError):
    """The sandbox itself could not be started (never raised for anything a program does)."""


@dataclass
class ErrorInfo:
    """An error raised by the program (or imposed on it: a timeout, a crash)."""

    type: str
    message: str
    line: int | None = None
    #: index of the case it happened in; None for errors before any case (syntax, import-time)
    case: int | None = None
    traceback: str = ""

    def __str__(self) -> str:
        where = f" (line {self.line})" if self.line else ""
        return f"{self.type}{where}: {self.message}" if self.message else f"{self.type}{where}"


@dataclass
class Report:
    """What happened when a program met its test cases. Verdicts on :class:`Case` are the parent's."""

    passed: list[bool]
    outputs: list[Any]
    errors: list[ErrorInfo | None]
    error: ErrorInfo | None
    timed_out: bool
    stdout: str = ""
    #: per case, the sorted program lines executed (only for cases asked for with ``coverage``)
    coverage: list[list[int] | None] = field(default_factory=list)
    seconds: float = 0.0
    #: how many verdicts were reached inside the child (ScriptCase) rather than by the parent
    n_child_judged: int = 0
    isolation: tuple[str, ...] = ()

    @property
    def n_passed(self) -> int:
        return sum(self.passed)

    @property
    def pass_fraction(self) -> float:
        return self.n_passed / len(self.passed) if self.passed else 0.0

    @property
    def all_passed(self) -> bool:
        return bool(self.passed) and all(self.passed)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["outputs"] = [repr(o) for o in self.outputs]
        return d


def compare(actual: Any, expected: Any, tolerance: float | None = None) -> bool:
    """Strict structural equality on plain data. Bools never equal numbers; floats use ``isclose``.

    With ``tolerance``, two numbers pass when ``abs(actual - expected) < tolerance``.
    """
    ta, te = type(actual), type(expected)
    if ta is bool or te is bool:
        return ta is te and actual == expected
    if ta in (int, float) and te in (int, float):
        if tolerance is not None:
            try:
                return abs(actual - expected) < tolerance
            except OverflowError:
                return False
        if ta is float or te is float:
            try:
                if math.isnan(actual) or math.isnan(expected):
                    return math.isnan(actual) and math.isnan(expected)
                return math.isclose(actual, expected, rel_tol=1e-9, abs_tol=1e-12)
            except OverflowError:  # an int beyond float range (10**400 vs 1.0): not close; was a ProtocolError
                return False
        return actual == expected
    if ta is complex or te is complex:
        if tolerance is not None and ta in (int, float, complex) and te in (int, float, complex):
            return abs(actual - expected) < tolerance
        return ta is te and actual == expected
    if ta is not te:
        return False
    if ta in (list, tuple):
        return len(actual) == len(expected) and all(
            compare(a, e, tolerance) for a, e in zip(actual, expected, strict=True)
        )
    if ta is dict:
        return actual.keys() == expected.keys() and all(compare(actual[k], expected[k], tolerance) for k in actual)
    return actual == expected  # str, bytes, None, set, frozenset: exact


def _as_case(c: Any, i: int) -> Case | ScriptCase:
    if isinstance(c, Case | ScriptCase):
        return c
    if isinstance(c, tuple) and len(c) == 2 and isinstance(c[0], tuple):
        return Case(c[0], c[1])
    raise TypeError(f"case {i}: expected a Case, a ScriptCase or an (args_tuple, expected) pair, got {c!r:.80}")


#: plain data <-> the sandbox's wire form (tagged JSON): what shipped task files store their cases in
encode_value = _child.encode
decode_value = _child.decode


def case_label(case: Case | ScriptCase, entry_point: str) -> str:
    """How a case reads in feedback: ``f(1, [2])``, or the script's last line."""
    if case.label:
        return case.label
    if isinstance(case, ScriptCase):
        return case.source.strip().splitlines()[-1][:120] if case.source.strip() else "<script>"
    parts = [repr(a) for a in case.args] + [f"{k}={v!r}" for k, v in case.kwargs.items()]
    return f"{entry_point}({', '.join(parts)})"


def _bwrap_prefix(needed: list[str]) -> list[str]:
    # As root, keep the user namespace: the zygote drops its children to `nobody`, a uid a fresh user
    # namespace would not map. As anyone else, a user namespace is what lets bwrap run at all.
    unshare = (
        ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"]
        if os.getuid() == 0
        else ["--unshare-all"]
    )
    cmd = [
        "bwrap", *unshare, "--die-with-parent", "--new-session", "--ro-bind", "/", "/",
        "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", "--tmpfs", "/dev/shm",
    ]  # fmt: skip
    # the private /tmp would hide a checkout or a virtual environment that lives there: bind those back
    for path in sorted({os.path.realpath(p) for p in needed if p}):
        if path.startswith(("/tmp/", "/dev/shm/")) and os.path.exists(path):
            cmd += ["--ro-bind", path, path]
    return cmd


class Sandbox:
    """A zygote and its pre-forked children. Thread-safe; one per process is plenty (see ``default_sandbox``).

    Args:
        prefork: children kept forked and confined ahead of demand (hides fork latency).
        strict: also run the zygote under bubblewrap (requires ``bwrap``); ``None`` means "if installed".
        seccomp: install the system-call filter (needs ``pyseccomp`` and libseccomp); ``None`` = if available.
    """

    def __init__(self, prefork: int = 2, *, strict: bool | None = False, seccomp: bool | None = None) -> None:
        if not isinstance(prefork, int) or isinstance(prefork, bool) or not 1 <= prefork <= 64:
            raise ValueError(f"prefork must be an int in [1, 64], got {prefork!r}")
        self.prefork = prefork
        self._want_strict = strict
        self._want_seccomp = seccomp
        self._lock = threading.Lock()
        self._proc: subprocess.Popen | None = None
        self._ctl: socket.socket | None = None
        self._owner = -1
        self.isolation: tuple[str, ...] = ()

    # ---------------------------------------------------------------------------------- lifecycle
    def _seccomp_path(self) -> str | None:
        if self._want_seccomp is False or not sys.platform.startswith("linux"):
            return None
        try:
            import pyseccomp
        except (ImportError, RuntimeError, OSError) as exc:
            if self._want_seccomp:
                raise SandboxError(f"seccomp was asked for but cannot be loaded: {exc}") from exc
            warnings.warn(
                f"loopgym.sandbox: no system-call filter ({exc}); install pyseccomp and libseccomp. "
                "Programs still run in separate, resource-limited, unprivileged processes.",
                RuntimeWarning,
                stacklevel=3,
            )
            return None
        return os.path.dirname(os.path.abspath(pyseccomp.__file__))

    def _start(self) -> None:
        if not hasattr(os, "fork") or not hasattr(socket, "send_fds"):
            raise SandboxError("loopgym.sandbox needs a POSIX system with fork and SCM_RIGHTS (Linux)")
        seccomp_dir = self._seccomp_path()
        strict = self._want_strict
        if strict is None:
            strict = shutil.which("bwrap") is not None
        elif strict and shutil.which("bwrap") is None:
            raise SandboxError("strict mode needs bubblewrap: install the `bubblewrap` package (bwrap)")
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        cmd = [sys.executable, "-I", "-S", _child.__file__, str(theirs.fileno()), str(self.prefork),
               "1" if seccomp_dir else "0", seccomp_dir or ""]  # fmt: skip
        if strict:
            needed = [os.path.dirname(_child.__file__), sys.prefix, sys.base_prefix, sys.exec_prefix,
                      os.path.dirname(os.path.realpath(sys.executable)), seccomp_dir or ""]  # fmt: skip
            cmd = _bwrap_prefix(needed) + cmd
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
        self._proc = subprocess.Popen(
            cmd, pass_fds=[theirs.fileno()], env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        theirs.close()
        self._ctl = ours
        self._owner = os.getpid()
        kinds = ["process", "rlimits", "own-dir"]
        if os.getuid() == 0:
            kinds.append("unprivileged-user")
        if _child.landlock_abi():
            kinds.append("landlock")
        if seccomp_dir:
            kinds.append("seccomp")
        if strict:
            kinds.append("bubblewrap")
        self.isolation = tuple(kinds)

    def _ensure(self) -> None:
        if self._owner != os.getpid():  # first use, or we are a fork of the process that started it
            self._proc, self._ctl = None, None
            self._start()
        elif self._proc is not None and self._proc.poll() is not None:
            self._close_ctl()
            self._start()

    def _close_ctl(self) -> None:
        if self._ctl is not None:
            try:
                self._ctl.close()
            except OSError:
                pass
        self._ctl = None

    def close(self) -> None:
        """Stop the zygote; it kills its children and removes their directories."""
        with self._lock:
            if self._owner == os.getpid():
                self._close_ctl()
                if self._proc is not None:
                    try:
                        self._proc.wait(timeout=5)
                    except subprocess.TimeoutExpired:
                        self._proc.kill()
                        self._proc.wait()
            self._proc, self._owner = None, -1

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def zygote_pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    # ------------------------------------------------------------------------------------ a child
    def _acquire(self) -> tuple[int, socket.socket]:
        for attempt in range(2):
            with self._lock:
                self._ensure()
                assert self._ctl is not None
                try:
                    self._ctl.sendall(b"S")
                    ready = _wait_readable(self._ctl, 10.0)
                    if not ready:
                        raise OSError("the sandbox zygote did not answer in 10 s")
                    msg, fds, _flags, _addr = socket.recv_fds(self._ctl, 16, 1)
                    if len(msg) != 4 or len(fds) != 1:
                        raise OSError("the sandbox zygote stopped")
                except OSError as exc:
                    self._close_ctl()
                    if self._proc is not None:
                        self._proc.kill()
                        self._proc.wait()
                    self._owner = -1
                    if attempt:
                        raise SandboxError(f"cannot start sandboxed processes: {exc}") from exc
                    continue
            return struct.unpack("!i", msg)[0], socket.socket(fileno=fds[0])
        raise AssertionError("unreachable")

    def _kill(self, pid: int) -> None:
        with self._lock:
            if self._ctl is not None and self._owner == os.getpid():
                try:
                    self._ctl.sendall(b"K" + struct.pack("!i", pid))
                except OSError:
                    pass

    # --------------------------------------------------------------------------------------- run
    def run_tests(
        self,
        source: str,
        entry_point: str,
        cases: Any,
        *,
        timeout_s: float = 1.0,
        memory_mb: int = 256,
        coverage: Any = None,
        max_output_bytes: int = 1 << 20,
        max_stdout_chars: int = 4096,
        file_mb: int = 16,
    ) -> Report:
        """Run ``source`` and call ``entry_point`` on every case. See :func:`run_tests`."""
        if not isinstance(source, str):
            raise TypeError(f"source must be a str, got {type(source).__name__}")
        if not isinstance(entry_point, str) or not entry_point.isidentifier():
            raise ValueError(f"entry_point must be a Python identifier, got {entry_point!r}")
        if isinstance(timeout_s, bool) or not isinstance(timeout_s, int | float) or not 0 < timeout_s <= 600:
            raise ValueError(f"timeout_s must be a number in (0, 600], got {timeout_s!r}")
        if isinstance(memory_mb, bool) or not isinstance(memory_mb, int) or not 16 <= memory_mb <= 1 << 20:
            raise ValueError(f"memory_mb must be an int >= 16, got {memory_mb!r}")
        cases = [_as_case(c, i) for i, c in enumerate(cases)]
        n = len(cases)
        if coverage is True:
            traced = list(range(n))
        elif coverage:
            traced = sorted({int(i) for i in coverage if 0 <= int(i) < n})
        else:
            traced = []
        wire = []
        for i, c in enumerate(cases):
            if isinstance(c, ScriptCase):
                wire.append({"script": c.source, "bind": list(c.bind)})
            else:
                try:
                    item = {"a": _child.encode(tuple(c.args))}
                    if c.kwargs:
                        item["k"] = _child.encode(dict(c.kwargs))
                except (TypeError, ValueError) as exc:
                    raise TypeError(f"case {i}: arguments must be plain data: {exc}") from exc
                wire.append(item)
        report = Report(
            passed=[False] * n, outputs=[None] * n, errors=[None] * n, error=None, timed_out=False,
            coverage=[None] * n, n_child_judged=sum(isinstance(c, ScriptCase) for c in cases),
        )  # fmt: skip
        start = time.perf_counter()
        if len(source) > MAX_SOURCE_CHARS:
            report.error = ErrorInfo("SourceTooLarge", f"{len(source)} characters; the limit is {MAX_SOURCE_CHARS}")
            report.isolation = self.isolation
            return report
        job = {
            "source": source, "entry_point": entry_point, "cases": wire, "trace": traced,
            "max_stdout": max_stdout_chars,
            "limits": {"cpu_s": math.ceil(timeout_s) + 1, "memory_mb": memory_mb, "file_mb": file_mb,
                       "files": 64},
        }  # fmt: skip
        pid, sock = self._acquire()
        report.isolation = self.isolation
        try:
            self._exchange(sock, job, report, cases, entry_point, start + timeout_s, max_output_bytes)
        finally:
            self._kill(pid)
            sock.close()
        report.seconds = time.perf_counter() - start
        return report

    def _exchange(self, sock, job, report, cases, entry_point, deadline, cap) -> None:
        try:
            _child.send_frame(sock, job)
        except OSError:
            report.error = ErrorInfo("Crash", "the sandboxed process died before it started")
            return
        sock.setblocking(False)
        buf = bytearray()
        received = 0
        current = 0  # the case the program is working on
        while True:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                report.timed_out = True
                label = case_label(cases[current], entry_point) if current < len(cases) else "the program"
                report.error = report.error or ErrorInfo(
                    "Timeout", f"{label} did not finish within the time limit", case=current
                )
                return
            ready = _wait_readable(sock, remaining)
            if not ready:
                continue
            try:
                chunk = sock.recv(65536)
            except BlockingIOError:
                continue
            except OSError:
                chunk = b""
            if not chunk:
                what = f"while running {case_label(cases[current], entry_point)}" if current < len(cases) else ""
                report.error = report.error or ErrorInfo(
                    "Crash", f"the program's process died {what}".strip(), case=current
                )
                return
            received += len(chunk)
            if received > cap:
                report.error = report.error or ErrorInfo(
                    "OutputTooLarge", f"the program returned more than {cap} bytes", case=current
                )
                return
            buf += chunk
            while len(buf) >= 4:
                (size,) = struct.unpack("!I", buf[:4])
                if len(buf) < 4 + size:
                    break
                raw = bytes(buf[4 : 4 + size])
                del buf[: 4 + size]
                try:
                    frame = _child.json.loads(raw)
                    done = self._absorb(frame, report, cases, entry_point)
                except (ValueError, TypeError, KeyError, RecursionError, OverflowError, AttributeError) as exc:
                    report.error = report.error or ErrorInfo("ProtocolError", f"unreadable result: {exc}"[:300])
                    return
                if done:
                    return
                current = max(current, int(frame.get("i", -1)) + 1)

    def _absorb(self, frame: dict, report: Report, cases: list, entry_point: str) -> bool:
        if not isinstance(frame, dict):
            raise ValueError("frame is not an object")
        if "fatal" in frame:
            report.error = _error_info(frame["fatal"])
            report.stdout = str(frame.get("stdout", ""))[:100_000]
            return True
        if frame.get("done"):
            report.stdout = str(frame.get("stdout", ""))[:100_000]
            return True
        i = frame["i"]
        if type(i) is not int or not 0 <= i < len(cases):
            raise ValueError("bad case index")
        case = cases[i]
        if "lines" in frame:
            lines = frame["lines"]
            report.coverage[i] = [int(x) for x in lines if type(x) is int][:100_000]
        if "err" in frame:
            err = _error_info(frame["err"])
            err.case = i
            report.errors[i] = err
            report.error = report.error or err
            return False
        if isinstance(case, ScriptCase):
            report.passed[i] = frame.get("ok") is True
            return False
        actual = _child.decode(frame["out"])
        report.outputs[i] = actual
        report.passed[i] = compare(actual, case.expected, case.tolerance)
        return False


def _wait_readable(sock: socket.socket, timeout_s: float) -> bool:
    """poll(), not select(): select fails in a parent that has 1024 or more open files."""
    poller = select.poll()
    poller.register(sock, select.POLLIN | select.POLLHUP | select.POLLERR)
    return bool(poller.poll(max(0, int(timeout_s * 1000 + 0.999))))


def _error_info(d: Any) -> ErrorInfo:
    if not isinstance(d, dict):
        raise ValueError("malformed error")
    line = d.get("line")
    return ErrorInfo(
        type=str(d.get("type", "Error"))[:100],
        message=str(d.get("message", ""))[:500],
        line=line if type(line) is int else None,
        traceback=str(d.get("traceback", ""))[:4000],
    )


_DEFAULT: Sandbox | None = None
_DEFAULT_LOCK = threading.Lock()


def default_sandbox() -> Sandbox:
    """The process-wide sandbox that :func:`run_tests` uses (started on first use, stopped at exit)."""
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            _DEFAULT = Sandbox()
            atexit.register(_DEFAULT.close)
        return _DEFAULT


def run_tests(
    source: str,
    entry_point: str,
    cases: Any,
    *,
    timeout_s: float = 1.0,
    memory_mb: int = 256,
    coverage: Any = None,
    sandbox: Sandbox | None = None,
    **limits: Any,
) -> Report:
    """Run untrusted ``source`` in a sandboxed child and judge ``entry_point`` on ``cases`` in the parent.

    Args:
        source: the program (module text).
        entry_point: the function to call.
        cases: :class:`Case` objects (or ``(args_tuple, expected)`` pairs) and :class:`ScriptCase` objects.
        timeout_s: wall-clock budget for the whole run (module import plus every case).
        memory_mb: address space the child may add to its starting size.
        coverage: ``True`` or a list of case indices whose executed program lines to record.
        sandbox: a :class:`Sandbox` to use instead of the process-wide one.
        limits: ``max_output_bytes`` (default 1 MiB), ``max_stdout_chars`` (4096), ``file_mb`` (16).

    Returns:
        a :class:`Report`. Anything the program does — syntax errors, exceptions, timeouts, crashes, floods —
        is reported in it, never raised.
    """
    box = sandbox if sandbox is not None else default_sandbox()
    return box.run_tests(
        source, entry_point, cases, timeout_s=timeout_s, memory_mb=memory_mb, coverage=coverage, **limits
    )
