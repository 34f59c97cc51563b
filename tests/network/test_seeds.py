"""Seeds from the enforcement platforms really report, with the choice visible."""

from __future__ import annotations

import pytest

from cauterize.network.seeds import SeedRule, choose
from cauterize.network.service import NetworkSettings

X_COMPLIANCE = [
    ("s1", "suspend", "suspended"),
    ("d1", "delete", "deleted"),
    ("d2", "delete", "deactivated"),
    ("t1", "suspend", "terrorism"),
    ("sp", "suspend", "spam"),
    ("b1", "suspend", "takendown"),
    ("n1", "suspend", None),
]


def test_default_takes_violent_extremism_and_bare_platform_suspensions_never_owner_deletions():
    c = choose(X_COMPLIANCE, SeedRule.parse(None))
    assert set(c.why) == {"s1", "t1", "b1"}
    assert "no reason given" in c.why["s1"] and c.why["t1"] == "suspend for terrorism"
    assert "3 seeds" in c.describe()


def test_a_bare_word_on_a_deletion_is_not_a_suspension():
    assert choose([("x", "delete", "suspended")], SeedRule.parse(["suspended"])).why == {}


def test_empty_list_means_none_and_any_suspension_means_every_suspension():
    assert choose(X_COMPLIANCE, SeedRule.parse([])).why == {}
    every = choose(X_COMPLIANCE, SeedRule.parse("any-suspension")).why
    assert set(every) == {"s1", "t1", "sp", "b1", "n1"}  # suspensions only: deletions are the owner's
    only_ve = choose(X_COMPLIANCE, SeedRule.parse(["Terrorism", "violent-extremism"])).why
    assert set(only_ve) == {"t1"}


def test_listed_accounts_are_seeds_and_allow_listed_ones_never():
    c = choose(X_COMPLIANCE, SeedRule.parse([]), listed=["l1", "t1"], allowed=["l1"])
    assert c.why == {"t1": "listed by the operator (seeds / seeds_file)"}


def test_bad_values_are_refused_at_start_up():
    with pytest.raises(ValueError, match="any-suspension"):
        SeedRule.parse("all")
    with pytest.raises(ValueError, match="any-suspension"):
        NetworkSettings.from_config({"seed_reasons": "everything"})
    assert NetworkSettings.from_config({"seed_reasons": "any-suspension"}).seed_reasons == "any-suspension"


def test_the_live_detector_uses_the_same_rule():
    from datetime import UTC, datetime

    from cauterize.detectors.network_proximity import NetworkProximityDetector
    from cauterize.events import EnforcementApplied

    det = NetworkProximityDetector()
    t = datetime(2026, 1, 5, tzinfo=UTC)
    for i, (acct, action, reason) in enumerate(X_COMPLIANCE):
        e = EnforcementApplied(platform="x", event_id=f"e{i}", actor=acct, time=t, action=action, reason=reason)
        list(det.detect(e, None))  # type: ignore[arg-type]
    assert set(det._seeds["x"]) == {"s1", "t1", "b1"}
    none = NetworkProximityDetector(seed_reasons=[])
    e = EnforcementApplied(platform="x", event_id="e", actor="t1", time=t, action="suspend", reason="terrorism")
    list(none.detect(e, None))  # type: ignore[arg-type]
    assert not none._seeds["x"]
