"""Idle kernels are culled in the JupyterLab that `make lab` and Binder start (memory: each
TensorFlow kernel holds about 0.6 GB, and Binder restarts a session above 2 GB)."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

CONFIG = ROOT / ".jupyter" / "jupyter_server_config.json"


def test_the_cull_settings_are_what_the_readme_says():
    cull = json.loads(CONFIG.read_text())["MappingKernelManager"]
    assert cull == {
        "cull_idle_timeout": 600,
        "cull_interval": 60,
        "cull_connected": False,
        "cull_busy": False,
    }
    for readme in ("README.md", "README.zh-CN.md"):
        assert "`cull_idle_timeout` = 600" in (ROOT / readme).read_text(encoding="utf-8")


def test_make_lab_and_binder_install_the_file_where_jupyter_server_reads_it(tmp_path: Path):
    for installer in ("Makefile", "postBuild"):
        assert "etc/jupyter/jupyter_server_config.json" in (ROOT / installer).read_text()
    # The same file name under a throwaway config path: the server sees the values.
    shutil.copy(CONFIG, tmp_path / "jupyter_server_config.json")
    env = {**os.environ, "JUPYTER_CONFIG_PATH": str(tmp_path), "JUPYTER_CONFIG_DIR": str(tmp_path)}
    shown = subprocess.run(
        [sys.executable, "-m", "jupyter", "server", "--show-config"],
        capture_output=True, text=True, env=env, timeout=120, check=True,
    ).stdout  # fmt: skip
    assert ".cull_idle_timeout = 600" in shown
    assert ".cull_connected = False" in shown
