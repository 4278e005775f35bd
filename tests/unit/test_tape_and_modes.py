"""Chapter 11's own tape and the explorers of chapters 10 (modes) and 11 (tape graph): numbers
against closed forms and tf.GradientTape, the recording order, bad input, the widgets."""

from __future__ import annotations

import math

import numpy as np
import pytest

from autodiff_course import explorers as ex
from autodiff_course.explorers import base
from autodiff_course.minitape import Tape, Value, backward, describe, exp

PNG = b"\x89PNG"


# Every test here fails on any warning a learner could see (conftest.py).
pytestmark = pytest.mark.usefixtures("warnings_are_errors")


# --------------------------------------------------------------------------- the own tape


@pytest.mark.parametrize("a, b, c, x", [(1, -2, 1, 3), (0.5, 1.5, -2, -0.8), (-1, 0, 4, 0)])
def test_own_tape_matches_calculus_on_the_parabola(a, b, c, x):
    leaves = [Value(v, n) for v, n in zip((a, b, c, x), "abcx", strict=True)]
    va, vb, vc, vx = leaves
    with Tape() as tape:
        f = va * vx**2 + vb * vx + vc
    assert f.data == a * x * x + b * x + c
    assert tape.gradient(f, leaves) == [x * x, x, 1.0, 2 * a * x + b]
    assert [describe(n) for n in tape.records] == [
        "v1 = x ** 2", "v2 = a * v1", "v3 = b * x", "v4 = v2 + v3", "v5 = v4 + c",
    ]  # fmt: skip


def test_own_tape_matches_gradient_tape_on_a_layer():
    tf = pytest.importorskip("tensorflow")
    rng = np.random.default_rng(0)
    x_row, w_rows, bias = rng.normal(size=4), rng.normal(size=(4, 3)), rng.normal(size=3)
    w = [[Value(v) for v in row] for row in w_rows]
    b = [Value(v) for v in bias]
    with Tape() as tape:
        y = [sum((x_row[i] * w[i][j] for i in range(4)), b[j]) for j in range(3)]
        loss = sum(y_j**2 for y_j in y) / 3
    own = tape.gradient(loss, [v for row in w for v in row] + b)
    wt, bt = tf.Variable(w_rows), tf.Variable(bias)
    with tf.GradientTape() as tf_tape:
        loss_tf = tf.reduce_mean((tf.constant([x_row]) @ wt + bt) ** 2)
    dw, db = tf_tape.gradient(loss_tf, [wt, bt])
    ref = np.concatenate([dw.numpy().ravel(), db.numpy()])
    assert np.max(np.abs(np.array(own) - ref)) < 1e-12
    assert loss.data == pytest.approx(float(loss_tf), rel=1e-14)


def test_records_come_after_their_parents_and_backward_visits_each_edge_once():
    x, y = Value(1.5, "x"), Value(-0.5, "y")
    with Tape() as tape:
        u = x * y
        f = u * u + u * x + exp(u) - 2 / (y + 3)
    position = {node: i for i, node in enumerate(tape.records)}
    for node in tape.records:
        assert all(position.get(parent, -1) < position[node] for parent, _ in node.parents)
    log = []
    adjoints = backward(tape, f, log)
    edges = sum(len(node.parents) for node in tape.records)
    assert len(log) == edges
    uv = -0.75
    df_du = 2 * uv + 1.5 + math.exp(uv)
    assert adjoints[x] == pytest.approx(df_du * -0.5 + uv, rel=1e-14)
    assert adjoints[y] == pytest.approx(df_du * 1.5 + 2 / 2.5**2, rel=1e-14)


def test_values_outside_a_tape_are_not_recorded_and_unconnected_sources_get_none():
    x, z = Value(2.0, "x"), Value(5.0, "z")
    before = x * x  # no tape open
    with Tape() as tape:
        f = x * 3
    assert before not in tape.records and len(tape.records) == 1
    assert tape.gradient(f, [x, z]) == [3.0, None]
    assert Tape.active == []


def test_nested_tapes_record_in_the_innermost_only():
    x = Value(2.0, "x")
    with Tape() as outer:
        with Tape() as inner:
            y = x * x
        z = y + 1
    assert inner.records == [y] and outer.records == [z]


# --------------------------------------------------------------------------- tape explorer


@pytest.mark.parametrize("a, b, c, x", [(1, -2, 1, 3), (2, -1, 0.5, -1.5), (0, 0, 0, 0)])
def test_tape_values_agree_with_gradient_tape(a, b, c, x):
    v = ex.tape_values(a, b, c, x)
    assert v.problem is None
    assert v.own == [x * x, x, 1.0, 2 * a * x + b]
    assert v.tf == pytest.approx(v.own, abs=1e-12)
    assert len(v.records) == 5 and v.updates == 9


