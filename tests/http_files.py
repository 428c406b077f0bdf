"""A real HTTP server on 127.0.0.1 serving files from a dict, for feeds and fake APIs.

Each file answers with an ETag and a Last-Modified, and 304 to a conditional request that
matches; a path may redirect; every request is recorded (path and headers)."""

from __future__ import annotations

import hashlib
import ssl
import threading
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class File:
    body: bytes
    content_type: str = "text/calendar; charset=utf-8"
    last_modified: str = field(default_factory=lambda: formatdate(usegmt=True))
    validators: bool = True

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'


class HttpFiles:
    def __init__(self, *, tls: tuple[str, str] | None = None):
        """`tls`: (certificate, key) files to answer over HTTPS."""
        self.scheme = "https" if tls else "http"
        self.files: dict[str, File] = {}
        self.redirects: dict[str, str] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.answers: list[int] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                headers = {k.lower(): v for k, v in self.headers.items()}
                server.requests.append((self.path, headers))
                path = self.path.split("?", 1)[0]
                if path in server.redirects:
                    return self._answer(302, b"", {"Location": server.redirects[path]})
                file = server.files.get(path) or server.files.get(self.path)
                if file is None:
                    return self._answer(404, b"not found", {"Content-Type": "text/plain"})
                validators = (
                    {"ETag": file.etag, "Last-Modified": file.last_modified}
                    if file.validators
                    else {}
                )
                if file.validators and (
                    headers.get("if-none-match") == file.etag
                    or (
                        "if-none-match" not in headers
                        and headers.get("if-modified-since") == file.last_modified
                    )
                ):
                    return self._answer(304, b"", validators)
                return self._answer(
                    200, file.body, {"Content-Type": file.content_type, **validators}
                )

            def _answer(self, status, body, headers):
                server.answers.append(status)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )

    def url(self, path: str) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> HttpFiles:
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
