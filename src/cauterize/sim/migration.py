"""Migration scenario for the main simulator: part of a suspended network reappears on another platform.

The main simulator writes the origin platform (``sim``, Twitter-like). This module runs it, then
writes what a move looks like from the outside:

* on the origin platform (canonical JSONL, ``origin-extra.jsonl``): announcements before a
  suspension ("[SIM] if this account goes, find us at @name@instance", in a post or in the bio),
  a promoter's post after it naming the new home, and a link in the bio of some accounts (an
  archive site that the new account may carry too);
* on the destination platforms, in their real formats: Mastodon REST ``Status`` entities one per
  line (``dest.mastodon.jsonl``) and Bluesky Jetstream lines (``dest.jetstream.jsonl``), with the
  movers' new accounts, the innocent same-name accounts (the same handle's local part on another
  instance or on ``bsky.social``; a quarter of them with the same display name too), and
  ordinary background accounts;
* the truth (``migration.json``): each mover's new account, its parent (the persona's latest
  suspended incarnation), whether and how it was announced, what it carried over; each innocent
  and whose name it shares.

Every habit is drawn from the seed over a wide range (:func:`draw`): how many move, how many
announce and how, how long after the suspension, which traits survive (the handle's stem, display
name, bio, links, media files, language, hours), whether the network follows along. Announcements
name the new account in each platform's own spellings (``@name@instance``,
``https://instance/@name``, ``name.bsky.social``, ``https://bsky.app/profile/...``) or, from the
new account, the old one (``x.com/name``, ``twitter.com/name``).

Media hashes survive only on Bluesky (a Jetstream blob's CID is the file's SHA-256); Mastodon's
API gives no file hash, so a re-shared file is not comparable there. Avatars never match across
platforms here: each platform reports its own kind of image key.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec

from cauterize.evaluation.truth import LABEL_EXTREMIST
from cauterize.events import AccountCreated, Event, MediaRef, Mention, PostCreated, PostRef, ProfileChanged
from cauterize.sim.config import WorldConfig
from cauterize.sim.generator import Simulation

INSTANCES = ("mstdn.sim.example", "fedi.sim.example", "social.sim.example", "toot.sim.example", "kolektiva.sim.example")
FRESH = ("grey", "lantern", "vigil", "north", "signal", "dawn", "harbor", "relay", "stone", "ember", "field", "torch")
PEOPLE = ("lena", "tomas", "mira", "omar", "ana", "felix", "noor", "hassan", "ines", "karim", "yusuf", "sara")
LANGS = ("ar", "en", "fr", "es", "id")
ANNOUNCE_MODES = ("parent_post", "parent_bio", "promoter_post", "self_backref")


@dataclass(frozen=True, slots=True)
class MigrationParams:
    """One world's habits, drawn from its seed (:func:`draw`)."""

    move_share: float
    announce_share: float
    mode_weights: tuple[float, ...]
    median_delay_hours: float
    early_share: float
    keep_stem: float
    keep_display: float
    keep_bio: float
    has_site: float
    keep_links: float
    reuse_media: float
    same_lang: float
    same_hours: float
    mastodon_share: float
    innocents_per_mover: float
    innocent_same_display: float
    background: int
    network_follows: float


def draw(rng: random.Random) -> MigrationParams:
    return MigrationParams(
        move_share=rng.uniform(0.3, 0.9),
        announce_share=rng.uniform(0.3, 0.8),
        mode_weights=tuple(rng.uniform(0.1, 1.0) for _ in ANNOUNCE_MODES),
        median_delay_hours=rng.uniform(0.5, 72.0),
        early_share=rng.uniform(0.0, 0.3),
        keep_stem=rng.uniform(0.2, 0.9),
        keep_display=rng.uniform(0.1, 0.9),
        keep_bio=rng.uniform(0.0, 0.8),
        has_site=rng.uniform(0.1, 0.7),
        keep_links=rng.uniform(0.2, 0.9),
        reuse_media=rng.uniform(0.0, 0.8),
        same_lang=rng.uniform(0.6, 1.0),
        same_hours=rng.uniform(0.2, 0.9),
        mastodon_share=rng.uniform(0.2, 0.8),
        innocents_per_mover=rng.uniform(0.5, 2.0),
        innocent_same_display=rng.uniform(0.1, 0.4),
        background=rng.randint(150, 400),
        network_follows=rng.uniform(0.0, 0.8),
    )


