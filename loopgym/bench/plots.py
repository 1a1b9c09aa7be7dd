"""The figures of a bench report: aggregate intervals, bandit regret, per-turn accuracy, stream accuracy
and forgetting heatmaps. Each function writes one PNG from job records (or aggregate rows) and returns
its path, or ``None`` when the records hold nothing to draw.

Like :mod:`loopgym.metrics.plots`, figures are drawn on ``matplotlib.figure.Figure`` with an Agg canvas,
never through ``pyplot``: they work headless and in worker threads. Each agent keeps one colour across
all the figures of a report (:func:`agent_colours`).
"""

from __future__ import annotations

import math
import re
import warnings
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from loopgym.metrics.plots import _agg_figure, _save, plot_accuracy_matrix

__all__ = ["agent_colours", "slug", "plot_aggregate", "plot_regret", "plot_turns", "plot_streams",
           "plot_forgetting"]

#: dots per inch of every report figure
DPI = 110

Record = Mapping[str, Any]


def agent_colours(agents: Sequence[str]) -> dict[str, Any]:
    """One tab10 (tab20 past ten agents) colour per agent, in the order given."""
    from matplotlib import colormaps

    colours = colormaps["tab10" if len(agents) <= 10 else "tab20"].colors
    return {agent: colours[i % len(colours)] for i, agent in enumerate(agents)}


def slug(text: str) -> str:
    """``text`` made safe for a file name: runs of anything but letters, digits, ``.``, ``_`` and ``-``
    become one ``-``."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.") or "x"


def _grid(n: int, max_cols: int = 3, size: tuple[float, float] = (4.6, 3.3)):
    """A figure with ``n`` panels, at most ``max_cols`` to a row; returns it and the ``n`` axes."""
    cols = min(n, max_cols)
    rows = math.ceil(n / cols)
    # at least 6.4 inches wide, so that a one-panel figure still fits its title
    fig = _agg_figure((max(6.4, size[0] * cols), size[1] * rows), DPI)
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    for ax in axes[n:]:
        ax.set_visible(False)
    return fig, list(axes[:n])


def _legend(fig, axes) -> None:
    """One legend for the whole figure (the agents are the same in every panel), below the panels."""
    handles, labels = {}, []
    for ax in axes:
        for h, label in zip(*ax.get_legend_handles_labels(), strict=True):
            if label not in handles:
                handles[label] = h
                labels.append(label)
    if labels:
        fig.legend([handles[lb] for lb in labels], labels, loc="outside lower center",
                   ncols=min(len(labels), 5), frameon=False)


def _stack(curves: list[np.ndarray]) -> np.ndarray:
    """Seeds' curves of unequal length stacked as rows, each cut to the shortest."""
    n = min(len(c) for c in curves)
    return np.vstack([np.asarray(c[:n], dtype=float) for c in curves])


def _band(ax, x, rows: np.ndarray, colour, label: str, marker: str | None = None) -> None:
    """The mean of ``rows`` (one per seed) against ``x``, shaded +-1 standard error across seeds."""
    mean = np.nanmean(rows, axis=0)
    ax.plot(x, mean, color=colour, label=label, linewidth=1.8, marker=marker, markersize=4)
    if rows.shape[0] > 1:
        se = np.nanstd(rows, axis=0, ddof=1) / math.sqrt(rows.shape[0])
        ax.fill_between(x, mean - se, mean + se, color=colour, alpha=0.2, linewidth=0)


def _by_entry(records: Sequence[Record], want) -> dict[str, dict[str, list[Record]]]:
    """Finished records with ``want(record)`` true, grouped entry -> agent -> records."""
    out: dict[str, dict[str, list[Record]]] = defaultdict(lambda: defaultdict(list))
    for r in records:
        if r.get("status") == "ok" and want(r):
            out[r["entry"]][r["agent"]].append(r)
    return out


def _curve(r: Record, name: str) -> dict | list | None:
    return (r.get("curves") or {}).get(name)


def plot_aggregate(rows: Sequence[Mapping[str, Any]], path: Path, colours: Mapping[str, Any]) -> Path | None:
    """Interval plot of the aggregate rows: a panel per scope, an agent per line, the IQM as a dot with
    its 95% bootstrap interval as a bar (the layout of rliable's ``plot_interval_estimates``)."""
    scopes = list(dict.fromkeys(r["scope"] for r in rows))
    if not scopes:
        return None
    agents = [a for a in colours if any(r["agent"] == a for r in rows)]
    fig, axes = _grid(len(scopes), max_cols=4, size=(3.4, 0.5 * len(agents) + 1.3))
    for i, (ax, scope) in enumerate(zip(axes, scopes, strict=True)):
        for y, agent in enumerate(agents):
            row = next((r for r in rows if r["scope"] == scope and r["agent"] == agent), None)
            if row is None:
                ax.text(0.0, y, " no finished run", va="center", color="0.45", fontsize="small")
                continue
            ax.barh(y, row["ci_high"] - row["ci_low"], left=row["ci_low"], height=0.6,
                    color=colours[agent], alpha=0.75)
            ax.plot([row["iqm"]] * 2, [y - 0.3, y + 0.3], color="black", linewidth=2)
        # the first panel of each row of panels names the agents
        ax.set_yticks(range(len(agents)), agents if i % 4 == 0 else [""] * len(agents))
        ax.set_ylim(len(agents) - 0.4, -0.6)
        ax.set_xlim(-0.02, 1.02)
        ax.set_title(scope)
        ax.set_xlabel("IQM of gold")
        ax.grid(axis="x", alpha=0.3)
    fig.suptitle("IQM of gold with 95% stratified bootstrap CI")
    return _save(fig, path)


