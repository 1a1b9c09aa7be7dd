"""The report of a bench run: ``summary.csv``, ``aggregate.csv``, ``plots/*.png`` and ``report.md``.

``report.md`` is written for a person: what ran and how to repeat it, the IQM of each agent over the
suite and each family, a table per family with one row per (environment, agent) and, when stored
reference results exist for the suite (``baselines/results/bench/<suite>.csv``, read by
:func:`load_reference`), the reference agents' scores under each environment; then the plots, the
failed jobs with their tracebacks, and the (environment, agent) pairs that were skipped and why.
"""

from __future__ import annotations

import csv
import importlib.resources
import math
import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from loopgym.bench import plots as bench_plots
from loopgym.bench.stats import DEFAULT_REPS, aggregate_rows, summary_rows

__all__ = ["load_reference", "read_csv", "write_csv", "write_report", "fmt"]

#: columns of summary.csv and aggregate.csv that come first (and head the file of an empty run)
SUMMARY_COLUMNS = ("suite", "entry", "env_id", "family", "agent", "agent_name", "n", "failed", "skipped",
                   "iqm", "ci_low", "ci_high", "mean", "success")
AGGREGATE_COLUMNS = ("scope", "agent", "iqm", "ci_low", "ci_high", "n_runs", "n_tasks", "tasks_in_scope")
#: reference CSV columns that hold text (every other column is parsed as a number)
TEXT_COLUMNS = {"suite", "entry", "env_id", "family", "agent", "agent_name"}
#: the per-environment extras a family table shows, with their headers, where any of its rows has them
EXTRAS = {"regret": "regret", "attempts": "attempts", "acc": "ACC", "forgetting": "forgetting", "bwt": "BWT"}
#: lines of a failed job's traceback quoted in the report
TRACEBACK_LINES = 15


def read_csv(path: str | os.PathLike) -> list[dict]:
    """Rows of a ``summary.csv`` or ``aggregate.csv`` this module wrote, numbers parsed back."""
    with open(path, newline="", encoding="utf-8") as f:
        return [{k: _parse(k, v) for k, v in row.items()} for row in csv.DictReader(f)]


def load_reference(suite: str) -> list[dict] | None:
    """The stored reference rows of ``suite`` (``baselines/results/bench/<suite>.csv``, the columns of
    :func:`loopgym.bench.stats.summary_rows`), numbers parsed back and empty cells as ``None``; ``None``
    when the suite has no stored reference."""
    try:
        file = importlib.resources.files("loopgym.baselines") / "results" / "bench" / f"{suite}.csv"
        if not file.is_file():
            return None
        text = file.read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError):
        return None
    return [{k: _parse(k, v) for k, v in row.items()} for row in csv.DictReader(text.splitlines())]


def _parse(column: str, cell: str | None) -> Any:
    if cell is None or cell == "":
        return None
    if column in TEXT_COLUMNS:
        return cell
    for kind in (int, float):
        try:
            return kind(cell)
        except ValueError:
            pass
    return cell


def write_csv(path: str | os.PathLike, rows: Iterable[Mapping[str, Any]], columns: Sequence[str] = ()) -> Path:
    """Write ``rows`` as CSV: ``columns`` first, then every other key in the order first seen (so the
    header is stable from run to run); ``None`` becomes an empty cell. Returns the path."""
    rows = list(rows)
    header = list(dict.fromkeys([*columns, *(k for row in rows for k in row)]))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=header)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return path


def fmt(x: Any, digits: int = 3) -> str:
    """A number to ``digits`` significant digits without exponent notation ("0.350", "12.3", "1234");
    ``None`` and nan as a dash."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "—"
    if x == 0:
        return "0"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(x))))
    return f"{x:.{decimals}f}"


def _interval(point: Any, low: Any, high: Any) -> str:
    if point is None:
        return "—"
    return f"{fmt(point)} [{fmt(low)}, {fmt(high)}]"


def _extra(key: str, value: Any) -> str:
    # regret is in steps of reward: a decimal, like the bandit tables, reads better than 3 digits
    return f"{value:.1f}" if key == "regret" and value is not None else fmt(value)


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]], numeric_from: int = 1) -> list[str]:
    """A markdown table; columns from ``numeric_from`` on are right-aligned."""
    align = ["---" if i < numeric_from else "---:" for i in range(len(header))]
    return [f"| {' | '.join(map(_cell, header))} |", f"|{'|'.join(align)}|",
            *(f"| {' | '.join(map(_cell, row))} |" for row in rows)]


def _duration(seconds: Any) -> str:
    if seconds is None:
        return "—"
    seconds = float(seconds)
    if seconds < 120:
        return f"{seconds:.1f} s"
    minutes, sec = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min {sec:02d} s"


def _fence(text: str) -> str:
    """A code fence longer than any run of backticks in ``text``."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def _label(row: Mapping[str, Any]) -> str:
    """The agent as given, with what it resolved to when that differs ("baseline (thompson)")."""
    agent, name = row.get("agent"), row.get("agent_name")
    return f"{agent} ({name})" if name and name != agent else str(agent)


