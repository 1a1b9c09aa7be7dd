"""loopgym's task families; importing this registers every id."""

from . import bandits  # noqa: F401
