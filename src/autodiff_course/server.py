"""JupyterLab's server, tuned for the explorers: kernel messages leave the server at once.

Tornado leaves Nagle's algorithm on for a websocket unless asked. A slider move sends several
small messages in a row (the kernel's 'busy', the widget's echo, the figure, the numbers), and
with Nagle on, a small message can wait until the browser acknowledges the one before, which
the browser's system may delay (on Linux about 40 ms on a local connection; other systems and
slower links can take longer). Every other move of the chapter-09 explorer took about twice as
long (measured locally with `make bench-browser`: median 50 ms, 25 ms with TCP_NODELAY).

`.jupyter/jupyter_server_config.json` names this class and `keep_stills` below, and `make lab`
and Binder install that file; the server imports this module, notebooks never do.
"""

from __future__ import annotations

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection


class NoDelayKernelConnection(ZMQChannelsWebsocketConnection):
    """The default kernel websocket connection, with TCP_NODELAY on the server's socket."""

    def connect(self):
        self.websocket_handler.set_nodelay(True)
        return super().connect()


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def keep_stills(model, **_kwargs) -> None:
    """A pre-save hook: a saved notebook keeps its explorers' stills, not their widget views.

    A widget view names a model that lives in the kernel; reopened with a new kernel,
    JupyterLab shows "Error displaying widget: model not found" for it and nothing else. Without
    the view, the output's still (image/png) and numbers (text/plain) are what a reopened
    notebook shows, as in the recorded notebooks (course_tools.notebooks drops the views too).
    The open notebook keeps its live widgets: only the file on disk loses the views.
    """
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    notebook = model["content"]
    notebook.get("metadata", {}).pop("widgets", None)  # saved widget state: views are gone
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []) or []:
            output.get("data", {}).pop(WIDGET_VIEW, None)
