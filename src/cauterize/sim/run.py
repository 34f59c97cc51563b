"""Write a simulated world to disk: the event stream in a chosen format, and its ground truth."""

from __future__ import annotations

import gzip
import importlib
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import msgspec

from cauterize.evaluation.truth import write_truth
from cauterize.events import Event
from cauterize.sim.config import WorldConfig
from cauterize.sim.generator import Simulation

#: Formats other than jsonl come from ``cauterize.emit.<module>`` when that module exists.
FORMAT_MODULES = {"twitter_v2": "cauterize.emit.twitter_v2", "jetstream": "cauterize.emit.jetstream"}
FORMATS = ("jsonl", *FORMAT_MODULES)

ChunkWriter = Callable[[list[Event], IO[bytes]], None]


@dataclass(frozen=True, slots=True)
class SimResult:
    events: int
    accounts: int
    extremist: int
    confounder: int
    seconds: float


def _jsonl_writer() -> ChunkWriter:
    encoder = msgspec.json.Encoder()

    def write(chunk: list[Event], out: IO[bytes]) -> None:
        out.write(encoder.encode_lines(chunk))

    return write


def _emit_writer(fmt: str) -> ChunkWriter:
    """Adapt an emitter module: ``encode_event(event) -> bytes | str | None`` (one line, or None
    to skip) or ``encode(event)`` with the same contract."""
    try:
        module = importlib.import_module(FORMAT_MODULES[fmt])
    except ImportError as exc:
        raise ValueError(f"format {fmt!r} needs {FORMAT_MODULES[fmt]}, which is not available: {exc}") from None
    encode: Any = getattr(module, "encode_event", None) or getattr(module, "encode", None)
    if encode is None:
        raise ValueError(f"{FORMAT_MODULES[fmt]} has no encode_event(event) function")

    def write(chunk: list[Event], out: IO[bytes]) -> None:
        for event in chunk:
            line = encode(event)
            if line is None:
                continue
            if isinstance(line, str):
                line = line.encode()
            out.write(line if line.endswith(b"\n") else line + b"\n")

    return write


def writer_for(fmt: str) -> ChunkWriter:
    if fmt == "jsonl":
        return _jsonl_writer()
    if fmt in FORMAT_MODULES:
        return _emit_writer(fmt)
    raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")


def _open_out(path: str | Path) -> IO[bytes]:
    if str(path) == "-":
        return sys.stdout.buffer
    if str(path).endswith(".gz"):
        # mtime=0 keeps compressed output byte-identical across runs.
        return gzip.GzipFile(filename="", mode="wb", fileobj=open(path, "wb"), mtime=0)
    return open(path, "wb", buffering=1 << 20)


def simulate(
    cfg: WorldConfig,
    events_path: str | Path,
    truth_path: str | Path | None,
    fmt: str = "jsonl",
    progress: Callable[[int], None] | None = None,
) -> SimResult:
    """Generate the world described by ``cfg``, streaming events to ``events_path``."""
    write = writer_for(fmt)
    sim = Simulation(cfg)
    began = time.perf_counter()
    out = _open_out(events_path)
    try:
        for chunk in sim.chunks():
            write(chunk, out)
            if progress is not None:
                progress(len(chunk))
    finally:
        if out is not sys.stdout.buffer:
            fileobj = getattr(out, "fileobj", None)
            out.close()
            if fileobj is not None:
                fileobj.close()
        else:
            out.flush()
    header = sim.truth_header()
    if truth_path is not None:
        write_truth(truth_path, header, sim.truth_accounts(), sim.posts_truth)
    return SimResult(
        events=sim.n_events,
        accounts=header.counts["accounts"],
        extremist=header.counts["extremist"],
        confounder=header.counts["confounder"],
        seconds=time.perf_counter() - began,
    )


def iter_events(cfg: WorldConfig) -> Iterable[Event]:
    """The stream in memory, for tests and notebooks (small worlds only)."""
    return Simulation(cfg).events()
