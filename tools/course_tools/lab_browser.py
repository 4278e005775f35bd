"""JupyterLab from the venv driven in headless Chromium: shared by tests/browser and bench-browser.

`Lab(tmp, root)` starts a throw-away JupyterLab on a free port with a token, serving `root`, with
its own settings, runtime and workspaces under `tmp`; `run_notebook` opens a notebook in a page,
runs all its cells and waits until every cell has run; `save_notebook` saves it, and
`open_notebook` opens one without running it. Playwright is imported by the callers
(`browser.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)`): it cannot download a browser
here, so Debian's /usr/bin/chromium is used (CHROMIUM=/path overrides).
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Debian's chromium by default; CHROMIUM=/path overrides (GitHub's Ubuntu runners ship Chrome).
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = ROOT / "artifacts" / "browser"
VIEWPORT = {"width": 1366, "height": 768}
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
STDERR = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
ERROR = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]'

# JupyterLab settings for the throw-away server: no news pop-up, every cell in the DOM.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """JupyterLab serving `root`, with its settings, runtime and workspaces under `tmp`."""

    def __init__(self, tmp: Path, root: Path):
        self.root = root
        settings = tmp / "settings"
        for name, value in LAB_SETTINGS.items():
            path = settings / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(value))
        self.port, self.token = free_port(), secrets.token_hex(16)
        env = dict(os.environ)
        for var, sub in [("JUPYTER_RUNTIME_DIR", "runtime"), ("JUPYTER_CONFIG_DIR", "config"),
                         ("IPYTHONDIR", "ipython")]:  # fmt: skip
            env[var] = str(tmp / sub)
        self.log_path = tmp / "jupyterlab.log"
        self.log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        bin_dir = Path(sys.executable).parent
        self.process = subprocess.Popen(
            [str(bin_dir / "jupyter"), "lab", "--no-browser", "--allow-root",
             "--ServerApp.ip=127.0.0.1",
             f"--ServerApp.port={self.port}", f"--IdentityProvider.token={self.token}",
             f"--ServerApp.root_dir={self.root}", "--ServerApp.port_retries=0",
             f"--LabServerApp.user_settings_dir={settings}",
             f"--LabServerApp.workspaces_dir={tmp / 'workspaces'}"],
            env=env, stdout=self.log, stderr=subprocess.STDOUT, cwd=tmp,
        )  # fmt: skip
        self._wait_until_up()

    def _wait_until_up(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log = self.log_path.read_text()[-3000:]
                raise RuntimeError(f"JupyterLab exited:\n{log}")
            try:
                with self._request("GET", "/api/status") as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError(f"JupyterLab did not answer within {timeout:.0f} s")

    def _request(self, method: str, path: str):
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}?token={self.token}", method=method
        )
        return urllib.request.urlopen(request, timeout=10)

    def url(self, notebook: str) -> str:
        return f"http://127.0.0.1:{self.port}/lab/tree/{notebook}?reset&token={self.token}"

    def shutdown_kernels(self) -> None:
        """Stop every kernel: each holds its own TensorFlow, hundreds of MB."""
        with self._request("GET", "/api/kernels") as response:
            kernels = json.load(response)
        for kernel in kernels:
            self._request("DELETE", f"/api/kernels/{kernel['id']}").close()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def missing_browser() -> str | None:
    """Why the browser cannot be driven here, or None."""
    if not CHROMIUM.exists():
        return (
            f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) "
            "or point CHROMIUM at a Chrome/Chromium binary; "
            "Playwright drives it and cannot download a browser."
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed: run `make env` (requirements/dev.txt)"
    return None


def prompt_summary(texts: list[str]) -> str:
    """'not run 3, running 1, done 20' - how far Run All got, for failure messages."""
    queued = sum(t.strip() in ("[ ]:", "") for t in texts)
    running = sum(t.strip() == "[*]:" for t in texts)
    return f"not run {queued}, running {running}, done {len(texts) - queued - running}"


def fail(page, lab: Lab, notebook: str, why: str) -> None:
    """Raise with what a person needs to see why: a screenshot, the prompts and the server log."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / f"failed_{notebook.replace('/', '_')}.png"
    page.screenshot(path=str(shot), full_page=True)
    prompts = page.locator(".jp-CodeCell .jp-InputArea-prompt").all_inner_texts()
    dialogs = page.locator(".jp-Dialog").all_inner_texts()
    log = lab.log_path.read_text(errors="replace")[-2000:]
    raise AssertionError(
        f"{notebook}: {why}\nprompts: {prompt_summary(prompts)}\ndialogs: {dialogs}\n"
        f"screenshot: {shot}\nJupyterLab log (tail):\n{log}"
    )


