"""The cross-platform engine: follows every platform's stream at once, keeps the suspended
accounts of all of them, and links a new account on one platform to a suspended account on
another when what survives a move (names, pictures, bios, links, media, language, hours,
promoters) or an announcement ("follow us at @name@instance") ties them.

Accounts are keyed by ``(platform, account id)``. Platforms are grouped into families
(:data:`cauterize.actors.refs.PLATFORM_FAMILY`, extended by ``aliases``): a link always crosses
families; links within one platform are the ban-evasion engine's job (``cauterize.evasion``).

Order does not matter: an announcement seen after the account it names, a suspension learnt after
the replacement appeared, or a replacement seen before its parent's suspension each re-score the
accounts they concern, so a stream replayed in any order of files reaches the same links.

State is bounded: traits per account (LRU, ``max_accounts``; capped collections inside), the
suspended accounts and their key indexes, announcements per named handle (at most 20), and the
young accounts (first seen within ``young_days``).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cauterize.actors import score
from cauterize.actors.lead import MAX_CANDIDATES, Announcer, Candidate, NetworkLead
from cauterize.actors.refs import Ref, family_of, find_refs, handle_key
from cauterize.actors.traits import Traits, domain_of, stem

Key = tuple[str, str]
MAX_ANNOUNCEMENTS = 20
MAX_POSTING = 50
#: Candidates looked at per key: a stem or picture shared by more is not specific enough to list all.
MAX_PER_KEY = 50
#: An announcer still acting this long after the account it named appeared did not move itself.
STAYED = timedelta(hours=48)
SANE_FROM = datetime(2000, 1, 1, tzinfo=UTC)
SANE_UNTIL = datetime(2100, 1, 1, tzinfo=UTC)
_RESCORE_POSTS = frozenset({1, 2, 4, 8, 16, 32})
_RESCORE_PROMOTERS = frozenset({1, 2, 4, 8, 16})


@dataclass(frozen=True, slots=True)
class Announcement:
    """A post or bio on one platform naming an account on another."""

    platform: str
    account_id: str
    handle: str | None
    where: str  # "post" or "bio"
    post_id: str | None
    event_id: str
    time: datetime
    ref: Ref
    text: str
    #: Accounts the announcing post mentions ("brother @old_name is now at @new@instance").
    mentions: tuple[Key, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "platform": self.platform,
            "account_id": self.account_id,
            "handle": self.handle,
            "where": self.where,
            "post_id": self.post_id,
            "event_id": self.event_id,
            "time": self.time.isoformat(),
            "names": f"{self.ref.family}:{self.ref.handle}",
            "text": self.text[:280],
            "mentions": [f"{p}:{a}" for p, a in self.mentions],
        }


@dataclass(frozen=True, slots=True)
class CrossLink:
    """A new account on one platform linked to a suspended account on another."""

    platform: str
    account_id: str
    parent: Traits
    probability: float
    features: dict[str, float]
    lines: list[str]
    trigger: str
    announcements: list[Announcement]
    shared_links: list[str]
    shared_media: list[str]
    avatar_hash: str | None
    runners_up: list[tuple[Key, float]]
    child_handle: str | None
    child_first_seen: datetime
    label: str = "crossplatform.link"

    def evidence(self) -> dict[str, Any]:
        fp = self.parent
        return {
            "cross_platform": True,
            "parent_platform": fp.platform,
            "parent_account_id": fp.account_id,
            "parent_handles": list(fp.handles),
            "parent_suspended_at": fp.suspended_at.isoformat() if fp.suspended_at else None,
            "parent_reason": fp.reason,
            "probability": round(self.probability, 4),
            "trigger": self.trigger,
            "independent_signals": len(self.lines),
            "evidence_lines": self.lines,
            # The policy never lets a cross-platform link act by itself: an action taken on one
            # platform must not fire on another; a person reviews it on the account's platform.
            "review_only": "a link across platforms opens a review case; it never acts by itself",
            "features": {k: round(v, 4) for k, v in self.features.items()},
            "contributions": {k: round(v, 4) for k, v in score.contributions(self.features).items()},
            "announcements": [a.to_json() for a in self.announcements[:5]],
            "shared_links": self.shared_links[:10],
            "shared_media_hashes": self.shared_media[:10],
            **({"avatar_hash": self.avatar_hash} if self.avatar_hash else {}),
            "statuses": [
                {
                    "platform": fp.platform,
                    "account_id": fp.account_id,
                    "handle": fp.handle,
                    "status": "suspended",
                    "since": fp.suspended_at.isoformat() if fp.suspended_at else None,
                    "action_available": "none (already suspended)",
                },
                {
                    "platform": self.platform,
                    "account_id": self.account_id,
                    "handle": self.child_handle,
                    "status": "active",
                    "since": self.child_first_seen.isoformat(),
                    "action_available": f"review on {self.platform}",
                },
            ],
            "runners_up": [
                {"platform": k[0], "account_id": k[1], "probability": round(p, 4)} for k, p in self.runners_up
            ],
        }


class _LRU(OrderedDict):
    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def get_touch(self, key: Any) -> Any:
        value = self.get(key)
        if value is not None:
            self.move_to_end(key)
        return value

    def put(self, key: Any, value: Any) -> None:
        self[key] = value
        self.move_to_end(key)
        if len(self) > self.limit:
            self.popitem(last=False)


class _Capped(dict):
    """A dict that forgets its oldest keys beyond ``limit`` (insertion order): counts and indexes
    over every account ever seen must not grow without bound."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__(key, value)
        if len(self) > self.limit:
            del self[next(iter(self))]

    def rows(self, key: Any) -> list[Any]:
        """The list under ``key``, created when missing (``setdefault`` that keeps the cap)."""
        rows = self.get(key)
        if rows is None:
            rows = self[key] = []
        return rows


