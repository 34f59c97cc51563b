"""The Jetstream client against a local WebSocket server replaying Jetstream lines.

No Jetstream instance runs here and ../shared/data holds no Jetstream capture; the lines are
built in the shape bluesky-social/jetstream documents (as tests/ingest/test_jetstream.py does),
bland and synthetic. The server drops the first connection half-way; the client must come back
with a ``cursor`` a few seconds before the last line it read, and the adapter must read each line.
"""

from __future__ import annotations

import json
import threading

import pytest

pytest.importorskip("websockets.sync.server", reason="websockets is not installed (pip install -e '.[live]')")

from websockets.sync.server import serve

from cauterize.events import EnforcementApplied, PostCreated
from cauterize.ingest.jetstream import Jetstream
from cauterize.live.jetstream_client import REWIND_US, JetstreamClient
from cauterize.live.source import LiveSource

T0 = 1_730_000_000_000_000
DID = "did:plc:ashenbannertest00000000"


def line(i: int) -> str:
    if i == 5:
        return json.dumps(
            {
                "did": DID,
                "time_us": T0 + i,
                "kind": "account",
                "account": {
                    "active": False,
                    "did": DID,
                    "seq": i,
                    "status": "takendown",
                    "time": "2024-10-27T03:33:20Z",
                },
            }
        )
    record = {"$type": "app.bsky.feed.post", "text": f"bulletin {i}", "createdAt": "2024-10-27T03:33:20Z"}
    commit = {
        "rev": f"rev{i}",
        "operation": "create",
        "collection": "app.bsky.feed.post",
        "rkey": f"k{i}",
        "record": record,
        "cid": "bafy",
    }
    return json.dumps({"did": DID, "time_us": T0 + i * 1_000_000, "kind": "commit", "commit": commit})


def test_reads_lines_and_resumes_from_the_cursor_after_a_drop(tmp_path):
    paths: list[str] = []
    done = threading.Event()

    def handler(ws):
        paths.append(ws.request.path)
        if len(paths) == 1:
            for i in range(4):
                ws.send(line(i))
            return  # dropped half-way
        for i in range(4, 8):
            ws.send(line(i))
        done.wait(30)

    with serve(handler, "127.0.0.1", 0) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        port = server.socket.getsockname()[1]
        client = JetstreamClient(f"ws://127.0.0.1:{port}", tmp_path / "cursor", cursor_lag=0.0)
        client.backoff_scale = 0.01  # type: ignore[attr-defined]
        source = LiveSource(client, tick_seconds=0.05)
        got = []
        for rec in source.records():
            if not rec.tick:
                got.append(rec.data)
            if len(got) == 8:
                source.stop()
        done.set()
        server.shutdown()
    assert "wantedCollections=app.bsky.feed.post" in paths[0] and "cursor" not in paths[0]
    assert f"cursor={T0 + 3 * 1_000_000 - REWIND_US}" in paths[1]
    adapter = Jetstream()
    events = [e for d in got for e in adapter.parse(d)]
    assert sum(isinstance(e, PostCreated) for e in events) == 7
    assert any(isinstance(e, EnforcementApplied) and e.action == "suspend" for e in events)
    assert (tmp_path / "cursor").read_text().strip() == str(T0 + 7 * 1_000_000)


def test_firehose_dead_letters_a_bad_frame_and_reads_the_next(tmp_path):
    """A frame that cannot be decoded is handed on whole (the adapter dead-letters it) instead of
    tearing down the connection, which would fetch the same frame again from the same cursor."""
    import libipld

    from cauterize.ingest.base import RecordError
    from cauterize.live.firehose import Firehose

    header = libipld.encode_dag_cbor({"op": 1, "t": "#account"})
    body = libipld.encode_dag_cbor(
        {"seq": 7, "did": DID, "time": "2024-10-27T03:33:20.000Z", "active": False, "status": "takendown"}
    )
    done = threading.Event()

    def handler(ws):
        ws.send(b"\xff\x00 not cbor")
        ws.send(header + body)
        done.wait(30)

    with serve(handler, "127.0.0.1", 0) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        port = server.socket.getsockname()[1]
        source = LiveSource(Firehose(f"ws://127.0.0.1:{port}", tmp_path / "cursor", cursor_lag=0.0), tick_seconds=0.05)
        got = []
        for rec in source.records():
            if not rec.tick:
                got.append(rec.data)
            if len(got) == 2:
                health = source.health.snapshot()  # before the shutdown below drops the connection
                source.stop()
        done.set()
        server.shutdown()
    adapter = Jetstream()
    with pytest.raises(RecordError):
        list(adapter.parse(got[0]))
    assert json.loads(got[0])["undecodable_firehose_frame"]
    (event,) = adapter.parse(got[1])
    assert isinstance(event, EnforcementApplied) and event.action == "suspend" and event.actor == DID
    assert health["errors"] == 1 and health["connects"] == 1 and health["connected"]
    assert "undecodable frame" in health["last_error"]
    assert (tmp_path / "cursor").read_text().strip() == "7"
