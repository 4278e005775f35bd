"""`make bench`: how long one explorer update takes on this machine, and how often it traces.

One update is what a slider move costs: the compute (1 000 gradient-descent steps in NumPy, or
the tangent's nested tapes in a tf.function) plus the redraw of the figure with Agg into a PNG.
Each update moves one slider, chosen at random, to a random value of its range (steps stay at
1 000).

    python -m course_tools bench [--updates 200] [--seed 0] [--strict]

It prints the figures and, for the budgets (median 50 ms, p95 100 ms per update), either `ok` or
which explorers are over budget on this machine, with its load average: on a shared or busy
machine the figures grow with the load, so a missed budget is a measurement and exits 0 unless
`--strict` (`make bench STRICT=1`, for a quiet machine). A core that traces more than once per
dtype always exits 1: that does not depend on the load.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

import numpy as np

TARGET_MEDIAN_MS = 50.0
TARGET_P95_MS = 100.0


def random_value(control, rng: np.random.Generator):
    """A value the control could show: on its grid, inside its range."""
    if hasattr(control, "options"):  # dtype switches, function buttons, n/m selection sliders
        options = [o[1] if isinstance(o, tuple) else o for o in control.options]
        return options[int(rng.integers(len(options)))]
    if hasattr(control, "base"):  # a log slider: min, max and step are exponents
        count = int(round((control.max - control.min) / control.step))
        exponent = control.min + int(rng.integers(0, count + 1)) * control.step
        return float(control.base ** round(exponent, 10))
    count = int(round((control.max - control.min) / control.step))
    value = control.min + int(rng.integers(0, count + 1)) * control.step
    return type(control.value)(round(value, 10))


def synthetic_modes_grid():
    """Chapter 10's explorer only looks up a grid the notebook measured; for timing its updates a
    grid of the same sizes with times of the shape the chapter fits (0.2 ms to start, then per
    column or row about 13 µs plus 7 ps per input and output) does as well and takes no minute
    to measure."""
    from autodiff_course.explorers import ModesGrid

    sizes = tuple(2**k for k in range(11))
    n = np.array(sizes, dtype=float)[:, None]
    m = np.array(sizes, dtype=float)[None, :]
    forward = 2.4e-4 + n * (1.35e-5 + 7e-9 * (n + m))
    reverse = 2.1e-4 + m * (1.15e-5 + 6e-9 * (n + m))
    return ModesGrid(sizes, forward, reverse)


def time_updates(explorer, updates: int, rng: np.random.Generator, fixed: dict) -> list[float]:
    """Seconds per update: `updates` slider moves, each to a random value of a random slider."""
    explorer.set_values(**fixed)
    names = [name for name in explorer.controls if name not in fixed]
    times = []
    for _ in range(updates):
        name = names[int(rng.integers(len(names)))]
        value = random_value(explorer.controls[name], rng)
        explorer.forget_drawn()  # the work of a value not shown before, as on a first visit
        start = time.perf_counter()
        explorer.set_values(**{name: value})
        times.append(time.perf_counter() - start)
    return times


def eager_graph_numpy(steps: int = 1000, repeats: int = 5) -> tuple[float, float, float]:
    """Seconds for `steps` descent steps: eager, the compiled core, NumPy (what the slider runs)."""
    from autodiff_course.environment import import_tensorflow_quietly
    from autodiff_course.explorers import descent_core, numpy_descent_path

    tf = import_tensorflow_quietly()
    a, b, c, x0, lr = (tf.constant(v) for v in (1.0, -2.0, 1.0, 0.0, 0.01))

    def eager():
        x = x0
        for _ in range(steps):
            with tf.GradientTape() as tape:
                tape.watch(x)
                y = a * tf.pow(x, 2) + b * x + c  # as the compute core records it
            x = x - lr * tape.gradient(y, x)
        return x

    core = descent_core()
    core(a, b, c, x0, lr, tf.constant(steps)).numpy()  # traced already; warm
    eager()  # warm
    eager_s = min(_timed(eager) for _ in range(2))
    graph_s = statistics.median(
        _timed(lambda: core(a, b, c, x0, lr, tf.constant(steps)).numpy()) for _ in range(repeats)
    )
    numpy_s = statistics.median(
        _timed(lambda: numpy_descent_path(1.0, -2.0, 0.0, 0.01, steps)) for _ in range(repeats)
    )
    return eager_s, graph_s, numpy_s


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _summary(times: list[float]) -> tuple[float, float]:
    ms = np.array(times) * 1000.0
    return float(np.median(ms)), float(np.percentile(ms, 95))


def budget_lines(
    summaries: dict[str, tuple[float, float]], strict: bool, load: float
) -> tuple[list[str], bool]:
    """One line per budget for {explorer: (median ms, p95 ms)}, and whether to exit 1: a missed
    budget is a figure of this machine under its load, a failure only when `strict`."""
    over = {
        f"median ≤ {TARGET_MEDIAN_MS:g} ms": {
            name: m for name, (m, _) in summaries.items() if m > TARGET_MEDIAN_MS
        },
        f"p95 ≤ {TARGET_P95_MS:g} ms": {
            name: p for name, (_, p) in summaries.items() if p > TARGET_P95_MS
        },
    }
    lines = []
    for budget, missed in over.items():
        if not missed:
            lines.append(f"ok   {budget}")
            continue
        names = ", ".join(f"{name} {ms:.1f} ms" for name, ms in missed.items())
        lines.append(
            f"{'FAIL' if strict else 'over'} {budget}: {names}: over budget on this machine "
            f"(load {load:.1f} on {os.cpu_count()} cores)"
        )
    missed_any = any(over.values())
    if missed_any and not strict:
        lines.append("a measurement, not a failure: `make bench STRICT=1` on a quiet machine fails")
    return lines, strict and missed_any


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m course_tools bench", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--updates", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 when a median or p95 is over budget"
    )
    args = parser.parse_args(argv)

    from autodiff_course.environment import import_tensorflow_quietly

    tf = import_tensorflow_quietly()
    from autodiff_course import explorers

    rng = np.random.default_rng(args.seed)
    print(f"TensorFlow {tf.__version__} · {args.updates} random slider moves per explorer")

    start = time.perf_counter()
    descent = explorers.descent_explorer("en")
    descent.set_values(dtype="float64")
    print(f"first display of the descent explorer: {time.perf_counter() - start:.1f} s")
    times = time_updates(descent, args.updates, rng, {"steps": 1000})
    median, p95 = _summary(times)
    redraws = descent.model.figure.full_draws
    print(
        f"descent explorer, 1000 steps: median {median:.1f} ms, p95 {p95:.1f} ms "
        f"per update ({redraws} of {descent.updates} updates had to redraw axes)"
    )

    tangent = explorers.tangent_explorer("en", show_curvature=True)
    t_median, t_p95 = _summary(time_updates(tangent, args.updates, rng, {}))
    print(f"tangent explorer: median {t_median:.1f} ms, p95 {t_p95:.1f} ms per update")

    fit = explorers.fit_explorer("en")
    f_median, f_p95 = _summary(time_updates(fit, args.updates, rng, {}))
    print(
        f"fit explorer (chapter 12): median {f_median:.1f} ms, p95 {f_p95:.1f} ms per update "
        f"({fit.model.figure.full_draws} of {fit.updates} updates had to redraw axes)"
    )

    start = time.perf_counter()
    modes = explorers.modes_explorer(synthetic_modes_grid(), "en")
    print(
        f"modes explorer (chapter 10): its {len(modes.model._pngs)} figures drawn on first "
        f"display in {time.perf_counter() - start:.1f} s"
    )
    others = {
        "Hessian explorer (chapter 08)": explorers.hessian_explorer("en"),
        "kink explorer (chapter 09)": explorers.kink_explorer("en"),
        "modes explorer (chapter 10)": modes,
        "tape explorer (chapter 11)": explorers.tape_explorer("en"),
    }
    other_times = {}
    for label, explorer in others.items():
        other_times[label] = _summary(time_updates(explorer, args.updates, rng, {}))
        o_median, o_p95 = other_times[label]
        print(f"{label}: median {o_median:.1f} ms, p95 {o_p95:.1f} ms per update")

    counts = explorers.trace_counts()
    print("traces: " + ", ".join(f"{core} {dict(n)}" for core, n in sorted(counts.items())))

    eager_s, graph_s, numpy_s = eager_graph_numpy()
    print(
        f"descent, 1000 steps float32: eager {eager_s * 1000:.0f} ms, "
        f"tf.function {graph_s * 1000:.1f} ms, NumPy {numpy_s * 1000:.2f} ms; "
        f"eager/graph = {eager_s / graph_s:.0f}×, graph/NumPy = {graph_s / numpy_s:.0f}×"
    )

    summaries = {
        "descent": (median, p95),
        "tangent": (t_median, t_p95),
        "fit": (f_median, f_p95),
        **{label.split(" explorer")[0]: times for label, times in other_times.items()},
    }
    lines, budgets_failed = budget_lines(summaries, args.strict, os.getloadavg()[0])
    print("\n".join(lines))
    one_trace = (
        not counts.get("descent")
        and counts["tangent"] == {"float32": 1}
        and counts["fit"] == {"float32": 1}
        and all(
            n == 1
            for core in ("hessian", "kink", "tape_graph")
            for n in counts.get(core, {}).values()
        )
    )
    print(f"{'ok  ' if one_trace else 'FAIL'} one trace per dtype (none for descent)")
    return 0 if one_trace and not budgets_failed else 1


if __name__ == "__main__":
    sys.exit(main())
