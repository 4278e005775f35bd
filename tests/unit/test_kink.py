"""Chapter 09's kink explorer: the tape's gradient, the finite difference and the custom gradient
against closed forms; every bad input gives a sentence; one trace per dtype; the widget."""

from __future__ import annotations

import math

import pytest

pytest.importorskip("tensorflow")

from autodiff_course import explorers as ex  # noqa: E402
from autodiff_course.explorers import kink  # noqa: E402

PNG = b"\x89PNG"


# Every test here fails on any warning a learner could see (conftest.py).
pytestmark = pytest.mark.usefixtures("warnings_are_errors")


@pytest.mark.parametrize(
    "function, x, slope",
    [("abs", 0.3, 1.0), ("abs", -0.7, -1.0), ("relu", 0.4, 1.0), ("relu", -0.4, 0.0),
     ("sqrt", 0.25, 1.0), ("sqrt", 0.04, 2.5)],
)  # fmt: skip
def test_three_gradients_match_the_closed_form_in_float64(function, x, slope):
    v = ex.kink_values(function, x, 1e-6, "float64")
    assert v.tape == pytest.approx(slope, abs=1e-12)
    assert v.custom == pytest.approx(slope, abs=1e-12)
    assert v.fd == pytest.approx(slope, rel=1e-6, abs=1e-9)
    assert v.exact == pytest.approx(slope)
    assert ex.kink_status(v)[0] == "kink_agree"


def test_at_the_kink_the_tape_picks_zero_and_the_difference_averages():
    assert ex.kink_values("abs", 0.0, 1e-3).tape == 0.0
    relu = ex.kink_values("relu", 0.0, 1e-3)
    assert (relu.tape, relu.custom, relu.fd, relu.exact) == (0.0, 0.0, 0.5, None)
    root = ex.kink_values("sqrt", 0.0, 1e-3)
    assert math.isinf(root.tape) and math.isnan(root.fd)
    assert root.custom == pytest.approx(0.5 / math.sqrt(kink.SAFE_EPS))


def test_a_step_across_the_kink_gives_the_average_slope():
    v = ex.kink_values("abs", 0.0005, 1e-3, "float64")
    assert v.fd == pytest.approx(0.5) and v.tape == 1.0  # (|x+h| − |x−h|)/2h = x/h


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(
    "values, kind, key",
    [
        (("abs", 0.0, 1e-3, "float32"), "kink_warning", "status.at_kink"),
        (("relu", 0.0005, 1e-3, "float32"), "kink_warning", "status.across"),
        (("sqrt", -0.2, 1e-3, "float32"), "kink_broken", "status.negative"),
        (("sqrt", 0.0, 1e-3, "float64"), "kink_broken", "status.sqrt_zero"),
        (("sqrt", 0.0005, 1e-3, "float32"), "kink_broken", "status.sqrt_across"),
        (("relu", 0.3, 1e-9, "float32"), "kink_broken", "status.h_lost"),
        (("sqrt", 0.3, 1e-6, "float32"), "kink_warning", "status.rounding"),
        (("sqrt", 0.3, 1e-1, "float64"), "kink_warning", "status.truncation"),
        (("abs", float("nan"), 1e-3, "float32"), "kink_broken", "status.bad_number"),
        (("abs", 1e39, 1e-3, "float32"), "kink_broken", "status.bad_number"),
        (("sqrt", 0.3, 0.0, "float64"), "kink_broken", "status.bad_number"),
        (("sqrt", 0.3, -1e-3, "float64"), "kink_broken", "status.bad_number"),
        (("abs", 0.3, 1e-3, "float32"), "kink_agree", "status.agree"),
    ],
)
def test_every_input_gets_a_sentence_and_a_picture(values, kind, key, lang):
    model = ex.KinkModel(lang)
    result = model.compute(**dict(zip(("function", "x", "h", "dtype"), values, strict=True)))
    got_kind, sentence = model.status(result, lang)
    assert got_kind == kind
    start = kink.TEXT[key][lang].split("{")[0][:12]
    assert sentence.startswith(start), sentence
    assert sentence.endswith(("。", ".")) and "{" not in sentence
    assert model.render(result).startswith(PNG)
    assert len(model.describe(result, lang)) == 5


def test_h_below_the_float32_spacing_is_caught_and_float64_is_fine():
    assert ex.kink_status(ex.kink_values("abs", 0.3, 1e-9, "float32"))[0] == "kink_broken"
    assert ex.kink_status(ex.kink_values("abs", 0.3, 1e-9, "float64"))[0] == "kink_agree"


def test_one_trace_per_dtype_whatever_the_values():
    for function in kink.FUNCTIONS:
        for x in (-0.5, 0.0, 0.3):
            for h in (1e-8, 1e-3, 0.1):
                for dtype in ("float32", "float64"):
                    ex.kink_values(function, x, h, dtype)
    assert ex.trace_counts()["kink"] == {"float32": 1, "float64": 1}


def test_report_is_deterministic_text():
    text = ex.kink_report("relu", 0.0005, 1e-3, "float32")
    assert text == ex.kink_report("relu", 0.0005, 1e-3, "float32")
    assert "finite difference, h = 0.001: 0.75" in text and "tape's gradient: 1" in text
    zh = ex.kink_report("relu", 0.0005, 1e-3, "float32", lang="zh")
    assert "有限差分，h = 0.001：0.75" in zh


def test_unknown_function_or_dtype_is_a_clear_error():
    with pytest.raises(ValueError, match="function must be one of"):
        ex.kink_values("log", 0.3)
    with pytest.raises(ValueError, match="dtype must be one of"):
        ex.kink_values("abs", 0.3, 1e-3, "float16")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_kink_explorer_reacts_to_its_controls(lang):
    pytest.importorskip("ipywidgets")
    explorer = ex.kink_explorer(lang)
    first = explorer.image.value
    assert explorer.result.function == "abs" and explorer.result.tape == 1.0
    explorer.controls["function"].value = "sqrt"
    explorer.controls["x"].value = 0.0
    assert explorer.result.function == "sqrt" and math.isinf(explorer.result.tape)
    assert explorer.image.value != first and explorer.updates == 3
    assert "500" in explorer.status.value and "500" in explorer.numbers.value
    explorer.controls["h"].value = 1e-9
    explorer.controls["dtype"].value = "float64"
    assert explorer.result.dtype == "float64" and explorer.result.h == pytest.approx(1e-9)
