"""The modes explorer (chapter 10): forward mode against reverse mode, measured.

Chapter 10 builds a full Jacobian two ways: column by column with n Jacobian–vector products
(forward mode) and row by row with m vector–Jacobian products (reverse mode). `measure_grid`
times both on a grid of sizes (warm-up first, then timed runs of the two modes in turn, and the
median); the explorer (`modes_explorer`) only looks measurements up and draws them, so a slider
update does no TensorFlow work.

Every sentence follows from the numbers it shows: `faster` names a mode only when the slower one
takes at least 10 % longer and more than the spread of its timed runs; the reason it gives
(fewer products, or a cheaper product) is read off the same numbers. `fit_rule` fits
cost = fixed + count · (cost of one product), where one product runs the whole function, so its
cost grows with n + m, and it says how far the rule is from the measurements.
"""

from __future__ import annotations

import itertools
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
        "count.forward": {
            "en": "n = {n} JVPs (one per input)",
            "zh": "n = {n} 次 JVP（每个输入一次）",
        },
        "count.forward.1": {
            "en": "n = 1 JVP (one per input)",
            "zh": "n = 1 次 JVP（每个输入一次）",
        },
        "count.reverse": {
            "en": "m = {m} VJPs (one per output)",
            "zh": "m = {m} 次 VJP（每个输出一次）",
        },
        "count.reverse.1": {
            "en": "m = 1 VJP (one per output)",
            "zh": "m = 1 次 VJP（每个输出一次）",
        },
        "mode.forward": {"en": "forward mode", "zh": "前向模式"},
        "mode.reverse": {"en": "reverse mode", "zh": "反向模式"},
        "forward": {"en": "forward, {count}: {t} ms", "zh": "前向，{count}：{t} ms"},
        "reverse": {"en": "reverse, {count}: {t} ms", "zh": "反向，{count}：{t} ms"},
        "spread": {
            "en": "spread of the timed runs: forward {f} %, reverse {r} %",
            "zh": "各次计时的波动：前向 {f}%，反向 {r}%",
        },
        "rule_forward": {
            "en": "rule, forward: {a} + {n} × {p} = {t} ms",
            "zh": "规律，前向：{a} + {n} × {p} = {t} ms",
        },
        "rule_reverse": {
            "en": "rule, reverse: {a} + {m} × {p} = {t} ms",
            "zh": "规律，反向：{a} + {m} × {p} = {t} ms",
        },
        "rule": {
            "en": "rule = fixed cost + count × cost of one product (which grows with n + m), "
            "fitted to all {cells} cells; it is off by {median} % at the median cell, "
            "{worst} % at worst",
            "zh": "规律 = 固定开销 + 次数 × 单次乘积的代价（随 n + m 增大），"
            "用全部 {cells} 个格点拟合；与测量值的偏差中位数为 {median}%，最大为 {worst}%",
        },
        # Named only from MIN_DIFFERENCE up, and beyond the spread of the timed runs.
        "too_close": {
            "en": "Too close to call: forward {f} ms and reverse {r} ms differ by {d} %. "
            "A mode is called faster only when the other takes at least {floor} % longer "
            "and the difference is larger than the spread of the timed runs ({s} % here).",
            "zh": "难分快慢。前向 {f} ms 与反向 {r} ms 只相差 {d}%。只有另一种模式的耗时至少多出 "
            "{floor}%，并且差距大于各次计时之间的波动（这里是 {s}%），才说哪种模式更快。",
        },
        # The winner needs fewer products, and its products were not cheaper: the count decides.
        "fewer": {
            "en": "{W} is faster: {l} takes {r}× as long here, because it needs {cl}, "
            "where {w} needs {cw}.",
            "zh": "{W}更快。这里{l}的耗时是它的 {r} 倍，因为{l}需要 {cl}，而{w}只需要 {cw}。",
        },
        # Fewer products, and each was cheaper on average: both count.
        "fewer_cheaper": {
            "en": "{W} is faster: {l} takes {r}× as long here. {W} needs fewer products, "
            "{cw} against {cl}, and each took less time on average: {pw} ms against {pl} ms, "
            "fixed costs included.",
            "zh": "{W}更快。这里{l}的耗时是它的 {r} 倍。{W}需要的乘积更少，{cw}，对比{l}的 {cl}；"
            "而且平均每次乘积的耗时也更少：{pw} ms 对比 {pl} ms，含固定开销。",
        },
        "same_count": {
            "en": "{W} is faster: {l} takes {r}× as long here. Both need {k} products (n = m), "
            "so the difference is the time per product: {pw} ms against {pl} ms on average, "
            "fixed costs included.",
            "zh": "{W}更快。这里{l}的耗时是它的 {r} 倍。两者都需要 {k} 次乘积（n = m），"
            "所以差别在于每次乘积的耗时：平均 {pw} ms 对比 {pl} ms，含固定开销。",
        },
        "more": {
            "en": "{W} is faster even though it needs more products: {l} takes {r}× as long "
            "here with {cl}, where {w} needs {cw}. Each product of {w} took less time on "
            "average: {pw} ms against {pl} ms, fixed costs included.",
            "zh": "{W}虽然需要更多次乘积，却更快。{l}只需要 {cl}，耗时却是{w}的 {r} 倍，"
            "而{w}需要 {cw}。{w}平均每次乘积的耗时更少：{pw} ms 对比 {pl} ms，含固定开销。",
        },
        "not_measured": {
            "en": "n = {n}, m = {m} was not measured. Measured sizes: {sizes}.",
            "zh": "没有测量 n = {n}、m = {m}。已测量的规模：{sizes}。",
        },
        "empty": {
            "en": "Nothing measured yet: run measure_grid first, then open the explorer.",
            "zh": "还没有测量数据：先运行 measure_grid，再打开交互探索器。",
        },
        "xlabel_n": {"en": "inputs n", "zh": "输入个数 n"},
        "xlabel_m": {"en": "outputs m", "zh": "输出个数 m"},
        "at_m": {"en": "at m = {m}", "zh": "m = {m} 时"},
        "at_n": {"en": "at n = {n}", "zh": "n = {n} 时"},
        "ylabel": {"en": "full Jacobian, ms", "zh": "完整雅可比矩阵，毫秒"},
        "legend_forward": {"en": "forward (measured)", "zh": "前向（实测）"},
        "legend_reverse": {"en": "reverse (measured)", "zh": "反向（实测）"},
        "legend_rule": {"en": "rule (fitted)", "zh": "规律（拟合）"},
        "n": {"en": "inputs n", "zh": "输入 n"},
        "m": {"en": "outputs m", "zh": "输出 m"},
        "tip_n": {
            "en": "number of inputs of f: forward mode needs one JVP per input "
            "(type a size and press Enter: the nearest measured one is taken)",
            "zh": "f 的输入个数：前向模式每个输入需要一次 JVP（可以输入一个规模后按回车，"
            "取最接近的已测量规模）",
        },
        "tip_m": {
            "en": "number of outputs of f: reverse mode needs one VJP per output "
            "(type a size and press Enter: the nearest measured one is taken)",
            "zh": "f 的输出个数：反向模式每个输出需要一次 VJP（可以输入一个规模后按回车，"
            "取最接近的已测量规模）",
        },
    },
)

