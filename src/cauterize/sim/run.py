"""Write a simulated world to disk: the event stream in a chosen format, and its ground truth."""

from __future__ import annotations

import gzip
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import msgspec

from cauterize.evaluation.truth import write_truth
from cauterize.events import Event
from cauterize.sim.config import WorldConfig
from cauterize.sim.generator import Simulation

FORMATS = ("jsonl", "twitter_v2", "jetstream")

#: A stream encoder: canonical events in, output lines out (with or without the newline).
StreamEncoder = Callable[[Iterable[Event]], Iterable[bytes]]


@dataclass(frozen=True, slots=True)
class SimResult:
    events: int
    accounts: int
    extremist: int
    confounder: int
    seconds: float
    #: Every file written: the stream (and its companions) and the truth.
    paths: tuple[str, ...] = ()


def _emitter(fmt: str) -> list[tuple[str, StreamEncoder]]:
    """The encoders for ``fmt`` as ``(file suffix, encoder)``; the first writes the main file.

    Twitter v2 has two streams: twarc2 pages (posts and users) and the compliance stream
    (suspensions, deletions, profile changes), written next to the main file as
    ``<out>.compliance.jsonl``. The emitters are imported lazily: they belong to
    ``cauterize.emit`` and jsonl needs neither.
    """
    try:
        if fmt == "twitter_v2":
            from cauterize.emit import twitter_v2

            return [("", twitter_v2.encode_pages), (".compliance.jsonl", twitter_v2.encode_compliance)]
        if fmt == "jetstream":
            from cauterize.emit import jetstream

            return [("", jetstream.encode)]
    except ImportError as exc:
        raise ValueError(f"format {fmt!r} needs cauterize.emit.{fmt}, which is not available: {exc}") from None
    raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")


def _write_lines(lines: Iterable[bytes], out: IO[bytes]) -> None:
    for line in lines:
        out.write(line if line.endswith(b"\n") else line + b"\n")


def _open_out(path: str | Path) -> IO[bytes]:
    if str(path) == "-":
        return sys.stdout.buffer
    if str(path).endswith(".gz"):
        # mtime=0 keeps compressed output byte-identical across runs.
        return gzip.GzipFile(filename="", mode="wb", fileobj=open(path, "wb"), mtime=0)
    return open(path, "wb", buffering=1 << 20)


def _close(out: IO[bytes]) -> None:
    if out is sys.stdout.buffer:
        out.flush()
        return
    fileobj = getattr(out, "fileobj", None)
    out.close()
    if fileobj is not None:
        fileobj.close()


def simulate(
    cfg: WorldConfig,
    events_path: str | Path,
    truth_path: str | Path | None,
    fmt: str = "jsonl",
    progress: Callable[[int], None] | None = None,
) -> SimResult:
    """Generate the world described by ``cfg``, streaming events to ``events_path``."""
    encoders = _emitter(fmt) if fmt != "jsonl" else []
    sim = Simulation(cfg)
    began = time.perf_counter()
    paths = [str(events_path)]
    out = _open_out(events_path)
    try:
        if not encoders:
            encoder = msgspec.json.Encoder()
            for chunk in sim.chunks():
                out.write(encoder.encode_lines(chunk))
                if progress is not None:
                    progress(len(chunk))
        else:
            _write_lines(encoders[0][1](_counted(sim.events(), progress)), out)
    finally:
        _close(out)
    for suffix, encode in encoders[1:]:
        if str(events_path) == "-":
            raise ValueError(f"format {fmt!r} writes companion files and needs a file path, not '-'")
        # Same seed, same world: replaying the generator costs time but no memory.
        path = str(events_path) + suffix
        paths.append(path)
        companion = _open_out(path)
        try:
            _write_lines(encode(Simulation(cfg).events()), companion)
        finally:
            _close(companion)
    header = sim.truth_header()
    if truth_path is not None:
        write_truth(truth_path, header, sim.truth_accounts(), sim.posts_truth)
        paths.append(str(truth_path))
    return SimResult(
        events=sim.n_events,
        accounts=header.counts["accounts"],
        extremist=header.counts["extremist"],
        confounder=header.counts["confounder"],
        seconds=time.perf_counter() - began,
        paths=tuple(paths),
    )


def _counted(events: Iterable[Event], progress: Callable[[int], None] | None) -> Iterator[Event]:
    for n, event in enumerate(events, 1):
        yield event
        if progress is not None and n % 20_000 == 0:
            progress(20_000)


def iter_events(cfg: WorldConfig) -> Iterator[Event]:
    """The stream in memory, for tests and notebooks (small worlds only)."""
    return Simulation(cfg).events()
