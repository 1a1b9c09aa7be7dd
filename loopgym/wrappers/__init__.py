"""Wrappers that work on any loopgym environment."""

from .continual import ContinualStream, make_schedule
from .curriculum import Curriculum

__all__ = ["ContinualStream", "Curriculum", "make_schedule"]
