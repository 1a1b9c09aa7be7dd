"""Problems from reasoning-gym datasets as MathRevision problems (``pip install loopgym[reasoning-gym]``).

``gym.make("loopgym/MathRevision-v0", families=["rg:basic_arithmetic", "rg:gsm_symbolic"])`` draws
problems from those datasets; our verifier judges the answers (exactly: equivalent forms are
accepted, nothing else), not reasoning-gym's partial-credit scorer. Only datasets whose answers are
numbers can be used: an answer is read with :func:`verify.parse_number` (a comma-separated list of
numbers becomes a set, as ``polynomial_equations`` writes its roots); an entry whose answer is not
a number is skipped for the next index. reasoning-gym gives no worked solution, so the ``hint``
level says none is available, the vector view's candidates are near values only, and StepRevision
cannot use these problems. Entry ``i`` of a dataset comes from reasoning-gym's own seeding
(``create_dataset(name, seed=seed, size=...)[i]``), so it is as reproducible as reasoning-gym is;
``level`` is not passed on (reasoning-gym's difficulty knobs differ per dataset).
"""

from __future__ import annotations

import functools
from fractions import Fraction

from loopgym.config import ConfigError

from .steps import Answer, MathProblem, Solution
from .verify import AnswerError, parse_number

#: datasets whose answers are exact numbers (a number, or a list of them for polynomial roots)
NUMERIC = (
    "basic_arithmetic", "chain_sum", "decimal_chain_sum", "fraction_simplification", "simple_equations",
    "gcd", "lcm", "products", "gsm_symbolic", "leg_counting", "count_bits", "count_primes", "dice",
    "polynomial_equations", "number_sequence", "bitwise_arithmetic", "time_intervals",
)
#: entries read per dataset and seed (reasoning-gym datasets need a size)
SIZE = 100_000
#: skipped entries tried before giving up on an index
MAX_SKIP = 50


def _module():
    try:
        import reasoning_gym
    except ImportError:  # pragma: no cover - depends on the environment
        raise ConfigError(
            "families: 'rg:...' needs reasoning-gym; install it with pip install 'loopgym[reasoning-gym]'"
        ) from None
    return reasoning_gym


def check_dataset(name: str) -> None:
    _module()  # a clear error when reasoning-gym is not installed
    from reasoning_gym.factory import DATASETS

    if name not in DATASETS:
        raise ConfigError(f"families: unknown reasoning-gym dataset {name!r}; numeric ones: {', '.join(NUMERIC)}")


@functools.lru_cache(maxsize=32)
def _dataset(name: str, seed: int):
    return _module().create_dataset(name, seed=seed, size=SIZE)


def read_answer(text: str) -> Answer:
    """A reasoning-gym answer string as an exact :class:`Answer` (AnswerError if it is not numeric)."""
    text = str(text).strip()
    if "," in text and not text.replace(",", "").strip().lstrip("-").isdigit():
        values = [parse_number(p) for p in text.split(",") if p.strip()]
        return Answer.of("set", values)
    return Answer.of("scalar", [parse_number(text)])


def problem(name: str, seed: int, index: int, level: int) -> MathProblem:
    """Entry ``index`` of ``seed`` (or the next one whose answer is a number)."""
    ds = _dataset(name, seed % (2**31))
    for j in range(index, index + MAX_SKIP):
        entry = ds[j % SIZE]
        try:
            answer = read_answer(entry["answer"])
        except AnswerError:
            continue
        params = []
        for token in entry["question"].replace(",", " ").split():
            try:
                params.append(Fraction(token.strip(".?:;()")))
            except (ValueError, ZeroDivisionError):
                continue
        return MathProblem(
            family=f"rg:{name}", level=level, seed=seed, index=j, question=entry["question"], answer=answer,
            solution=Solution((), ()), params=tuple(params[:8]), kind=name,
        )
    raise ConfigError(f"reasoning-gym dataset {name!r} gave no numeric answer in {MAX_SKIP} entries; numeric "
                      f"datasets: {', '.join(NUMERIC)}")
