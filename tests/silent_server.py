"""A server on 127.0.0.1 that accepts connections and never answers: a mail server or a Redis
that hangs, which a refused connection does not show."""

from __future__ import annotations

import socket
import threading


class SilentServer:
    def __init__(self):
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(64)
        self._socket.settimeout(0.1)
        self.port = self._socket.getsockname()[1]
        self.connected = threading.Event()
        self.connections: list[socket.socket] = []
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self):
        while not self._stopped.is_set():
            try:
                conn, _address = self._socket.accept()
            except TimeoutError:
                continue
            self.connections.append(conn)  # held open, never written to
            self.connected.set()

    def __enter__(self) -> SilentServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stopped.set()
        self._thread.join()
        for conn in self.connections:
            conn.close()
        self._socket.close()
