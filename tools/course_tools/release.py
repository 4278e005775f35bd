"""`make release VERSION=x.y.z`: one commit and one tag that Colab installs the package from.

Sets `version` in pyproject.toml and CITATION.cff and `release = "vX.Y.Z"` in course.toml,
regenerates the setup cells (their pip line names the tag) and the README, checks that nothing
is stale, commits and creates the annotated tag. Pushing stays with you:
`git push origin HEAD vX.Y.Z`.
"""

from __future__ import annotations

import datetime
import re
import subprocess

from . import repo
from .notebooks import sync
from .readme import readme

_VERSION = re.compile(r"^\d+\.\d+\.\d+$")


def git(*args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=repo.root(), capture_output=True, text=True, check=True
    )
    return done.stdout


def _replace_line(name: str, pattern: str, line: str) -> None:
    path = repo.root() / name
    text, n = re.subn(pattern, line, path.read_text(encoding="utf-8"), flags=re.M)
    if n != 1:
        raise SystemExit(f"{name}: expected exactly one line matching {pattern!r}")
    path.write_text(text, encoding="utf-8")


def set_versions(version: str, today: datetime.date | None = None) -> None:
    """Write the version into pyproject.toml and CITATION.cff, the tag into course.toml."""
    today = today or datetime.date.today()
    _replace_line("pyproject.toml", r'^version = "[^"]*"$', f'version = "{version}"')
    _replace_line(repo.CONFIG, r'^release = "[^"]*"', f'release = "v{version}"')
    _replace_line("CITATION.cff", r'^version: "[^"]*"$', f'version: "{version}"')
    _replace_line("CITATION.cff", r"^date-released: .*$", f'date-released: "{today}"')


def release(version: str) -> int:
    from .verify import verify

    if not _VERSION.match(version):
        raise SystemExit(f"VERSION must look like 1.2.3, not {version!r}")
    tag = f"v{version}"
    if git("status", "--porcelain").strip():
        raise SystemExit("the working tree has changes: commit or stash them first")
    if git("tag", "--list", tag).strip():
        raise SystemExit(f"tag {tag} exists already")
    set_versions(version)
    sync()
    readme()
    problems = verify()
    if problems:
        print("\n".join(problems))
        raise SystemExit("not released: fix the problems above (nothing was committed)")
    git("commit", "--quiet", "-am", f"Release {tag}: Colab's setup cells install {tag}")
    git("tag", "-a", tag, "-m", f"autodiff-course {version}")
    print(f"committed and tagged {tag}; publish with: git push origin HEAD {tag}")
    return 0
