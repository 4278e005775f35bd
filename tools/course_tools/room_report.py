"""`make room-report`: where the room is stuck, from nbgrader's gradebook, per assignment.

    python -m course_tools.room_report [--course nbgrader] [ASSIGNMENT ...]

For each autograded assignment (all of them by default) it writes, in the assignment's language
(`NN_slug_en` or `NN_slug_zh`), into <course>/reports/:

- ASSIGNMENT.png: one bar per exercise, the share of learners right / wrong / not attempted,
  and the hint given most often (for slides: no learner names);
- ASSIGNMENT.html: the same as a table, the picture, and who finished what (a learner per row);
- ASSIGNMENT.json: the same data, for scripts and the round-trip test.

Right means the test cell scored its points in the gradebook. Wrong and not attempted are told
apart by the verdict the test cell printed in the autograded notebook (the learner's check:
✗ … with a hint, or "not attempted"); a test cell that printed no verdict (its answer cell was
deleted, or it stopped on an error or the time limit) counts as not attempted.

Runs in the nbgrader venv (.venv-nbgrader: nbgrader, matplotlib, the course package) with tools/
and src/ on PYTHONPATH, like `make site`.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import sys
import textwrap
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # the course package imports TensorFlow

RIGHT, WRONG, NOT_ATTEMPTED = "right", "wrong", "not attempted"
STATUSES = (RIGHT, WRONG, NOT_ATTEMPTED)
COLOURS = {RIGHT: "#2e7d32", WRONG: "#c62828", NOT_ATTEMPTED: "#b0b0b0"}
MARKS = {RIGHT: "✓", WRONG: "✗", NOT_ATTEMPTED: "…"}
WORDS = {
    "title": {"en": "The room: {title}", "zh": "全班情况：{title}"},
    "learners": {"en": "{n} learners autograded", "zh": "已自动评分 {n} 名学员"},
    "exercise": {"en": "Exercise", "zh": "练习"},
    RIGHT: {"en": "right", "zh": "正确"},
    WRONG: {"en": "wrong", "zh": "错误"},
    NOT_ATTEMPTED: {"en": "not attempted", "zh": "未作答"},
    "hint": {"en": "Most common hint", "zh": "最常见的提示"},
    "hint_line": {"en": "most common hint ({n}×): {hint}", "zh": "最常见的提示（{n} 次）：{hint}"},
    "share": {"en": "share of learners", "zh": "学员比例"},
    "who": {"en": "Who finished what", "zh": "每位学员的完成情况"},
    "learner": {"en": "Learner", "zh": "学员"},
    "score": {"en": "Score", "zh": "得分"},
    "none": {"en": "—", "zh": "—"},
}


@dataclass(frozen=True)
class Outcome:
    learner: str
    exercise: str  # "01.1"
    status: str  # RIGHT, WRONG or NOT_ATTEMPTED
    hint: str | None  # for WRONG: the hint the check gave
    score: float
    max_score: float


def assignment_lang(assignment: str) -> str:
    lang = assignment.rsplit("_", 1)[-1]
    if lang not in ("en", "zh"):
        raise SystemExit(f"{assignment}: an assignment name ends in _en or _zh (make nbgrader)")
    return lang


def hint_of(message: str, lang: str) -> str | None:
    """The hint of a ✗ verdict, cut out with the verdict template of the course's messages."""
    from autodiff_course.checks.messages import MESSAGES

    template = MESSAGES["wrong"][lang]
    label = template[template.index("{what}") + len("{what}") : template.index("{hint}")]
    return message.split(label, 1)[1].strip() if label in message else None


def printed(cell: dict) -> str:
    return "".join(
        "".join(out.get("text", ""))
        for out in cell.get("outputs", [])
        if out.get("name") == "stdout"
    )


