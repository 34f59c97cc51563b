"""Mastodon's streaming API over server-sent events.

``/api/v1/streaming/{public, public/local, hashtag?tag=, user, ...}`` sends each event as SSE
(``event: update`` + ``data: <Status JSON>``; ``delete`` carries a status id). Each event is
handed on in the shape the WebSocket sends it, ``{"stream": [...], "event": ..., "payload": ...}``,
which :mod:`cauterize.ingest.mastodon` reads, plus ``recorded_at`` (when it arrived: a delete has
no time of its own). The API offers no resume point: events sent while disconnected are lost,
which docs/connectors.md says, and the back-off keeps the gap short.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from cauterize.live.health import Health
from cauterize.live.source import Fatal
from cauterize.live.sse import lines_of, open_stream, parse_events

#: Stream names (as the WebSocket calls them) -> SSE paths under /api/v1/streaming/.
STREAMS = {
    "public": "public",
    "public:local": "public/local",
    "public:remote": "public/remote",
    "hashtag": "hashtag",
    "hashtag:local": "hashtag/local",
    "user": "user",
    "user:notification": "user/notification",
}


class MastodonStream:
    """One streaming connection. ``base`` is the instance's URL (``https://mastodon.example``)."""

    SCHEME = "mastodon"
    FORMAT = "mastodon"

    @classmethod
    def from_spec(cls, address: str, options: dict[str, str], data_dir: Path) -> MastodonStream:
        token = options.get("token") or os.environ.get(options.get("token_env", "MASTODON_TOKEN"))
        return cls(address, options.get("stream", "public"), options.get("tag"), token)

    def __init__(
        self,
        base: str,
        stream: str = "public",
        tag: str | None = None,
        token: str | None = None,
        read_timeout: float = 90.0,
    ):
        if stream not in STREAMS:
            raise Fatal(f"unknown Mastodon stream {stream!r}; known: {', '.join(STREAMS)}")
        if stream.startswith("hashtag") and not tag:
            raise Fatal("a hashtag stream needs a tag")
        self.base = base.rstrip("/")
        self.stream, self.tag, self.token = stream, tag, token
        self.read_timeout = read_timeout
        self.name = f"mastodon:{self.base}/{stream}" + (f"#{tag}" if tag else "")

    def url(self) -> str:
        from urllib.parse import quote

        url = f"{self.base}/api/v1/streaming/{STREAMS[self.stream]}"
        return url + (f"?tag={quote(self.tag)}" if self.tag else "")

    def session(self, health: Health) -> Iterator[bytes]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        conn, resp = open_stream(self.url(), headers, self.read_timeout)
        health.up()
        stream = [self.stream] + ([self.tag] if self.tag else [])
        try:
            for ev in parse_events(lines_of(resp)):
                now = datetime.now(UTC)
                health.saw(now)
                yield json.dumps(
                    {
                        "stream": stream,
                        "event": ev.event,
                        "payload": ev.data,
                        "recorded_at": now.isoformat().replace("+00:00", "Z"),
                    }
                ).encode()
        finally:
            conn.close()
