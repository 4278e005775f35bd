"""The modes explorer (chapter 10): forward mode against reverse mode, measured.

Chapter 10 builds a full Jacobian two ways: column by column with n Jacobian–vector products
(forward mode) and row by row with m vector–Jacobian products (reverse mode). `measure_grid`
times both on a grid of sizes (warm-up first, then the median of several runs); the explorer
(`modes_explorer`) only looks measurements up and draws them, so a slider update does no
TensorFlow work. `fit_rule` fits cost = fixed + per-product · count to each mode.
"""

from __future__ import annotations

import math
import statistics
import time
from dataclasses import dataclass

import numpy as np

from autodiff_course import i18n
from autodiff_course.explorers import base
from autodiff_course.explorers.canvas import Canvas, figure_lang
from autodiff_course.plotting import course_rc

TEXT = i18n.strings(
    __name__,
    {
        "forward": {
            "en": "forward, n = {n} JVPs (one per input): {t} ms",
            "zh": "前向模式，n = {n} 次 JVP（每个输入一次）：{t} ms",
        },
        "reverse": {
            "en": "reverse, m = {m} VJPs (one per output): {t} ms",
            "zh": "反向模式，m = {m} 次 VJP（每个输出一次）：{t} ms",
        },
        "rule": {
            "en": "rule fitted to all {cells} cells: forward ≈ {f0} + {f1}·n ms, "
            "reverse ≈ {r0} + {r1}·m ms",
            "zh": "用全部 {cells} 个格点拟合的规律：前向 ≈ {f0} + {f1}·n ms，"
            "反向 ≈ {r0} + {r1}·m ms",
        },
        "reverse_wins": {
            "en": "Reverse mode is {r}× faster here: n = {n} inputs > m = {m} outputs, "
            "and reverse mode needs one product per output.",
            "zh": "这里反向模式快 {r} 倍：输入 n = {n} 多于输出 m = {m}，"
            "而反向模式每个输出只需一次乘积。",
        },
        "forward_wins": {
            "en": "Forward mode is {r}× faster here: n = {n} inputs < m = {m} outputs, "
            "and forward mode needs one product per input.",
            "zh": "这里前向模式快 {r} 倍：输入 n = {n} 少于输出 m = {m}，"
            "而前向模式每个输入只需一次乘积。",
        },
        "tie": {
            "en": "About even here (within 1.5×): n = {n} and m = {m} products cost alike.",
            "zh": "这里两者差不多（相差不到 1.5 倍）：n = {n} 次和 m = {m} 次乘积代价相近。",
        },
        "not_measured": {
            "en": "n = {n}, m = {m} was not measured. Measured sizes: {sizes}.",
            "zh": "没有测量 n = {n}、m = {m}。已测量的规模：{sizes}。",
        },
        "empty": {
            "en": "Nothing measured yet: run measure_grid first, then open the explorer.",
            "zh": "还没有测量数据：先运行 measure_grid，再打开交互工具。",
        },
        "xlabel_n": {"en": "inputs n (m = {m})", "zh": "输入个数 n（m = {m}）"},
        "xlabel_m": {"en": "outputs m (n = {n})", "zh": "输出个数 m（n = {n}）"},
        "ylabel": {"en": "full Jacobian, ms", "zh": "完整雅可比矩阵，毫秒"},
        "legend_forward": {"en": "forward (measured)", "zh": "前向（实测）"},
        "legend_reverse": {"en": "reverse (measured)", "zh": "反向（实测）"},
        "legend_rule": {"en": "rule", "zh": "规律"},
        "n": {"en": "inputs n", "zh": "输入 n"},
        "m": {"en": "outputs m", "zh": "输出 m"},
        "tip_n": {
            "en": "number of inputs of f: forward mode needs one JVP per input",
            "zh": "f 的输入个数：前向模式每个输入需要一次 JVP",
        },
        "tip_m": {
            "en": "number of outputs of f: reverse mode needs one VJP per output",
            "zh": "f 的输出个数：反向模式每个输出需要一次 VJP",
        },
    },
)

FORWARD_COLOUR, REVERSE_COLOUR = "#0969da", "#cf222e"
CORE = "modes"
_TRACES = base.trace_counter(CORE)  # the traces of the two Jacobian builders measured


