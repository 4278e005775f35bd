"""Authoring tools of the course: for maintainers, never imported by a notebook.

Run from anywhere inside the repository (they find it from the working directory):

    python -m course_tools sync [PATH ...]      # setup cells + .md -> .ipynb (keeps outputs)
    python -m course_tools record [PATH ...]    # execute notebooks and save their outputs
    python -m course_tools exercises            # exercises/ from solutions/
    python -m course_tools readme               # README badges, chapter tables, tested versions
    python -m course_tools verify               # exit 1 if anything generated is stale
    python -m course_tools slides [...]         # reveal.js slides of the chapters
    python -m course_tools bench [...]          # how fast the slider explorers answer
    python -m course_tools bench-browser [...]  # the same, key press to figure in JupyterLab
    python -m course_tools release X.Y.Z        # version, setup cells, commit and tag

The Makefile wraps each of them (`make sync`, `make record NB=...`, ...).
"""
