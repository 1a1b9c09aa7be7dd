"""Continual-learning baselines for the stream envs: naive fine-tuning, ER, A-GEM, DER++, EWC, joint.

    python -m loopgym.baselines.replay --env loopgym/SplitDigits-v0 --methods naive er --seeds 0 1 2

A learner follows :class:`ContinualLearner`: ``predict`` labels a batch of inputs, ``observe`` takes one
labelled sample as the stream delivers it. Samples wait in a batch of ``batch_size``; a full batch (or
the last samples of a task, found from ``StreamInfo.task_starts`` and ``n_steps``, or a ``boundary``) is
trained on with ``iters`` gradient steps, each on that batch plus what the method adds:

- ``naive``: fine-tuning, cross-entropy on the incoming batch only.
- ``joint``: the same learner; the joint-training reference is naive on ``order="iid"``.
- ``er``: experience replay (Chaudhry et al. 2019, "On tiny episodic memories in continual learning"):
  ``replay_batch`` samples drawn from a reservoir buffer are concatenated to the batch,
  loss ``CE(f(x ∪ x_mem), y ∪ y_mem)``.
- ``agem``: averaged GEM (Chaudhry et al., ICLR 2019): with ``g`` the batch gradient and ``g_ref`` the
  gradient on a memory batch, step along ``g - (g·g_ref / g_ref·g_ref) g_ref`` when ``g·g_ref < 0``.
- ``derpp``: DER++ (Buzzega et al., NeurIPS 2020): the buffer also keeps the logits ``z`` the network
  gave a sample in its last training step on it; loss ``CE(f(x), y) + alpha·MSE(f(x'), z') + beta·CE(f(x''), y'')``
  with ``(x', z')`` and ``(x'', y'')`` two independent buffer draws.
- ``ewc``: online EWC (Kirkpatrick et al., PNAS 2017; Schwarz et al., ICML 2018): loss
  ``CE + lambda/2 · Σ_i F_i (θ_i - θ*_i)²``. ``F_task`` is the empirical Fisher diagonal: the
  per-sample squared cross-entropy gradients, averaged over the batches of every step taken during the
  task; at each ``boundary`` ``F <- gamma·F + F_task`` and ``θ* <- θ``. With SGD the penalty's pull
  ``lambda·F`` is capped at ``1/lr`` per weight (above ``2/lr`` the step would overshoot θ* and diverge).

Every buffer is a reservoir (Vitter 1985): the ``n``-th sample seen replaces a uniformly drawn slot with
probability ``size / n``, so the buffer is a uniform sample of the stream so far. In task-incremental
streams (``task_id_visible``) the logits are masked to the sample's task labels, in the loss and in
``predict`` (multi-head by masking). Hyperparameters are data: ``baselines/configs/replay.yaml``
(:func:`load_config`). Seeding is in one place, :func:`make_learner`: ``torch.manual_seed(seed)`` for the
weights, :func:`loopgym.agents.agent_rng` for the buffer draws.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import functools
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
import yaml
from torch import nn

from loopgym.agents import agent_rng
from loopgym.config import ConfigError, check_choice, check_float, check_int, make_config
from loopgym.continual import ContinualLearner  # noqa: F401  (re-exported)

METHODS = ("naive", "joint", "er", "agem", "derpp", "ewc")
CONFIG_PATH = Path(__file__).resolve().parent / "configs" / "replay.yaml"
#: added to the logits of labels outside a task in task-incremental streams
MASKED = -1e9


@dataclasses.dataclass
class ReplayConfig:
    """Hyperparameters of one method (the keys of ``replay.yaml``)."""

    hidden: list = dataclasses.field(default_factory=lambda: [1000])  # MLP hidden layer sizes
    optimizer: str = "sgd"  # "sgd" | "adam"
    lr: float = 0.2
    momentum: float = 0.0  # SGD only
    batch_size: int = 10  # incoming samples per update
    iters: int = 5  # gradient steps per update
    buffer_size: int = 200  # er, agem, derpp
    replay_batch: int = 20  # buffer samples per step (er, derpp; agem's reference batch)
    alpha: float = 0.3  # derpp: weight of the logit MSE
    beta: float = 1.0  # derpp: weight of the replayed cross-entropy
    ewc_lambda: float = 300.0
    ewc_gamma: float = 1.0  # online EWC: decay of the earlier tasks' Fisher

    def validate(self) -> None:
        if not isinstance(self.hidden, (list, tuple)):
            raise ConfigError(f"hidden={self.hidden!r} is not allowed: hidden must be a list of layer sizes")
        self.hidden = [check_int("hidden", h, low=1) for h in self.hidden]
        check_choice("optimizer", self.optimizer, ("sgd", "adam"))
        self.lr = check_float("lr", self.lr, low=0.0, low_open=True)
        self.momentum = check_float("momentum", self.momentum, low=0.0, high=1.0)
        for name in ("batch_size", "iters", "buffer_size", "replay_batch"):
            setattr(self, name, check_int(name, getattr(self, name), low=1))
        for name in ("alpha", "beta", "ewc_lambda"):
            setattr(self, name, check_float(name, getattr(self, name), low=0.0))
        self.ewc_gamma = check_float("ewc_gamma", self.ewc_gamma, low=0.0, high=1.0)


@functools.lru_cache(maxsize=8)
def read_yaml(path: str) -> dict[str, Any]:
    return yaml.safe_load(Path(path).read_text()) or {}


def load_config(method: str, dataset: str | None = None, path: str | Path = CONFIG_PATH) -> dict[str, Any]:
    """``method``'s hyperparameters on ``dataset``: the file's ``defaults``, then ``methods[method]``,
    then ``datasets[dataset]["all"]``, then ``datasets[dataset][method]`` (later keys win)."""
    check_choice("method", method, METHODS)
    spec = read_yaml(str(path))
    config = dict(spec.get("defaults") or {})
    config.update((spec.get("methods") or {}).get(method) or {})
    if dataset is not None:
        datasets = spec.get("datasets") or {}
        check_choice("dataset", dataset, sorted(datasets))
        config.update(datasets[dataset].get("all") or {})
        config.update(datasets[dataset].get(method) or {})
    return copy.deepcopy(config)


# --- building blocks ----------------------------------------------------------------------------------


def mlp(input_dim: int, hidden: list[int], n_labels: int) -> nn.Sequential:
    layers, width = [], input_dim
    for h in hidden:
        layers += [nn.Linear(width, h), nn.ReLU()]
        width = h
    return nn.Sequential(*layers, nn.Linear(width, n_labels))


class ReservoirBuffer:
    """A fixed-size uniform sample of every sample offered so far (reservoir sampling, Vitter 1985):
    inputs, labels, task ids and (for DER++) logits, as tensors on ``device``."""

    def __init__(self, size: int, input_dim: int, n_labels: int, rng: np.random.Generator, device):
        self.size, self.rng, self.seen, self.n = size, rng, 0, 0
        self.x = torch.zeros(size, input_dim, device=device)
        self.y = torch.zeros(size, dtype=torch.long, device=device)
        self.t = torch.zeros(size, dtype=torch.long, device=device)
        self.z = torch.zeros(size, n_labels, device=device)

    def add(self, x: torch.Tensor, y: torch.Tensor, t: torch.Tensor, z: torch.Tensor | None = None) -> None:
        slots, rows = [], []
        for row in range(len(y)):
            self.seen += 1
            if self.n < self.size:
                slot, self.n = self.n, self.n + 1
            else:
                slot = int(self.rng.integers(self.seen))
                if slot >= self.size:
                    continue
            slots.append(slot)
            rows.append(row)
        if slots:
            s, r = torch.as_tensor(slots, device=self.x.device), torch.as_tensor(rows, device=self.x.device)
            self.x[s], self.y[s], self.t[s] = x[r], y[r], t[r]
            if z is not None:
                self.z[s] = z[r]

    def sample(self, k: int) -> torch.Tensor:
        """Indices of ``min(k, n)`` distinct stored samples."""
        idx = self.rng.choice(self.n, size=min(k, self.n), replace=False)
        return torch.as_tensor(idx, device=self.x.device)


def agem_project(g: torch.Tensor, g_ref: torch.Tensor) -> torch.Tensor:
    """A-GEM's update direction: ``g`` if ``g·g_ref >= 0``, else ``g - (g·g_ref / g_ref·g_ref) g_ref``
    (the closest direction to ``g`` that does not increase the memory loss to first order)."""
    dot = torch.dot(g, g_ref)
    if dot >= 0:
        return g
    return g - (dot / torch.dot(g_ref, g_ref).clamp_min(1e-12)) * g_ref


def ewc_penalty(params, anchors, fisher, lam: float) -> torch.Tensor:
    """``lam/2 · Σ_i F_i (θ_i - θ*_i)²`` over matching lists of parameters, anchors θ* and Fisher F."""
    total = sum(((f * (p - a) ** 2).sum() for p, a, f in zip(params, anchors, fisher, strict=True)))
    return 0.5 * lam * total


# --- the learner --------------------------------------------------------------------------------------


class ReplayLearner:
    """An MLP trained online by one of :data:`METHODS` (see the module docstring); build it with
    :func:`make_learner`. ``flush()`` trains on the samples still waiting for a full batch."""

    def __init__(self, method: str, info: Any, config: ReplayConfig, rng: np.random.Generator, device):
        self.method, self.cfg, self.rng, self.device = method, config, rng, torch.device(device)
        d, k = int(info.input_dim), int(info.n_labels)
        self.model = mlp(d, config.hidden, k).to(self.device)
        self.params = list(self.model.parameters())
        if config.optimizer == "sgd":
            self.opt = torch.optim.SGD(self.params, lr=config.lr, momentum=config.momentum)
        else:
            self.opt = torch.optim.Adam(self.params, lr=config.lr)
        # task-incremental: an additive mask per task, 0 on the task's labels and MASKED elsewhere
        self.task_il = bool(info.task_id_visible)
        mask = torch.full((int(info.n_tasks), k), MASKED)
        for t, labels in enumerate(info.task_labels):
            mask[t, torch.as_tensor(np.asarray(labels, dtype=np.int64))] = 0.0
        self.mask = mask.to(self.device)
        # the last step of each segment of the stream: flush the batch there so an evaluation at the
        # end of a task sees every one of its samples trained on
        starts = sorted({int(s) for s in getattr(info, "task_starts", ()) if int(s) > 0})
        n_steps = getattr(info, "n_steps", None)
        self.segment_ends = {s - 1 for s in starts} | ({int(n_steps) - 1} if n_steps else set())
        self.step = 0
        self.bx = np.zeros((config.batch_size, d), dtype=np.float32)
        self.by = np.zeros(config.batch_size, dtype=np.int64)
        self.bt = np.zeros(config.batch_size, dtype=np.int64)
        self.pending = 0
        self.buffer = None
        if method in ("er", "agem", "derpp"):
            self.buffer = ReservoirBuffer(config.buffer_size, d, k, rng, self.device)
        if method == "ewc":
            self.anchors = [p.detach().clone() for p in self.params]
            self.fisher = [torch.zeros_like(p) for p in self.params]
            self.fisher_task = [torch.zeros_like(p) for p in self.params]
            self.fisher_steps = 0
            self.consolidated = False

    def logits(self, x: torch.Tensor, t: torch.Tensor, raw: torch.Tensor | None = None) -> torch.Tensor:
        """The network's logits for ``x``, masked to each sample's task in task-incremental streams."""
        out = self.model(x) if raw is None else raw
        return out + self.mask[t] if self.task_il else out

    @torch.inference_mode()
    def predict(self, x: np.ndarray, task_ids: np.ndarray | None = None) -> np.ndarray:
        x = torch.as_tensor(np.asarray(x, dtype=np.float32), device=self.device)
        if x.dim() == 1:
            x = x.unsqueeze(0)
        out = self.model(x)
        if self.task_il:
            t = torch.as_tensor(np.asarray(task_ids, dtype=np.int64).reshape(-1), device=self.device)
            out = out + self.mask[t]
        return out.argmax(1).cpu().numpy()

    def observe(self, x: np.ndarray, y: int, task_id: int, boundary: bool) -> None:
        if boundary:
            self.flush()
            if self.method == "ewc":
                self.consolidate()
        self.bx[self.pending], self.by[self.pending], self.bt[self.pending] = x, y, task_id
        self.pending += 1
        if self.pending == self.cfg.batch_size or self.step in self.segment_ends:
            self.flush()
        self.step += 1

    def flush(self) -> None:
        """Train on the waiting samples (``iters`` steps), then offer them to the buffer."""
        n = self.pending
        if n == 0:
            return
        self.pending = 0
        x = torch.as_tensor(self.bx[:n].copy(), device=self.device)
        y = torch.as_tensor(self.by[:n].copy(), device=self.device)
        t = torch.as_tensor(self.bt[:n].copy(), device=self.device)
        z = None
        for _ in range(self.cfg.iters):
            z = self.update(x, y, t)
        if self.buffer is not None:
            self.buffer.add(x, y, t, z)

    def update(self, x: torch.Tensor, y: torch.Tensor, t: torch.Tensor) -> torch.Tensor | None:
        """One gradient step on the batch; returns the batch's logits (DER++ stores them)."""
        cfg, buf, method = self.cfg, self.buffer, self.method
        self.opt.zero_grad(set_to_none=True)
        replay = buf is not None and buf.n > 0
        if method == "er" and replay:
            i = buf.sample(cfg.replay_batch)
            x, y, t = torch.cat([x, buf.x[i]]), torch.cat([y, buf.y[i]]), torch.cat([t, buf.t[i]])
        raw = self.model(x) if method != "ewc" else self.forward_recording(x)
        loss = F.cross_entropy(self.logits(x, t, raw), y)
        if method == "derpp" and replay:
            i = buf.sample(cfg.replay_batch)
            loss = loss + cfg.alpha * F.mse_loss(self.model(buf.x[i]), buf.z[i])
            j = buf.sample(cfg.replay_batch)
            loss = loss + cfg.beta * F.cross_entropy(self.logits(buf.x[j], buf.t[j]), buf.y[j])
        loss.backward()
        if method == "agem" and replay:
            g = torch.cat([p.grad.reshape(-1) for p in self.params])
            i = buf.sample(cfg.replay_batch)
            ref = torch.autograd.grad(F.cross_entropy(self.logits(buf.x[i], buf.t[i]), buf.y[i]), self.params)
            g = agem_project(g, torch.cat([r.reshape(-1) for r in ref]))
            torch.nn.utils.vector_to_parameters(g, [p.grad for p in self.params])
        if method == "ewc":
            with torch.no_grad():
                self.accumulate_fisher(len(y))
                if self.consolidated:  # d/dθ of lambda/2 F (θ - θ*)²
                    for p, a, k in zip(self.params, self.anchors, self.pull, strict=True):
                        p.grad.add_(k * (p - a))
        self.opt.step()
        return raw.detach() if method == "derpp" else None

    def forward_recording(self, x: torch.Tensor) -> torch.Tensor:
        """The model's forward pass, keeping each linear layer's input and output (for the Fisher)."""
        self.recorded = []
        for layer in self.model:
            if isinstance(layer, nn.Linear):
                a, x = x, layer(x)
                x.retain_grad()
                self.recorded.append((a, x))
            else:
                x = layer(x)
        return x

    def accumulate_fisher(self, n: int) -> None:
        """Add the batch's mean per-sample squared gradients to ``fisher_task``. For a linear layer
        ``z = W a + c`` and a mean loss, sample i's gradient is ``n·δ_i a_iᵀ`` with ``δ = ∂loss/∂z``,
        so the mean of its square is ``n·(δ²)ᵀ a²`` (and ``n·Σ_i δ_i²`` for ``c``)."""
        for k, (a, z) in enumerate(self.recorded):
            d2 = z.grad * z.grad
            self.fisher_task[2 * k].add_(n * d2.T @ (a * a))
            self.fisher_task[2 * k + 1].add_(n * d2.sum(0))
        self.recorded = []
        self.fisher_steps += 1

    def consolidate(self) -> None:
        """EWC at a task boundary: ``F <- gamma F + mean g²`` over the task's steps, ``θ* <- θ``."""
        if self.fisher_steps == 0:
            return
        with torch.no_grad():
            for p, a, f, ft in zip(self.params, self.anchors, self.fisher, self.fisher_task, strict=True):
                f.mul_(self.cfg.ewc_gamma).add_(ft / self.fisher_steps)
                a.copy_(p)
                ft.zero_()
            # the penalty's gradient is lambda F (θ - θ*); with SGD a factor lr·lambda·F above 2 makes
            # θ oscillate away from θ*, so it is capped at 1/lr (one step lands at most on θ*)
            cap = 1.0 / self.cfg.lr if self.cfg.optimizer == "sgd" else float("inf")
            self.pull = [(self.cfg.ewc_lambda * f).clamp_(max=cap) for f in self.fisher]
        self.fisher_steps, self.consolidated = 0, True


