"""Bluesky end to end against a real local AT Protocol network (@atproto/dev-env: PLC, PDS, AppView,
Ozone on PostgreSQL, all on 127.0.0.1; devnet/). One network for the module (start-up 4–10 s).

cauterize's live loop reads the PDS firehose; accounts post; the platform (a moderator in Ozone)
takes one down; a replacement appears; a reviewer suspends the lineage through the Ozone sink; the
appeal reverses it. Each step is checked on the platform itself (repo status on the PDS, Ozone's
event log and labels) and in cauterize's store, with the time it took.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from cauterize.config import Config
from cauterize.events import decode_event
from cauterize.live.firehose import Firehose
from cauterize.live.loop import LiveLoop
from cauterize.live.ozone import OzoneSink
from cauterize.live.source import LiveSource
from cauterize.review import actions, cases
from cauterize.review.actions import ActionRequest
from cauterize.review.auth import Principal
from cauterize.store import schema as s
from tests.live.devnet import dev_network, unavailable_reason
from tests.review.world import review_config

REVIEWER = Principal("rev1", "reviewer", "session")
CASE_URL = "https://cauterize.example"


def wait_for(what: str, check: Callable[[], Any], timeout: float = 20.0) -> tuple[Any, float]:
    """Poll ``check`` until it returns something truthy; (value, seconds it took)."""
    t0 = time.monotonic()
    while True:
        got = check()
        if got:
            return got, time.monotonic() - t0
        if time.monotonic() - t0 > timeout:
            raise AssertionError(f"not within {timeout:.0f} s: {what}")
        time.sleep(0.05)


@pytest.fixture(scope="module")
def net():
    reason = unavailable_reason()
    if reason:
        pytest.skip(f"AT Protocol dev network unavailable: {reason}")
    with dev_network() as info:
        yield info


def _account(pds: str, handle: str, display: str, bio: str) -> Any:
    from atproto import Client

    Client(base_url=pds).com.atproto.server.create_account(
        {"handle": handle, "email": f"{handle}@example.test", "password": f"pw-{handle}"}
    )
    c = Client(base_url=pds)
    # login() reads the profile from the AppView, which indexes a new account a moment later
    wait_for(f"{handle} can log in", lambda: _try_login(c, handle))
    c.com.atproto.repo.put_record(
        {
            "repo": c.me.did,
            "collection": "app.bsky.actor.profile",
            "rkey": "self",
            "record": {"$type": "app.bsky.actor.profile", "displayName": display, "description": bio},
        }
    )
    return c


def _try_login(c: Any, handle: str) -> bool:
    from atproto_client.exceptions import BadRequestError

    try:
        c.login(handle, f"pw-{handle}")
    except BadRequestError:
        return False
    return True


def _tagged(text: str, tag: str) -> Any:
    """Post text with a hashtag facet, as the app writes it (a bare "#tag" in text is no hashtag)."""
    from atproto import client_utils

    return client_utils.TextBuilder().text(text).tag(f"#{tag}", tag)


def _repo_status(pds: str, did: str) -> Any:
    from atproto import Client

    return Client(base_url=pds).com.atproto.sync.get_repo_status({"did": did})


@pytest.fixture(scope="module")
def loop(net, tmp_path_factory):
    tmp: Path = tmp_path_factory.mktemp("live")
    cfg = review_config(Config(data_dir=tmp / "data"))
    sink = {
        "kind": "ozone",
        "name": "ozone",
        "url": net["pds"],
        "ozone_did": net["ozone_did"],
        "identifier": net["moderator"]["handle"],
        "password": net["moderator"]["password"],
        "case_url": CASE_URL,
        "label_posts": "extremism",
    }
    firehose = Firehose(net["pds_ws"], tmp / "firehose.cursor", read_timeout=30.0, cursor_lag=1.0)
    live = LiveLoop(
        cfg, [LiveSource(firehose, tick_seconds=0.1)], "jetstream", [sink], flush_seconds=0.2, sync_seconds=0.2
    )
    runner = threading.Thread(target=live.run, daemon=True)
    runner.start()
    wait_for("the firehose connects", lambda: live.sources[0].health.connected)
    yield live
    live.stop()
    runner.join(timeout=15)
    live.store.close()


def _signals(live: LiveLoop, did: str) -> list[dict[str, Any]]:
    return live.store.signals_for("bluesky", did)


def _decided(live: LiveLoop, did: str) -> bool:
    d = s.decisions
    with live.store.engine.connect() as conn:
        return conn.execute(select(d.c.id).where(d.c.platform == "bluesky", d.c.account_id == did)).first() is not None


def _enforcements(live: LiveLoop, did: str) -> list[str]:
    """The enforcement actions stored for an account, oldest first. (Account creation sends
    ``#account active: true`` too, stored as an ``unsuspend`` of an account that was never down.)"""
    e = s.events
    q = (
        select(e.c.payload)
        .where(e.c.platform == "bluesky", e.c.actor == did, e.c.kind == "enforcement")
        .order_by(e.c.event_time, e.c.id)
    )
    with live.store.engine.connect() as conn:
        return [decode_event(r.payload).action for r in conn.execute(q)]  # type: ignore[attr-defined]


def _suspended_after_reinstated(actions: list[str]) -> bool:
    return "suspend" in actions and "unsuspend" in actions[actions.index("suspend") :]


def test_the_live_loop_against_a_real_network(net, loop):
    pds = net["pds"]
    timings: dict[str, float] = {}

    # 1. A post on the platform becomes a signal (and a decision, and a case) in cauterize.
    parent = _account(pds, "ashenmedia.test", "Ashen Media Office", "news of the front, daily")
    posted = time.monotonic()
    post = parent.send_post(_tagged("daily bulletin ", "AshenBanner"))
    sig, _ = wait_for(
        "the watchlisted post becomes a signal",
        lambda: [x for x in _signals(loop, parent.me.did) if x["post_id"] == post.uri],
    )
    timings["post -> signal and decision stored"] = time.monotonic() - posted
    assert _decided(loop, parent.me.did)
    assert sig[0]["label"].startswith("watchlist.")
    assert not loop.sources[0].health.last_error

    # 2. The platform takes the parent down (its moderator, in Ozone): cauterize learns it as enforcement.
    from atproto import Client

    moderator = OzoneSink(pds, net["ozone_did"], net["moderator"]["handle"], net["moderator"]["password"])
    moderator._login()  # a moderator is logged in before they click
    clicked = time.monotonic()
    moderator.send(
        {"action": "suspend", "account_id": parent.me.did, "idempotency_key": "platform-1", "reason": "platform"}
    )
    assert _repo_status(pds, parent.me.did).status == "takendown"
    wait_for("the #account takendown event reaches the store", lambda: "suspend" in _enforcements(loop, parent.me.did))
    timings["platform takedown click -> cauterize registry"] = time.monotonic() - clicked

    # 3. A second incarnation created after the takedown is linked to its parent, from the stream alone.
    created = time.monotonic()
    child = _account(pds, "ashenmedia2.test", "Ashen Media Office", "news of the front, daily")
    child_post = child.send_post(_tagged("we are back ", "AshenBanner"))
    links, _ = wait_for(
        "the replacement is linked to the suspended parent",
        lambda: [x for x in _signals(loop, child.me.did) if x["evidence"].get("parent_account_id") == parent.me.did],
    )
    timings["replacement signs up -> linked to parent"] = time.monotonic() - created
    assert links[0]["label"].startswith("evasion.")

    # 4. A reviewer suspends the lineage: the platform takes the child down and labels its posts;
    #    Ozone's log has the evidence and the case's link.
    (case,), _ = wait_for(
        "the lineage's case is opened",
        lambda: [c for c in cases.list_cases(loop.store.engine, "ban_evasion")],
    )
    clicked = time.monotonic()
    res = actions.perform(
        loop.store.engine, REVIEWER, case["id"], ActionRequest("suspend", reason="lineage"), loop.review.sinks
    )
    # the parent is in the lineage but already down (the store knows it from #account): skipped
    assert {a["account_id"] for a in res.actions} == {child.me.did}
    assert [x["account_id"] for x in res.skipped] == [parent.me.did]
    _, _ = wait_for("the child is taken down on the PDS", lambda: _repo_status(pds, child.me.did).status == "takendown")
    timings["reviewer click -> PDS takedown"] = time.monotonic() - clicked
    mod = Client(base_url=pds)
    mod.login(net["moderator"]["handle"], net["moderator"]["password"])
    ozone = mod.with_proxy("atproto_labeler", net["ozone_did"])
    events = OzoneSink._call(ozone, "query", "tools.ozone.moderation.queryEvents", {"subject": child.me.did})["events"]
    takedown = [e for e in events if e["event"]["$type"].endswith("#modEventTakedown")]
    assert takedown and f"{CASE_URL}/cases/{case['id']}" in takedown[0]["event"]["comment"]
    assert "rules:" in takedown[0]["event"]["comment"]
    labels = OzoneSink._call(
        ozone, "query", "com.atproto.label.queryLabels", {"uriPatterns": [f"at://{child.me.did}/*"]}
    )
    assert "extremism" in {lab["val"] for lab in labels.get("labels", [])}
    wait_for(
        "the child's takedown comes back through the firehose", lambda: "suspend" in _enforcements(loop, child.me.did)
    )
    timings["reviewer click -> #account back in the store"] = time.monotonic() - clicked

    # 5. The appeal overturns it: reversal through Ozone restores the accounts on the PDS.
    reverted = time.monotonic()
    undone = actions.perform(
        loop.store.engine, REVIEWER, case["id"], ActionRequest("reinstate", reason="appeal upheld"), loop.review.sinks
    )
    assert {a["account_id"] for a in undone.actions} == {parent.me.did, child.me.did}
    wait_for("the child is active again", lambda: _repo_status(pds, child.me.did).active)
    wait_for("the parent is active again", lambda: _repo_status(pds, parent.me.did).active)
    timings["reversal -> PDS active"] = time.monotonic() - reverted
    wait_for(
        "the reinstatement reaches the store", lambda: _suspended_after_reinstated(_enforcements(loop, child.me.did))
    )

    # 6. One post taken down: Ozone takes down the record (its strongRef) with the evidence.
    actions.perform(
        loop.store.engine,
        REVIEWER,
        case["id"],
        ActionRequest("remove_post", scope="account", account_ids=[child.me.did], post_id=child_post.uri),
        loop.review.sinks,
    )
    post_events = OzoneSink._call(ozone, "query", "tools.ozone.moderation.queryEvents", {"subject": child_post.uri})
    removed = [e for e in post_events["events"] if e["event"]["$type"].endswith("#modEventTakedown")]
    assert removed and removed[0]["subject"]["cid"] == child_post.cid
    assert f"{CASE_URL}/cases/{case['id']}" in removed[0]["event"]["comment"]

    health = loop.status()
    assert health["sources"][0]["connected"] and health["sources"][0]["records"] > 0
    print("\nlive loop timings (s):", {k: round(v, 3) for k, v in timings.items()}, datetime.now(UTC).isoformat())
    for step, seconds in timings.items():
        assert seconds < 15, f"{step} took {seconds:.1f} s"


def test_the_firehose_resumes_from_its_cursor_after_a_reconnect(net, tmp_path):
    """An idle local PDS trips the receive timeout (1 s here), so the reader drops and reconnects
    about every second; each reconnect resumes from the cursor, so a post made meanwhile is read
    exactly once, neither lost in a gap nor repeated."""
    src = LiveSource(Firehose(net["pds_ws"], tmp_path / "cursor", read_timeout=1.0, cursor_lag=0.0), tick_seconds=0.1)
    seen: list[bytes] = []
    threading.Thread(target=lambda: [seen.append(r.data) for r in src.records() if not r.tick], daemon=True).start()
    wait_for("connected", lambda: src.health.connected)
    wait_for("a drop for silence", lambda: src.health.disconnects >= 1, timeout=10)
    user = _account(net["pds"], "quiet.test", "Quiet", "nothing")
    post = user.send_post("written while the reader reconnects")
    wait_for(
        "the post read after the reconnect",
        lambda: any(post.uri.rsplit("/", 1)[1].encode() in r for r in seen),
        timeout=30,
    )
    assert src.health.disconnects >= 1 and max(src.waits) <= 0.25  # idle drops do not grow the back-off
    src.stop()
    assert sum(post.uri.rsplit("/", 1)[1].encode() in r for r in seen) == 1
    assert (tmp_path / "cursor").read_text().strip().isdigit()


def test_user_reports_in_ozone_are_read_as_report_events(net, tmp_path):
    """A user's report (``com.atproto.moderation.createReport``, which the PDS hands to Ozone) is
    read from Ozone's event log as a canonical ``report_filed`` event, once."""
    from cauterize.events import ReportFiled
    from cauterize.ingest.auto import AutoDetect
    from cauterize.live.ozone_reports import OzoneReports

    target = _account(net["pds"], "reported.test", "Reported", "a bland profile")
    post = target.send_post("an ordinary post")
    reporter = _account(net["pds"], "reporter.test", "Reporter", "a reader")
    via_ozone = reporter.with_proxy("atproto_labeler", net["ozone_did"])
    OzoneSink._call(
        via_ozone,
        "procedure",
        "com.atproto.moderation.createReport",
        data={
            "reasonType": "com.atproto.moderation.defs#reasonViolation",
            "reason": "praises an armed group",
            "subject": {"$type": "com.atproto.repo.strongRef", "uri": post.uri, "cid": post.cid},
        },
    )
    src = LiveSource(
        OzoneReports(
            net["pds"], net["ozone_did"], net["moderator"]["handle"], net["moderator"]["password"], tmp_path / "c", 0.2
        ),
        tick_seconds=0.1,
    )
    got: list[bytes] = []
    threading.Thread(target=lambda: [got.append(r.data) for r in src.records() if not r.tick], daemon=True).start()
    wait_for("the report is read", lambda: got)
    time.sleep(1.0)  # two more polls: the same report must not come again
    src.stop()
    assert len(got) == 1
    (event,) = list(AutoDetect().parse(got[0]))  # what `cauterize run` does with mixed formats
    assert isinstance(event, ReportFiled)
    assert (event.actor, event.target, event.post_id) == (reporter.me.did, target.me.did, post.uri)
    assert "praises an armed group" in (event.reason or "")


def test_the_one_command_runs_the_loop_on_the_network(net, tmp_path):
    """``cauterize run --source bluesky:ws://... --act ozone:...`` as a process: it connects, a post
    becomes a decision in its store, its sink logs in, and SIGTERM stops it cleanly."""
    import json
    import os
    import signal
    import subprocess
    import sys

    from sqlalchemy import create_engine

    data = tmp_path / "data"
    toml = tmp_path / "cauterize.toml"
    toml.write_text(
        f'data_dir = "{data}"\n[detectors.watchlist.hashtags.AshenBanner]\nlabel = "watchlist.propaganda"\nweight = 0.6\n'
    )
    act = (
        f"ozone:{net['pds']};ozone_did={net['ozone_did']};identifier={net['moderator']['handle']};"
        "password_env=DEVNET_OZONE_PASSWORD"
    )
    env = {**os.environ, "DEVNET_OZONE_PASSWORD": net["moderator"]["password"]}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cauterize",
            "run",
            "-c",
            str(toml),
            "--source",
            f"bluesky:{net['pds_ws']}",
            "--act",
            act,
            "--status-every",
            "0",
        ],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        status = data / "live" / "status.json"

        def connected() -> bool:
            try:
                return json.loads(status.read_text())["sources"][0]["connected"]
            except (OSError, ValueError, KeyError, IndexError):
                return False

        wait_for("the run connects to the firehose", connected, timeout=60)
        user = _account(net["pds"], "onecommand.test", "One Command", "bland")
        user.send_post(_tagged("bulletin ", "AshenBanner"))
        engine = create_engine(f"sqlite:///{data / 'cauterize.db'}")
        d = s.decisions

        def decided() -> bool:
            with engine.connect() as conn:
                return conn.execute(select(d.c.id).where(d.c.account_id == user.me.did)).first() is not None

        wait_for("the post becomes a decision in the run's store", decided)
        assert json.loads(status.read_text())["sinks"] == ["ozone"]
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err[-2000:]
    assert "could not prepare" not in err
