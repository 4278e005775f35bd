"""The fit explorer (chapter 12): SGD on a line against least squares and a NumPy loop,
the chapter 06 rule with the Hessian's eigenvalues, bad input, one trace, the widget."""

from __future__ import annotations

import numpy as np
import pytest

from autodiff_course import explorers as ex
from autodiff_course.explorers import fit

# Every test here fails on any warning a learner could see (conftest.py).
pytestmark = pytest.mark.usefixtures("warnings_are_errors")


def numpy_sgd(lr: float, steps: int, batch: int):
    """The same mini-batch SGD in NumPy float64: batch k is the rotated shuffled data."""
    p = fit.problem()
    x, y = p.x.astype(np.float64), p.y.astype(np.float64)
    n, w, b, losses = len(x), 0.0, 0.0, []
    for k in range(steps):
        rows = (k * batch + np.arange(n)) % n
        xb, yb = x[rows][:batch], y[rows][:batch]
        losses.append(np.mean((w * x + b - y) ** 2))
        r = w * xb + b - yb
        w, b = w - lr * 2 * np.mean(r * xb), b - lr * 2 * np.mean(r)
    losses.append(np.mean((w * x + b - y) ** 2))
    return w, b, np.array(losses)


def test_data_are_the_chapters():
    x, y = ex.fit_data()
    rng = np.random.default_rng(2026)
    want = np.sort(rng.uniform(-1.0, 3.0, size=(64, 1)), axis=0).astype(np.float32)
    assert x.shape == y.shape == (64, 1) and x.dtype == np.float32
    assert np.array_equal(x, want)
    assert sorted(fit.problem().x.tolist()) == sorted(x.ravel().tolist())  # shuffled, same points


def test_full_batch_reaches_least_squares():
    r = ex.fit_path(0.1, 500)
    p = fit.problem()
    assert r.w == pytest.approx(p.best_w, abs=1e-4) and r.b == pytest.approx(p.best_b, abs=1e-4)
    assert r.final_loss == pytest.approx(p.best_loss, rel=1e-4)
    assert r.losses.shape == (501,) and r.losses[0] == pytest.approx(
        np.mean(p.y.astype(float) ** 2)
    )


@pytest.mark.parametrize(
    "lr, steps, batch", [(0.1, 30, 64), (0.05, 40, 8), (0.02, 25, 1), (0.3, 13, 5)]
)
def test_matches_a_numpy_loop(lr, steps, batch):
    r = ex.fit_path(lr, steps, batch)
    w, b, losses = numpy_sgd(lr, steps, batch)
    assert r.w == pytest.approx(w, rel=1e-4, abs=1e-5)
    assert r.b == pytest.approx(b, rel=1e-4, abs=1e-5)
    np.testing.assert_allclose(r.losses, losses, rtol=1e-4)


def test_eigenvalues_are_the_hessians():
    x, _ = ex.fit_data()
    design = np.hstack([x, np.ones_like(x)]).astype(np.float64)
    eig = np.linalg.eigvalsh(2 * design.T @ design / 64)
    assert fit.problem().eigenvalues == pytest.approx(tuple(eig))
    # the rule's edge: a hair below converges (slowly), a hair above diverges
    edge = fit.problem().edge
    assert ex.fit_path(edge * 0.98, 400).final_loss < ex.fit_path(edge * 0.98, 0).final_loss
    assert ex.fit_path(edge * 1.02, 400).final_loss > 1e3


@pytest.mark.parametrize(
    "lr, steps, batch, kind",
    [(0.1, 200, 64, "converges"), (0.3, 200, 64, "oscillates_converges"),
     (0.45, 200, 64, "diverges"), (1e6, 50, 64, "diverges"), (1e30, 50, 3, "diverges"),
     (0.0, 100, 64, "no_move"),
     (0.1, 0, 64, "no_steps"), (-0.1, 10, 64, "uphill"), (0.1, 200, 8, "converges")],
)  # fmt: skip
def test_status_kinds(lr, steps, batch, kind):
    for lang in ("en", "zh"):
        r = ex.fit_path(lr, steps, batch, lang=lang)
        assert r.status.kind == kind and r.status.message


def test_boundary_is_oscillates_forever():
    assert ex.fit_path(fit.problem().edge, 10).status.kind == "oscillates_forever"


def test_small_batch_can_diverge_below_the_full_batch_limit():
    """Batches of 1 point curve more sharply than the whole data: lr = 0.39 < 2/λmax diverges."""
    r = ex.fit_path(0.39, 300, 1)
    assert 0.39 < fit.problem().edge and r.status.kind == "diverges"
    assert "batches of size 1" in r.status.message and "noisy" not in r.status.message


def test_noisy_sentence_for_mini_batches():
    assert "noisy" in ex.fit_path(0.1, 200, 8).status.message
    assert "噪声" in ex.fit_path(0.1, 200, 8, lang="zh").status.message
    assert "noisy" not in ex.fit_path(0.1, 200, 64).status.message


def test_overflow_is_a_sentence_not_a_warning():
    r = ex.fit_path(1e6, 50)
    assert r.overflow_step is not None and "overflows" in r.status.message
    assert isinstance(fit.FitFigure("en").update(r), bytes)


@pytest.mark.parametrize(
    "args",
    [(0.1, -1, 64), (0.1, 2.5, 64), (0.1, 5000, 64), (0.1, 10, 0), (0.1, 10, 65),
     (0.1, 10, True), (float("nan"), 10, 64), (float("inf"), 10, 64), ("x", 10, 64),
     (0.1, None, 64), (None, 10, 64)],
)  # fmt: skip
def test_bad_input_gives_a_sentence_in_both_languages(args):
    en, zh = ex.fit_report(*args, lang="en"), ex.fit_report(*args, lang="zh")
    assert "Error" not in en and "Traceback" not in en
    assert en.startswith("The ") and en.endswith(".")
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh) and zh.endswith("。")


def test_unknown_language_is_a_clear_error():
    with pytest.raises(ValueError, match="lang must be one of"):
        ex.fit_report(lang="fr")


def test_one_trace_whatever_the_values():
    ex.fit_path(0.1, 10)
    before = ex.trace_counts()["fit"]
    for lr, steps, batch in [
        (0.2, 0, 1),
        (0.05, 500, 17),
        (1e6, 3, 64),
        (0.1, 7, 33),
        (0.0, 2000, 2),
    ]:
        ex.fit_path(lr, steps, batch)
    assert ex.trace_counts()["fit"] == before == {"float32": 1}


def test_report_is_deterministic_text():
    text = ex.fit_report(0.1, 200)
    assert text == ex.fit_report(0.1, 200)
    assert "y = 3.018·x + (−1.031)" in text and "Converges" in text
    assert text.splitlines()[-1].startswith("status: ")  # no trace count after it
    assert "收敛" in ex.fit_report(0.1, 200, lang="zh")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_fit_explorer_reacts_to_its_controls(lang):
    e = ex.fit_explorer(lang)
    status, image, updates = e.status.value, bytes(e.image.value), e.updates
    e.controls["learning_rate"].value = 0.45  # past 2/λmax ≈ 0.401: diverges
    assert e.updates == updates + 1
    assert e.status.value != status and bytes(e.image.value) != image
    assert "Diverges" in e.status.value or "发散" in e.status.value
    for name, control in e.controls.items():
        for value in (control.min, control.max):
            control.value = value
            assert "Error" not in e.status.value, (name, value)
            assert bytes(e.image.value)[:4] == b"\x89PNG"
    e.controls["steps"].value = 0
    assert "0" in e.status.value and "Error" not in e.status.value
