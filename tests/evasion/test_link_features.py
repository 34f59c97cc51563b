"""The link model's newer features and bounds: handle_close, already_replaced, a display name
that only spells the handle out, and the packaged model keeping every sign constraint."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime

import pytest

from cauterize.detectors.evasion import EvasionDetector
from cauterize.evasion.features import FEATURES, HandleKeys, Observed, evidence_lines, pair_features
from cauterize.evasion.fingerprint import Fingerprint, Profile
from cauterize.evasion.model import BOUNDS, DEFAULT_BOUND, LinkModel
from cauterize.events import decode_event
from tests.conftest import ev
from tests.evasion.test_engine import _network


def _feed(det: EvasionDetector, events: list[dict]) -> list:
    out = []
    for raw in events:
        out += det.detect(decode_event(json.dumps(raw)), None)
    return out


def _pair(handle: str, display: str | None, parent_handle: str, parent_display: str | None) -> dict[str, float]:
    t = datetime(2026, 1, 5, tzinfo=UTC)
    p = Profile(handle=handle, display_name=display, appeared_at=t, created_at=t)
    fp = Fingerprint(1, "sim", "P", (parent_handle,), parent_display, None, None, None, t, "terrorism", frozenset())
    obs = Observed("C", p, frozenset(), Counter(), t)
    return pair_features(obs, fp, 0, HandleKeys.of(handle))


def test_handle_close_is_zero_for_namesakes_and_grows_to_one():
    far = _pair("garden_views", None, "ashen_media", None)
    near = _pair("ashen_medla", None, "ashen_media", None)
    same = _pair("ashen_media", None, "ashen_media", None)
    assert far["handle_close"] == 0.0
    assert 0.0 < near["handle_close"] < same["handle_close"] == pytest.approx(1.0)


def test_a_display_name_spelling_the_handle_is_not_a_second_line():
    # A look-alike whose display name is its handle title-cased, against a parent whose display
    # name is its own handle too: one line (the name), so never an automatic action.
    echo = _pair("ashen_medla", "Ashen Medla", "ashen_media", "Ashen Media")
    assert echo["display_name_echoes_handle"] == 1.0 and echo["display_name_similarity"] >= 0.9
    assert evidence_lines(echo) == ["name"]
    # A display name that is not the handle spelt out still counts on its own.
    apart = _pair("ashen_medla", "Banner Press Office", "ashen_media", "Banner Press Office")
    assert apart["display_name_echoes_handle"] == 0.0
    assert set(evidence_lines(apart)) == {"name", "display_name"}


def test_a_second_lookalike_of_a_parent_whose_replacement_is_live_is_marked():
    det = EvasionDetector()
    stream = [
        *_network(),
        ev("account_created", "c-c", "C", 14, handle="ashen_media2", display_name="Ashen Media", avatar_hash="av-1"),
        ev("account_created", "c-l", "L", 30, handle="ashen_media3", display_name="Media Watch"),
    ]
    _feed(det, stream)
    eng = det.engine
    assert eng.linked_parent["C"] == "P" and eng.children["P"][0] == "C"
    rows = {fp.account_id: f for _p, fp, f in eng.rank(eng.observe("L", eng.young["L"].created_at))}
    assert rows["P"]["already_replaced"] == 1.0
    # C itself is never "already replaced" by itself.
    rows_c = {fp.account_id: f for _p, fp, f in eng.rank(eng.observe("C", eng.young["C"].created_at))}
    assert rows_c["P"]["already_replaced"] == 0.0
    # Once the replacement is suspended too, the parent is no longer replaced by a live account.
    _feed(det, [ev("enforcement", "s2", "C", 40, action="suspend", reason="terrorism")])
    rows = {fp.account_id: f for _p, fp, f in eng.rank(eng.observe("L", eng.young["L"].created_at))}
    assert rows["P"]["already_replaced"] == 0.0


def test_the_packaged_model_keeps_every_bound():
    model = LinkModel.load()
    assert set(FEATURES) <= set(model.weights)
    for name in FEATURES:
        lo, hi = BOUNDS.get(name, DEFAULT_BOUND)
        w = model.weights[name]
        assert (lo is None or w >= lo - 1e-9) and (hi is None or w <= hi + 1e-9), (name, w)
    # Time may move the log-odds by a bounded amount only.
    assert sum(model.weights[k] for k in ("within_hour", "within_day", "within_week")) <= 4.5
