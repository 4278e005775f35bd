"""JupyterHub for a workshop room on one server: `make hub` (tests and `make bench-room` too).

Learners log in with any name and the workshop password; the instructor logs in as `instructor`
with the admin password. Each learner gets a JupyterLab of their own (a process of the course's
hub environment, .venv-hub-user) with a home directory of their own under HUB_DIR/home/<name>,
where nbgitpuller links put their copy of the course. The idle culler stops servers nobody has
used for an hour (checked every 5 minutes; any request through the proxy, an open tab's
included, counts as use); each server stops kernels idle for 10 minutes
(.jupyter/jupyter_server_config.json, as `make lab`).

Everything listens on 127.0.0.1. Settings come from the environment (the Makefile sets them):
  HUB_DIR            state: database, cookie secret, homes, nbgrader's exchange (default build/hub)
  HUB_PORT           the proxy's public port, the one learners open (default 8000);
                     the hub's API uses HUB_PORT+1 and the proxy's API HUB_PORT+2
  HUB_PASSWORD       the workshop password (at least 8 characters)
  HUB_ADMIN_PASSWORD the instructor's password (at least 32 characters)
  HUB_CULL_TIMEOUT   seconds before an unused server is stopped (default 3600)
  HUB_KEEP_SERVERS=1 learners' servers and kernels keep running while the hub restarts (default:
                     stop them); the proxy stops with the hub, so learners are cut off until
                     it is back
Not a production setup: SimpleLocalProcessSpawner runs every learner as the same system user (no
isolation, no memory limit). On a real server, TLJH (systemd, one system user per learner) or
Kubernetes does that part: docs/instructor/en.md, "A room on one server".
"""

import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821 - JupyterHub's config loader provides it

ROOT = Path(__file__).resolve().parents[1]
HUB_DIR = Path(os.environ.get("HUB_DIR", ROOT / "build" / "hub")).resolve()
PORT = int(os.environ.get("HUB_PORT", "8000"))
USER_BIN = ROOT / ".venv-hub-user" / "bin"
PROXY = HUB_DIR / "node_modules" / ".bin" / "configurable-http-proxy"
if not PROXY.exists():  # tests and the bench keep their state elsewhere, the proxy stays here
    PROXY = ROOT / "build" / "hub" / "node_modules" / ".bin" / "configurable-http-proxy"

c.JupyterHub.bind_url = f"http://127.0.0.1:{PORT}"
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{PORT + 1}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{PORT + 2}"
c.ConfigurableHTTPProxy.command = [str(PROXY)]
c.ConfigurableHTTPProxy.pid_file = str(HUB_DIR / "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{HUB_DIR / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(HUB_DIR / "jupyterhub_cookie_secret")
# Learners' files live in their homes and survive any restart; with HUB_KEEP_SERVERS=1 their
# servers and kernels also keep running while the hub restarts (a new config, say).
c.JupyterHub.cleanup_servers = os.environ.get("HUB_KEEP_SERVERS") != "1"

# A shared workshop password: any name logs in (the names on the attendance list, say).
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = os.environ["HUB_PASSWORD"]
c.SharedPasswordAuthenticator.admin_password = os.environ["HUB_ADMIN_PASSWORD"]
c.Authenticator.admin_users = {"instructor"}
c.Authenticator.allow_all = True

c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = str(HUB_DIR / "home" / "{username}")
c.Spawner.cmd = [str(USER_BIN / "jupyterhub-singleuser")]
c.Spawner.ip = "127.0.0.1"
c.Spawner.default_url = "/lab"
# nbgrader (docs/instructor/en.md, "The loop on a JupyterHub"): notebooks pass through an exchange
# folder every server writes to (nbgrader's release_assignment insists on mode 777), and each
# server reads hub/nbgrader/<role>/ and hub/nbgrader/room/: learners get the Assignments panel
# only, the instructor (an admin) also nbgrader's authoring and grading tools.
EXCHANGE = HUB_DIR / "exchange"
EXCHANGE.mkdir(parents=True, exist_ok=True)
EXCHANGE.chmod(0o777)
NBGRADER_CONFIG = ROOT / "hub" / "nbgrader"


def nbgrader_config_path(spawner) -> str:
    role = "instructor" if spawner.user.admin else "learner"
    return os.pathsep.join(str(NBGRADER_CONFIG / folder) for folder in (role, "room"))


# Kernels and terminals find the course's environment first.
c.Spawner.environment = {
    "PATH": f"{USER_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    "JUPYTER_CONFIG_PATH": nbgrader_config_path,
    "NBGRADER_EXCHANGE_ROOT": str(EXCHANGE),
}
if os.geteuid() == 0:  # containers and CI often run as root; Jupyter refuses root unless told
    c.Spawner.args = ["--ServerApp.allow_root=True"]
# Sixteen servers starting at once on two cores take their time.
c.Spawner.start_timeout = 300
c.Spawner.http_timeout = 300

c.JupyterHub.services = [
    {
        "name": "idle-culler",
        "command": [
            sys.executable,
            "-m",
            "jupyterhub_idle_culler",
            f"--timeout={os.environ.get('HUB_CULL_TIMEOUT', '3600')}",
            # checked every 5 minutes (the default, timeout/2, stops a server up to 90 min late)
            "--cull-every=300",
        ],
    }
]
c.JupyterHub.load_roles = [
    {
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    }
]
