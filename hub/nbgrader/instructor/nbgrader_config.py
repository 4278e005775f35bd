"""nbgrader for the instructor's server on the workshop hub (with ../room/nbgrader_config.py).

The course directory is ~/autodiff-course: a copy of the repository's nbgrader/ folder (its
nbgrader_config.py and source/). Its settings (time limit per cell, ...) apply to the
formgrader too, which does not read the course directory's own config file.
"""

import os

c = get_config()  # noqa: F821 - nbgrader's config loader provides it

COURSE = os.path.join(os.environ["HOME"], "autodiff-course")
c.CourseDirectory.root = COURSE
load_subconfig(os.path.join(COURSE, "nbgrader_config.py"))  # noqa: F821 - skipped while missing