FORWARD_COLOUR, REVERSE_COLOUR = "#0969da", "#cf222e"
# A mode is called faster only when the other takes at least this much longer (and more than
# the spread of the timed runs): a few per cent can flip between two runs of the same grid.
MIN_DIFFERENCE = 0.10


def median_seconds(fn, args, repeats=7):
    """Median wall-clock seconds of fn(*args): one untimed warm-up call, then `repeats` runs."""
    return statistics.median(timed_runs([fn], args, repeats)[0])


def timed_runs(fns, args, repeats=7) -> list[list[float]]:
    """Seconds of each fn(*args) over `repeats` rounds, after one untimed warm-up call each.

    Each round runs every fn once, in turn, so that a change in the machine's load during the
    measurement falls on all of them alike."""
    for fn in fns:
        np.asarray(fn(*args))  # warm-up: tracing and first-call costs are not timed
    times = [[] for _ in fns]
    for _ in range(repeats):
        for fn, out in zip(fns, times, strict=True):
            start = time.perf_counter()
            np.asarray(fn(*args))  # wait for the result before stopping the clock
            out.append(time.perf_counter() - start)
    return times


def relative_spread(times) -> float:
    """How much timed runs vary: the width of their middle half (quartile 1 to 3) / median."""
    q1, median, q3 = np.percentile(times, [25, 50, 75])
    return float((q3 - q1) / median) if median > 0 else 0.0


