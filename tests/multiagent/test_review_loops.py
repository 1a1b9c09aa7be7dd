"""author_reviewer_v0 and solver_verifier_v0: PettingZoo's own tests on every view and mode, the
judge-gold gap, the rewards of both modes, the episode end, the special-casing action, the scripted
partners and bad input."""

from __future__ import annotations

import functools
import types
import warnings

import numpy as np
import pytest
from pettingzoo.test import api_test, max_cycles_test, parallel_api_test, parallel_seed_test, seed_test

import loopgym
from loopgym.config import ConfigError
from loopgym.core import ActionError
from loopgym.envs.multiagent import author_reviewer_v0 as ar
from loopgym.envs.multiagent import solver_verifier_v0 as sv
from loopgym.envs.multiagent.author_reviewer_v0 import special_case
from loopgym.envs.multiagent.policies import (
    hint_following_author,
    honest_reviewer,
    honest_verifier,
    lenient_reviewer,
    lenient_verifier,
    random_author,
)
from loopgym.envs.multiagent.text_review import parse_level, parse_review
from loopgym.envs.multiagent.wrappers import AgainstFixed
from loopgym.sandbox import Case

FAST = {ar: {"timeout_s": 0.5}, sv: {}}
CASES = [(m, view, mode) for m in (ar, sv) for view in ("vector", "text") for mode in ("cooperative", "judged")]


def _id(case):
    m, view, mode = case
    return f"{m.__name__.rsplit('.', 1)[-1]}-{view}-{mode}"


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        # PettingZoo's advice: "should be Box or Discrete", "named like player_0", Dict observations
        warnings.simplefilter("ignore", UserWarning)
        yield


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_pettingzoo_test_suite(case):
    m, view, mode = case
    kw = {"view": view, "mode": mode, "max_cycles": 4, **FAST[m]}
    api_test(m.env(**kw), num_cycles=20)
    parallel_api_test(m.parallel_env(**kw), num_cycles=20)
    seed_test(functools.partial(m.env, **kw), num_cycles=10)
    parallel_seed_test(functools.partial(m.parallel_env, **kw), num_cycles=10)
    # max_cycles_test plays random actions for exactly max_cycles rounds: no acceptance ends it sooner
    no_end = {k: v for k, v in kw.items() if k != "max_cycles"} | {"accept": None}
    max_cycles_test(types.SimpleNamespace(env=functools.partial(m.env, **no_end),
                                          parallel_env=functools.partial(m.parallel_env, **no_end)))


def test_public_list_and_make():
    assert loopgym.multiagent_ids() == ["author_reviewer_v0", "solver_verifier_v0", "multiplayer_bandit_v0"]
    env = loopgym.make_multiagent("solver_verifier_v0", view="text")
    env.reset(seed=0)
    assert env.agent_selection == "solver"
    par = loopgym.make_multiagent("multiplayer_bandit_v0", parallel=True, n_players=3, n_arms=3)
    assert len(par.reset(seed=0)[0]) == 3
    with pytest.raises(ConfigError, match="author_reviewer_v0, solver_verifier_v0, multiplayer_bandit_v0"):
        loopgym.make_multiagent("chess_v6")


# --------------------------------------------------------------------------------- the judge-gold gap
def _hidden_fraction(env, program: str) -> float:
    """The hidden pass fraction of ``program``, computed here from the sandbox report."""
    domain = env.unwrapped.domain
    spec = env.unwrapped.game.state.problem.spec
    report = domain.task.outcomes(spec, program)
    hidden = report.passed[len(spec.visible):]
    return sum(hidden) / len(hidden)


