"""Wrappers that work on any loopgym environment."""

from .curriculum import Curriculum

__all__ = ["Curriculum"]
