"""The nbgrader loop on the workshop hub for real (docs/instructor/, "The loop on a JupyterHub").

The instructor, in their own server (a kernel running shell commands, as in a JupyterLab
terminal), copies the course and releases chapter 01; two learners list and fetch it through the
REST endpoints the JupyterLab Assignments panel calls, answer in the fetched notebook (contents
API) and submit: ada every answer right, bo nothing. The instructor collects, autogrades and
exports the gradebook: ada has every point, bo none; then the room report, and ada's feedback
through the same panel. Learners' servers offer neither nbgrader's authoring nor its grading
tools; the instructor's do. Run with `make test-hub`.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re

import pytest
from hub_upstream import ROOT, Kernel, hub_or_skip

from course_tools.nbgrader_room import fill, grade_id, load, right_answers, source_of

COURSE_ID = "autodiff-course"  # hub/nbgrader/room/nbgrader_config.py
ASSIGNMENT = "01_gradient_tape_en"
NOTEBOOK = "01_gradient_tape.ipynb"
SOURCE = ROOT / "nbgrader" / "source" / ASSIGNMENT / NOTEBOOK
# The guide's commands, in the instructor's JupyterLab terminal (here: their kernel's shell).
COPY_COURSE = (
    f"mkdir -p ~/autodiff-course && cp -r {ROOT}/nbgrader/nbgrader_config.py"
    f" {ROOT}/nbgrader/source ~/autodiff-course/"
)
RELEASE = (
    f"cd ~/autodiff-course && nbgrader generate_assignment {ASSIGNMENT}"
    f" && nbgrader release_assignment {ASSIGNMENT}"
)
GRADE = (
    f"cd ~/autodiff-course && nbgrader collect {ASSIGNMENT}"
    f" && nbgrader autograde {ASSIGNMENT} && nbgrader export"
)
REPORT = (
    f"make -C {ROOT} room-report NBGRADER_COURSE=$HOME/autodiff-course ASSIGNMENTS={ASSIGNMENT}"
)
FEEDBACK = (
    f"cd ~/autodiff-course && nbgrader generate_feedback {ASSIGNMENT}"
    f" && nbgrader release_feedback {ASSIGNMENT}"
)
AUTHORING = (  # the plugins of nbgrader's JupyterLab extension learners must not see
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:create-assignment",
    "@jupyter/nbgrader:course-list",
)

GUIDES = {  # the guide: its placeholder for the repository, its assignment
    "en.md": ("<clone>", ASSIGNMENT),
    "zh-CN.md": ("<仓库目录>", ASSIGNMENT.replace("_en", "_zh")),
}


@pytest.mark.parametrize("guide", GUIDES)
def test_the_guide_shows_the_commands_this_test_runs(guide):
    clone, assignment = GUIDES[guide]
    text = (ROOT / "docs" / "instructor" / guide).read_text(encoding="utf-8")
    for command in (COPY_COURSE, RELEASE, GRADE, REPORT, FEEDBACK):
        shown = command.replace(str(ROOT), clone).replace(ASSIGNMENT, assignment)
        assert shown in text, f"docs/instructor/{guide} no longer shows: {shown}"


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    hub = hub_or_skip(tmp_path_factory.mktemp("nbgrader-room") / "hub")
    instructor = hub.learner("instructor", hub.admin_password)
    ada, bo = hub.learner("ada"), hub.learner("bo")
    try:
        for person in (instructor, ada, bo):
            person.start_server()
        yield hub, instructor, ada, bo
    finally:
        hub.stop()


def shell(person, command: str, timeout: float = 1800.0) -> str:
    """Run `command` with bash in `person`'s server (a kernel there: the environment a JupyterLab
    terminal has); its output, or a failure with it."""
    code = (
        "import json, subprocess\n"
        f"done = subprocess.run({command!r}, shell=True, executable='/bin/bash',"
        " capture_output=True, text=True)\n"
        "print(json.dumps({'rc': done.returncode, 'output': done.stdout + done.stderr}))"
    )

    async def run() -> list[dict]:
        kernel = await Kernel(person, person.open_notebook("shell.ipynb")).connect()
        try:
            return (await kernel.execute(code, timeout))[1]
        finally:
            kernel.close()

    outputs = asyncio.run(run())
    text = "".join(m["content"].get("text", "") for m in outputs if m["msg_type"] == "stream")
    if not text.strip():
        pytest.fail(f"no answer from {person.name}'s kernel for {command!r}: {outputs}")
    done = json.loads(text.strip().splitlines()[-1])
    assert done["rc"] == 0, f"{command} failed in {person.name}'s server:\n{done['output']}"
    return done["output"]


def assignments_panel(person, action: str | None = None) -> list[dict]:
    """What the Assignments panel asks the learner's server: the list, or fetch/submit and then
    the list (nbgrader's assignment_list server extension)."""
    course = {"course_id": COURSE_ID}
    if action is None:
        reply = person.api.get(f"{person.server}/assignments", params=course, timeout=300)
    else:
        reply = person.api.post(
            f"{person.server}/assignments/{action}",
            json={**course, "assignment_id": ASSIGNMENT},
            timeout=300,
        )
    reply.raise_for_status()
    body = reply.json()
    assert body["success"], f"{action or 'list'} for {person.name}: {body}"
    return body["value"]


def status(listing: list[dict]) -> set[str]:
    return {a["status"] for a in listing if a["assignment_id"] == ASSIGNMENT}


def page_config(person) -> dict:
    """The page config JupyterLab's page carries (its extensions and which are disabled)."""
    reply = person.api.get(f"{person.server}/lab", timeout=120)
    reply.raise_for_status()
    found = re.search(r'id="jupyter-config-data"[^>]*>(.*?)</script>', reply.text, re.S)
    assert found, "no jupyter-config-data in JupyterLab's page"
    return json.loads(found.group(1))


def test_learners_get_the_assignments_panel_and_only_the_instructor_the_authoring_tools(room):
    _hub, instructor, ada, _bo = room
    learner_page, instructor_page = page_config(ada), page_config(instructor)
    assert set(AUTHORING) <= set(learner_page["disabledExtensions"])
    assert "@jupyter/nbgrader:assignment-list" not in learner_page["disabledExtensions"]
    assert not set(AUTHORING) & set(instructor_page["disabledExtensions"])
    for page in (learner_page, instructor_page):  # the extension itself is there for both
        assert any(e["name"] == "@jupyter/nbgrader" for e in page["federated_extensions"])
    # the server side of the formgrader and the course list: the instructor's server only
    for path in ("formgrader", "formgraders"):
        assert ada.api.get(f"{ada.server}/{path}", timeout=60).status_code == 404, path
        assert instructor.api.get(f"{instructor.server}/{path}", timeout=60).status_code == 200
    assert ada.api.get(f"{ada.server}/courses", timeout=60).json()["success"] is True


def test_release_fetch_submit_collect_autograde_on_the_hub(room):
    hub, instructor, ada, bo = room
    shell(instructor, COPY_COURSE)
    shell(instructor, RELEASE)
    assert (hub.dir / "exchange" / COURSE_ID / "outbound" / ASSIGNMENT / NOTEBOOK).exists()

    answers = right_answers(SOURCE)
    for learner, answered in ((ada, answers), (bo, {})):
        assert status(assignments_panel(learner)) == {"released"}
        fetched = assignments_panel(learner, "fetch")
        assert status(fetched) == {"fetched"}
        path = next(a for a in fetched if a["status"] == "fetched")["notebooks"][0]["path"]
        assert path == f"{ASSIGNMENT}/{NOTEBOOK}"  # in the learner's home, as JupyterLab shows it
        notebook = learner.contents(path)["content"]
        for cell in notebook["cells"]:
            if grade_id(cell) in answered:
                cell["source"] = fill(source_of(cell), answered[grade_id(cell)])
        learner.save(path, notebook)
        assert "submitted" in status(assignments_panel(learner, "submit"))

    shell(instructor, GRADE)
    grades = instructor.contents("autodiff-course/grades.csv")["content"]
    scores = {row["student_id"]: row for row in csv.DictReader(io.StringIO(grades))}
    points = sum(
        cell["metadata"]["nbgrader"].get("points", 0)
        for cell in load(SOURCE)["cells"]
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade")
    )
    assert points > 0 and len(answers) == points  # one point per exercise's check
    assert set(scores) == {"ada", "bo"}  # the hub's names, not the system user's
    assert float(scores["ada"]["max_score"]) == points
    assert float(scores["ada"]["score"]) == points
    assert float(scores["bo"]["score"]) == 0


def graded(hub) -> None:
    if not (hub.dir / "home" / "instructor" / "autodiff-course" / "gradebook.db").exists():
        pytest.fail("no gradebook: the loop above failed")


def test_the_room_report_from_the_hubs_gradebook(room):
    hub, instructor, _ada, _bo = room
    graded(hub)
    if not (ROOT / ".venv-nbgrader" / ".installed").exists():
        pytest.skip("make room-report needs `make nbgrader-env`")
    shell(instructor, REPORT)
    report = json.loads(
        instructor.contents(f"autodiff-course/reports/{ASSIGNMENT}.json")["content"]
    )
    assert report["exercises"], "the report has no exercise"
    for row in report["exercises"]:  # ada right, bo not attempted, on every exercise
        assert (row["learners"], row["right"], row["not attempted"]) == (2, 1, 1), row
    png = hub.dir / "home" / "instructor" / "autodiff-course" / "reports" / f"{ASSIGNMENT}.png"
    assert png.stat().st_size > 0


def test_a_learner_fetches_their_feedback_from_the_assignments_panel(room):
    hub, instructor, ada, _bo = room
    graded(hub)
    shell(instructor, FEEDBACK)
    assert "submitted" in status(assignments_panel(ada, "fetch_feedback"))
    pages = list((hub.dir / "home" / "ada" / ASSIGNMENT / "feedback").glob("*/*.html"))
    assert [page.name for page in pages] == [NOTEBOOK.replace(".ipynb", ".html")]
    assert "✓" in pages[0].read_text(encoding="utf-8")  # the checks' verdicts, as ada saw them