def _hex(*parts: object, n: int = 16) -> str:
    return hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()[:n]


@dataclass(slots=True)
class _Origin:
    """What the origin stream showed of one account."""

    handle: str = ""
    display_name: str | None = None
    bio: str | None = None
    lang: str | None = None
    hours: Counter[int] = field(default_factory=Counter)
    media: list[MediaRef] = field(default_factory=list)


@dataclass(slots=True)
class _Dest:
    platform: str  # "mastodon" or "bluesky"
    account_id: str
    local: str
    handle: str
    display_name: str
    bio: str
    lang: str
    created: datetime
    url: str = ""
    kept_stem: bool = False
    bio_urls: tuple[str, ...] = ()
    posts: list[dict[str, Any]] = field(default_factory=list)
    n: int = 0


class MigrationWorld:
    """Builds the origin stream (main simulator), its additions, the destinations and the truth."""

    def __init__(self, cfg: WorldConfig, seed: int | None = None) -> None:
        self.cfg = cfg
        self.seed = cfg.seed if seed is None else seed
        self.rng = random.Random(f"migration:{self.seed}")
        self.params = draw(self.rng)
        self.origin: list[Event] = []
        self.extra: list[Event] = []
        self.dests: list[_Dest] = []
        self.truth: dict[str, Any] = {}
        self._n = 0

    def _eid(self) -> str:
        self._n += 1
        return f"mig-e{self._n}"

    # -- the origin ---------------------------------------------------------------------------------

    def build(self) -> None:
        sim = Simulation(self.cfg)
        seen: dict[str, _Origin] = {}
        for ev in sim.events():
            self.origin.append(ev)
            o = seen.get(ev.actor)
            if isinstance(ev, AccountCreated | ProfileChanged):
                o = seen.setdefault(ev.actor, _Origin())
                o.handle = ev.handle or o.handle
                o.display_name = ev.display_name or o.display_name
                o.bio = ev.bio or o.bio
                o.lang = ev.lang or o.lang
            elif isinstance(ev, PostCreated) and o is not None:
                o.hours[ev.time.hour] += 1
                o.media.extend(m for m in ev.media if m.hashes.get("sha256"))
        self.end = self.origin[-1].time if self.origin else self.cfg.start
        truth = [a for a in sim.truth_accounts() if a.label == LABEL_EXTREMIST]
        self._move(truth, seen)

    def _move(self, truth: list[Any], seen: dict[str, _Origin]) -> None:
        rng, prm = self.rng, self.params
        latest: dict[str, Any] = {}
        for a in truth:
            if a.suspended_at is not None and (a.persona not in latest or a.generation > latest[a.persona].generation):
                latest[a.persona] = a
        alive = list(truth)
        movers, innocents = [], []
        taken: set[str] = set()
        for persona in sorted(latest):
            parent = latest[persona]
            if rng.random() >= prm.move_share:
                continue
            o = seen.get(parent.account_id, _Origin(handle=parent.handle))
            dest = self._dest_for(parent, o, taken)
            site = None
            if rng.random() < prm.has_site:
                site = f"https://archive-{_hex('site', self.seed, persona, n=6)}.sim.example/{_hex('p', persona, n=4)}"
                self._origin_profile(parent.account_id, parent.created_at + timedelta(minutes=2), o, bio_urls=(site,))
            carried = self._carry(dest, o, site)
            announced = rng.random() < prm.announce_share
            modes: list[str] = []
            if announced:
                modes = [rng.choices(ANNOUNCE_MODES, weights=prm.mode_weights)[0]]
                ok = self._announce(modes[0], parent, o, dest, alive)
                if not ok:  # no promoter alive to post it: the parent says it instead
                    modes = ["parent_post"]
                    self._announce("parent_post", parent, o, dest, alive)
            movers.append(
                {
                    "platform": dest.platform,
                    "account_id": dest.account_id,
                    "handle": dest.handle,
                    "parent_platform": parent.platform,
                    "parent_account_id": parent.account_id,
                    "parent_handle": parent.handle,
                    "persona": persona,
                    "persona_accounts": sorted(a.account_id for a in truth if a.persona == persona),
                    "announced": announced,
                    "modes": modes,
                    "created": dest.created.isoformat(),
                    "carried": carried,
                }
            )
            for _ in range(self._poisson(prm.innocents_per_mover)):
                inn = self._innocent(parent, o, dest, taken)
                innocents.append(
                    {
                        "platform": inn.platform,
                        "account_id": inn.account_id,
                        "handle": inn.handle,
                        "lookalike_of": parent.account_id,
                        "same_display_name": inn.display_name == dest.display_name,
                    }
                )
        self._network_follows(movers)
        for i in range(prm.background):
            self._background(i, taken)
        self.truth = {
            "kind": "migration",
            "generator": "cauterize",
            "seed": self.seed,
            "origin_platform": self.cfg.platform,
            "params": asdict(self.params),
            "movers": movers,
            "innocents": innocents,
            "background": prm.background,
        }

    def _poisson(self, lam: float) -> int:
        n, p, limit = 0, 1.0, pow(2.718281828, -lam)
        while True:
            p *= self.rng.random()
            if p < limit:
                return n
            n += 1

    def _origin_profile(self, acct: str, at: datetime, o: _Origin, **fields: Any) -> None:
        self.extra.append(
            ProfileChanged(platform=self.cfg.platform, event_id=self._eid(), actor=acct, time=at, **fields)
        )

    # -- the destination ---------------------------------------------------------------------------

    def _local(self, parent_handle: str, keep: bool) -> str:
        rng = self.rng
        base = parent_handle.lower()
        if keep:
            stripped = base.rstrip("0123456789") or base
            pick = rng.random()
            if pick < 0.4:
                return stripped
            if pick < 0.7:
                return f"{stripped}{rng.randint(1, 99)}"
            return stripped.replace("_", "") if "_" in stripped else f"{stripped}_{rng.choice(('x', 'hq', 'news'))}"
        return f"{rng.choice(FRESH)}_{rng.choice(FRESH)}{rng.randint(1, 999)}"

    def _new_dest(
        self, local: str, platform: str, created: datetime, display: str, bio: str, lang: str, taken: set[str]
    ) -> _Dest:
        rng = self.rng
        if platform == "bluesky":
            local = local.replace("_", "-").strip("-")
            handle = f"{local}.bsky.social"
            while handle in taken:
                handle = f"{local}{rng.randint(2, 99)}.bsky.social"
            taken.add(handle)
            did = "did:plc:" + _hex("did", self.seed, handle, n=24)
            d = _Dest(platform, did, handle.split(".", 1)[0], handle, display, bio, lang, created)
        else:
            inst = rng.choice(INSTANCES)
            while f"{local}@{inst}" in taken:
                inst = rng.choice(INSTANCES)
                if all(f"{local}@{i}" in taken for i in INSTANCES):
                    local = f"{local}{rng.randint(2, 99)}"
            handle = f"{local}@{inst}"
            taken.add(handle)
            d = _Dest(platform, f"https://{inst}/users/{local}", local, handle, display, bio, lang, created)
            d.url = f"https://{inst}/@{local}"
        self.dests.append(d)
        return d

    def _dest_for(self, parent: Any, o: _Origin, taken: set[str]) -> _Dest:
        rng, prm = self.rng, self.params
        assert parent.suspended_at is not None
        if rng.random() < prm.early_share:
            created = parent.suspended_at - timedelta(hours=rng.uniform(0.5, 24.0))
            created = max(created, parent.created_at + timedelta(minutes=5))
        else:
            created = parent.suspended_at + timedelta(
                hours=prm.median_delay_hours * pow(2.718281828, rng.gauss(0, 0.8))
            )
        platform = "mastodon" if rng.random() < prm.mastodon_share else "bluesky"
        keep = rng.random() < prm.keep_stem
        display = (
            o.display_name
            if (o.display_name and rng.random() < prm.keep_display)
            else (f"{rng.choice(FRESH).title()} {rng.choice(FRESH).title()}")
        )
        if o.bio and rng.random() < prm.keep_bio:
            bio = f"{o.bio} {rng.choice(('(backup)', '(new home)', '', '- again'))}".strip()
        else:
            bio = f"[SIM] {rng.choice(FRESH)} {rng.choice(FRESH)} updates (synthetic)"
        lang = (o.lang or "ar") if rng.random() < prm.same_lang else rng.choice([x for x in LANGS if x != o.lang])
        d = self._new_dest(self._local(o.handle or parent.handle, keep), platform, created, display, bio, lang, taken)
        d.n = rng.randint(3, 25)
        d.kept_stem = keep
        return d

    def _carry(self, d: _Dest, o: _Origin, site: str | None) -> dict[str, bool]:
        rng, prm = self.rng, self.params
        links = bool(site) and rng.random() < prm.keep_links
        if links and site:
            d.bio_urls = (site,)
        media = bool(o.media) and rng.random() < prm.reuse_media
        hours = bool(o.hours) and rng.random() < prm.same_hours
        hour_pool = list(o.hours.elements()) if hours else list(range(24))
        t = d.created
        for i in range(d.n):
            step = t + timedelta(minutes=rng.expovariate(1 / 240.0) + 1)
            at = step.replace(hour=rng.choice(hour_pool))
            t = at if at > t else at + timedelta(days=1)
            post: dict[str, Any] = {"time": t, "text": f"[SIM] update {i} from {d.local} (synthetic)"}
            if media and i < 3:
                post["media"] = [o.media[rng.randrange(len(o.media))]]
            if links and i % 4 == 0 and site:
                post["url"] = site
            d.posts.append(post)
        return {
            "stem": d.kept_stem,
            "display_name": d.display_name == o.display_name,
            "bio": bool(o.bio) and d.bio.startswith(o.bio),
            "links": links,
            "media": media and d.platform == "bluesky",
            "language": d.lang == o.lang,
            "hours": hours,
        }

    def _ref(self, d: _Dest) -> str:
        rng = self.rng
        if d.platform == "bluesky":
            return d.handle if rng.random() < 0.5 else f"https://bsky.app/profile/{d.handle}"
        return f"@{d.handle}" if rng.random() < 0.6 else d.url

    def _announce(self, mode: str, parent: Any, o: _Origin, d: _Dest, alive: list[Any]) -> bool:
        rng = self.rng
        ref = self._ref(d)
        if mode in ("parent_post", "parent_bio"):
            lead = min(timedelta(hours=rng.uniform(0.1, 6.0)), (parent.suspended_at - parent.created_at) / 2)
            at = parent.suspended_at - lead
            if mode == "parent_bio":
                self._origin_profile(parent.account_id, at, o, bio=f"{o.bio or '[SIM]'} | backup: {ref}")
            else:
                text = rng.choice(
                    (
                        "[SIM] if this account goes, find us at {}",
                        "[SIM] backup account: {}",
                        "[SIM] new home {} (synthetic)",
                    )
                )
                self._origin_post(parent.account_id, at, text.format(ref), o.lang)
            return True
        if mode == "promoter_post":
            at = max(d.created, parent.suspended_at) + timedelta(minutes=rng.uniform(5, 180))
            pool = [
                a
                for a in alive
                if a.network == parent.network
                and a.account_id != parent.account_id
                and a.created_at < at
                and (a.suspended_at is None or a.suspended_at > at)
            ]
            if not pool:
                return False
            who = rng.choice(pool)
            self._origin_post(
                who.account_id, at, f"[SIM] our brothers moved to {ref} (synthetic)", o.lang, mention=parent
            )
            return True
        # self_backref: the new account says where it came from.
        host = rng.choice(("x.com", "twitter.com"))
        d.bio = f"{d.bio} | formerly {host}/{parent.handle}"
        return True

    def _origin_post(self, acct: str, at: datetime, text: str, lang: str | None, mention: Any = None) -> None:
        self.extra.append(
            PostCreated(
                platform=self.cfg.platform,
                event_id=self._eid(),
                actor=acct,
                time=at,
                post_id=f"mig-p{self._n}",
                text=text,
                lang=lang,
                mentions=(Mention(handle=mention.handle, account_id=mention.account_id),) if mention else (),
            )
        )

    def _innocent(self, parent: Any, o: _Origin, dest: _Dest, taken: set[str]) -> _Dest:
        rng, prm = self.rng, self.params
        local = (o.handle or parent.handle).lower().rstrip("0123456789") or parent.handle
        if rng.random() < 0.3:
            local = f"{local}{rng.randint(1, 99)}"
        same_display = rng.random() < prm.innocent_same_display
        display = dest.display_name if same_display else f"{rng.choice(PEOPLE).title()} {rng.choice(FRESH).title()}"
        created = dest.created + timedelta(hours=rng.uniform(-240, 120))
        platform = dest.platform if rng.random() < 0.7 else ("bluesky" if dest.platform == "mastodon" else "mastodon")
        bio = f"[SIM] {rng.choice(('photos', 'cycling', 'cooking', 'local news', 'music'))} and {rng.choice(FRESH)} (synthetic)"
        d = self._new_dest(local, platform, created, display, bio, rng.choice(LANGS), taken)
        d.n = rng.randint(2, 20)
        self._plain_posts(d)
        return d

    def _plain_posts(self, d: _Dest) -> None:
        rng = self.rng
        t = d.created
        for i in range(d.n):
            t = t + timedelta(minutes=rng.expovariate(1 / 600.0) + 1)
            post: dict[str, Any] = {"time": t, "text": f"[SIM] everyday post {i} by {d.local} (synthetic)"}
            if rng.random() < 0.2:
                post["url"] = f"https://{rng.choice(('news', 'blog', 'shop'))}.sim.example/{rng.randint(1, 9999)}"
            d.posts.append(post)

    def _background(self, i: int, taken: set[str]) -> None:
        rng = self.rng
        local = f"{rng.choice(PEOPLE)}_{rng.choice(FRESH)}{rng.randint(1, 9999)}"
        created = self.cfg.start + timedelta(hours=rng.uniform(0, 24 * (self.cfg.days + 3)))
        platform = "mastodon" if rng.random() < 0.5 else "bluesky"
        display = f"{rng.choice(PEOPLE).title()} {rng.choice(FRESH).title()}"
        d = self._new_dest(
            local, platform, created, display, "[SIM] ordinary account (synthetic)", rng.choice(LANGS), taken
        )
        d.n = rng.randint(1, 15)
        self._plain_posts(d)

    def _network_follows(self, movers: list[dict[str, Any]]) -> None:
        """Movers boost each other's new accounts on the destination (the promoters move too)."""
        rng = self.rng
        by_id = {d.account_id: d for d in self.dests}
        ds = [by_id[m["account_id"]] for m in movers]
        for d in ds:
            if rng.random() >= self.params.network_follows:
                continue
            peers = [
                p for p in ds if p is not d and p.platform == d.platform and p.created < d.created + timedelta(hours=6)
            ]
            for p in rng.sample(peers, min(len(peers), rng.randint(1, 4))):
                if d.posts:
                    d.posts[0].setdefault("boosted_by", []).append(p.account_id)

    # -- writing --------------------------------------------------------------------------------------

    def write(self, out_dir: str | Path) -> dict[str, str]:
        from cauterize.emit import jetstream

        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        enc = msgspec.json.Encoder()
        paths = {
            "origin": str(out / "origin.jsonl"),
            "origin_extra": str(out / "origin-extra.jsonl"),
            "mastodon": str(out / "dest.mastodon.jsonl"),
            "jetstream": str(out / "dest.jetstream.jsonl"),
            "truth": str(out / "migration.json"),
        }
        with open(paths["origin"], "wb") as f:
            f.write(enc.encode_lines(self.origin))
        with open(paths["origin_extra"], "wb") as f:
            f.write(enc.encode_lines(sorted(self.extra, key=lambda e: e.time)))
        by_id = {d.account_id: d for d in self.dests}
        masto = [d for d in self.dests if d.platform == "mastodon"]
        with open(paths["mastodon"], "w", encoding="utf-8") as f:
            rows = [(p["time"], d, i, p) for d in masto for i, p in enumerate(d.posts)]
            for t, d, i, p in sorted(rows, key=lambda r: (r[0], r[1].handle, r[2])):
                f.write(json.dumps(_status(d, i, p, t)) + "\n")
                for b in p.get("boosted_by", ()):
                    booster = by_id[b]
                    f.write(json.dumps(_boost(booster, d, i, p, t + timedelta(minutes=3))) + "\n")
        bsky: list[Event] = []
        for d in self.dests:
            if d.platform != "bluesky":
                continue
            bio = d.bio + ("".join(f" {u}" for u in d.bio_urls))
            bsky.append(
                ProfileChanged(
                    platform="bluesky",
                    event_id=self._eid(),
                    actor=d.account_id,
                    time=d.created,
                    handle=d.handle,
                    display_name=d.display_name,
                    bio=bio,
                )
            )
            for i, p in enumerate(d.posts):
                pid = f"at://{d.account_id}/app.bsky.feed.post/{_hex('post', d.account_id, i, n=13)}"
                bsky.append(
                    PostCreated(
                        platform="bluesky",
                        event_id=self._eid(),
                        actor=d.account_id,
                        time=p["time"],
                        post_id=pid,
                        text=p["text"],
                        lang=d.lang,
                        media=tuple(p.get("media", ())),
                        urls=(p["url"],) if p.get("url") else (),
                    )
                )
                for b in p.get("boosted_by", ()):
                    bsky.append(
                        PostCreated(
                            platform="bluesky",
                            event_id=self._eid(),
                            actor=b,
                            time=p["time"] + timedelta(minutes=3),
                            post_id=f"at://{b}/app.bsky.feed.repost/{_hex('rp', b, pid, n=13)}",
                            repost_of=PostRef(post_id=pid, account_id=d.account_id),
                        )
                    )
        bsky.sort(key=lambda e: e.time)
        with open(paths["jetstream"], "wb") as f:
            f.writelines(jetstream.encode(bsky))
        Path(paths["truth"]).write_text(json.dumps(self.truth, indent=1, default=str), encoding="utf-8")
        return paths


