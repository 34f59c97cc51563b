from __future__ import annotations

import gzip
import io

from cauterize.ingest.sources import BytesSource, FileSource, frame


def test_lines_keep_their_positions_and_skip_blanks():
    recs = list(frame(io.BytesIO(b'{"a":1}\n\n{"b":2}\r\n   \n{"c":3}'), "t"))
    assert [(r.position, r.data) for r in recs] == [(1, b'{"a":1}'), (3, b'{"b":2}'), (5, b'{"c":3}')]


def test_gzip_is_recognised_by_content_not_name(tmp_path):
    p = tmp_path / "events.jsonl"  # no .gz suffix on purpose
    p.write_bytes(gzip.compress(b'{"a":1}\n{"b":2}\n'))
    assert [r.data for r in FileSource(p).records()] == [b'{"a":1}', b'{"b":2}']


def test_pretty_printed_document_is_one_record():
    doc = b'{\n  "endpoint": "/api/v1/statuses/1",\n  "body": {"id": "1"}\n}\n'
    recs = list(BytesSource(doc, "d").records())
    assert len(recs) == 1 and recs[0].position == 1 and b'"body"' in recs[0].data


def test_json_array_is_one_record():
    recs = list(BytesSource(b'[{"id": "1"},\n {"id": "2"}]', "d").records())
    assert len(recs) == 1


def test_oversized_line_is_flagged_without_losing_the_next_line():
    big = b'{"x":"' + b"a" * 3_000_000 + b'"}\n'
    data = b'{"first":1}\n' + big + b'{"after":2}\n'
    recs = list(frame(io.BytesIO(data), "t", max_bytes=1_000_000))
    assert [r.position for r in recs] == [1, 2, 3]
    assert recs[0].error is None and recs[2].data == b'{"after":2}'
    assert recs[1].error is not None and "3000009 bytes exceeds the limit of 1000000" in recs[1].error
    assert len(recs[1].data) <= 256  # only a head of the huge line is kept


def test_json_lines_with_long_first_lines_and_braces_in_strings_stay_lines():
    long_line = b'{"text": "a { brace", "pad": "' + b"x" * 200_000 + b'"}'
    recs = list(BytesSource(long_line + b"\n" + b'{"b": "}"}\n', "l").records())
    assert [r.position for r in recs] == [1, 2]
    recs = list(BytesSource(b'{"text": "a { brace"}\n{"b": 1}\n', "l").records())
    assert len(recs) == 2


def _reference_lines(data: bytes, max_bytes: int) -> list[tuple[int, bytes, str | None]]:
    """The framing contract stated plainly: split on newlines, number every line, drop blank ones."""
    out = []
    parts = data.split(b"\n")
    for i, line in enumerate(parts, start=1):
        terminated = i < len(parts)
        if len(line) > max_bytes:
            size = len(line) + (1 if terminated else 0)
            out.append((i, line[:256], f"record of {size} bytes exceeds the limit of {max_bytes} bytes"))
        elif line.strip():
            out.append((i, line.strip(), None))
    return out


class _Trickle(io.RawIOBase):
    """A pipe that hands over a few bytes per read, so lines straddle every read boundary."""

    def __init__(self, data: bytes, step: int):
        self._data, self._step, self._at = data, step, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buf) -> int:  # type: ignore[no-untyped-def]
        n = min(self._step, len(buf), len(self._data) - self._at)
        buf[:n] = self._data[self._at : self._at + n]
        self._at += n
        return n


def test_framing_matches_the_plain_contract_across_read_boundaries():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    pieces = st.lists(
        st.one_of(
            st.binary(min_size=0, max_size=12).map(lambda b: b.replace(b"\n", b"x")),
            st.sampled_from([b"\n", b"\r\n", b" \n", b"{}" * 20, b"z" * 700]),
        ),
        max_size=40,
    )

    @settings(max_examples=300, deadline=None)
    @given(pieces, st.integers(1, 97), st.sampled_from([8, 20, 600]))
    def check(parts: list[bytes], step: int, max_bytes: int) -> None:
        data = b"#" + b"".join(parts)  # not a JSON document, so always framed as lines
        got = [(r.position, r.data, r.error) for r in frame(_Trickle(data, step), "t", max_bytes)]
        assert got == _reference_lines(data, max_bytes)

    check()


def test_stdin_sends_ticks_while_the_pipe_is_quiet_and_keeps_every_line():
    import os
    import threading
    import time

    from cauterize.ingest.sources import StdinSource

    r, w = os.pipe()

    def writer() -> None:
        os.write(w, b'{"a": 1}\n')
        time.sleep(0.3)  # a quiet spell: six tick periods
        os.write(w, b'{"a": 2}\n{"a"')
        os.write(w, b": 3}\n")
        os.close(w)

    threading.Thread(target=writer).start()
    with os.fdopen(r, "rb") as stream:
        got = list(StdinSource(tick_seconds=0.05, stream=stream).records())
    lines = [(x.position, x.data) for x in got if not x.tick]
    assert lines == [(1, b'{"a": 1}'), (2, b'{"a": 2}'), (3, b'{"a": 3}')]
    first, second = (i for i, x in enumerate(got) if not x.tick and x.position in (1, 2))
    assert any(x.tick for x in got[first:second])
