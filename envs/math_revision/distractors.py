"""Wrong answers that a single slip would give: the vector view's candidates and the hint's diagnosis.

For every step of the worked solution and every error class (``steps.ERROR_CLASSES``) we derive a few
erroneous versions of the step, recompute the rest of the solution and keep the final answer it
reaches. That map, *answer -> earliest step whose error gives it*, serves twice:

* the ``hint`` feedback names the first step whose error explains a wrong answer;
* the vector view's candidate answers are the right one plus these plausible wrong ones (topped up
  with near values: off by one, doubled, halved, negated, a missing or swapped part), so a policy
  cannot tell the right candidate by its look alone.

Everything is drawn from a :class:`~.generators.Draw` keyed on the problem, so it is the same for
the same problem on every machine.
"""

from __future__ import annotations

from fractions import Fraction

from .generators import Draw
from .steps import ERROR_CLASSES, MathProblem, Solution, error_variant

#: erroneous versions tried per (step, error class)
VARIANTS_PER_CLASS = 2
#: candidate values further than this from every right part are not offered (keeps them plausible)
MAX_ABS = Fraction(10) ** 9

Parts = tuple[Fraction, ...]


def error_finals(problem: MathProblem, solution: Solution | None = None) -> dict[Parts, tuple[int, str]]:
    """Final answers reachable by one erroneous step -> (earliest such step, error class)."""
    solution = solution or problem.solution
    draw = Draw("diagnose", problem.uid)
    kind = problem.answer.kind
    right = problem.answer.values
    out: dict[Parts, tuple[int, str]] = {}
    for index in range(len(solution.steps)):
        for cls in ERROR_CLASSES:
            for _ in range(VARIANTS_PER_CLASS):
                bad = error_variant(solution, index, cls, draw, problem.params)
                if bad is None:
                    break
                final = solution.replace(index, bad).final(kind)
                if any(v is None for v in final) or final == right:
                    continue
                out.setdefault(final, (index, cls))
    return out


def _near(right: Parts, kind: str, draw: Draw) -> list[Parts]:
    out: list[Parts] = []
    for i in range(len(right)):
        v = right[i]
        for new in (v + 1, v - 1, v * 2, v / 2 if v else Fraction(1, 2), -v, v + 10, v - 10, 1 / v if v else Fraction(3)):
            parts = list(right)
            parts[i] = new
            out.append(tuple(parts))
    if len(right) == 2:
        out.append((right[1], right[0]))  # swapped pair (a wrong answer for an ordered pair)
        out.append((right[0],))  # a partial answer
        out.append((right[1],))
    if kind == "set" and len(right) == 1:
        out.append((right[0], -right[0]) if right[0] else (right[0], Fraction(1)))
    draw.shuffle(out)
    return out


def candidate_answers(problem: MathProblem, k: int, finals: dict[Parts, tuple[int, str]] | None = None,
                      ) -> list[tuple[Parts, int]]:
    """``k`` (or fewer) distinct candidate answers including the right one, shuffled, each with the step
    whose error gives it (-1 for the right answer and for near values)."""
    draw = Draw("candidates", problem.uid, k)
    kind = problem.answer.kind
    right = problem.answer.values

    def norm(parts: Parts) -> Parts:
        return tuple(sorted(set(parts))) if kind == "set" else parts

    finals = error_finals(problem) if finals is None else finals
    pool: list[tuple[Parts, int]] = [(f, s) for f, (s, _) in finals.items()]
    draw.shuffle(pool)
    seen = {right}
    chosen: list[tuple[Parts, int]] = [(right, -1)]
    for parts, step in pool[: max(0, (k - 1) * 2 // 3)] + [(p, -1) for p in _near(right, kind, draw)] + pool:
        if len(chosen) >= k:
            break
        parts = norm(parts)
        if parts in seen or any(abs(v) > MAX_ABS or v.denominator > 10**6 for v in parts):
            continue
        if kind != "set" and len(parts) != len(right):
            continue
        seen.add(parts)
        chosen.append((parts, step))
    draw.shuffle(chosen)
    return chosen