def outcomes(course: Path, assignment: str) -> list[Outcome]:
    """Every learner's outcome on every exercise of `assignment`, from the gradebook."""
    from nbgrader.api import Gradebook, MissingEntry

    lang = assignment_lang(assignment)
    found = []
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        try:
            record = gradebook.find_assignment(assignment)
        except MissingEntry:
            raise SystemExit(f"{assignment}: not in {course / 'gradebook.db'}") from None
        for notebook in record.notebooks:
            checks = sorted(c.name for c in notebook.grade_cells if c.name.startswith("check_"))
            for submission in gradebook.notebook_submissions(notebook.name, assignment):
                learner = submission.student.id
                path = course / "autograded" / learner / assignment / f"{notebook.name}.ipynb"
                cells = {}
                if path.exists():
                    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
                        name = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
                        cells[name] = cell
                grades = {g.name: g for g in submission.grades}
                for name in checks:
                    exercise = name.removeprefix("check_").replace("_", ".")
                    grade = grades.get(name)
                    score = (grade.score or 0.0) if grade else 0.0
                    max_score = grade.max_score if grade else 0.0
                    message = printed(cells.get(name, {})).strip()
                    if grade and score >= max_score > 0:
                        status, hint = RIGHT, None
                    elif message.startswith(MARKS[WRONG]):
                        status, hint = WRONG, hint_of(message, lang)
                    else:
                        status, hint = NOT_ATTEMPTED, None
                    found.append(Outcome(learner, exercise, status, hint, score, max_score))
    return found


def summary(found: list[Outcome]) -> list[dict]:
    """Per exercise: how many learners are right / wrong / not attempted, the commonest hint."""
    rows = []
    for exercise in sorted({o.exercise for o in found}):
        mine = [o for o in found if o.exercise == exercise]
        counts = Counter(o.status for o in mine)
        hints = Counter(o.hint for o in mine if o.hint)
        hint, times = hints.most_common(1)[0] if hints else (None, 0)
        rows.append(
            {"exercise": exercise, "learners": len(mine), **{s: counts[s] for s in STATUSES},
             "hint": hint, "hint_count": times}
        )  # fmt: skip
    return rows


def title_of(course: Path, assignment: str) -> str:
    """The assignment's first heading ("01 · Exercises: The gradient tape"), else its name."""
    for notebook in sorted((course / "source" / assignment).glob("*.ipynb")):
        for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
            text = "".join(cell["source"])
            if cell["cell_type"] == "markdown" and text.startswith("# "):
                return text.splitlines()[0][2:].strip()
    return assignment


def plot(rows: list[dict], title: str, lang: str, learners: int, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from autodiff_course.plotting import course_rc

    word = {key: value[lang] for key, value in WORDS.items()}
    with plt.rc_context(course_rc(lang)):
        fig, ax = plt.subplots(figsize=(10, 1.0 + 0.9 * len(rows)), layout="constrained")
        for y, row in enumerate(rows):
            left = 0.0
            for status in STATUSES:
                share = row[status] / row["learners"] if row["learners"] else 0.0
                ax.barh(y, share, left=left, height=0.5, color=COLOURS[status],
                        label=word[status] if y == 0 else None)  # fmt: skip
                if share >= 0.06:
                    ax.text(left + share / 2, y, f"{row[status]}", ha="center", va="center",
                            color="white", fontsize=10, fontweight="bold")  # fmt: skip
                left += share
            if row["hint"]:
                hint = word["hint_line"].format(n=row["hint_count"], hint=row["hint"])
                ax.text(0, y + 0.42, textwrap.shorten(hint, 110, placeholder=" …"),
                        va="center", fontsize=8, color="#444444")  # fmt: skip
        ax.set_yticks(range(len(rows)), [f"{word['exercise']} {r['exercise']}" for r in rows])
        ax.set_ylim(len(rows) - 0.3, -0.6)
        ax.set_xlim(0, 1)
        ax.grid(axis="y", visible=False)
        ax.set_axisbelow(True)
        ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
        ax.set_xlabel(word["share"])
        ax.set_title(f"{title}\n{word['learners'].format(n=learners)}")
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.13), ncol=3, frameon=False)
        fig.savefig(path, dpi=120)
        plt.close(fig)


