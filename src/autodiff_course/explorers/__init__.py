"""Slider explorers: the tangent line (chapters 01 and 03), gradient descent (06 and 07), the
Hessian of a function of two variables (08), gradients at a kink (09), forward against reverse
mode (10), the recorded graph of a tape (11) and fitting a line with SGD (12).

Each explorer is a model (`base.Model`: compute, render, describe) wrapped by one widget class,
`base.Explorer`. The model's numbers come from a plain function (`tangent_values`, `fit_path`)
backed by a `tf.function` core that takes tensors, so moving a slider never retraces: one trace
per dtype, whatever the values (`trace_counts()` says how many there were). One exception:
`descent_path` replays the tape's arithmetic on NumPy scalars, bit for bit what its reference
`descent_core` computes, because a graph of one-number ops spends far more time per op than the
arithmetic needs.

A notebook shows the widget, then calls the same plain function with fixed values
(`tangent_report`, `descent_report`) so that its recorded output can be checked.
Importing this package imports neither TensorFlow nor ipywidgets; the first call does.

To add an explorer (say `hessian.py` for chapter 08): a module with its strings registered by
`i18n.strings(__name__, {key: {"en": ..., "zh": ...}})`, a compute core counted by
`base.trace_counter`, a `Canvas` subclass for the figure (at most 640 pixels wide, no text under
11 pixels, i.e. 8 points at 100 dpi: the explorer shows it at its own size or smaller, and so it
stays legible from 1024-pixel windows up; tests/unit/test_explorers.py checks), a model class
with the methods of `base.Model`, and a `..._explorer(lang)` that builds sliders with
`base.slider` and returns `base.Explorer(model, controls, lang)`; then export its public names
here.
"""

from autodiff_course.explorers.base import DTYPES, Explorer, Model, trace_counts
from autodiff_course.explorers.descent import (
    MAX_STEPS,
    DescentFigure,
    DescentModel,
    DescentResult,
    descent_core,
    descent_explorer,
    descent_lines,
    descent_path,
    descent_report,
    numpy_descent_path,
)
from autodiff_course.explorers.fit import (
    FitFigure,
    FitModel,
    FitResult,
    fit_core,
    fit_data,
    fit_explorer,
    fit_lines,
    fit_path,
    fit_report,
)
from autodiff_course.explorers.hessian import (
    HessianFigure,
    HessianModel,
    HessianValues,
    hessian_core,
    hessian_explorer,
    hessian_lines,
    hessian_report,
    hessian_status,
    hessian_values,
)
from autodiff_course.explorers.kink import (
    KinkFigure,
    KinkModel,
    KinkValues,
    kink_core,
    kink_explorer,
    kink_lines,
    kink_report,
    kink_status,
    kink_values,
)
from autodiff_course.explorers.modes import (
    ModesGrid,
    ModesModel,
    Rule,
    crossover,
    faster,
    faster_at,
    fit_rule,
    measure_grid,
    modes_explorer,
)
from autodiff_course.explorers.regimes import Status, descent_status
from autodiff_course.explorers.tangent import (
    TangentFigure,
    TangentModel,
    TangentValues,
    tangent_core,
    tangent_explorer,
    tangent_lines,
    tangent_report,
    tangent_values,
)
from autodiff_course.explorers.tape_graph import TapeModel, TapeValues, tape_explorer, tape_values

__all__ = [
    "DTYPES",
    "MAX_STEPS",
    "DescentFigure",
    "DescentModel",
    "DescentResult",
    "Explorer",
    "FitFigure",
    "FitModel",
    "FitResult",
    "HessianFigure",
    "HessianModel",
    "HessianValues",
    "KinkFigure",
    "KinkModel",
    "KinkValues",
    "Model",
    "ModesGrid",
    "ModesModel",
    "Rule",
    "Status",
    "TangentFigure",
    "TangentModel",
    "TangentValues",
    "TapeModel",
    "TapeValues",
    "crossover",
    "descent_core",
    "descent_explorer",
    "descent_lines",
    "descent_path",
    "descent_report",
    "descent_status",
    "faster",
    "faster_at",
    "fit_core",
    "fit_data",
    "fit_explorer",
    "fit_lines",
    "fit_path",
    "fit_report",
    "fit_rule",
    "hessian_core",
    "hessian_explorer",
    "hessian_lines",
    "hessian_report",
    "hessian_status",
    "hessian_values",
    "kink_core",
    "kink_explorer",
    "kink_lines",
    "kink_report",
    "kink_status",
    "kink_values",
    "measure_grid",
    "modes_explorer",
    "numpy_descent_path",
    "tangent_core",
    "tangent_explorer",
    "tangent_lines",
    "tangent_report",
    "tangent_values",
    "tape_explorer",
    "tape_values",
    "trace_counts",
]