@dataclass(frozen=True)
class ModesGrid:
    """Measured seconds for the full Jacobian: forward[i, j] and reverse[i, j] at n = sizes[i],
    m = sizes[j] (medians), and the relative spread of their timed runs (None: not known)."""

    sizes: tuple
    forward: np.ndarray
    reverse: np.ndarray
    forward_spread: np.ndarray | None = None
    reverse_spread: np.ndarray | None = None

    def cell(self, n, m):
        """(forward s, reverse s, spread) at n, m; None where that pair was not measured."""
        if n not in self.sizes or m not in self.sizes:
            return None
        i, j = self.sizes.index(n), self.sizes.index(m)
        fwd, rev = float(self.forward[i, j]), float(self.reverse[i, j])
        if not (math.isfinite(fwd) and math.isfinite(rev) and fwd > 0 and rev > 0):
            return None
        spreads = [s[i, j] for s in (self.forward_spread, self.reverse_spread) if s is not None]
        return fwd, rev, float(max(spreads, default=0.0))


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
    fwd_spread, rev_spread = np.full(shape, np.nan), np.full(shape, np.nan)
    for i, n in enumerate(sizes):
        for j, m in enumerate(sizes):
            f_times, r_times = timed_runs([forward, reverse], inputs(n, m), repeats)
            fwd[i, j], rev[i, j] = statistics.median(f_times), statistics.median(r_times)
            fwd_spread[i, j], rev_spread[i, j] = map(relative_spread, (f_times, r_times))
        if progress:
            print(f" {n}", end="", flush=True)
    if progress:
        print(" ✓", flush=True)
    return ModesGrid(sizes, fwd, rev, fwd_spread, rev_spread)


def faster(forward: float, reverse: float, spread: float = 0.0) -> str:
    """ "forward" or "reverse" when the other took at least MIN_DIFFERENCE longer and more than
    `spread` (relative), "too close" otherwise. Both are compared in whole per cent, as the
    explorer's sentence shows them, so that the sentence agrees with its own numbers."""
    difference = round(100 * (max(forward, reverse) / min(forward, reverse) - 1))
    if difference < round(100 * MIN_DIFFERENCE) or difference <= round(100 * spread):
        return "too close"
    return "forward" if forward < reverse else "reverse"


def faster_at(grid: ModesGrid, n: int, m: int) -> str | None:
    """`faster` for the measured cell n, m (None where it was not measured)."""
    cell = grid.cell(n, m)
    return None if cell is None else faster(*cell)


@dataclass(frozen=True)
class Rule:
    """time ≈ fixed + count · (per_product + per_size · (n + m)) seconds, for each mode.

    count is n for forward mode (one JVP per input), m for reverse mode (one VJP per output).
    A JVP or a VJP runs the whole function (here n·32 + 32·m weights), so the cost of one
    product grows with n + m. `median_error` and `worst_error`: |rule / measured − 1| over the
    measured cells.
    """

    forward_fixed: float
    forward_per_product: float
    forward_per_size: float
    reverse_fixed: float
    reverse_per_product: float
    reverse_per_size: float
    median_error: float = math.nan
    worst_error: float = math.nan

    def forward_product(self, n, m):
        """Seconds of one JVP at these sizes, by the rule."""
        size = np.asarray(n, dtype=float) + np.asarray(m, dtype=float)
        return self.forward_per_product + self.forward_per_size * size

    def reverse_product(self, n, m):
        size = np.asarray(n, dtype=float) + np.asarray(m, dtype=float)
        return self.reverse_per_product + self.reverse_per_size * size

    def forward(self, n, m):
        return self.forward_fixed + np.asarray(n, dtype=float) * self.forward_product(n, m)

    def reverse(self, n, m):
        return self.reverse_fixed + np.asarray(m, dtype=float) * self.reverse_product(n, m)


def _least_squares_at_least_zero(design: np.ndarray, target: np.ndarray) -> np.ndarray:
    """min |design · p − target| with every p ≥ 0: the best of the unconstrained fits on each
    subset of the columns (three columns, eight subsets), a negative cost being meaningless."""
    best, best_residual = np.zeros(design.shape[1]), float(np.sum(target**2))
    columns = range(design.shape[1])
    for k in range(1, design.shape[1] + 1):
        for subset in itertools.combinations(columns, k):
            p, *_ = np.linalg.lstsq(design[:, subset], target, rcond=None)
            if np.all(p >= 0):
                residual = float(np.sum((design[:, subset] @ p - target) ** 2))
                if residual < best_residual:
                    best, best_residual = np.zeros(design.shape[1]), residual
                    best[list(subset)] = p
    return best


