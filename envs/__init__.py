"""loopgym's task families; importing this registers every id."""

from . import bandits, code_repair, math_revision, streams  # noqa: F401