def make_learner(method: str, info: Any, seed: int, config: dict | None = None,
                 device: str = "auto") -> ReplayLearner:
    """A :class:`ContinualLearner` for the stream described by ``info`` (a ``StreamInfo``).

    ``config`` overrides :func:`load_config` ``(method, info.dataset)`` key by key; unknown keys raise
    ConfigError. ``device="auto"`` takes CUDA when it is available."""
    check_choice("method", method, METHODS)
    dataset = getattr(info, "dataset", None)
    known = read_yaml(str(CONFIG_PATH)).get("datasets") or {}
    merged = load_config(method, dataset if dataset in known else None)
    merged.update(config or {})
    cfg = make_config(ReplayConfig, merged, owner=f"replay method {method!r}")
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    torch.manual_seed(seed)
    return ReplayLearner(method, info, cfg, agent_rng(seed), device)



def main(argv: list[str] | None = None) -> None:
    """Quick look at a few methods: final ACC (mean ± 95% CI) per stream. The reference table with every
    metric is ``python -m loopgym.baselines.replay_table``."""
    parser = argparse.ArgumentParser(prog="python -m loopgym.baselines.replay", description=__doc__.split("\n")[0])
    parser.add_argument("--env", nargs="+", default=["loopgym/SplitDigits-v0", "loopgym/PermutedDigits-v0"])
    parser.add_argument("--methods", nargs="+", default=list(METHODS), choices=METHODS)
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--epochs", type=int, default=1, help="the env's passes over each task")
    parser.add_argument("--joint-epochs", type=int, default=3, help="epochs of the joint run (default 3)")
    parser.add_argument("--incremental", default=None, help="the env's scenario (class, task, domain)")
    parser.add_argument("--device", default="auto")
    args = parser.parse_args(argv)
    from loopgym.continual import evaluate

    print(f"{'env':28s} {'method':7s} {'ACC':>15s} {'s/run':>6s}")
    for env_id in args.env:
        for method in args.methods:
            kwargs: dict[str, Any] = {"epochs": args.epochs}
            if args.incremental:
                kwargs["incremental"] = args.incremental
            if method == "joint":
                kwargs.update(order="iid", epochs=args.joint_epochs)

            def factory(info, seed, method=method):
                return make_learner(method, info, seed, device=args.device)

            report = evaluate(factory, env_id, seeds=args.seeds, eval_every=10**9, name=method, **kwargs)
            (acc, half), (secs, _) = report.metrics()["acc"], report.metrics()["seconds"]
            print(f"{env_id:28s} {method:7s} {acc:8.3f} ± {half:.3f} {secs:6.2f}", flush=True)


if __name__ == "__main__":
    main()
