"""Expert iteration (baselines/expert_iteration.py) on real envs: tiny runs write their results, resume
from their checkpoint, repeat exactly; the expert search beats random search with the same budget,
and the trained apprentice beats the random agent held-out on StepRevision."""

from __future__ import annotations

import json

import gymnasium as gym
import numpy as np
import pytest

torch = pytest.importorskip("torch")

import loopgym  # noqa: E402,F401  (registers the ids)
from loopgym.agents import make_agent  # noqa: E402
from loopgym.baselines import expert_iteration as ei  # noqa: E402
from loopgym.baselines import training  # noqa: E402
from loopgym.runner import run_episode  # noqa: E402

TINY = {
    "code-repair": {"rounds": 1, "problems_per_round": 2, "search_budget": 4, "eval_episodes": 2, "epochs": 2},
    "step-revision": {"rounds": 1, "problems_per_round": 8, "search_budget": 16, "eval_episodes": 10, "epochs": 2},
}


@pytest.mark.parametrize("scale", training.SCALES)
@pytest.mark.parametrize("name", sorted(TINY))
def test_config_loads(name, scale):
    cfg = ei.load_config(name, scale)
    assert cfg["env"] in loopgym.ids() and cfg["metric"] == "success"
    assert all(k in cfg for k in ei.REQUIRED)


def test_bad_names_say_what_exists():
    with pytest.raises(training.BaselineConfigError, match="code-repair"):
        ei.train("no-such-experiment", 0, "/nonexistent-never-written")
    with pytest.raises(training.BaselineConfigError, match="search_budget"):
        ei.load_config("code-repair", "small", {"serch_budget": 3})


def test_featurisers_give_one_row_per_action():
    for env_id, n in (("loopgym/CodeRepair-v0", 32), ("loopgym/StepRevision-v0", 48)):
        env = gym.make(env_id, **({"timeout_s": 0.25} if "Code" in env_id else {}))
        obs, _ = env.reset(seed=3)
        feat = ei.featuriser_of(env)
        rows = feat.rows(obs)
        assert rows.shape == (n, feat.n_features) and rows.dtype == np.float32
        assert len(env.unwrapped.action_masks()) == n
    # StepRevision row i*c+j is step i with its correction j
    steps = obs["steps"].reshape(12, -1)
    corr = obs["corrections"].reshape(12, 4, 3)
    np.testing.assert_array_equal(rows[2 * 4 + 1, :18], steps[2])
    np.testing.assert_array_equal(rows[2 * 4 + 1, 18:21], corr[2, 1])


@pytest.mark.parametrize("name", sorted(TINY))
def test_tiny_run_writes_results(name, tmp_path):
    r = ei.train(name, 0, tmp_path, overrides=TINY[name])
    assert isinstance(r, training.TrainResult) and r.env_steps > 0 and r.name == name
    assert (tmp_path / "result.json").is_file() and (tmp_path / "checkpoint.pt").is_file()
    points = json.loads((tmp_path / "curve.json").read_text())["points"]
    assert [p["steps"] for p in points] == [0, r.env_steps]
    assert r.final == points[-1]["success"] and 0.0 <= r.extra["solved_in_search"] <= 1.0
    # done already: the same call returns the stored result without training again
    assert ei.train(name, 0, tmp_path, overrides=TINY[name]).as_dict() == r.as_dict()
    # the trained apprentice plays as an Agent
    env = gym.make(r.env, **ei.load_config(name, "small")["env_kwargs"])
    assert run_episode(env, ei.load_apprentice(tmp_path), seed=5).length >= 1