def wait_for_idle_kernel(page, lab: Lab, notebook: str, timeout_s: float) -> None:
    """Wait until the status bar says 'Python 3 (ipykernel) | Idle'.

    Run All clicked while the session is still 'No Kernel | Initializing' opens a kernel
    picker instead of running (seen on a slow CI machine); the toolbar's execution indicator
    already reads 'idle' at that point, so the status bar is the signal to trust.
    """
    status = page.locator('.jp-StatusBar-TextItem[title^="Change kernel"]')
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        text = status.first.inner_text() if status.count() else ""
        if text.endswith("| Idle") and not text.startswith("No Kernel"):
            return
        time.sleep(0.25)
    fail(page, lab, notebook, f"the kernel was not idle after {timeout_s:.0f} s")


def run_all_cells(page) -> None:
    page.locator(".lm-MenuBar-item", has_text="Run").first.click()
    page.locator(".lm-Menu-item:visible", has_text="Run All Cells").first.click()


def open_notebook(lab: Lab, chromium, notebook: str):
    """Open a notebook in a new page and wait until its kernel is idle; returns the page."""
    page = chromium.new_page(viewport=VIEWPORT)
    page.goto(lab.url(notebook))
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
    # A notebook without a kernelspec would open a kernel picker instead of starting a kernel.
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator", timeout=60_000)
    if page.locator(".jp-Dialog").count():
        fail(page, lab, notebook, "a dialog (kernel picker?) opened")
    wait_for_idle_kernel(page, lab, notebook, 180.0)
    return page


def save_notebook(page, lab: Lab, notebook: str, timeout_s: float = 30.0) -> None:
    """Save the open notebook (Ctrl+S in command mode) and wait until the file has changed."""
    path = lab.root / notebook
    before = path.stat().st_mtime_ns
    page.locator(".jp-Notebook").first.click(position={"x": 5, "y": 5})
    page.keyboard.press("Escape")
    page.keyboard.press("Control+s")
    deadline = time.monotonic() + timeout_s
    while path.stat().st_mtime_ns == before:
        if time.monotonic() > deadline:
            fail(page, lab, notebook, f"not saved after {timeout_s:.0f} s")
        time.sleep(0.25)


def run_notebook(lab: Lab, chromium, notebook: str, timeout_s: float = 600.0,
                 wait_for: str = ".autodiff-explorer"):  # fmt: skip
    """Open a notebook, run all its cells and wait until every cell has run and `wait_for` is
    on the page; returns the page.

    The limits are generous because CI machines can be several times slower than a laptop; a
    healthy run of chapter 06 takes about 30 s here.
    """
    page = open_notebook(lab, chromium, notebook)
    prompts = page.locator(".jp-CodeCell .jp-InputArea-prompt")
    recorded = prompts.all_inner_texts()  # the saved execution counts, [1]: ... [26]:
    for _attempt in range(3):
        run_all_cells(page)
        started = time.monotonic() + 30.0
        while time.monotonic() < started:
            if prompts.all_inner_texts() != recorded:  # queued cells show [*]:
                break
            time.sleep(0.5)
        else:
            continue  # the click was lost (menu not ready): try again
        break
    else:
        fail(page, lab, notebook, "Run All Cells did not start any cell (3 tries)")
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        texts = prompts.all_inner_texts()
        if texts and all(t.strip() not in ("[*]:", "[ ]:", "") for t in texts):
            if page.locator(wait_for).count():
                break
        if page.locator(".jp-Dialog").count():
            fail(page, lab, notebook, "a dialog opened while running")
        time.sleep(1.0)
    else:
        fail(page, lab, notebook, f"cells still running after {timeout_s:.0f} s")
    return page


def error_outputs(page) -> list[str]:
    """The texts of every stderr and error output on the page."""
    return page.locator(STDERR).all_inner_texts() + page.locator(ERROR).all_inner_texts()
