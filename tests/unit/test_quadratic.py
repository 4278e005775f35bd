"""The closed forms every notebook checks the tape against."""

import math

import numpy as np
import pytest

from autodiff_course import (
    gradient_descent_closed_form,
    quadratic,
    quadratic_curvature,
    quadratic_minimum,
    quadratic_slope,
)


@pytest.mark.parametrize(("x", "slope"), [(0.0, -2.0), (1.0, 0.0), (10.0, 18.0), (-3.5, -9.0)])
def test_slope_of_the_sources_parabola(x, slope):
    assert quadratic_slope(x) == slope


def test_values_and_curvature():
    assert quadratic(1.0) == 0.0
    assert quadratic(10.0) == 81.0
    assert quadratic(2.0, a=3.0, b=0.5, c=-1.0) == 12.0
    assert quadratic_curvature() == 2.0
    assert quadratic_curvature(-0.5) == -1.0


def test_slope_matches_a_finite_difference():
    a, b, c, x, h = 0.7, 1.3, -2.0, 0.4, 1e-6
    numeric = (quadratic(x + h, a, b, c) - quadratic(x - h, a, b, c)) / (2 * h)
    assert quadratic_slope(x, a, b) == pytest.approx(numeric, rel=1e-8)


def test_quadratic_and_slope_take_arrays_elementwise():
    # The explorers' figures evaluate the parabola on a grid with these same functions.
    xs = np.linspace(-3.0, 3.0, 13)
    assert quadratic(xs, 0.7, 1.3, -2.0).tolist() == [quadratic(x, 0.7, 1.3, -2.0) for x in xs]
    assert quadratic_slope(xs).tolist() == [quadratic_slope(x) for x in xs]


def test_minimum_exists_only_for_positive_a():
    assert quadratic_minimum() == (1.0, 0.0)
    assert quadratic_minimum(2.0, 4.0, 1.0) == (-1.0, -1.0)
    assert quadratic_minimum(0.0) is None
    assert quadratic_minimum(-1.0) is None


def test_closed_form_matches_stepping():
    for lr in (0.01, 0.1, 0.5, 0.9, 1.0, 1.2):
        x = 0.0
        for _ in range(25):
            x -= lr * quadratic_slope(x)
        assert gradient_descent_closed_form(0.0, 25, lr) == pytest.approx(x, rel=1e-12, abs=1e-12)


def test_closed_form_float64_after_1000_steps():
    # The number chapter 06 quotes: 1 − 0.98¹⁰⁰⁰.
    x = gradient_descent_closed_form(0.0, 1000, 0.01)
    assert x == pytest.approx(1 - 0.98**1000, abs=1e-15)
    assert f"{x:.10g}" == "0.9999999983"


def test_closed_form_on_a_line():
    assert gradient_descent_closed_form(0.0, 3, 0.5, a=0.0, b=2.0) == -3.0


def test_closed_form_overflows_to_a_signed_infinity():
    # lr = 1.5 with a = 1: the distance to x* = 1 is multiplied by −2 each step.
    assert gradient_descent_closed_form(0.0, 2001, 1.5) == math.inf
    assert gradient_descent_closed_form(0.0, 2000, 1.5) == -math.inf
    assert gradient_descent_closed_form(3.0, 5000, 1.5) == math.inf
    assert gradient_descent_closed_form(1.0, 5000, 1.5) == 1.0  # starts at the minimum
