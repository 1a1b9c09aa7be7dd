"""Strict mode: the zygote under bubblewrap (skipped where ``bwrap`` is not installed)."""

from __future__ import annotations

import shutil

import pytest

from loopgym.sandbox import Case, Sandbox, SandboxError


@pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap is not installed")
def test_strict_sandbox_judges_and_hides_the_host():
    with Sandbox(strict=True) as box:
        report = box.run_tests("def f(a, b):\n    return a - b\n", "f", [Case((1, 1), 0), Case((1, 2), 3)])
        assert report.passed == [True, False] and "bubblewrap" in report.isolation
        # its own PID namespace: the zygote is one of the first processes there
        probe = "import os\ndef f():\n    return os.getppid() <= 3\n"
        assert box.run_tests(probe, "f", [Case((), True)]).passed == [True]


def test_strict_without_bwrap_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    box = Sandbox(strict=True)
    with pytest.raises(SandboxError, match="bubblewrap"):
        box.run_tests("def f():\n    return 1\n", "f", [Case((), 1)])
