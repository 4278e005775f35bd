"""`make prepare` re-records exactly the notebooks whose code changed, re-recording an unchanged
notebook writes the same bytes, and `make test-nb` runs nbval on the notebooks it is given."""

from __future__ import annotations

import re
import subprocess

import nbformat
import pytest

from conftest import ROOT
from course_tools import __main__ as cli
from course_tools import notebooks, prepare, repo
from course_tools.notebooks import code_stamp, merge_streams, needs_recording, stale_recording
from course_tools.verify import verify


def stream(text: str, name: str = "stdout"):
    return nbformat.v4.new_output("stream", name=name, text=text)


def write_notebook(path, cells) -> repo.Pair:
    """A text file `path` (.md) from (cell type, source, tags) triples, in jupytext's own form."""
    nb = nbformat.v4.new_notebook()
    for kind, source, tags in cells:
        new = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
        nb.cells.append(new(source, metadata={"tags": list(tags)} if tags else {}))
    nb.metadata["kernelspec"] = dict(notebooks.KERNELSPEC)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(notebooks.canonical_md(nb), encoding="utf-8")
    return repo.Pair(path)


def edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


CHAPTER = [
    ("markdown", "# 01 · A chapter\n\nSome prose.", ()),
    ("code", "setup (sync puts the shared setup cell here)", ()),
    ("code", 'print("one")', ()),
    ("code", 'print("a timing")', ("nbval-ignore-output",)),
]


@pytest.fixture
def fake_run(monkeypatch):
    """`execute` without a kernel: each code cell prints `ran <n>: <first line>` (a timing cell
    prints its run number too, as a timing varies); returns the list of executed notebooks."""
    runs = []

    def execute(nb, folder, record_timing=False):
        runs.append(folder)
        for n, cell in enumerate((c for c in nb.cells if c.cell_type == "code"), start=1):
            cell.execution_count = n
            cell.outputs = [stream(f"ran {n}: {cell.source.splitlines()[0][:30]}\n")]
            if "nbval-ignore-output" in cell.metadata.get("tags", []):  # an explorer's timings
                data = {"text/plain": f"run {len(runs)}", notebooks.WIDGET_VIEW: {"model_id": "1"}}
                result = nbformat.v4.new_output("execute_result", data, execution_count=n)
                cell.outputs.append(result)

    monkeypatch.setattr(notebooks, "execute", execute)
    return runs


def test_adjacent_stream_chunks_are_joined_and_nothing_moves():
    display = nbformat.v4.new_output("display_data", data={"text/plain": "figure"})
    outputs = [stream("Tensor"), stream("Flow\n"), stream("oops\n", "stderr"), stream("a\n")]
    outputs += [display, stream("b\n"), stream("c\n")]
    merged = merge_streams(outputs)
    assert [(o.output_type, o.get("name"), o.get("text")) for o in merged] == [
        ("stream", "stdout", "TensorFlow\n"),
        ("stream", "stderr", "oops\n"),
        ("stream", "stdout", "a\n"),
        ("display_data", None, None),
        ("stream", "stdout", "b\nc\n"),
    ]
    assert outputs[0].text == "Tensor", "the outputs given are not changed"


def test_the_code_stamp_follows_code_not_prose_tags_or_the_release_tag(fake_repo):
    base = write_notebook(fake_repo / "chapters/en/01_a.md", CHAPTER)
    notebooks.sync([base])
    stamp = code_stamp(notebooks.read_md(base.md))
    edit(base.md, "Some prose.", "Other prose.")
    edit(base.md, ":tags: [nbval-ignore-output]", ":tags: [nbval-ignore-output, hide-input]")
    assert code_stamp(notebooks.read_md(base.md)) == stamp
    course = fake_repo / "course.toml"
    course.write_text(course.read_text().replace('release = "v', 'release = "v9'))
    notebooks.sync([base])  # the setup cell's pip line now names another tag
    assert code_stamp(notebooks.read_md(base.md)) == stamp
    edit(base.md, 'print("one")', 'print("two")')
    assert code_stamp(notebooks.read_md(base.md)) != stamp


def test_record_stamps_and_an_edited_code_cell_needs_recording(fake_repo, fake_run):
    pair = write_notebook(fake_repo / "chapters/en/01_a.md", CHAPTER)
    assert needs_recording(pair) == "not recorded yet"
    notebooks.sync([pair])
    assert needs_recording(pair) == "not recorded yet"  # no stamp: new, or from before stamps
    assert stale_recording(pair) is None  # verify lets an unstamped notebook pass
    notebooks.record([pair])
    assert needs_recording(pair) is None and stale_recording(pair) is None
    edit(pair.md, "Some prose.", "Other prose.")
    notebooks.sync([pair])
    assert needs_recording(pair) is None, "prose does not change what the code prints"
    edit(pair.md, 'print("one")', 'print("two")')
    notebooks.sync([pair])  # jupytext keeps the old outputs of a cell edited in place
    assert needs_recording(pair) == "its code changed since it was recorded"
    expected = "chapters/en/01_a.ipynb: its code changed since it was recorded (run `make prepare`)"
    assert stale_recording(pair) == expected and expected in verify()


