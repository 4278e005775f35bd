"""The course's running example f(x) = a·x² + b·x + c, with its exact derivatives.

Introduced in chapter 01: the tape's answers are checked against these closed forms.
Plain Python floats in, plain Python floats out, so they are exact references, not TensorFlow;
`quadratic` and `quadratic_slope` also work elementwise on NumPy arrays (the explorers' figures).
"""

from __future__ import annotations

import math

# The sources' coefficients: f(x) = x² − 2x + 1 = (x − 1)², minimum at x = 1.
A, B, C = 1.0, -2.0, 1.0


def quadratic(x: float, a: float = A, b: float = B, c: float = C) -> float:
    """f(x) = a·x² + b·x + c."""
    return a * x * x + b * x + c


def quadratic_slope(x: float, a: float = A, b: float = B) -> float:
    """f′(x) = 2a·x + b: what `tape.gradient(y, x)` must return."""
    return 2.0 * a * x + b


def quadratic_curvature(a: float = A) -> float:
    """f″(x) = 2a, the same at every x (chapter 03)."""
    return 2.0 * a


def quadratic_minimum(a: float = A, b: float = B, c: float = C) -> tuple[float, float] | None:
    """(x*, f(x*)) of the lowest point, or None when a ≤ 0 and there is no minimum."""
    if a <= 0:
        return None
    x_star = -b / (2.0 * a)
    return x_star, quadratic(x_star, a, b, c)


def gradient_descent_closed_form(
    x0: float, steps: int, learning_rate: float, a: float = A, b: float = B
) -> float:
    """x after `steps` plain gradient-descent steps on the quadratic (chapter 06).

    Each step is x ← x − lr·(2a·x + b), so the distance to the minimum x* = −b/(2a) is
    multiplied by (1 − 2a·lr) every time: xₖ − x* = (x₀ − x*)·(1 − 2a·lr)ᵏ.
    """
    if a == 0:
        return x0 - steps * learning_rate * b  # a straight line: constant slope b
    x_star = -b / (2.0 * a)
    if x0 == x_star:
        return x_star  # already at the minimum: the gradient is 0, whatever the learning rate
    ratio = 1.0 - 2.0 * a * learning_rate
    try:
        return x_star + (x0 - x_star) * ratio**steps
    except OverflowError:  # diverged past the largest float: say so with an infinity
        sign = math.copysign(1.0, x0 - x_star) * (-1.0 if ratio < 0 and steps % 2 else 1.0)
        return sign * math.inf
