from __future__ import annotations

from fastapi.testclient import TestClient

from cauterize.web.ingest_api import create_app
from tests.conftest import ev, jsonl


def test_http_ingest_stores_good_records_and_reports_bad_ones(cfg):
    client = TestClient(create_app(cfg))
    body = (
        jsonl(ev("account_created", "c1", "a1", 0, handle="x"))
        + b"{oops\n"
        + jsonl(ev("follow", "f", "a2", 1, target="a1"))
    )
    r = client.post("/v1/ingest", content=body)
    assert r.status_code == 200
    data = r.json()
    assert data["events_new"] == 2 and data["dead_letters"] == 1
    assert data["dead_letter_rows"][0]["position"] == 2
    assert data["dead_letter_rows"][0]["reason"].startswith("malformed JSON")
    again = client.post("/v1/ingest?format=jsonl", content=body).json()
    assert again["events_new"] == 0 and again["duplicates"] == 2


def test_http_ingest_refuses_unknown_format(cfg):
    client = TestClient(create_app(cfg))
    assert client.post("/v1/ingest?format=friendster", content=b"{}").status_code == 422
    assert client.get("/healthz").json() == {"status": "ok"}
