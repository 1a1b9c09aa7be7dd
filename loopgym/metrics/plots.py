"""Plots of a continual-learning run: the accuracy matrix as a heatmap and the continual-evaluation
curves. Both write a PNG and return its path (parent folders are created).

The figures are drawn with ``matplotlib.figure.Figure`` on an Agg canvas, never through ``pyplot``,
so they work headless and leave the user's pyplot backend and open figures alone. matplotlib comes
with ``pip install "loopgym[bench]"``. Tasks are labelled 0-based, like the metrics' indices, unless
``task_names`` is given.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

__all__ = ["plot_accuracy_matrix", "plot_accuracy_curves"]


def _agg_figure(figsize: tuple[float, float], dpi: float):
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as err:  # pragma: no cover - depends on the installation
        raise ImportError('plots need matplotlib: pip install "loopgym[bench]"') from err
    fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _names(task_names: Sequence[str] | None, n: int) -> list[str]:
    if task_names is None:
        return [str(j) for j in range(n)]
    names = [str(name) for name in task_names]
    if len(names) != n:
        raise ValueError(f"task_names must name each of the {n} tasks, got {len(names)} names")
    return names


def _scale(values: np.ndarray) -> float:
    """The top of the accuracy axis: 1 for fractions, 100 for percentages, else the data's maximum."""
    top = float(np.nanmax(values)) if np.any(np.isfinite(values)) else 1.0
    if top <= 1.0:
        return 1.0
    return 100.0 if top <= 100.0 else top


def _save(fig, path: str | os.PathLike) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png", dpi=fig.dpi)
    return path


def plot_accuracy_matrix(
    R,
    path: str | os.PathLike,
    *,
    title: str | None = None,
    task_names: Sequence[str] | None = None,
    figsize: tuple[float, float] | None = None,
    dpi: float = 100,
) -> Path:
    """Heatmap of the accuracy matrix ``R[i, j]`` (accuracy on task ``j`` after training up to task
    ``i``), each cell annotated with its value (``nan`` cells, e.g. tasks never evaluated, stay blank),
    with a colorbar. Rows: "trained up to task"; columns: "evaluated on task". The colour scale runs
    from 0 to 1 (or 100 for percentages). ``figsize`` in inches (default grows with the number of
    tasks) and ``dpi`` fix the pixel size: ``figsize * dpi``. Returns the PNG's path."""
    R = np.asarray(R, dtype=float)
    if R.ndim != 2 or R.shape[0] != R.shape[1] or R.shape[0] == 0:
        raise ValueError(f"R must be a square (T, T) accuracy matrix, got shape {R.shape}")
    T = R.shape[0]
    names = _names(task_names, T)
    side = 0.55 * T
    fig = _agg_figure(figsize or (max(4.5, side + 2.2), max(3.8, side + 1.4)), dpi)
    ax = fig.add_subplot()
    top = _scale(R)
    image = ax.imshow(np.ma.masked_invalid(R), cmap="viridis", vmin=0.0, vmax=top, aspect="equal")
    fig.colorbar(image, ax=ax, label="accuracy", shrink=0.9)
    fontsize = float(np.clip(160 / T, 5, 10))
    digits = 2 if top <= 1.0 else 1
    for i in range(T):
        for j in range(T):
            if np.isfinite(R[i, j]):
                # dark cells of viridis get white text, light ones black
                colour = "white" if R[i, j] < 0.6 * top else "black"
                ax.text(j, i, f"{R[i, j]:.{digits}f}", ha="center", va="center", color=colour, fontsize=fontsize)
    long = max(len(name) for name in names) > 3
    ax.set_xticks(range(T), names, rotation=35 if long else 0, ha="right" if long else "center")
    ax.set_yticks(range(T), names)
    ax.set_xlabel("evaluated on task")
    ax.set_ylabel("trained up to task")
    ax.set_title(title or "accuracy matrix")
    return _save(fig, path)


def plot_accuracy_curves(
    steps,
    curves,
    task_starts,
    path: str | os.PathLike,
    *,
    title: str | None = None,
    task_names: Sequence[str] | None = None,
    figsize: tuple[float, float] | None = None,
    dpi: float = 100,
) -> Path:
    """Continual-evaluation curves: one line per task, ``curves[e, j]`` (accuracy on task ``j``) against
    ``steps[e]`` (the training step), with dashed vertical lines where tasks ``1..T-1`` start
    (``task_starts[1:]``) and a legend. The stability gap shows as the dips right after each dashed
    line. ``figsize`` (default 8 x 4.5 inches) and ``dpi`` fix the pixel size. Returns the PNG's
    path."""
    curves = np.asarray(curves, dtype=float)
    if curves.ndim != 2 or 0 in curves.shape:
        raise ValueError(f"curves must have shape (E, T) with E, T >= 1, got {curves.shape}")
    n_evals, T = curves.shape
    steps = np.asarray(steps, dtype=float)
    if steps.shape != (n_evals,):
        raise ValueError(f"steps must have shape ({n_evals},) like curves' rows, got {steps.shape}")
    starts = np.asarray(task_starts, dtype=float)
    if starts.shape != (T,):
        raise ValueError(f"task_starts must have shape ({T},) like curves' columns, got {starts.shape}")
    names = _names(task_names, T)
    fig = _agg_figure(figsize or (8.0, 4.5), dpi)
    ax = fig.add_subplot()
    palette = "tab10" if T <= 10 else "tab20"
    from matplotlib import colormaps

    colours = colormaps[palette].colors
    marker = "o" if n_evals <= 40 else None
    for j in range(T):
        ax.plot(steps, curves[:, j], color=colours[j % len(colours)], marker=marker, markersize=3,
                linewidth=1.6, label=names[j] if task_names is not None else f"task {j}")
    for k, start in enumerate(starts[1:], start=1):
        ax.axvline(start, color="0.45", linestyle="--", linewidth=1.0, label="task switch" if k == 1 else None)
    top = _scale(curves)
    ax.set_ylim(-0.02 * top, 1.04 * top)
    ax.set_xlabel("training step")
    ax.set_ylabel("accuracy")
    ax.set_title(title or "accuracy on each task during training")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, ncols=1 if T <= 12 else 2)
    return _save(fig, path)
