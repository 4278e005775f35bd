"""nbgrader's configuration for the course (written by hand; source/ is generated: make nbgrader).

Run nbgrader's commands in this folder with the nbgrader venv (make nbgrader-env):
docs/instructor/ shows the whole loop, on a JupyterHub and without one.
"""

c = get_config()  # noqa: F821 - nbgrader provides it

# The exchange's name for the course (JupyterHub: release, fetch, submit, collect).
c.CourseDirectory.course_id = "autodiff-course"

# A learner's cell still running after this many seconds is interrupted (a loop that never
# ends), and the rest of the notebook still runs and is graded. Importing TensorFlow in the
# setup cell takes several seconds on a busy machine: keep a margin.
c.Execute.timeout = 60

# What replaces a `### BEGIN SOLUTION` block in the learners' copy. The placeholder comment in
# the notebook's language ("# YOUR CODE HERE" / "# 在这里写你的代码") is already above it.
c.ClearSolutions.code_stub = {"python": "raise NotImplementedError()"}

# A check cell the learner deleted is put back and run, so their answer still counts.
c.OverwriteCells.add_missing_cells = True

# nbgrader zip_collect: notebooks (or zips of them) named <learner>_<notebook>.ipynb, e.g.
# ada_01_gradient_tape.ipynb, in downloaded/<assignment>/archive/. Adapt it to your LMS's names.
c.FileNameCollectorPlugin.named_regexp = (
    r".*/(?P<student_id>[^/]+?)_(?P<file_id>\d\d_[a-z0-9_]+\.ipynb)$"
)
