"""X (Twitter) filtered stream and batch compliance jobs, against the replay server.

No X API can be reached here. The replay server (tests/live/replay.py) answers over real HTTP in
the shapes X documents, from real payloads recorded by twarc2 (twarc-csv's test data in
../shared/data/formats/twitter-v2, read at run time): the filtered stream's messages (one with an
error object mid-stream) as newline-delimited JSON with blank keep-alive lines, and compliance
job results as JSON Lines from the job's download URL.
"""

from __future__ import annotations

import json
import time

import pytest

from cauterize.events import EnforcementApplied, PostCreated, ProfileChanged
from cauterize.ingest.base import RecordError
from cauterize.ingest.registry import get_adapter
from cauterize.live.backoff import http_backoff, network_backoff, rate_limit_backoff
from cauterize.live.source import LiveSource
from cauterize.live.x_compliance import ComplianceJobs
from cauterize.live.x_stream import XFilteredStream
from tests.live.conftest import TWITTER, recorded
from tests.live.replay import Reply, json_reply


def test_backoff_follows_the_schedules_x_documents():
    net = network_backoff()
    assert [net.next() for _ in range(3)] == [0.25, 0.5, 0.75]
    assert [net.next() for _ in range(100)][-1] == 16.0
    http = http_backoff()
    assert [http.next() for _ in range(8)] == [5, 10, 20, 40, 80, 160, 320, 320]
    rate = rate_limit_backoff()
    assert [rate.next() for _ in range(3)] == [60, 120, 240]
    rate.reset()
    assert rate.next() == 60


def _parsed(line: str) -> dict | None:
    try:
        return json.loads(line)
    except json.JSONDecodeError:
        return None


def _stream_lines() -> list[str]:
    """The recorded stream's lines; the last was cut off mid-message when the stream failed, and is
    served cut off, as it came."""
    lines = [ln for ln in recorded(TWITTER, "streaming_output_with_error.jsonl").splitlines() if ln.strip()]
    # twarc2 adds its own "__twarc" metadata to each line; X's stream does not send it
    return [
        json.dumps({k: v for k, v in obj.items() if k != "__twarc"}) if (obj := _parsed(ln)) is not None else ln
        for ln in lines
    ]


def test_filtered_stream_syncs_rules_reads_messages_and_backs_off_on_errors(replay):
    lines = _stream_lines()
    rules = [{"id": "1", "value": "old rule", "tag": "old"}, {"id": "2", "value": "#AshenBanner", "tag": "watch"}]
    calls: list[int] = []

    @replay.route("GET", "/2/tweets/search/stream/rules")
    def get_rules(req):
        return json_reply({"data": rules, "meta": {"result_count": len(rules)}})

    replay.route("POST", "/2/tweets/search/stream/rules")(lambda req: json_reply({"meta": {"summary": {}}}))

    @replay.route("GET", "/2/tweets/search/stream")
    def stream(req):
        calls.append(1)
        if len(calls) == 1:
            return json_reply({"title": "ConnectionException", "detail": "too many connections"}, 429)
        if len(calls) == 2:
            return json_reply({"title": "Service Unavailable"}, 503)

        def body():
            for ln in lines:
                yield b"\r\n"  # keep-alive
                yield ln.encode() + b"\r\n"
            time.sleep(30)

        return Reply(200, body(), "application/json")

    wanted = [{"value": "#AshenBanner", "tag": "watch"}, {"value": "from:ashen_media", "tag": "lineage"}]
    connector = XFilteredStream(replay.url, "b3arer", wanted)
    connector.backoff_scale = 0.001  # type: ignore[attr-defined]
    source = LiveSource(connector, tick_seconds=0.05)
    got: list[bytes] = []
    for rec in source.records():
        if not rec.tick:
            got.append(rec.data)
        if len(got) == len(lines):
            source.stop()
    assert source.waits[:2] == [60.0 * 0.001, 5.0 * 0.001], "429 waits a minute, an HTTP error 5 s (scaled)"
    posts = replay.requests("POST", "/2/tweets/search/stream/rules")
    bodies = [p.json() for p in posts[:2]]
    assert {"delete": {"ids": ["1"]}} in bodies
    assert {"add": [{"value": "from:ashen_media", "tag": "lineage"}]} in bodies
    stream_req = replay.requests("GET", "/2/tweets/search/stream")[-1]
    assert stream_req.headers["Authorization"] == "Bearer b3arer"
    assert "author_id" in stream_req.query["expansions"][0]

    adapter = get_adapter("twitter-v2")
    ids, errors = set(), 0
    for data in got:
        try:
            ids |= {e.post_id for e in adapter.parse(data) if isinstance(e, PostCreated)}
        except RecordError:
            errors += 1
    recorded_ids = {obj["data"]["id"] for ln in lines if (obj := _parsed(ln)) and "data" in obj}
    assert recorded_ids and recorded_ids <= ids
    assert errors == sum(_parsed(ln) is None for ln in lines) == 1  # the cut-off line, dead-lettered