def fit_rule(grid: ModesGrid) -> Rule:
    """Least-squares fit of the rule to every measured cell, each mode on its own.

    The error is relative (each cell weighted by 1/time), so small sizes count as much as large
    ones, and no cost is allowed below 0."""
    sizes = np.asarray(grid.sizes, dtype=float)
    n, m = np.meshgrid(sizes, sizes, indexing="ij")
    params = []
    for count, times in ((n, grid.forward), (m, grid.reverse)):
        t = times.ravel()
        ok = np.isfinite(t) & (t > 0)
        features = np.stack([np.ones(t.size), count.ravel(), (count * (n + m)).ravel()], axis=1)
        params += list(_least_squares_at_least_zero(features[ok] / t[ok, None], np.ones(ok.sum())))
    rule = Rule(*(float(p) for p in params))
    errors = []
    for predicted, times in (
        (rule.forward(n, m), grid.forward),
        (rule.reverse(n, m), grid.reverse),
    ):
        ok = np.isfinite(times) & (times > 0)
        errors.append(np.abs(predicted[ok] / times[ok] - 1.0))
    errors = np.concatenate(errors)
    return Rule(*(float(p) for p in params), float(np.median(errors)), float(errors.max()))


def crossover(grid: ModesGrid, m: int):
    """For m outputs: the largest n where forward mode was clearly faster, the smallest n where
    reverse mode was (`faster`; cells too close to call count for neither)."""
    verdicts = [(n, faster_at(grid, n, m)) for n in grid.sizes]
    forward_wins = [n for n, v in verdicts if v == "forward"]
    reverse_wins = [n for n, v in verdicts if v == "reverse"]
    return (max(forward_wins) if forward_wins else None), (
        min(reverse_wins) if reverse_wins else None
    )


# ----------------------------------------------------------------------------- the explorer


def _ms(seconds: float, digits: int = 3) -> str:
    return f"{seconds * 1e3:.{digits}g}"


def _percent(fraction: float) -> str:
    return f"{fraction * 100:.0f}"


def _times(ratio: float) -> str:
    return f"{ratio:.1f}" if ratio < 10 else f"{ratio:.0f}"


@dataclass(frozen=True)
class ModesResult:
    n: int
    m: int
    forward: float | None  # seconds, None when (n, m) was not measured
    reverse: float | None
    rule: Rule | None
    problem: str | None  # "empty", "not_measured" or None
    spread: float = 0.0  # the larger relative spread of the two modes' timed runs

    @property
    def winner(self) -> str | None:
        """ "forward", "reverse" or "too close" (see `faster`); None when not measured."""
        if self.problem is not None:
            return None
        return faster(self.forward, self.reverse, self.spread)

    def reason(self) -> str | None:
        """Why the winner won, from the numbers shown: "fewer" products (their count decides),
        "fewer_cheaper" (fewer and cheaper on average), "same_count" or "more" products."""
        winner = self.winner
        if winner not in ("forward", "reverse"):
            return None
        counts = {"forward": self.n, "reverse": self.m}
        per = {"forward": self.forward / self.n, "reverse": self.reverse / self.m}
        loser = "reverse" if winner == "forward" else "forward"
        if counts[winner] == counts[loser]:
            return "same_count"
        if counts[winner] > counts[loser]:
            return "more"
        return "fewer_cheaper" if per[winner] < per[loser] else "fewer"


def _size(value):
    """A slider value as the int size it stands for (the log slider gives 256.0)."""
    value = float(value)
    return int(value) if value.is_integer() else value


