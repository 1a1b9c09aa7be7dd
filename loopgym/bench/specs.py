"""Agent specs: the strings ``loopgym bench --agent`` takes, and how a job turns one into an agent.

    SPEC      := TARGET | TARGET "(" NAME=VALUE, ... ")"     e.g.  epsilon-greedy(epsilon=0.05)
    TARGET    := baseline                 each entry's reference agent (the suite's ``baseline``)
               | NAME                     an agent of loopgym.agents.AGENTS (random, thompson, trace-fix, ...)
               | replay:METHOD            a continual learner (naive, er, agem, derpp, ewc, joint)
               | sb3:PATH.zip | sb3:ALGO:PATH.zip   a saved stable-baselines3 / sb3-contrib model
               | chat                     an LLM behind an OpenAI-compatible endpoint (text views)
               | FILE.py:NAME | MODULE:NAME         your own class (built with the arguments) or
                                          function (a policy: observation -> action)

Values are Python literals where they parse (``0.05``, ``[1, 2]``, ``True``), text otherwise. A spec is
a plain string so it travels to worker processes and Ray nodes; each job builds a fresh agent from it.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import importlib.util
import inspect
import os
import sys
from pathlib import Path
from typing import Any

from loopgym.agents import AGENTS


class AgentSpecError(ValueError):
    """An agent spec that cannot be used; the message says why and what would work."""


@dataclasses.dataclass(frozen=True)
class AgentSpec:
    raw: str
    target: str
    kwargs: dict[str, Any]


def _split_args(text: str) -> list[str]:
    """Split ``a=1, b=[1, 2], c='x,y'`` at the commas that are not inside brackets or quotes."""
    parts, depth, quote, start = [], 0, "", 0
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def _literal(raw: str) -> Any:
    try:
        return ast.literal_eval(raw)
    except (ValueError, SyntaxError):
        return {"true": True, "false": False, "none": None, "null": None}.get(raw.strip().lower(), raw.strip())


def parse_spec(spec: str) -> AgentSpec:
    """``"eps(epsilon=0.1)"`` -> ``AgentSpec("eps(epsilon=0.1)", "eps", {"epsilon": 0.1})``."""
    raw = spec.strip()
    if not raw:
        raise AgentSpecError("an empty agent spec; give a name such as 'random' or 'baseline'")
    target, kwargs = raw, {}
    if raw.endswith(")") and "(" in raw:
        target, _, inner = raw[:-1].partition("(")
        target = target.strip()
        for part in _split_args(inner):
            key, sep, value = part.partition("=")
            if not sep or not key.strip().isidentifier():
                raise AgentSpecError(f"agent spec {spec!r}: {part!r} is not of the form name=value")
            kwargs[key.strip()] = _literal(value)
    return AgentSpec(raw, target, kwargs)


def _load_attr(target: str) -> Any:
    """``module:Name`` or ``path/to/file.py:Name`` -> the object."""
    where, _, attr = target.rpartition(":")
    if where.endswith(".py"):
        path = Path(where).expanduser().resolve()
        if not path.is_file():
            raise AgentSpecError(f"agent file {where!r} does not exist (looked in {path.parent})")
        name = f"loopgym_user_agent_{abs(hash(str(path)))}"
        module = sys.modules.get(name)
        if module is None:
            spec = importlib.util.spec_from_file_location(name, path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            try:
                spec.loader.exec_module(module)
            except Exception as err:
                del sys.modules[name]
                raise AgentSpecError(f"agent file {where!r} does not import: {type(err).__name__}: {err}") from err
    else:
        # `loopgym` is a console script, so the current folder is not on sys.path; a user's own module
        # next to where they run the command should import all the same
        if os.getcwd() not in sys.path:
            sys.path.append(os.getcwd())
        try:
            module = importlib.import_module(where)
        except Exception as err:
            raise AgentSpecError(
                f"agent module {where!r} does not import: {type(err).__name__}: {err}. Check the name, "
                "install it, or give a file path (my_agent.py:MyAgent)"
            ) from err
    try:
        return getattr(module, attr)
    except AttributeError:
        public = [n for n in dir(module) if not n.startswith("_")]
        raise AgentSpecError(f"{where!r} has no {attr!r}; it has {', '.join(public[:20])}") from None


def _check_kwargs(obj: Any, kwargs: dict[str, Any], spec: str) -> None:
    try:
        inspect.signature(obj).bind(**kwargs)
    except TypeError as err:
        raise AgentSpecError(f"agent spec {spec!r}: {err}") from None
    except ValueError:  # no signature to check (a builtin); building it will tell
        pass


def _learner_params(obj: Any) -> set[str] | None:
    """For a ContinualLearner class (``predict``/``observe``, no ``act``): which of ``info`` and ``seed``
    its constructor asks for (it is given those); ``None`` for anything else."""
    if not (inspect.isclass(obj) and not hasattr(obj, "act") and hasattr(obj, "predict")):
        return None
    return {"info", "seed"} & set(inspect.signature(obj).parameters)


def check_spec(spec: str) -> AgentSpec:
    """Parse ``spec`` and make sure it can be built (imports, arguments), in the parent process, so a
    typo fails before any job starts. ``baseline`` is checked per entry when its jobs are made."""
    s = parse_spec(spec)
    t = s.target
    if t == "baseline":
        if s.kwargs:
            raise AgentSpecError("'baseline' takes no arguments: each entry names its own reference agent")
    elif t in AGENTS:
        _check_kwargs(_load_attr(AGENTS[t]), s.kwargs, spec)
    elif t.startswith("replay:"):
        from loopgym.baselines import replay  # needs torch: the baselines extra

        method = t.split(":", 1)[1]
        if method not in replay.METHODS:
            raise AgentSpecError(f"unknown replay method {method!r}; methods: {', '.join(replay.METHODS)}")
    elif t.startswith("sb3:"):
        algo, path = _sb3_parts(t)
        if not Path(path).expanduser().is_file():
            raise AgentSpecError(f"agent spec {spec!r}: no saved model at {path!r}")
    elif t == "chat":
        from loopgym.bench.chat import ChatAgent

        try:
            ChatAgent(**s.kwargs)
        except (TypeError, ValueError) as err:
            raise AgentSpecError(f"agent spec {spec!r}: {err}") from None
    elif ":" in t:
        obj = _load_attr(t)
        learner = _learner_params(obj)
        if learner is not None:
            _check_kwargs(obj, {**s.kwargs, **dict.fromkeys(learner)}, spec)
        elif inspect.isclass(obj):
            _check_kwargs(obj, s.kwargs, spec)
        elif not callable(obj):
            raise AgentSpecError(f"{t!r} is a {type(obj).__name__}, neither an agent class nor a policy function")
    else:
        raise AgentSpecError(
            f"unknown agent {t!r}; known agents: baseline, {', '.join(AGENTS)}, replay:METHOD, "
            "sb3:PATH.zip, chat, or your own FILE.py:NAME / MODULE:NAME"
        )
    return s


def absolute_spec(spec: str) -> str:
    """``spec`` with a relative file (``my_agent.py:MyAgent``, ``sb3:model.zip``) made absolute, so a
    worker whose working folder differs (a Ray worker) finds the same file."""
    s = parse_spec(spec)
    t = s.target
    if t.startswith("sb3:"):
        algo, path = _sb3_parts(t)
        new = f"sb3:{algo}:{Path(path).expanduser().resolve()}"
    elif ":" in t and t.rpartition(":")[0].endswith(".py"):
        where, _, attr = t.rpartition(":")
        new = f"{Path(where).expanduser().resolve()}:{attr}"
    else:
        return spec
    return new + s.raw[len(t):]


def _sb3_parts(target: str) -> tuple[str, str]:
    rest = target.split(":", 1)[1]
    head, sep, tail = rest.partition(":")
    if sep and not head.endswith(".zip") and head.replace("_", "").isalnum():
        return head, tail
    return "PPO", rest


def resolve_baseline(spec: str, baseline: str | None, entry: str) -> str:
    """The spec a job runs: ``baseline`` becomes the entry's reference agent."""
    if parse_spec(spec).target != "baseline":
        return spec
    if not baseline:
        raise LookupError(f"suite entry {entry!r} names no baseline agent")
    return baseline


