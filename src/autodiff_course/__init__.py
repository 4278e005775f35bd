"""Helpers for the course "Automatic differentiation in TensorFlow 2".

Importing this package does nothing but define names: TensorFlow is imported only when a
notebook calls :func:`setup_notebook` (chapter 01 introduces it).
"""

from importlib import metadata

from autodiff_course.environment import device_summary, in_colab, setup_notebook
from autodiff_course.quadratic import (
    A,
    B,
    C,
    gradient_descent_closed_form,
    quadratic,
    quadratic_curvature,
    quadratic_minimum,
    quadratic_slope,
)

__all__ = [
    "A",
    "B",
    "C",
    "device_summary",
    "gradient_descent_closed_form",
    "in_colab",
    "quadratic",
    "quadratic_curvature",
    "quadratic_minimum",
    "quadratic_slope",
    "setup_notebook",
]

try:
    __version__ = metadata.version("autodiff-course")
except metadata.PackageNotFoundError:  # run from a checkout without installing it
    __version__ = "0+unknown"
