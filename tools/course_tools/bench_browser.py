"""`make bench-browser`: how long a slider move takes in JupyterLab, from key press to new figure.

For each explorer a small notebook is written into a temporary directory, served by a
throw-away JupyterLab and run in headless Chromium. The explorer's first numeric slider is moved
with the keyboard (ArrowRight and ArrowLeft in turn, so between two values; with --walk, on
across its range and back, as the arrow keys or a slow drag go), one move at a time. An explorer
keeps the figures it showed and, after two steps the same way, draws the next one once the
kernel is idle (`Explorer._look_ahead`): after the warm-up, the two-value default times figures
shown again, and --walk figures drawn ahead on the way out and shown again on the way back. With
--fresh the explorer keeps nothing (`drawn_bytes = 0`): every move computes and draws, as a jump
to a value not shown before does. The page measures
the time from the key press to the new `src` of the figure's <img> (performance.now() and a
MutationObserver). The same notebook shows the echo floor: an ipywidgets FloatSlider whose
observer swaps precomputed PNG bytes (the explorer's own figures at the values the benchmark
visits) into an ipywidgets.Image. The floor is what any slider costs on this machine, browser and
server: the key press, the comm round trip, the PNG's transfer and the <img> update. Moves of the
explorer and of the floor alternate, so both see the same noise.

    python -m course_tools bench-browser [--moves 40] [--warmup 5] [--explorers tangent,fit]
                                         [--walk] [--fresh]

A measurement, not a test: it exits 0 when a target is missed and prints a line per miss.
"""

from __future__ import annotations

import argparse
import inspect
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

TARGET_RATIO = 1.25  # explorer median / floor median
TARGET_P95_FLOORS = 2.0  # explorer p95 / floor median
SETTLE_MS = 150  # quiet time after the new figure before the next move
MOVE_TIMEOUT_MS = 30_000

# name: (chapter, the explorer's constructor, its first numeric slider)
EXPLORERS = {
    "tangent": ("01", 'explorers.tangent_explorer(lang="en")', "a"),
    "descent": ("06", 'explorers.descent_explorer(lang="en")', "a"),
    "hessian": ("08", 'explorers.hessian_explorer(lang="en")', "x"),
    "kink": ("09", 'explorers.kink_explorer(lang="en")', "x"),
    "modes": ("10", 'explorers.modes_explorer(grid, lang="en", n=256, m=1)', "n"),
    "tape_graph": ("11", 'explorers.tape_explorer("en")', "a"),
    "fit": ("12", 'explorers.fit_explorer(lang="en")', "learning_rate"),
}

SETUP_CELL = 'from autodiff_course.environment import setup_notebook\nsetup_notebook("en")'


def key_sequence(value, lo, hi, step, count, walk=False):
    """(key, slider value after it) for `count` moves.

    Without `walk`: ArrowRight and ArrowLeft in turn, starting with ArrowLeft when one step
    right would leave the range; only two values are visited, the start and its neighbour.
    With `walk`: on in one direction (right first, if it can) and back at either end.
    Every value stays in [lo, hi].
    """
    slack = 1e-9 * abs(step)
    if value + step > hi + slack and value - step < lo - slack:
        raise ValueError(f"a slider from {lo} to {hi} in steps of {step} cannot move")
    keys, direction = [], 1 if value + step <= hi + slack else -1
    for i in range(count):
        if not walk and i > 0:
            direction = -direction
        elif not lo - slack <= value + direction * step <= hi + slack:
            direction = -direction  # the walk turns at an end
        value = round(value + direction * step, 10)
        keys.append(("ArrowRight" if direction > 0 else "ArrowLeft", value))
    return keys


# The floor: same slider range, the explorer's own PNGs at the values the keys visit.
FLOOR_CELL = """
import math

import ipywidgets as w
from IPython.display import display

probe = {constructor}  # not shown: it only renders the figures the floor swaps in
control = probe.controls[{slider!r}]
options = list(getattr(control, "options", []))
log_base = getattr(control, "base", None)  # a log slider: the keys move its exponent
if options:  # a selection slider: the keys move along its options
    start, lo, hi, step = options.index(control.value), 0, len(options) - 1, 1
elif log_base:
    start, lo, hi, step = math.log(control.value, log_base), control.min, control.max, control.step
else:
    start, lo, hi, step = control.value, control.min, control.max, control.step
moves = key_sequence(start, lo, hi, step, {moves}, {walk})
pngs = {{}}
for value in [start] + [v for _, v in moves]:
    if value not in pngs:
        if options:
            control.value = options[int(value)]
        else:
            control.value = log_base**value if log_base else value
        pngs[value] = probe.image.value
floor_slider = w.FloatSlider(value=start, min=lo, max=hi, step=step, description="floor",
                             continuous_update=True)
floor_image = w.Image(value=pngs[start], format="png", layout=w.Layout(max_width="100%"))


def swap(change):
    floor_image.value = pngs[min(pngs, key=lambda v: abs(v - change.new))]


floor_slider.observe(swap, names="value")
figure = w.Box([floor_image])
figure.add_class("autodiff-figure")
floor = w.VBox([floor_slider, figure])
floor.add_class("autodiff-floor")
display(floor)
print({{len(v) for v in pngs.values()}}, "bytes per PNG")
print("keys:", " ".join(key for key, _ in moves))  # the page presses these, on both sliders
"""