def page(rows: list[dict], found: list[Outcome], title: str, lang: str, png: str) -> str:
    word = {key: value[lang] for key, value in WORDS.items()}
    esc = html.escape
    learners = sorted({o.learner for o in found})
    head = "".join(f"<th>{esc(word[s])}</th>" for s in STATUSES)
    table = [f"<tr><th>{esc(word['exercise'])}</th>{head}<th>{esc(word['hint'])}</th></tr>"]
    for row in rows:
        cells = "".join(
            f'<td class="n">{row[s]} ({row[s] / row["learners"]:.0%})</td>'
            if row["learners"]
            else '<td class="n">0</td>'
            for s in STATUSES
        )
        hint = f"{esc(row['hint'])} ({row['hint_count']}×)" if row["hint"] else word["none"]
        table.append(f"<tr><td>{esc(row['exercise'])}</td>{cells}<td>{hint}</td></tr>")
    exercises = [row["exercise"] for row in rows]
    who = [
        f"<tr><th>{esc(word['learner'])}</th>"
        + "".join(f"<th>{esc(e)}</th>" for e in exercises)
        + f"<th>{esc(word['score'])}</th></tr>"
    ]
    for learner in learners:
        mine = {o.exercise: o for o in found if o.learner == learner}
        marks = "".join(
            f'<td class="{mine[e].status.replace(" ", "-")}" title="{esc(mine[e].hint or "")}">'
            f"{MARKS[mine[e].status]}</td>"
            for e in exercises
        )
        score = sum(o.score for o in mine.values())
        total = sum(o.max_score for o in mine.values())
        who.append(f"<tr><td>{esc(learner)}</td>{marks}<td>{score:g} / {total:g}</td></tr>")
    title = esc(word["title"].format(title=title))
    html_lang = "zh-CN" if lang == "zh" else "en"
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{html_lang}"><head><meta charset="utf-8"><title>{title}</title>',
            "<style>body{font-family:sans-serif;margin:2em;max-width:70em}"
            "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;"
            "padding:.3em .6em;text-align:left}th,.n{white-space:nowrap}"
            ".right{color:#2e7d32}.wrong{color:#c62828}"
            ".not-attempted{color:#888}img{max-width:100%}</style></head><body>",
            f"<h1>{title}</h1>",
            f"<p>{esc(word['learners'].format(n=len(learners)))}</p>",
            "<table>",
            *table,
            "</table>",
            f'<img src="{esc(png)}" alt="{title}">',
            f"<h2>{esc(word['who'])}</h2>",
            "<table>",
            *who,
            "</table>",
            "</body></html>",
        ]
    )


def report(course: Path, assignment: str) -> list[Path]:
    found = outcomes(course, assignment)
    rows = summary(found)
    learners = len({o.learner for o in found})
    out = course / "reports"
    out.mkdir(parents=True, exist_ok=True)
    png, page_path, data = (out / f"{assignment}{ext}" for ext in (".png", ".html", ".json"))
    title, lang = title_of(course, assignment), assignment_lang(assignment)
    plot(rows, title, lang, learners, png)
    page_path.write_text(page(rows, found, title, lang, png.name), encoding="utf-8")
    data.write_text(
        json.dumps(
            {"assignment": assignment, "exercises": rows, "outcomes": [asdict(o) for o in found]},
            ensure_ascii=False,
            indent=1,
        ),
        encoding="utf-8",
    )
    return [page_path, png, data]


def autograded_assignments(course: Path) -> list[str]:
    return sorted({p.name for p in course.glob("autograded/*/*") if p.is_dir()})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_tools.room_report", description=__doc__)
    parser.add_argument("assignments", nargs="*", help="default: every autograded assignment")
    parser.add_argument("--course", type=Path, default=Path("nbgrader"), help="course directory")
    args = parser.parse_args(argv)
    course = args.course.resolve()
    assignments = args.assignments or autograded_assignments(course)
    if not assignments:
        print(f"nothing autograded in {course} yet (nbgrader autograde ASSIGNMENT)")
        return 1
    for assignment in assignments:
        for path in report(course, assignment):
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
