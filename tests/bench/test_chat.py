"""ChatAgent against a local OpenAI-compatible server whose behaviour the model name selects."""

from __future__ import annotations

import json
import pickle
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import gymnasium as gym
import pytest

import loopgym  # noqa: F401  (registers the ids)
from loopgym.bench.chat import ChatAgent, env_description
from loopgym.runner import run_episode

SLOW_S = 1.0  # how long the "slow" model takes; tests use timeouts well below it


def _reply(content, usage=True) -> dict:
    out = {"id": "x", "object": "chat.completion",
           "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}]}
    if usage:
        out["usage"] = {"prompt_tokens": 7, "completion_tokens": 1, "total_tokens": 8}
    return out


class Handler(BaseHTTPRequestHandler):
    """``POST /v1/chat/completions``; the request's model name picks what the server does."""

    state: dict = {}

    def log_message(self, *args) -> None:  # keep pytest's output clean
        pass

    def send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (the "slow" model)

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.state["requests"].append({"path": self.path, "headers": dict(self.headers), "body": body})
        if self.path != "/v1/chat/completions":
            return self.send(404, b'{"error": "not found"}')
        model = body["model"]
        if model == "slow":
            time.sleep(SLOW_S)
            return self.send(200, json.dumps(_reply("0")).encode())
        if model == "flaky" and self.state["failures_left"] > 0:
            self.state["failures_left"] -= 1
            return self.send(500, b'{"error": "overloaded"}')
        answers = {
            "garbage": (200, b"<html>not json</html>"),
            "unauthorized": (401, b'{"error": {"message": "bad key"}}'),
            "ratelimited": (429, b'{"error": "slow down"}'),
            "nochoices": (200, json.dumps({"choices": []}).encode()),
            "badcontent": (200, json.dumps(_reply([{"type": "text"}])).encode()),
            "nullcontent": (200, json.dumps(_reply(None, usage=False)).encode()),
            "long": (200, json.dumps(_reply("arm 1 " + "because " * 40)).encode()),
        }
        status, payload = answers.get(model, (200, json.dumps(_reply("0")).encode()))
        return self.send(status, payload)


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.block_on_close = False  # do not wait for the "slow" model's sleeping handlers
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def url(server, monkeypatch):
    Handler.state = {"requests": [], "failures_left": 1}
    for var in ("LOOPGYM_API_KEY", "OPENAI_API_KEY", "LOOPGYM_BASE_URL", "OPENAI_BASE_URL", "LOOPGYM_MODEL"):
        monkeypatch.delenv(var, raising=False)
    # a proxy set in the environment must not intercept the local server
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    return server


def requests() -> list[dict]:
    return Handler.state["requests"]


def bandit(**kwargs) -> gym.Env:
    return gym.make("loopgym/BernoulliBandit-v0", view="text", **{"horizon": 5, **kwargs})


def agent_for(url: str, model: str, **kwargs) -> ChatAgent:
    kwargs = {"timeout_s": 2.0, "backoff_s": 0.01, **kwargs}
    return ChatAgent(model=model, base_url=url, **kwargs)


def test_plays_a_bandit_episode(url):
    agent = agent_for(url, "echo", api_key="sekrit")
    result = run_episode(bandit(), agent, seed=0)
    assert result.length == 5
    assert agent.stats["requests"] == 5 and agent.stats["failures"] == agent.stats["malformed"] == 0
    assert agent.stats["prompt_tokens"] == 35 and agent.stats["completion_tokens"] == 5
    first = requests()[0]
    assert first["path"] == "/v1/chat/completions"  # the trailing slash of base_url is dropped
    assert first["headers"]["Authorization"] == "Bearer sekrit"
    body = first["body"]
    assert body["model"] == "echo" and body["seed"] == 0 and body["temperature"] == 0.0
    system, user = body["messages"]
    assert system["role"] == "system" and "loopgym/BernoulliBandit-v0" in system["content"]
    assert "reply with your answer only" in system["content"].lower()
    assert user["role"] == "user" and "10-armed bandit" in user["content"]
    # later requests carry the conversation: the answers given and the feedback that followed
    last = requests()[-1]["body"]["messages"]
    assert [m["role"] for m in last] == ["system"] + ["user", "assistant"] * 4 + ["user"]
    assert last[2]["content"] == "0" and last[-1]["content"].startswith("Step 4 of 5")


def test_no_key_no_authorization_header_and_env_fallbacks(url, monkeypatch):
    monkeypatch.setenv("LOOPGYM_BASE_URL", url)
    monkeypatch.setenv("LOOPGYM_MODEL", "echo")
    agent = ChatAgent(timeout_s=2.0)
    agent.reset(bandit().unwrapped, seed=None)
    assert agent.act("hello") == "0"
    assert "Authorization" not in requests()[0]["headers"]
    assert "seed" not in requests()[0]["body"]
    monkeypatch.setenv("OPENAI_API_KEY", "from-openai-var")
    agent = ChatAgent(timeout_s=2.0, extra_body={"top_p": 0.5})
    agent.reset(bandit(), seed=3)
    agent.act("hello")
    assert requests()[-1]["headers"]["Authorization"] == "Bearer from-openai-var"
    assert requests()[-1]["body"]["top_p"] == 0.5 and requests()[-1]["body"]["seed"] == 3


def test_missing_settings_name_argument_and_variable(url):
    with pytest.raises(ValueError, match="base_url.*LOOPGYM_BASE_URL"):
        ChatAgent(model="echo")
    with pytest.raises(ValueError, match="model.*LOOPGYM_MODEL"):
        ChatAgent(base_url=url)
    with pytest.raises(ValueError, match="timeout_s"):
        ChatAgent(model="echo", base_url=url, timeout_s=0)
    with pytest.raises(ValueError, match="history_turns"):
        ChatAgent(model="echo", base_url=url, history_turns=-1)
    with pytest.raises(ValueError, match="base_url"):
        ChatAgent(model="echo", base_url="localhost:8000")


def test_vector_view_is_refused(url):
    agent = agent_for(url, "echo")
    with pytest.raises(ValueError, match="view='text'"):
        agent.reset(gym.make("loopgym/BernoulliBandit-v0", horizon=5), seed=0)


def test_slow_server_times_out_and_the_episode_goes_on(url):
    agent = agent_for(url, "slow", timeout_s=0.3, max_retries=1)
    start = time.perf_counter()
    result = run_episode(bandit(horizon=2), agent, seed=0)
    elapsed = time.perf_counter() - start
    assert result.length == 2 and result.episode_return <= 0 and result.gold == 0
    assert agent.stats["failures"] == 2 and agent.stats["requests"] == 4 and agent.stats["retries"] == 2
    assert elapsed < 2 * (2 * 0.3 + 0.01) + 1.0  # bounded by (max_retries + 1) * timeout_s per act
    answer = agent.turns[-1][1]
    assert answer.startswith("[chat agent: no reply:") and "timed out after 2 tries" in answer


def test_garbage_reply_is_malformed_and_answered_by_the_env(url):
    env = bandit(horizon=2)
    agent = agent_for(url, "garbage")
    agent.reset(env, seed=0)
    env.reset(seed=0)
    answer = agent.act("pull")
    assert answer.startswith("[chat agent: malformed reply: not JSON")
    assert len(answer) <= env.action_space.max_length
    _, reward, _, _, info = env.step(answer)
    assert reward == 0 and info["feedback"]["valid"] is False
    assert agent.stats["malformed"] == 1 and agent.stats["requests"] == 1  # a bad reply is not retried


def test_server_error_is_retried(url):
    agent = agent_for(url, "flaky", max_retries=2)
    agent.reset(bandit(), seed=0)
    assert agent.act("pull") == "0"
    assert agent.stats["retries"] == 1 and agent.stats["requests"] == 2 and agent.stats["failures"] == 0


def test_rate_limit_is_retried_then_given_up(url):
    agent = agent_for(url, "ratelimited", max_retries=2)
    agent.reset(bandit(), seed=0)
    assert "HTTP 429" in agent.act("pull")
    assert agent.stats["requests"] == 3 and agent.stats["failures"] == 1


def test_client_error_is_not_retried(url):
    agent = agent_for(url, "unauthorized", max_retries=3)
    env = bandit()
    agent.reset(env, seed=0)
    answer = agent.act("pull")
    assert answer.startswith("[chat agent: no reply: HTTP 401")
    assert agent.stats["requests"] == 1 and agent.stats["retries"] == 0 and agent.stats["failures"] == 1


def test_unreachable_server(url):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    agent = ChatAgent(model="echo", base_url=f"http://127.0.0.1:{port}/v1", timeout_s=0.3, max_retries=1,
                      backoff_s=0.01)
    agent.reset(bandit(), seed=0)
    assert agent.act("pull").startswith("[chat agent: no reply:")
    assert agent.stats["failures"] == 1 and agent.stats["requests"] == 2


@pytest.mark.parametrize(("model", "expected"), [
    ("nochoices", "[chat agent: malformed reply: no choices]"),
    ("badcontent", "[chat agent: malformed reply: content is list, not text]"),
])
def test_replies_without_text(url, model, expected):
    agent = agent_for(url, model)
    agent.reset(bandit(), seed=0)
    assert agent.act("pull") == expected
    assert agent.stats["malformed"] == 1


def test_null_content_is_an_empty_answer(url):
    agent = agent_for(url, "nullcontent")
    agent.reset(bandit(), seed=0)
    assert agent.act("pull") == ""
    assert agent.stats["malformed"] == 0 and agent.stats["prompt_tokens"] == 0


def test_long_answer_is_truncated_to_the_space(url):
    env = bandit()
    agent = agent_for(url, "long")
    agent.reset(env, seed=0)
    answer = agent.act("pull")
    assert len(answer) == env.action_space.max_length and answer.startswith("arm 1")
    assert agent.stats["truncated"] == 1


def test_history_keeps_the_last_turns(url):
    agent = agent_for(url, "echo", history_turns=2, system_prompt="Be brief.")
    agent.reset(bandit(), seed=0)
    for i in range(5):
        agent.act(f"obs {i}")
    messages = requests()[-1]["body"]["messages"]
    assert messages == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "obs 2"}, {"role": "assistant", "content": "0"},
        {"role": "user", "content": "obs 3"}, {"role": "assistant", "content": "0"},
        {"role": "user", "content": "obs 4"},
    ]
    agent = agent_for(url, "echo", history_turns=0)
    agent.reset(bandit(), seed=0)
    agent.act("a")
    agent.act("b")
    assert [m["content"] for m in requests()[-1]["body"]["messages"]][1:] == ["b"]
    agent.reset(bandit(), seed=1)  # a new episode starts a new conversation
    agent.act("c")
    assert len(requests()[-1]["body"]["messages"]) == 2


def test_code_repair_episode_with_malformed_replies_fails_cleanly(url):
    env = gym.make("loopgym/CodeRepair-v0", view="text", max_attempts=2, timeout_s=0.5)
    agent = agent_for(url, "garbage")
    result = run_episode(env, agent, seed=0)
    assert result.success == 0 and result.length == 2
    assert agent.stats["malformed"] == 2
    system = requests()[0]["body"]["messages"][0]["content"]
    assert "loopgym/CodeRepair-v0" in system and "sandbox" in system  # from the Description section


def test_pickles_before_and_after_reset(url):
    agent = agent_for(url, "echo")
    clone = pickle.loads(pickle.dumps(agent))
    assert clone.url == agent.url and clone.stats == agent.stats
    agent.reset(bandit(), seed=0)
    agent.act("pull")
    clone = pickle.loads(pickle.dumps(agent))
    assert clone.turns == agent.turns and clone.stats["requests"] == 1


def test_env_description_reads_the_docstring():
    text = env_description(gym.make("loopgym/BernoulliBandit-v0"))
    assert text.splitlines()[0].startswith("K arms") and "stationary multi-armed bandit" in text
