"""Learners as a script: a throw-away course hub, and clients that use it the way a browser does.

`Hub(workdir)` starts hub/jupyterhub_config.py on free ports with its own state under `workdir`;
`hub.learner(name)` logs in through the proxy with the workshop password (the login form, its
XSRF cookie and all), takes an API token, starts the learner's server and clicks nbgitpuller links
(`git_pull`); `Kernel` talks to a notebook's kernel over the same websocket JupyterLab uses: code
cells, and slider moves as the widget comm messages a browser sends. `pss` and `learner_pids`
measure what a learner costs the machine. Used by tests/hub and `make bench-room` (hub/
bench_room.py); runs in the course's dev venv (requests, tornado), never in the hub's.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import requests

ROOT = Path(__file__).resolve().parents[1]
JUPYTERHUB = ROOT / ".venv-hub" / "bin" / "jupyterhub"
CONFIG = ROOT / "hub" / "jupyterhub_config.py"


def free_port_block(size: int = 3) -> int:
    """A port p with p, p+1, ... p+size-1 free on 127.0.0.1 (proxy, hub API, proxy API)."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            base = s.getsockname()[1]
        if base + size > 65535:
            continue
        try:
            for port in range(base + 1, base + size):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
    raise RuntimeError("no block of free ports on 127.0.0.1")