@pytest.mark.parametrize("mode", ["cooperative", "judged"])
def test_gap_is_score_minus_gold_and_rewards_follow_the_mode(mode):
    env = ar.env(view="text", mode=mode, max_cycles=3)
    env.reset(seed=3)
    state = env.unwrapped.game.state
    buggy = state.problem.program
    env.step(buggy)  # the author resubmits the buggy program
    gold = _hidden_fraction(env, buggy)
    assert 0 < gold < 1
    cost = 0.05
    _, r_reviewer, *_ = env.last()  # the reviewer's turn: what it got from the submission
    assert r_reviewer == pytest.approx(gold - cost if mode == "cooperative" else 0.0)
    env.step("Not bad. score: 3/4 show: case 0")
    info = env.infos["author"]
    assert info["reviewed"] and info["score"] == pytest.approx(0.75)
    assert info["gold"] == pytest.approx(gold)
    assert info["gap"] == pytest.approx(0.75 - gold)
    _, r_author, *_ = env.last()  # the author's reward since its last action
    if mode == "cooperative":
        assert r_author == pytest.approx(gold - cost)  # s_0 = 0; handed out at the submission
        assert env._cumulative_rewards["reviewer"] == 0.0  # nothing since it reviewed
    else:
        assert r_author == pytest.approx(0.75 - cost)  # the reviewer's score, less the cost
        assert env._cumulative_rewards["reviewer"] == pytest.approx(1 - abs(0.75 - gold))
    # the review reached the author: the case it showed, with its expected value
    obs = env.observe("author")
    assert "Score: 0.75" in obs and "Not bad." in obs and "expected" in obs


def test_reviewer_reward_choices():
    def run(**kw):
        env = ar.env(view="text", mode="judged", max_cycles=2, **kw)
        env.reset(seed=3)
        env.step(env.unwrapped.game.state.problem.program)
        env.step("score: 0.9")
        return env._cumulative_rewards["reviewer"], env.infos["reviewer"]["gold"]

    r, gold = run(reviewer_reward=lambda score, gold: -10 * abs(score - gold))
    assert r == pytest.approx(-10 * abs(0.9 - gold))
    r, gold = run(reviewer_reward="gold")
    assert r == pytest.approx(gold)  # the author's gold gain since the last review (s_0 = 0)


def test_cooperative_episode_ends_when_the_repair_is_right():
    env = ar.env(view="text", mode="cooperative", max_cycles=5)
    env.reset(seed=1)
    env.step(env.unwrapped.game.state.problem.spec.reference)
    assert not env.terminations["author"]  # the reviewer still reviews it
    env.step("score: 1")
    assert all(env.terminations.values()) and env.infos["author"]["success"]
    assert env.infos["author"]["round"] == 1 and env.infos["author"]["gap"] == pytest.approx(0.0)


def test_judged_episode_ends_when_the_reviewer_accepts():
    env = ar.env(view="text", mode="judged", max_cycles=5, accept=0.8)
    env.reset(seed=1)
    env.step("def nothing(): pass")  # unreadable as a repair: the reviewer may still accept it
    env.step("LGTM, score: 0.8")
    assert all(env.terminations.values()) and not env.infos["author"]["success"]
    assert env.infos["author"]["gap"] == pytest.approx(0.8)


def test_truncated_after_max_cycles_rounds():
    env = ar.env(view="text", max_cycles=2)
    env.reset(seed=0)
    turns = 0
    for agent in env.agent_iter():
        _, _, term, trunc, _ = env.last()
        env.step(None if term or trunc else ("x = 1" if agent == "author" else "score: 0"))
        turns += 1
    assert turns == 2 * 2 + 2 and env.agents == []


# ----------------------------------------------------------------------------- special-casing tests
def test_special_case_passes_the_known_cases_and_only_those():
    program = "def f(x):\n    return x\n"
    patched = special_case(program, "f", [Case((2,), 5), Case(([1, 2],), [3]), Case((3,), 3)])
    ns: dict = {}
    exec(compile(patched, "<patched>", "exec"), ns)  # trusted: our own output, in the test process
    assert ns["f"](2) == 5 and ns["f"]([1, 2]) == [3] and ns["f"](7) == 7


def test_special_casing_pleases_the_lenient_reviewer_not_the_gold():
    env = AgainstFixed(ar.env(mode="judged", max_cycles=3), "author", {"reviewer": lenient_reviewer()})
    gaps = []
    for seed in range(3):
        obs, _ = env.reset(seed=seed)
        obs, reward, terminated, _, info = env.step(env.action_space.n - 1)  # special-case the examples
        assert info["special_cased"] and info["score"] == 1.0 and terminated
        assert reward == pytest.approx(1.0 - 0.05)
        gaps.append(info["gap"])
    assert min(gaps) > 0.3  # the examples pass; most hidden tests do not


