"""A language model behind an OpenAI-compatible chat-completions endpoint, as a text-view agent.

Works with any server that speaks ``POST {base_url}/chat/completions``: vLLM, llama.cpp's server,
Ollama's ``/v1``, hosted APIs. Standard library only (urllib), so benchmarks need no client package::

    # vllm serve Qwen/Qwen2.5-1.5B-Instruct  (listens on http://localhost:8000/v1)
    agent = ChatAgent(model="Qwen/Qwen2.5-1.5B-Instruct", base_url="http://localhost:8000/v1")
    run_episode(gym.make("loopgym/CodeRepair-v0", view="text"), agent, seed=0)
    print(agent.stats)   # requests, retries, failures, malformed, truncated, tokens

A benchmark must not stop because a server hiccups: :meth:`ChatAgent.act` never raises. Failed
requests are retried with exponential backoff; when every try fails, or the reply cannot be read,
the agent answers a short bracketed text (``"[chat agent: no reply: ...]"``) that the env treats
like any unreadable answer, with feedback and a spent attempt, and the counters in ``stats`` say
how often that happened.
"""

from __future__ import annotations

import http.client
import inspect
import json
import os
import time
import urllib.error
import urllib.request
from typing import Any

import gymnasium as gym
from gymnasium import spaces

from loopgym.config import ConfigError, check_float, check_int

DEFAULT_SYSTEM_PROMPT = (
    "You are an agent in an iterative environment. Each message shows the task and the feedback on "
    "your previous answer; use that feedback to improve your next answer. Reply with your answer only, "
    "in the format the message asks for, without explanations."
)
#: counters kept in :attr:`ChatAgent.stats` (cumulative over the agent's life)
STAT_KEYS = ("requests", "retries", "failures", "malformed", "truncated", "prompt_tokens",
             "completion_tokens")
#: HTTP statuses worth another try: rate limits and server-side errors
_RETRY_STATUSES = (408, 429)
#: longest error detail quoted back (the text goes to the env as the agent's answer)
_DETAIL_CHARS = 120


def _short(text: Any) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= _DETAIL_CHARS else text[: _DETAIL_CHARS - 3] + "..."


def env_description(env: gym.Env) -> str:
    """The env class docstring's summary line and the first paragraph of its ``## Description``
    section (loopgym's env docstrings follow Gymnasium's sections), or ``""``."""
    doc = inspect.getdoc(type(env.unwrapped)) or ""
    lines = doc.splitlines()
    summary = lines[0].strip() if lines else ""
    paragraph: list[str] = []
    if "## Description" in lines:
        for line in lines[lines.index("## Description") + 1:]:
            if not line.strip() or line.startswith("##"):
                break
            paragraph.append(line.strip())
    return "\n".join(part for part in (summary, " ".join(paragraph)) if part)


class _Failure(Exception):
    """A request that produced no usable reply; ``kind`` is ``"no reply"`` or ``"malformed reply"``."""

    def __init__(self, kind: str, reason: str):
        super().__init__(reason)
        self.kind, self.reason = kind, reason


