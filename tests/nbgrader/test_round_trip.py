"""The nbgrader round trip with simulated learners: `make test-nbgrader` (in CI too).

nbgrader's own commands on a temporary course holding chapter 01 in both languages:
generate_assignment, then the English room through an exchange folder as on a JupyterHub
(release_assignment, each learner's fetch_assignment and submit, collect) and the Chinese room
as files downloaded from an LMS (zip_collect of a zip and a loose notebook); autograde,
generate_feedback, release_feedback and a learner's fetch_feedback, export, and the room
report. The learners:

    ada  every answer right                 4 points
    bo   nothing answered (the release)     0
    cy   typical mistakes, 01.4 left blank  0
    dee  01.1 loops forever, the rest right 3   (the per-cell time limit interrupts it)
    eve  deleted the check of 01.2 and the answer cell of 01.3, the rest right   3
    lin  (Chinese) every answer right       4
    mei  (Chinese) cy's mistakes            0

The gradebook must give each learner these points, each test cell must show the text the
learner's own check shows for that answer (computed here with `evaluate` on the same code), and
no learner's submission may hide another's grades.
"""

from __future__ import annotations

import csv
import html
import json
import os
import subprocess
import zipfile

import pytest

from conftest import ROOT
from course_tools.nbgrader_room import (
    load,
    nbgrader,
    new_course,
    right_answers,
    source_of,
    submission,
    venv_bin,
    write,
)

pytestmark = pytest.mark.nbgrader

EN, ZH = "01_gradient_tape_en", "01_gradient_tape_zh"
NOTEBOOK = "01_gradient_tape.ipynb"
COURSE_ID = "autodiff-course"  # nbgrader/nbgrader_config.py
MISTAKES = {
    "answer_01_1": "answer = 6.0  # worked out by hand: f'(4) = 2*4 - 2",
    "answer_01_2": (
        "with tf.GradientTape(persistent=True) as tape:  # one recording for every point\n"
        "    y = x**2 - 2 * x + 1\n"
        "found = []\n"
        "for point in points:\n"
        "    x.assign(point)\n"
        "    found.append(tape.gradient(y, x))\n"
        "slopes = tf.stack(found)"
    ),
    "answer_01_3": "tangent = (2.0, 1.0)  # k = f(2): forgot to subtract m * x0",
}
LOOP = "while True:  # never ends\n    pass"
R, W, N = "right", "wrong", "not attempted"
EXPECTED = {  # learner: (assignment, status of 01.1 .. 01.4, points)
    "ada": (EN, (R, R, R, R), 4),
    "bo": (EN, (N, N, N, N), 0),
    "cy": (EN, (W, W, W, N), 0),
    "dee": (EN, (N, R, R, R), 3),
    "eve": (EN, (R, R, N, R), 3),
    "lin": (ZH, (R, R, R, R), 4),
    "mei": (ZH, (W, W, W, N), 0),
}


