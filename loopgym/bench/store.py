"""Where a benchmark's results live: ``OUT/results.jsonl`` (append-only, one job per line) and
``OUT/run.json`` (what was run).

A finished job is written as one line in a single ``write`` on a file opened with ``O_APPEND``, then
``fsync``-ed, before the next job's result is taken. A run killed at any moment (``kill -9`` included)
therefore loses only the jobs still running; a line cut short by a crash of the machine itself is
recognised as torn (it does not parse) and cut off before anything is appended again. ``--resume``
skips every job whose latest record is ``ok`` or ``skipped`` and runs the rest, failed ones included;
when a job has several records, the latest is the one that counts.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from loopgym.bench.suite import Suite

RESULTS = "results.jsonl"
MANIFEST = "run.json"
DONE = ("ok", "skipped")


class StoreError(ValueError):
    """An output folder that cannot take this run; the message says what to do."""


def _read_lines(path: Path) -> tuple[list[dict[str, Any]], int]:
    """The records of ``path`` and the byte length of its intact prefix (everything up to the last
    line that ends in a newline and parses)."""
    records: list[dict[str, Any]] = []
    good = 0
    if not path.exists():
        return records, 0
    with open(path, "rb") as fh:
        offset = 0
        for raw in fh:
            offset += len(raw)
            if not raw.endswith(b"\n"):
                break  # torn tail
            try:
                rec = json.loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError):
                break
            if isinstance(rec, dict) and "key" in rec:
                records.append(rec)
            good = offset
    return records, good


class ResultStore:
    """The results folder of one suite."""

    def __init__(self, out: str | Path):
        self.out = Path(out)
        self.results_path = self.out / RESULTS
        self.manifest_path = self.out / MANIFEST
        self._fd: int | None = None

    # -- opening -------------------------------------------------------------------------------------

    @classmethod
    def open(cls, out: str | Path, suite: Suite, *, resume: bool) -> ResultStore:
        """The store for running ``suite`` into ``out``; refuses a folder holding another suite's
        results, or this suite's results without ``resume``."""
        store = cls(out)
        if store.out.exists() and not store.out.is_dir():
            raise StoreError(f"--out {str(store.out)!r} is a file, not a folder")
        manifest = store.manifest()
        if manifest is not None:
            if manifest.get("suite") != suite.name or manifest.get("fingerprint") != suite.fingerprint():
                what = (f"suite {manifest.get('suite')!r}" if manifest.get("suite") != suite.name
                        else f"a different version of suite {suite.name!r} (other envs or arguments)")
                raise StoreError(
                    f"{store.out} holds results of {what}; results of different suites do not mix. "
                    f"Choose another --out, or resume that run with --suite {manifest.get('suite_path') or manifest.get('suite')}"
                )
            n = len(store.records())
            if n and not resume:
                raise StoreError(
                    f"{store.out} already holds {n} job results of suite {suite.name!r}; pass --resume to "
                    "finish that run (finished jobs are not repeated), or choose another --out"
                )
        elif store.out.exists() and any(store.out.iterdir()):
            names = sorted(p.name for p in store.out.iterdir())[:5]
            raise StoreError(
                f"{store.out} is not empty and holds no loopgym run ({', '.join(names)} ...); "
                "choose an empty or new folder for --out"
            )
        store.out.mkdir(parents=True, exist_ok=True)
        store.repair()
        return store

    def manifest(self) -> dict[str, Any] | None:
        if not self.manifest_path.exists():
            return None
        try:
            return json.loads(self.manifest_path.read_text())
        except (OSError, json.JSONDecodeError) as err:
            raise StoreError(f"{self.manifest_path} is unreadable ({err}); move it away or use another --out") from None

    def write_manifest(self, meta: dict[str, Any]) -> None:
        """Replace ``run.json`` atomically (a crash leaves the old one or the new one, never half)."""
        tmp = self.manifest_path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(meta, indent=1, default=str))
        os.replace(tmp, self.manifest_path)

    def repair(self) -> int:
        """Cut a torn last line (a crash mid-write) so appending starts on a fresh line; returns the
        number of bytes cut."""
        if not self.results_path.exists():
            return 0
        size = self.results_path.stat().st_size
        _, good = _read_lines(self.results_path)
        if good < size:
            with open(self.results_path, "r+b") as fh:
                fh.truncate(good)
        return size - good

    # -- reading -------------------------------------------------------------------------------------

    def all_records(self) -> list[dict[str, Any]]:
        """Every intact line, in the order written."""
        return _read_lines(self.results_path)[0]

    def records(self) -> list[dict[str, Any]]:
        """The latest record of each job, in the order jobs were first written."""
        latest: dict[str, dict[str, Any]] = {}
        for rec in self.all_records():
            latest[rec["key"]] = rec
        return list(latest.values())

    def done_keys(self) -> set[str]:
        return {r["key"] for r in self.records() if r.get("status") in DONE}

    # -- writing -------------------------------------------------------------------------------------

    def append(self, record: dict[str, Any]) -> None:
        """Write one job's record durably (one ``write``, then ``fsync``)."""
        line = (json.dumps(record, allow_nan=True, default=str) + "\n").encode()
        if self._fd is None:
            self._fd = os.open(self.results_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        view = memoryview(line)
        while view:  # a regular file takes it all at once; the loop covers a short write
            written = os.write(self._fd, view)
            view = view[written:]
        os.fsync(self._fd)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> ResultStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
