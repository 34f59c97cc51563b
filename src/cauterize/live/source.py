"""A live connection as a pipeline source: reconnects, ticks through quiet spells, reports health.

A connector opens one session with its platform and yields records (bytes in a format an
adapter reads) until the session ends; it raises :class:`Disconnected` (or any ``OSError``)
when the platform goes away. :class:`LiveSource` runs it on a thread, reconnects after the
connector's back-off, and hands the pipeline a record or, every ``tick_seconds`` of silence, a
tick, so held events are released on time while the platform is quiet or gone.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Iterator
from typing import Protocol

from cauterize.ingest.base import RawRecord
from cauterize.live.backoff import Backoff, http_backoff, network_backoff, rate_limit_backoff
from cauterize.live.health import Health


class Disconnected(Exception):
    """The session ended; ``http_status`` says whether the server refused (and how)."""

    def __init__(self, message: str, http_status: int | None = None, idle: bool = False):
        super().__init__(message)
        self.http_status = http_status
        #: Nothing came for the read timeout: a quiet source, not a failing one. The reconnect
        #: is quick and does not grow the back-off (a quiet local PDS would otherwise push it
        #: to its cap and the next post would wait that long).
        self.idle = idle


def websocket_messages(url: str, read_timeout: float, max_size: int, health: Health) -> Iterator[str | bytes]:
    """Each message of one WebSocket connection, until it drops (``Disconnected``, for the back-off).

    Silence past ``read_timeout`` counts as a drop too (``idle``): a quiet local server and a dead
    connection look the same, and a reconnect from the cursor costs little.
    """
    from websockets.exceptions import ConnectionClosed
    from websockets.sync.client import connect

    try:
        ws = connect(url, open_timeout=10, max_size=max_size, proxy=None)
    except OSError as exc:
        raise Disconnected(f"{url}: {exc}") from exc
    health.up()
    with ws:
        while True:
            try:
                yield ws.recv(timeout=read_timeout)
            except TimeoutError:
                raise Disconnected(f"nothing received for {read_timeout:.0f} s", idle=True) from None
            except ConnectionClosed as exc:
                raise Disconnected(f"closed: {exc}") from None


class Fatal(Exception):
    """Reconnecting cannot help (bad credentials, a malformed URL): the source stops and says why."""


class Connector(Protocol):
    name: str

    def session(self, health: Health) -> Iterator[bytes]: ...


class LiveSource:
    """The pipeline's view of a connector (``live = True``: wall-clock flush bounds apply)."""

    live = True

    def __init__(self, connector: Connector, tick_seconds: float = 0.5, max_queue: int = 10_000):
        self.connector = connector
        self.name = connector.name
        self.tick_seconds = tick_seconds
        self.health = Health(connector.name)
        self._inbox: queue.Queue[bytes | BaseException | None] = queue.Queue(max_queue)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._net, self._http, self._rate = network_backoff(), http_backoff(), rate_limit_backoff()
        #: The waits taken before each reconnect, newest last (for health and tests).
        self.waits: list[float] = []

    def stop(self) -> None:
        """End the run: the reader stops reconnecting and ``records`` returns."""
        self._stop.set()

    def _wait_for(self, exc: BaseException) -> float:
        if getattr(exc, "idle", False):
            self._net.reset()
            self._http.reset()
            self._rate.reset()
            return self._net.next()
        status = getattr(exc, "http_status", None)
        if status == 429:
            return self._rate.next()
        if status is not None:
            return self._http.next()
        return self._net.next()

    def _pump(self) -> None:
        # Tests shrink every wait (CAUTERIZE_LIVE_BACKOFF_SCALE); a deployment never sets it.
        backoff_scale = float(
            getattr(self.connector, "backoff_scale", os.environ.get("CAUTERIZE_LIVE_BACKOFF_SCALE", 1.0))
        )
        while not self._stop.is_set():
            try:
                got_any = False
                for data in self.connector.session(self.health):
                    if not got_any:
                        got_any = True
                        self._net.reset()
                        self._http.reset()
                        self._rate.reset()
                    while not self._stop.is_set():
                        try:
                            self._inbox.put(data, timeout=0.5)
                            break
                        except queue.Full:  # the pipeline is behind: the socket waits, nothing is dropped
                            continue
                    if self._stop.is_set():
                        break
                self.health.down(None)
                if self._stop.is_set():
                    break
                wait = self._net.next() * backoff_scale
            except Fatal as exc:
                self.health.down(str(exc))
                self._inbox.put(exc)
                return
            except Exception as exc:  # any failure of one session: reconnect after the back-off
                self.health.down(f"{type(exc).__name__}: {exc}")
                wait = self._wait_for(exc) * backoff_scale
            self.waits.append(wait)
            del self.waits[:-100]
            self._stop.wait(wait)
        self._inbox.put(None)

    def records(self) -> Iterator[RawRecord]:
        self._thread = threading.Thread(target=self._pump, name=f"cauterize-live-{self.name}", daemon=True)
        self._thread.start()
        position = 0
        while True:
            try:
                item = self._inbox.get(timeout=self.tick_seconds)
            except queue.Empty:
                if self._stop.is_set():  # the reader may sit in a blocking receive: it is a daemon
                    return
                yield RawRecord(self.name, 0, b"", tick=True)
                continue
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            position += 1
            yield RawRecord(self.name, position, item)


__all__ = ["Backoff", "Connector", "Disconnected", "Fatal", "LiveSource"]