def learners(right: dict[str, str]) -> dict[str, tuple[dict[str, str], set[str]]]:
    """learner: (answer code per answer cell, cells deleted)."""
    return {
        "ada": (right, set()),
        "bo": ({}, set()),
        "cy": (MISTAKES, set()),
        "dee": ({**right, "answer_01_1": LOOP}, set()),
        "eve": (right, {"check_01_2", "answer_01_3"}),
        "lin": (right, set()),
        "mei": (MISTAKES, set()),
    }


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("room")
    course = new_course(tmp / "course", [EN, ZH])
    right = right_answers(course / "source" / EN / NOTEBOOK)
    work = learners(right)
    exchange = tmp / "exchange"
    exchange.mkdir()
    shared = [f"--Exchange.root={exchange}", f"--CourseDirectory.course_id={COURSE_ID}"]
    for name in (EN, ZH):
        nbgrader(course, "generate_assignment", name)
    # English: as on a JupyterHub, through the exchange
    nbgrader(course, "release_assignment", EN, *shared)
    for learner, (assignment, _, _) in EXPECTED.items():
        if assignment != EN:
            continue
        home = tmp / "home" / learner
        home.mkdir(parents=True)
        nbgrader(home, "fetch_assignment", EN, *shared, home=home)
        fetched = home / EN / NOTEBOOK
        answers, deleted = work[learner]
        write(submission(fetched, answers, deleted), fetched)
        nbgrader(home, "submit", EN, f"--student={learner}", *shared, home=home)
    nbgrader(course, "collect", EN, *shared)
    # Chinese: downloaded from an LMS, one learner zipped, one loose notebook
    archive = course / "downloaded" / ZH / "archive"
    archive.mkdir(parents=True)
    release = course / "release" / ZH / NOTEBOOK
    lin = json.dumps(submission(release, *work["lin"]), ensure_ascii=False)
    with zipfile.ZipFile(archive / "room.zip", "w") as zipped:
        zipped.writestr(f"lin_{NOTEBOOK}", lin)
    write(submission(release, *work["mei"]), archive / f"mei_{NOTEBOOK}")
    nbgrader(course, "zip_collect", ZH)
    autograde = {name: nbgrader(course, "autograde", name, check=False) for name in (EN, ZH)}
    for name in (EN, ZH):
        nbgrader(course, "generate_feedback", name)
    nbgrader(course, "release_feedback", EN, *shared)  # learners: Nbgrader > Assignment List
    cy = tmp / "home" / "cy"
    nbgrader(cy, "fetch_feedback", EN, "--student=cy", *shared, home=cy)
    nbgrader(course, "export")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "tools"), TF_CPP_MIN_LOG_LEVEL="3")
    report = subprocess.run(
        [str(venv_bin() / "python"), "-m", "course_tools.room_report", "--course", str(course)],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert report.returncode == 0, report.stdout + report.stderr
    return {"course": course, "autograde": autograde, "work": work, "tmp": tmp}


def autograded_cells(course, assignment, learner) -> dict[str, dict]:
    nb = load(course / "autograded" / learner / assignment / NOTEBOOK)
    return {c["metadata"].get("nbgrader", {}).get("grade_id"): c for c in nb["cells"]}


def printed(cell: dict) -> str:
    return "".join("".join(o.get("text", "")) for o in cell["outputs"] if o.get("name") == "stdout")


def test_autograde_grades_every_submission(room):
    for name, done in room["autograde"].items():
        assert done.returncode == 0, f"autograde {name}:\n{done.stdout}\n{done.stderr}"
    for learner, (assignment, _, _) in EXPECTED.items():
        assert (room["course"] / "autograded" / learner / assignment / NOTEBOOK).exists(), learner


def test_the_gradebook_gives_each_learner_what_they_deserve(room):
    with open(room["course"] / "grades.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))  # a row per learner and assignment, submitted or not
    want = {(learner, a): float(points) for learner, (a, _, points) in EXPECTED.items()}
    got = {(r["student_id"], r["assignment"]): float(r["raw_score"]) for r in rows}
    assert {key: got.get(key) for key in want} == want
    assert {float(r["max_score"]) for r in rows} == {4.0}


def test_the_room_report_sees_each_exercise_of_each_learner(room):
    for assignment in (EN, ZH):
        data = json.loads((room["course"] / "reports" / f"{assignment}.json").read_text("utf-8"))
        got = {}
        for o in data["outcomes"]:
            got.setdefault(o["learner"], []).append((o["exercise"], o["status"]))
        want = {
            learner: [(f"01.{i}", s) for i, s in enumerate(statuses, start=1)]
            for learner, (a, statuses, _) in EXPECTED.items()
            if a == assignment
        }
        assert {k: sorted(v) for k, v in got.items()} == want
        wrong = [row for row in data["exercises"] if row["exercise"] == "01.2"][0]
        assert wrong["hint"] and wrong["hint_count"] == 1
        for ext in (".png", ".html"):
            assert (room["course"] / "reports" / f"{assignment}{ext}").stat().st_size > 1000


def expected_message(cell_source: str, exercise: str, name: str, lang: str) -> str:
    """What the learner's own check prints for the code of this answer cell, run here."""
    import tensorflow as tf

    from autodiff_course.checks import evaluate

    scope = {"tf": tf}
    exec(cell_source, scope)
    return evaluate(exercise, scope[name], lang).message


@pytest.mark.parametrize("learner", ["cy", "mei", "ada"])
def test_each_test_cell_shows_what_the_learners_check_shows(room, learner):
    assignment, statuses, _ = EXPECTED[learner]
    lang = assignment[-2:]
    cells = autograded_cells(room["course"], assignment, learner)
    names = {"01.1": "answer", "01.2": "slopes", "01.3": "tangent", "01.4": "answer"}
    for i, status in enumerate(statuses, start=1):
        exercise = f"01.{i}"
        answer_cell = cells[f"answer_01_{i}"]
        if status == N:
            continue  # the stub raised: the check saw `...` ("not attempted", tested below)
        want = expected_message(source_of(answer_cell), exercise, names[exercise], lang)
        assert printed(cells[f"check_01_{i}"]).strip() == want
    if learner == "cy":
        assert printed(cells["check_01_4"]).startswith("… Exercise 01.4: not attempted yet.")


def test_a_loop_that_never_ends_is_interrupted_and_the_rest_is_graded(room):
    cells = autograded_cells(room["course"], EN, "dee")
    errors = [o for o in cells["answer_01_1"]["outputs"] if o["output_type"] == "error"]
    assert errors and errors[0]["ename"] == "KeyboardInterrupt"
    assert printed(cells["check_01_1"]).startswith("… Exercise 01.1: not attempted yet.")
    assert all(printed(cells[f"check_01_{i}"]).startswith("✓") for i in (2, 3, 4))


def test_a_deleted_check_cell_is_put_back_and_a_deleted_answer_counts_as_none(room):
    cells = autograded_cells(room["course"], EN, "eve")
    assert "was missing from the submission" in source_of(cells["check_01_2"])
    assert printed(cells["check_01_2"]).startswith("✓ Exercise 01.2")
    assert "answer_01_3" not in cells
    errors = [o for o in cells["check_01_3"]["outputs"] if o["output_type"] == "error"]
    assert errors and errors[0]["ename"] == "NameError"


def test_a_learner_fetches_the_feedback_page_released_through_the_exchange(room):
    fetched = list((room["tmp"] / "home" / "cy" / EN / "feedback").glob(f"*/{NOTEBOOK[:-6]}.html"))
    released = room["course"] / "feedback" / "cy" / EN / f"{NOTEBOOK[:-6]}.html"
    assert len(fetched) == 1 and fetched[0].read_bytes() == released.read_bytes()


@pytest.mark.parametrize(("learner", "words"), [("mei", "提示："), ("cy", "Hint: ")])
def test_feedback_shows_the_checks_message_in_the_learners_language(room, learner, words):
    assignment = EXPECTED[learner][0]
    page = room["course"] / "feedback" / learner / assignment / "01_gradient_tape.html"
    text = html.unescape(page.read_text(encoding="utf-8"))
    cells = autograded_cells(room["course"], assignment, learner)
    message = printed(cells["check_01_2"]).strip()
    assert words in message and message in text
