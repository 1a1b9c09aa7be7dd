"""loopgym's task families; importing this registers every id."""

from . import bandits, code_repair  # noqa: F401