class ModesModel:
    """compute / render / describe over a measured grid: a look-up, no TensorFlow work."""

    core = None  # the explorer runs no TensorFlow: it looks measurements up

    def __init__(self, grid: ModesGrid | None, lang: str = "en"):
        self.grid = grid
        self.lang = i18n.language(lang)
        measured = grid is not None and np.isfinite(grid.forward).any()
        self.rule = fit_rule(grid) if measured else None
        self._figure = None
        self._pngs: dict = {}  # (n, m, problem, lang) → PNG: a slider move revisits sizes

    def compute(self, n, m) -> ModesResult:
        n, m = _size(n), _size(m)
        if self.rule is None:
            return ModesResult(n, m, None, None, None, "empty")
        cell = self.grid.cell(n, m)
        if cell is None:
            return ModesResult(n, m, None, None, self.rule, "not_measured")
        fwd, rev, spread = cell
        return ModesResult(n, m, fwd, rev, self.rule, None, spread)

    def status(self, result: ModesResult, lang: str):
        lang = i18n.language(lang)
        if result.problem == "empty":
            return "diverges", i18n.text(TEXT, "empty", lang)
        if result.problem == "not_measured":
            sizes = ", ".join(str(s) for s in self.grid.sizes)
            return "diverges", i18n.text(
                TEXT, "not_measured", lang, n=result.n, m=result.m, sizes=sizes
            )
        winner = result.winner
        if winner == "too close":
            difference = max(result.forward, result.reverse) / min(result.forward, result.reverse)
            return "oscillates_converges", i18n.text(
                TEXT, "too_close", lang, f=_ms(result.forward), r=_ms(result.reverse),
                d=_percent(difference - 1), floor=_percent(MIN_DIFFERENCE),
                s=_percent(result.spread),
            )  # fmt: skip
        loser = "reverse" if winner == "forward" else "forward"
        times = {"forward": result.forward, "reverse": result.reverse}
        per = {"forward": result.forward / result.n, "reverse": result.reverse / result.m}
        name = {mode: i18n.text(TEXT, f"mode.{mode}", lang) for mode in times}
        sentence = i18n.text(
            TEXT, result.reason(), lang,
            W=name[winner][:1].upper() + name[winner][1:], w=name[winner], l=name[loser],
            r=_times(times[loser] / times[winner]),
            cw=_count(winner, result, lang), cl=_count(loser, result, lang),
            pw=_ms(per[winner]), pl=_ms(per[loser]), k=result.n,
        )  # fmt: skip
        return "converges", sentence

    def describe(self, result: ModesResult, lang: str) -> list[str]:
        lang = i18n.language(lang)
        lines = []
        if result.problem is None:
            lines = [
                i18n.text(TEXT, mode, lang, count=_count(mode, result, lang), t=_ms(t))
                for mode, t in (("forward", result.forward), ("reverse", result.reverse))
            ]
            if self.grid.forward_spread is not None and self.grid.reverse_spread is not None:
                i, j = self.grid.sizes.index(result.n), self.grid.sizes.index(result.m)
                lines.append(
                    i18n.text(
                        TEXT,
                        "spread",
                        lang,
                        f=_percent(self.grid.forward_spread[i, j]),
                        r=_percent(self.grid.reverse_spread[i, j]),
                    )  # fmt: skip
                )
        r = result.rule
        if r is not None:
            if result.problem is None:
                n, m = result.n, result.m
                lines += [
                    i18n.text(
                        TEXT, "rule_forward", lang, a=_ms(r.forward_fixed), n=n,
                        p=_ms(r.forward_product(n, m), 4), t=_ms(r.forward(n, m)),
                    ),
                    i18n.text(
                        TEXT, "rule_reverse", lang, a=_ms(r.reverse_fixed), m=m,
                        p=_ms(r.reverse_product(n, m), 4), t=_ms(r.reverse(n, m)),
                    ),
                ]  # fmt: skip
            lines.append(
                i18n.text(
                    TEXT,
                    "rule",
                    lang,
                    cells=int(np.isfinite(self.grid.forward).sum()),
                    median=_percent(r.median_error),
                    worst=_percent(r.worst_error),
                )  # fmt: skip
            )
        return lines

    def report(self, n, m, lang=None) -> str:
        lang = lang or self.lang
        result = self.compute(n, m)
        return "\n".join(self.describe(result, lang) + [self.status(result, lang)[1]])

    # -- the figure: built once (`ModesFigure`), then only the data and labels change

    def prerender(self) -> None:
        """Draw every measured pair now, so that no slider move draws: a move is a look-up."""
        sizes = self.grid.sizes if self.rule is not None else ()
        for n in sizes:
            for m in sizes:
                self.render(self.compute(n, m))

    def render(self, result: ModesResult) -> bytes:
        lang = figure_lang(self.lang)  # Chinese labels only where a font can draw them
        key = (result.n, result.m, result.problem, lang)
        png = self._pngs.get(key)
        if png is None:
            if self._figure is None or self._figure.lang != lang:
                self._figure = ModesFigure(self.grid, lang)
            problem = None if result.problem is None else self.status(result, lang)[1]
            png = self._pngs[key] = self._figure.update(result, problem)
        return png


def _count(mode: str, result: ModesResult, lang: str) -> str:
    """ "n = 256 JVPs (one per input)" and the like, in `lang`."""
    count = result.n if mode == "forward" else result.m
    key = f"count.{mode}" + (".1" if count == 1 else "")
    return i18n.text(TEXT, key, lang, n=result.n, m=result.m)