def _run_block(meta: Mapping[str, Any], records: Sequence[Mapping[str, Any]]) -> list[str]:
    status = Counter(r.get("status") for r in records)
    seeds = meta.get("seeds") or sorted({r["seed"] for r in records})
    executor = meta.get("executor") or "—"
    if meta.get("workers"):
        executor += f", {meta['workers']} workers"
    started, finished = meta.get("started"), meta.get("finished")
    date = f"{started} → {finished}" if started and finished else (started or finished or "—")
    agents = meta.get("agents") or list(dict.fromkeys(r["agent"] for r in records))
    rows = [
        ("agents", ", ".join(f"`{a}`" for a in agents) or "—"),
        ("seeds", f"{', '.join(map(str, seeds))} ({len(seeds)})" if seeds else "—"),
        ("executor", executor), ("wall time", _duration(meta.get("wall_seconds"))),
        ("machine", meta.get("machine") or "—"), ("date", date),
        ("python", meta.get("python") or "—"), ("loopgym", meta.get("loopgym_version") or "—"),
        ("jobs", f"{len(records)}: {status['ok']} ok, {status['failed']} failed, {status['skipped']} skipped"),
    ]
    lines = ["## Run", "", *_table(("", ""), rows, numeric_from=2), ""]
    if meta.get("command"):
        fence = _fence(meta["command"])
        lines += ["Repeat it with:", "", f"{fence}sh", meta["command"], fence, ""]
    return lines


def _overall(agg: Sequence[Mapping[str, Any]], agents: Sequence[str], reps: int) -> list[str]:
    lines = ["## Overall", ""]
    if not agg:
        return lines + ["No job finished, so there is no score to aggregate.", ""]
    scopes = list(dict.fromkeys(r["scope"] for r in agg))
    partial = False
    rows = []
    for agent in agents:
        row: list[str] = [agent]
        for scope in scopes:
            a = next((r for r in agg if r["scope"] == scope and r["agent"] == agent), None)
            text = _interval(a["iqm"], a["ci_low"], a["ci_high"]) if a else "—"
            if a and a["n_tasks"] < a["tasks_in_scope"]:
                text, partial = text + " †", True
            row.append(text)
        rows.append(row)
    lines += [
        "Each cell is the IQM of gold [95% CI]. *gold* is a job's hidden score in [0, 1] (higher is "
        "better; for streams the final average test accuracy), never the reward the agent trained on. "
        "The *IQM* (interquartile mean) is the mean of the middle half of the scores, dropping the best "
        "and worst quarter: sturdier than the mean against an outlier seed, less noisy than the median. "
        "A scope's IQM is over its seeds × environments; the 95% interval is a stratified bootstrap "
        f"({reps} resamples of the seeds within each environment; Agarwal et al., 2021, via rliable).",
        "", *_table(("agent", *scopes), rows), "",
    ]
    if partial:
        lines += ["† covers only some of the scope's environments: the agent finished no seed in the "
                  "others (failed or skipped), so compare it with care.", ""]
    return lines


def _seeds(row: Mapping[str, Any]) -> str:
    text = str(row.get("n", 0))
    notes = [f"{row[k]} {k}" for k in ("failed", "skipped") if row.get(k)]
    return f"{text} ({', '.join(notes)})" if notes else text


def _per_environment(summary: Sequence[Mapping[str, Any]], reference: Sequence[Mapping[str, Any]] | None,
                     suite: str) -> list[str]:
    lines = ["## Per environment", ""]
    if not summary:
        return lines + ["No jobs ran.", ""]
    reference = reference or []
    entries = {row["entry"] for row in summary}
    used_reference = [r for r in reference if r.get("entry") in entries]
    lines += ["IQM of gold over seeds [95% bootstrap CI], the plain mean, the success rate and the "
              "family's own measures, averaged over finished seeds; *n* counts finished seeds."]
    if used_reference:
        lines[-1] += (f" Rows in italics, *reference: …*, are the stored reference results for this suite "
                      f"(`baselines/results/bench/{suite}.csv`, made with `loopgym bench --suite {suite} "
                      "--agent baseline --agent random --seeds 5`), shown for comparison.")
    lines.append("")
    for family in dict.fromkeys(row["family"] for row in summary):
        rows = [r for r in summary if r["family"] == family]
        refs = [r for r in used_reference if r.get("entry") in {row["entry"] for row in rows}]
        extras = [k for k in EXTRAS if any(r.get(k) is not None for r in [*rows, *refs])]
        header = ("entry", "agent", "IQM [95% CI]", "mean", "success", *(EXTRAS[k] for k in extras), "n")
        table = []
        for entry in dict.fromkeys(r["entry"] for r in rows):
            pairs = [*((r, False) for r in rows if r["entry"] == entry),
                     *((r, True) for r in refs if r["entry"] == entry)]
            for r, is_ref in pairs:
                agent = f"*reference: {_label(r)}*" if is_ref else _label(r)
                score = _interval(r.get("iqm"), r.get("ci_low"), r.get("ci_high"))
                if r.get("iqm") is None and not is_ref:
                    score = "skipped" if r.get("skipped") and not r.get("failed") else "failed"
                cells = [score, fmt(r.get("mean")), fmt(r.get("success")),
                         *(_extra(k, r.get(k)) for k in extras), _seeds(r)]
                table.append([entry, agent, *(f"*{c}*" if is_ref and c != "—" else c for c in cells)])
        lines += [f"### {family}", "", *_table(header, table, numeric_from=2), ""]
    return lines