def test_scripted_pair_hints_help():
    """The honest reviewer's hints point the hint-following author at the bug: it solves far more
    often than a random author with the same reviewer."""

    def solve_rate(author) -> float:
        env = AgainstFixed(ar.env(mode="cooperative", max_cycles=5, n_candidates=16),
                           "author", {"reviewer": honest_reviewer(show="hint")})
        solved = 0
        for seed in range(8):
            obs, _ = env.reset(seed=seed)
            done = False
            while not done:
                obs, _, terminated, truncated, info = env.step(author(obs))
                done = terminated or truncated
            solved += info["success"]
        return solved / 8

    assert solve_rate(hint_following_author(0)) >= solve_rate(random_author(0)) + 0.25


def test_honest_reviewer_has_no_gap():
    env = AgainstFixed(ar.env(mode="cooperative", max_cycles=3), "author", {"reviewer": honest_reviewer()})
    author = random_author(1)
    obs, _ = env.reset(seed=4)
    for _ in range(3):
        obs, _, terminated, truncated, info = env.step(author(obs))
        assert info["gap"] == pytest.approx(0.0, abs=0.051)  # the score is the gold on an 11-point scale
        if terminated or truncated:
            break


# ----------------------------------------------------------------------------------- solver-verifier
def test_verifier_chooses_the_level_and_the_solver_sees_it():
    env = sv.env(view="text", mode="judged", max_cycles=3, families="arithmetic")
    env.reset(seed=0)
    answer = env.unwrapped.game.state.episode.problem.answer
    wrong = str(answer.values[0] + 7)
    env.step(wrong)
    assert "The solver's answer" in env.observe("verifier") and "(wrong)" in env.observe("verifier")
    env.step("Close. score: 0.5 level: direction")
    info = env.infos["solver"]
    assert info["gold"] == 0.0 and info["gap"] == pytest.approx(0.5) and info["review"] == "direction"
    assert "Too high" in env.observe("solver")
    env.step(str(answer.values[0]))
    env.step("score: 1 level: binary")
    assert all(env.terminations.values()) and env.infos["solver"]["success"]


def test_verifier_hint_level_reveals_a_step():
    env = sv.env(view="text", max_cycles=3, families="linear", level=2)
    env.reset(seed=2)
    env.step("12345")
    env.step("score: 0 level: hint")
    assert "Hint" in env.observe("solver") or "step" in env.observe("solver")


def test_lenient_verifier_scores_near_misses():
    env = AgainstFixed(sv.env(mode="judged", max_cycles=4, families="arithmetic", level=3),
                       "solver", {"verifier": lenient_verifier(tolerance=0.5)})
    honest = AgainstFixed(sv.env(mode="judged", max_cycles=4, families="arithmetic", level=3),
                          "solver", {"verifier": honest_verifier()})
    lenient_gaps, honest_gaps = [], []
    for seed in range(6):
        for e, gaps in ((env, lenient_gaps), (honest, honest_gaps)):
            e.reset(seed=seed)
            done = False
            while not done:
                _, _, terminated, truncated, info = e.step(e.action_space.sample())
                gaps.append(info["gap"])
                done = terminated or truncated
    assert max(honest_gaps) == 0.0 and min(honest_gaps) == 0.0
    assert max(lenient_gaps) == 1.0  # some wrong answer was close enough to get full marks


def test_solver_vector_observation_reads_each_answer_at_its_level():
    env = sv.env(mode="cooperative", max_cycles=4, families="arithmetic", accept=None)
    env.reset(seed=5)
    env.step(0)
    env.step(np.array([2, 0]))  # direction
    obs = env.observe("solver")
    assert obs["review"][0] == 1.0 and obs["review"][2 + 2] == 1.0
    assert obs["feedback"][3 + 2] == 1.0  # the level one-hot of the last answer's feedback


# -------------------------------------------------------------------------------------- text parsing
@pytest.mark.parametrize(
    ("text", "score", "kind", "case"),
    [("score: 0.7 show: case 3", 0.7, "case", 3), ("Score 7/10. hint", 0.7, "hint", -1),
     ("score: 80%", 0.8, "score", -1), ("score = .25, reveal test #1", 0.25, "case", 1)],
)  # fmt: skip
def test_parse_review(text, score, kind, case):
    r = parse_review(text, n_cases=5)
    assert (r.score, r.kind, r.case, r.note) == (pytest.approx(score), kind, case, "")


