"""JupyterLab's server, tuned for the explorers: kernel messages leave the server at once.

Tornado leaves Nagle's algorithm on for a websocket unless asked. A slider move sends several
small messages in a row (the kernel's 'busy', the widget's echo, the figure, the numbers), and
with Nagle on, a small message can wait until the browser acknowledges the one before, which
the browser's system may delay (on Linux about 40 ms on a local connection; other systems and
slower links can take longer). Every other move of the chapter-09 explorer took about twice as
long (measured locally with `make bench-browser`: median 50 ms, 25 ms with TCP_NODELAY).

`.jupyter/jupyter_server_config.json` names this class, and `make lab` and Binder install that
file; the server imports this module, notebooks never do.
"""

from __future__ import annotations

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection


class NoDelayKernelConnection(ZMQChannelsWebsocketConnection):
    """The default kernel websocket connection, with TCP_NODELAY on the server's socket."""

    def connect(self):
        self.websocket_handler.set_nodelay(True)
        return super().connect()