def test_resume_continues_from_checkpoint_and_matches_a_fresh_run(tmp_path):
    tiny = {**TINY["step-revision"], "problems_per_round": 4}
    first = ei.train("step-revision", 1, tmp_path / "a", overrides=tiny)
    assert first.extra["rounds"] == 1
    resumed = ei.train("step-revision", 1, tmp_path / "a", overrides={**tiny, "rounds": 2})
    assert resumed.extra["rounds"] == 2 and resumed.extra["problems_searched"] == 8
    assert resumed.env_steps > first.env_steps and resumed.curve[:2] == first.curve
    fresh = ei.train("step-revision", 1, tmp_path / "b", overrides={**tiny, "rounds": 2})
    assert fresh.curve == resumed.curve and fresh.env_steps == resumed.env_steps
    # same seed, same result; resume=False starts over
    again = ei.train("step-revision", 1, tmp_path / "b", resume=False, overrides={**tiny, "rounds": 2})
    assert again.curve == fresh.curve and again.extra == fresh.extra


def random_search(env: gym.Env, seed: int, budget: int) -> bool:
    """Random episodes from the problem's start until one solves it or ``budget`` steps are spent."""
    agent, used, k = make_agent("random"), 0, 0
    while used < budget:
        agent.reset(env, seed=seed * 1000 + k)
        obs, _ = env.reset(seed=seed)
        done, k = False, k + 1
        while not done and used < budget:
            obs, _, terminated, truncated, _ = env.step(agent.act(obs))
            used += 1
            if terminated:
                return True
            done = truncated
    return False


def suspiciousness_prior(feat: ei.Featuriser, sharpness: float = 8.0) -> ei.Apprentice:
    """An apprentice set by hand: logit = sharpness * (suspiciousness + at error line) of the edit."""
    model = ei.Apprentice(feat.n_features, 4)
    with torch.no_grad():
        for p in model.parameters():
            p.zero_()
        model.net[0].weight[0, 3] = model.net[0].weight[0, 4] = 1.0
        model.net[2].weight[0, 0] = 1.0
        model.net[4].weight[0, 0] = sharpness
    return model.eval()


def solved_by(env, model, cfg, seeds) -> tuple[int, int]:
    """(problems the expert solves, problems random search solves), both with ``search_budget`` steps."""
    feat = ei.featuriser_of(env)
    expert = sum(ei.collect(env, s, feat, model, cfg)[1] for s in seeds)
    return expert, sum(random_search(env, s, cfg["search_budget"]) for s in seeds)


def test_expert_search_beats_random_search_on_code_repair():
    # with an informative prior (fault localisation's) the search solves far more problems than random
    # episodes with the same budget: 5 vs 1 of these 16 when written
    cfg = ei.load_config("code-repair", "small", {"walk_depth": 1, "search_budget": 8})
    env = gym.make(cfg["env"], **cfg["env_kwargs"])
    expert, rand = solved_by(env, suspiciousness_prior(ei.featuriser_of(env)), cfg, range(16))
    assert expert >= rand + 3, (expert, rand)


@pytest.mark.slow
def test_trained_expert_beats_random_search_on_code_repair(tmp_path):
    # the ExIt claim itself: after one round of training, search with the learned prior solves more
    # fresh training problems than random search with the same budget
    cfg = ei.load_config("code-repair", "small", {"walk_depth": 1, "search_budget": 8})
    ei.train("code-repair", 0, tmp_path, overrides={"rounds": 1, "problems_per_round": 30, "search_budget": 32,
                                                    "epochs": 20, "eval_episodes": 2})  # fmt: skip
    env = gym.make(cfg["env"], **cfg["env_kwargs"])
    expert, rand = solved_by(env, ei.load_apprentice(tmp_path).model, cfg, range(900, 924))
    assert expert >= rand + 4, (expert, rand)


def test_apprentice_beats_random_held_out_on_step_revision(tmp_path):
    r = ei.train("step-revision", 0, tmp_path)  # the small scale, as CI runs it
    rand = training.evaluate(make_agent("random"), ei.load_config("step-revision"), r.curve[-1]["episodes"])
    assert r.final >= rand["success"] + 0.3, (r.final, rand)