def notebook_cells(name: str, moves: int = 1, walk: bool = False, fresh: bool = False) -> list[str]:
    """The benchmark notebook of one explorer: setup, the explorer, the echo floor (with the
    explorer's figures at every value that `moves` key presses visit)."""
    from course_tools.bench import synthetic_modes_grid

    _chapter, constructor, slider = EXPLORERS[name]
    explorer = "from autodiff_course import explorers\n"
    if name == "modes":  # the synthetic grid of `make bench`, not a minute of measuring
        explorer += "import numpy as np\n\n" + inspect.getsource(synthetic_modes_grid)
        explorer += "\n\ngrid = synthetic_modes_grid()\n"
    explorer += f"explorer = {constructor}\n"
    if fresh:
        explorer += "explorer.drawn_bytes = 0  # --fresh: every move computes and draws\n"
    explorer += "explorer"
    floor = inspect.getsource(key_sequence) + FLOOR_CELL.format(
        constructor=constructor, slider=slider, moves=moves, walk=walk
    )
    return [SETUP_CELL, explorer, floor]


def write_notebook(path: Path, cells: list[str]) -> None:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    nbformat.write(nb, path)


# ---------------------------------------------------------------------------- statistics


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile with linear interpolation (numpy's default)."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    position = (len(ordered) - 1) * q / 100.0
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass
class Row:
    explorer: str
    median: float
    p95: float
    floor_median: float
    floor_p95: float

    @property
    def ratio(self) -> float:
        return self.median / self.floor_median

    def misses(self) -> list[str]:
        """One sentence per missed target."""
        out = []
        if self.ratio > TARGET_RATIO:
            out.append(
                f"{self.explorer}: median {self.median:.1f} ms is {self.ratio:.2f}× the floor's "
                f"{self.floor_median:.1f} ms (target ≤ {TARGET_RATIO:g}×)"
            )
        if self.p95 > TARGET_P95_FLOORS * self.floor_median:
            out.append(
                f"{self.explorer}: p95 {self.p95:.1f} ms is above {TARGET_P95_FLOORS:g}× the "
                f"floor's median ({TARGET_P95_FLOORS * self.floor_median:.1f} ms)"
            )
        return out


def summarise(name: str, explorer_ms: list[float], floor_ms: list[float]) -> Row:
    return Row(
        name,
        percentile(explorer_ms, 50),
        percentile(explorer_ms, 95),
        percentile(floor_ms, 50),
        percentile(floor_ms, 95),
    )


def format_table(rows: list[Row]) -> str:
    header = ("explorer", "median ms", "p95 ms", "floor med", "floor p95", "ratio", "targets")
    lines = [f"{header[0]:<11}" + "".join(f"{h:>10}" for h in header[1:])]
    for r in rows:
        ok = "ok" if not r.misses() else "MISSED"
        numbers = (r.median, r.p95, r.floor_median, r.floor_p95)
        lines.append(
            f"{r.explorer:<11}"
            + "".join(f"{v:>10.1f}" for v in numbers)
            + f"{r.ratio:>10.2f}{ok:>10}"
        )
    return "\n".join(lines)


# ---------------------------------------------------------------------------- in the page

ARM_JS = """(root) => {
  const el = document.querySelector(root);
  const img = el.querySelector('img.autodiff-figure, .autodiff-figure img');
  const state = {t0: null, t1: null, last: performance.now()};
  state.figure = new Promise((resolve) => { state.resolve = resolve; });
  state.observer = new MutationObserver((records) => {
    const now = performance.now();
    state.last = now;
    if (state.t0 !== null && state.t1 === null
        && records.some((r) => r.target === img && r.attributeName === 'src')) {
      state.t1 = now;
      state.resolve();
    }
  });
  state.observer.observe(el, {subtree: true, attributes: true, childList: true,
                              characterData: true});
  document.addEventListener('keydown', () => { state.t0 = performance.now(); },
                            {capture: true, once: true});
  window.__bench = state;
}"""

# Milliseconds from the key press to the new figure, after the root was quiet for settleMs.
WAIT_JS = """async ([timeoutMs, settleMs]) => {
  const state = window.__bench;
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const timedOut = await Promise.race([state.figure.then(() => false),
                                       sleep(timeoutMs).then(() => true)]);
  if (timedOut) { state.observer.disconnect(); return null; }
  while (performance.now() - state.last < settleMs) {
    await sleep(settleMs - (performance.now() - state.last) + 1);
  }
  state.observer.disconnect();
  return state.t1 - state.t0;
}"""


def move(page, root: str, key: str) -> float:
    """One key press on the first slider handle inside `root`; ms until its new figure."""
    page.locator(f"{root} .widget-slider .noUi-handle").first.focus()
    page.evaluate(ARM_JS, root)
    page.keyboard.press(key)
    ms = page.evaluate(WAIT_JS, [MOVE_TIMEOUT_MS, SETTLE_MS])
    if ms is None:
        raise RuntimeError(f"no new figure in {root} within {MOVE_TIMEOUT_MS / 1000:.0f} s")
    return ms


def printed_keys(page) -> list[str]:
    """The keys the floor cell printed: `key_sequence` in the kernel, for both sliders."""
    for text in page.locator(".jp-OutputArea-output").all_inner_texts():
        for line in text.splitlines():
            if line.startswith("keys: "):
                return line.split()[1:]
    raise RuntimeError("the floor cell printed no keys")


def bench_explorer(
    lab, chromium, name: str, moves: int, warmup: int, walk: bool = False, fresh: bool = False
) -> Row:
    from course_tools.lab_browser import error_outputs, run_notebook

    notebook = f"bench_{name}.ipynb"
    write_notebook(lab.root / notebook, notebook_cells(name, warmup + moves, walk, fresh))
    page = run_notebook(lab, chromium, notebook, wait_for=".autodiff-floor")
    try:
        errors = error_outputs(page)
        if errors:
            raise RuntimeError(f"the notebook printed an error: {errors[0][-500:]}")
        roots = (".autodiff-explorer", ".autodiff-floor")
        keys = printed_keys(page)  # both sliders start at the same value, in the same range
        times = {root: [] for root in roots}
        for i in range(warmup + moves):
            for root in roots:  # explorer, then floor: the same noise for both
                ms = move(page, root, keys[i])
                if i >= warmup:
                    times[root].append(ms)
        return summarise(name, times[roots[0]], times[roots[1]])
    finally:
        page.close()
        lab.shutdown_kernels()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m course_tools bench-browser", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--moves", type=int, default=40, help="measured moves per explorer")
    parser.add_argument("--warmup", type=int, default=5, help="moves before measuring")
    parser.add_argument(
        "--explorers", default=",".join(EXPLORERS), help="comma-separated: " + ",".join(EXPLORERS)
    )
    parser.add_argument(
        "--walk", action="store_true", help="walk across each slider's range, not two values"
    )
    parser.add_argument(
        "--fresh", action="store_true", help="the explorer keeps no figure: every move computes"
    )
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.explorers.split(",") if n.strip()]
    unknown = [n for n in names if n not in EXPLORERS]
    if unknown or not names:
        print(f"unknown explorer {', '.join(unknown) or '(none given)'}: choose from "
              f"{', '.join(EXPLORERS)}")  # fmt: skip
        return 2
    if args.moves < 1 or args.warmup < 0:
        print("--moves must be at least 1 and --warmup at least 0")
        return 2

    from course_tools.lab_browser import CHROMIUM, CHROMIUM_ARGS, Lab, missing_browser

    reason = missing_browser()
    if reason:
        print(reason)
        return 2
    from importlib.metadata import version

    from playwright.sync_api import sync_playwright

    rows, failures = [], []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "notebooks"
        root.mkdir()
        lab = Lab(Path(tmp), root)
        try:
            with sync_playwright() as p:
                chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                print(
                    f"Chromium {chromium.version} · JupyterLab {version('jupyterlab')} · "
                    f"{os.cpu_count()} CPU cores · {args.moves} moves per explorer after "
                    f"{args.warmup} warm-up moves"
                    + (", walking" if args.walk else "")
                    + (", nothing kept (--fresh)" if args.fresh else "")
                )
                for name in names:
                    try:
                        rows.append(
                            bench_explorer(
                                lab,
                                chromium,
                                name,
                                args.moves,
                                args.warmup,
                                args.walk,
                                args.fresh,
                            )
                        )
                        print(f"  {name}: done", flush=True)
                    except (RuntimeError, AssertionError) as err:
                        failures.append(f"{name}: not measured: {err}")
                        print(f"  {name}: failed", flush=True)
                chromium.close()
        finally:
            lab.stop()
    print(format_table(rows))
    print(
        f"targets: median ≤ {TARGET_RATIO:g}× the floor's median, "
        f"p95 ≤ {TARGET_P95_FLOORS:g}× the floor's median"
    )
    for line in failures + [miss for row in rows for miss in row.misses()]:
        print(f"MISSED {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
