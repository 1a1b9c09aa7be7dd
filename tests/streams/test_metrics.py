"""Continual-learning metrics against hand-computed values, and the plots' files."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest

from loopgym.metrics.continual import (
    average_accuracy,
    backward_transfer,
    forgetting,
    forgetting_per_task,
    forward_transfer,
    min_acc,
    min_acc_per_task,
    stability_gap,
    summary,
    wc_acc,
    wc_acc_per_task,
)

# R[i, j]: accuracy on task j after training up to task i
R = np.array(
    [
        [0.90, 0.10, 0.20],
        [0.60, 0.80, 0.30],
        [0.50, 0.70, 0.95],
    ]
)
B = np.array([0.10, 0.20, 0.25])

# continual evaluation: 3 tasks starting at steps 0, 4, 8; one row per evaluation (task 0, 1, 2)
STEPS = np.array([0, 2, 4, 6, 8, 10])
STARTS = np.array([0, 4, 8])
CURVES = np.array(
    [
        [0.50, 0.00, 0.00],  # step 0  (task 0)
        [0.90, 0.10, 0.00],  # step 2  (task 0, its last evaluation)
        [0.60, 0.50, 0.10],  # step 4  (task 1)
        [0.80, 0.90, 0.00],  # step 6  (task 1, its last evaluation)
        [0.70, 0.40, 0.50],  # step 8  (task 2)
        [0.75, 0.60, 0.90],  # step 10 (task 2, the last evaluation)
    ]
)


# ---------------------------------------------------------------------------------------------- GEM


def test_average_accuracy_is_the_mean_of_the_last_row():
    # (0.5 + 0.7 + 0.95) / 3 = 2.15 / 3
    assert average_accuracy(R) == pytest.approx(2.15 / 3)


def test_backward_transfer_compares_final_with_just_learned():
    # ((0.5 - 0.9) + (0.7 - 0.8)) / 2 = (-0.4 - 0.1) / 2
    assert backward_transfer(R) == pytest.approx(-0.25)


def test_forward_transfer_compares_before_training_with_init():
    # ((R[0,1] - b[1]) + (R[1,2] - b[2])) / 2 = ((0.1 - 0.2) + (0.3 - 0.25)) / 2 = (-0.1 + 0.05) / 2
    assert forward_transfer(R, B) == pytest.approx(-0.025)


def test_perfect_memory_has_no_forgetting_and_zero_bwt():
    ideal = np.array([[1.0, 0.0], [1.0, 1.0]])
    assert backward_transfer(ideal) == 0.0 and forgetting(ideal) == 0.0
    assert average_accuracy(ideal) == 1.0


# ---------------------------------------------------------------------------------------- forgetting


def test_forgetting_per_task_and_mean():
    # task 0: max(R[0,0], R[1,0]) - R[2,0] = max(0.9, 0.6) - 0.5 = 0.4
    # task 1: max(R[0,1], R[1,1]) - R[2,1] = max(0.1, 0.8) - 0.7 = 0.1
    np.testing.assert_allclose(forgetting_per_task(R), [0.4, 0.1])
    assert forgetting(R) == pytest.approx((0.4 + 0.1) / 2)


def test_forgetting_max_runs_over_every_earlier_stage_as_in_the_paper():
    # Chaudhry et al.: max over l = 0..T-2, including stages before task 1 was trained:
    # task 1: max(R[0,1] = 0.85, R[1,1] = 0.8) - 0.7 = 0.15
    r = R.copy()
    r[0, 1] = 0.85
    np.testing.assert_allclose(forgetting_per_task(r), [0.4, 0.15])


def test_backward_improvement_gives_negative_forgetting():
    # task 0: max(0.5) - 0.7 = -0.2
    np.testing.assert_allclose(forgetting_per_task([[0.5, 0.0], [0.7, 0.9]]), [-0.2])


def test_single_task_metrics_over_earlier_tasks_are_nan():
    one = [[0.8]]
    assert average_accuracy(one) == pytest.approx(0.8)
    assert math.isnan(backward_transfer(one)) and math.isnan(forgetting(one))
    assert math.isnan(forward_transfer(one, [0.1]))
    assert forgetting_per_task(one).shape == (0,)


@pytest.mark.parametrize(
    "bad, words",
    [
        (np.zeros((2, 3)), "square"),
        (np.zeros(3), "square"),
        (np.zeros((0, 0)), "empty"),
    ],
)
def test_malformed_matrix_is_a_value_error(bad, words):
    for metric in (average_accuracy, backward_transfer, forgetting):
        with pytest.raises(ValueError, match=words):
            metric(bad)


def test_b_of_the_wrong_length_and_nan_entries_are_value_errors():
    with pytest.raises(ValueError, match="b must hold one accuracy per task"):
        forward_transfer(R, [0.1, 0.2])
    r = R.copy()
    r[2, 1] = np.nan
    with pytest.raises(ValueError, match="last row"):
        average_accuracy(r)
    # an entry a metric does not read may be missing: BWT reads only the last row and the diagonal
    r = R.copy()
    r[0, 2] = np.nan
    assert backward_transfer(r) == pytest.approx(-0.25)


# ----------------------------------------------------------------------------- min-ACC and WC-ACC


def test_min_acc_per_task_by_hand():
    # k=1 (ends at step 6): task 0 after step 4 and up to 6: min(0.6, 0.8) = 0.6
    # k=2 (ends at step 10): task 0 from step 4: min(0.6, 0.8, 0.7, 0.75) = 0.6
    #                        task 1 from step 8: min(0.4, 0.6) = 0.4   -> (0.6 + 0.4) / 2 = 0.5
    per_task = min_acc_per_task(STEPS, CURVES, STARTS)
    assert math.isnan(per_task[0])
    np.testing.assert_allclose(per_task[1:], [0.6, 0.5])
    assert min_acc(STEPS, CURVES, STARTS) == pytest.approx(0.5)


def test_wc_acc_per_task_by_hand():
    # k=0: a = 0.9 (task 0 at step 2)                           -> 0.9
    # k=1: a = 0.9 (task 1 at step 6):  0.9/2 + (1 - 1/2) * 0.6   = 0.45 + 0.3 = 0.75
    # k=2: a = 0.9 (task 2 at step 10): 0.9/3 + (1 - 1/3) * 0.5   = 0.3 + 1/3
    np.testing.assert_allclose(wc_acc_per_task(STEPS, CURVES, STARTS), [0.9, 0.75, 0.3 + 1 / 3])
    assert wc_acc(STEPS, CURVES, STARTS) == pytest.approx(0.3 + 1 / 3)


def test_min_acc_uses_evaluations_from_the_next_tasks_start_on():
    # an evaluation exactly at task_starts[1] counts as after task 0; one step earlier does not
    steps, curves, starts = [3, 4, 9], [[0.1, 0.0], [0.7, 0.2], [0.9, 0.8]], [0, 4]
    assert min_acc(steps, curves, starts) == pytest.approx(0.7)


def test_single_task_min_acc_is_nan_and_wc_acc_the_final_accuracy():
    steps, curves, starts = [0, 5], [[0.2], [0.8]], [0]
    assert math.isnan(min_acc(steps, curves, starts))
    assert wc_acc(steps, curves, starts) == pytest.approx(0.8)


def test_evaluations_that_stop_before_the_last_task_give_nan():
    # a stream cut short: no evaluation at or after task 2's start (step 8)
    assert math.isnan(min_acc(STEPS[:4], CURVES[:4], STARTS))
    assert math.isnan(wc_acc(STEPS[:4], CURVES[:4], STARTS))
    # a task with no evaluation inside it has no per-task value
    per_task = wc_acc_per_task([0, 8, 10], CURVES[[0, 4, 5]], STARTS)
    assert math.isnan(per_task[1]) and np.isfinite(per_task[[0, 2]]).all()


@pytest.mark.parametrize(
    "steps, curves, starts, words",
    [
        (STEPS[:5], CURVES, STARTS, "steps must have shape"),
        (STEPS, CURVES, STARTS[:2], "task_starts must have one start per task"),
        (STEPS, CURVES[0], STARTS, r"curves must have shape \(E, T\)"),
        (STEPS, np.zeros((0, 3)), STARTS, r"curves must have shape \(E, T\)"),
        (STEPS, CURVES, [0, 8, 4], "task_starts must be non-decreasing"),
        (STEPS[::-1], CURVES, STARTS, "steps must be non-decreasing"),
        (STEPS, np.where(CURVES == 0.5, np.nan, CURVES), STARTS, "curves must be finite"),
    ],
)
def test_malformed_evaluations_are_value_errors(steps, curves, starts, words):
    for metric in (min_acc, wc_acc, stability_gap):
        with pytest.raises(ValueError, match=words):
            metric(steps, curves, starts)


# ----------------------------------------------------------------------------------- stability gap

GAP_STEPS = np.array([0, 50, 90, 100, 110, 120, 130, 140, 190])
GAP_STARTS = np.array([0, 100])


def two_task_curves(task0):
    task1 = np.linspace(0.1, 0.9, len(GAP_STEPS))
    return np.column_stack([task0, task1])


def test_designed_drop_gives_the_exact_gap_and_recovery():
    # pre = 0.9 (step 90); within task 1 the minimum is 0.5 at step 110: gap 0.4.
    # tol 0.01: first value >= 0.89 after step 110 is 0.895 at step 130 -> 30 steps after the switch
    task0 = [0.2, 0.8, 0.9, 0.85, 0.5, 0.6, 0.895, 0.9, 0.9]
    result = stability_gap(GAP_STEPS, two_task_curves(task0), GAP_STARTS, tol=0.01)
    (switch,) = result.switches
    assert switch.task == 1 and switch.start_step == 100
    assert switch.pre == pytest.approx(0.9)
    assert switch.min == pytest.approx(0.5) and switch.min_step == 110
    assert switch.gap == pytest.approx(0.4) and result.mean_gap == pytest.approx(0.4)
    assert switch.recovery_steps == 30 and result.mean_recovery_steps == 30 and result.n_recovered == 1
    # a tighter tolerance needs 0.899: reached at step 140
    assert stability_gap(GAP_STEPS, two_task_curves(task0), GAP_STARTS, tol=0.001).switches[0].recovery_steps == 40


def test_no_recovery_within_the_task_is_nan():
    task0 = [0.2, 0.8, 0.9, 0.85, 0.5, 0.6, 0.7, 0.7, 0.7]
    result = stability_gap(GAP_STEPS, two_task_curves(task0), GAP_STARTS)
    assert result.switches[0].gap == pytest.approx(0.4)
    assert math.isnan(result.switches[0].recovery_steps)
    assert math.isnan(result.mean_recovery_steps) and result.n_recovered == 0


def test_no_drop_recovers_in_zero_steps():
    task0 = [0.2, 0.8, 0.9, 0.895, 0.9, 0.92, 0.93, 0.94, 0.95]
    switch = stability_gap(GAP_STEPS, two_task_curves(task0), GAP_STARTS, tol=0.01).switches[0]
    assert switch.gap == pytest.approx(0.005) and switch.recovery_steps == 0


def test_gap_uses_the_mean_over_all_earlier_tasks():
    # switch 1: pre = 0.9 (task 0 at step 2); min over steps 4, 6 = 0.6 at step 4; 0.8 < 0.89: no recovery
    # switch 2: pre = (0.8 + 0.9) / 2 = 0.85 (step 6); steps 8, 10: (0.7 + 0.4) / 2 = 0.55,
    #           (0.75 + 0.6) / 2 = 0.675 -> min 0.55, gap 0.3, no recovery
    result = stability_gap(STEPS, CURVES, STARTS)
    assert [s.task for s in result.switches] == [1, 2]
    assert [s.pre for s in result.switches] == pytest.approx([0.9, 0.85])
    assert [s.min for s in result.switches] == pytest.approx([0.6, 0.55])
    assert [s.min_step for s in result.switches] == [4, 8]
    assert result.mean_gap == pytest.approx(0.3)
    assert all(math.isnan(s.recovery_steps) for s in result.switches)


def test_switch_without_an_evaluation_before_it_is_nan():
    result = stability_gap([130, 150], [[0.5, 0.1], [0.6, 0.4]], [100, 120])
    assert math.isnan(result.switches[0].pre) and math.isnan(result.switches[0].gap)
    assert math.isnan(result.mean_gap)
    with pytest.raises(ValueError, match="tol"):
        stability_gap(STEPS, CURVES, STARTS, tol=-1)


# ------------------------------------------------------------------------------------------ summary


def test_summary_keys_and_values():
    out = summary(R, B, STEPS, CURVES, STARTS)
    assert list(out) == ["acc", "bwt", "fwt", "forgetting", "min_acc", "wc_acc", "stability_gap", "recovery_steps"]
    assert all(isinstance(v, float) for v in out.values())
    assert out["acc"] == pytest.approx(2.15 / 3) and out["bwt"] == pytest.approx(-0.25)
    assert out["fwt"] == pytest.approx(-0.025) and out["forgetting"] == pytest.approx(0.25)
    assert out["min_acc"] == pytest.approx(0.5) and out["wc_acc"] == pytest.approx(0.3 + 1 / 3)
    assert out["stability_gap"] == pytest.approx(0.3) and math.isnan(out["recovery_steps"])
    assert list(summary(R)) == ["acc", "bwt", "forgetting"]


def test_summary_rejects_partial_or_mismatched_evaluations():
    with pytest.raises(ValueError, match="missing"):
        summary(R, steps=STEPS, curves=CURVES)
    with pytest.raises(ValueError, match="R has 2 tasks but curves has 3"):
        summary(R[:2, :2], steps=STEPS, curves=CURVES, task_starts=STARTS)


# -------------------------------------------------------------------------------------------- plots


def test_accuracy_matrix_plot_writes_a_png_of_the_asked_size(tmp_path):
    from matplotlib.image import imread

    from loopgym.metrics.plots import plot_accuracy_matrix

    r = R.copy()
    r[0, 2] = np.nan  # a cell never evaluated stays blank
    path = plot_accuracy_matrix(r, tmp_path / "a" / "b" / "matrix.png", title="t", figsize=(5, 4), dpi=50)
    assert path == tmp_path / "a" / "b" / "matrix.png" and path.stat().st_size > 1000
    image = imread(path)
    assert image.shape[:2] == (200, 250) and image[..., :3].std() > 0.05
    with pytest.raises(ValueError, match="square"):
        plot_accuracy_matrix(np.zeros((2, 3)), tmp_path / "x.png")
    with pytest.raises(ValueError, match="task_names"):
        plot_accuracy_matrix(R, tmp_path / "x.png", task_names=["a"])


def test_accuracy_curves_plot_writes_a_png_of_the_asked_size(tmp_path):
    from matplotlib.image import imread

    from loopgym.metrics.plots import plot_accuracy_curves

    path = plot_accuracy_curves(
        STEPS, CURVES, STARTS, tmp_path / "curves.png", task_names=["a", "b", "c"], figsize=(6, 3), dpi=80
    )
    assert path.stat().st_size > 1000
    image = imread(path)
    assert image.shape[:2] == (240, 480) and image[..., :3].std() > 0.05
    with pytest.raises(ValueError, match="task_starts"):
        plot_accuracy_curves(STEPS, CURVES, STARTS[:2], tmp_path / "x.png")


def test_plots_leave_the_users_backend_and_pyplot_alone(tmp_path):
    code = (
        "import sys, matplotlib\n"
        "matplotlib.use('svg')\n"
        "from loopgym.metrics.plots import plot_accuracy_matrix\n"
        f"plot_accuracy_matrix([[0.5]], {str(tmp_path / 'm.png')!r})\n"
        "assert matplotlib.get_backend() == 'svg', matplotlib.get_backend()\n"
        "assert 'matplotlib.pyplot' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
    assert (tmp_path / "m.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
