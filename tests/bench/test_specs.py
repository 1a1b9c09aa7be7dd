"""Agent specs: parsing, and what each kind builds."""

from __future__ import annotations

import pytest

from loopgym.bench.specs import AgentSpecError, build, check_spec, parse_spec, resolve_baseline


def test_parse_spec_arguments():
    s = parse_spec(" epsilon-greedy(epsilon=0.05) ")
    assert (s.target, s.kwargs) == ("epsilon-greedy", {"epsilon": 0.05})
    s = parse_spec("chat(model=qwen2.5:7b, base_url=http://localhost:8000/v1, stop=['a,b', 'c'], x=True)")
    assert s.target == "chat"
    assert s.kwargs == {"model": "qwen2.5:7b", "base_url": "http://localhost:8000/v1", "stop": ["a,b", "c"],
                        "x": True}
    assert parse_spec("my_agent.py:MyAgent").target == "my_agent.py:MyAgent"
    with pytest.raises(AgentSpecError, match="not of the form name=value"):
        parse_spec("ucb1(2)")
    with pytest.raises(AgentSpecError, match="empty"):
        parse_spec("  ")


def test_build_kinds(tmp_path):
    kind, agent = build("epsilon-greedy(epsilon=0.2)", family="bandits")
    assert kind == "agent" and agent.epsilon == 0.2
    policy = tmp_path / "pol.py"
    policy.write_text("def always_zero(observation):\n    return 0\n\n"
                      "class Learner:\n    def __init__(self, info, seed, width=3):\n"
                      "        self.args = (info, seed, width)\n"
                      "    def predict(self, x, task_ids):\n        return x[:, 0] * 0\n"
                      "    def observe(self, x, y, task_id, boundary):\n        pass\n")
    kind, agent = build(f"{policy}:always_zero", family="bandits")
    assert kind == "agent" and agent.act(None) == 0
    kind, factory = build(f"{policy}:Learner(width=5)", family="streams")
    assert kind == "learner" and factory("INFO", 7).args == ("INFO", 7, 5)
    check_spec(f"{policy}:Learner(width=5)")


def test_baseline_resolution():
    assert resolve_baseline("baseline", "thompson", "E") == "thompson"
    assert resolve_baseline("ucb1", "thompson", "E") == "ucb1"
    with pytest.raises(LookupError, match="names no baseline"):
        resolve_baseline("baseline", None, "E")
    with pytest.raises(AgentSpecError, match="takes no arguments"):
        check_spec("baseline(x=1)")


def test_check_spec_errors(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("raise RuntimeError('broken on import')\n")
    with pytest.raises(AgentSpecError, match="does not import: RuntimeError: broken on import"):
        check_spec(f"{bad}:Agent")
    ok = tmp_path / "ok.py"
    ok.write_text("X = 3\n")
    with pytest.raises(AgentSpecError, match="neither an agent class nor a policy"):
        check_spec(f"{ok}:X")
    with pytest.raises(AgentSpecError, match="has no 'Missing'"):
        check_spec(f"{ok}:Missing")
    with pytest.raises(AgentSpecError, match="no saved model"):
        check_spec(f"sb3:PPO:{tmp_path / 'none.zip'}")
