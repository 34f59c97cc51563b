"""A replay server for live-connector tests: real HTTP on 127.0.0.1, answers from recorded payloads.

No Mastodon or X server can run here, so the tests serve what those APIs recorded (the real
entities in ../shared/data/formats) in the shapes the APIs document: SSE for Mastodon's
streaming API, newline-delimited JSON for X's filtered stream, JSON for the REST calls. Each
route is a function of the request; every request is logged for the test to check.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}


@dataclass
class Reply:
    status: int = 200
    body: bytes | Iterator[bytes] = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


def json_reply(obj: Any, status: int = 200) -> Reply:
    return Reply(status, json.dumps(obj).encode())


Route = Callable[[Request], Reply]


class ReplayServer:
    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], Route] = {}
        self.log: list[Request] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _serve(self, method: str) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                req = Request(method, parts.path, parse_qs(parts.query), dict(self.headers), self.rfile.read(length))
                server.log.append(req)
                route = server.routes.get((method, parts.path)) or server._prefix(method, parts.path)
                reply = route(req) if route else Reply(404, b'{"error":"not found"}')
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                for k, v in reply.headers.items():
                    self.send_header(k, v)
                if isinstance(reply.body, bytes):
                    self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    self.wfile.write(reply.body)
                    return
                self.send_header("Connection", "close")
                self.end_headers()
                try:
                    for chunk in reply.body:  # a stream: written as it comes, closed at its end
                        self.wfile.write(chunk)
                        self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass
                self.close_connection = True

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

            def do_PUT(self) -> None:
                self._serve("PUT")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def _prefix(self, method: str, path: str) -> Route | None:
        for (m, p), route in self.routes.items():
            if m == method and p.endswith("*") and path.startswith(p[:-1]):
                return route
        return None

    def route(self, method: str, path: str) -> Callable[[Route], Route]:
        def add(fn: Route) -> Route:
            self.routes[(method, path)] = fn
            return fn

        return add

    def requests(self, method: str, prefix: str) -> list[Request]:
        return [r for r in self.log if r.method == method and r.path.startswith(prefix)]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
