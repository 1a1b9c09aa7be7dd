"""Benchmark agents on suites of loopgym environments: ``loopgym bench`` and its Python API.

    from loopgym.bench import run_bench
    result = run_bench("quick", ["baseline", "random"], seeds=5, out="runs/quick", workers=2)

- :mod:`~loopgym.bench.suite`: suites as YAML (``quick``, ``core``, ``full`` ship with loopgym);
- :mod:`~loopgym.bench.specs`: agent specs (``baseline``, ``thompson``, ``replay:er``, ``sb3:model.zip``,
  ``chat(model=...)``, ``my_agent.py:MyAgent``), built afresh in every job;
- :mod:`~loopgym.bench.adapters` and :mod:`~loopgym.bench.chat`: SB3 models, plain callables and
  chat models behind an OpenAI-compatible endpoint as agents;
- :mod:`~loopgym.bench.jobs`: one job (agent x entry x seed) -> one record;
- :mod:`~loopgym.bench.executors`: local processes or Ray;
- :mod:`~loopgym.bench.store`: the append-only results file a killed run resumes from;
- :mod:`~loopgym.bench.stats` and :mod:`~loopgym.bench.report`: IQM with stratified bootstrap
  intervals, tables, plots, ``report.md``.

A record (one line of ``results.jsonl``) holds ``key`` (``entry/agent/seed=s``), ``suite``, ``entry``,
``env_id``, ``family``, ``agent`` (the spec given), ``agent_name`` (what it ran as), ``seed``,
``status`` (``ok``, ``failed`` with ``error`` and ``traceback``, or ``skipped`` with the reason in
``error``), ``kind`` (``episodes`` or ``stream``), ``metrics`` (always ``gold`` in [0, 1], ``success``,
``return``, ``episodes``; ``regret``/``score`` for bandits, ``attempts`` for code and math, ``acc``,
``bwt``, ``forgetting``, ``stability_gap``, ``online_accuracy`` for streams), ``curves``, ``seconds``,
``worker`` and ``finished``.
"""

from loopgym.bench.run import BenchError, BenchResult, run_bench
from loopgym.bench.specs import AgentSpecError, parse_spec
from loopgym.bench.store import ResultStore, StoreError
from loopgym.bench.suite import Suite, SuiteEntry, SuiteError, load_suite, shipped_suites

__all__ = [
    "AgentSpecError", "BenchError", "BenchResult", "ResultStore", "StoreError", "Suite", "SuiteEntry",
    "SuiteError", "load_suite", "parse_spec", "run_bench", "shipped_suites",
]
