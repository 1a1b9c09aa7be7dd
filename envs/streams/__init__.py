"""Continual-learning streams: label samples one at a time while the task changes under you.

Five ids over two small datasets (scikit-learn's digits, MNIST-1D): split (classes arrive a few at a
time), permuted (each task scrambles the features) and rotated (each task turns the images). The
unwrapped env's ``stream_info``, ``test_sets()`` and ``train_sets()`` are what a continual-learning
evaluation reads (see ``loopgym.metrics.continual``).
"""

from loopgym.registry import register

from .data import StreamInfo, TaskData
from .envs import ALL, PermutedDigits, PermutedMNIST1D, RotatedDigits, SplitDigits, SplitMNIST1D, StreamEnv
from .feedback import StreamFeedback
from .views import parse_label

for _cls in ALL:
    register(_cls, family="streams", smoke_kwargs={"max_steps": 40})

__all__ = [
    "ALL",
    "PermutedDigits",
    "PermutedMNIST1D",
    "RotatedDigits",
    "SplitDigits",
    "SplitMNIST1D",
    "StreamEnv",
    "StreamFeedback",
    "StreamInfo",
    "TaskData",
    "parse_label",
]