def plot_regret(records: Sequence[Record], path: Path, colours: Mapping[str, Any]) -> Path | None:
    """Mean cumulative regret against the step for each bandit entry (a panel each), one line per
    agent, shaded +-1 standard error across seeds."""
    groups = _by_entry(records, lambda r: _curve(r, "regret"))
    if not groups:
        return None
    fig, axes = _grid(len(groups))
    for ax, (entry, by_agent) in zip(axes, groups.items(), strict=True):
        for agent, recs in by_agent.items():
            curves = [_curve(r, "regret") for r in recs]
            rows = _stack([c["value"] for c in curves])
            t = np.asarray(curves[0]["t"][: rows.shape[1]], dtype=float)
            _band(ax, t, rows, colours[agent], agent)
        ax.set_title(entry)
        ax.set_xlabel("step")
        ax.set_ylabel("cumulative regret")
        ax.grid(alpha=0.3)
    _legend(fig, axes)
    fig.suptitle("bandits: mean cumulative regret (band: ±1 s.e. across seeds)")
    return _save(fig, path)


def plot_turns(records: Sequence[Record], path: Path, colours: Mapping[str, Any]) -> Path | None:
    """Fraction of episodes solved within ``k`` attempts against ``k`` for each code-repair and
    math-revision entry (a panel each), one line per agent."""
    groups = _by_entry(records, lambda r: _curve(r, "turn_success"))
    if not groups:
        return None
    fig, axes = _grid(len(groups))
    for ax, (entry, by_agent) in zip(axes, groups.items(), strict=True):
        for agent, recs in by_agent.items():
            curves = [list(_curve(r, "turn_success")) for r in recs]
            # solved within k attempts can only grow: a seed with fewer turns keeps its last value
            k = max(len(c) for c in curves)
            rows = np.array([c + [c[-1]] * (k - len(c)) for c in curves], dtype=float)
            _band(ax, np.arange(1, k + 1), rows, colours[agent], agent, marker="o")
        ax.set_title(entry)
        ax.set_xlabel("attempt k")
        ax.set_ylabel("solved within k attempts")
        ax.set_ylim(-0.02, 1.02)
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.grid(alpha=0.3)
    _legend(fig, axes)
    fig.suptitle("per-turn accuracy (band: ±1 s.e. across seeds)")
    return _save(fig, path)


def plot_streams(records: Sequence[Record], path: Path, colours: Mapping[str, Any]) -> Path | None:
    """Test accuracy averaged over tasks against the stream step for each stream entry (a panel
    each), or the running online accuracy where an entry has no test curve."""
    groups = _by_entry(records, lambda r: _curve(r, "stream_acc") or _curve(r, "online_accuracy"))
    if not groups:
        return None
    fig, axes = _grid(len(groups))
    for ax, (entry, by_agent) in zip(axes, groups.items(), strict=True):
        recs_all = [r for recs in by_agent.values() for r in recs]
        name = "stream_acc" if all(_curve(r, "stream_acc") for r in recs_all) else "online_accuracy"
        for agent, recs in by_agent.items():
            curves = [_curve(r, name) for r in recs if _curve(r, name)]
            if not curves:
                continue
            rows = _stack([c["value"] for c in curves])
            _band(ax, np.asarray(curves[0]["t"][: rows.shape[1]], dtype=float), rows, colours[agent], agent)
        ax.set_title(entry)
        ax.set_xlabel("stream step")
        ax.set_ylabel("mean test accuracy" if name == "stream_acc" else "online accuracy")
        ax.set_ylim(-0.02, 1.02)
        ax.grid(alpha=0.3)
    _legend(fig, axes)
    fig.suptitle("streams: accuracy along the stream (band: ±1 s.e. across seeds)")
    return _save(fig, path)


def mean_matrix(matrices: Sequence[Any]) -> tuple[np.ndarray, int] | None:
    """The cell-wise mean of the seeds' accuracy matrices (nan cells ignored; a cell nan in every
    seed stays nan) over the seeds whose matrix has the most common shape, and how many those are."""
    arrays = [np.asarray(m, dtype=float) for m in matrices if m is not None and len(m)]
    arrays = [a for a in arrays if a.ndim == 2 and a.shape[0] == a.shape[1]]
    if not arrays:
        return None
    shapes = [a.shape for a in arrays]
    shape = max(set(shapes), key=shapes.count)
    stack = np.stack([a for a in arrays if a.shape == shape])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # "mean of empty slice" for all-nan cells
        return np.nanmean(stack, axis=0), stack.shape[0]


def plot_forgetting(records: Sequence[Record], folder: Path) -> dict[Path, tuple[str, str]]:
    """One heatmap per (stream entry, agent) of the seeds' mean accuracy matrix, written as
    ``folder/forgetting_<entry>_<agent>.png`` (slugged); returns each path written with its (entry,
    agent)."""
    groups = _by_entry(records, lambda r: _curve(r, "accuracy_matrix"))
    paths: dict[Path, tuple[str, str]] = {}
    for entry, by_agent in groups.items():
        for agent, recs in by_agent.items():
            mean = mean_matrix([_curve(r, "accuracy_matrix") for r in recs])
            if mean is None:
                continue
            matrix, n = mean
            path = folder / f"forgetting_{slug(entry)}_{slug(agent)}.png"
            while path in paths:  # two names that slug alike
                path = path.with_name(path.stem + "_.png")
            seeds = f"{n} seed" + ("s" if n != 1 else "")
            plot_accuracy_matrix(matrix, path, title=f"{entry} · {agent} (mean of {seeds})", dpi=DPI)
            paths[path] = (entry, agent)
    return paths
