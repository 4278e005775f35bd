"""Chapter 08's Hessian explorer: the tape's gradient and Hessian against closed forms; every bad
input (singular or indefinite Hessian, overflow, not a number) gives a sentence and a picture;
one trace per dtype; the widget reacts to its controls; an update is fast."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest

pytest.importorskip("tensorflow")

from autodiff_course import explorers as ex  # noqa: E402
from autodiff_course.explorers import hessian  # noqa: E402

PNG = b"\x89PNG"

# Every test here fails on any warning a learner could see (conftest.py).
pytestmark = pytest.mark.usefixtures("warnings_are_errors")


@pytest.mark.parametrize(
    "values",
    [
        dict(function="bowl", x=2.0, y=1.0, a=1.0, b=1.0, c=2.0),
        dict(function="bowl", x=-0.7, y=2.3, a=-1.5, b=3.2, c=0.4),
        dict(function="rosenbrock", x=-1.2, y=1.0),
        dict(function="rosenbrock", x=0.5, y=-2.5),
    ],
)
def test_tape_matches_the_closed_form_in_float64(values):
    v = ex.hessian_values(**values, dtype="float64")
    np.testing.assert_allclose(v.gradient, v.exact_gradient, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(v.hessian, v.exact_hessian, rtol=1e-12, atol=1e-12)
    assert np.array_equal(v.hessian, v.hessian.T)  # symmetric


def test_closed_forms_by_hand():
    gradient, h = hessian.closed_form("bowl", 2.0, 1.0, 1.0, 1.0, 2.0)
    assert gradient.tolist() == [5.0, 6.0] and h.tolist() == [[2.0, 1.0], [1.0, 4.0]]
    gradient, h = hessian.closed_form("rosenbrock", 1.0, 1.0, 0, 0, 0)
    assert gradient.tolist() == [0.0, 0.0] and h.tolist() == [[802.0, -400.0], [-400.0, 200.0]]


def test_newton_lands_on_the_bowls_minimum_from_anywhere():
    for x, y in [(2.0, 1.0), (-2.5, 0.5), (0.3, -2.9)]:
        v = ex.hessian_values("bowl", x, y, 1.0, 1.0, 2.0, "float64")
        np.testing.assert_allclose(v.newton, [0.0, 0.0], atol=1e-12)


def test_eigen_directions_are_those_of_the_hessian():
    v = ex.hessian_values("bowl", 1.0, 1.0, 1.0, 3.0, 1.0, "float64")
    values, vectors = v.eigen
    assert values.tolist() == pytest.approx([-1.0, 5.0])
    np.testing.assert_allclose(v.hessian @ vectors, vectors * values, atol=1e-12)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(
    "values, kind, key",
    [
        (dict(a=1.0, b=1.0, c=2.0), "hessian_minimum", "status.minimum_exact"),
        (dict(function="rosenbrock", x=-1.0, y=1.0), "hessian_minimum", "status.minimum"),
        (dict(a=1.0, b=2.0, c=1.0), "hessian_singular", "status.singular"),
        (dict(a=0.0, b=0.0, c=0.0), "hessian_singular", "status.singular"),
        (dict(a=1.0, b=3.0, c=1.0), "hessian_saddle", "status.saddle"),
        (dict(function="rosenbrock", x=0.0, y=1.0), "hessian_saddle", "status.saddle"),
        (dict(a=-1.0, b=0.0, c=-2.0), "hessian_maximum", "status.maximum"),
        (dict(x=1e20, y=1.0), "hessian_broken", "status.overflow"),
        (dict(function="rosenbrock", x=1e12, y=1.0), "hessian_broken", "status.overflow"),
        (dict(x=float("nan")), "hessian_broken", "status.overflow"),
        (dict(c=float("inf")), "hessian_broken", "status.overflow"),
    ],
)
def test_every_input_gets_a_sentence_and_a_picture(values, kind, key, lang):
    model = ex.HessianModel(lang)
    result = model.compute(**values)
    got_kind, sentence = model.status(result, lang)
    assert got_kind == kind, sentence
    start = hessian.TEXT[key][lang].split("{")[0][:12]
    assert sentence.startswith(start), sentence
    assert sentence.endswith(("。", ".")) and "{" not in sentence
    assert model.render(result).startswith(PNG)
    lines = model.describe(result, lang)
    assert len(lines) >= 7 and all("{" not in line for line in lines)


def test_saddle_sentence_names_the_model_stationary_point_not_a_saddle_of_f():
    # Rosenbrock has no saddle: at (0, 1) the Newton point zeroes the local quadratic model's
    # gradient g + H·(p − v), not Rosenbrock's own gradient.
    v = ex.hessian_values("rosenbrock", 0.0, 1.0, dtype="float64")
    p = np.asarray(v.newton, dtype=float)
    np.testing.assert_allclose(v.gradient + v.hessian @ (p - [0.0, 1.0]), 0.0, atol=1e-9)
    x, y = p
    own = [-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)]
    assert np.abs(own).max() > 1.0
    en = ex.HessianModel("en").status(v, "en")[1]
    zh = ex.HessianModel("zh").status(v, "zh")[1]
    assert "(−0.005025, 0), the stationary point of the local quadratic model" in en, en
    assert "(−0.005025, 0)，即局部二次模型的驻点" in zh, zh


def test_singular_sentence_speaks_of_curvature_not_a_flat_function():
    # b² = 4ac: zero curvature along (1, −1)/√2, yet the gradient (6, 6) is not zero.
    v = ex.hessian_values("bowl", 2.0, 1.0, 1.0, 2.0, 1.0, dtype="float64")
    direction = np.array([1.0, -1.0]) / np.sqrt(2.0)
    np.testing.assert_allclose(v.hessian @ direction, 0.0, atol=1e-12)
    assert v.gradient.tolist() == [6.0, 6.0]
    en = ex.HessianModel("en").status(v, "en")[1]
    zh = ex.HessianModel("zh").status(v, "zh")[1]
    assert "zero curvature along (0.707107, −0.707107)" in en and "flat" not in en, en
    assert "沿 (0.707107, −0.707107) 方向的曲率为零" in zh and "平的" not in zh, zh


def test_one_trace_per_dtype_whatever_the_values():
    for function in hessian.FUNCTIONS:
        for x, y in [(-3.0, 3.0), (0.0, 0.0), (1e20, 1.0)]:
            for b in (0.0, 2.0):
                for dtype in ("float32", "float64"):
                    ex.hessian_values(function, x, y, 1.0, b, 1.0, dtype)
    assert ex.trace_counts()["hessian"] == {"float32": 1, "float64": 1}


def test_report_is_deterministic_text():
    text = ex.hessian_report("bowl", 2.0, 1.0, 1.0, 1.0, 2.0)
    assert text == ex.hessian_report("bowl", 2.0, 1.0, 1.0, 1.0, 2.0)
    assert "gradient, tape: (5, 6)" in text and "Hessian, tape: [[2, 1], [1, 4]]" in text
    assert "one Newton step → (0, 0)" in text
    zh = ex.hessian_report("bowl", 2.0, 1.0, 1.0, 2.0, 1.0, lang="zh")
    assert "牛顿法一步：不唯一" in zh and "黑塞矩阵是奇异的" in zh
    bowl_zh = ex.hessian_report("bowl", 2.0, 1.0, 1.0, 1.0, 2.0, lang="zh")
    assert "从任何一点出发都一步落到那里；这一步实际落在 (0, 0)。" in bowl_zh


def test_unknown_function_or_dtype_is_a_clear_error():
    with pytest.raises(ValueError, match="function must be one of"):
        ex.hessian_values("himmelblau")
    with pytest.raises(ValueError, match="dtype must be one of"):
        ex.hessian_values(dtype="float16")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_hessian_explorer_reacts_to_its_controls(lang):
    pytest.importorskip("ipywidgets")
    explorer = ex.hessian_explorer(lang)
    first = explorer.image.value
    assert explorer.result.function == "bowl" and explorer.result.gradient.tolist() == [5, 6]
    explorer.controls["c"].value = 1.0
    explorer.controls["b"].value = 2.0  # b² = 4ac
    assert explorer.model.status(explorer.result, lang)[0] == "hessian_singular"
    assert explorer.image.value != first and explorer.updates == 3
    explorer.controls["function"].value = "rosenbrock"
    assert explorer.controls["a"].disabled and explorer.result.function == "rosenbrock"
    explorer.controls["x"].value = -1.0
    assert explorer.result.gradient.tolist() == [-4.0, 0.0]
    assert "802" in explorer.numbers.value
    explorer.controls["function"].value = "bowl"
    assert not explorer.controls["c"].disabled


def test_an_update_is_fast():
    model = ex.HessianModel("en")
    model.render(model.compute())  # first draw: traces and builds the axes
    rng = np.random.default_rng(0)
    times = []
    for i in range(40):
        values = dict(x=float(rng.uniform(-3, 3)), y=float(rng.uniform(-3, 3)))
        if i % 4 == 0:  # new coefficients: new contours
            values["b"] = round(float(rng.uniform(-4, 4)), 1)
        start = time.perf_counter()
        model.render(model.compute(**values))
        times.append(time.perf_counter() - start)
    assert math.isfinite(np.median(times)) and np.median(times) < 0.2, times


@pytest.mark.parametrize("x, y", [(3.0, 3.0), (-3.0, -3.0), (3.0, -3.0), (-3.0, 3.0)])
def test_at_the_sliders_corners_arrow_and_eigen_directions_stay_on_the_chart(x, y):
    assert hessian.POINT == (-3.0, 3.0) and hessian.VIEW[1] - hessian.POINT[1] >= 1.0
    figure = hessian.HessianFigure("en")
    figure.update(ex.hessian_values("bowl", x, y))
    lo, hi = hessian.VIEW
    for line in (figure.arrow, figure.head, figure.up_a, figure.up_b):
        xs, ys = line.get_data()
        assert len(xs) and all(lo < v < hi for v in [*xs, *ys])
    # the legend sits right of the chart: it hides no point
    renderer = figure.canvas.get_renderer()
    legend = figure.axes[0].get_legend().get_window_extent(renderer)
    assert legend.x0 > figure.axes[0].get_window_extent(renderer).x1


def test_a_newton_step_off_the_chart_ends_on_its_frame_with_its_point():
    figure = hessian.HessianFigure("en")
    v = ex.hessian_values("rosenbrock", -3.0, 0.0)  # Newton goes to about (−3.0, 8.99)
    figure.update(v)
    xs, ys = figure.newton_line.get_data()
    assert ys[-1] == pytest.approx(hessian.VIEW[1]) and len(figure.newton_head.get_data()[0]) == 3
    assert figure.newton_label.get_text() == "(−2.99778, 8.98667)"
    assert not figure.newton_point.get_data()[0]  # no cross off the chart
    figure.update(ex.hessian_values("bowl", 2.0, 1.0))  # Newton lands at (0, 0): on the chart
    assert figure.newton_label.get_text() == "" and list(figure.newton_point.get_data()[0]) == [0]


def test_rosenbrock_contours_are_smooth_lines_along_the_valley():
    """Drawn from a fine grid in log10: no broken fragments where the valley is narrow."""
    v = ex.hessian_values("rosenbrock", 1.0, 1.0)
    grid, values = hessian.contour_grid(v)
    assert len(grid) >= 321 and np.all(np.isfinite(values))
    assert grid[1] - grid[0] <= 0.025  # f < 0.25 is 0.05 wide across the valley: 4 cells
