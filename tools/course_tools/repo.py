"""Where the course lives and what is in it: the repository root, course.toml, notebook pairs.

The root is found from the working directory (the nearest folder up that holds course.toml),
never from where this package or the learner package is installed.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from autodiff_course.i18n import LANGS  # the one language list (no TensorFlow import)

CONFIG = "course.toml"
FOLDERS = ("chapters", "solutions", "exercises")


class NotInCourse(SystemExit):
    """Raised (as a clean exit with a sentence) when no course.toml is found above the cwd."""


def root(start: Path | None = None) -> Path:
    """The repository root: `start` (default: the working directory) or the nearest parent
    that holds course.toml."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG).is_file():
            return folder
    raise NotInCourse(f"no {CONFIG} in {here} or above: run the course tools inside the repository")


def config() -> dict:
    with open(root() / CONFIG, "rb") as fh:
        return tomllib.load(fh)


def github_path() -> tuple[str, str]:
    """("owner/name", branch) from the configured repository URL."""
    cfg = config()
    owner_name = re.sub(r"^https://github\.com/", "", cfg["repository"]).strip("/")
    return owner_name, cfg["branch"]


def colab_url(path: str) -> str:
    repo, branch = github_path()
    return f"https://colab.research.google.com/github/{repo}/blob/{branch}/{path}"


def binder_url(path: str | None = None) -> str:
    repo, branch = github_path()
    url = f"https://mybinder.org/v2/gh/{repo}/{branch}"
    return f"{url}?urlpath=lab/tree/{path}" if path else url


def rel(path: Path) -> str:
    """`path` relative to the repository root, POSIX style; unchanged when outside it."""
    try:
        return Path(path).resolve().relative_to(root()).as_posix()
    except ValueError:
        return str(path)


@dataclass(frozen=True)
class Pair:
    """One notebook: its text file (source of the cells) and its .ipynb (with outputs)."""

    md: Path

    @property
    def ipynb(self) -> Path:
        return self.md.with_suffix(".ipynb")

    @property
    def lang(self) -> str:
        return self.md.parent.name

    @property
    def folder(self) -> str:
        return self.md.parent.parent.name

    def rel(self, path: Path | None = None) -> str:
        return rel(path or self.ipynb)


def pairs(folders: tuple[str, ...] = FOLDERS) -> list[Pair]:
    base, found = root(), []
    for folder in folders:
        for lang in LANGS:
            found += [Pair(p) for p in sorted((base / folder / lang).glob("[0-9][0-9]_*.md"))]
    return found


def select(paths: list[str]) -> list[Pair]:
    """The pairs named on the command line (files or folders); all of them when none."""
    if not paths:
        return pairs()
    chosen = []
    for raw in paths:
        path = Path(raw).resolve()
        if path.is_dir():
            chosen += [p for p in pairs() if path in p.md.parents]
        else:
            chosen.append(Pair(path.with_suffix(".md")))
    return chosen
