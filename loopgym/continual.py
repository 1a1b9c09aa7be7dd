"""Evaluate a continual learner on a stream: the accuracy matrix, continual evaluation, one call.

A *continual learner* is anything with two methods (the replay baselines in
``loopgym.baselines.replay`` are examples)::

    learner.predict(x, task_ids) -> labels   # x: (n, d) float32; task_ids: (n,) int, -1 where hidden
    learner.observe(x, y, task_id, boundary) # one labelled sample, as the stream delivers it

:func:`run_stream` plays one stream (``gym.make("loopgym/SplitDigits-v0")`` or any stream id, vector
view): at every step the learner predicts the sample in the observation, the env answers with its
label, and the learner learns from it — one pass, online. Every ``eval_every`` steps (and at the end
of every task) it measures accuracy on every task's held-out test set, which gives

- the accuracy matrix ``R[i, j]``: accuracy on task ``j`` after training on task ``i``, and ``b[j]``
  before any training (for forward transfer);
- the continual-evaluation curves ``curves[e, j]`` at ``steps[e]`` (where the stability gap shows).

:func:`evaluate` does that over several seeds and returns a :class:`ContinualReport`: the standard
metrics (:mod:`loopgym.metrics.continual`) as mean ± 95% CI, a Markdown table, JSON, and the plots::

    report = loopgym.continual.evaluate(MyLearner, "loopgym/SplitDigits-v0", seeds=5, out="results/")
    print(report.markdown())

Test-set task ids are passed to ``predict`` only where the scenario shows them (task-incremental);
elsewhere they are -1, so a class-incremental learner cannot peek.
"""

from __future__ import annotations

import dataclasses
import json
import math
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import gymnasium as gym
import numpy as np

from loopgym.config import ConfigError
from loopgym.metrics import continual as cm
from loopgym.metrics import mean_ci


@runtime_checkable
class ContinualLearner(Protocol):
    """What :func:`run_stream` needs of a learner."""

    def predict(self, x: np.ndarray, task_ids: np.ndarray) -> np.ndarray: ...

    def observe(self, x: np.ndarray, y: int, task_id: int, boundary: bool) -> None: ...


#: ``factory(stream_info, seed) -> learner``
LearnerFactory = Callable[[Any, int], ContinualLearner]


@dataclasses.dataclass
class StreamRun:
    """One learner on one stream with one seed."""

    env_id: str
    seed: int
    R: np.ndarray  # (T, T); rows of tasks whose end the stream never reached are nan
    b: np.ndarray  # (T,) accuracy before training
    steps: np.ndarray  # (E,) the steps at which the curves were measured
    curves: np.ndarray  # (E, T)
    task_starts: list[int]
    online_accuracy: float  # the fraction of stream samples predicted right before learning them
    n_steps: int
    seconds: float
    metrics: dict[str, float]

    def as_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        for k in ("R", "b", "steps", "curves"):
            d[k] = np.asarray(d[k]).tolist()
        return d


def _accuracies(learner: ContinualLearner, tests: Sequence[Any], visible: bool) -> np.ndarray:
    out = np.empty(len(tests))
    for j, t in enumerate(tests):
        ids = np.full(len(t.y), t.task_id if visible else -1, dtype=np.int64)
        pred = np.asarray(learner.predict(t.x, ids))
        out[j] = float(np.mean(pred == t.y)) if len(t.y) else math.nan
    return out


