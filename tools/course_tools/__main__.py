"""`python -m course_tools <command>`: see the package docstring for the commands."""

from __future__ import annotations

import argparse
import sys

import course_tools

COMMANDS = ("sync", "record", "exercises", "readme", "verify", "slides", "bench", "release")
# Commands with options of their own.
OWN_OPTIONS = ("slides", "bench", "bench-browser", "bench-memory", "colab-constraints")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in OWN_OPTIONS:
        if argv[0] == "slides":
            from course_tools.slides import main as command
        elif argv[0] == "bench":
            from course_tools.bench import main as command
        elif argv[0] == "bench-browser":
            from course_tools.bench_browser import main as command
        elif argv[0] == "bench-memory":
            from course_tools.memory import main as command
        else:
            from course_tools.colab import main as command
        return command(argv[1:])
    parser = argparse.ArgumentParser(
        prog="python -m course_tools",
        description=course_tools.__doc__.splitlines()[0],
        epilog="\n".join(course_tools.__doc__.splitlines()[2:]),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("command", choices=COMMANDS)
    parser.add_argument("args", nargs="*", help="notebooks or folders (sync, record); VERSION")
    args = parser.parse_args(argv)
    if args.command == "sync":
        from course_tools.notebooks import sync
        from course_tools.repo import select

        sync(select(args.args))
    elif args.command == "record":
        from course_tools.notebooks import record
        from course_tools.repo import select

        record(select(args.args))
    elif args.command == "exercises":
        from course_tools.exercises import exercises

        exercises()
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
