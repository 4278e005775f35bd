"""nbgrader for a learner's server on the workshop hub (with ../room/nbgrader_config.py).

Every learner's server runs as the same system user, and nbgrader names a submission after the
system user (except `jovyan`): the hub's name for the learner makes submissions theirs.
"""

import os

c = get_config()  # noqa: F821 - nbgrader's config loader provides it

c.CourseDirectory.student_id = os.environ["JUPYTERHUB_USER"]