class ModesFigure(Canvas):
    """Left: both modes against n at this m; right: against m at this n (log–log).

    Axes, ticks and labels depend on the grid only, so they are drawn once (see `Canvas`): a
    slider move draws just the lines, the markers and the two "at m = …" labels on top.
    """

    def __init__(self, grid: ModesGrid | None, lang: str):
        import matplotlib as mpl

        self.grid, self.lang = grid, lang
        # 640 pixels wide, no text under 8 points (11 pixels): legible from 1024-pixel windows up
        super().__init__(lang, (6.4, 2.9), 2, dpi=100, rc=course_rc(lang))
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
            axes[0].set_xlabel(i18n.text(TEXT, "xlabel_n", lang))
            axes[1].set_xlabel(i18n.text(TEXT, "xlabel_m", lang))
            axes[0].set_ylabel(i18n.text(TEXT, "ylabel", lang))
            axes[0].legend(
                [self.lines[0][k] for k in ("forward", "reverse", "forward_rule")],
                [i18n.text(TEXT, key, lang) for key in ("legend_forward", "legend_reverse",
                                                         "legend_rule")],
                fontsize=8, loc="upper left",
            )  # fmt: skip
            self.figure.subplots_adjust(left=0.12, right=0.98, top=0.9, bottom=0.17, wspace=0.06)
            # which size the other slider holds: changes with every move, so drawn on top
            self.at = [
                ax.text(1.0, 1.02, "", transform=ax.transAxes, ha="right", va="bottom")
                for ax in axes
            ]
            # shown instead of the measurements when there are none for these sizes
            self.problem = self.figure.text(
                0.5, 0.55, "", ha="center", va="center", wrap=True, fontsize=11, color="#cf222e"
            )
        self.artists = [line for panel in self.lines for line in panel.values()]
        self.artists += [*self.at, self.problem]
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
            n, m = result.n, result.m
            panels = (
                (grid.forward[:, j], grid.reverse[:, j], rule.forward(sizes, m),
                 rule.reverse(sizes, m), n),
                (grid.forward[i, :], grid.reverse[i, :], rule.forward(n, sizes),
                 rule.reverse(n, sizes), m),
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
        self.at[0].set_text(i18n.text(TEXT, "at_m", self.lang, m=result.m))
        self.at[1].set_text(i18n.text(TEXT, "at_n", self.lang, n=result.n))
        return self.png()


def size_slider(sizes, value, label: str, tooltip: str):
    """A log-scale slider over the measured sizes whose number box takes a typed size.

    Typing 1000 + Enter gives the nearest measured size (1024); outside the range, the end."""
    import ipywidgets as w
    from traitlets import validate

    exponents = [math.log2(s) for s in sizes]

    class SizeSlider(w.FloatLogSlider):
        @validate("value")
        def _validate_value(self, proposal):
            typed = float(proposal["value"])
            if not typed > 0:  # 0, negative or nan: the smallest size
                return float(sizes[0])
            nearest = min(range(len(sizes)), key=lambda k: abs(exponents[k] - math.log2(typed)))
            return float(sizes[nearest])

    steps = np.diff(exponents)
    powers_of_two = len(sizes) > 1 and np.allclose(steps, 1.0)
    control = SizeSlider(
        value=float(value),
        base=2,
        min=exponents[0],
        max=exponents[-1],
        step=1.0 if powers_of_two or len(sizes) == 1 else 0.01,
        readout_format=".0f",
        description=label,
        continuous_update=True,
        style=base.LABEL_STYLE,
        layout=w.Layout(**base.CONTROL_LAYOUT),
    )
    base.set_tooltip(control, tooltip)
    return control


def modes_explorer(grid: ModesGrid | None, lang: str = "en", n=None, m=None) -> base.Explorer:
    """Sliders n and m (powers of two, so a log scale) over the measured grid."""
    lang = i18n.language(lang)
    model = ModesModel(grid, lang)
    model.prerender()  # 121 figures of about 13 kB, 1 to 3 s here; then no move draws
    sizes = list(grid.sizes) if grid is not None and grid.sizes else [1]
    controls = {}
    for name, start in (("n", n or sizes[-1] // 2 or 1), ("m", m or 1)):
        controls[name] = size_slider(
            sizes,
            start if start in sizes else sizes[0],
            i18n.text(TEXT, name, lang),
            i18n.text(TEXT, f"tip_{name}", lang),
        )
    return base.Explorer(model, controls, lang)