def _iso(t: datetime) -> str:
    return t.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _account(d: _Dest) -> dict[str, Any]:
    inst = d.handle.split("@", 1)[1]
    fields = [{"name": "Site", "value": f'<a href="{u}" rel="me">{u}</a>'} for u in d.bio_urls]
    return {
        "id": str(int(_hex("acct", d.account_id, n=12), 16)),
        "username": d.local,
        "acct": d.handle,
        "url": d.url,
        "uri": d.account_id,
        "display_name": d.display_name,
        "note": f"<p>{d.bio}</p>",
        "avatar": f"https://{inst}/system/accounts/avatars/{_hex('av', d.account_id, n=9)}/original/{_hex('avf', d.account_id)}.png",
        "header": f"https://{inst}/headers/original/missing.png",
        "fields": fields,
        "created_at": _iso(d.created),
        "locked": False,
        "bot": False,
        "followers_count": 0,
        "following_count": 0,
        "statuses_count": d.n,
    }


def _status(d: _Dest, i: int, p: dict[str, Any], t: datetime) -> dict[str, Any]:
    inst = d.handle.split("@", 1)[1]
    n = int(_hex("st", d.account_id, i, n=12), 16)
    content = f"<p>{p['text']}"
    if p.get("url"):
        content += f' <a href="{p["url"]}" rel="nofollow noopener">{p["url"]}</a>'
    content += "</p>"
    media = [
        {
            "id": str(n + k),
            "type": "image",
            "url": f"https://{inst}/system/media_attachments/{_hex('m', n, k)}.jpg",
            "remote_url": None,
        }
        for k, _ in enumerate(p.get("media", ()))
    ]
    return {
        "id": str(n),
        "uri": f"{d.account_id}/statuses/{n}",
        "url": f"{d.url}/{n}",
        "created_at": _iso(t),
        "content": content,
        "language": d.lang,
        "visibility": "public",
        "sensitive": False,
        "spoiler_text": "",
        "account": _account(d),
        "media_attachments": media,
        "mentions": [],
        "tags": [],
        "reblog": None,
        "card": None,
    }


def _boost(booster: _Dest, d: _Dest, i: int, p: dict[str, Any], t: datetime) -> dict[str, Any]:
    n = int(_hex("boost", booster.account_id, d.account_id, i, n=12), 16)
    return {
        "id": str(n),
        "uri": f"{booster.account_id}/statuses/{n}/activity",
        "created_at": _iso(t),
        "content": "",
        "account": _account(booster),
        "reblog": _status(d, i, p, p["time"]),
        "media_attachments": [],
        "mentions": [],
        "tags": [],
    }


def build_world(cfg: WorldConfig, out_dir: str | Path) -> dict[str, str]:
    """Generate the origin world and its migration, write every file; the paths written."""
    world = MigrationWorld(cfg)
    world.build()
    return world.write(out_dir)