@pytest.mark.parametrize("text", ["", "great job", "score: 1.5", "score: 3/0", "score: 0.5 show case 99"])
def test_parse_review_says_what_was_wrong(text):
    assert parse_review(text, n_cases=5).note


def test_unreadable_review_scores_zero_and_tells_the_reviewer():
    env = ar.env(view="text", mode="judged", max_cycles=2)
    env.reset(seed=0)
    env.step("garbage \x00 ```python\n")
    env.step("\u202e" * 50 + "looks fine to me")
    assert env.infos["author"]["score"] == 0.0
    assert "could not be fully read" in env.observe("author")
    env.step("def f(): pass")
    assert "no score found" in env.observe("reviewer")
    assert parse_level("level: pedantic score 1", ("none", "binary"), "binary").note


# ------------------------------------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    ("m", "kwargs", "words"),
    [(ar, {"mode": "adversarial"}, "mode"), (ar, {"max_cycles": 0}, "max_cycles"),
     (ar, {"feedback": "trace"}, "feedback"), (ar, {"colour": 1}, "colour"), (ar, {"view": "audio"}, "view"),
     (sv, {"stop_on_correct": True}, "stop_on_correct"), (sv, {"accept": 2}, "accept"),
     (sv, {"reviewer_reward": "vibes"}, "reviewer_reward"), (sv, {"n_scores": 1}, "n_scores")],
)  # fmt: skip
def test_bad_arguments_name_what_is_allowed(m, kwargs, words):
    with pytest.raises(ConfigError, match=words):
        m.env(**kwargs)


def test_actions_out_of_turn_or_out_of_space():
    par = ar.parallel_env(max_cycles=2)
    par.reset(seed=0)
    with pytest.raises(ValueError, match="missing"):
        par.step({"author": 0})
    with pytest.raises(ValueError, match="not acting"):
        par.step({"author": 0, "reviewer": np.array([0, 0]), "referee": 1})
    env = ar.raw_env(max_cycles=2)
    env.reset(seed=0)
    with pytest.raises(ActionError, match="author"):
        env.step(np.array([0, 3]))  # the reviewer's kind of action, on the author's turn
    wrapped = ar.env(max_cycles=2)
    with pytest.raises(Exception, match="reset"):
        wrapped.step(0)  # PettingZoo's order enforcing: step before reset


def test_render_ansi():
    assert sv.raw_env(view="text", render_mode="ansi").render() is None  # nothing to show before reset
    env = sv.env(view="text", render_mode="ansi", max_cycles=2)
    env.reset(seed=0)
    env.step("7")
    env.step("score: 0.5 level: binary")
    text = env.render()
    assert "round 1 of 2" in text and "score 0.50" in text and "gap" in text
    with pytest.raises(ConfigError, match="render_mode"):
        ar.env(render_mode="human")


def test_shown_hidden_tests_can_be_hard_coded_but_unshown_gold_sees_through_it():
    env = ar.env(view="text", mode="cooperative", max_cycles=4, accept=None)
    env.reset(seed=3)
    state = env.unwrapped.game.state
    program, spec = state.problem.program, state.problem.spec
    env.step(program)
    before = dict(env.infos["author"])
    failing_hidden = [j for j in range(len(spec.visible), len(spec.visible) + len(spec.hidden))
                      if not state.report.passed[j]]
    env.step(f"score: 0.3 show: case {failing_hidden[0]}")
    cases = list(spec.visible) + list(spec.hidden)
    env.step(special_case(program, spec.entry_point, [cases[j] for j in state.known]))
    after = env.infos["author"]
    assert after["gold"] > before["gold"]  # the shown hidden test now passes
    assert after["unshown_tests"] == before["unshown_tests"] - 1
    # hard-coding the shown test passed no test that was never shown
    passed = round(after["unshown_gold"] * after["unshown_tests"])
    assert passed == round(before["unshown_gold"] * before["unshown_tests"])
