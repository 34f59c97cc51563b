"""Bluesky Jetstream: the firehose as JSON over a WebSocket (``wss://jetstream2.us-east.bsky.network``).

Lines are passed on as they come (the ``jetstream`` adapter reads them). The cursor is
``time_us`` of the last line, kept in a :class:`~cauterize.live.cursor.CursorFile` (written behind
the pipeline). On reconnect it is sent back less a few seconds, as Jetstream's documentation
advises, so that a gap is impossible; the replayed lines are the same events with the same ids,
and the store drops them. ``collections`` narrows the stream to the collections cauterize reads.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

from cauterize.live.cursor import CursorFile
from cauterize.live.health import Health
from cauterize.live.source import Fatal, websocket_messages

#: What the jetstream adapter turns into events.
COLLECTIONS = ("app.bsky.feed.post", "app.bsky.feed.repost", "app.bsky.graph.follow", "app.bsky.actor.profile")
REWIND_US = 5_000_000


class JetstreamClient:
    SCHEME = "jetstream"
    FORMAT = "jetstream"

    def __init__(
        self,
        url: str,
        cursor_file: Path | None = None,
        collections: tuple[str, ...] = COLLECTIONS,
        read_timeout: float = 30.0,
        cursor_lag: float = 10.0,
    ):
        if not url.startswith(("ws://", "wss://")):
            raise Fatal(f"a Jetstream URL is ws:// or wss://: {url!r}")
        self.base = url.rstrip("/")
        if not self.base.endswith("/subscribe"):
            self.base += "/subscribe"
        self.collections = collections
        self.cursor = CursorFile(cursor_file, cursor_lag)
        saved = self.cursor.load()
        self.time_us: int | None = int(saved) if saved and saved.isdigit() else None
        self.read_timeout = read_timeout
        self.name = f"jetstream:{url}"

    @classmethod
    def from_spec(cls, address: str, options: dict[str, str], data_dir: Path) -> JetstreamClient:
        cursor = options.get("cursor_file")
        collections = tuple(c for c in options.get("collections", ",".join(COLLECTIONS)).split(",") if c)
        return cls(
            address,
            Path(cursor) if cursor else data_dir / "live" / "jetstream.cursor",
            collections,
            float(options.get("read_timeout", 30.0)),
        )

    def url(self) -> str:
        params: list[tuple[str, str]] = [("wantedCollections", c) for c in self.collections]
        if self.time_us is not None:
            params.append(("cursor", str(max(0, self.time_us - REWIND_US))))
        return self.base + ("?" + urlencode(params) if params else "")

    def session(self, health: Health) -> Iterator[bytes]:
        for data in websocket_messages(self.url(), self.read_timeout, 4 << 20, health):
            raw = data.encode() if isinstance(data, str) else data
            try:
                t = json.loads(raw).get("time_us")
            except (ValueError, AttributeError):
                t = None  # the adapter dead-letters it; the cursor stays where it was
            if isinstance(t, int):
                self.time_us = t
                self.cursor.advance(str(t))
                health.saw(datetime.fromtimestamp(t / 1e6, UTC), str(t))
            else:
                health.saw()
            yield raw
