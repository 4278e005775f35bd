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
    assert rule.forward_per_size == pytest.approx(0, abs=1e-15)
    assert rule.median_error == pytest.approx(0, abs=1e-9)


SIZES = tuple(2**k for k in range(11))


def growing_grid():
    """As chapter 10 measures: one product runs the whole function, whose cost grows with n + m,
    so forward ≈ fixed + n·(per product + per size·(n + m)), reverse the same with m."""
    n, m = np.meshgrid(np.asarray(SIZES, float), np.asarray(SIZES, float), indexing="ij")
    forward = 4e-4 + n * (1.5e-5 + 3e-8 * (n + m))
    reverse = 4e-4 + m * (1.3e-5 + 2.5e-8 * (n + m))
    return ex.ModesGrid(SIZES, forward, reverse)


def test_the_rule_fits_what_it_claims_also_where_n_and_m_are_both_large():
    grid = growing_grid()
    rule = ex.fit_rule(grid)
    # a rule of forward from n alone gives n = 1024 one time whatever m: 1.67x apart here
    assert grid.forward[-1, -1] / grid.forward[-1, 0] > 1.6
    assert rule.forward(1024, 1024) == pytest.approx(grid.forward[-1, -1], rel=1e-6)
    assert rule.reverse(1024, 1024) == pytest.approx(grid.reverse[-1, -1], rel=1e-6)
    assert rule.forward_per_size == pytest.approx(3e-8) and rule.worst_error < 1e-6
    text = ex.ModesModel(grid, "en").report(1024, 1024)
    assert "fitted to all 121 cells; it is off by 0 % at the median cell, 0 % at worst" in text
    assert "rule, forward: 0.4 + 1024 × 0.07644 = 78.7 ms" in text


def test_the_rule_says_how_far_it_is_from_noisy_measurements():
    grid = growing_grid()
    noisy = grid.forward.copy()
    noisy[-1, -1] *= 3  # one cell far off the rule, as a busy machine can give
    rule = ex.fit_rule(ex.ModesGrid(SIZES, noisy, grid.reverse))
    assert 0.6 < rule.worst_error < 0.7  # that cell: the rule gives about a third of it
    assert rule.median_error < 0.02
    zh = ex.ModesModel(ex.ModesGrid(SIZES, noisy, grid.reverse), "zh").report(1, 1)
    assert f"最大为 {rule.worst_error * 100:.0f}%" in zh


def table(cells, spread=None):
    """A grid of sizes 1 … 1024 where every pair is a tie at 1 ms, except `cells`:
    {(n, m): (forward ms, reverse ms)}; `spread` the same relative spread everywhere."""
    fwd, rev = np.full((11, 11), 1e-3), np.full((11, 11), 1e-3)
    for (n, m), (f, r) in cells.items():
        fwd[SIZES.index(n), SIZES.index(m)] = f * 1e-3
        rev[SIZES.index(n), SIZES.index(m)] = r * 1e-3
    spreads = (None, None) if spread is None else (np.full((11, 11), spread),) * 2
    return ex.ModesGrid(SIZES, fwd, rev, *spreads)


def status(cells, n, m, lang, spread=None):
    model = ex.ModesModel(table(cells, spread), lang)
    result = model.compute(n, m)
    return result, model.status(result, lang)[1]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_3_percent_difference_is_too_close_to_call(lang):
    result, sentence = status({(256, 256): (5.15, 5.0)}, 256, 256, lang)
    assert result.winner == "too close"
    expected = {
        "en": "Too close to call: forward 5.15 ms and reverse 5 ms differ by 3 %.",
        "zh": "难分快慢。前向 5.15 ms 与反向 5 ms 只相差 3%。",
    }[lang]
    assert sentence.startswith(expected)
    assert "faster:" not in sentence and "as long" not in sentence and "倍" not in sentence


