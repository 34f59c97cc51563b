"""The ban-evasion engine: follows the stream, keeps the registry of suspended actors, and
scores each new or renamed account against it when evidence arrives.

State, all in memory and bounded:

* a profile per account seen (LRU, ``max_profiles``);
* the recent audience of each account (who followed, reposted or mentioned it; LRU, capped
  per account), which becomes the fingerprint's audience at suspension;
* the young accounts (created less than ``young_hours`` ago): their promoters, hashtags and
  whether they have posted — the evidence a replacement gathers in its first minutes;
* the registry of suspended fingerprints and its candidate index.

Where a platform sends no creation events (Jetstream, Mastodon streams), an account's first
sighting (its first profile or identity event, post or follow) is its appearance and makes it
a young account; a platform that sends ``account_created`` keeps creation as the only start.

When a suspension arrives, the accounts that appeared or were renamed within ``lookback_days``
and share a key with the new fingerprint are scored again (trigger ``late_suspension``): a
suspension learnt after its replacement was seen still links it.

Times outside 2000-2100 (a year-1 or year-9999 stamp) are read as the engine's current clock:
they never raise in time arithmetic, never expire every young account at once, and never leave
an account's state waiting for a date that will not come.

It is rebuilt by replaying history (the pipeline warms detectors up from the store's events).
Accounts on the allow-list (journalists, researchers, counter-messaging, police) never count as
promoters or audience: they interact with the network all day without promoting it.

Re-scoring happens when the account is created, changes a name-like field, goes from private
to public, posts for the first time, or gains a promoter who is in some suspended account's
audience (the 1st, 2nd, 4th... of them, and of those who promoted several). A link is reported
when its probability reaches ``report_at``, at least one concrete line of evidence supports it,
and it improves on the last one reported for the account (or names another parent). A link
whose evidence names no parent in particular (only the network's promotion, the hashtags) is
marked ``review_only``: a lead for a person, never an automatic action.
"""

from __future__ import annotations

from collections import Counter, OrderedDict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta
from operator import attrgetter
from typing import Any

from cauterize.evasion.features import (
    PARENT_LINES,
    HandleKeys,
    Observed,
    add_lineage_features,
    add_relative_features,
    evidence_lines,
    pair_features,
)
from cauterize.evasion.fingerprint import Fingerprint, Profile
from cauterize.evasion.index import CandidateIndex, Query
from cauterize.evasion.model import LinkModel
from cauterize.evasion.recent import RecentAccounts, profile_keys
from cauterize.evasion.returns import CLEAR_LEAD, NETWORK_DEGREE, RETURN_PROMOTERS, NetworkReturn


@dataclass(slots=True)
class Young:
    created_at: datetime
    promoters: set[str] = field(default_factory=set)
    hashtags: Counter[str] = field(default_factory=Counter)
    posted: bool = False
    #: Promoters seen who are in some suspended account's audience.
    promoted_by_audience: int = 0
    #: Of those, the network's regulars (``NETWORK_DEGREE`` suspended accounts promoted or more).
    regulars: set[str] = field(default_factory=set)
    reported_p: float = 0.0
    reported_parent: str | None = None
    return_reported: bool = False

    def __reduce__(self) -> tuple[Any, ...]:
        # As Profile.__reduce__: a saved state holds thousands; one C call each, not Python per field.
        return (Young, _YOUNG_VALUES(self))


_YOUNG_VALUES = attrgetter(*(f.name for f in fields(Young)))