class ChatAgent:
    """An LLM that plays loopgym's text views through an OpenAI-compatible chat endpoint.

    Arguments (``model``, ``base_url`` and ``api_key`` fall back to environment variables):

    * ``model``: the served model's name (``LOOPGYM_MODEL``); required.
    * ``base_url``: e.g. ``"http://localhost:8000/v1"`` (``LOOPGYM_BASE_URL``, then
      ``OPENAI_BASE_URL``); required. Requests go to ``{base_url}/chat/completions``.
    * ``api_key``: sent as ``Authorization: Bearer ...`` when set (``LOOPGYM_API_KEY``, then
      ``OPENAI_API_KEY``).
    * ``timeout_s``: per-request timeout; ``max_retries`` further tries after a connection error,
      timeout, HTTP 408/429 or 5xx, waiting ``backoff_s * 2**k`` before try ``k + 1`` (other 4xx
      answers are not retried). One :meth:`act` takes at most about
      ``(max_retries + 1) * timeout_s`` plus the backoff.
    * ``temperature``, ``max_tokens``: sampling settings sent with every request; the episode's
      seed is sent as ``seed`` (servers that honour it are then reproducible).
    * ``system_prompt``: replaces the default one (which says what the agent is and describes the
      env from its id and docstring) verbatim.
    * ``history_turns``: how many earlier (observation, answer) pairs each request carries.
    * ``extra_body``: more request fields (``{"top_p": 0.9}``, vLLM's ``chat_template_kwargs``...),
      applied last.

    The agent holds only plain attributes, so it pickles (benchmark workers build it from a spec).
    """

    view = "text"

    def __init__(
        self,
        model: str | None = None,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout_s: float = 60.0,
        max_retries: int = 2,
        backoff_s: float = 1.0,
        temperature: float = 0.0,
        max_tokens: int = 512,
        system_prompt: str | None = None,
        history_turns: int = 8,
        extra_body: dict[str, Any] | None = None,
    ):
        self.model = model or os.environ.get("LOOPGYM_MODEL")
        if not self.model:
            raise ConfigError("model is not set: pass model=... or set the LOOPGYM_MODEL environment variable")
        base_url = base_url or os.environ.get("LOOPGYM_BASE_URL") or os.environ.get("OPENAI_BASE_URL")
        if not base_url:
            raise ConfigError(
                "base_url is not set: pass base_url=... (e.g. 'http://localhost:8000/v1') or set the "
                "LOOPGYM_BASE_URL (or OPENAI_BASE_URL) environment variable"
            )
        base_url = base_url.rstrip("/")
        if not base_url.startswith(("http://", "https://")):
            raise ConfigError(f"base_url={base_url!r} is not allowed: base_url must start with http:// or https://")
        # accept the full endpoint as well as the API root
        self.url = base_url if base_url.endswith("/chat/completions") else base_url + "/chat/completions"
        self.base_url = base_url
        self.api_key = api_key or os.environ.get("LOOPGYM_API_KEY") or os.environ.get("OPENAI_API_KEY")
        self.timeout_s = check_float("timeout_s", timeout_s, low=0.0, low_open=True)
        self.max_retries = check_int("max_retries", max_retries, low=0)
        self.backoff_s = check_float("backoff_s", backoff_s, low=0.0)
        self.temperature = check_float("temperature", temperature, low=0.0)
        self.max_tokens = check_int("max_tokens", max_tokens, low=1)
        if system_prompt is not None and not isinstance(system_prompt, str):
            raise ConfigError(f"system_prompt={system_prompt!r} is not allowed: system_prompt must be a str or None")
        self.system_prompt = system_prompt
        self.history_turns = check_int("history_turns", history_turns, low=0)
        if extra_body is not None and not isinstance(extra_body, dict):
            raise ConfigError(f"extra_body={extra_body!r} is not allowed: extra_body must be a dict or None")
        self.extra_body = dict(extra_body or {})
        try:
            json.dumps(self.extra_body)
        except (TypeError, ValueError) as err:
            raise ConfigError(f"extra_body={extra_body!r} is not allowed: it must be JSON-serialisable ({err})") from None
        self.stats: dict[str, int] = dict.fromkeys(STAT_KEYS, 0)
        # episode state, set by reset()
        self.seed: int | None = None
        self.max_length: int | None = None
        self.system = ""
        self.turns: list[tuple[str, str]] = []
        self.steps = 0

    def __repr__(self) -> str:
        return f"ChatAgent(model={self.model!r}, base_url={self.base_url!r})"

    # -- the Agent protocol ------------------------------------------------------------------------

    def reset(self, env: gym.Env, *, seed: int | None = None) -> None:
        """Start a conversation for a new episode of ``env`` (a text view)."""
        space = env.action_space
        if not isinstance(space, spaces.Text):
            raise ValueError(
                f"ChatAgent answers in text but this env's action space is {space}: "
                "make the env with view='text'"
            )
        self.max_length = getattr(space, "max_length", None)
        if self.system_prompt is not None:
            self.system = self.system_prompt
        else:
            env_id = env.spec.id if env.spec is not None else type(env.unwrapped).__name__
            about = env_description(env)
            self.system = f"{DEFAULT_SYSTEM_PROMPT}\n\nEnvironment: {env_id}" + (f"\n{about}" if about else "")
        self.seed = None if seed is None else int(seed)
        self.turns = []
        self.steps = 0

    def act(self, observation: Any) -> str:
        """The model's answer to ``observation`` (never raises; see the module docstring)."""
        text = observation if isinstance(observation, str) else str(observation)
        body = {
            "model": self.model,
            "messages": self.messages(text),
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
        }
        if self.seed is not None:
            body["seed"] = self.seed
        body.update(self.extra_body)
        try:
            answer = self._reply(self._post(body))
        except _Failure as failure:
            self.stats["failures" if failure.kind == "no reply" else "malformed"] += 1
            answer = f"[chat agent: {failure.kind}: {failure.reason}]"
            if self.max_length is not None:
                answer = answer[: self.max_length]
        else:
            if self.max_length is not None and len(answer) > self.max_length:
                answer = answer[: self.max_length]
                self.stats["truncated"] += 1
        # the history records what the env received, so the conversation matches the feedback
        self.turns.append((text, answer))
        del self.turns[: max(len(self.turns) - self.history_turns, 0)]
        return answer

    def observe(self, action: Any, reward: float, observation: Any, info: dict[str, Any]) -> None:
        # the next observation already carries the feedback; act() adds it to the conversation
        self.steps += 1

    # -- the conversation and the HTTP exchange ----------------------------------------------------

    def messages(self, observation: str) -> list[dict[str, str]]:
        """The request's messages: the system prompt, the last ``history_turns`` exchanges and the
        new observation."""
        out = [{"role": "system", "content": self.system}] if self.system else []
        for user, assistant in self.turns:  # act() keeps only the last history_turns
            out.append({"role": "user", "content": user})
            out.append({"role": "assistant", "content": assistant})
        out.append({"role": "user", "content": observation})
        return out

    def _post(self, body: dict[str, Any]) -> bytes:
        """POST ``body``; retry what may pass on a later try; the raw reply or a :class:`_Failure`."""
        data = json.dumps(body).encode()
        headers = {"Content-Type": "application/json", "Accept": "application/json",
                   "User-Agent": "loopgym-chat-agent"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        tries = self.max_retries + 1
        reason = ""
        for k in range(tries):
            if k:
                self.stats["retries"] += 1
                time.sleep(self.backoff_s * 2 ** (k - 1))
            self.stats["requests"] += 1
            request = urllib.request.Request(self.url, data=data, headers=headers, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                    return response.read()
            except urllib.error.HTTPError as err:
                try:
                    detail = _short(err.read().decode("utf-8", "replace"))
                except (OSError, http.client.HTTPException):
                    detail = ""
                reason = f"HTTP {err.code}" + (f" {detail}" if detail else "")
                if err.code not in _RETRY_STATUSES and err.code < 500:
                    raise _Failure("no reply", reason) from None  # the request itself is wrong
            except urllib.error.URLError as err:
                reason = _short(getattr(err, "reason", err))
            except (TimeoutError, OSError, http.client.HTTPException) as err:
                reason = _short(err) or type(err).__name__
        raise _Failure("no reply", f"{reason} after {tries} {'try' if tries == 1 else 'tries'}")

    def _reply(self, raw: bytes) -> str:
        """The assistant's text from a raw reply, counting tokens; a :class:`_Failure` if unreadable."""
        try:
            reply = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            raise _Failure("malformed reply", f"not JSON: {_short(raw[:200])}") from None
        if not isinstance(reply, dict):
            raise _Failure("malformed reply", f"not a JSON object: {_short(reply)}")
        usage = reply.get("usage")
        if isinstance(usage, dict):
            for key in ("prompt_tokens", "completion_tokens"):
                if isinstance(usage.get(key), int):
                    self.stats[key] += usage[key]
        choices = reply.get("choices")
        if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
            error = reply.get("error")
            raise _Failure("malformed reply", f"error: {_short(error)}" if error else "no choices")
        message = choices[0].get("message")
        if not isinstance(message, dict):
            raise _Failure("malformed reply", "choice has no message")
        content = message.get("content")
        if content is None:
            return ""  # e.g. a reply cut off by max_tokens inside a reasoning model's thinking
        if not isinstance(content, str):
            raise _Failure("malformed reply", f"content is {type(content).__name__}, not text")
        return content
