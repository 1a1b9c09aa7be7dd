"""Where jobs run: ``local`` (this machine, a pool of worker processes) or ``ray`` (a Ray cluster).

Both take the same :class:`~loopgym.bench.jobs.Job` list and yield one record per job as it finishes,
in completion order; the caller writes each record before taking the next, so a record yielded is a
record kept. Jobs are handed out longest first (their expected seconds, when known), so the last job to
finish is a short one and the workers stay busy to the end.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import traceback
from collections.abc import Iterator, Sequence
from typing import Any

from loopgym.bench.jobs import Job, base_record, run_job

EXECUTORS = ("local", "ray")


def _worker_died(job: Job, err: BaseException) -> dict[str, Any]:
    record = base_record(job)
    record.update(status="failed", error=f"worker process died: {type(err).__name__}: {err}"[:500],
                  traceback="".join(traceback.format_exception(err)), seconds=0.0, worker="?",
                  finished=None)
    return record


def _context() -> multiprocessing.context.BaseContext:
    # fork where there is one: workers start in milliseconds and inherit what the parent has already
    # imported and loaded (the suite check built every env, so datasets and corpora are in memory).
    # run_local makes the pool before the progress bar starts its thread, so no lock is held mid-fork
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _pool(workers: int) -> cf.ProcessPoolExecutor:
    # each job sets its own thread budget (Job.threads) before it builds its agent
    return cf.ProcessPoolExecutor(max_workers=workers, mp_context=_context())


def run_local(jobs: Sequence[Job], workers: int) -> Iterator[dict[str, Any]]:
    """``workers <= 1``: the jobs one after another in this process. Otherwise a pool of ``workers``
    processes, made now (call this before starting threads). A worker that dies (a crash in native
    code, the OOM killer) fails a job it held, and a fresh pool takes the rest."""
    if workers <= 1:
        return (run_job(job) for job in jobs)
    return _drain(_pool(workers), list(jobs), workers)


def _drain(pool: cf.ProcessPoolExecutor, pending: list[Job], workers: int) -> Iterator[dict[str, Any]]:
    while pending:
        requeue: list[Job] = []
        finished = False
        try:
            futures = {pool.submit(run_job, job): job for job in pending}
            casualty = False
            for future in cf.as_completed(futures):
                job = futures[future]
                try:
                    record = future.result()
                except cf.process.BrokenProcessPool as err:
                    # every job in flight fails with the pool; one of them took the worker down. The first
                    # to report is failed, the others run again in a fresh pool, so a job that crashes
                    # every worker cannot stall the run: each round fails at least one job
                    if casualty:
                        requeue.append(job)
                    else:
                        casualty = True
                        yield _worker_died(job, err)
                    continue
                except Exception as err:  # noqa: BLE001 - e.g. a record that would not pickle
                    yield _worker_died(job, err)
                    continue
                yield record
            finished = True
        finally:
            # on an interrupt, do not wait for the jobs still running: what finished is already kept
            pool.shutdown(wait=finished, cancel_futures=True)
        pending = requeue
        if pending:
            pool = _pool(workers)


def _warm_up() -> None:
    """Import what jobs import (the families, and torch where installed), so a Ray worker pays for it
    while the driver is still checking the suite rather than inside the first job."""
    import importlib.util

    import loopgym.bench.jobs  # noqa: F401
    import loopgym.envs  # noqa: F401

    if importlib.util.find_spec("torch") is not None:
        import torch  # noqa: F401


class RayExecutor:
    """The jobs as Ray tasks (one CPU each): on a new local Ray instance with ``workers`` CPUs, or on
    the cluster at ``address`` (``"auto"``, ``"ray://host:10001"``). loopgym and the agents' code must
    be importable on the cluster's nodes (install it there, as with any Ray job).

    :meth:`start` connects and sends each worker a warm-up task; call it before the slow parts of
    planning so both happen at once. :meth:`run` yields records as tasks finish, then shuts down a
    Ray instance it started."""

    def __init__(self, workers: int | None, address: str | None = None):
        self.workers, self.address = workers, address
        self.started_here = False
        self.ray: Any = None

    def start(self) -> RayExecutor:
        try:
            import ray
        except ImportError:
            raise RuntimeError('the ray executor needs Ray: pip install "loopgym[ray]"') from None
        self.ray = ray
        if not ray.is_initialized():
            kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False,
                                      "configure_logging": False}
            if self.address:
                kwargs["address"] = self.address
            else:
                kwargs["num_cpus"] = self.workers or os.cpu_count() or 1
            ray.init(**kwargs)
            self.started_here = True
        cpus = int(ray.cluster_resources().get("CPU", 1))
        warm = ray.remote(num_cpus=1, max_retries=0)(_warm_up)
        self.warming = [warm.remote() for _ in range(max(1, min(cpus, self.workers or cpus)))]
        return self

    def run(self, jobs: Sequence[Job]) -> Iterator[dict[str, Any]]:
        ray = self.ray
        try:
            remote = ray.remote(num_cpus=1, max_retries=0)(run_job)
            # Ray does not start queued tasks in the order they were submitted, which would undo the
            # longest-first order; so only as many tasks as there are CPUs (plus one, to hide the
            # round trip) are handed to Ray at a time, and the next job goes in as one finishes
            window = int(ray.cluster_resources().get("CPU", 1)) + 1
            queue = list(jobs)[::-1]
            refs: dict[Any, Job] = {}
            while queue or refs:
                while queue and len(refs) < window:
                    job = queue.pop()
                    refs[remote.remote(job)] = job
                done, _ = ray.wait(list(refs), num_returns=1)
                job = refs.pop(done[0])
                try:
                    yield ray.get(done[0])
                except Exception as err:  # noqa: BLE001 - the task's worker died, or Ray lost it
                    yield _worker_died(job, err)
        finally:
            self.close()

    def __enter__(self) -> RayExecutor:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.started_here and self.ray is not None:
            self.ray.shutdown()
            self.started_here = False


def run_ray(jobs: Sequence[Job], workers: int | None, address: str | None = None) -> Iterator[dict[str, Any]]:
    """:class:`RayExecutor` started and run over ``jobs``."""
    return RayExecutor(workers, address).start().run(jobs)
