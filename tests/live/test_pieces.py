"""The live package's pure pieces: source specs, the cursor written behind the pipeline, SSE framing,
webhook signatures, the firehose's CID handling, and sinks found by entry point."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from cauterize.live.cursor import CursorFile
from cauterize.live.firehose import _json_safe
from cauterize.live.mastodon_webhooks import verify
from cauterize.live.registry import parse_spec, schemes
from cauterize.live.sse import parse_events
from cauterize.review.sinks import build_sinks


def test_specs_name_a_kind_an_address_and_options():
    assert parse_spec("bluesky:ws://127.0.0.1:2583;cursor_file=/tmp/c;read_timeout=5") == (
        "bluesky",
        "ws://127.0.0.1:2583",
        {"cursor_file": "/tmp/c", "read_timeout": "5"},
    )
    with pytest.raises(ValueError, match="scheme:address"):
        parse_spec("ws://nowhere")
    with pytest.raises(ValueError, match="key=value"):
        parse_spec("mastodon:https://x;stream")
    assert {"bluesky", "jetstream", "mastodon", "mastodon-webhooks", "x"} <= set(schemes())


def test_the_cursor_file_holds_the_cursor_of_lag_seconds_ago(tmp_path):
    c = CursorFile(tmp_path / "cursor", lag=10.0)
    c.advance("1", now=0.0)
    c.advance("2", now=5.0)
    assert c.load() is None  # nothing is 10 s old yet: a crash now replays from the start
    c.advance("3", now=10.5)
    assert c.load() == "1"
    c.advance("4", now=16.0)
    assert c.load() == "2"
    assert CursorFile(tmp_path / "cursor").load() == "2"  # a restart resumes there
    assert CursorFile(None).load() is None


def test_sse_framing_follows_the_event_stream_rules():
    lines = [":thump", "", "event: update", 'data: {"a":', "data: 1}", "", "event: delete", "data:42", "", "data: x"]
    events = list(parse_events(lines))
    assert [(e.event, e.data) for e in events] == [("update", '{"a":\n1}'), ("delete", "42")]


def test_webhook_signature_is_hmac_sha256_of_the_exact_body():
    body = b'{"event":"status.created"}'
    good = "sha256=" + hmac.new(b"k", body, hashlib.sha256).hexdigest()
    assert verify("k", body, good)
    assert not verify("k", body + b" ", good)
    assert not verify("other", body, good)
    assert not verify("k", body, None) and not verify("k", body, good.removeprefix("sha256="))


def test_firehose_records_become_atproto_json():
    cid = bytes([1, 0x55, 0x12, 0x20]) + bytes(range(32))
    record = {"embed": {"images": [{"image": {"ref": cid, "size": 3}}]}, "blob": b"\x00\x01", "n": 1, "t": "x"}
    out = _json_safe(record)
    link = out["embed"]["images"][0]["image"]["ref"]["$link"]
    assert link.startswith("bafkrei")  # a raw-codec CIDv1 in base32: what the jetstream adapter hashes
    assert out["blob"] == {"$bytes": "AAE"} and out["n"] == 1 and out["t"] == "x"


def test_platform_sinks_are_found_by_entry_point_and_checked():
    sinks = build_sinks([{"kind": "mastodon-admin", "url": "https://m.example", "token": "t"}], resolve=lambda p: p)
    assert sinks["mastodon-admin"].kind == "mastodon-admin"
    with pytest.raises(ValueError, match=r"unknown kind 'nope'.*ozone"):
        build_sinks([{"kind": "nope"}], resolve=lambda p: p)
    with pytest.raises(ValueError, match="token_env"):
        build_sinks([{"kind": "mastodon-admin", "url": "https://m.example", "token_env": "UNSET_VAR_X"}], lambda p: p)
