"""Math revision: generated problems with exact answers; answer and revise, or repair a worked solution."""

from loopgym.registry import register

from .envs import ALL, MathRevision, StepRevision
from .generators import FAMILY_NAMES, dataset, generate
from .verify import verify

for _cls in ALL:
    register(_cls, family="math_revision", smoke_kwargs={"max_attempts": 4})

__all__ = ["ALL", "FAMILY_NAMES", "MathRevision", "StepRevision", "dataset", "generate", "verify"]