@dataclass(frozen=True, slots=True)
class Link:
    account_id: str
    parent: Fingerprint
    probability: float
    features: dict[str, float]
    contributions: dict[str, float]
    lines: list[str]
    trigger: str
    runners_up: list[tuple[str, float]]
    promoters: list[str]
    #: For a link found when the parent's suspension arrived: minutes from the account's
    #: appearance (or rename) to the moment the link was found.
    found_late_minutes: float | None = None

    def evidence(self) -> dict[str, Any]:
        fp = self.parent
        late = (
            {"found_late": {"minutes_after_appearance": round(self.found_late_minutes, 1)}}
            if self.found_late_minutes is not None
            else {}
        )
        return {
            **late,
            "parent_account_id": fp.account_id,
            "parent_platform": fp.platform,
            "parent_handles": list(fp.handles),
            "parent_suspended_at": fp.suspended_at.isoformat(),
            "parent_reason": fp.reason,
            "parent_lineage_parent": fp.parent_account_id,
            "probability": round(self.probability, 4),
            "rank": 1,
            "trigger": self.trigger,
            "independent_signals": len(self.lines),
            "evidence_lines": self.lines,
            **(
                {}
                if PARENT_LINES.intersection(self.lines)
                else {"review_only": "no line of evidence points at this parent rather than at its network"}
            ),
            "features": {k: round(v, 4) for k, v in self.features.items()},
            "contributions": {k: round(v, 4) for k, v in self.contributions.items()},
            "runners_up": [{"account_id": a, "probability": round(p, 4)} for a, p in self.runners_up],
            "promoters_sample": self.promoters[:10],
        }

    @property
    def label(self) -> str:
        return "evasion.link"


#: What scoring an account may report: a link to one parent, or a lead naming its network.
Finding = Link | NetworkReturn


class _LRU(OrderedDict):
    def __init__(self, limit: int = 0):  # the default is for unpickling, which sets ``limit`` after
        super().__init__()
        self.limit = limit

    def put(self, key: Any, value: Any) -> None:
        self[key] = value
        self.move_to_end(key)
        if len(self) > self.limit:
            self.popitem(last=False)

    def touch(self, key: Any, factory: Any) -> Any:
        value = self.get(key)
        if value is None:
            value = self[key] = factory()
            if len(self) > self.limit:
                self.popitem(last=False)
        else:
            self.move_to_end(key)
        return value


#: Event times outside this range are treated as the engine's current clock (see module doc).
SANE_FROM = datetime(2000, 1, 1, tzinfo=UTC)
SANE_UNTIL = datetime(2100, 1, 1, tzinfo=UTC)
APPEARANCE_MODES = ("auto", "creation", "first_seen")
#: Independent lines of evidence a link found late (``late_suspension``) needs.
LATE_LINES = 2