def test_tape_core_traces_once_whatever_the_values():
    for x in np.linspace(-5, 5, 7):
        ex.tape_values(1.0, -2.0, 1.0, float(x))
    assert ex.trace_counts()["tape_graph"] == {"float64": 1}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(
    "values, key",
    [
        ({"x": float("nan")}, "not_finite"),
        ({"a": float("inf")}, "not_finite"),
        ({"b": "2"}, "not_finite"),
        ({"x": 1e200}, "overflow"),
    ],
)
def test_tape_bad_input_gives_a_sentence_and_a_picture(values, key, lang):
    model = ex.TapeModel(lang)
    result = model.compute(**{"a": 1.0, "b": -2.0, "c": 1.0, "x": 3.0, **values})
    assert result.problem[0] == key
    kind, sentence = model.status(result, lang)
    assert kind == "diverges" and sentence.endswith(("。", "."))
    assert model.render(result).startswith(PNG)
    assert model.describe(result, lang) == []


def test_tape_report_is_deterministic_text():
    model = ex.TapeModel("en")
    text = model.report(a=1.0, b=-2.0, c=1.0, x=3.0)
    assert text == model.report(a=1.0, b=-2.0, c=1.0, x=3.0)
    assert "adjoint of x (own tape) = 4 | tape.gradient = 4" in text
    assert "max abs difference 0 over the four gradients" in text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_tape_explorer_reacts_to_its_controls(lang):
    pytest.importorskip("ipywidgets")
    explorer = ex.tape_explorer(lang)
    first = explorer.image.value
    explorer.controls["x"].value = -1.0
    assert explorer.result.x == -1.0 and explorer.result.own[3] == -4.0
    assert explorer.image.value != first and explorer.updates == 2
    assert ("4" in explorer.numbers.value) and explorer.status.value


# --------------------------------------------------------------------------- modes explorer


def synthetic_grid(sizes=(1, 2, 4, 8, 16, 32, 64)):
    """Seconds that follow the rule exactly: forward 2e-4 + 1e-5·n, reverse 1.8e-4 + 1.2e-5·m."""
    n = np.asarray(sizes, dtype=float)[:, None]
    m = np.asarray(sizes, dtype=float)[None, :]
    forward = 2e-4 + 1e-5 * n + 0 * m
    reverse = 1.8e-4 + 1.2e-5 * m + 0 * n
    return ex.ModesGrid(tuple(sizes), forward, reverse)


def test_fit_rule_recovers_the_rule():
    rule = ex.fit_rule(synthetic_grid())
    assert rule.forward_fixed == pytest.approx(2e-4)
    assert rule.forward_per_product == pytest.approx(1e-5)
    assert rule.reverse_fixed == pytest.approx(1.8e-4)
    assert rule.reverse_per_product == pytest.approx(1.2e-5)


def test_crossover_on_the_synthetic_grid():
    grid = synthetic_grid()
    # forward < reverse  ⇔  2e-4 + 1e-5·n < 1.8e-4 + 1.2e-5·m
    assert ex.crossover(grid, 16) == (16, 32)
    assert ex.crossover(grid, 1) == (None, 1)


def test_measure_grid_times_every_pair_with_warm_up():
    calls = []

    def forward(n, m):
        calls.append(("f", n, m))
        return np.zeros((m, n))

    def reverse(n, m):
        calls.append(("r", n, m))
        return np.zeros((m, n))

    grid = ex.measure_grid(forward, reverse, lambda n, m: (n, m), [1, 4], repeats=3)
    assert grid.forward.shape == (2, 2) and np.all(grid.forward > 0)
    assert len(calls) == 2 * 4 * (1 + 3)  # two modes, four pairs, warm-up + repeats


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_modes_model_statuses_and_bad_sizes(lang):
    model = ex.ModesModel(synthetic_grid(), lang)
    assert model.compute(64, 1).winner == "reverse"
    assert model.compute(1, 64).winner == "forward"
    assert model.compute(8, 8).winner == "even"
    bad = model.compute(3, 1)
    assert bad.problem == "not_measured" and bad.winner is None
    kind, sentence = model.status(bad, lang)
    assert kind == "diverges" and "3" in sentence
    assert model.render(bad).startswith(PNG)
    empty = ex.ModesModel(None, lang)
    result = empty.compute(1, 1)
    assert result.problem == "empty" and empty.status(result, lang)[0] == "diverges"
    assert empty.render(result).startswith(PNG)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_modes_explorer_reacts_to_its_controls(lang):
    pytest.importorskip("ipywidgets")
    explorer = ex.modes_explorer(synthetic_grid(), lang, n=64, m=1)
    assert explorer.result.winner == "reverse"
    first = explorer.image.value
    explorer.set_values(n=1, m=64)
    assert explorer.result.winner == "forward" and explorer.image.value != first
    assert isinstance(explorer, base.Explorer)
