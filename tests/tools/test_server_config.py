"""Idle kernels are culled in the JupyterLab that `make lab` and Binder start (memory: each
TensorFlow kernel holds about 0.6 GB, and Binder restarts a session above 2 GB), and its kernel
websockets send at once (TCP_NODELAY: autodiff_course.server)."""

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
    connection_class = "autodiff_course.server.NoDelayKernelConnection"
    assert f".kernel_websocket_connection_class = {connection_class}" in (
        shown.replace("'", "").replace('"', "")
    )


def test_make_lab_binder_and_the_hub_serve_the_file_browser_style():
    """custom.css (long names wrap: the browser test measures it) is switched on and installed
    where LabApp.custom_css serves it from, by both installers."""
    assert json.loads(CONFIG.read_text())["LabApp"] == {"custom_css": True}
    assert ".jp-DirListing-itemText" in (ROOT / ".jupyter" / "custom" / "custom.css").read_text()
    makefile = (ROOT / "Makefile").read_text()
    assert "$(call lab_config,$(VENV))" in makefile
    assert "$(call lab_config,$(HUB_USER_VENV))" in makefile
    for installer in (makefile, (ROOT / "postBuild").read_text()):
        assert "'static' / 'custom'" in installer and ".jupyter/custom/custom.css" in installer


def test_the_kernel_websocket_turns_nagle_off_before_connecting(monkeypatch):
    """Without TCP_NODELAY the kernel messages of every other chapter-09 slider move were held
    ~40 ms for a delayed ACK."""
    from jupyter_server.services.kernels.connection.channels import (
        ZMQChannelsWebsocketConnection,
    )

    from autodiff_course.server import NoDelayKernelConnection

    calls = []

    class Handler:
        def set_nodelay(self, value):
            calls.append(("nodelay", value))

    def connect(self):
        calls.append(("connect", None))
        return "future"

    monkeypatch.setattr(ZMQChannelsWebsocketConnection, "connect", connect)
    connection = NoDelayKernelConnection.__new__(NoDelayKernelConnection)
    monkeypatch.setattr(NoDelayKernelConnection, "websocket_handler", Handler(), raising=False)
    assert connection.connect() == "future"
    assert calls == [("nodelay", True), ("connect", None)]
    name = json.loads(CONFIG.read_text())["ServerApp"]["kernel_websocket_connection_class"]
    module, _, cls = name.rpartition(".")
    assert getattr(__import__(module, fromlist=[cls]), cls) is NoDelayKernelConnection


def test_a_saved_notebook_keeps_the_stills_not_the_widget_views():
    """Reopened with a new kernel, a widget view shows "Error displaying widget: model not
    found"; without it, the output's still and numbers are shown (the browser test reopens one)."""
    from autodiff_course.server import WIDGET_VIEW, keep_stills

    output = {
        "output_type": "execute_result",
        "data": {WIDGET_VIEW: {"model_id": "abc"}, "image/png": "iVBOR", "text/plain": "x = 1"},
    }
    notebook = {"metadata": {"widgets": {"state": {}}}, "cells": [{"outputs": [output]}]}
    keep_stills(model={"type": "notebook", "content": notebook}, path="a.ipynb")
    assert output["data"] == {"image/png": "iVBOR", "text/plain": "x = 1"}
    assert "widgets" not in notebook["metadata"]
    text = {"type": "file", "content": "not a notebook"}
    keep_stills(model=text, path="a.md")
    assert text == {"type": "file", "content": "not a notebook"}
    config = json.loads(CONFIG.read_text())["ContentsManager"]
    assert config["pre_save_hook"] == "autodiff_course.server.keep_stills"


def test_the_file_browser_lists_each_notebook_once():
    """The chapters' jupytext text files (NN_slug.md) are hidden; README.md is not."""
    from fnmatch import fnmatch

    globs = json.loads(CONFIG.read_text())["ContentsManager"]["hide_globs"]
    assert {"__pycache__", "*.pyc"} <= set(globs)  # jupyter_server's own defaults stay

    def hidden(name):
        return any(fnmatch(name, glob) for glob in globs)

    assert hidden("08_jacobians_hessians.md") and not hidden("08_jacobians_hessians.ipynb")
    assert not hidden("README.md") and not hidden("glossary.md")
