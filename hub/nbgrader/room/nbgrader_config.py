"""nbgrader on the workshop hub, for every account (hub/jupyterhub_config.py puts this folder on
each server's JUPYTER_CONFIG_PATH, after the learner/ or instructor/ folder).

The exchange is the folder the hub's start-up makes (HUB_DIR/exchange): release, fetch, submit
and collect pass the notebooks through it.
"""

import os

c = get_config()  # noqa: F821 - nbgrader's config loader provides it

c.CourseDirectory.course_id = "autodiff-course"  # as in nbgrader/nbgrader_config.py
c.Exchange.root = os.environ["NBGRADER_EXCHANGE_ROOT"]  # set by the hub's spawner
