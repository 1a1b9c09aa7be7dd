"""A MaskablePPO policy that scores each candidate action with one shared network.

The vector views of code repair and math revision offer a list of candidates (edits, answers,
corrections) in slots whose order is shuffled every episode, with one row of features per slot. The
default ``MultiInputPolicy`` flattens every row into one vector and learns a separate output per slot,
so it must learn "an edit at the failing line is good" once for every slot. ``CandidatePolicy`` scores
every slot's row with the same small MLP (the logits are equivariant to the slots' order, as the
task is) and pools the rows for the value. It is what expert iteration's apprentice does, so PPO and
expert iteration are compared with the same network.

``row_keys`` says which observation keys hold rows: ``{"candidates": 1}`` means one row per action;
``{"steps": 4}`` means one row per 4 consecutive actions (StepRevision: a step's row is shared by
its corrections). The other keys are global and are appended to every row::

    MaskablePPO(CandidatePolicy, env, policy_kwargs={"row_keys": {"candidates": 1}, "hidden": 128})
"""

from __future__ import annotations

import gymnasium as gym
import torch
from sb3_contrib.common.maskable.policies import MaskableMultiInputActorCriticPolicy
from stable_baselines3.common.torch_layers import BaseFeaturesExtractor
from torch import nn


class CandidateRows(BaseFeaturesExtractor):
    """Observation dict -> one row per action, ``[batch, n_actions * row_dim]`` (flattened rows)."""

    def __init__(self, observation_space: gym.spaces.Dict, row_keys: dict[str, int], n_actions: int):
        unknown = sorted(set(row_keys) - set(observation_space.spaces))
        if unknown:
            raise ValueError(f"row_keys {unknown} are not observation keys ({', '.join(observation_space.spaces)})")
        widths = {}
        for key, share in row_keys.items():
            size = int(gym.spaces.flatdim(observation_space[key]))
            rows = n_actions // int(share)
            if n_actions % int(share) or size % rows:
                raise ValueError(f"{key} ({size} values) does not split into rows for {n_actions} actions "
                                 f"shared {share} at a time")  # fmt: skip
            widths[key] = size // rows
        self.global_keys = sorted(k for k in observation_space.spaces if k not in row_keys)
        global_dim = sum(int(gym.spaces.flatdim(observation_space[k])) for k in self.global_keys)
        self.row_dim = sum(widths.values()) + global_dim
        super().__init__(observation_space, features_dim=n_actions * self.row_dim)
        self.row_keys = {k: int(v) for k, v in row_keys.items()}
        self.n_actions = n_actions

    def forward(self, obs: dict[str, torch.Tensor]) -> torch.Tensor:
        batch = next(iter(obs.values())).shape[0]
        parts = []
        for key, share in self.row_keys.items():
            x = obs[key].reshape(batch, self.n_actions // share, -1).float()
            parts.append(x.repeat_interleave(share, dim=1) if share > 1 else x)
        if self.global_keys:
            g = torch.cat([obs[k].reshape(batch, -1).float() for k in self.global_keys], dim=1)
            parts.append(g.unsqueeze(1).expand(batch, self.n_actions, g.shape[1]))
        return torch.cat(parts, dim=2).reshape(batch, -1)


class CandidateHeads(nn.Module):
    """The policy's ``mlp_extractor``: a logit per row (shared MLP), and pooled rows for the value."""

    def __init__(self, n_actions: int, row_dim: int, hidden: int):
        super().__init__()
        self.n_actions, self.row_dim = n_actions, row_dim
        self.latent_dim_pi, self.latent_dim_vf = n_actions, hidden
        self.score = nn.Sequential(nn.Linear(row_dim, hidden), nn.Tanh(), nn.Linear(hidden, hidden), nn.Tanh(),
                                   nn.Linear(hidden, 1))  # fmt: skip
        self.embed = nn.Sequential(nn.Linear(row_dim, hidden), nn.Tanh())
        self.critic = nn.Sequential(nn.Linear(2 * hidden, hidden), nn.Tanh())

    def _rows(self, features: torch.Tensor) -> torch.Tensor:
        return features.reshape(features.shape[0], self.n_actions, self.row_dim)

    def forward_actor(self, features: torch.Tensor) -> torch.Tensor:
        return self.score(self._rows(features)).squeeze(-1)

    def forward_critic(self, features: torch.Tensor) -> torch.Tensor:
        e = self.embed(self._rows(features))
        return self.critic(torch.cat([e.mean(dim=1), e.amax(dim=1)], dim=1))

    def forward(self, features: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.forward_actor(features), self.forward_critic(features)


class CandidatePolicy(MaskableMultiInputActorCriticPolicy):
    """MaskablePPO policy over candidate rows (see the module docstring)."""

    def __init__(self, observation_space, action_space, lr_schedule, *, row_keys: dict[str, int],
                 hidden: int = 128, **kwargs):  # fmt: skip
        if not isinstance(action_space, gym.spaces.Discrete):
            raise ValueError(f"CandidatePolicy needs a Discrete action space, got {action_space}")
        self.hidden = int(hidden)
        kwargs["features_extractor_class"] = CandidateRows
        kwargs["features_extractor_kwargs"] = {"row_keys": dict(row_keys), "n_actions": int(action_space.n)}
        kwargs["share_features_extractor"] = True
        super().__init__(observation_space, action_space, lr_schedule, **kwargs)

    def _build_mlp_extractor(self) -> None:
        fx = self.features_extractor
        self.mlp_extractor = CandidateHeads(fx.n_actions, fx.row_dim, self.hidden)

    def _build(self, lr_schedule) -> None:
        super()._build(lr_schedule)
        self.action_net = nn.Identity()  # the heads already give one logit per action
        self.optimizer = self.optimizer_class(self.parameters(), lr=lr_schedule(1), **self.optimizer_kwargs)