class Hub:
    """The course's JupyterHub with state (database, homes, log) under `workdir`."""

    def __init__(self, workdir: Path, port: int | None = None, cull_timeout: int = 3600):
        self.dir = Path(workdir).resolve()
        (self.dir / "home").mkdir(parents=True, exist_ok=True)
        self.port = port or free_port_block()
        self.url = f"http://127.0.0.1:{self.port}"
        self.password = secrets.token_urlsafe(9)
        self.admin_password = secrets.token_urlsafe(33)
        self.env = {
            **os.environ,
            "HUB_DIR": str(self.dir),
            "HUB_PORT": str(self.port),
            "HUB_PASSWORD": self.password,
            "HUB_ADMIN_PASSWORD": self.admin_password,
            "HUB_CULL_TIMEOUT": str(cull_timeout),
        }
        self.log_path = self.dir / "jupyterhub.log"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 120.0) -> Hub:
        if not JUPYTERHUB.exists():
            raise RuntimeError(f"{JUPYTERHUB} is missing: run `make hub-env`")
        log = open(self.log_path, "a")  # noqa: SIM115 - the child holds it; closed with the hub
        self.process = subprocess.Popen(
            [str(JUPYTERHUB), "-f", str(CONFIG)],
            cwd=self.dir,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterHub exited:\n{self.log_tail()}")
            try:
                if requests.get(f"{self.url}/hub/health", timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"JupyterHub did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def stop(self) -> None:
        """Stop the hub (and with it, by default, every learner's server and the proxy)."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log_tail(self, chars: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:] if self.log_path.exists() else ""

    def learner(self, name: str, password: str | None = None) -> Learner:
        return Learner(self, name, password or self.password)


class Learner:
    """One learner: logged in through the proxy, with an API token for what JupyterLab does."""

    def __init__(self, hub: Hub, name: str, password: str):
        self.hub, self.name = hub, name
        self.http = requests.Session()
        login = f"{hub.url}/hub/login"
        self.http.get(login, timeout=30).raise_for_status()  # sets the _xsrf cookie
        xsrf = self.http.cookies.get("_xsrf", path="/hub/")
        reply = self.http.post(
            login,
            data={"username": name, "password": password, "_xsrf": xsrf},
            allow_redirects=False,
            timeout=60,
        )
        if reply.status_code != 302:
            raise PermissionError(f"{name} could not log in: HTTP {reply.status_code}")
        xsrf = self.http.cookies.get("_xsrf", path="/hub/")  # a new one, bound to the login
        reply = self.http.post(
            f"{hub.url}/hub/api/users/{name}/tokens",
            json={"note": "learner script"},
            headers={"X-XSRFToken": xsrf},
            timeout=30,
        )
        reply.raise_for_status()
        self.token = reply.json()["token"]
        self.api = requests.Session()
        self.api.headers["Authorization"] = f"token {self.token}"
        self.server = f"{hub.url}/user/{name}"
        self.home = hub.dir / "home" / name

    def start_server(self, timeout: float = 300.0) -> float:
        """Start the learner's JupyterLab and wait until it answers; seconds it took."""
        began = time.monotonic()
        reply = self.api.post(f"{self.hub.url}/hub/api/users/{self.name}/server", timeout=60)
        if reply.status_code not in (201, 202, 400):  # 400: already running
            reply.raise_for_status()
        while time.monotonic() - began < timeout:
            user = self.api.get(f"{self.hub.url}/hub/api/users/{self.name}", timeout=30).json()
            if user.get("servers", {}).get("", {}).get("ready"):
                return time.monotonic() - began
            time.sleep(0.25)
        raise TimeoutError(f"{self.name}'s server was not ready after {timeout:.0f} s")

    def stop_server(self, timeout: float = 120.0) -> None:
        self.api.delete(f"{self.hub.url}/hub/api/users/{self.name}/server", timeout=60)
        began = time.monotonic()
        while time.monotonic() - began < timeout:
            user = self.api.get(f"{self.hub.url}/hub/api/users/{self.name}", timeout=30).json()
            if not user.get("servers"):
                return
            time.sleep(0.5)
        raise TimeoutError(f"{self.name}'s server did not stop within {timeout:.0f} s")

    def git_pull(self, repo: str, branch: str, timeout: float = 300.0) -> list[str]:
        """What the page an nbgitpuller link opens does: clone or merge, streamed as events.

        Returns the progress lines; raises with nbgitpuller's message when it fails."""
        reply = self.api.get(
            f"{self.server}/git-pull/api",
            params={"repo": repo, "branch": branch},
            stream=True,
            timeout=timeout,
        )
        reply.raise_for_status()
        lines = []
        for line in reply.iter_lines(decode_unicode=True):
            if not line or not line.startswith("data:"):
                continue
            event = json.loads(line[5:])
            lines.append(event.get("output", ""))
            if event.get("phase") == "finished":
                return lines
            if event.get("phase") == "error":
                raise RuntimeError(f"nbgitpuller: {event.get('message')}\n{''.join(lines)}")
        raise RuntimeError("nbgitpuller's stream ended without 'finished'")

    def contents(self, path: str) -> dict:
        reply = self.api.get(f"{self.server}/api/contents/{quote(path)}", timeout=60)
        reply.raise_for_status()
        return reply.json()

    def save(self, path: str, notebook: dict) -> None:
        """Save a notebook as JupyterLab does (through the server's pre-save hook)."""
        reply = self.api.put(
            f"{self.server}/api/contents/{quote(path)}",
            json={"type": "notebook", "format": "json", "content": notebook},
            timeout=60,
        )
        reply.raise_for_status()

    def open_notebook(self, path: str) -> str:
        """A session for `path`, as JupyterLab opens one for a notebook tab; its kernel's id."""
        reply = self.api.post(
            f"{self.server}/api/sessions",
            json={
                "path": path,
                "name": path.rsplit("/", 1)[-1],
                "type": "notebook",
                "kernel": {"name": "python3"},
            },
            timeout=120,
        )
        reply.raise_for_status()
        return reply.json()["kernel"]["id"]

    def kernels(self) -> list[dict]:
        reply = self.api.get(f"{self.server}/api/kernels", timeout=30)
        reply.raise_for_status()
        return reply.json()

    def kernel_url(self, kernel_id: str) -> str:
        ws = self.server.replace("http://", "ws://", 1)
        return f"{ws}/api/kernels/{kernel_id}/channels?session_id={uuid.uuid4().hex}"


def decode(frame: str | bytes) -> dict:
    """A kernel websocket message: JSON text, or a binary frame whose JSON follows an offset table
    (messages with buffers, such as a figure's PNG; jupyter_server's default protocol)."""
    if isinstance(frame, str):
        return json.loads(frame)
    count = int.from_bytes(frame[:4], "big")
    offsets = [int.from_bytes(frame[4 * (i + 1) : 4 * (i + 2)], "big") for i in range(count)]
    end = offsets[1] if count > 1 else len(frame)
    return json.loads(frame[offsets[0] : end])


class Kernel:
    """A notebook's kernel over its websocket (async: one event loop per learner thread)."""

    def __init__(self, learner: Learner, kernel_id: str):
        self.learner, self.kernel_id = learner, kernel_id
        self.session = uuid.uuid4().hex
        self.sliders: dict[str, dict] = {}  # comm id -> state of each FloatSlider/IntSlider
        self.ws = None

    async def connect(self) -> Kernel:
        from tornado.httpclient import HTTPRequest
        from tornado.websocket import websocket_connect

        request = HTTPRequest(
            self.learner.kernel_url(self.kernel_id),
            headers={"Authorization": f"token {self.learner.token}"},
        )
        self.ws = await websocket_connect(request, max_message_size=64 * 2**20)
        return self

    def close(self) -> None:
        if self.ws is not None:
            self.ws.close()

    async def _send(self, msg_type: str, content: dict) -> str:
        msg_id = uuid.uuid4().hex
        header = {
            "msg_id": msg_id,
            "msg_type": msg_type,
            "session": self.session,
            "username": self.learner.name,
            "version": "5.3",
            "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        message = {
            "header": header,
            "parent_header": {},
            "metadata": {},
            "content": content,
            "channel": "shell",
            "buffers": [],
        }
        await self.ws.write_message(json.dumps(message))
        return msg_id

    async def _until_idle(self, msg_id: str, timeout: float, on_message=None) -> list[dict]:
        """Every iopub message the request caused, up to the kernel's 'idle' for it."""
        import asyncio

        seen = []
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no reply from the kernel within {timeout:.0f} s")
            frame = await asyncio.wait_for(self.ws.read_message(), left)
            if frame is None:
                raise ConnectionError("the kernel's websocket closed")
            msg = decode(frame)
            self._note_widget(msg)
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if on_message:
                on_message(msg)
            seen.append(msg)
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return seen

    def _note_widget(self, msg: dict) -> None:
        if msg.get("msg_type") != "comm_open":
            return
        state = msg["content"].get("data", {}).get("state", {})
        if state.get("_model_name") in ("FloatSliderModel", "IntSliderModel"):
            self.sliders[msg["content"]["comm_id"]] = state

    async def execute(self, code: str, timeout: float = 600.0) -> tuple[float, list[dict]]:
        """Run a cell; (seconds from request to the kernel's idle, its output messages)."""
        began = time.monotonic()
        msg_id = await self._send(
            "execute_request",
            {
                "code": code,
                "silent": False,
                "store_history": True,
                "user_expressions": {},
                "allow_stdin": False,
                "stop_on_error": True,
            },
        )
        seen = await self._until_idle(msg_id, timeout)
        outputs = [
            m
            for m in seen
            if m["msg_type"] in ("stream", "display_data", "execute_result", "error")
        ]
        return time.monotonic() - began, outputs

    async def move(self, comm_id: str, value: float, timeout: float = 60.0) -> float:
        """Move a slider as the browser does (a comm 'update' of its value); seconds until the
        kernel has sent the new figure (an Image update with its PNG buffer)."""
        began = time.monotonic()
        figure_at = []

        def figure(msg):
            data = msg["content"].get("data", {}) if msg["msg_type"] == "comm_msg" else {}
            if data.get("method") == "update" and ["value"] in data.get("buffer_paths", []):
                figure_at.append(time.monotonic())

        msg_id = await self._send(
            "comm_msg",
            {
                "comm_id": comm_id,
                "data": {"method": "update", "state": {"value": value}, "buffer_paths": []},
            },
        )
        await self._until_idle(msg_id, timeout, figure)
        if not figure_at:
            raise RuntimeError(f"slider moved to {value}, but no new figure came back")
        self.sliders[comm_id]["value"] = value
        return figure_at[0] - began


def pss(pid: int) -> int:
    """Proportional set size in bytes: shared pages split between the processes that map them,
    so summing it over processes counts TensorFlow's libraries once. 0 for a gone process."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            return next(int(line.split()[1]) * 1024 for line in f if line.startswith("Pss:"))
    except (OSError, StopIteration):
        return 0


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                todo += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                pass
    return found


def learner_pids(hub: Hub) -> dict[str, list[int]]:
    """{learner: [their server and every process it started (kernels)]} for this hub's servers."""
    servers = {}
    homes = str(hub.dir / "home").encode() + b"/"  # the spawner sets HOME to the learner's
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes()
            if b"jupyterhub-singleuser" not in cmdline:
                continue
            environ = (proc / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        env = dict(item.split(b"=", 1) for item in environ if b"=" in item)
        if env.get(b"HOME", b"").startswith(homes) and b"JUPYTERHUB_USER" in env:
            servers[env[b"JUPYTERHUB_USER"].decode()] = descendants(int(proc.name))
    return servers


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of processes, in seconds."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError):
            pass
    return total / ticks


def missing_hub() -> str | None:
    """Why a hub cannot start here (`make hub-env` builds what it needs), or None."""
    needs = [
        ROOT / ".venv-hub" / ".installed",
        ROOT / ".venv-hub-user" / ".installed",
        ROOT / "build" / "hub" / "node_modules" / ".bin" / "configurable-http-proxy",
    ]
    missing = [str(p.relative_to(ROOT)) for p in needs if not p.exists()]
    return f"run `make hub-env` first ({', '.join(missing)} missing)" if missing else None