def build(spec: str, *, family: str) -> tuple[str, Any]:
    """A fresh agent for one job: ``("agent", Agent)`` or ``("learner", factory(info, seed))`` for a
    continual learner, which needs the stream's description before it can be made."""
    s = parse_spec(spec)
    t = s.target
    if t.startswith("replay:"):
        from loopgym.baselines.replay import make_learner

        method = t.split(":", 1)[1]
        device = s.kwargs.pop("device", "auto")
        if family != "streams":
            raise ValueError(f"replay:{method} learns continual-learning streams; this env is {family}")
        return "learner", lambda info, seed: make_learner(method, info, seed, config=s.kwargs or None,
                                                          device=device)
    if t.startswith("sb3:"):
        from loopgym.bench.adapters import SB3Agent

        algo, path = _sb3_parts(t)
        return "agent", SB3Agent.load(path, algo=algo, **s.kwargs)
    if t == "chat":
        from loopgym.bench.chat import ChatAgent

        return "agent", ChatAgent(**s.kwargs)
    obj = _load_attr(AGENTS.get(t, t))
    learner = _learner_params(obj)
    if learner is not None:
        def factory(info, seed, cls=obj, kwargs=s.kwargs):
            extra = {k: v for k, v in (("info", info), ("seed", seed)) if k in learner}
            return cls(**kwargs, **extra)

        return "learner", factory
    if inspect.isclass(obj):
        made = obj(**s.kwargs)
    elif callable(obj) and not hasattr(obj, "act") and not hasattr(obj, "predict"):
        from loopgym.bench.adapters import CallableAgent

        made = CallableAgent(obj, **s.kwargs)
    else:
        import copy

        made = copy.deepcopy(obj)  # a module-level agent object: every job gets its own copy
    if hasattr(made, "act"):
        return "agent", made
    if hasattr(made, "predict") and hasattr(made, "observe"):
        return "learner", lambda info, seed, made=made: made
    raise AgentSpecError(
        f"{spec!r} built a {type(made).__name__}, which is neither an Agent (reset/act/observe) nor a "
        "ContinualLearner (predict/observe)"
    )
