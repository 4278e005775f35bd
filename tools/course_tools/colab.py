"""`make colab-constraints FREEZE=path`: constraints/colab.txt from a copy of Colab's package list.

Google publishes the exact packages of Colab's runtime in the public repository
googlecolab/backend-info (`pip-freeze.txt`). This keeps, from a copy of that file, the pins of
the packages the course installs (the names in requirements/dev.txt), so that `make test-colab`
builds an environment with Colab's versions of everything the notebooks touch.
"""

from __future__ import annotations

import re
import sys
from datetime import date
from pathlib import Path

from course_tools.repo import root

NAME = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked_names(lock: Path) -> set[str]:
    return {
        canonical(m.group(1)) for line in lock.read_text().splitlines() if (m := NAME.match(line))
    }


def constraints(freeze_text: str, names: set[str], source: str, when: str) -> str:
    pins = sorted(
        (m.group(1), m.group(2))
        for line in freeze_text.splitlines()
        if (m := NAME.match(line.strip())) and canonical(m.group(1)) in names
    )
    header = [
        "# Colab's versions of the packages the course installs (make test-colab).",
        f"# Source: {source}, read on {when}.",
        "# Regenerate: make colab-constraints FREEZE=path/to/pip-freeze.txt",
    ]
    return "\n".join(header + [f"{name}=={version}" for name, version in pins]) + "\n"


def main(argv: list[str]) -> int:
    if len(argv) not in (1, 2):
        print("usage: python -m course_tools colab-constraints FREEZE [SOURCE]", file=sys.stderr)
        return 2
    freeze = Path(argv[0])
    source = argv[1] if len(argv) == 2 else "googlecolab/backend-info, pip-freeze.txt"
    repo = root()
    text = constraints(
        freeze.read_text(), locked_names(repo / "requirements" / "dev.txt"), source,
        date.today().isoformat(),
    )  # fmt: skip
    target = repo / "constraints" / "colab.txt"
    target.parent.mkdir(exist_ok=True)
    target.write_text(text)
    print(f"wrote {target.relative_to(repo)}: {len(text.splitlines()) - 3} pins")
    return 0
