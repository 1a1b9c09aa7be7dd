"""Expert iteration (ExIt) on candidate-edit envs: an apprentice network learns from what a search finds.

Read top to bottom: featurise an observation into one row per action, the apprentice (an MLP scoring
each row, masked softmax over the valid actions), the expert (best-first search that branches the env
with ``snapshot()`` / ``restore()``), then :func:`train`, which runs rounds of

    search ``problems_per_round`` training problems  ->  keep the solved paths' (state, action) pairs
    ->  train the apprentice on every pair kept so far  ->  evaluate it greedily on held-out episodes.

The expert pops the most promising (node, action) pair from a priority queue, priority =
return along the path so far (the env's shaped reward: visible test progress for code repair) +
``prior_weight * log p_apprentice(action | node)``, restores the node and takes the action (one env
step, counted in ``env_steps``). It stops when an attempt solves the problem or ``search_budget``
steps are spent; ended episodes are never expanded (a solution path is at most ``max_attempts``
long) and an observation already expanded (attempt count aside) is not expanded again. With
``walk_depth > 1`` the expert also searches from the states the apprentice itself walks into from
the start (DAgger-style), so the apprentice learns what to do after its own wrong attempts.

Hyperparameters are data: ``baselines/configs/expert_iteration.yaml``. Entry points: :func:`train`
(what ``loopgym reproduce`` calls) and :func:`load_apprentice` (a trained apprentice as an Agent).
"""

from __future__ import annotations

import argparse
import dataclasses
import heapq
import itertools
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np
import torch
from torch import nn

from loopgym.baselines import training
from loopgym.envs.code_repair.views import N_CANDIDATE_FEATURES
from loopgym.envs.math_revision.views import N_CORRECTION, N_STEP

ALGO = "expert_iteration"
REQUIRED = ("env", "hidden", "lr", "epochs", "batch_size", "search_budget", "prior_weight",
            "problems_per_round", "rounds", "eval_episodes")  # fmt: skip
DEFAULTS = {"threads": 1, "walk_depth": 1}
#: keys that may change between an interrupted run and the call that resumes it
RESUMABLE = ("rounds",)


