"""Property-based fuzzing of every adapter and of format sniffing (issue 12).

Seeds are the real-shaped fixtures of each format; hypothesis mutates them (a value replaced by
another type, an absurd number, control characters, deep nesting; a key dropped) and also feeds
arbitrary bytes. Whatever comes in, an adapter may only yield events and per-item rejects, or
raise ``RecordError``: anything else would be a crash the pipeline has to paper over. Every
event it yields must encode, i.e. be storable. Derandomised, so CI runs the same cases each time.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cauterize.events import Event, encode_event
from cauterize.ingest.base import Adapter, RecordError, Reject
from cauterize.ingest.registry import adapters, sniff_class

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _seeds() -> list[Any]:
    out: list[Any] = []
    for path in sorted(FIXTURES.rglob("*.json*")):
        text = path.read_text(encoding="utf-8")
        chunks = text.splitlines() if path.suffix == ".jsonl" else [text]
        for chunk in chunks[:8]:
            if chunk.strip():
                out.append(json.loads(chunk))
    return out


SEEDS = _seeds()

NASTY = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=30),
    st.sampled_from(["", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "not a time", "\x00", "\u202e", "@", "#"]),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)


def _paths(obj: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(obj, dict):
        for k, v in obj.items():
            found += _paths(v, (*prefix, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj[:5]):
            found += _paths(v, (*prefix, i))
    return found


def _mutate(obj: Any, path: tuple, value: Any, drop: bool) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(obj, dict):
        copy = dict(obj)
        if drop and not rest:
            copy.pop(head, None)
        else:
            copy[head] = _mutate(obj[head], rest, value, drop)
        return copy
    copy_list = list(obj)
    copy_list[head] = _mutate(obj[head], rest, value, drop)
    return copy_list


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    seed = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_paths(seed)))
        seed = _mutate(seed, path, draw(NASTY), draw(st.booleans()))
    return json.dumps(seed).encode()


RECORDS = st.one_of(mutated(), st.binary(max_size=200), st.sampled_from([b"[" * 3000, b'{"a":' * 3000]))


def _instances() -> list[Adapter]:
    out = []
    for cls in adapters().values():
        try:
            out.append(cls())
        except TypeError:  # needs options no default can give
            continue
    return out


@pytest.mark.parametrize("adapter", _instances(), ids=lambda a: a.name)
@settings(max_examples=150, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=RECORDS)
def test_an_adapter_yields_storable_events_or_refuses_the_record(adapter: Adapter, data: bytes):
    try:
        items = list(adapter.parse(data))
    except RecordError:
        return
    for item in items:
        if isinstance(item, Reject):
            assert isinstance(item.reason, str) and item.reason
            continue
        assert isinstance(item, Event)
        encode_event(item)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(data=RECORDS)
def test_sniffing_names_a_format_or_refuses(data: bytes):
    try:
        cls = sniff_class(data)
    except RecordError:
        return
    assert cls.name in adapters()


_RUNS = iter(range(10**9))


@settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(junk=st.lists(RECORDS, min_size=1, max_size=6))
def test_a_run_over_any_junk_keeps_every_good_record(pipeline, store, junk: list[bytes]):
    from cauterize.ingest.sources import BytesSource
    from tests.conftest import ev

    n = next(_RUNS)
    good = [json.dumps(ev("follow", f"fz{n}-{i}", f"u{i}", i, target="t")).encode() for i in range(3)]
    # Junk first (format sniffing), between and after the good lines.
    lines = [junk[0], good[0], *junk[1:], good[1], good[2]]
    pipeline.run([BytesSource(b"\n".join(x.replace(b"\n", b" ") for x in lines) + b"\n", f"fuzz{n}")])
    keys = [("testnet", f"fz{n}-{i}") for i in range(3)]
    assert store.known_event_ids(keys) == set(keys)
