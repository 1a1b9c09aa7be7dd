"""Code repair: fix a buggy Python function from sandboxed test feedback; hidden tests score it."""

from loopgym.registry import register

from .envs import ALL, CodeRepair

for _cls in ALL:
    register(_cls, family="code_repair", smoke_kwargs={"max_attempts": 4, "timeout_s": 0.5})

__all__ = ["ALL", "CodeRepair"]