def load_config(name: str, scale: str = "small", overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Experiment ``name`` of ``configs/expert_iteration.yaml`` at ``scale``, with ``overrides`` on top."""
    cfg = training.experiment_config(ALGO, name, scale, required=REQUIRED, defaults=DEFAULTS)
    unknown = sorted(set(overrides or {}) - set(cfg))
    if unknown:
        raise training.BaselineConfigError(
            f"{ALGO}: override(s) {', '.join(unknown)} are not settings of {name}; it has: {', '.join(sorted(cfg))}"
        )
    cfg.update(overrides or {})
    return cfg


# ---------------------------------------------------------------------------------------- features
@dataclasses.dataclass(frozen=True)
class Featuriser:
    """obs -> float32 rows ``[n_actions, n_features]``, one per action; ``attempt_col`` is the column
    holding the attempt count (left out when deciding whether two observations are the same state)."""

    rows: Callable[[dict[str, np.ndarray]], np.ndarray]
    n_features: int
    attempt_col: int


def code_repair_rows(obs: dict[str, np.ndarray]) -> np.ndarray:
    """Each candidate edit's 17 features, then the 10 feedback features: 27 per action."""
    cand = obs["candidates"].reshape(-1, N_CANDIDATE_FEATURES)
    fb = np.broadcast_to(obs["feedback"], (len(cand), len(obs["feedback"])))
    return np.concatenate([cand, fb], axis=1, dtype=np.float32)


def step_revision_rows(obs: dict[str, np.ndarray]) -> np.ndarray:
    """Action ``(i, j)`` (row ``i * c + j``): step ``i`` (18), its correction ``j`` (3), the feedback (5),
    then two derived columns the MLP would find hard to learn exactly: does the correction keep the
    step's value (a no-op), and its value minus the step's (signed-log scale): 28 per action."""
    steps = obs["steps"].reshape(-1, N_STEP)
    s = len(steps)
    corr = obs["corrections"].reshape(-1, N_CORRECTION)  # [s * c, 3]
    c = len(corr) // s
    step_rows = np.repeat(steps, c, axis=0)
    diff = corr[:, 1] - step_rows[:, 2]
    same = (np.abs(diff) < 1e-7) & (corr[:, 2] == step_rows[:, 4])
    fb = np.broadcast_to(obs["feedback"], (s * c, len(obs["feedback"])))
    return np.concatenate([step_rows, corr, fb, same[:, None], diff[:, None]], axis=1, dtype=np.float32)


#: by task class: how to read that env's vector observation
FEATURISERS = {
    "CodeRepairTask": Featuriser(code_repair_rows, N_CANDIDATE_FEATURES + 10, N_CANDIDATE_FEATURES + 2),
    "StepRevisionTask": Featuriser(step_revision_rows, N_STEP + N_CORRECTION + 5 + 2, N_STEP + N_CORRECTION),
}


def featuriser_of(env: gym.Env) -> Featuriser:
    name = type(getattr(env.unwrapped, "task", None)).__name__
    if name not in FEATURISERS or getattr(env.unwrapped, "view_name", "vector") != "vector":
        raise ValueError(f"expert iteration plays the vector view of {', '.join(FEATURISERS)}; not {env.unwrapped}")
    return FEATURISERS[name]


def state_key(feat: Featuriser, rows: np.ndarray, mask: np.ndarray) -> bytes:
    """What identifies a state for the search and the agent: the rows of the valid actions, attempt aside."""
    r = rows.copy()
    r[:, feat.attempt_col] = 0.0
    return mask.tobytes() + r[mask].tobytes()


# --------------------------------------------------------------------------------------- apprentice
class Apprentice(nn.Module):
    """Scores every action's row with one shared MLP; the policy is the softmax over valid actions."""

    def __init__(self, n_features: int, hidden: int):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(n_features, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(),
                                 nn.Linear(hidden, 1))  # fmt: skip

    def forward(self, rows: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """rows ``[B, A, f]``, mask ``[B, A]`` (bool) -> masked logits ``[B, A]``."""
        return self.net(rows).squeeze(-1).masked_fill(~mask, -1e9)

    @torch.no_grad()
    def log_policy(self, rows: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """log p(action | one state), as numpy ``[A]``."""
        dev = next(self.parameters()).device
        logits = self(torch.as_tensor(rows, device=dev)[None], torch.as_tensor(mask, device=dev)[None])
        return torch.log_softmax(logits, -1)[0].cpu().numpy()


class ApprenticeAgent:
    """The apprentice as an Agent: the most probable valid action, skipping actions it already took
    from an identical observation (attempt count aside), so a greedy policy does not repeat itself."""

    view = "vector"

    def __init__(self, model: Apprentice):
        self.model = model
        self._env: gym.Env | None = None

    def reset(self, env: gym.Env, *, seed: int | None = None) -> None:
        self._env, self._feat, self._tried = env, featuriser_of(env), set()

    def act(self, observation: dict[str, np.ndarray]) -> int:
        rows, mask = self._feat.rows(observation), np.asarray(self._env.unwrapped.action_masks(), bool)
        key = state_key(self._feat, rows, mask)
        fresh = mask.copy()
        fresh[[a for k, a in self._tried if k == key]] = False
        logp = self.model.log_policy(rows, fresh if fresh.any() else mask)
        action = int(np.argmax(logp))
        self._tried.add((key, action))
        return action

    def observe(self, action, reward, observation, info) -> None:
        pass


# ------------------------------------------------------------------------------------------- expert
@dataclasses.dataclass
class Node:
    snap: Any
    rows: np.ndarray
    mask: np.ndarray
    ret: float
    #: (rows, mask, action) of every step from the search's root to here
    path: list


def best_first(env: gym.Env, root: Node, feat: Featuriser, model: Apprentice, budget: int,
               prior_weight: float) -> tuple[list | None, int]:
    """Search from ``root`` for at most ``budget`` env steps; (the solved path's pairs or None, steps)."""
    base, heap, seen, tie = env.unwrapped, [], set(), itertools.count()

    def expand(node: Node) -> None:
        key = state_key(feat, node.rows, node.mask)
        if key in seen:
            return
        seen.add(key)
        logp = model.log_policy(node.rows, node.mask)
        for a in np.flatnonzero(node.mask):
            heapq.heappush(heap, (-(node.ret + prior_weight * logp[a]), next(tie), node, int(a)))

    expand(root)
    steps = 0
    while heap and steps < budget:
        _, _, node, action = heapq.heappop(heap)
        base.restore(node.snap)
        obs, reward, terminated, truncated, _ = env.step(action)
        steps += 1
        path = [*node.path, (node.rows, node.mask, action)]
        if terminated:  # the task ends an episode early only when it is solved
            return path, steps
        if not truncated:
            mask = np.asarray(base.action_masks(), bool)
            expand(Node(base.snapshot(), feat.rows(obs), mask, node.ret + float(reward), path))
    return None, steps


def collect(env: gym.Env, seed: int, feat: Featuriser, model: Apprentice, cfg: dict) -> tuple[list, bool, int]:
    """Search problem ``seed`` from its start (and, with ``walk_depth > 1``, from the states the greedy
    apprentice walks into); (pairs of every solved path, start solved?, env steps)."""
    base = env.unwrapped
    obs, _ = env.reset(seed=seed)
    pairs, solved, steps = [], False, 0
    for depth in range(int(cfg["walk_depth"])):
        node = Node(base.snapshot(), feat.rows(obs), np.asarray(base.action_masks(), bool), 0.0, [])
        path, n = best_first(env, node, feat, model, int(cfg["search_budget"]), float(cfg["prior_weight"]))
        steps += n
        if path is not None:
            pairs += path
            solved = solved or depth == 0
        if depth + 1 == int(cfg["walk_depth"]):
            break
        base.restore(node.snap)
        obs, _, terminated, truncated, _ = env.step(int(np.argmax(model.log_policy(node.rows, node.mask))))
        steps += 1
        if terminated or truncated:
            break
    return pairs, solved, steps


# ------------------------------------------------------------------------------------------ training
def fit(model: Apprentice, opt: torch.optim.Optimizer, data: dict[str, torch.Tensor], cfg: dict,
        rng: np.random.Generator) -> float:
    """``epochs`` passes of minibatch cross-entropy over the whole dataset; the last epoch's mean loss."""
    dev = next(model.parameters()).device
    n, bs, loss_sum = len(data["actions"]), int(cfg["batch_size"]), 0.0
    for _ in range(int(cfg["epochs"])):
        order, loss_sum = rng.permutation(n), 0.0
        for start in range(0, n, bs):
            idx = torch.as_tensor(order[start:start + bs])
            logits = model(data["rows"][idx].to(dev), data["masks"][idx].to(dev))
            loss = nn.functional.cross_entropy(logits, data["actions"][idx].to(dev))
            opt.zero_grad()
            loss.backward()
            opt.step()
            loss_sum += loss.item() * len(idx)
    return loss_sum / max(n, 1)


def _add(data: dict[str, torch.Tensor], pairs: list) -> dict[str, torch.Tensor]:
    if not pairs:
        return data
    new = {"rows": torch.as_tensor(np.stack([p[0] for p in pairs])),
           "masks": torch.as_tensor(np.stack([p[1] for p in pairs])),
           "actions": torch.as_tensor([p[2] for p in pairs], dtype=torch.long)}  # fmt: skip
    return {k: torch.cat([data[k], new[k]]) for k in new}


def train(name: str, seed: int, out_dir: str | Path, *, scale: str = "small", device: str = "auto",
          progress: bool = False, resume: bool = True, overrides: dict[str, Any] | None = None) -> training.TrainResult:
    """Train experiment ``name`` of ``configs/expert_iteration.yaml`` with ``seed`` into ``out_dir``
    (``curve.json``, ``checkpoint.pt`` after every round, ``result.json``); resumes where it stopped."""
    cfg = load_config(name, scale, overrides)
    digest = training.config_hash(cfg)
    resume_digest = training.config_hash({k: v for k, v in cfg.items() if k not in RESUMABLE})
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    done, ckpt_path = out / "result.json", out / "checkpoint.pt"
    finished = training.TrainResult.finished(out, digest, seed) if resume else None
    if finished is not None:
        return finished
    dev = training.resolve_device(device)
    threads = torch.get_num_threads()
    torch.set_num_threads(int(cfg["threads"]))
    try:
        return _run(cfg, seed, out, dev, progress, resume, digest, resume_digest, ckpt_path, done)
    finally:
        torch.set_num_threads(threads)


def _run(cfg, seed, out, dev, progress, resume, digest, resume_digest, ckpt_path, done) -> training.TrainResult:
    wall0 = time.perf_counter()
    # ---- seeding, in one place: the model's init, minibatch order, training problems seed * 10**6 + i
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    env = gym.make(cfg["env"], **cfg["env_kwargs"])
    eval_env = training.make_eval_env(cfg)
    feat = featuriser_of(env)
    model = Apprentice(feat.n_features, int(cfg["hidden"])).to(dev)
    opt = torch.optim.Adam(model.parameters(), lr=float(cfg["lr"]))
    data = {"rows": torch.zeros(0, int(env.action_space.n), feat.n_features), "actions": torch.zeros(0, dtype=torch.long),
            "masks": torch.zeros(0, int(env.action_space.n), dtype=torch.bool)}  # fmt: skip
    state = {"round": 0, "env_steps": 0, "train_s": 0.0, "wall_s": 0.0, "searched": 0, "solved": 0, "loss": None}
    curve = training.CurveLog(out / "curve.json")
    ckpt = torch.load(ckpt_path, map_location="cpu", weights_only=False) if resume and ckpt_path.is_file() else None
    if ckpt is not None and ckpt["resume_hash"] == resume_digest and ckpt["seed"] == seed \
            and ckpt["state"]["round"] <= int(cfg["rounds"]):
        model.load_state_dict(ckpt["model"])
        opt.load_state_dict(ckpt["optimizer"])
        data, state = ckpt["data"], ckpt["state"]
        rng.bit_generator.state = ckpt["numpy_rng"]
        torch.set_rng_state(ckpt["torch_rng"])
        curve.points = ckpt["curve"]
    else:
        curve.points = []
    agent = ApprenticeAgent(model)
    episodes = int(cfg["eval_episodes"])
    if not curve.points:  # the untrained apprentice, for the curve's first point
        model.eval()
        curve.add(0, training.evaluate(agent, cfg, episodes, env=eval_env))
    advance, close = training.progress_bar(progress, int(cfg["rounds"]), f"{ALGO} {cfg['name']} seed {seed}")
    advance(state["round"])
    session = wall0  # wall_s adds up over the calls that resume one run
    try:
        while state["round"] < int(cfg["rounds"]):
            t0 = time.perf_counter()
            model.eval()
            pairs, n = [], int(cfg["problems_per_round"])
            for i in range(n):
                found, solved, steps = collect(env, seed * 10**6 + state["round"] * n + i, feat, model, cfg)
                pairs += found
                state["solved"] += solved
                state["env_steps"] += steps
            state["searched"] += n
            data = _add(data, pairs)
            model.train()
            if len(data["actions"]):
                state["loss"] = fit(model, opt, data, cfg, rng)
            model.eval()
            state["round"] += 1
            state["train_s"] += time.perf_counter() - t0
            metrics = training.evaluate(agent, cfg, episodes, env=eval_env)
            curve.add(state["env_steps"], metrics, dataset=len(data["actions"]), loss=state["loss"] or 0.0)
            state["wall_s"] += time.perf_counter() - session
            session = time.perf_counter()
            torch.save({"resume_hash": resume_digest, "seed": seed, "model": model.state_dict(),
                        "optimizer": opt.state_dict(), "data": data, "state": state, "numpy_rng": rng.bit_generator.state,
                        "torch_rng": torch.get_rng_state(), "curve": curve.points,
                        "model_args": {"n_features": feat.n_features, "hidden": int(cfg["hidden"])}},
                       ckpt_path.with_suffix(".tmp"))  # fmt: skip
            ckpt_path.with_suffix(".tmp").replace(ckpt_path)
            advance(state["round"])
    finally:
        close()
        env.close()
        eval_env.close()
    state["wall_s"] += time.perf_counter() - session
    result = training.TrainResult(
        algo=ALGO, name=cfg["name"], env=cfg["env"], seed=seed, scale=cfg["scale"], metric=cfg["metric"],
        final=float(curve.points[-1][cfg["metric"]]), curve=curve.points, env_steps=int(state["env_steps"]),
        train_s=state["train_s"], wall_s=state["wall_s"],
        device=training.device_name(dev), config_hash=digest,
        extra={"solved_in_search": state["solved"] / max(state["searched"], 1), "dataset_size": len(data["actions"]),
               "rounds": state["round"], "problems_searched": state["searched"], "final_loss": state["loss"]},
    )  # fmt: skip
    done.write_text(json.dumps(result.as_dict(), indent=1))
    return result


def load_apprentice(out_dir: str | Path, device: str = "cpu") -> ApprenticeAgent:
    """The apprentice of a run's last checkpoint, as an Agent (``loopgym.runner.run_episode`` plays it)."""
    ckpt = torch.load(Path(out_dir) / "checkpoint.pt", map_location=device, weights_only=False)
    model = Apprentice(**ckpt["model_args"]).to(device)
    model.load_state_dict(ckpt["model"])
    return ApprenticeAgent(model.eval())


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m loopgym.baselines.expert_iteration", description=__doc__.split("\n")[0])
    p.add_argument("name")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", required=True)
    p.add_argument("--scale", default="small", choices=training.SCALES)
    p.add_argument("--device", default="auto")
    p.add_argument("--no-resume", action="store_true")
    args = p.parse_args(argv)
    r = train(args.name, args.seed, args.out, scale=args.scale, device=args.device, progress=True,
              resume=not args.no_resume)
    print(json.dumps({k: v for k, v in r.as_dict().items() if k != "curve"}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