def test_an_unchanged_notebook_keeps_the_outputs_of_its_excused_cells(fake_repo, fake_run):
    pair = write_notebook(fake_repo / "chapters/en/01_a.md", CHAPTER)
    notebooks.sync([pair])
    notebooks.record([pair])
    first = pair.ipynb.read_bytes()
    assert b"run 1" in first
    notebooks.record([pair])
    assert pair.ipynb.read_bytes() == first, "run 2 of the timing cell replaced run 1"
    notebooks.record([pair], fresh=True)
    assert b"run 3" in pair.ipynb.read_bytes()
    edit(pair.md, 'print("one")', 'print("two")')
    notebooks.sync([pair])
    notebooks.record([pair])  # the code changed: every output is new
    assert b"run 4" in pair.ipynb.read_bytes()


def test_prepare_generates_records_what_changed_and_says_so(fake_repo, fake_run, capsys):
    for name in ("chapters", "solutions", "exercises"):
        (fake_repo / name).mkdir()
    chapter = write_notebook(fake_repo / "chapters/en/01_a.md", CHAPTER)
    solution = write_notebook(
        fake_repo / "solutions/en/01_a.md",
        [
            ("markdown", "# 01 · Exercises", ()),
            ("code", "setup", ()),
            ("markdown", "## Exercise 01.1", ()),
            ("code", "answer = ...\n### BEGIN SOLUTION\nanswer = 6\n### END SOLUTION", ()),
            ("markdown", "The answer is 6 because ...", ("solution-only",)),
        ],
    )
    exercise = repo.Pair(fake_repo / "exercises/en/01_a.md")

    assert prepare.prepare() == 0
    out = capsys.readouterr().out
    assert "3/5 recording 3 notebook(s)" in out and "verify: everything is up to date" in out
    for pair in (chapter, solution, exercise):
        assert f"{pair.rel()} (not recorded yet)" in out
        assert f"  {pair.rel():<50} synced, recorded" in out
    assert f"  {exercise.rel(exercise.md):<50} generated, synced" in out
    assert "README.md" in out  # its chapter table now lists the chapter

    assert prepare.prepare() == 0  # nothing changed since: nothing to do
    assert "prepare changed 0 file(s)" in capsys.readouterr().out
    assert len(fake_run) == 3

    edit(solution.md, "answer = 6", "answer = 2 * 3")  # inside the solution block only
    edit(chapter.md, "Some prose.", "Other prose.")
    assert prepare.prepare() == 0
    out = capsys.readouterr().out
    assert f"{solution.rel()} (its code changed since it was recorded)" in out
    assert "3/5 recording 1 notebook(s)" in out, "the exercise's code did not change"
    assert f"  {chapter.rel():<50} synced" in out
    assert len(fake_run) == 4


def test_prepare_goes_on_after_a_failed_recording_and_exits_1(fake_repo, monkeypatch, capsys):
    for name in ("chapters", "solutions", "exercises"):
        (fake_repo / name).mkdir()
    for n in ("01_a", "02_b"):
        write_notebook(fake_repo / f"chapters/en/{n}.md", CHAPTER)

    def execute(nb, folder, record_timing=False):
        raise RuntimeError("a cell raised ValueError")

    monkeypatch.setattr(notebooks, "execute", execute)
    assert prepare.prepare() == 1
    out = capsys.readouterr().out
    assert out.count("FAILED") == 2
    assert "chapters/en/02_b.ipynb: recording failed, its outputs are unchanged:\n" in out
    assert "a cell raised ValueError" in out


@pytest.fixture
def nbval_calls(monkeypatch):
    calls = []

    def run(command, **kwargs):
        calls.append(command)
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(prepare.subprocess, "run", run)
    return calls