class EvasionEngine:
    def __init__(
        self,
        model: LinkModel | None = None,
        *,
        report_at: float = 0.2,
        young_hours: float = 72.0,
        max_profiles: int = 2_000_000,
        max_tracked_audiences: int = 500_000,
        audience_per_account: int = 200,
        allowlist: Iterable[str] = (),
        index: CandidateIndex | None = None,
        lookback_days: float = 14.0,
        appearance: str = "auto",
    ):
        if appearance not in APPEARANCE_MODES:
            raise ValueError(f"appearance must be one of {APPEARANCE_MODES}, not {appearance!r}")
        self.appearance = appearance
        #: Platforms that have sent an ``account_created``: there, creation alone starts an account.
        self.creation_platforms: set[str] = set()
        #: The latest sane event time seen.
        self.now: datetime | None = None
        self.recent_accounts = RecentAccounts(timedelta(days=lookback_days), limit=max_profiles)
        self.model = model or LinkModel.load()
        self.report_at = report_at
        self.young_window = timedelta(hours=young_hours)
        self.profiles: _LRU = _LRU(max_profiles)
        self.audiences: _LRU = _LRU(max_tracked_audiences)
        self.audience_per_account = audience_per_account
        self.allowlist = set(allowlist)
        self.index = index or CandidateIndex()
        #: Folded handle -> account, to resolve mentions that name no account id.
        self.handles: _LRU = _LRU(max_profiles)
        #: Hashtags each account used, kept for its fingerprint should it be suspended.
        self.tags: _LRU = _LRU(max_tracked_audiences)
        self.young: dict[str, Young] = {}
        self._young_order: deque[tuple[datetime, str]] = deque()
        #: The next fingerprint id (a plain int, so the state pickles: see ``state.py``).
        self._next_fid = 1
        self._fid_of: dict[str, int] = {}
        #: child -> parent for links reported, so a child's own fingerprint records its lineage.
        self.linked_parent: dict[str, str] = {}
        #: parent -> (the newest account linked to it, when that account appeared): feature
        #: ``already_replaced``.
        self.children: dict[str, tuple[str, datetime]] = {}

    # -- following the stream ----------------------------------------------------------------

    def clock(self, t: datetime) -> datetime:
        """``t`` if it is a sane time (and the clock moves on to it), else the current clock."""
        if t.tzinfo is None:
            t = t.replace(tzinfo=UTC)
        if SANE_FROM <= t < SANE_UNTIL:
            if self.now is None or t > self.now:
                self.now = t
            return t
        return self.now or SANE_FROM

    def first_seen_counts(self, platform: str) -> bool:
        """Whether a first sighting on ``platform`` is an appearance (no creation events there)."""
        if self.appearance == "auto":
            return platform not in self.creation_platforms
        return self.appearance == "first_seen"

    def _expire(self, now: datetime) -> None:
        self.recent_accounts.expire(now)
        try:
            horizon = now - self.young_window
        except OverflowError:
            return
        order = self._young_order
        while order and order[0][0] < horizon:
            _, acct = order.popleft()
            y = self.young.get(acct)
            if y is not None and y.created_at < horizon:
                del self.young[acct]

    def account_created(self, acct: str, at: datetime, **profile: Any) -> Finding | None:
        return self._appear(acct, at, "created", profile)

    def has_appeared(self, acct: str) -> bool:
        p = self.profiles.get(acct)
        return p is not None and p.appeared_at is not None

    def appeared(self, acct: str, at: datetime, **profile: Any) -> Finding | None:
        """First sighting of an account on a platform without creation events: its appearance."""
        if self.has_appeared(acct):
            return self.profile_changed(acct, at, **profile)
        return self._appear(acct, at, "appeared", profile)

    def seen(self, acct: str, platform: str, at: datetime) -> Finding | None:
        """``acct`` acted (posted, followed): its appearance if it is the first sighting."""
        p = self.profiles.get(acct)
        if p is not None and p.appeared_at is not None:
            if p.last_active is None or at > p.last_active:
                p.last_active = at
            return None
        if not self.first_seen_counts(platform):
            if p is not None:
                p.last_active = at
            return None
        return self._appear(acct, at, "appeared", {})

    def _appear(self, acct: str, at: datetime, trigger: str, profile: dict[str, Any]) -> Finding | None:
        self._expire(at)
        p = self.profiles.touch(acct, Profile)
        p.created_at = p.appeared_at = p.last_active = at
        p.update(**profile)
        self.young[acct] = Young(created_at=at)
        self._young_order.append((at, acct))
        self._remember(acct, p, at)
        return self._score(acct, at, trigger)

    def _remember(self, acct: str, p: Profile, at: datetime) -> None:
        keys = profile_keys([p.handle], p.display_name, p.avatar_hash)
        if keys:
            self.recent_accounts.add(acct, at, keys)

    def learn_handle(self, acct: str, handle: str) -> None:
        """A mention names ``acct`` by ``handle``: keep it for an account whose own profile never came."""
        p = self.profiles.touch(acct, Profile)
        if p.handle is None:
            p.handle = handle
            p.handles.append(handle)

    def posted_lang(self, acct: str, lang: str | None) -> None:
        if lang:
            p = self.profiles.get(acct)
            if p is not None:
                p.note_post_lang(lang)

    def profile_changed(self, acct: str, at: datetime, **profile: Any) -> Finding | None:
        p = self.profiles.touch(acct, Profile)
        was_protected = p.protected
        changed = p.update(**profile)
        if changed:
            self._remember(acct, p, at)
        if acct in self.young and was_protected and profile.get("protected") is False:
            return self._score(acct, at, "went_public")
        if changed:
            return self._score(acct, at, "profile_changed")
        return None

    def interaction(self, src: str, dst: str, at: datetime) -> Finding | None:
        """``src`` followed, reposted or mentioned ``dst``."""
        if src in self.allowlist or src == dst:
            return None
        aud = self.audiences.touch(dst, lambda: deque(maxlen=self.audience_per_account))
        aud.append(src)
        young = self.young.get(dst)
        if young is not None and src not in young.promoters:
            young.promoters.add(src)
            degree = self.index.audience_degree(src)
            if degree:
                young.promoted_by_audience += 1
                n = young.promoted_by_audience
                if degree >= NETWORK_DEGREE:
                    young.regulars.add(src)
                m = len(young.regulars)
                # Re-score at the 1st, 2nd, 4th, 8th... such promoter, and at the 1st, 2nd, 4th...
                # of the network's regulars: early evidence matters most, and a popular account
                # must not be re-scored on every follow.
                if n & (n - 1) == 0 or (degree >= NETWORK_DEGREE and m & (m - 1) == 0):
                    return self._score(dst, at, "promoted")
        return None

    def posted(self, acct: str, at: datetime, hashtags: Iterable[str]) -> Finding | None:
        young = self.young.get(acct)
        if young is None or young.posted:
            return None
        young.posted = True
        young.hashtags.update(hashtags)
        return self._score(acct, at, "first_post")

    def suspended(
        self, acct: str, platform: str, at: datetime, reason: str | None, hashtags: Counter[str] | None = None
    ) -> list[Finding]:
        """Register the fingerprint; the links found by scoring recent accounts against it."""
        p = self.profiles.get(acct) or Profile()
        audience = frozenset(self.audiences.get(acct, ())) - self.allowlist
        fid = self._next_fid
        self._next_fid += 1
        self._fid_of[acct] = fid
        self.index.add(
            Fingerprint(
                fid=fid,
                platform=platform,
                account_id=acct,
                handles=tuple(p.handles or ([p.handle] if p.handle else [])),
                display_name=p.display_name,
                bio=p.bio,
                avatar_hash=p.avatar_hash,
                lang=p.language(),
                suspended_at=at,
                reason=reason,
                audience=audience,
                hashtags=hashtags or Counter(),
                parent_account_id=self.linked_parent.get(acct),
                last_active=p.last_active,
            )
        )
        self.young.pop(acct, None)
        return self._late(acct, p, at)

    def _late(self, parent: str, p: Profile, at: datetime) -> list[Finding]:
        """Score again the accounts seen lately under one of the suspended account's keys."""
        self.recent_accounts.expire(self.now or at)
        keys = profile_keys(p.handles or [p.handle], p.display_name, p.avatar_hash)
        out: list[Finding] = []
        quiet = p.last_active
        for child in self.recent_accounts.matching(keys):
            if child == parent or child in self._fid_of:
                continue
            seen = self.recent_accounts.seen_at.get(child, at)
            if quiet is not None and seen <= quiet:
                # The parent still acted after this account appeared: they lived side by side,
                # so this is not the account it came back as.
                continue
            obs = self.observe(child, at)
            if obs is None:
                continue
            late = max(0.0, ((self.now or at) - seen).total_seconds() / 60.0)
            # An account seen before the suspension arrived may be anyone who happened to look
            # like the parent then (the start of a stream shows every account at once): a late
            # link needs two independent lines, never a similar name alone.
            found = self._link(obs, self.rank(obs), "late_suspension", late, min_lines=LATE_LINES)
            if found is not None:
                out.append(found)
        return out

    def unsuspended(self, acct: str) -> None:
        fid = self._fid_of.pop(acct, None)
        if fid is not None:
            self.index.deactivate(fid)

    # -- scoring --------------------------------------------------------------------------------

    def observe(self, acct: str, at: datetime) -> Observed | None:
        p = self.profiles.get(acct)
        if p is None:
            return None
        y = self.young.get(acct)
        return Observed(
            account_id=acct,
            profile=p,
            promoters=frozenset(y.promoters) if y else frozenset(),
            hashtags=y.hashtags if y else Counter(),
            at=at,
        )

    def rank(self, obs: Observed) -> list[tuple[float, Fingerprint, dict[str, float]]]:
        q = Query(obs.profile.handle, obs.profile.display_name, obs.profile.avatar_hash, obs.promoters)
        stems = self.index.stem_count(q.handle)
        keys = HandleKeys.of(q.handle)
        rows = []
        for fid in self.index.candidates(q):
            fp = self.index.fingerprints[fid]
            if fp.account_id != obs.account_id:
                rows.append((fp, pair_features(obs, fp, stems, keys, self.index)))
        add_relative_features(rows)
        p = obs.profile
        add_lineage_features(rows, obs.account_id, p.appeared_at or p.created_at or obs.at, self.children, self._fid_of)
        scored = [(self.model.probability(feats), fp, feats) for fp, feats in rows]
        scored.sort(key=lambda t: (-t[0], t[1].fid))
        return scored

    def _score(self, acct: str, at: datetime, trigger: str) -> Finding | None:
        if not len(self.index):
            return None
        obs = self.observe(acct, at)
        if obs is None:
            return None
        return self._link(obs, self.rank(obs), trigger) or self._network_return(obs, trigger)

    def network_returns(self, acct: str) -> Young | None:
        """The young account if the network promotes it and it appeared right after suspensions."""
        y = self.young.get(acct)
        if y is None or len(y.regulars) < RETURN_PROMOTERS or not self.index.recent(y.created_at):
            return None
        return y

    def _network_return(self, obs: Observed, trigger: str) -> NetworkReturn | None:
        y = self.network_returns(obs.account_id)
        if y is None or y.return_reported or y.reported_parent is not None or self.model.network_return is None:
            return None
        y.return_reported = True
        stems = self.index.stem_count(obs.profile.handle)
        keys = HandleKeys.of(obs.profile.handle)
        # The suspensions just before it, and the accounts its name, picture or promoters point at:
        # a return hours later has its parent among the latter, not the former.
        q = Query(obs.profile.handle, obs.profile.display_name, obs.profile.avatar_hash, obs.promoters)
        fids = dict.fromkeys([*self.index.recent(y.created_at), *self.index.candidates(q)])
        fps = [self.index.fingerprints[f] for f in fids]
        rows = [(fp, pair_features(obs, fp, stems, keys, self.index)) for fp in fps if fp.account_id != obs.account_id]
        add_relative_features(rows)
        p = obs.profile
        add_lineage_features(rows, obs.account_id, p.appeared_at or p.created_at or obs.at, self.children, self._fid_of)
        scored = sorted(((fp, self.model.probability(f)) for fp, f in rows), key=lambda t: (-t[1], t[0].fid))
        # The lead says the account is a replacement; which parent is the candidates' share of the
        # link probability. It names one when that share is at least CLEAR_LEAD and twice the next.
        total = sum(p for _, p in scored)
        clear = (
            bool(scored)
            and total > 0
            and scored[0][1] / total >= CLEAR_LEAD
            and (len(scored) == 1 or scored[0][1] >= 2 * scored[1][1])
        )
        if clear:
            self._note_link(obs, scored[0][0].account_id)
        return NetworkReturn(
            account_id=obs.account_id,
            probability=self.model.network_return,
            created_at=y.created_at,
            candidates=scored[:3],
            total_probability=total,
            network_promoters=sorted(y.regulars),
            trigger=trigger,
            named=clear,
        )

    def _note_link(self, obs: Observed, parent: str) -> None:
        self.linked_parent[obs.account_id] = parent
        p = obs.profile
        self.children[parent] = (obs.account_id, p.appeared_at or p.created_at or obs.at)

    def _link(
        self,
        obs: Observed,
        ranked: list[tuple[float, Fingerprint, dict[str, float]]],
        trigger: str,
        found_late_minutes: float | None = None,
        min_lines: int = 1,
    ) -> Link | None:
        if not ranked:
            return None
        acct = obs.account_id
        p, fp, feats = ranked[0]
        lines = evidence_lines(feats)
        if len(lines) < min_lines:
            # Language and timing make a link plausible but are not evidence of one: without a
            # concrete line (name, avatar, audience, bio, content) nothing goes to a reviewer.
            return None
        young = self.young.get(acct)
        last_p = young.reported_p if young else 0.0
        last_parent = young.reported_parent if young else None
        if p < self.report_at or (p <= last_p + 0.02 and fp.account_id == last_parent):
            return None
        if young is None and self.linked_parent.get(acct) == fp.account_id:
            return None  # already reported while young; nothing remembers its probability now
        if young is not None:
            young.reported_p, young.reported_parent = p, fp.account_id
        self._note_link(obs, fp.account_id)
        return Link(
            account_id=acct,
            parent=fp,
            probability=p,
            features=feats,
            contributions=self.model.contributions(feats),
            lines=lines,
            trigger=trigger,
            runners_up=[(f.account_id, q) for q, f, _ in ranked[1:4]],
            promoters=sorted(obs.promoters & fp.audience),
            found_late_minutes=found_late_minutes,
        )
