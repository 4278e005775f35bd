"""The slider explorers: their numbers against closed forms, their rules, bad input, widgets."""

from __future__ import annotations

import math

import numpy as np
import pytest

from autodiff_course import explorers as ex
from autodiff_course.environment import import_tensorflow_quietly
from autodiff_course.explorers import canvas
from autodiff_course.explorers.descent import path_window
from autodiff_course.explorers.formatting import columns
from autodiff_course.quadratic import gradient_descent_closed_form

# Every test here fails on any warning a learner could see (conftest.py).
pytestmark = pytest.mark.usefixtures("warnings_are_errors")


# --------------------------------------------------------------------------- tangent


@pytest.mark.parametrize("dtype", ex.DTYPES)
@pytest.mark.parametrize(
    "a, b, c, x", [(1, -2, 1, 0), (1, -2, 1, 1), (1, -2, 1, 10), (-0.5, 3, 2, -1.5), (0, 2, -1, 4)]
)
def test_tangent_matches_calculus(a, b, c, x, dtype):
    v = ex.tangent_values(a, b, c, x, dtype)
    tol = 1e-5 if dtype == "float32" else 1e-12
    assert v.slope == pytest.approx(2 * a * x + b, rel=tol, abs=tol)
    assert v.curvature == pytest.approx(2 * a, rel=tol, abs=tol)
    assert v.f == pytest.approx(a * x * x + b * x + c, rel=tol, abs=tol)
    assert (v.exact_slope, v.exact_curvature) == (2 * a * x + b, 2 * a)


def test_tangent_report_is_the_chapter_01_example():
    text = ex.tangent_report(a=1, b=-2, c=1, x=10, show_curvature=True)
    assert "f(10) = 81 (exact ax² + bx + c = 81)" in text
    assert "f′(10) from the tape = 18 (exact 2ax + b = 18)" in text
    assert "f″(10) from a nested tape = 2 (exact 2a = 2)" in text
    zh = ex.tangent_report(a=1, b=-2, c=1, x=10, lang="zh")
    assert "磁带求得 f′(10) = 18" in zh and "f″" not in zh


# --------------------------------------------------------------------------- descent numbers