def run_stream(env: gym.Env, learner: ContinualLearner, *, seed: int, eval_every: int | None = None,
               env_id: str | None = None) -> StreamRun:
    """Play ``learner`` on one pass of the stream ``env`` (a loopgym stream, vector view) from
    ``reset(seed=seed)``. ``eval_every`` defaults to about 200 evaluations per stream."""
    base = env.unwrapped
    if not hasattr(type(base), "stream_info") or not hasattr(type(base), "test_sets"):
        raise ConfigError(
            f"run_stream needs a loopgym stream env (SplitDigits-v0, PermutedMNIST1D-v0, ...); got {base!r}"
        )
    if getattr(base, "view_name", "vector") != "vector":
        raise ConfigError("run_stream plays the vector view: make the env with view='vector'")
    start = time.perf_counter()
    obs, info = env.reset(seed=seed)
    si = base.stream_info
    tests = base.test_sets()
    n_tasks, n_steps, visible = si.n_tasks, si.n_steps, si.task_id_visible
    if eval_every is None:
        eval_every = max(1, n_steps // 200)
    if eval_every < 1:
        raise ConfigError(f"eval_every={eval_every} is not allowed: it must be at least 1")
    # a task's training ends where the next task starts (sequential streams); an i.i.d. stream (the
    # joint reference) has one end, the stream's
    starts = list(si.task_starts)
    sequential = all(a < b for a, b in zip(starts, starts[1:], strict=False))
    ends = {s: i - 1 for i, s in enumerate(starts) if i > 0} if sequential else {}
    R = np.full((n_tasks, n_tasks), math.nan)
    b = _accuracies(learner, tests, visible)
    steps, curves = [0], [b]
    correct = 0
    t = 0
    done = False
    while not done:
        if t in ends:
            acc = _accuracies(learner, tests, visible)
            R[ends[t]] = acc
            steps.append(t)
            curves.append(acc)
        elif t % eval_every == 0 and t > 0:
            steps.append(t)
            curves.append(_accuracies(learner, tests, visible))
        x = obs["input"]
        tid = int(obs["task"]) if visible else -1
        action = int(np.asarray(learner.predict(x[None, :], np.array([tid], dtype=np.int64)))[0])
        obs, reward, terminated, truncated, info = env.step(action)
        correct += int(info["success"])
        learner.observe(x, int(info["label"]), int(info["task_id"]), bool(info["boundary"]))
        t += 1
        done = terminated or truncated
    final = _accuracies(learner, tests, visible)
    R[-1] = final
    steps.append(t)
    curves.append(final)
    steps_a, curves_a = np.asarray(steps), np.vstack(curves)
    metrics = _metrics(R, b, steps_a, curves_a, starts, sequential)
    return StreamRun(
        env_id=env_id or (env.spec.id if env.spec else type(base).__name__),
        seed=seed, R=R, b=b, steps=steps_a, curves=curves_a, task_starts=starts,
        online_accuracy=correct / max(t, 1), n_steps=t, seconds=time.perf_counter() - start,
        metrics=metrics,
    )


def _metrics(R, b, steps, curves, starts, sequential) -> dict[str, float]:
    if not sequential or np.isnan(R).any():
        # the joint reference (one i.i.d. pass) or a stream cut short: only final accuracies mean anything
        return {"acc": float(np.nanmean(R[-1]))}
    # steps count samples learned, so the evaluation at steps == starts[k] still shows the end of task
    # k - 1; the metrics treat an evaluation at a task's start as inside it, hence the + 1
    return cm.summary(R, b=b, steps=steps, curves=curves, task_starts=np.asarray(starts) + 1)


@dataclasses.dataclass
class ContinualReport:
    """Several seeds of one learner on one stream: metrics as mean ± 95% CI, tables and plots."""

    name: str
    env_id: str
    env_kwargs: dict[str, Any]
    runs: list[StreamRun]

    def metrics(self) -> dict[str, tuple[float, float]]:
        """Each metric's mean and 95% Student-t half-width over seeds (plus online accuracy and
        seconds per run)."""
        keys = list(dict.fromkeys(k for r in self.runs for k in r.metrics))
        out = {k: mean_ci([r.metrics.get(k, math.nan) for r in self.runs]) for k in keys}
        out["online_acc"] = mean_ci([r.online_accuracy for r in self.runs])
        out["seconds"] = mean_ci([r.seconds for r in self.runs])
        return out

    def mean_matrix(self) -> np.ndarray:
        return np.nanmean(np.stack([r.R for r in self.runs]), axis=0) if self.runs else np.empty((0, 0))

    def markdown(self) -> str:
        """A Markdown table: one row per metric, mean ± 95% CI over seeds."""
        lines = [f"**{self.name}** on `{self.env_id}` {self.env_kwargs or ''} — {len(self.runs)} seeds",
                 "", "| metric | mean ± 95% CI |", "|---|---|"]
        for k, (m, h) in self.metrics().items():
            lines.append(f"| {k} | {_fmt(m, h)} |")
        return "\n".join(lines)

    def to_json(self, path: str | Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"name": self.name, "env_id": self.env_id, "env_kwargs": self.env_kwargs,
                "metrics": {k: {"mean": m, "ci95": h} for k, (m, h) in self.metrics().items()},
                "runs": [r.as_dict() for r in self.runs]}
        path.write_text(json.dumps(data, indent=1, default=json_default))
        return path

    def plot(self, out: str | Path) -> list[Path]:
        """The mean accuracy matrix as a heatmap and the first seed's accuracy-over-steps curves with
        the task boundaries marked; PNGs under ``out``. Returns the paths."""
        from loopgym.metrics import plots

        out = Path(out)
        stem = f"{_slug(self.name)}_{_slug(self.env_id)}"
        paths = []
        R = self.mean_matrix()
        if R.size and not np.isnan(R).all():
            paths.append(plots.plot_accuracy_matrix(
                R, out / f"{stem}_matrix.png", title=f"{self.name} on {self.env_id} (mean of {len(self.runs)} seeds)"))
        if self.runs:
            r = self.runs[0]
            paths.append(plots.plot_accuracy_curves(
                r.steps, r.curves, r.task_starts, out / f"{stem}_curves.png",
                title=f"{self.name} on {self.env_id} (seed {r.seed})"))
        return paths


def evaluate(factory: LearnerFactory, env_id: str = "loopgym/SplitDigits-v0", *, seeds: int | Sequence[int] = 5,
             eval_every: int | None = None, out: str | Path | None = None, name: str | None = None,
             progress: bool = False, **env_kwargs: Any) -> ContinualReport:
    """Run ``factory(stream_info, seed)`` on ``env_id`` for each seed (``seeds=5`` means 0..4) and
    return the :class:`ContinualReport`; with ``out``, also write its JSON, Markdown and plots there.
    ``env_kwargs`` go to ``gym.make`` (``incremental="task"``, ``order="iid"`` for the joint
    reference, ...)."""
    import loopgym  # noqa: F401  (registers the ids)

    seed_list = list(range(seeds)) if isinstance(seeds, int) else [int(s) for s in seeds]
    if not seed_list:
        raise ConfigError(f"seeds={seeds!r} is not allowed: give a positive count or a list of seeds")
    name = name or getattr(factory, "__name__", type(factory).__name__)
    runs = []
    bar = _progress(progress, len(seed_list), f"{name} on {env_id}")
    with bar or _Null():
        task = bar.add_task("seeds", total=len(seed_list)) if bar else None
        for seed in seed_list:
            env = gym.make(env_id, **env_kwargs)
            try:
                env.reset(seed=seed)  # the stream (and its info) is drawn at reset; run_stream redraws the same
                learner = factory(env.unwrapped.stream_info, seed)
                runs.append(run_stream(env, learner, seed=seed, eval_every=eval_every, env_id=env_id))
            finally:
                env.close()
            if bar:
                bar.advance(task)
    report = ContinualReport(name=name, env_id=env_id, env_kwargs=dict(env_kwargs), runs=runs)
    if out is not None:
        out = Path(out)
        stem = f"{_slug(name)}_{_slug(env_id)}"
        report.to_json(out / f"{stem}.json")
        (out / f"{stem}.md").write_text(report.markdown() + "\n")
        report.plot(out)
    return report


class _Null:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _progress(on: bool, total: int, label: str):
    if not on:
        return None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())


def _fmt(mean: float, half: float) -> str:
    if math.isnan(mean):
        return "—"
    return f"{mean:.3f}" if math.isnan(half) else f"{mean:.3f} ± {half:.3f}"


def _slug(s: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in s.replace("loopgym/", "").replace("+", "p"))


def json_default(o: Any) -> Any:
    """``json.dumps(default=...)`` for numpy scalars and arrays (anything else as its text)."""
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    return str(o)
