"""A workshop room on one server: start the course's JupyterHub, print nbgitpuller links.

  python hub/room.py start                 JupyterHub on 127.0.0.1:HUB_PORT (`make hub`)
  python hub/room.py link HUB_URL 01 [--lang zh] [--kind exercises] [--branch main] [--repo URL]
                                           the link that gives each learner their own copy of a
                                           chapter, opened in JupyterLab (`make nbgitpuller-link`)

Standard library only: the link needs no environment, and `start` hands over to the hub's venv.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import tomllib
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parents[1]
KINDS = ("chapters", "exercises", "solutions")
LANGS = ("en", "zh")


def course_address() -> tuple[str, str]:
    """(repository URL, branch) from course.toml: what Binder and Colab links open too."""
    with open(ROOT / "course.toml", "rb") as f:
        course = tomllib.load(f)
    return course["repository"], course["branch"]


def notebook_path(number: str, lang: str = "en", kind: str = "chapters") -> str:
    """'chapters/en/01_gradient_tape.ipynb' for ('01', 'en', 'chapters'), checked on disk."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if lang not in LANGS:
        raise ValueError(f"lang must be en or zh, not {lang!r}")
    number = f"{int(number):02d}" if number.isdigit() else number
    found = sorted((ROOT / kind / lang).glob(f"{number}_*.ipynb"))
    if len(found) != 1:
        known = sorted(p.name[:2] for p in (ROOT / kind / lang).glob("[0-9][0-9]_*.ipynb"))
        raise ValueError(f"no {kind} notebook {number!r} in {lang}; there are {', '.join(known)}")
    return found[0].relative_to(ROOT).as_posix()


def clone_folder(repo: str) -> str:
    """The folder nbgitpuller clones `repo` into, in the learner's home: the last part of the
    address, as nbgitpuller takes it (a `.git` ending stays)."""
    return repo.rstrip("/").rsplit("/", 1)[-1]


def nbgitpuller_link(hub_url: str, path: str, repo: str, branch: str) -> str:
    """A link that logs the learner in, clones or merges `repo` into their home, opens `path`.

    The hub's /hub/user-redirect/ sends each learner to their own server; nbgitpuller's
    git-pull handler there clones on the first click and merges on later ones, keeping the
    learner's edits (its merge rules: docs/instructor/en.md, "A room on one server").
    """
    if not hub_url.startswith(("http://", "https://")):
        raise ValueError(f"the hub's address must start with http:// or https://: {hub_url!r}")
    query = urlencode(
        {"repo": repo, "branch": branch, "urlpath": f"lab/tree/{clone_folder(repo)}/{path}"},
        quote_via=quote,
    )
    return f"{hub_url.rstrip('/')}/hub/user-redirect/git-pull?{query}"


def passwords(hub_dir: Path) -> dict:
    """The workshop and instructor passwords: from the environment, else made once and kept in
    HUB_DIR/passwords.json (readable by its owner only)."""
    given = [name for name in ("HUB_PASSWORD", "HUB_ADMIN_PASSWORD") if os.environ.get(name)]
    if len(given) == 1:
        raise ValueError(
            f"set both HUB_PASSWORD and HUB_ADMIN_PASSWORD, or neither: {given[0]} alone"
        )
    if given:
        return {
            "learners": os.environ["HUB_PASSWORD"],
            "instructor": os.environ["HUB_ADMIN_PASSWORD"],
        }
    path = hub_dir / "passwords.json"
    if not path.exists():
        made = {"learners": secrets.token_urlsafe(8), "instructor": secrets.token_urlsafe(32)}
        path.touch(mode=0o600)
        path.write_text(json.dumps(made, indent=1) + "\n")
    return json.loads(path.read_text())


def start() -> None:
    hub_dir = Path(os.environ.get("HUB_DIR", ROOT / "build" / "hub")).resolve()
    (hub_dir / "home").mkdir(parents=True, exist_ok=True)
    port = os.environ.get("HUB_PORT", "8000")
    secret = passwords(hub_dir)
    kept = (
        "HUB_ADMIN_PASSWORD" if os.environ.get("HUB_ADMIN_PASSWORD") else hub_dir / "passwords.json"
    )
    env = {
        **os.environ,
        "HUB_DIR": str(hub_dir),
        "HUB_PORT": port,
        "HUB_PASSWORD": secret["learners"],
        "HUB_ADMIN_PASSWORD": secret["instructor"],
    }
    print(
        f"The room: http://127.0.0.1:{port}  (learners: any name, password {secret['learners']};"
        f" the instructor: `instructor`, password in {kept})\n"
        f"A chapter's link: make nbgitpuller-link HUB_URL=http://127.0.0.1:{port} CHAPTER=01",
        flush=True,
    )
    hub = ROOT / ".venv-hub" / "bin" / "jupyterhub"
    config = ROOT / "hub" / "jupyterhub_config.py"
    os.chdir(hub_dir)
    os.execve(hub, [str(hub), "-f", str(config)], env)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python hub/room.py", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("start", help="start the hub (make hub)")
    link = sub.add_parser("link", help="print an nbgitpuller link (make nbgitpuller-link)")
    link.add_argument("hub_url", help="the hub's address, e.g. https://hub.example.org")
    link.add_argument("chapter", help="the notebook's number, e.g. 01")
    link.add_argument("--lang", default="en", help="en or zh")
    link.add_argument("--kind", default="chapters", help=" or ".join(KINDS))
    repo, branch = course_address()
    link.add_argument("--repo", default=repo, help=f"the course's repository (default {repo})")
    link.add_argument("--branch", default=branch, help=f"the branch to hand out (default {branch})")
    args = parser.parse_args(argv)
    if args.command == "start":
        try:
            start()
        except ValueError as err:
            print(f"make hub: {err}", file=sys.stderr)
            return 2
        return 0
    try:
        path = notebook_path(args.chapter, args.lang, args.kind)
        print(nbgitpuller_link(args.hub_url, path, args.repo, args.branch))
    except ValueError as err:
        print(f"nbgitpuller-link: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
