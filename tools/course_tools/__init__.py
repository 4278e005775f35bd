"""Authoring tools of the course: for maintainers, never imported by a notebook.

Run from anywhere inside the repository (they find it from the working directory):

    python -m course_tools prepare              # all of the below a change needs, then verify
    python -m course_tools test-nb PATH ...     # nbval on these notebooks (.md, .ipynb, folder)
    python -m course_tools sync [PATH ...]      # setup cells + .md -> .ipynb (keeps outputs)
    python -m course_tools record [PATH ...]    # execute notebooks and save their outputs
    python -m course_tools exercises            # exercises/ from solutions/
    python -m course_tools nbgrader             # nbgrader/source/ from solutions/
    python -m course_tools readme               # README badges, chapter tables, tested versions
    python -m course_tools verify               # exit 1 if anything generated is stale
    python -m course_tools release X.Y.Z        # version, setup cells, commit and tag
    python -m course_tools slides [...]         # reveal.js slides of the chapters
    python -m course_tools bench [...]          # how fast the slider explorers answer
    python -m course_tools bench-browser [...]  # the same, key press to figure in JupyterLab
    python -m course_tools bench-memory [LANG]  # each chapter's peak kernel memory
    python -m course_tools colab-constraints FREEZE  # constraints/colab.txt from Colab's list

`record --fresh` also renews the outputs of excused cells (timings), which a notebook whose
code is unchanged otherwise keeps; `test-nb --jobs N` runs N notebooks at once. The commands
with [...] have their own --help. The Makefile wraps each of them (`make prepare`,
`make test-nb NB=...`, `make record NB=... FRESH=1`, ...).
"""