def test_the_verdict_agrees_with_the_percentages_the_sentence_shows():
    edges = [1.094, 1.096, 1.0987, 1.1236, 1.1264, 1.2951, 1.3049]  # round to 9, 10, 12, 13, 30 %
    for slower in [*np.arange(1.0, 1.4, 0.01), *edges]:  # differences 0 … 40 %
        for spread in (0.0, 0.05, 0.124, 0.126, 0.3):
            model = ex.ModesModel(table({(64, 1): (float(slower), 1.0)}, spread=spread), "en")
            result = model.compute(64, 1)
            sentence = model.status(result, "en")[1]
            if result.winner == "too close":
                d = int(sentence.split("differ by ")[1].split(" %")[0])
                s = int(sentence.split("(")[1].split(" %")[0])
                assert d < 10 or d <= s, sentence
            else:  # named: at least 10 % and more than the spread, in the shown per cent
                assert round(100 * (slower - 1)) >= 10
                assert round(100 * (slower - 1)) > round(100 * spread)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_difference_inside_the_spread_of_the_runs_is_too_close_to_call(lang):
    cells = {(64, 1): (1.25, 1.0)}
    result, sentence = status(cells, 64, 1, lang, spread=0.3)
    assert result.winner == "too close"
    assert ("(30 % here)" if lang == "en" else "（这里是 30%）") in sentence
    assert "differ by 25 %" in sentence or "只相差 25%" in sentence
    # the same numbers with runs that vary by 5 %: now a winner, and the count explains it
    result, sentence = status(cells, 64, 1, lang, spread=0.05)
    assert result.winner == "reverse" and result.reason() == "fewer"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_count_explains_the_winner_only_when_it_needs_fewer_products(lang):
    # n = 256 JVPs against m = 1 VJP, reverse 11x faster: the count decides
    _, sentence = status({(256, 1): (4.8, 0.43)}, 256, 1, lang)
    expected = {
        "en": "Reverse mode is faster: forward mode takes 11× as long here, because it needs "
        "n = 256 JVPs (one per input), where reverse mode needs m = 1 VJP (one per output).",
        "zh": "反向模式更快。这里前向模式的耗时是它的 11 倍，因为前向模式需要 n = 256 次 JVP"
        "（每个输入一次），而反向模式只需要 m = 1 次 VJP（每个输出一次）。",
    }[lang]
    assert sentence == expected


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("size", [1, 8, 128, 256])
def test_at_n_equal_to_m_the_sentence_never_claims_one_count_is_larger(size, lang):
    _, sentence = status({(size, size): (1.5, 1.0)}, size, size, lang)
    assert ("Both need" in sentence) if lang == "en" else ("两者都需要" in sentence)
    assert "n >" not in sentence and "<" not in sentence and "fewer" not in sentence
    assert "多于" not in sentence and "少于" not in sentence and "只需要" not in sentence
    per = f"{1.0 / size:.3g} ms" if lang == "en" else f"{1.0 / size:.3g} ms"
    assert per in sentence  # reverse's time per product, the winner's


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_winner_with_more_products_is_explained_by_the_time_per_product(lang):
    # the example: reverse 2x faster with m = 1024 outputs > n = 512 inputs
    result, sentence = status({(512, 1024): (20.0, 10.0)}, 512, 1024, lang)
    assert result.winner == "reverse" and result.reason() == "more"
    expected = {
        "en": "Reverse mode is faster even though it needs more products: forward mode takes "
        "2.0× as long here with n = 512 JVPs (one per input), where reverse mode needs "
        "m = 1024 VJPs (one per output). Each product of reverse mode took less time on "
        "average: 0.00977 ms against 0.0391 ms, fixed costs included.",
        "zh": "反向模式虽然需要更多次乘积，却更快。前向模式只需要 n = 512 次 JVP（每个输入一次），"
        "耗时却是反向模式的 2.0 倍，而反向模式需要 m = 1024 次 VJP（每个输出一次）。"
        "反向模式平均每次乘积的耗时更少：0.00977 ms 对比 0.0391 ms，含固定开销。",
    }[lang]
    assert sentence == expected


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_fewer_and_cheaper_products_are_both_named(lang):
    # forward: 4 JVPs at 0.25 ms each; reverse: 16 VJPs at 0.5 ms each
    result, sentence = status({(4, 16): (1.0, 8.0)}, 4, 16, lang)
    assert result.reason() == "fewer_cheaper"
    assert ("0.25 ms against 0.5 ms" if lang == "en" else "0.25 ms 对比 0.5 ms") in sentence
    assert ("because" not in sentence) and ("因为" not in sentence)


