"""Where records come from: files (plain or gzip), stdin, or bytes handed over by a server.

A source only frames bytes into records (JSON Lines, or one whole JSON document for inputs
such as a saved API response); it never parses them. A line over ``max_record_bytes`` is
not held in memory: it is skipped to its end and handed on as a record carrying an error,
so the pipeline can dead-letter it with its position and the run goes on.
"""

from __future__ import annotations

import gzip
import io
import queue
import sys
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Protocol

import msgspec

from cauterize.ingest.base import RawRecord

DEFAULT_MAX_RECORD_BYTES = 4 * 1024 * 1024
_KEEP_OF_OVERSIZED = 256  # bytes of an oversized record kept for the dead-letter row
_CHUNK = 1 << 16


class Source(Protocol):
    name: str
    #: A source that never ends and delivers events as they happen (stdin, a broker): the
    #: pipeline then bounds how long an event waits in wall-clock time, not only event time.
    live: bool

    def records(self) -> Iterator[RawRecord]: ...


def _oversized(name: str, position: int, head: bytes, size: int, max_bytes: int) -> RawRecord:
    return RawRecord(
        name,
        position,
        head[:_KEEP_OF_OVERSIZED],
        error=f"record of {size} bytes exceeds the limit of {max_bytes} bytes",
    )


def _frame_lines(stream: BinaryIO, name: str, max_bytes: int) -> Iterator[RawRecord]:
    # Splits whole chunks rather than calling readline per line (a third of the framing cost on
    # the ingest path). read1 returns what one read gives, so a pipe's lines are framed as they
    # arrive, not once 64 KB have piled up. A line is oversized when its content, without the
    # newline, exceeds max_bytes; its size in the error counts the newline, and its bytes are
    # skipped, never held.
    read = stream.read1  # type: ignore[attr-defined]
    position = 0
    pending: list[bytes] = []  # pieces of a line not yet ended
    pending_len = 0
    skipped = -1  # >= 0 while skipping an oversized line: its bytes so far
    head = b""
    while chunk := read(_CHUNK):
        nl = chunk.find(b"\n")
        if nl == -1:
            if skipped >= 0:
                skipped += len(chunk)
                if len(head) < _KEEP_OF_OVERSIZED:
                    head = (head + chunk)[:_KEEP_OF_OVERSIZED]
                continue
            pending.append(chunk)
            pending_len += len(chunk)
            if pending_len > max_bytes:
                head, skipped = b"".join(pending)[:_KEEP_OF_OVERSIZED], pending_len
                pending, pending_len = [], 0
            continue
        position += 1
        if skipped >= 0:
            if len(head) < _KEEP_OF_OVERSIZED:
                head = (head + chunk[:nl])[:_KEEP_OF_OVERSIZED]
            yield _oversized(name, position, head, skipped + nl + 1, max_bytes)
            skipped = -1
        else:
            line = b"".join((*pending, chunk[:nl])) if pending else chunk[:nl]
            pending, pending_len = [], 0
            if len(line) > max_bytes:
                yield _oversized(name, position, line, len(line) + 1, max_bytes)
            elif line := line.strip():
                yield RawRecord(name, position, line)
        lines = chunk[nl + 1 :].split(b"\n")
        last = lines.pop()
        for line in lines:
            position += 1
            if len(line) > max_bytes:
                yield _oversized(name, position, line, len(line) + 1, max_bytes)
            elif line := line.strip():
                yield RawRecord(name, position, line)
        if last:
            if len(last) > max_bytes:
                head, skipped = last[:_KEEP_OF_OVERSIZED], len(last)
            else:
                pending, pending_len = [last], len(last)
    if skipped >= 0:
        yield _oversized(name, position + 1, head, skipped, max_bytes)
    elif pending:
        line = b"".join(pending)
        if line := line.strip():
            yield RawRecord(name, position + 1, line)


def _looks_like_document(head: bytes) -> bool:
    """A pretty-printed JSON document or a JSON array, rather than JSON Lines.

    The first line decides: a whole JSON value on it (or one too deeply nested to decode, which
    is a hostile line, not an indented document) means JSON Lines; an unfinished one means an
    indented document. A lone line opening with ``[`` is an array document.
    """
    stripped = head.lstrip()
    if not stripped.startswith((b"[", b"{")):
        return False
    newline = stripped.find(b"\n")
    if newline == -1:
        return stripped.startswith(b"[")  # one long first line: an array, or one JSON Lines record
    try:
        msgspec.json.decode(stripped[:newline])
    except msgspec.DecodeError:
        return True  # the first line is not a whole JSON value: an indented document
    except RecursionError:
        return False
    return False


