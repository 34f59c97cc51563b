"""Cutting an archive into partitions that workers can read on their own, and reading them.

* a plain JSON Lines file is cut into byte ranges that start at a line (the planner reads the
  file once to find line starts, so each partition also knows the number of its first line and
  dead letters name the same line as ``cauterize ingest`` would);
* a gzip file cannot be entered in the middle: it is one partition, read by the ingest
  :class:`~cauterize.ingest.sources.FileSource` (so a truncated file loses only its tail);
* a whole JSON document (a saved API response) is one partition, read the same way;
* a Parquet file is one partition per row group. Its records are in a ``record`` column (raw
  records in any format the adapters read, text or binary), or a ``payload`` column (canonical
  events, as the store's ``events`` table and ``cauterize backfill --out`` keep them).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cauterize.ingest.base import RawRecord
from cauterize.ingest.sources import DEFAULT_MAX_RECORD_BYTES, FileSource, _looks_like_document, frame

#: A plain file is cut into pieces of about this many bytes (big enough that a task's start-up
#: is noise, small enough that two workers share a 100 MB file evenly).
DEFAULT_PARTITION_BYTES = 32 * 1024 * 1024
_PARQUET_MAGIC = b"PAR1"
_GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True, slots=True)
class Partition:
    """One unit of work: which bytes of which file, and how to frame them."""

    index: int
    path: str
    #: ``lines`` (a byte range of a JSON Lines file), ``file`` (gzip or one document, whole),
    #: ``parquet`` (one row group).
    kind: str
    start: int = 0
    end: int = 0
    #: Line number of the range's first line (``lines``), or the row group (``parquet``).
    first: int = 1
    #: The name dead letters and per-source counts use: the path as given, like ``ingest``.
    name: str = ""


def plan(paths: list[Path], partition_bytes: int = DEFAULT_PARTITION_BYTES) -> list[Partition]:
    """The partitions of every archive file, in the order given."""
    out: list[Partition] = []
    for path in paths:
        name = str(path)
        with open(path, "rb") as f:
            head = f.read(64 * 1024)
        if head.startswith(_PARQUET_MAGIC):
            out.extend(_parquet_parts(path, name, len(out)))
        elif head.startswith(_GZIP_MAGIC) or _looks_like_document(head):
            out.append(Partition(len(out), name, "file", name=name))
        else:
            for start, end, first in _line_ranges(path, partition_bytes):
                out.append(Partition(len(out), name, "lines", start, end, first, name=name))
    return out


def _line_ranges(path: Path, partition_bytes: int) -> Iterator[tuple[int, int, int]]:
    """(start, end, first line) of ranges of about ``partition_bytes`` that start at a line."""
    size = path.stat().st_size
    if size == 0:
        return
    start, line = 0, 1
    with open(path, "rb") as f:
        while start < size:
            target = min(size, start + partition_bytes)
            end = size
            if target < size:
                f.seek(target)
                rest = f.readline()  # the line that straddles the target belongs to this range
                end = target + len(rest)
            # Line numbers: count the newlines of the range (memchr speed: a GB in about a second).
            f.seek(start)
            newlines = 0
            left = end - start
            while left > 0:
                chunk = f.read(min(left, 1 << 22))
                if not chunk:
                    break
                newlines += chunk.count(b"\n")
                left -= len(chunk)
            yield start, end, line
            start, line = end, line + newlines


def _parquet_parts(path: Path, name: str, offset: int) -> list[Partition]:
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(path).metadata
    return [Partition(offset + g, name, "parquet", first=g, name=name) for g in range(meta.num_row_groups)]


class _Range(io.RawIOBase):
    """A window of a file, as a stream the ingest framing can read."""

    def __init__(self, f: io.BufferedReader, start: int, end: int) -> None:
        f.seek(start)
        self._f = f
        self._left = end - start

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._left <= 0:
            return 0
        n = self._f.readinto(memoryview(buffer)[: min(len(buffer), self._left)])
        self._left -= n
        return n


def records(part: Partition, max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES) -> Iterator[RawRecord]:
    """The records of one partition, named and numbered as ``cauterize ingest`` names them."""
    if part.kind == "file":
        yield from FileSource(part.path, max_record_bytes).records()
    elif part.kind == "lines":
        shift = part.first - 1
        with open(part.path, "rb") as f:
            for r in frame(_Range(f, part.start, part.end), part.name, max_record_bytes):  # type: ignore[arg-type]
                yield RawRecord(r.source, r.position + shift, r.data, r.error)
    elif part.kind == "parquet":
        yield from _parquet_records(part, max_record_bytes)
    else:
        raise ValueError(f"unknown partition kind {part.kind!r}")


def _parquet_records(part: Partition, max_record_bytes: int) -> Iterator[RawRecord]:
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(part.path)
    names = pf.schema_arrow.names
    column = "record" if "record" in names else "payload" if "payload" in names else None
    if column is None:
        yield RawRecord(part.name, 0, b"", error=f"Parquet file has no 'record' or 'payload' column (has {names})")
        return
    table = pf.read_row_group(part.first, columns=[column])
    base = sum(pf.metadata.row_group(g).num_rows for g in range(part.first))
    for i, value in enumerate(table.column(0).to_pylist()):
        position = base + i + 1
        if value is None:
            yield RawRecord(part.name, position, b"", error="null record")
            continue
        data = value.encode() if isinstance(value, str) else bytes(value)
        if len(data) > max_record_bytes:
            yield RawRecord(
                part.name,
                position,
                data[:256],
                error=f"record of {len(data)} bytes exceeds the limit of {max_record_bytes} bytes",
            )
        else:
            yield RawRecord(part.name, position, data.strip())
