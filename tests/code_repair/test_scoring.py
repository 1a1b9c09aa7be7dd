import numpy as np
import pytest

from loopgym.envs.code_repair.scoring import pass_at_k, solved_by_turn


def test_pass_at_k_matches_direct_counting():
    # 5 samples, 2 correct, k=2: 1 - C(3,2)/C(5,2) = 1 - 3/10
    assert pass_at_k(5, 2, 2) == pytest.approx(0.7)
    assert pass_at_k(5, 0, 3) == 0.0 and pass_at_k(5, 4, 2) == 1.0 and pass_at_k(1, 1, 1) == 1.0
    with pytest.raises(ValueError):
        pass_at_k(3, 4, 1)


def test_solved_by_turn_is_a_cumulative_curve():
    curve = solved_by_turn([1, None, 3, 2], max_attempts=4)
    np.testing.assert_allclose(curve, [0.25, 0.5, 0.75, 0.75])
    with pytest.raises(ValueError):
        solved_by_turn([5], max_attempts=4)
