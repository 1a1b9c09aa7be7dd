"""loopgym reproduce: the targets, the verdict, bad input, and every target reproduced at small scale."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("sb3_contrib")
pytest.importorskip("torch")

import loopgym  # noqa: E402
from loopgym.agents import make_agent  # noqa: E402
from loopgym.baselines import reproduce, training  # noqa: E402
from loopgym.baselines.training import METRICS, BaselineConfigError  # noqa: E402
from loopgym.cli import main  # noqa: E402

TARGETS = sorted(reproduce.targets())


def test_targets_cover_every_family_and_have_references():
    families = {loopgym.registry.spec(f"loopgym/{t.env}").family for t in reproduce.targets().values()}
    assert set(loopgym.registry.families()) <= families
    for name in TARGETS:
        for scale in ("small", "full"):
            ref = reproduce.load_reference(name, scale)
            if ref is None and scale == "full":
                continue  # not every full-scale reference has been run yet: the README table says which
            assert ref is not None, f"no stored {scale} reference for {name}"
            assert len(ref["summary"]["seeds"]) >= 5 and ref["machine"] and ref["wall_s"] > 0
            assert ref["summary"]["low"] <= ref["summary"]["iqm"] <= ref["summary"]["high"]
            target = reproduce.get_target(name)
            cfg = reproduce.resolve_config(target, scale)
            assert ref["config_hash"] == training.config_hash(cfg), f"{name} {scale}: config changed since the reference"
            assert (reproduce.references_dir() / f"{name}-{scale}.png").is_file()


def test_list_shows_every_target(capsys):
    assert main(["reproduce", "--list"]) == 0
    out = capsys.readouterr().out
    for name in TARGETS:
        assert name in out


def test_unknown_target_or_bad_arguments_say_what_exists(capsys):
    assert main(["reproduce", "no-such-baseline"]) == 2
    err = capsys.readouterr().err
    assert "ppo-bernoulli" in err and "no baseline named" in err
    assert main(["reproduce"]) == 2
    with pytest.raises(BaselineConfigError, match="seeds"):
        reproduce.run("ppo-split-digits", seeds=0, progress=False)


def test_the_verdict_is_interval_overlap():
    ref = {"summary": {"iqm": 0.5, "low": 0.4, "high": 0.6, "seeds": [0, 1, 2], "metric": "success"}, "machine": "m"}
    near = {"iqm": 0.62, "low": 0.55, "high": 0.7, "metric": "success"}
    far = {"iqm": 0.8, "low": 0.7, "high": 0.9, "metric": "success"}
    assert reproduce.compare(near, ref)[0] is True
    ok, sentence = reproduce.compare(far, ref)
    assert ok is False and "NOT reproduced" in sentence
    assert reproduce.compare(far, None)[0] is None


def _random_score(target, cfg) -> float:
    agent = make_agent("random")
    return training.evaluate(agent, cfg)[target.metric]


@pytest.mark.parametrize("name", TARGETS)
def test_small_scale_reproduces_and_beats_random(name, tmp_path):
    target = reproduce.get_target(name)
    record = reproduce.run(name, scale="small", seeds=2, workers=2, out=tmp_path, progress=False)
    assert record["reproduced"] is True, record["verdict"]
    assert (tmp_path / "curves.png").is_file() and json.loads((tmp_path / "summary.json").read_text())["name"] == name
    if name == "ppo-bernoulli":
        # RL² needs ~150k env steps before its regret leaves the random agent's (BENCHMARKS.md); the
        # small scale is sized for CI and checks only that training runs and reproduces
        return
    cfg = reproduce.resolve_config(target, "small")
    random_score = _random_score(target, cfg)
    better = METRICS[target.metric]
    for r in record["runs"]:
        assert (r["final"] > random_score) if better else (r["final"] < random_score), (name, r["final"], random_score)
