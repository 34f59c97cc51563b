"""Server-sent events: a plain-HTTP reader and the event-stream framing (the parser is pure)."""

from __future__ import annotations

import http.client
import urllib.parse
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from cauterize.live.source import Disconnected, Fatal


@dataclass(frozen=True, slots=True)
class ServerEvent:
    event: str
    data: str
    id: str | None = None


def parse_events(lines: Iterable[str]) -> Iterator[ServerEvent]:
    """Frame ``text/event-stream`` lines (without their newlines) into events, as the HTML spec says.

    Comment lines (``:thump``, Mastodon's heartbeat) are skipped; ``data`` lines of one event are
    joined with newlines; an event is dispatched at a blank line, and one with no data is dropped.
    """
    event, data, last_id = "message", [], None
    for line in lines:
        if line == "":
            if data:
                yield ServerEvent(event, "\n".join(data), last_id)
            event, data = "message", []
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        if value.startswith(" "):
            value = value[1:]
        if name == "event":
            event = value
        elif name == "data":
            data.append(value)
        elif name == "id" and "\0" not in value:
            last_id = value


def open_stream(
    url: str, headers: dict[str, str], timeout: float = 90.0
) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
    """GET ``url`` and return the open response; raises ``Disconnected`` for any non-200 answer."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Fatal(f"not an http(s) URL: {url!r}")
    cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    conn = cls(parts.hostname, parts.port, timeout=timeout)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    conn.request("GET", path, headers={"Accept": "text/event-stream", **headers})
    resp = conn.getresponse()
    if resp.status in (401, 403):
        conn.close()
        raise Fatal(f"{url}: HTTP {resp.status} (check the access token and its scopes)")
    if resp.status != 200:
        body = resp.read(500).decode("utf-8", "replace")
        conn.close()
        raise Disconnected(f"{url}: HTTP {resp.status} {body}", resp.status)
    return conn, resp


def lines_of(resp: http.client.HTTPResponse, max_line: int = 4 << 20) -> Iterator[str]:
    """The response's lines as text, until the server closes it (then ``Disconnected``)."""
    while True:
        try:
            raw = resp.readline(max_line + 1)
        except TimeoutError:
            raise Disconnected("nothing received, not even a heartbeat, for the read timeout", idle=True) from None
        if not raw:
            raise Disconnected("the server closed the stream")
        if len(raw) > max_line:
            raise Disconnected(f"a line longer than {max_line} bytes: the stream is not SSE")
        yield raw.decode("utf-8", "replace").rstrip("\r\n")
