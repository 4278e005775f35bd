"""The learner package needs only TensorFlow, NumPy, matplotlib and ipywidgets.

Colab and Binder install the package for learners; whatever it imports must come with those
four (and their own dependencies: Keras with TensorFlow, Pillow with matplotlib, IPython with
ipywidgets). Every `import` in every module is checked, at the top or inside a function.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import autodiff_course

PACKAGE = Path(autodiff_course.__file__).parent
ALLOWED = {
    "autodiff_course",
    "tensorflow",
    "keras",  # installed with tensorflow
    "numpy",
    "matplotlib",
    "PIL",  # Pillow, a dependency of matplotlib
    "ipywidgets",
    "IPython",  # a dependency of ipywidgets
    "google",  # google.colab, imported only inside Colab
}
# Authoring tools still inside the package on this branch; issue 10 moves them to tools/.
# Drop a name here once its module has left src/autodiff_course.
NOT_LEARNER_CODE = {"authoring.py", "slides.py", "bench.py"}


def imported_modules(path: Path) -> set[str]:
    """The top-level names of every module `path` imports, absolute imports only."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def learner_modules() -> list[Path]:
    return [
        path
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.relative_to(PACKAGE).as_posix() not in NOT_LEARNER_CODE
    ]


def test_the_learner_package_imports_only_the_four_dependencies():
    found = {}
    for path in learner_modules():
        other = imported_modules(path) - ALLOWED - set(sys.stdlib_module_names)
        if other:
            found[path.relative_to(PACKAGE).as_posix()] = sorted(other)
    assert found == {}


def test_the_check_sees_imports_inside_functions(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("import os\n\ndef f():\n    import jupytext\n    from nbformat import v4\n")
    assert imported_modules(module) == {"os", "jupytext", "nbformat"}
    assert any(p.name == "base.py" for p in learner_modules())  # explorers/ is walked