def test_the_numbers_panel_shows_what_the_sentence_uses():
    model = ex.ModesModel(table({(256, 1): (4.8, 0.43)}, spread=0.04), "en")
    lines = model.describe(model.compute(256, 1), "en")
    assert lines[:3] == [
        "forward, n = 256 JVPs (one per input): 4.8 ms",
        "reverse, m = 1 VJP (one per output): 0.43 ms",
        "spread of the timed runs: forward 4 %, reverse 4 %",
    ]


def test_the_crossover_skips_cells_too_close_to_call():
    grid = synthetic_grid()
    # forward 2e-4 + 1e-5·n against reverse 1.8e-4 + 1.2e-5·m: at m = 16, forward is 3 %
    # faster at n = 16 (too close), 34 % faster at n = 8; reverse 40 % faster at n = 32
    assert ex.faster_at(grid, 16, 16) == "too close"
    assert ex.crossover(grid, 16) == (8, 32)
    assert ex.crossover(grid, 1) == (None, 2)  # n = 1: reverse 9 % faster, too close
    assert ex.faster_at(grid, 3, 1) is None


def test_measure_grid_times_every_pair_with_warm_up_and_modes_in_turn():
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
    assert [c[0] for c in calls[:8]] == ["f", "r"] * 4  # warm-ups, then f, r, f, r, ...
    assert grid.forward_spread.shape == (2, 2) and np.all(grid.forward_spread >= 0)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_modes_model_statuses_and_bad_sizes(lang):
    model = ex.ModesModel(synthetic_grid(), lang)
    assert model.compute(64, 1).winner == "reverse"
    assert model.compute(1, 64).winner == "forward"
    assert model.compute(8, 8).winner == "too close"
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


def test_a_typed_size_gives_the_nearest_measured_one_and_updates():
    pytest.importorskip("ipywidgets")
    explorer = ex.modes_explorer(synthetic_grid(), "en", n=8, m=1)
    before = explorer.updates
    explorer.controls["n"].value = 50  # typed "50" + Enter: 64 is nearest on the log scale
    assert explorer.controls["n"].value == 64 and explorer.result.n == 64
    shown = explorer.numbers.value.replace("\u00a0", " ")  # the panel glues "n = 64"
    assert explorer.updates == before + 1 and "n = 64 JVPs" in shown
    for typed, size in [(1e6, 64), (0, 1), (-5, 1), (3, 4), (1.4, 1)]:
        explorer.controls["m"].value = typed  # beyond the ends: the ends
        assert explorer.controls["m"].value == size and explorer.result.m == size


def test_a_slider_move_draws_nothing(monkeypatch):
    pytest.importorskip("ipywidgets")
    explorer = ex.modes_explorer(synthetic_grid(), "en")
    figure = explorer.model._figure
    drawn = dict(explorer.model._pngs)
    assert len(drawn) == 49  # every measured pair, drawn when the explorer was made
    assert figure.full_draws == 1  # and the axes only once
    monkeypatch.setattr(figure, "update", lambda *args: pytest.fail("a move drew the figure"))
    for n, m in [(1, 64), (64, 1), (8, 8), (2, 32)]:
        explorer.set_values(n=n, m=m)
        assert bytes(explorer.image.value) == drawn[(n, m, None, "en")]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_explorer_shows_trace_counts_to_the_learner(lang):
    pytest.importorskip("ipywidgets")
    explorers = [
        ex.tangent_explorer(lang),
        ex.tape_explorer(lang),
        ex.modes_explorer(synthetic_grid(), lang),
    ]
    for explorer in explorers:
        shown = explorer.status.value + explorer.numbers.value
        assert "traced" not in shown and "追踪" not in shown and "float32 ×" not in shown
    assert ex.ModesModel(None).core is None  # the modes explorer runs no TensorFlow