def median_seconds(fn, args, repeats=7):
    """Median wall-clock seconds of fn(*args): one untimed warm-up call, then `repeats` runs."""
    np.asarray(fn(*args))  # warm-up: tracing and first-call costs are not timed
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        np.asarray(fn(*args))  # wait for the result before stopping the clock
        times.append(time.perf_counter() - start)
    return statistics.median(times)


@dataclass(frozen=True)
class ModesGrid:
    """Measured seconds for the full Jacobian: forward[i, j] and reverse[i, j] at n = sizes[i],
    m = sizes[j]."""

    sizes: tuple
    forward: np.ndarray
    reverse: np.ndarray


def measure_grid(forward, reverse, inputs, sizes, repeats=7, progress=False):
    """Time forward(*inputs(n, m)) and reverse(*inputs(n, m)) for every n and m in `sizes`.

    With `progress`, prints each n as its row is done ("n = 1 2 4 … ✓"): the whole grid takes
    10 to 30 s on a laptop, and a cell should not sit silent that long.
    """
    sizes = tuple(int(s) for s in sizes)
    if progress:
        print("n =", end="", flush=True)
    shape = (len(sizes), len(sizes))
    fwd, rev = np.full(shape, np.nan), np.full(shape, np.nan)
    for i, n in enumerate(sizes):
        for j, m in enumerate(sizes):
            args = inputs(n, m)
            fwd[i, j] = median_seconds(forward, args, repeats)
            rev[i, j] = median_seconds(reverse, args, repeats)
        if progress:
            print(f" {n}", end="", flush=True)
    if progress:
        print(" ✓", flush=True)
    for fn in (forward, reverse):  # what the explorer's status line reports
        if hasattr(fn, "experimental_get_tracing_count"):
            name = getattr(fn, "__name__", "builder")
            _TRACES[name] = fn.experimental_get_tracing_count()
    return ModesGrid(sizes, fwd, rev)


@dataclass(frozen=True)
class Rule:
    """cost ≈ fixed + per_product · count, in seconds, for each mode."""

    forward_fixed: float
    forward_per_product: float
    reverse_fixed: float
    reverse_per_product: float

    def forward(self, n):
        return self.forward_fixed + self.forward_per_product * np.asarray(n, dtype=float)

    def reverse(self, m):
        return self.reverse_fixed + self.reverse_per_product * np.asarray(m, dtype=float)


def fit_rule(grid: ModesGrid) -> Rule:
    """Least-squares fit of forward time against n and reverse time against m, over all cells.

    Each cell is weighted by 1/time, so small sizes count as much as large ones."""
    sizes = np.asarray(grid.sizes, dtype=float)
    counts = {"forward": np.repeat(sizes, len(sizes)), "reverse": np.tile(sizes, len(sizes))}
    params = []
    for mode, times in (("forward", grid.forward), ("reverse", grid.reverse)):
        t = times.ravel()
        ok = np.isfinite(t) & (t > 0)
        design = np.stack([np.ones(ok.sum()), counts[mode][ok]], axis=1) / t[ok, None]
        (fixed, per), *_ = np.linalg.lstsq(design, np.ones(ok.sum()), rcond=None)
        params += [float(fixed), float(per)]
    return Rule(*params)


def crossover(grid: ModesGrid, m: int):
    """For m outputs: the largest n where forward was faster, the smallest n where reverse was."""
    j = grid.sizes.index(m)
    forward_wins = [n for i, n in enumerate(grid.sizes) if grid.forward[i, j] < grid.reverse[i, j]]
    reverse_wins = [n for i, n in enumerate(grid.sizes) if grid.reverse[i, j] < grid.forward[i, j]]
    return (max(forward_wins) if forward_wins else None), (
        min(reverse_wins) if reverse_wins else None
    )


# ----------------------------------------------------------------------------- the explorer


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.3g}"


@dataclass(frozen=True)
class ModesResult:
    n: int
    m: int
    forward: float | None  # seconds, None when (n, m) was not measured
    reverse: float | None
    rule: Rule | None
    problem: str | None  # "empty", "not_measured" or None

    @property
    def winner(self) -> str | None:
        """ "reverse" or "forward" when one is at least 1.5× faster, "even" otherwise."""
        if self.problem is not None:
            return None
        ratio = self.forward / self.reverse
        return "reverse" if ratio >= 1.5 else "forward" if ratio <= 1 / 1.5 else "even"


