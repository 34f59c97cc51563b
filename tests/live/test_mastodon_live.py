"""Mastodon live: the streaming API (SSE), admin webhooks and the admin-API action sink.

No Mastodon server can run here. The replay server (tests/live/replay.py) serves real entities
recorded from fosstodon.org and mastodon.social (rtoot's recordings in ../shared/data/formats/
mastodon, read at run time) over real HTTP, in the shapes Mastodon documents: SSE events
(``event: update`` / ``data: <Status>``, ``:thump`` heartbeats, ``event: delete`` / ``data: <id>``)
for the streaming API, signed JSON deliveries for webhooks, JSON for the admin API.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import urllib.error
import urllib.request
from typing import Any

import pytest

from cauterize.events import AccountCreated, EnforcementApplied, PostCreated, PostDeleted
from cauterize.ingest.mastodon import MastodonAdapter
from cauterize.live.mastodon_admin import MastodonAdminSink
from cauterize.live.mastodon_stream import MastodonStream
from cauterize.live.mastodon_webhooks import MastodonWebhooks
from cauterize.live.source import LiveSource
from cauterize.review.sinks.base import SinkError
from tests.live.conftest import MASTODON, recorded
from tests.live.replay import Reply, json_reply


def sse(events: list[tuple[str, str]]) -> bytes:
    return b"".join(f"event: {e}\ndata: {d}\n\n".encode() for e, d in events)


def collect(source: LiveSource, n: int, timeout: float = 10.0) -> list[bytes]:
    out: list[bytes] = []
    deadline = time.monotonic() + timeout
    for rec in source.records():
        if not rec.tick:
            out.append(rec.data)
        if len(out) >= n or time.monotonic() > deadline:
            source.stop()
            break
    return out


def test_stream_reads_recorded_statuses_and_reconnects_after_the_server_drops_it(replay):
    statuses = recorded(MASTODON, "timeline_public_default.json")["body"]
    first, second = statuses[:8], statuses[8:]
    connections: list[int] = []

    @replay.route("GET", "/api/v1/streaming/public")
    def stream(req):
        connections.append(1)
        part = first if len(connections) == 1 else second
        events = [("update", json.dumps(s)) for s in part]
        if len(connections) > 1:
            events.append(("delete", str(first[0]["id"])))

        def body():
            yield b":thump\n\n"
            yield sse(events)
            if len(connections) > 2:
                time.sleep(30)  # a third connection idles until the test stops

        return Reply(200, body(), "text/event-stream")

    connector = MastodonStream(replay.url, "public", token="t0ken")
    connector.backoff_scale = 0.01  # type: ignore[attr-defined]
    source = LiveSource(connector, tick_seconds=0.1)
    records = collect(source, len(statuses) + 1)
    assert len(connections) >= 2, "the reader did not reconnect after the server closed the stream"
    assert source.health.connects >= 2 and source.health.disconnects >= 1
    assert replay.requests("GET", "/api/v1/streaming/public")[0].headers["Authorization"] == "Bearer t0ken"

    adapter = MastodonAdapter()
    events = [e for r in records for e in adapter.parse(r)]
    posts = {e.post_id for e in events if isinstance(e, PostCreated)}
    want = {s["uri"] for s in statuses} | {s["reblog"]["uri"] for s in statuses if s.get("reblog")}
    assert want <= posts
    deleted = [e for e in events if isinstance(e, PostDeleted)]
    assert [d.post_id for d in deleted] == [first[0]["uri"]]


def test_stream_refuses_a_bad_token_without_retrying_forever(replay):
    replay.route("GET", "/api/v1/streaming/public")(lambda req: Reply(401, b'{"error":"invalid token"}'))
    source = LiveSource(MastodonStream(replay.url, "public", token="bad"), tick_seconds=0.05)
    with pytest.raises(Exception, match="HTTP 401"):
        collect(source, 1)
    assert len(replay.log) == 1


def _signed(secret: str, body: bytes) -> dict[str, str]:
    sig = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"Content-Type": "application/json", "X-Hub-Signature": f"sha256={sig}"}


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    req = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _admin_account(account: dict[str, Any]) -> dict[str, Any]:
    """Admin::Account as Mastodon documents it, around a real recorded Account (local: domain null)."""
    return {
        "id": account["id"],
        "username": account["username"],
        "domain": None,
        "created_at": account["created_at"],
        "email": "someone@example.test",
        "ip": None,
        "ips": [],
        "locale": "en",
        "invite_request": None,
        "role": {"id": "-99", "name": "", "permissions": "0"},
        "confirmed": True,
        "approved": True,
        "disabled": False,
        "silenced": False,
        "suspended": False,
        "account": account,
    }


def test_webhooks_accept_signed_deliveries_and_refuse_forged_ones():
    status = recorded(MASTODON, "status_default.json")["body"]
    account = recorded(MASTODON, "account_default.json")["body"]
    hooks = MastodonWebhooks("fosstodon.org", secret="s3cret")
    source = LiveSource(hooks, tick_seconds=0.05)
    try:
        deliveries = [
            {"event": "status.created", "created_at": status["created_at"], "object": status},
            {"event": "account.created", "created_at": account["created_at"], "object": _admin_account(account)},
            {"event": "account.approved", "created_at": account["created_at"], "object": _admin_account(account)},
        ]
        forged = json.dumps(deliveries[0]).encode()
        assert _post(hooks.url, forged, _signed("wrong", forged)) == 401
        assert _post(hooks.url, forged, {"Content-Type": "application/json"}) == 401
        assert _post(hooks.url, b"not json", _signed("s3cret", b"not json")) == 400
        for d in deliveries:
            body = json.dumps(d).encode()
            assert _post(hooks.url, body, _signed("s3cret", body)) == 200
        got: list[bytes] = []
        threading.Timer(10, source.stop).start()
        got = collect(source, 3)
    finally:
        hooks.close()
    assert hooks.rejected == 3
    adapter = MastodonAdapter()
    events = [e for r in got for e in adapter.parse(r)]
    assert any(isinstance(e, PostCreated) and e.post_id == status["uri"] for e in events)
    created = [e for e in events if isinstance(e, AccountCreated)]
    assert created and created[0].actor == (account.get("uri") or account["url"])


def test_admin_sink_suspends_with_the_evidence_and_reverses(replay):
    account = recorded(MASTODON, "account_default.json")["body"]
    uri = account.get("uri") or account["url"]
    handle = account["acct"] if "@" in account["acct"] else f"{account['acct']}@fosstodon.org"

    @replay.route("GET", "/api/v1/accounts/lookup")
    def lookup(req):
        return json_reply(account) if req.query.get("acct") == [handle] else json_reply({"error": "nf"}, 404)

    replay.route("POST", "/api/v1/admin/accounts/*")(lambda req: json_reply({}))
    sink = MastodonAdminSink(replay.url, "adm1n", case_url="https://cauterize.example")
    payload = {
        "action_id": 7,
        "idempotency_key": "abc123",
        "action": "suspend",
        "platform": "mastodon",
        "account_id": uri,
        "handle": handle,
        "case_id": 42,
        "actor": "rev1",
        "reason": "suspend (lineage)",
        "evidence": {"rules": ["evasion-link"], "model_versions": ["link-2"], "decisions": [11, 12]},
    }
    sink.send(payload)
    sink.send({**payload, "action": "reinstate", "action_id": 8})
    sink.send({**payload, "action": "remove_post", "action_id": 9})  # no admin endpoint: nothing sent
    posts = replay.requests("POST", "/api/v1/admin/accounts/")
    assert [p.path for p in posts] == [
        f"/api/v1/admin/accounts/{account['id']}/action",
        f"/api/v1/admin/accounts/{account['id']}/unsuspend",
    ]
    form = posts[0].form()
    assert form["type"] == "suspend"
    assert "evasion-link" in form["text"] and "https://cauterize.example/cases/42" in form["text"]
    assert posts[0].headers["Authorization"] == "Bearer adm1n"
    assert len(replay.requests("GET", "/api/v1/accounts/lookup")) == 1  # the id is looked up once

    replay.route("POST", "/api/v1/admin/accounts/*")(lambda req: json_reply({"error": "busy"}, 503))
    with pytest.raises(SinkError, match="503"):
        sink.send(payload)
    replay.route("GET", "/api/v2/search")(lambda req: json_reply({"accounts": [], "statuses": []}))
    with pytest.raises(SinkError, match="not known"):
        sink.send({**payload, "account_id": "https://elsewhere.example/users/nobody", "handle": None})


def test_admin_account_suspended_by_the_instance_is_enforcement():
    """A webhook's account.updated with ``suspended`` true is the platform's own enforcement."""
    account = recorded(MASTODON, "account_default.json")["body"]
    from cauterize.live.mastodon_webhooks import to_record

    rec = to_record(
        {
            "event": "account.updated",
            "created_at": "2024-01-01T00:00:00Z",
            "object": _admin_account(account) | {"suspended": True},
        },
        "fosstodon.org",
    )
    assert rec is not None
    events = list(MastodonAdapter().parse(rec))
    assert any(isinstance(e, EnforcementApplied) and e.action == "suspend" for e in events)
