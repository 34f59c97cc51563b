"""Coverage-guided fuzzing of every input adapter and of format sniffing, with atheris.

    pip install atheris
    python bench/fuzz/fuzz_adapters.py -max_total_time=300 -dict=bench/fuzz/json.dict bench/out/fuzz-corpus tests/fixtures/*/

Each input is tried as one record by format sniffing and by every adapter. The contract is the
one the pipeline relies on: an adapter yields events (which must encode) and per-item rejects, or
raises ``RecordError``; sniffing returns a known format or raises ``RecordError``. Anything else
is a crash, which atheris reports with the input that caused it (saved as ``crash-*``). The
property-based tests in tests/hostile/test_fuzz_adapters.py run the same contract in CI; this
harness is for longer, coverage-guided runs.
"""

from __future__ import annotations

import contextlib
import sys

import atheris

with atheris.instrument_imports():
    from cauterize.events import Event, encode_event
    from cauterize.ingest.base import RecordError, Reject
    from cauterize.ingest.registry import adapters, sniff_class

    # The adapter modules are imported here, inside the block, so that they are instrumented.
    ADAPTERS = []
    for cls in adapters().values():
        try:
            ADAPTERS.append(cls())
        except TypeError:
            continue


def one_input(data: bytes) -> None:
    with contextlib.suppress(RecordError):
        sniff_class(data)
    for adapter in ADAPTERS:
        try:
            items = list(adapter.parse(data))
        except RecordError:
            continue
        for item in items:
            if isinstance(item, Event):
                encode_event(item)
            elif not isinstance(item, Reject):
                raise AssertionError(f"{adapter.name} yielded {type(item).__name__}")


def main() -> None:
    sys.setrecursionlimit(10_000)
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
