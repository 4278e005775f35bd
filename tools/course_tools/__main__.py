"""`python -m course_tools <command>`: see the package docstring for the commands."""

from __future__ import annotations

import argparse
import importlib
import sys

import course_tools

# Commands that parse options of their own (`python -m course_tools bench --help`): their module.
OWN_OPTIONS = {
    "slides": "slides",
    "bench": "bench",
    "bench-browser": "bench_browser",
    "bench-memory": "memory",
    "colab-constraints": "colab",
}
COMMANDS = (
    "prepare",
    "test-nb",
    "sync",
    "record",
    "exercises",
    "nbgrader",
    "readme",
    "verify",
    "release",
    *OWN_OPTIONS,
)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in OWN_OPTIONS:
        return importlib.import_module(f"course_tools.{OWN_OPTIONS[argv[0]]}").main(argv[1:])
    parser = argparse.ArgumentParser(
        prog="python -m course_tools",
        description=course_tools.__doc__.splitlines()[0],
        epilog="\n".join(course_tools.__doc__.splitlines()[2:]),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("command", choices=COMMANDS)
    parser.add_argument(
        "args", nargs="*", help="notebooks or folders (sync, record, test-nb); VERSION (release)"
    )
    parser.add_argument(
        "--fresh", action="store_true", help="record: renew the outputs of excused cells too"
    )
    parser.add_argument("--jobs", type=int, default=2, help="test-nb: notebooks run at once")
    args = parser.parse_intermixed_args(argv)  # `record --fresh PATH ...`: options anywhere
    if args.command == "prepare":
        from course_tools.prepare import prepare

        return prepare()
    if args.command == "test-nb":
        from course_tools.prepare import test_notebooks

        return test_notebooks(args.args, jobs=args.jobs)
    if args.command == "sync":
        from course_tools.notebooks import sync
        from course_tools.repo import select

        sync(select(args.args))
    elif args.command == "record":
        from course_tools.notebooks import record
        from course_tools.repo import select

        record(select(args.args), fresh=args.fresh)
    elif args.command == "exercises":
        from course_tools.exercises import exercises

        exercises()
    elif args.command == "nbgrader":
        from course_tools.nbgrader_course import nbgrader_course

        nbgrader_course()
    elif args.command == "readme":
        from course_tools.readme import readme

        readme()
    elif args.command == "release":
        from course_tools.release import release

        if len(args.args) != 1:
            parser.error("release takes one VERSION, e.g. 1.1.0")
        return release(args.args[0])
    else:
        from course_tools.verify import verify

        problems = verify()
        print("\n".join(problems) or "everything is up to date")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