def test_filtered_stream_with_a_bad_token_stops(replay):
    replay.route("GET", "/2/tweets/search/stream/rules")(lambda req: json_reply({"title": "Unauthorized"}, 401))
    source = LiveSource(XFilteredStream(replay.url, "bad", [{"value": "x"}]), tick_seconds=0.05)
    with pytest.raises(Exception, match="401"):
        for _ in source.records():
            pass


@pytest.mark.parametrize("kind", ["users", "tweets"])
def test_compliance_job_create_upload_poll_download(replay, kind):
    result = recorded(TWITTER, f"{kind}_compliance.jsonl")
    polls: list[int] = []
    job = {
        "id": "1400000000000000001",
        "type": kind,
        "status": "created",
        "upload_url": f"{replay.url}/storage/up",
        "download_url": f"{replay.url}/storage/down",
    }
    replay.route("POST", "/2/compliance/jobs")(lambda req: json_reply({"data": job}))

    @replay.route("GET", f"/2/compliance/jobs/{job['id']}")
    def status(req):
        polls.append(1)
        return json_reply({"data": {**job, "status": "complete" if len(polls) >= 3 else "in_progress"}})

    replay.route("PUT", "/storage/up")(lambda req: Reply(200, b""))
    replay.route("GET", "/storage/down")(lambda req: Reply(200, result.encode(), "text/plain"))

    jobs = ComplianceJobs(replay.url, "b3arer")
    ids = [json.loads(ln)["id"] for ln in result.splitlines() if ln.strip()]
    created = jobs.create(kind, "nightly")
    assert jobs.upload(created, ids) == len(ids)
    done = jobs.wait(created["id"], poll_seconds=0.0)
    out = jobs.download(done)

    assert replay.requests("POST", "/2/compliance/jobs")[0].json() == {"type": kind, "name": "nightly"}
    upload = replay.requests("PUT", "/storage/up")[0]
    assert upload.body.decode().split() == ids and "Authorization" not in upload.headers
    assert len(polls) == 3
    options = {"tweet_authors": {i: "12345" for i in ids}} if kind == "tweets" else {}
    adapter = get_adapter(f"twitter-compliance-{kind}", **options)
    events = [e for ln in out.splitlines() if ln.strip() for e in adapter.parse(ln)]
    reasons = [json.loads(ln)["reason"] for ln in result.splitlines() if ln.strip()]
    assert reasons and events
    assert any(isinstance(e, ProfileChanged) and e.protected for e in events) == ("protected" in reasons)
    deletes = sum(isinstance(e, EnforcementApplied) and e.action == "delete" for e in events)
    assert deletes == reasons.count("deactivated") + reasons.count("deleted")


def test_compliance_job_failure_is_an_error(replay):
    replay.route("GET", "/2/compliance/jobs/9")(lambda req: json_reply({"data": {"id": "9", "status": "failed"}}))
    with pytest.raises(RuntimeError, match="failed"):
        ComplianceJobs(replay.url, "t").wait("9", poll_seconds=0.0)
    with pytest.raises(ValueError, match="numeric"):
        ComplianceJobs(replay.url, "t").upload({"upload_url": replay.url + "/x"}, ["12", "abc"])
