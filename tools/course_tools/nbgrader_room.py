"""A simulated room for the nbgrader route: learners' notebooks made from the release, and
nbgrader's own commands run on a temporary course (tests/nbgrader, `make bench-nbgrader`).

    python -m course_tools.nbgrader_room bench [--learners N] [ASSIGNMENT ...]

`bench` autogrades N learners who answer every exercise of each assignment (default: every
English assignment) and prints the autograde time per submission, and for a room of 30.
nbgrader runs from the nbgrader venv (.venv-nbgrader, `make nbgrader-env`); this module only
needs the standard library, so the tests drive it from the dev venv.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from . import repo
from .exercises import PLACEHOLDERS, SOLUTION_BEGIN, SOLUTION_END
from .nbgrader_course import FOLDER

STUB = "raise NotImplementedError()"  # nbgrader_config.py's ClearSolutions.code_stub


def venv_bin() -> Path:
    path = repo.root() / ".venv-nbgrader" / "bin"
    if not (path / "nbgrader").exists():
        raise SystemExit(f"{path / 'nbgrader'} is missing: run `make nbgrader-env`")
    return path


def nbgrader(
    cwd: Path, *args: str, check: bool = True, home: Path | None = None
) -> subprocess.CompletedProcess:
    """`nbgrader ARGS` in `cwd`, with the nbgrader venv first on PATH (nbgrader runs alembic).
    `home`: a learner's own home, so that their nbgrader cache (which fetch_feedback reads) is
    theirs, as on a hub."""
    env = dict(os.environ, PATH=f"{venv_bin()}{os.pathsep}{os.environ['PATH']}")
    env["TF_CPP_MIN_LOG_LEVEL"] = "3"
    if home is not None:
        env["HOME"] = str(home)
        env.pop("JUPYTER_DATA_DIR", None)
    done = subprocess.run(
        [str(venv_bin() / "nbgrader"), *args], cwd=cwd, env=env, capture_output=True, text=True
    )
    if check and done.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done


def new_course(folder: Path, assignments: list[str]) -> Path:
    """A course directory: the course's nbgrader_config.py and these assignments' sources."""
    here = repo.root() / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(here / "nbgrader_config.py", folder / "nbgrader_config.py")
    for name in assignments:
        shutil.copytree(here / "source" / name, folder / "source" / name)
    return folder


def load(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def grade_id(cell: dict) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def source_of(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def right_answers(source_nb: Path) -> dict[str, str]:
    """{answer cell's grade_id: the worked answer} from the instructor's source notebook."""
    found = {}
    for cell in load(source_nb)["cells"]:
        name = grade_id(cell)
        if name and name.startswith("answer_"):
            lines = source_of(cell).splitlines()
            inside = [i for i, line in enumerate(lines) if line.strip() == SOLUTION_BEGIN]
            start = inside[0]
            end = next(i for i, line in enumerate(lines) if line.strip() == SOLUTION_END)
            indent = len(lines[start]) - len(lines[start].lstrip())
            found[name] = "\n".join(line[indent:] for line in lines[start + 1 : end])
    return found


def fill(source: str, code: str) -> str:
    """A released answer cell with the placeholder and stub replaced by `code` (indented)."""
    lines, out, skip = source.splitlines(), [], False
    for line in lines:
        stripped = line.strip()
        if stripped in PLACEHOLDERS.values():
            indent = line[: len(line) - len(line.lstrip())]
            out += [indent + row if row else row for row in code.splitlines()]
            skip = True
            continue
        if skip and stripped == STUB:
            skip = False
            continue
        out.append(line)
    return "\n".join(out)


def submission(release_nb: Path, answers: dict[str, str], delete=()) -> dict:
    """The release notebook with these answer cells filled in and the `delete`d cells removed."""
    nb = load(release_nb)
    cells = []
    for cell in nb["cells"]:
        name = grade_id(cell)
        if name in delete:
            continue
        if name in answers:
            cell["source"] = fill(source_of(cell), answers[name])
        cells.append(cell)
    nb["cells"] = cells
    return nb


def write(nb: dict, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # finished subprocesses and theirs
    return usage.ru_utime + usage.ru_stime


def bench(assignments: list[str], learners: int) -> int:
    """Autograde `learners` right submissions of each assignment; print the time per one: wall
    clock, and CPU time of nbgrader and its kernels (less sensitive to a busy machine)."""
    print(f"{'assignment':34} {'wall per submission':>20} {'CPU per submission':>19}")
    total = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        course = new_course(Path(tmp) / "course", assignments)
        for name in assignments:
            nbgrader(course, "generate_assignment", name)
            release = next((course / "release" / name).glob("*.ipynb"))
            answers = right_answers(course / "source" / name / release.name)
            for i in range(learners):
                write(
                    submission(release, answers),
                    course / "submitted" / f"learner{i:02d}" / name / release.name,
                )
            start, cpu = time.perf_counter(), children_cpu()
            nbgrader(course, "autograde", name)
            each = (time.perf_counter() - start) / learners
            total += each
            cpu = (children_cpu() - cpu) / learners
            print(f"{name:34} {each:18.1f} s {cpu:17.1f} s", flush=True)
    print(f"{'all of them, one learner':34} {total:18.1f} s")
    print(f"{'all of them, a room of 30':34} {total * 30 / 60:16.1f} min (one after another)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_tools.nbgrader_room")
    parser.add_argument("command", choices=["bench"])
    parser.add_argument("assignments", nargs="*", help="default: every English assignment")
    parser.add_argument("--learners", type=int, default=2, help="submissions per assignment")
    args = parser.parse_args(argv)
    names = args.assignments or sorted(
        p.name for p in (repo.root() / FOLDER / "source").glob("*_en") if p.is_dir()
    )
    return bench(names, args.learners)


if __name__ == "__main__":
    raise SystemExit(main())