class ModesModel:
    """compute / render / describe over a measured grid: a look-up, no TensorFlow work."""

    core = CORE

    def __init__(self, grid: ModesGrid | None, lang: str = "en"):
        self.grid = grid
        self.lang = i18n.language(lang)
        measured = grid is not None and np.isfinite(grid.forward).any()
        self.rule = fit_rule(grid) if measured else None
        self._figure = None

    def compute(self, n, m) -> ModesResult:
        grid = self.grid
        if self.rule is None:
            return ModesResult(n, m, None, None, None, "empty")
        if n not in grid.sizes or m not in grid.sizes:
            return ModesResult(n, m, None, None, self.rule, "not_measured")
        i, j = grid.sizes.index(n), grid.sizes.index(m)
        fwd, rev = float(grid.forward[i, j]), float(grid.reverse[i, j])
        if not (math.isfinite(fwd) and math.isfinite(rev)):
            return ModesResult(n, m, None, None, self.rule, "not_measured")
        return ModesResult(n, m, fwd, rev, self.rule, None)

    def status(self, result: ModesResult, lang: str):
        lang = i18n.language(lang)
        if result.problem == "empty":
            return "diverges", i18n.text(TEXT, "empty", lang)
        if result.problem == "not_measured":
            sizes = ", ".join(str(s) for s in self.grid.sizes)
            return "diverges", i18n.text(
                TEXT, "not_measured", lang, n=result.n, m=result.m, sizes=sizes
            )
        ratio = result.forward / result.reverse
        if result.winner == "even":
            return "oscillates_converges", i18n.text(TEXT, "tie", lang, n=result.n, m=result.m)
        r = f"{max(ratio, 1 / ratio):.1f}"
        key = f"{result.winner}_wins"
        return "converges", i18n.text(TEXT, key, lang, r=r, n=result.n, m=result.m)

    def describe(self, result: ModesResult, lang: str) -> list[str]:
        lang = i18n.language(lang)
        lines = []
        if result.problem is None:
            lines = [
                i18n.text(TEXT, "forward", lang, n=result.n, t=_ms(result.forward)),
                i18n.text(TEXT, "reverse", lang, m=result.m, t=_ms(result.reverse)),
            ]
        if result.rule is not None:
            r = result.rule
            lines.append(
                i18n.text(
                    TEXT,
                    "rule",
                    lang,
                    cells=self.grid.forward.size,
                    f0=_ms(r.forward_fixed),
                    f1=_ms(r.forward_per_product),
                    r0=_ms(r.reverse_fixed),
                    r1=_ms(r.reverse_per_product),
                )  # fmt: skip
            )
        return lines

    def report(self, n, m, lang=None) -> str:
        lang = lang or self.lang
        result = self.compute(n, m)
        return "\n".join(self.describe(result, lang) + [self.status(result, lang)[1]])

    # -- the figure: built once (`ModesFigure`), then only the data and labels change

    def render(self, result: ModesResult) -> bytes:
        lang = figure_lang(self.lang)  # Chinese labels only where a font can draw them
        if self._figure is None or self._figure.lang != lang:
            self._figure = ModesFigure(self.grid, lang)
        problem = None if result.problem is None else self.status(result, lang)[1]
        return self._figure.update(result, problem)