def _push(index: dict[Any, list[Key]], key: Any, value: Key, cap: int = MAX_PER_KEY) -> None:
    if not key:
        return
    rows = index.rows(key) if isinstance(index, _Capped) else index.setdefault(key, [])
    if value in rows:
        return
    rows.append(value)
    if len(rows) > cap:
        del rows[0]  # the newest are kept: a stem in wide use points at its latest holders


@dataclass(slots=True)
class _Reported:
    probability: float
    parent: Key


class _KeyIndex:
    """Key -> accounts, one map per kind of key (stem, display name, avatar, link, media)."""

    def __init__(self, limit: int) -> None:
        self.stems: _Capped = _Capped(limit)
        self.names: _Capped = _Capped(limit)
        self.avatars: _Capped = _Capped(limit)
        self.links: _Capped = _Capped(limit)
        self.media: _Capped = _Capped(limit)

    def add(self, t: Traits) -> None:
        for s in t.stems():
            _push(self.stems, s, t.key)
        _push(self.names, t.name_key(), t.key)
        _push(self.avatars, t.avatar_hash or "", t.key)
        for u in t.links:
            _push(self.links, u, t.key)
        for h in t.media:
            _push(self.media, h, t.key)

    def lookup(self, t: Traits) -> list[Key]:
        out: dict[Key, None] = {}
        for s in t.stems():
            out.update(dict.fromkeys(self.stems.get(s, ())))
        out.update(dict.fromkeys(self.names.get(t.name_key(), ())))
        if t.avatar_hash:
            out.update(dict.fromkeys(self.avatars.get(t.avatar_hash, ())))
        for u in t.links:
            out.update(dict.fromkeys(self.links.get(u, ())))
        for h in t.media:
            out.update(dict.fromkeys(self.media.get(h, ())))
        return list(out)