def frame(stream: BinaryIO, name: str, max_bytes: int = DEFAULT_MAX_RECORD_BYTES) -> Iterator[RawRecord]:
    # An already buffered stream (stdin, an open file) is read as it is: a second buffer on top
    # would fill itself with the first one's readinto, which blocks until the whole buffer is
    # full, so a pipe's lines would wait for 64 KB behind them. Only the sniffing below reads
    # less then (peek gives at most the inner buffer, 8 KB): enough for the first line's test.
    buffered = (
        stream if isinstance(stream, io.BufferedReader) else io.BufferedReader(stream, buffer_size=_CHUNK)  # type: ignore[arg-type]
    )
    head = buffered.peek(_CHUNK)[:_CHUNK]
    if _looks_like_document(head):
        data = buffered.read(max_bytes + 1)
        if len(data) > max_bytes:
            yield RawRecord(
                name, 1, data[:_KEEP_OF_OVERSIZED], error=f"document exceeds the limit of {max_bytes} bytes"
            )
        else:
            yield RawRecord(name, 1, data.strip())
        return
    yield from _frame_lines(buffered, name, max_bytes)


class FileSource:
    """A file on disk; gzip is recognised by its magic bytes, not its name."""

    live = False

    def __init__(self, path: str | Path, max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES):
        self.path = Path(path)
        self.name = str(path)
        self.max_record_bytes = max_record_bytes

    def size(self) -> int:
        return self.path.stat().st_size

    def records(self) -> Iterator[RawRecord]:
        with open(self.path, "rb") as raw:
            if raw.read(2) == b"\x1f\x8b":
                raw.seek(0)
                last = 0
                try:
                    with gzip.open(raw, "rb") as gz:
                        for record in frame(gz, self.name, self.max_record_bytes):  # type: ignore[arg-type]
                            last = record.position
                            yield record
                except (EOFError, OSError, zlib.error) as exc:
                    # Truncated or corrupt: what was read whole is kept; the rest is one dead letter.
                    yield RawRecord(
                        self.name,
                        last + 1,
                        b"",
                        error=f"gzip data unreadable after line {last} ({exc}): the rest of the file is lost",
                    )
            else:
                raw.seek(0)
                yield from frame(raw, self.name, self.max_record_bytes)


class StdinSource:
    """Standard input, as a live stream: a pipe that may go quiet for a while, then resume.

    Reading blocks, so a thread reads and frames, and ``records`` yields a ``tick`` record
    whenever nothing came for ``tick_seconds``: the pipeline's wall-clock bounds (how long an
    event may be held, how long a batch may wait) then hold through a quiet spell too.
    """

    name = "<stdin>"
    live = True

    def __init__(
        self,
        max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
        tick_seconds: float = 1.0,
        stream: BinaryIO | None = None,
    ):
        self.max_record_bytes = max_record_bytes
        self.tick_seconds = tick_seconds
        self._stream = stream

    def records(self) -> Iterator[RawRecord]:
        stream = self._stream if self._stream is not None else sys.stdin.buffer
        inbox: queue.SimpleQueue[RawRecord | BaseException | None] = queue.SimpleQueue()

        def pump() -> None:
            try:
                for record in frame(stream, self.name, self.max_record_bytes):
                    inbox.put(record)
            except BaseException as exc:  # handed to the reader, raised there
                inbox.put(exc)
            inbox.put(None)

        threading.Thread(target=pump, name="cauterize-stdin", daemon=True).start()
        while True:
            try:
                item = inbox.get(timeout=self.tick_seconds)
            except queue.Empty:
                yield RawRecord(self.name, 0, b"", tick=True)
                continue
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield item


class BytesSource:
    """Records from bytes already in memory, e.g. the body of an HTTP ingest request."""

    live = False

    def __init__(self, data: bytes, name: str, max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES):
        self.data = data
        self.name = name
        self.max_record_bytes = max_record_bytes

    def records(self) -> Iterator[RawRecord]:
        yield from frame(io.BytesIO(self.data), self.name, self.max_record_bytes)