@pytest.mark.parametrize(
    "a, b, x0, lr, steps",
    [(1, -2, 0, 0.01, 1000), (1, -2, 0, 0.1, 50), (2, 3, -4, 0.2, 30), (0.5, 1, 5, 1.5, 40),
     (3, -1, 2, 0.3, 25), (1, -2, 0, 0.99, 200)],
)  # fmt: skip
def test_descent_float64_matches_closed_form(a, b, x0, lr, steps):
    r = ex.descent_path(a, b, 0.7, x0, lr, steps, "float64")
    assert r.path.shape == (steps + 1,)
    for k in (0, 1, steps // 2, steps):
        assert r.path[k] == pytest.approx(gradient_descent_closed_form(x0, k, lr, a, b), abs=1e-9)


def test_descent_float32_equals_an_eager_loop_bit_for_bit():
    """The compiled loop does the eager arithmetic: same float32 bits as a plain loop."""
    rng = np.random.default_rng(0)
    for _ in range(20):
        a, b, x0 = rng.uniform(0.1, 5), rng.uniform(-5, 5), rng.uniform(-5, 5)
        lr = rng.uniform(0, 1.2 / a)
        r = ex.descent_path(a, b, 0.0, x0, lr, 60, "float32")
        x, a32, b32, lr32 = np.float32(x0), np.float32(a), np.float32(b), np.float32(lr)
        expected = [x]
        with np.errstate(all="ignore"):
            for _ in range(60):
                x = x - lr32 * (a32 * (np.float32(2) * x) + b32)
                expected.append(x)
        np.testing.assert_array_equal(r.path, np.array(expected, dtype=np.float32))


def test_float32_plateau_of_the_sources():
    r = ex.descent_path(1, -2, 1, 0, 0.01, 1000, "float32")
    assert r.path.dtype == np.float32
    assert str(r.final_x) == "0.99999857"
    assert r.plateau_step == 659
    r64 = ex.descent_path(1, -2, 1, 0, 0.01, 1000, "float64")
    assert r64.final_x == pytest.approx(1 - 0.98**1000, abs=1e-12)
    assert r64.plateau_step is None


def test_descent_report_is_deterministic_text():
    text = ex.descent_report(1, -2, 1, 0, 0.01, 1000, "float32", "en")
    assert text.splitlines()[0] == "x after 1000 steps (float32): 0.99999857"
    assert "status: Converges: |1 − 2a·lr| = |1 − 2·1·0.01| = 0.98 < 1" in text
    assert (
        "x stops changing after step 659: the step has become smaller than half the spacing "
        "between float32 numbers near x." in " ".join(text.split())  # the status is wrapped
    )
    assert "traced" not in text  # NumPy computed it: there is no trace to count
    zh = ex.descent_report(1, -2, 1, 0, 1.5, 1000, "float32", "zh")
    assert "状态：发散" in zh and "溢出" in zh
    plateau = ex.descent_report(1, -2, 1, 0, 0.01, 1000, "float32", "zh")
    assert "步长已经小于 x 附近相邻两个 float32 数之间间隔的一半。" in plateau


def test_landing_exactly_on_the_minimum_is_not_called_rounding():
    # lr = 0.25 halves the distance to x* = 1 each step; at step 25 x is exactly 1.
    r = ex.descent_path(1, -2, 1, 0, 0.25, 100, "float32")
    assert r.plateau_step == 25 and r.path[25] == 1.0 and r.path[24] != 1.0
    text = " ".join(ex.descent_report(1, -2, 1, 0, 0.25, 100, "float32", "en").split())
    assert "x reaches the minimum x* = 1 exactly at step 25 and stays there." in text
    assert "spacing" not in text
    zh = "".join(ex.descent_report(1, -2, 1, 0, 0.25, 100, "float64", "zh").split())
    assert "正好到达最小值点x*=1，之后一直停在那里。" in zh and "间隔" not in zh
    # Stopping short of x* keeps the rounding sentence (the sources' float32 run).
    short = " ".join(ex.descent_report(1, -2, 1, 0, 0.01, 1000, "float32", "en").split())
    assert "reaches the minimum" not in short and "half the spacing" in short


def test_the_closed_form_line_says_float64_and_overflow():
    lines = ex.descent_report(1, -2, 1, 0, 1.5, 2000, "float64", "en").splitlines()
    assert lines[1] == "closed form (float64): overflows float64"
    zh = ex.descent_report(1, -2, 1, 0, 1.5, 2000, "float64", "zh").splitlines()
    assert zh[1] == "解析式（float64）：超出 float64 的范围"
    assert ex.descent_report(1, -2, 1, 0, 0.01, 1000, "float32", "en").splitlines()[1] == (
        "closed form (float64): 0.9999999983"
    )


def test_reports_show_numbers_not_trace_counts():
    # How often a core was traced is for tests and `make bench` (trace_counts), not learners.
    ex.tangent_values(1, -2, 1, 0.5, dtype="float32")
    ex.tangent_values(1, -2, 1, 0.5, dtype="float64")
    assert ex.trace_counts()["tangent"] == {"float32": 1, "float64": 1}
    for lang in ("en", "zh"):
        for text in (ex.tangent_report(lang=lang), ex.fit_report(0.1, 20, lang=lang)):
            assert "traced" not in text and "追踪" not in text and "float32 ×" not in text
    assert ex.tangent_report(lang="en").splitlines()[-1].startswith("f′(10) from the tape")


# --------------------------------------------------------------------------- status rules


@pytest.mark.parametrize(
    "a, lr, kind",
    [
        (1, 0.01, "converges"),
        (1, 0.4999, "converges"),
        (1, 0.5, "one_step"),  # lr = 1/(2a)
        (2.5, 0.2, "one_step"),
        (1, 0.5001, "oscillates_converges"),
        (1, 0.9999, "oscillates_converges"),
        (1, 1.0, "oscillates_forever"),  # lr = 1/a
        (0.5, 2.0, "oscillates_forever"),
        (1, 1.0001, "diverges"),
        (1, 1e6, "diverges"),
        (1, 0.0, "no_move"),
        (1, -0.1, "uphill"),
        (0, 0.1, "no_minimum"),
        (-1, 0.1, "no_minimum"),
        (-1e-12, 0.1, "no_minimum"),
    ],
)
def test_status_rules_at_their_boundaries(a, lr, kind):
    for lang in ("en", "zh"):
        status = ex.descent_status(a, lr, 10, lang)
        assert status.kind == kind
        assert status.message
    if kind not in ("no_move", "no_minimum"):
        assert "|1 − 2a·lr| < 1" in ex.descent_status(a, lr, 10, "en").message
        assert "|1 − 2a·lr| < 1" in ex.descent_status(a, lr, 10, "zh").message


def test_zero_steps_and_bad_arguments():
    r = ex.descent_path(1, -2, 1, 3.0, 0.1, 0, "float64")
    assert r.path.tolist() == [3.0] and r.status.kind == "no_steps"
    with pytest.raises(ValueError, match="steps"):
        ex.descent_path(1, -2, 1, 0, 0.1, -1)
    with pytest.raises(ValueError, match="steps"):
        ex.descent_path(1, -2, 1, 0, 0.1, ex.MAX_STEPS + 1)
    with pytest.raises(ValueError, match="dtype"):
        ex.descent_path(1, -2, 1, 0, 0.1, 5, "float16")
    with pytest.raises(ValueError, match="lang must be one of"):
        ex.descent_status(1, 0.1, 5, "fr")
    with pytest.raises(ValueError, match="lang must be one of"):
        ex.tangent_report(lang="fr")


@pytest.mark.parametrize("dtype", ex.DTYPES)
def test_overflow_is_reported_not_warned(dtype):
    r = ex.descent_path(5, 5, 5, 5, 1.5, 2000, dtype)  # every slider at its maximum
    assert r.status.kind == "diverges"
    assert r.overflow_step is not None and not np.isfinite(r.final_x)
    k = r.overflow_step
    # What the path holds is what the status says: ±inf at step k, then nan (∞ − ∞) after it.
    inf = "∞" if r.path[k] > 0 else "−∞"
    assert np.isinf(r.path[k]) and np.isnan(r.path[k + 1]) and np.isnan(r.final_x)
    assert f"overflows to {inf} at step {k}; the next step computes ∞ − ∞" in r.status.message
    assert f"from step {k + 1} on x is nan" in r.status.message
    assert math.isinf(r.closed_form)
    png = ex.DescentFigure("en").update(r)
    assert png.startswith(b"\x89PNG")


def test_the_sources_largest_learning_rate_ends_in_nan_and_says_so():
    """lr = 1.5 in float32: −∞ at step 128, nan from 129; panel and status agree."""
    r = ex.descent_path(1, -2, 1, 0, 1.5, 1000, "float32")
    assert r.path[128] == -np.inf and np.isnan(r.path[129:]).all()
    assert ex.descent_lines(r, "en")[0] == "x after 1000 steps (float32): nan"
    assert "overflows to −∞ at step 128" in r.status.message
    assert "from step 129 on x is nan" in r.status.message
    zh = ex.descent_path(1, -2, 1, 0, 1.5, 1000, "float32", "zh").status.message
    assert "第 128 步溢出为 −∞" in zh and "从第 129 步起 x 是 nan" in zh


def test_no_minimum_runs_away_quietly():
    r = ex.descent_path(-2, -5, -5, -5, 1.5, 2000, "float32")
    assert r.status.kind == "no_minimum" and r.x_star is None
    # a < 0: at x = −∞ the next step is −∞ − lr·(+∞) = −∞, so x stays there, no nan.
    assert r.path[-1] == -np.inf and not np.isnan(r.path).any()
    assert f"overflows to −∞ at step {r.overflow_step} and stays there" in r.status.message
    assert "Here x heads off towards −∞." in r.status.message
    line = ex.descent_path(0, 2, 1, 0, 0.5, 100, "float64")
    assert line.final_x == pytest.approx(-100.0) and line.closed_form == pytest.approx(-100.0)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_without_a_minimum_the_status_says_where_x_goes_and_when_it_leaves_the_plot(lang):
    r = ex.descent_path(-1, -2, 1, 0, 0.01, 1000, "float32", lang)
    half, shown = path_window(r.path, r.x0, r.x_star)
    k = r.leaves_step
    assert shown[:k].all() and not shown[k:].any()
    assert abs(r.path[k - 1]) <= half < abs(r.path[k])  # the first step outside the window
    heads, leaves = {
        "en": ("Here x heads off towards ∞.", f"The path leaves the left plot at step {k}."),
        "zh": ("这里 x 一路走向 ∞。", f"路径在第 {k} 步离开左图。"),
    }[lang]
    assert heads in r.status.message and leaves in r.status.message
    still = ex.descent_path(-1, 0, 1, 0, 0.1, 50, "float64", lang)  # x₀ on top: f′(x₀) = 0
    assert still.leaves_step is None and (still.path == 0).all()
    assert "2a·x₀ + b = 0" in still.status.message
    assert "heads off" not in still.status.message and "走向" not in still.status.message


def test_the_figure_marks_where_the_path_leaves_it():
    figure = ex.DescentFigure("en")
    figure.update(ex.descent_path(-1, -2, 1, 0, 0.01, 1000, "float32"))
    assert figure.leaving.get_text() == "leaves the plot at step 91 →"
    lo, hi = figure.axes[0].get_xlim()
    xs = figure.path.get_xdata()
    inside = xs[np.isfinite(xs)][:-1]  # the last point drawn is the one outside: clipped
    assert lo <= inside.min() and inside.max() <= hi and np.isfinite(xs).sum() == 92
    figure.update(ex.descent_path(1, -2, 1, 0, 0.01, 1000, "float32"))
    assert figure.leaving.get_text() == ""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_report_breaks_the_status_between_words(lang):
    text = ex.descent_report(1, -2, 1, 0, 1.5, 1000, "float32", lang)
    status = text.splitlines()[3:]  # after x, the closed form and the minimum
    assert len(status) >= 4 and all(columns(line) <= 88 for line in status)
    assert all(line.startswith("  ") for line in status[1:])
    joined = (
        "".join(line.strip() for line in status)
        if lang == "zh"
        else " ".join(line.strip() for line in status)
    )
    message = ex.descent_path(1, -2, 1, 0, 1.5, 1000, "float32", lang).status.message
    assert joined.endswith(message)  # nothing lost, no word cut
    if lang == "en":
        assert "|1 − 2a·lr| < 1" in text  # a formula is not broken across lines
    else:
        assert all(line.rstrip()[-1] in "，。；！？" for line in status[:-1])


def test_one_trace_per_dtype_whatever_the_values():
    rng = np.random.default_rng(1)
    for i in range(40):
        dtype = ex.DTYPES[i % 2]
        ex.tangent_values(*rng.uniform(-3, 3, 4), dtype=dtype)
    assert ex.trace_counts()["tangent"] == {"float32": 1, "float64": 1}


def _core_path(a, b, c, x0, lr, steps, dtype):
    tf = import_tensorflow_quietly()
    args = [tf.constant(float(v), dtype=dtype) for v in (a, b, c, x0, lr)]
    return ex.descent_core()(*args, tf.constant(steps)).numpy()


def test_the_numpy_path_is_the_tapes_path_bit_for_bit():
    rng = np.random.default_rng(7)
    settings = [
        (1.0, -2.0, 1.0, 0.0, 0.01, 1000, "float32"),  # the chapters' 0.99999857
        (1.0, -2.0, 1.0, 0.0, 1.5, 2000, "float32"),  # overflows to inf, then nan
        (-2.0, 5.0, 0.0, -5.0, 1.5, 2000, "float64"),  # a < 0: runs away
        (0.0, 3.0, 1.0, 2.0, 0.3, 7, "float64"),  # a line, fewer steps than one trip
        (5.0, -5.0, 5.0, 5.0, 0.2, 0, "float32"),  # no steps
    ]
    for i in range(60):
        a, b, c, x0 = (float(v) for v in np.round(rng.uniform(-5, 5, 4), 1))
        lr = float(np.round(rng.uniform(0, 1.5), 2))
        settings.append((a, b, c, x0, lr, int(rng.integers(0, 2001)), ex.DTYPES[i % 2]))
    for setting in settings:
        a, b, _c, *rest = setting
        got, want = ex.numpy_descent_path(a, b, *rest), _core_path(*setting)
        assert got.dtype == want.dtype and got.shape == want.shape, setting
        assert np.array_equal(got, want, equal_nan=True), setting
    assert ex.trace_counts()["descent"] == {"float32": 1, "float64": 1}


# --------------------------------------------------------------------------- figures and widgets


def test_nice_limits_are_round_and_contain_the_data():
    for lo, hi in [(0.3, 7.9), (-123.0, 4.0), (5.0, 5.0), (-1e-3, 1e-3)]:
        nlo, nhi = canvas.nice_limits(lo, hi)
        assert nlo <= lo and nhi >= hi and nhi - nlo >= 1.0
    assert canvas.decades(3e-9, 2.0) == (1e-10, 1e5)
    assert canvas.decades(1.0, 1e308) == (1.0, 1e150)
    assert canvas.ladder_limits(-0.3, 7.9) == (-0.5, 10.0)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_descent_explorer_reacts_to_its_controls(lang):
    before = ex.trace_counts().get("descent")  # the sliders run NumPy: nothing is traced
    e = ex.descent_explorer(lang)
    status, image = e.status.value, bytes(e.image.value)
    assert image.startswith(b"\x89PNG") and ("Converges" in status or "收敛" in status)
    e.controls["learning_rate"].value = 1.5  # far past 1/a = 1: diverges
    assert e.status.value != status and bytes(e.image.value) != image
    assert "Diverges" in e.status.value or "发散" in e.status.value
    for name, value in [("a", 0.0), ("a", -2.0), ("steps", 0), ("dtype", "float64")]:
        e.controls[name].value = value
        assert "Error" not in e.status.value
    for name in ("a", "b", "c", "x0", "learning_rate", "steps"):
        control = e.controls[name]
        control.value = control.max
    assert e.result.status.kind == "diverges"
    assert ex.trace_counts().get("descent") == before
    assert e.report(learning_rate=0.01, steps=1000).startswith(
        "x after 1000 steps (float32): 0.99999857" if lang == "en" else "1000 步之后的 x（float32）"
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_tangent_explorer_reacts_to_its_controls(lang):
    e = ex.tangent_explorer(lang, show_curvature=True)
    numbers, image = e.numbers.value, bytes(e.image.value)
    e.controls["x"].value = -4.0
    assert e.numbers.value != numbers and bytes(e.image.value) != image
    assert "−10" in e.numbers.value  # f′(−4) = 2·(−4) − 2
    for name in ("a", "b", "c", "x"):
        e.controls[name].value = e.controls[name].min
        e.controls[name].value = e.controls[name].max
    e.controls["a"].value = 0.0
    assert e.result.curvature == 0.0


def test_labels_are_not_cut_and_have_tooltips():
    e = ex.descent_explorer("en")
    for control in e.controls.values():
        assert control.style.description_width not in ("", None)
        tip = getattr(control, "tooltip", None) or getattr(control, "description_tooltip", "")
        assert tip
    assert e.controls["learning_rate"].description == "learning rate"


class _CountingModel:
    """The smallest model an Explorer accepts: it doubles one slider's value."""

    core = "counting"

    def __init__(self):
        self.rendered = []

    def compute(self, n):
        return 2 * n

    def render(self, result):
        self.rendered.append(result)
        return b"\x89PNG fake " + str(result).encode()

    def describe(self, result, lang):
        return [f"2n = {result}", "<tag>"]

    def status(self, result, lang):
        return ("diverges", "too big") if result > 10 else None

    def report(self, n=1):
        return f"report {self.compute(n)}"


def test_an_explorer_is_built_from_any_model():
    import ipywidgets as w

    model = _CountingModel()
    e = ex.Explorer(model, {"n": w.IntSlider(value=1, min=0, max=10)}, "zh")
    assert e.result == 2 and model.rendered == [2]
    # escaped, one line each, no line break next to the "=" (no-break spaces)
    assert e.numbers.value == "2n\u00a0=\u00a02<br>&lt;tag&gt;"
    assert e.status.value == ""  # no verdict, and trace counts are not for the learner
    e.controls["n"].value = 6
    assert e.result == 12 and bytes(e.image.value).endswith(b"12")
    assert "too big" in e.status.value and "#cf222e" in e.status.value
    e.set_values(n=3)
    assert model.rendered == [2, 12, 6] and e.updates == 3
    assert e.report(n=4) == "report 8"
    with pytest.raises(ValueError, match="lang must be one of"):
        ex.Explorer(model, {}, "fr")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_explorer_output_carries_a_still_and_its_numbers(lang):
    import base64
    import io

    from PIL import Image

    e = ex.descent_explorer(lang)
    e.controls["learning_rate"].value = 1.5
    bundle = e._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == e.widget.model_id
    text = bundle["text/plain"].splitlines()
    assert text[:-1] == ex.descent_lines(e.result, lang)
    assert text[-1] == e.result.status.message  # the verdict, in the notebook's language
    still = Image.open(io.BytesIO(base64.b64decode(bundle["image/png"])))
    figure = Image.open(io.BytesIO(bytes(e.image.value)))
    # the figure on top, then at least one text line per numbers line underneath
    assert still.width == figure.width
    assert still.height >= figure.height + 17 * len(text)


def test_still_lines_wrap_at_spaces_and_between_chinese_characters():
    from autodiff_course.explorers.still import wrap

    def fits(piece):
        return len(piece) <= 10

    assert wrap("short", fits) == ["short"]
    assert wrap("one two three four", fits) == ["one two", "three four"]
    assert wrap("abcdefghijklmnop", fits) == ["abcdefghij", "klmnop"]
    assert wrap("收敛：每一步都把距离，乘以一个倍数", fits) == [
        "收敛：每一步都把距离，",
        "乘以一个倍数",
    ]
    assert all(fits(p) for p in wrap("甲乙丙丁戊己庚辛壬癸子丑寅卯", fits))


def test_still_and_panel_lines_break_neither_formulas_nor_numbers():
    from autodiff_course.explorers.formatting import glued, html_lines
    from autodiff_course.explorers.still import wrap

    nb = "\u00a0"
    assert glued("tape.gradient = −55") == f"tape.gradient{nb}={nb}−55"
    assert glued("|1 − 2a·lr| < 1") == f"|1{nb}−{nb}2a·lr|{nb}<{nb}1"
    assert glued("lr > 0.401 时发散") == f"lr{nb}>{nb}0.401 时发散"
    assert glued("77.9 ms, 3 steps, 2 倍") == f"77.9{nb}ms, 3 steps, 2{nb}倍"
    assert glued("goes to (−3, 8.98).") == f"goes to (−3,{nb}8.98)."
    assert glued("exact arithmetic: −1.07e+301") == "exact arithmetic: −1.07e+301"  # a sign
    assert html_lines(["a < b", "c"]) == f"a{nb}&lt;{nb}b<br>c"
    assert html_lines(["lr < 2/λmax"]) == f"lr{nb}&lt;{nb}2/\u2060λmax"  # no break after "/"
    assert glued("lr < 2/λmax") == f"lr{nb}<{nb}2/λmax"  # stills: no word joiner
    # a still breaks at ordinary spaces only

    def fits(piece):
        return len(piece) <= 22

    assert wrap(glued("so tape.gradient = −55 here"), fits) == [
        f"so tape.gradient{nb}={nb}−55",
        "here",
    ]


def test_dark_theme_colours_are_readable():
    """WCAG AA: every status colour at least 4.5:1 against white, its dark twin against
    JupyterLab's dark output background (#111111), and the same for the selected toggle."""
    from autodiff_course.explorers import base

    def luminance(colour):
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    def contrast(a, b):
        high, low = sorted((luminance(a), luminance(b)), reverse=True)
        return (high + 0.05) / (low + 0.05)

    colours = {*base.STATUS_COLOURS.values(), base.GREY, base.TEXT_COLOUR}
    assert colours <= set(base.DARK_TWINS), "a status colour without a dark twin"
    for light in colours:
        assert contrast(light, "#ffffff") >= 4.5, light
        assert contrast(base.DARK_TWINS[light], "#111111") >= 4.5, light
    for text, background in base.ACTIVE_TOGGLE.values():
        assert contrast(text, background) >= 4.5
    css = base.explorer_css()
    assert all(f"color:{dark}!important" in css for dark in base.DARK_TWINS.values())
    e = ex.descent_explorer("en")
    e.controls["learning_rate"].value = 1.5
    assert "class='autodiff-tone-cf222e'" in e.status.value  # red: its twin in a dark theme


EXPLORERS = {
    "tangent": lambda: ex.tangent_explorer("zh", show_curvature=True),
    "descent": lambda: ex.descent_explorer("zh"),
    "hessian": lambda: ex.hessian_explorer("zh"),
    "kink": lambda: ex.kink_explorer("zh"),
    "modes": lambda: ex.modes_explorer(None, "zh"),
    "tape": lambda: ex.tape_explorer("zh"),
    "fit": lambda: ex.fit_explorer("zh"),
}


@pytest.mark.parametrize("name", EXPLORERS)
def test_figures_fit_a_narrow_window_with_legible_text(name):
    """At most 640 pixels wide, so that a 1024-pixel window with JupyterLab's file browser open
    (592 for the output) shows the figure at 92 % or more, and no text under 11 pixels: at least
    10 on the screen. The browser test measures it at 1280 and 1920 pixels."""
    from autodiff_course.explorers.base import png_width

    e = EXPLORERS[name]()
    assert png_width(e.image.value) <= 640
    assert canvas.smallest_text_px(e.model) >= 11.0
    assert e._right.layout.flex == f"0 1 {png_width(e.image.value)}px"  # never blown up
    assert e.image.layout.max_width == "100%" and e.image.layout.margin == "0"


def test_widget_view_of_an_ipywidgets_7_widget():
    from autodiff_course.explorers.base import widget_view

    class Old:  # ipywidgets 7 widgets have no _repr_mimebundle_, only a model id
        model_id = "abc"

    assert widget_view(Old()) == {"version_major": 2, "version_minor": 0, "model_id": "abc"}


def test_a_failing_update_shows_a_sentence():
    import ipywidgets as w

    class Broken(_CountingModel):
        def compute(self, n):
            if n > 5:
                raise ValueError("n is too large")
            return n

    e = ex.Explorer(Broken(), {"n": w.IntSlider(value=1, min=0, max=10)}, "en")
    e.controls["n"].value = 7
    assert e.status.value == "<b>ValueError</b>: n is too large"


def test_values_shown_before_are_shown_again_without_computing():
    import ipywidgets as w

    model = _CountingModel()
    e = ex.Explorer(model, {"n": w.IntSlider(value=1, min=0, max=10)}, "en")
    first = (bytes(e.image.value), e.numbers.value, e.status.value)
    e.controls["n"].value = 6
    e.controls["n"].value = 1
    assert model.rendered == [2, 12] and e.updates == 3 and e.result == 2
    assert (bytes(e.image.value), e.numbers.value, e.status.value) == first
    e.controls["n"].value = 6  # the red sentence comes back with its figure
    assert model.rendered == [2, 12] and "too big" in e.status.value
    e.forget_drawn()
    e.controls["n"].value = 1
    assert model.rendered == [2, 12, 2]


def test_only_the_last_values_shown_are_kept():
    import ipywidgets as w

    from autodiff_course.explorers.base import drawn_size

    model = _CountingModel()
    e = ex.Explorer(model, {"n": w.IntSlider(value=1, min=0, max=10)}, "en")
    e.drawn_bytes = 2 * drawn_size(e._drawing(e.values())) + 10  # room for two
    for n in (2, 1, 3, 1):  # 1 shown again last: 2 is the least recently shown
        e.controls["n"].value = n
    assert model.rendered == [2, 4, 6]
    e.controls["n"].value = 2
    assert model.rendered == [2, 4, 6, 4]


@pytest.mark.parametrize("make, name, values", [
    (ex.tangent_explorer, "a", (1.5, 1.0, 1.5)),
    (ex.hessian_explorer, "x", (1.5, 0.5, 1.5)),
    (ex.fit_explorer, "learning_rate", (0.3, 0.1, 0.3)),
])  # fmt: skip
def test_a_figure_shown_again_is_the_one_a_fresh_explorer_draws(make, name, values):
    e = make("en")
    for value in values:
        e.controls[name].value = value
    fresh = make("en")
    fresh.controls[name].value = values[-1]
    assert bytes(e.image.value) == bytes(fresh.image.value)
    assert (e.numbers.value, e.status.value) == (fresh.numbers.value, fresh.status.value)


def test_an_explorer_that_keeps_nothing_computes_every_move():
    """`drawn_bytes = 0` (`make bench-browser --fresh`): shown again means drawn again."""
    import ipywidgets as w

    model = _CountingModel()
    e = ex.Explorer(model, {"n": w.IntSlider(value=1, min=0, max=10)}, "en")
    e.drawn_bytes = 0
    _moves(e, [2, 3, 2], [0.1, 0.1, 0.1])  # 2 → 3 was a second step: nothing drawn ahead
    assert model.rendered == [2, 4, 6, 4] and not e._drawn


def test_the_kept_figures_of_chapter_08_stay_within_their_bytes():
    """Its results hold an 820 kB grid: kept by bytes, not by count."""
    from autodiff_course.explorers.base import DRAWN_BYTES, drawn_size

    e = ex.hessian_explorer("en")
    for i in range(40):
        e.controls["x"].value = round(-2.0 + 0.1 * i, 10)
    held = sum(drawn_size(d) for d in e._drawn.values())
    assert held == e._drawn_total <= DRAWN_BYTES and 20 <= len(e._drawn) < 40


def test_a_value_sent_with_float_noise_shows_the_numbers_of_a_fresh_explorer():
    """0.12300000000000001 is where a browser may put the slider at 0.123: the sentence about
    the finite difference (1.3e−09 at 0.123, 6.9e−10 at the noisy value when computed there)
    is the one a fresh explorer shows, whichever of the two was drawn first."""
    kink = {"function": "sqrt", "h": 1e-8, "dtype": "float64"}
    e = ex.kink_explorer("en")
    e.set_values(**kink, x=0.123)
    e.set_values(x=0.2)
    e.set_values(x=0.12300000000000001)
    fresh = ex.kink_explorer("en")
    fresh.set_values(**kink, x=0.12300000000000001)
    assert (e.numbers.value, e.status.value) == (fresh.numbers.value, fresh.status.value)


def _slider(kind, **kwargs):
    import ipywidgets as w

    return getattr(w, kind)(**kwargs)


@pytest.mark.parametrize("kind, kwargs, old, new, ahead", [
    ("FloatSlider", {"min": -3, "max": 3, "step": 0.1}, 1.0, 1.1, 1.2),
    ("FloatSlider", {"min": -3, "max": 3, "step": 0.1}, 1.1, 1.0, 0.9),
    ("FloatSlider", {"min": -3, "max": 3, "step": 0.1}, 1.1, 1.2000000000000002, 1.3),
    ("FloatSlider", {"min": -3, "max": 3, "step": 0.1}, 1.0, 1.3, None),  # a jump
    ("FloatSlider", {"min": -3, "max": 3, "step": 0.1}, 2.9, 3.0, None),  # the end
    ("IntSlider", {"min": 0, "max": 500, "step": 10}, 200, 210, 220),
    ("FloatLogSlider", {"base": 10, "min": -4, "max": 0, "step": 0.25}, 0.1, 10**-0.75, 10**-0.5),
    ("FloatLogSlider", {"base": 10, "min": -4, "max": 0, "step": 0.25}, 10**-0.25, 1.0, None),
    ("SelectionSlider", {"options": [1, 2, 4, 8], "value": 2}, 1, 2, 4),
    ("SelectionSlider", {"options": [1, 2, 4, 8], "value": 2}, 8, 4, 2),
    ("SelectionSlider", {"options": [1, 2, 4, 8], "value": 2}, 4, 8, None),
    ("ToggleButtons", {"options": ["float32", "float64"]}, "float32", "float64", None),
])  # fmt: skip
def test_the_step_ahead_continues_a_single_step(kind, kwargs, old, new, ahead):
    from autodiff_course.explorers.base import step_ahead

    got = step_ahead(_slider(kind, **kwargs), old, new)
    assert got == (pytest.approx(ahead, rel=1e-12) if ahead is not None else None)


def _moves(explorer, steps, pause_s):
    """Set the slider to each value in turn, inside an event loop as in a kernel, with
    `pause_s` idle after each (a list of pauses: one per step)."""
    import asyncio

    async def main():
        for value, pause in zip(steps, pause_s, strict=True):
            explorer.controls["n"].value = value
            await asyncio.sleep(pause)

    asyncio.run(main())


def test_a_second_step_the_same_way_draws_the_next_one_ahead():
    import ipywidgets as w

    model = _CountingModel()
    e = ex.Explorer(model, {"n": w.FloatSlider(value=1.0, min=0, max=3, step=0.1)}, "en")
    _moves(e, [1.1, 1.2000000000000002], [0.1, 0.1])  # what a browser may send
    assert model.rendered == [2.0, 2.2, 2.4, 2.6]  # at 1.2 (rounded), then 1.3 drawn ahead
    assert bytes(e.image.value).endswith(b"2.4")  # 1.3 is not shown before it's reached
    shown = len(model.rendered)
    _moves(e, [1.3000000000000003], [0.1])
    assert bytes(e.image.value).endswith(b"2.6") and e.numbers.value.startswith(
        "2n\u00a0=\u00a02.6"
    )
    assert model.rendered[shown:] == [2.8]  # 1.3 was ready; 1.4 is drawn ahead in its turn


@pytest.mark.parametrize("steps, pauses", [
    ([2, 5], [0.1, 0.1]),  # a step, then a jump
    ([2, 1], [0.1, 0.1]),  # back and forth
    ([2, 3, 8], [0.1, 0.0, 0.1]),  # the jump comes before the kernel is idle
])  # fmt: skip
def test_nothing_is_drawn_ahead_after_a_jump_a_turn_or_a_quick_move(steps, pauses):
    import ipywidgets as w

    model = _CountingModel()
    e = ex.Explorer(model, {"n": w.IntSlider(value=1, min=0, max=10)}, "en")
    _moves(e, steps, pauses)
    assert model.rendered == list(dict.fromkeys(2 * n for n in [1, *steps]))  # each once


def test_a_value_drawn_ahead_that_fails_is_not_shown():
    import ipywidgets as w

    class Broken(_CountingModel):
        def compute(self, n):
            if n > 5:
                raise ValueError("n is too large")
            return n

    e = ex.Explorer(Broken(), {"n": w.IntSlider(value=3, min=0, max=10)}, "en")
    _moves(e, [4, 5], [0.1, 0.1])  # 6 is tried ahead and fails quietly
    assert e.status.value == "" and e.result == 5
    _moves(e, [6], [0.0])
    assert e.status.value == "<b>ValueError</b>: n is too large"


def test_the_descent_figure_redraws_axes_only_when_its_limits_change():
    e = ex.descent_explorer("en")
    drawn = e.model.figure.full_draws
    e.controls["c"].value = 1.1  # same axes on the ladder: no full redraw
    assert e.model.figure.full_draws == drawn
    e.controls["x0"].value = -5.0  # a wider window
    assert e.model.figure.full_draws == drawn + 1


@pytest.mark.parametrize("make, point, other", [
    (ex.hessian_explorer, {"x": 1.5, "y": -0.5}, {"a": 2.0}),
    (ex.kink_explorer, {"x": 0.55}, {"h": 0.01}),
])  # fmt: skip
def test_moving_the_point_reuses_what_does_not_depend_on_it(make, point, other):
    """Contours (chapter 08) and the curves along x (chapter 09) are in the cached background:
    drawn again when their own controls move, not when the point does."""
    e = make("en")
    figure = e.model.figure
    drawn, before = figure.full_draws, bytes(e.image.value)
    e.set_values(**point)
    assert figure.full_draws == drawn and bytes(e.image.value) != before
    e.set_values(**other)
    assert figure.full_draws == drawn + 1


def test_chinese_figures_draw_latin_text_and_the_middle_dot_narrow():
    """A CJK font draws "·" as wide as a Chinese character ("a · x"): explorer figures and stills
    take Latin letters, digits and symbols from DejaVu Sans, only Chinese from the CJK font."""
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.font_manager import FontProperties

    from autodiff_course.plotting import can_draw_chinese

    if not can_draw_chinese():
        pytest.skip("no CJK font: Chinese figures are drawn in English")
    import matplotlib as mpl

    def width(lang):
        with mpl.rc_context(canvas.figure_rc(lang)):
            renderer = RendererAgg(200, 50, 100)
            return renderer.get_text_width_height_descent("a·x² − 1", FontProperties(), False)[0]

    assert width("zh") == width("en")
    assert canvas.figure_rc("zh")["font.family"][0] == "DejaVu Sans"


def test_the_precision_switch_lines_up_with_the_sliders():
    """Its label gets the sliders' width and, through their classes, their row and alignment."""
    e = ex.descent_explorer("en")
    switch, slider = e.controls["dtype"], e.controls["a"]
    assert switch.style.description_width == slider.style.description_width
    assert {"jupyter-widgets", "widget-inline-hbox"} <= set(switch._dom_classes)


@pytest.mark.parametrize("make", [ex.hessian_explorer, ex.kink_explorer])
def test_function_buttons_line_up_with_the_sliders(make):
    e = make("zh")
    choice, slider = e.controls["function"], e.controls["x"]
    assert choice.style.description_width == slider.style.description_width
    assert {"jupyter-widgets", "widget-inline-hbox"} <= set(choice._dom_classes)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_overflow_on_the_last_step_claims_nothing_about_later_steps(lang):
    # a = 0.9, lr = 1.42 in float32: x reaches −∞ at step 200 and is nan from step 201
    at_end = ex.descent_path(0.9, -2.0, 1.0, 0.0, 1.42, 200, "float32", lang)
    longer = ex.descent_path(0.9, -2.0, 1.0, 0.0, 1.42, 210, "float32", lang)
    assert at_end.overflow_step == 200 and np.isnan(longer.path[201])
    assert ("stays there" if lang == "en" else "之后一直是") not in at_end.status.message
    assert ("step 200" if lang == "en" else "第 200 步") in at_end.status.message


def test_a_start_at_the_top_is_flat_not_tiny_steps():
    # f′(−1.5) = 2·(−1.6)·(−1.5) − 4.8 is 0, up to rounding in the sliders' float values
    r = ex.descent_path(-1.6, -4.8, 1.0, -1.5, 0.01, 100, "float32")
    assert "f′(x₀) = 2a·x₀ + b = 0" in r.status.message and "too small" not in r.status.message


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_constant_function_is_not_called_a_minimum_less_downhill(lang):
    r = ex.descent_path(0.0, 0.0, 1.0, 0.5, 0.1, 50, "float32", lang)
    assert r.status.kind == "constant"
    said = "every x is as low as any other" if lang == "en" else "每个 x 都一样低"
    assert said in r.status.message
    assert "downhill" not in r.status.message and "往下走" not in r.status.message