class CrossPlatformEngine:
    def __init__(
        self,
        report_at: float = 0.5,
        young_days: float = 30.0,
        max_accounts: int = 1_000_000,
        aliases: Mapping[str, str] | None = None,
        allowlist: Iterable[str] = (),
    ) -> None:
        self.report_at = report_at
        self.young_window = timedelta(days=young_days)
        self.aliases = dict(aliases or {})
        self.allowlist = set(allowlist)
        self.accounts: _LRU = _LRU(max_accounts)
        self.by_handle: _LRU = _LRU(max_accounts)
        self.refs_to: _Capped = _Capped(max_accounts)
        self.announced: _Capped = _Capped(max_accounts)
        #: The registry, like the evasion engine's, holds every suspension (they are few).
        self.suspended: dict[Key, Traits] = {}
        self.registry = _KeyIndex(max_accounts)
        self.recent = _KeyIndex(max_accounts)
        #: promoter -> suspended accounts it promoted (the network an announcer belongs to).
        self.promoted: _Capped = _Capped(max_accounts)
        #: Live accounts (any platform) per handle stem and per display-name key.
        self.stem_count: _Capped = _Capped(max_accounts)
        self.name_count: _Capped = _Capped(max_accounts)
        self.domain_count: _Capped = _Capped(max_accounts)
        self.link_count: _Capped = _Capped(max_accounts)
        self.reported: dict[Key, _Reported] = {}
        self.now: datetime | None = None
        #: A network member's shout-out counts for every candidate that stopped (xp-5); off gives
        #: xp-4's reading, kept to measure the difference on the tuning worlds.
        self.collective = True
        #: Leads made: account -> (network announcers, suggested parent) when last reported.
        self.leads: _Capped = _Capped(max_accounts)

    # -- following the streams ------------------------------------------------------------------

    def family(self, platform: str) -> str:
        return family_of(platform, self.aliases)

    def _traits(self, platform: str, acct: str, at: datetime, active: bool = True) -> tuple[Traits, bool]:
        key = (platform, acct)
        t = self.accounts.get_touch(key)
        if t is None:
            t = self.suspended.get(key) or Traits(platform=platform, account_id=acct, first_seen=at, last_active=at)
            self.accounts.put(key, t)
            return t, True
        if active and at > t.last_active:
            t.last_active = at
        return t, False

    def clock(self, t: datetime) -> datetime:
        """``t`` if it is a sane time, else the engine's current clock: a year-1 or year-9999 stamp
        must never overflow the time arithmetic nor make every account old or young at once."""
        if t.tzinfo is None:
            t = t.replace(tzinfo=UTC)
        if SANE_FROM <= t < SANE_UNTIL:
            return t
        return self.now or SANE_FROM

    def learn_handle(self, platform: str, acct: str, handle: str, at: datetime) -> None:
        """A mention names ``acct`` by ``handle``: kept for an account whose own profile never came
        (on Bluesky many accounts are known only that way), so a reference to it still resolves."""
        t, _ = self._traits(platform, acct, at, active=False)
        if t.handle is None and handle:
            t.set_profile(handle=handle)
            self.by_handle.put((self.family(platform), handle_key(handle)), t.key)

    def resolve(self, platform: str, handle: str) -> str | None:
        """The account a handle on ``platform`` names, if one was seen with it."""
        k = self.by_handle.get((self.family(platform), handle_key(handle)))
        return k[1] if k is not None and k[0] == platform else None

    def _clock(self, at: datetime) -> None:
        if self.now is None or at > self.now:
            self.now = at

    def is_young(self, t: Traits) -> bool:
        return t.suspended_at is None and self.now is not None and t.first_seen >= self.now - self.young_window

    def profile(
        self, platform: str, acct: str, at: datetime, event_id: str, **fields: Any
    ) -> list[CrossLink | NetworkLead]:
        self._clock(at)
        t, new = self._traits(platform, acct, at)
        old_links, old_stems, old_name = set(t.links), t.stems(), t.name_key()
        changed = t.set_profile(**fields)
        if changed and t.suspended_at is None:
            for st in t.stems() - old_stems:
                self.stem_count[st] = self.stem_count.get(st, 0) + 1
            nk = t.name_key()
            if nk and nk != old_name:
                self.name_count[nk] = self.name_count.get(nk, 0) + 1
                if old_name:
                    self.name_count[old_name] = max(0, self.name_count.get(old_name, 1) - 1)
        if t.handle:
            self.by_handle.put((self.family(platform), handle_key(t.handle)), t.key)
        self._count_links(t, old_links)
        out: list[CrossLink | NetworkLead] = []
        texts = [
            fields.get("bio") or "",
            *(fields.get("bio_urls") or ()),
            *dict(fields.get("profile_fields") or {}).values(),
        ]
        out += self._announce(t, texts, "bio", None, event_id, at)
        if (new or changed) and self.is_young(t):
            self.recent.add(t)
            out += self._score_one(t, "appeared" if new else "profile_changed")
        return out

    def post(
        self,
        platform: str,
        acct: str,
        at: datetime,
        event_id: str,
        post_id: str,
        text: str,
        lang: str | None,
        urls: tuple[str, ...],
        media: list[str],
        targets: Iterable[str],
    ) -> list[CrossLink | NetworkLead]:
        self._clock(at)
        t, new = self._traits(platform, acct, at)
        old_links, old_media = set(t.links), set(t.media)
        t.add_post(at, lang, urls, media)
        self._count_links(t, old_links)
        out: list[CrossLink | NetworkLead] = []
        targets = list(targets)
        for target in targets:
            out += self.interaction(platform, acct, target, at)
        mentioned = tuple((platform, x) for x in targets)
        out += self._announce(t, [text, *urls], "post", post_id, event_id, at, mentioned)
        if self.is_young(t) and (
            new or t.posts in _RESCORE_POSTS or set(t.media) != old_media or set(t.links) != old_links
        ):
            if set(t.links) != old_links or set(t.media) != old_media or new:
                self.recent.add(t)
            out += self._score_one(t, "appeared" if new else "posted")
        return out

    def interaction(self, platform: str, src: str, dst: str, at: datetime) -> list[CrossLink | NetworkLead]:
        """``src`` followed, reposted or mentioned ``dst`` on ``platform``."""
        self._clock(at)
        if src == dst or src in self.allowlist:
            return []
        t = self.accounts.get_touch((platform, dst))
        if t is None:
            t, _ = self._traits(platform, dst, at, active=False)
        if not t.add_promoter((platform, src)):
            return []
        if t.suspended_at is not None:
            _push(self.promoted, (platform, src), t.key)  # type: ignore[arg-type]
        if self.is_young(t) and len(t.promoters) in _RESCORE_PROMOTERS:
            return self._score_one(t, "promoted")
        return []

    def suspend(self, platform: str, acct: str, at: datetime, reason: str | None) -> list[CrossLink | NetworkLead]:
        self._clock(at)
        # A takedown may be reported days after the account stopped: it is not activity.
        t, _ = self._traits(platform, acct, at, active=False)
        if t.suspended_at is not None:
            return []
        t.suspended_at, t.reason = at, reason
        self.suspended[t.key] = t
        self.registry.add(t)
        # It no longer counts among the live accounts wearing its name (see ``score.Popularity``).
        for s in t.stems():
            self.stem_count[s] = max(0, self.stem_count.get(s, 1) - 1)
        nk = t.name_key()
        if nk:
            self.name_count[nk] = max(0, self.name_count.get(nk, 1) - 1)
        for p in t.promoters:
            _push(self.promoted, p, t.key)
        self.reported.pop(t.key, None)
        # Whoever it may have moved to already: accounts sharing a key, the accounts it named,
        # and the accounts that named it (a new account's bio saying where it came from).
        todo: dict[Key, None] = dict.fromkeys(self.recent.lookup(t))
        for ref in self.announced.get(t.key, ()):
            k = self.by_handle.get(ref)
            if k is not None:
                todo[k] = None
        for h in t.handles:
            for a in self.refs_to.get((self.family(platform), handle_key(h)), ()):
                todo[(a.platform, a.account_id)] = None
        for p in t.promoters:  # the new homes its network announced
            for ref in self.announced.get(p, ()):
                k = self.by_handle.get(ref)
                if k is not None:
                    todo[k] = None
        out: list[CrossLink | NetworkLead] = []
        for k in todo:
            child = self.accounts.get(k)
            if child is not None and self.family(child.platform) != self.family(platform) and self.is_young(child):
                out += self._score_one(child, "late_suspension")
        return out

    def unsuspend(self, platform: str, acct: str) -> None:
        t = self.suspended.pop((platform, acct), None)
        if t is not None:
            t.suspended_at = None

    # -- announcements ----------------------------------------------------------------------------

    def _announce(
        self,
        t: Traits,
        texts: list[str],
        where: str,
        post_id: str | None,
        event_id: str,
        at: datetime,
        mentioned: tuple[Key, ...] = (),
    ) -> list[CrossLink | NetworkLead]:
        refs = find_refs(texts)
        if not refs:
            return []
        fam = self.family(t.platform)
        out: list[CrossLink | NetworkLead] = []
        text = " ".join(x for x in texts[:1] if x)
        for ref in refs:
            if ref.family == fam:
                continue  # a profile link on its own platform is not a move
            named = (ref.family, ref.handle)
            rows = self.refs_to.rows(named)
            if any(a.account_id == t.account_id and a.platform == t.platform for a in rows):
                continue
            if len(rows) >= MAX_ANNOUNCEMENTS:
                continue
            rows.append(
                Announcement(t.platform, t.account_id, t.handle, where, post_id, event_id, at, ref, text, mentioned)
            )
            mine = self.announced.rows(t.key)
            if named not in mine:
                mine.append(named)
            k = self.by_handle.get(named)
            child = self.accounts.get(k) if k is not None else None
            if child is not None and self.is_young(child):
                out += self._score_one(child, "announced")
            # The announcer itself may be the new account, naming where it came from.
            if self.is_young(t):
                out += self._score_one(t, "announced")
        return out

    def _count_links(self, t: Traits, before: set[str]) -> None:
        for u in t.links:
            if u not in before:
                self.link_count[u] = self.link_count.get(u, 0) + 1
                d = domain_of(u)
                if d and d not in {domain_of(b) for b in before}:
                    self.domain_count[d] = self.domain_count.get(d, 0) + 1

    # -- scoring --------------------------------------------------------------------------------

    def _announcements_of(self, t: Traits) -> list[Announcement]:
        if not t.handle:
            return []
        fam = self.family(t.platform)
        return [a for h in t.handles for a in self.refs_to.get((fam, handle_key(h)), ())]

    def candidates(self, t: Traits) -> tuple[list[Key], list[Announcement]]:
        fam = self.family(t.platform)
        anns = self._announcements_of(t)
        out: dict[Key, None] = {}
        for a in anns:
            k = (a.platform, a.account_id)
            if k in self.suspended:
                out[k] = None
            out.update(dict.fromkeys(m for m in a.mentions if m in self.suspended))
            out.update(dict.fromkeys(self.promoted.get(k, ())))
        for named in self.announced.get(t.key, ()):
            k = self.by_handle.get(named)
            if k is not None and k in self.suspended:
                out[k] = None
        out.update(dict.fromkeys(self.registry.lookup(t)))
        return [k for k in out if k in self.suspended and self.family(k[0]) != fam], anns

    def in_network(self, a: Announcement) -> bool:
        """The announcer belongs to the suspended network: it was suspended itself, or it promoted
        (followed, reposted, mentioned) an account that was."""
        k = (a.platform, a.account_id)
        return k in self.suspended or bool(self.promoted.get(k))

    def _moved(self, child: Traits, parent: Traits) -> int:
        if not child.promoters or not parent.promoters:
            return 0
        theirs = {stem(p.handle) for k in parent.promoters if (p := self.accounts.get(k)) is not None and p.handle}
        mine = {stem(p.handle) for k in child.promoters if (p := self.accounts.get(k)) is not None and p.handle}
        theirs.discard("")
        return len(theirs & mine)

    def rank(self, t: Traits) -> list[tuple[float, Traits, dict[str, float], list[Announcement]]]:
        keys, anns = self.candidates(t)
        pop = score.Popularity(self.stem_count, self.name_count, self.domain_count, self.link_count)
        own = set(self.announced.get(t.key, ()))
        staged = []
        for k in keys:
            parent = self.suspended[k]
            pfam = self.family(parent.platform)
            # Whose move an announcement is: its own when the account named its backup in its bio
            # or in a post before the backup appeared (announced ahead). A post naming an account
            # that already exists is what promoters do for each other (the network's shout-outs
            # come after the new account appears, and a shouter may be suspended an hour later):
            # it counts for the network only, as does an announcer that went on acting long
            # after the new account appeared. A post that mentions the parent names both.
            stayed = parent.last_active > t.first_seen + STAYED
            own_posts = [
                a
                for a in anns
                if (a.platform, a.account_id) == k and (a.where == "bio" or a.time <= t.first_seen) and not stayed
            ]
            by_parent = [a for a in anns if k in a.mentions] + own_posts
            names_parent = any((pfam, handle_key(h)) in own for h in parent.handles)
            by_network = [
                a
                for a in anns
                if a not in by_parent
                and (
                    (a.platform, a.account_id) in parent.promoters
                    or k in self.promoted.get((a.platform, a.account_id), ())
                    or (a.platform, a.account_id) == k
                )
            ]
            # The collective's word: a shout-out by any member of the suspended network counts
            # for every candidate that could have moved (it stopped acting, unlike one that went
            # on for days after the new account appeared), not only for the accounts the shouter
            # happened to promote. What then picks the parent is what the new account carried.
            collective = False
            if stayed:
                by_network = []  # the network pointed elsewhere: this one never left
            elif not by_network and self.collective:
                by_network = [a for a in anns if a not in by_parent and self.in_network(a)]
                collective = bool(by_network)
            staged.append((parent, bool(by_parent) or names_parent, by_parent, by_network, collective))
        # A parent's own word points at one account: the collective's generic word then counts
        # for no other candidate (a look-alike name in the network must not outrank it).
        if any(named for _, named, _, _, _ in staged):
            staged = [(p, n, bp, [] if c else bn, c) for p, n, bp, bn, c in staged]
        rows = []
        for parent, named, by_parent, by_network, _ in staged:
            feats = score.features(
                t,
                parent,
                pop,
                named,
                bool(by_network),
                self._moved(t, parent),
            )
            rows.append((score.probability(feats), parent, feats, by_parent + by_network))
        # Ties go to the candidate that stopped acting closest to the new account's appearance:
        # of a chain of incarnations, the latest is the one that moved.
        rows.sort(key=lambda r: (-r[0], abs((r[1].last_active - t.first_seen).total_seconds())))
        return rows

    def _lead(self, t: Traits, trigger: str, ranked: list[Any]) -> list[NetworkLead]:
        """No link: if members of the suspended network announced ``t``, a lead for a reviewer
        (once, and again when more of the network speaks or a candidate pulls clearly ahead)."""
        if t.key in self.reported:
            return []
        announcers = [
            Announcer(
                a, (a.platform, a.account_id) in self.suspended, list(self.promoted.get((a.platform, a.account_id), ()))
            )
            for a in self._announcements_of(t)
            if (a.platform, a.account_id) != t.key and self.in_network(a)
        ]
        if not announcers:
            return []
        keys = [(a.announcement.platform, a.announcement.account_id) for a in announcers]
        cands = [
            Candidate(
                parent,
                p,
                feats,
                sum(1 for k in keys if k in parent.promoters or parent.key in self.promoted.get(k, ())),
            )
            for p, parent, feats, _ in ranked
        ]
        # Equal odds are ordered by how much of the announcing group amplified each candidate; that
        # orders the list for the reviewer and never names a parent (chance overlaps are common).
        cands.sort(key=lambda c: (-c.probability, -c.promoted_by))
        cands = cands[:MAX_CANDIDATES]
        lead = NetworkLead(t.platform, t.account_id, t.handle, t.first_seen, announcers, cands, trigger)
        suggested = lead.parent.key if lead.parent is not None else None
        state = (len(announcers), suggested)
        if self.leads.get(t.key) == state:
            return []
        self.leads[t.key] = state
        return [lead]

    def _score_one(self, t: Traits, trigger: str) -> list[CrossLink | NetworkLead]:
        if not self.suspended:
            return []
        ranked = self.rank(t)
        if not ranked:
            return self._lead(t, trigger, ranked)
        p, parent, feats, anns = ranked[0]
        if p < self.report_at or not score.reportable(feats):
            return self._lead(t, trigger, ranked)
        last = self.reported.get(t.key)
        if last is not None and last.parent == parent.key and p <= last.probability + 0.02:
            return []
        self.reported[t.key] = _Reported(p, parent.key)
        own = [
            a
            for h in parent.handles
            for a in self.refs_to.get((self.family(parent.platform), handle_key(h)), ())
            if (a.platform, a.account_id) == t.key
        ]
        return [
            CrossLink(
                platform=t.platform,
                account_id=t.account_id,
                parent=parent,
                probability=p,
                features=feats,
                lines=score.evidence_lines(feats),
                trigger=trigger,
                announcements=anns + own,
                shared_links=[u for u in t.links if u in parent.links],
                shared_media=[h for h in t.media if h in parent.media],
                avatar_hash=t.avatar_hash if feats.get("avatar_equal") else None,
                runners_up=[(r[1].key, r[0]) for r in ranked[1:4]],
                child_handle=t.handle,
                child_first_seen=t.first_seen,
            )
        ]
