"""Wrong answers that a single slip would give: the vector view's candidates and the hint's diagnosis.

For every step of the worked solution and every error class (``steps.ERROR_CLASSES``) we derive a few
erroneous versions of the step, recompute the rest of the solution and keep the final answer it
reaches. That map, *answer -> earliest step whose error gives it*, serves twice:

* the ``hint`` feedback names the first step whose error explains a wrong answer;
* the vector view's candidate answers are the right one plus these plausible wrong ones (topped up
  with perturbed values), arranged so that a policy cannot tell the right candidate by its look alone
  (see :func:`candidate_answers`).

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


def _perturb(v: Fraction, draw: Draw) -> Fraction:
    op = draw.randrange(8)
    return (v + 1, v - 1, v + 2, v - 2, v * 2, v / 2, -v if v else Fraction(1), v + 10)[op]


def _ok(v: Fraction) -> bool:
    return abs(v) <= MAX_ABS and v.denominator <= 10**6


def _pool(first: list[Fraction], n: int, draw: Draw) -> list[Fraction]:
    """``n`` distinct values: ``first`` (the right value first), then perturbations of members drawn
    uniformly — so the right value is not the centre the others cluster around."""
    pool: list[Fraction] = []
    for v in first:
        if v not in pool and _ok(v):
            pool.append(v)
        if len(pool) == n:
            return pool
    for _ in range(50 * n):
        if len(pool) >= n:
            break
        v = _perturb(draw.choice(pool), draw)
        if v not in pool and _ok(v):
            pool.append(v)
    return pool


def candidate_answers(problem: MathProblem, k: int, finals: dict[Parts, tuple[int, str]] | None = None,
                      ) -> list[tuple[Parts, int]]:
    """``k`` (or fewer) distinct candidate answers including the right one, shuffled, each with the step
    whose error gives it (-1 for the right answer and for filler values).

    One value: the right value, wrong final values (up to two thirds of the slots) and perturbations of
    randomly chosen pool members. Two parts (a pair, or a set of two roots): a pool of values per part
    built the same way, and candidates that are all combinations (pairs: the product; sets: the
    two-element subsets), so every value appears equally often and the right one cannot be found by
    counting.
    """
    draw = Draw("candidates", problem.uid, k)
    kind = problem.answer.kind
    right = problem.answer.values
    finals = error_finals(problem) if finals is None else finals
    wrong = list(finals)
    draw.shuffle(wrong)

    def origin(parts: Parts) -> int:
        return finals[parts][0] if parts in finals else -1

    if len(right) == 1:
        firsts = [right[0]] + [w[0] for w in wrong[: max(0, (k - 1) * 2 // 3)] if len(w) == 1]
        chosen = [((v,), origin((v,))) for v in _pool(firsts, k, draw)]
    elif len(right) == 2 and kind == "tuple":
        m = max(2, int(k**0.5))
        pools = [_pool([right[i]] + [w[i] for w in wrong if len(w) == 2], m, draw) for i in range(2)]
        combos = [(a, b) for a in pools[0] for b in pools[1]]
        others = [c for c in combos if c != right]
        draw.shuffle(others)
        chosen = [(c, origin(c)) for c in [right, *others[: k - 1]]]
    elif len(right) == 2:
        n = 2
        while (n + 1) * n // 2 <= k:
            n += 1
        values = _pool(list(right) + [v for w in wrong for v in w], n, draw)
        pairs = [tuple(sorted((values[i], values[j]))) for i in range(len(values)) for j in range(i + 1, len(values))]
        others = [c for c in pairs if c != right]
        draw.shuffle(others)
        chosen = [(c, origin(c)) for c in [right, *others[: k - 1]]]
    else:  # more parts (external datasets): the right answer with one part perturbed at a time
        seen, chosen = {right}, [(right, -1)]
        for _ in range(50 * k):
            if len(chosen) >= k:
                break
            parts = list(right)
            i = draw.randrange(len(parts))
            parts[i] = _perturb(parts[i], draw)
            c = tuple(sorted(set(parts))) if kind == "set" else tuple(parts)
            if c not in seen and all(_ok(v) for v in c):
                seen.add(c)
                chosen.append((c, -1))
    draw.shuffle(chosen)
    return chosen
