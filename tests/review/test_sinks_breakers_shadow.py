from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import ClassVar

import pytest

from cauterize.app import build_pipeline, open_store
from cauterize.config import Config
from cauterize.ingest.sources import BytesSource
from cauterize.review import actions, alerts, backtest, cases, outbox
from cauterize.review.actions import ActionRequest
from cauterize.review.service import ReviewService
from cauterize.review.sinks.platform import PlatformSink
from tests.conftest import ev, jsonl
from tests.review.conftest import ALICE
from tests.review.world import review_config, world_bytes


class _Flaky(BaseHTTPRequestHandler):
    fail_first = 2
    received: ClassVar[list[tuple[dict, dict]]] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        cls = type(self)
        if cls.fail_first > 0:
            cls.fail_first -= 1
            self.send_response(503)
            self.end_headers()
            return
        cls.received.append((json.loads(body), dict(self.headers)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook():
    _Flaky.fail_first, _Flaky.received = 2, []
    server = HTTPServer(("127.0.0.1", 0), _Flaky)
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{server.server_port}/hook"
    server.shutdown()


def _service(tmp_path, **review) -> ReviewService:
    cfg = review_config(Config(data_dir=tmp_path / "data"), **review)
    store = open_store(cfg)
    build_pipeline(cfg, store).run([BytesSource(world_bytes(), "world")])
    svc = ReviewService(cfg, store)
    svc.sync()
    return svc


def test_webhook_deliveries_are_retried_with_backoff_and_signed(tmp_path, webhook):
    svc = _service(tmp_path, sinks=[{"kind": "webhook", "url": webhook, "secret": "s3cret"}], retry_base_seconds=10)
    (case,) = cases.list_cases(svc.engine, "ban_evasion")
    t0 = datetime.now(UTC)
    actions.perform(svc.engine, ALICE, case["id"], ActionRequest("suspend"), svc.sinks, now=t0)
    (row,) = outbox.status(svc.engine, [a["id"] for a in actions.case_actions(svc.engine, case["id"])])
    assert row["status"] == "pending" and row["attempts"] == 1 and "503" in row["last_error"]
    # Not due yet: nothing is sent.
    assert svc.deliver(now=t0 + timedelta(seconds=5)) == {"sent": 0, "retrying": 0, "failed": 0}
    assert svc.deliver(now=t0 + timedelta(seconds=11)) == {"sent": 0, "retrying": 1, "failed": 0}
    assert svc.deliver(now=t0 + timedelta(seconds=60)) == {"sent": 1, "retrying": 0, "failed": 0}
    ((payload, headers),) = _Flaky.received
    assert payload["action"] == "suspend" and payload["account_id"] == "C"
    assert headers["Idempotency-Key"] == payload["idempotency_key"]
    assert headers["X-Cauterize-Signature"].startswith("sha256=")
    assert svc.deliver(now=t0 + timedelta(hours=2)) == {"sent": 0, "retrying": 0, "failed": 0}


def test_a_sink_that_never_answers_gives_up_with_an_alert(tmp_path):
    svc = _service(
        tmp_path, sinks=[{"kind": "webhook", "url": "http://127.0.0.1:9/none", "timeout": 0.5}], max_attempts=2
    )
    (case,) = cases.list_cases(svc.engine, "ban_evasion")
    t0 = datetime.now(UTC)
    actions.perform(svc.engine, ALICE, case["id"], ActionRequest("suspend"), svc.sinks, now=t0)
    assert svc.deliver(now=t0 + timedelta(hours=1)) == {"sent": 0, "retrying": 0, "failed": 1}
    (alert,) = alerts.recent(svc.engine)
    assert alert["kind"] == "sink_failed"


def test_platform_sink_writes_canonical_enforcements_that_ingest_reads_back(tmp_path):
    svc = _service(tmp_path, sinks=[{"kind": "platform", "adapter": "canonical", "path": "enf.jsonl"}])
    assert isinstance(svc.sinks["platform"], PlatformSink)
    (case,) = cases.list_cases(svc.engine, "ban_evasion")
    actions.perform(svc.engine, ALICE, case["id"], ActionRequest("suspend"), svc.sinks)
    data = (tmp_path / "data" / "enf.jsonl").read_bytes()
    assert json.loads(data)["action"] == "suspend"
    summary = build_pipeline(svc.cfg, svc.store).run([BytesSource(data, "enf")])
    assert summary.dead_letters == 0 and summary.events_new == 1
    assert svc.store.account("testnet", "C")["status"] == "suspended"


def _many_evaders(n: int) -> bytes:
    events = []
    for i in range(n):
        events += [
            ev(
                "account_created",
                f"cp{i}",
                f"P{i}",
                0,
                handle=f"ashen_voice{i}x",
                display_name=f"Voice {i}",
                avatar_hash=f"a{i}",
                lang="en",
            ),
            ev("enforcement", f"s{i}", f"P{i}", 5, action="suspend", reason="terrorism"),
            ev(
                "account_created",
                f"cc{i}",
                f"C{i}",
                8,
                handle=f"ashen_voice{i}x2",
                display_name=f"Voice {i}",
                avatar_hash=f"a{i}",
                lang="en",
            ),
        ]
    return jsonl(*events)


def test_the_circuit_breaker_holds_automatic_actions_past_the_daily_cap(tmp_path):
    cfg = review_config(Config(data_dir=tmp_path / "data"), daily_caps={"suspend": 2})
    cfg.policy = {"auto_actions": True}
    store = open_store(cfg)
    build_pipeline(cfg, store).run([BytesSource(_many_evaders(4), "w")])
    svc = ReviewService(cfg, store)
    svc.sync()
    auto = [a for c in cases.list_cases(svc.engine, status="all") for a in actions.case_actions(svc.engine, c["id"])]
    statuses = sorted(a["status"] for a in auto if a["source"] == "auto")
    assert statuses == ["applied", "applied", "held", "held"]
    breaker_alerts = [a for a in alerts.recent(svc.engine) if a["kind"] == "breaker:suspend"]
    assert len(breaker_alerts) == 1  # one alert a day, not one per held action
    # Held cases stay open for a person.
    held_cases = {a["case_id"] for a in auto if a["status"] == "held"}
    assert all(cases.get_case(svc.engine, c)["status"] == "open" for c in held_cases)


def test_global_shadow_mode_records_automatic_actions_without_sending(tmp_path):
    cfg = review_config(Config(data_dir=tmp_path / "data"), shadow=True, sinks=[{"kind": "jsonl", "path": "a.jsonl"}])
    cfg.policy = {"auto_actions": True}
    store = open_store(cfg)
    build_pipeline(cfg, store).run([BytesSource(_many_evaders(2), "w")])
    svc = ReviewService(cfg, store)
    svc.sync()
    auto = [a for c in cases.list_cases(svc.engine, status="all") for a in actions.case_actions(svc.engine, c["id"])]
    assert auto and {a["status"] for a in auto} == {"shadow"}
    assert not (tmp_path / "data" / "a.jsonl").exists()


def test_shadow_rules_record_decisions_that_never_open_cases_and_backtest_lists_hits(tmp_path):
    from cauterize.policy.threshold import DEFAULT_RULES

    cfg = review_config(Config(data_dir=tmp_path / "data"))
    cfg.policy = {
        "rules": [
            {"name": "evasion-low", "labels": "evasion.*", "threshold": 0.1, "action": "suspend", "shadow": True},
            *DEFAULT_RULES,
        ]
    }
    store = open_store(cfg)
    build_pipeline(cfg, store).run([BytesSource(world_bytes(), "w")])
    svc = ReviewService(cfg, store)
    svc.sync()
    shadow = backtest.shadow_hits(svc.engine)
    assert shadow["per_rule"] == {"evasion-low": 1}
    assert len(cases.list_cases(svc.engine, status="all")) == 2  # the shadow decision opened nothing
    result = backtest.backtest(
        svc.engine,
        [
            {"name": "strict", "labels": "evasion.*", "threshold": 0.999999, "action": "suspend"},
            {"name": "loose", "labels": "evasion.*", "threshold": 0.5, "action": "flag_for_review"},
            {"name": "threats", "labels": "threat.*", "threshold": 0.9, "action": "escalate"},
        ],
    )
    per = {r["rule"]: r for r in result["per_rule"]}
    assert per["strict"]["signals"] == 0 and per["loose"]["signals"] == 1 and per["threats"]["signals"] == 0
    (hit,) = result["hits"]
    assert hit["account_id"] == "C" and hit["already_decided"]
