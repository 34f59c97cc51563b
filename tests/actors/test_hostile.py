"""Bad input never crashes the cross-platform detector: odd times, odd text, odd handles."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cauterize.actors.refs import find_refs
from cauterize.detectors.crossplatform import CrossPlatformDetector
from cauterize.events import AccountCreated, EnforcementApplied, Mention, PostCreated


class _Ctx:
    def account(self, platform, account_id):
        return None


@pytest.mark.parametrize("year", [1, 1970, 2026, 9999])
def test_times_outside_2000_2100_never_overflow(year):
    det = CrossPlatformDetector()
    t = datetime(year, 6, 1, tzinfo=UTC)
    sane = datetime(2026, 1, 5, tzinfo=UTC)
    events = [
        AccountCreated(platform="twitter", event_id="a", actor="1", time=sane, handle="ashen_relay"),
        PostCreated(
            platform="twitter", event_id="b", actor="1", time=t, post_id="p", text="find us at @x_y@inst.example"
        ),
        EnforcementApplied(platform="twitter", event_id="c", actor="1", time=t, action="suspend"),
        AccountCreated(platform="mastodon", event_id="d", actor="m", time=t, handle="x_y@inst.example"),
        PostCreated(platform="mastodon", event_id="e", actor="m", time=sane, post_id="q", text="hi"),
    ]
    for e in events:
        list(det.detect(e, _Ctx()))
    assert det.engine.now is not None and 2000 <= det.engine.now.year < 2100


@given(st.text(max_size=300), st.text(max_size=40))
def test_any_text_and_handle_is_read_without_error(text, handle):
    find_refs([text, handle])
    det = CrossPlatformDetector()
    at = datetime(2026, 1, 5, tzinfo=UTC)
    list(
        det.detect(
            AccountCreated(platform="bluesky", event_id="a", actor="d", time=at, handle=handle or None, bio=text),
            _Ctx(),
        )
    )
    post = PostCreated(
        platform="mastodon",
        event_id="b",
        actor="m",
        time=at,
        post_id="p",
        text=text,
        urls=(text[:50],),
        mentions=(Mention(handle=handle or "x"),),
    )
    list(det.detect(post, _Ctx()))
    list(det.detect(EnforcementApplied(platform="bluesky", event_id="c", actor="d", time=at, action="suspend"), _Ctx()))
