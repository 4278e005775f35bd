"""`make prepare` and `make test-nb`: one command before a commit, one to test a few notebooks.

`prepare` does, in order, everything a change to the text files needs:

1. exercises/*.md from solutions/ (`make exercises`)
2. setup cells, and every .ipynb from its .md (`make sync`; outputs kept); then the nbgrader
   assignments from the solutions (`make nbgrader`)
3. re-records the notebooks whose code changed since they were recorded: each .ipynb stores a
   hash of the code cells it was recorded from (notebooks.code_stamp); a prose-only change
   needs no recording
4. the README tables (`make readme`)
5. `verify`

and ends with the list of files it changed and how. A change to src/autodiff_course does not
re-record anything by itself (every notebook imports the package): `prepare` says so, and
`make test-nb NB=...` shows which recorded outputs it changed.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time
from pathlib import Path

from . import repo
from .notebooks import needs_recording, record_one, stale_pair, stale_recording

STEPS = ("generated", "synced", "recorded", "README")


def tracked_files() -> list[Path]:
    """The files prepare may write: every notebook pair and the two READMEs."""
    base = repo.root()
    found = [base / "README.md", base / "README.zh-CN.md"]
    for folder in repo.FOLDERS:
        for lang in repo.LANGS:
            found += sorted((base / folder / lang).glob("[0-9][0-9]_*.*"))
    return found


def snapshot() -> dict[str, str]:
    return {
        repo.rel(path): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in tracked_files()
        if path.is_file()
    }


def package_changes() -> list[str]:
    """Files of the learner package that git reports changed (empty outside a git checkout)."""
    done = subprocess.run(
        ["git", "status", "--porcelain", "--", "src"],
        cwd=repo.root(),
        capture_output=True,
        text=True,
    )
    return done.stdout.splitlines() if done.returncode == 0 else []


def prepare() -> int:
    """Run the five steps; print what changed; 1 when a recording failed or verify complains."""
    from .exercises import exercises
    from .nbgrader_course import nbgrader_course
    from .notebooks import sync
    from .readme import readme
    from .verify import verify

    start = time.monotonic()
    states = [snapshot()]
    print("1/5 exercises from solutions", flush=True)
    exercises()
    states.append(snapshot())
    print("2/5 setup cells and .ipynb files from their .md files", flush=True)
    sync()
    nbgrader_course()  # from the synced solutions (their setup cells)
    states.append(snapshot())
    todo = [(pair, why) for pair in repo.pairs() if (why := needs_recording(pair))]
    print(f"3/5 recording {len(todo)} notebook(s) whose code changed", flush=True)
    failed = []
    for pair, why in todo:
        print(f"  {pair.rel()} ({why}):", end=" ", flush=True)
        try:
            print(record_one(pair), flush=True)
        except Exception as err:  # a cell raised: say which notebook, go on with the others
            print("FAILED")
            failed.append(f"{pair.rel()}: recording failed, its outputs are unchanged:\n{err}")
    states.append(snapshot())
    print("4/5 README tables", flush=True)
    readme()
    states.append(snapshot())
    print("5/5 verify", flush=True)
    problems = verify()

    changed: dict[str, list[str]] = {}
    for step, (before, after) in enumerate(zip(states, states[1:], strict=False)):
        for name in sorted(before.keys() | after.keys()):
            if before.get(name) != after.get(name):
                changed.setdefault(name, []).append(STEPS[step] if name in after else "removed")
    changed = [f"  {name:<50} {', '.join(how)}" for name, how in sorted(changed.items())]
    print()
    print(f"prepare changed {len(changed)} file(s) in {time.monotonic() - start:.0f} s")
    for line in changed:
        print(line)
    if package_changes():
        print(
            "note: src/ has changes, and a notebook is re-recorded only when its own code"
            " changes;\n      `make test-nb NB=...` on the notebooks that use what you changed"
            " shows whether their outputs move (then `make record NB=...`)."
        )
    for message in failed + problems:
        print(message)
    if not (failed or problems):
        print("verify: everything is up to date")
    return 1 if failed or problems else 0


def test_notebooks(paths: list[str], jobs: int = 2) -> int:
    """nbval on the named notebooks (.md or .ipynb files, or folders); pytest's exit status."""
    if not paths:
        print('usage: make test-nb NB="chapters/en/01_gradient_tape.md ..." (every one: make test)')
        return 2
    targets, stale = [], []
    for raw in paths:
        path = Path(raw).resolve()
        if path.is_dir():
            targets.append(path)
            stale += [p for p in repo.select([raw]) if stale_pair(p)]
            continue
        pair = repo.Pair(path.with_suffix(".md"))
        if not pair.md.exists():
            print(f"{raw}: no such notebook (give the .md or .ipynb of a notebook, or a folder)")
            return 2
        targets.append(pair.ipynb)
        stale += [pair] if stale_pair(pair) else []
    if stale:
        print("\n".join(stale_pair(p) for p in stale))
        print("nbval runs the .ipynb: run `make prepare` first")
        return 1
    for pair in sorted({p for raw in paths for p in repo.select([raw])}, key=lambda p: p.md):
        if why := stale_recording(pair):
            print(f"note: {why}; nbval compares with the old outputs")
    command = [sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env", "-q"]
    command += ["-p", "no:cacheprovider"]
    notebooks = sum(1 if t.is_file() else len(list(t.rglob("*.ipynb"))) for t in targets)
    if jobs > 1 and notebooks > 1:
        command += ["-n", str(min(jobs, notebooks)), "--dist", "loadfile"]
    command += [repo.rel(t) for t in targets]
    print("python", *command[1:], flush=True)
    return subprocess.run(command, cwd=repo.root()).returncode