def test_test_nb_runs_nbval_on_the_ipynb_of_each_named_notebook(fake_repo, nbval_calls, capsys):
    one = write_notebook(fake_repo / "chapters/en/01_a.md", CHAPTER)
    two = write_notebook(fake_repo / "solutions/zh/01_a.md", CHAPTER)
    notebooks.sync([one, two])
    assert prepare.test_notebooks(["chapters/en/01_a.md"]) == 0
    assert nbval_calls[-1][3:] == [
        "--nbval", "--nbval-current-env", "-q", "-p", "no:cacheprovider", "chapters/en/01_a.ipynb"
    ]  # fmt: skip
    assert "python -m pytest --nbval" in capsys.readouterr().out  # the command, to rerun by hand
    assert prepare.test_notebooks(["chapters/en/01_a.ipynb", "solutions/zh"], jobs=4) == 0
    run_two = ["-n", "2", "--dist", "loadfile", "chapters/en/01_a.ipynb", "solutions/zh"]
    assert nbval_calls[-1][-6:] == run_two  # one notebook in solutions/zh: two in all, 2 workers


def test_make_passes_options_before_the_paths(fake_repo, nbval_calls, monkeypatch):
    one = write_notebook(fake_repo / "chapters/en/01_a.md", CHAPTER)
    two = write_notebook(fake_repo / "chapters/zh/01_a.md", CHAPTER)
    notebooks.sync([one, two])
    assert cli.main(["test-nb", "--jobs", "2", "chapters/en/01_a.md", "chapters/zh/01_a.md"]) == 0
    assert nbval_calls[-1][-2:] == ["chapters/en/01_a.ipynb", "chapters/zh/01_a.ipynb"]
    recorded = []
    monkeypatch.setattr(notebooks, "record", lambda pairs, fresh: recorded.append((pairs, fresh)))
    assert cli.main(["record", "--fresh", "chapters/en/01_a.md", "chapters/zh/01_a.md"]) == 0
    assert recorded == [([one, two], True)]


def test_test_nb_says_what_is_wrong_before_running_anything(fake_repo, nbval_calls, capsys):
    pair = write_notebook(fake_repo / "chapters/en/01_a.md", CHAPTER)
    notebooks.sync([pair])
    assert prepare.test_notebooks([]) == 2
    assert 'usage: make test-nb NB="chapters/en/01_gradient_tape.md' in capsys.readouterr().out
    assert prepare.test_notebooks(["chapters/en/99_none.md"]) == 2
    assert "chapters/en/99_none.md: no such notebook" in capsys.readouterr().out
    edit(pair.md, 'print("one")', 'print("two")')  # not synced: nbval would test the old code
    assert prepare.test_notebooks(["chapters/en/01_a.md"]) == 1
    out = capsys.readouterr().out
    assert "differs from its text file" in out and "run `make prepare` first" in out
    assert nbval_calls == []


def test_the_help_lists_every_command_and_make_calls_only_those():
    import course_tools

    helped = course_tools.__doc__
    for command in cli.COMMANDS:
        assert f"python -m course_tools {command} " in helped, command
    makefile = (ROOT / "Makefile").read_text()
    called = set(re.findall(r"\$\(AUTHOR\) ([a-z-]+)", makefile))
    assert called <= set(cli.COMMANDS) and {"prepare", "test-nb"} <= called


STREAMS = """import time
from IPython.display import HTML, display
for i in range(3):
    print(f"step {i}", end=" ", flush=True)  # one chunk each: progress
    time.sleep(0.3)
print("done")
display(HTML("<b>figure</b>"))
print("after the figure")"""


@pytest.mark.slow  # two kernels that import TensorFlow: make test runs it, test-fast does not
def test_re_recording_an_unchanged_notebook_writes_the_same_bytes(fake_repo, capfd):
    """With a real kernel: the setup cell, printing in timed chunks, a display, a timing."""
    pair = write_notebook(
        fake_repo / "chapters/en/01_a.md",
        [
            ("markdown", "# 01 · A chapter", ()),
            ("code", "setup", ()),
            ("code", STREAMS, ()),
            ("code", "import time\nprint(time.perf_counter_ns())", ("nbval-ignore-output",)),
        ],
    )
    notebooks.sync([pair])
    notebooks.record([pair])
    first = pair.ipynb.read_bytes()
    notebooks.record([pair])
    assert pair.ipynb.read_bytes() == first
    err = capfd.readouterr().err
    assert "without encryption" not in err and "WARNING" not in err, err

    from importlib.metadata import version

    setup, streams, _ = [c for c in notebooks.read_ipynb(pair.ipynb).cells if c.cell_type == "code"]
    assert [o.output_type for o in setup.outputs] == ["display_data", "stream"]  # the dark style
    versions = f"TensorFlow {version('tensorflow')} · Keras {version('keras')}\n"
    assert setup.outputs[1].text == versions
    assert [(o.output_type, o.get("name"), o.get("text")) for o in streams.outputs] == [
        ("stream", "stdout", "step 0 step 1 step 2 done\n"),
        ("display_data", None, None),
        ("stream", "stdout", "after the figure\n"),
    ]