def _plots_section(plots: Mapping[Path, str], out: Path) -> list[str]:
    lines = ["## Plots", ""]
    if not plots:
        return lines + ["No job finished with data to plot.", ""]
    for path, caption in plots.items():
        lines += [caption, "", f"![{path.stem}]({path.relative_to(out).as_posix()})", ""]
    return lines


def _failures(records: Sequence[Mapping[str, Any]]) -> list[str]:
    failed = [r for r in records if r.get("status") == "failed"]
    lines = ["## Failures", ""]
    if not failed:
        return lines + ["None.", ""]
    for r in failed:
        lines += [f"### `{r['key']}`", "", f"**{r.get('error') or 'failed (no error recorded)'}**", ""]
        if r.get("traceback"):
            tail = "\n".join(str(r["traceback"]).rstrip().splitlines()[-TRACEBACK_LINES:])
            fence = _fence(tail)
            lines += [f"{fence}text", tail, fence, ""]
    return lines


def _skipped(records: Sequence[Mapping[str, Any]]) -> list[str]:
    reasons: dict[tuple[str, str], tuple[str, list[int]]] = {}
    for r in records:
        if r.get("status") == "skipped":
            reason, seeds = reasons.setdefault((r["entry"], r["agent"]), (r.get("error") or "no reason given", []))
            seeds.append(r["seed"])
    lines = ["## Skipped", ""]
    if not reasons:
        return lines + ["None.", ""]
    for (entry, agent), (reason, seeds) in reasons.items():
        lines.append(f"- `{entry}` / `{agent}` (seeds {', '.join(map(str, sorted(seeds)))}): {reason}")
    return [*lines, ""]


def _draw(records: Sequence[Mapping[str, Any]], agg: Sequence[Mapping[str, Any]], agents: Sequence[str],
          folder: Path) -> dict[Path, str]:
    """Draw the plots that have data; returns each PNG written with its caption."""
    colours = bench_plots.agent_colours(agents)
    drawn = {
        bench_plots.plot_aggregate(agg, folder / "aggregate.png", colours):
            "IQM of gold with its 95% interval (bar; the line marks the IQM), per agent and scope.",
        bench_plots.plot_regret(records, folder / "regret.png", colours):
            "Bandits: mean cumulative regret against the step (lower is better), ±1 s.e. across seeds.",
        bench_plots.plot_turns(records, folder / "turns.png", colours):
            "Code repair and math revision: fraction of episodes solved within k attempts.",
        bench_plots.plot_streams(records, folder / "streams.png", colours):
            "Streams: mean test accuracy over the tasks (or the online accuracy) along the stream.",
    }
    drawn.pop(None, None)
    for path, (entry, agent) in bench_plots.plot_forgetting(records, folder).items():
        drawn[path] = (f"Forgetting, `{entry}` / `{agent}`: accuracy on test task j (column) after training "
                       "task i (row), averaged over seeds; the drop down a column is what was forgotten.")
    return drawn


def write_report(out: str | os.PathLike, records: Sequence[Mapping[str, Any]], meta: Mapping[str, Any], *,
                 reps: int = DEFAULT_REPS, reference: Sequence[Mapping[str, Any]] | None = None) -> Path:
    """Write ``out/summary.csv``, ``out/aggregate.csv``, ``out/plots/*.png`` and ``out/report.md`` for
    the job ``records`` of a run described by ``meta`` (the run manifest); ``reference`` rows (from
    :func:`load_reference`) are shown beside the run's. Returns the path of ``report.md``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    records = list(records)
    summary = summary_rows(records, reps=reps)
    agg = aggregate_rows(records, reps=reps)
    write_csv(out / "summary.csv", summary, SUMMARY_COLUMNS)
    write_csv(out / "aggregate.csv", agg, AGGREGATE_COLUMNS)
    agents = list(dict.fromkeys([*(meta.get("agents") or []), *(r["agent"] for r in records)]))
    plots = _draw(records, agg, agents, out / "plots")
    suite = meta.get("suite") or (records[0].get("suite") if records else None) or "?"

    lines = [f"# loopgym bench: {suite}", ""]
    if meta.get("suite_description"):
        lines += [str(meta["suite_description"]).strip(), ""]
    if not records:
        lines += ["**No jobs ran.**", ""]
    elif not any(r.get("status") == "ok" for r in records):
        lines += ["**No job finished: every job failed or was skipped** (see Failures and Skipped below).", ""]
    lines += [*_run_block(meta, records), *_overall(agg, agents, reps), *_per_environment(summary, reference, suite),
              *_plots_section(plots, out), *_failures(records), *_skipped(records)]
    lines.append("Files: `summary.csv` (one row per environment and agent), `aggregate.csv` (one row per "
                 "scope and agent), `plots/`.")
    path = out / "report.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