class ModesFigure(Canvas):
    """Left: both modes against n at this m; right: against m at this n (log–log).

    The axis limits depend on the grid only, so the axes are drawn once per pair of x labels
    (see `Canvas`) and a slider move redraws just the lines, the markers and the message.
    """

    def __init__(self, grid: ModesGrid | None, lang: str):
        import matplotlib as mpl

        self.grid, self.lang = grid, lang
        super().__init__(lang, (8.4, 3.3), 2, dpi=80, rc=course_rc(lang))
        axes = self.axes
        with mpl.rc_context(self.rc):
            axes[1].sharey(axes[0])
            axes[1].yaxis.set_tick_params(which="both", labelleft=False)  # as sharey=True
            self.lines = []
            for ax in axes:
                ax.set_xscale("log", base=2)
                ax.set_yscale("log")
                ax.grid(True, which="major", alpha=0.3)
                self.lines.append(
                    {
                        "forward": ax.plot([], [], "o-", color=FORWARD_COLOUR, ms=4)[0],
                        "reverse": ax.plot([], [], "s-", color=REVERSE_COLOUR, ms=4)[0],
                        "forward_rule": ax.plot([], [], "--", color=FORWARD_COLOUR, lw=1)[0],
                        "reverse_rule": ax.plot([], [], "--", color=REVERSE_COLOUR, lw=1)[0],
                        "marker": ax.axvline(1, color="#57606a", lw=1, alpha=0.6),
                    }
                )
            axes[0].set_ylabel(i18n.text(TEXT, "ylabel", lang))
            axes[0].legend(
                [self.lines[0][k] for k in ("forward", "reverse", "forward_rule")],
                [i18n.text(TEXT, key, lang) for key in ("legend_forward", "legend_reverse",
                                                         "legend_rule")],
                fontsize=8, loc="upper left",
            )  # fmt: skip
            self.figure.subplots_adjust(left=0.09, right=0.98, top=0.95, bottom=0.16, wspace=0.06)
            # shown instead of the measurements when there are none for these sizes
            self.problem = self.figure.text(
                0.5, 0.55, "", ha="center", va="center", wrap=True, fontsize=11, color="#cf222e"
            )
        self.artists = [line for panel in self.lines for line in panel.values()]
        self.artists.append(self.problem)
        everything = np.array([])
        if grid is not None:
            everything = np.concatenate([grid.forward.ravel(), grid.reverse.ravel()]) * 1e3
            everything = everything[np.isfinite(everything) & (everything > 0)]
        if everything.size:  # fixed by the grid: every slider position shares the axes
            for ax in axes:
                ax.set_xlim(grid.sizes[0] / 1.4, grid.sizes[-1] * 1.4)
            axes[0].set_ylim(everything.min() / 1.5, everything.max() * 1.5)

    def update(self, result: ModesResult, problem: str | None) -> bytes:
        grid, rule = self.grid, result.rule
        if problem is None:
            sizes = np.asarray(grid.sizes, dtype=float)
            i, j = grid.sizes.index(result.n), grid.sizes.index(result.m)
            panels = (
                (grid.forward[:, j], grid.reverse[:, j], rule.forward(sizes),
                 np.full_like(sizes, rule.reverse(result.m)), result.n),
                (grid.forward[i, :], grid.reverse[i, :],
                 np.full_like(sizes, rule.forward(result.n)), rule.reverse(sizes), result.m),
            )  # fmt: skip
            for lines, (fwd, rev, fwd_rule, rev_rule, mark) in zip(self.lines, panels, strict=True):
                lines["forward"].set_data(sizes, fwd * 1e3)
                lines["reverse"].set_data(sizes, rev * 1e3)
                lines["forward_rule"].set_data(sizes, fwd_rule * 1e3)
                lines["reverse_rule"].set_data(sizes, rev_rule * 1e3)
                lines["marker"].set_xdata([mark, mark])
                lines["marker"].set_visible(True)
            self.problem.set_text("")
        else:
            for lines in self.lines:
                for name in ("forward", "reverse", "forward_rule", "reverse_rule"):
                    lines[name].set_data([], [])
                lines["marker"].set_visible(False)  # no measured size to mark
            self.problem.set_text(problem)
        self.axes[0].set_xlabel(i18n.text(TEXT, "xlabel_n", self.lang, m=result.m))
        self.axes[1].set_xlabel(i18n.text(TEXT, "xlabel_m", self.lang, n=result.n))
        return self.png()


def modes_explorer(grid: ModesGrid | None, lang: str = "en", n=None, m=None) -> base.Explorer:
    """Sliders n and m (powers of two, so a log scale) over the measured grid."""
    import ipywidgets as w

    lang = i18n.language(lang)
    model = ModesModel(grid, lang)
    sizes = list(grid.sizes) if grid is not None and grid.sizes else [1]
    controls = {}
    for name, start in (("n", n or sizes[-1] // 2 or 1), ("m", m or 1)):
        control = w.SelectionSlider(
            options=sizes,
            value=start if start in sizes else sizes[0],
            description=i18n.text(TEXT, name, lang),
            continuous_update=True,
            style={"description_width": "105px"},
            layout=w.Layout(width="330px"),
        )
        base.set_tooltip(control, i18n.text(TEXT, f"tip_{name}", lang))
        controls[name] = control
    return base.Explorer(model, controls, lang)
