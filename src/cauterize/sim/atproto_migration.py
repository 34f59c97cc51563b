"""The second generator's migration: the Bluesky-shaped collective moves to the fediverse.

Written apart from :mod:`cauterize.sim.migration` on purpose, with other choices everywhere, and
never used to set a weight or a threshold:

* origin: the :mod:`cauterize.sim.atproto` world (DIDs, domain handles, late takedowns), with the
  announcements merged into its own stream (``origin.jsonl``);
* destination: Mastodon **streaming** messages (``{"stream": ..., "event": "update", "payload":
  "<Status as a JSON string>"}``) seen from one instance, ``hub.sim.example``: accounts there have
  a bare ``acct`` (the adapter takes the domain from the profile URL), remote ones ``name@domain``;
* habits: one *care* level per mover, drawn around the world's mean, decides jointly what it
  carries over (careless movers keep name, display name, bio and links together; careful ones
  keep none), unlike the main generator's independent draws;
* announcements: a pinned "moving" post by the parent with the new profile URL, the collective's
  shout-outs (several members, none naming the parent), or a profile field on the new account
  naming the old one (``Bluesky: https://bsky.app/profile/<handle>``);
* the move often comes before the takedown is reported (the origin reports takedowns late), so
  the new account is usually seen before its parent is known to be suspended;
* innocents: fediverse accounts with the same words in their name (``cinder_ridge`` for
  ``cinder-ridge.bsky.social``), and accounts with the collective's generic display names
  (``Archive``, ``Updates``).

The truth (``migration.json``) has the same shape as the main generator's.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec

from cauterize.evaluation.truth import LABEL_EXTREMIST
from cauterize.events import Event, PostCreated
from cauterize.sim.atproto import DAY, GENERIC, PLATFORM, WORDS, AtprotoWorld

HUB = "hub.sim.example"
SERVERS = (HUB, "chaos.sim.example", "eldritch.sim.example", "masto.sim.example", "norden.sim.example")
TOPICS = ("birds", "trains", "knitting", "jazz", "hiking", "retro games", "tea")


def _h(*parts: object, n: int = 16) -> str:
    return hashlib.blake2b("/".join(map(str, parts)).encode(), digest_size=16).hexdigest()[:n]


@dataclass
class _Fedi:
    local: str
    server: str
    display: str
    note: str
    lang: str
    born: datetime
    fields: list[tuple[str, str]] = field(default_factory=list)
    statuses: list[tuple[datetime, str, str | None]] = field(default_factory=list)  # time, text, link
    boosters: list[_Fedi] = field(default_factory=list)

    @property
    def uri(self) -> str:
        return f"https://{self.server}/users/{self.local}"

    @property
    def profile(self) -> str:
        return f"https://{self.server}/@{self.local}"

    @property
    def acct(self) -> str:
        return f"{self.local}@{self.server}"


class FediMove:
    def __init__(self, seed: int, accounts: int = 2_500, days: float = 8.0) -> None:
        self.seed = seed
        self.world = AtprotoWorld(seed, accounts=accounts, days=days)
        self.world.run()
        r = self.rng = random.Random(f"fedi-move|{seed}")
        self.moving = r.uniform(0.25, 0.75)
        self.care_mean = r.betavariate(2, 2)
        self.p_pinned = r.uniform(0.1, 0.6)
        self.p_shout = r.uniform(0.1, 0.6)
        self.p_field = r.uniform(0.05, 0.4)
        self.p_hub = r.uniform(0.0, 0.6)
        self.lookalikes = r.uniform(0.5, 2.5)
        self.bystanders = r.randint(100, 300)
        self.extra: list[Event] = []
        self.fedi: list[_Fedi] = []
        self.used: set[str] = set()
        self.n = 0
        self.movers: list[dict[str, Any]] = []
        self.innocents: list[dict[str, Any]] = []
        self._move()

    def _eid(self) -> str:
        self.n += 1
        return f"fm{self.seed}-{self.n}"

    def _server_for(self, local: str) -> str:
        for s in self.rng.sample(SERVERS, len(SERVERS)):
            if f"{local}@{s}" not in self.used:
                self.used.add(f"{local}@{s}")
                return s
        return self._server_for(f"{local}{self.rng.randint(2, 999)}")

    def _account(self, local: str, display: str, note: str, lang: str, born: datetime) -> _Fedi:
        a = _Fedi(local, self._server_for(local), display, note, lang, born)
        if f"{local}@{a.server}" not in self.used:  # a renamed local part (the name was taken)
            a.local = next(u.split("@")[0] for u in self.used if u.endswith(f"@{a.server}") and u.startswith(local))
        self.fedi.append(a)
        return a

    def _move(self) -> None:
        w, r = self.world, self.rng
        takedowns = [
            a for a in w.accts.values() if a.label == LABEL_EXTREMIST and a.reported is not None and a.reported < w.end
        ]
        last: dict[str, Any] = {}
        for a in sorted(takedowns, key=lambda a: (a.persona or "", a.generation)):
            last[a.persona or a.did] = a
        for persona in sorted(last):
            if r.random() > self.moving:
                continue
            self._one(persona, last[persona])
        for i in range(self.bystanders):
            self._bystander(i)

    def _one(self, persona: str, parent: Any) -> None:
        w, r = self.world, self.rng
        care = min(1.0, max(0.0, r.gauss(self.care_mean, 0.2)))
        stopped = parent.stopped if parent.stopped is not None else parent.reported
        born = w.at(stopped + r.expovariate(1 / r.uniform(600, 2 * DAY)))
        name = parent.handle.split(".", 1)[0]
        careless = r.random() > care
        local = (
            name.replace("-", r.choice(("_", "")))
            if careless
            else f"{r.choice(WORDS)}{r.choice(WORDS)}{r.randint(1, 99)}"
        )
        display = parent.display if r.random() > care else f"{r.choice(WORDS).title()} {r.choice(GENERIC)}"
        note = parent.bio if r.random() > care else "[SIM] elsewhere now (synthetic)"
        new = self._account(local, display, note, parent.lang, born)
        hub_link = None
        if r.random() < self.p_hub and r.random() > care:
            hub_link = f"https://links.sim.example/{_h('hub', self.seed, persona, n=8)}"
            self._origin_post(
                parent.did, w.at(max(0.0, parent.created) + 60), f"[SIM] all our links: {hub_link}", parent.lang
            )
            new.fields.append(("Links", hub_link))
        t = born
        for i in range(r.randint(2, 18)):
            t += timedelta(seconds=r.expovariate(1 / 9000) + 30)
            new.statuses.append(
                (t, f"[SIM] collective note {i} (synthetic)", hub_link if hub_link and i % 3 == 0 else None)
            )
        modes = []
        if (
            r.random() < self.p_pinned
            and parent.stopped is not None
            and w.at(parent.stopped) > w.at(max(0.0, parent.created))
        ):
            at = w.at(parent.stopped - r.uniform(60, 3600))
            self._origin_post(
                parent.did, max(at, w.at(max(0.0, parent.created))), f"[SIM] moving: {new.profile}", parent.lang
            )
            modes.append("pinned")
        if r.random() < self.p_shout:
            members = [
                m for m in w.accts.values() if m.label == LABEL_EXTREMIST and m.did != parent.did and m.generation == 0
            ]
            for m in r.sample(members, min(len(members), r.randint(2, 5))):
                at = born + timedelta(minutes=r.uniform(10, 600))
                if m.stopped is None or w.at(m.stopped) > at:
                    self._origin_post(m.did, at, f"[SIM] follow @{new.acct} (synthetic)", m.lang)
                    modes.append("shout")
        if r.random() < self.p_field:
            new.fields.append(("Bluesky", f"https://bsky.app/profile/{parent.handle}"))
            modes.append("field")
        modes = sorted(set(modes))
        self.movers.append(
            {
                "platform": "mastodon",
                "account_id": new.uri,
                "handle": new.acct,
                "parent_platform": PLATFORM,
                "parent_account_id": parent.did,
                "parent_handle": parent.handle,
                "persona": persona,
                "persona_accounts": sorted(a.did for a in w.accts.values() if a.persona == persona),
                "announced": bool(modes),
                "modes": modes,
                "created": born.isoformat(),
                "carried": {"care": round(care, 3), "name": careless, "links": hub_link is not None},
            }
        )
        for _ in range(self._count(self.lookalikes)):
            words = name.replace("-", " ").split()
            look = "_".join(words) if r.random() < 0.5 else "".join(words)
            disp = r.choice(GENERIC) if r.random() < 0.3 else f"{r.choice(TOPICS).title()} fan"
            inn = self._account(
                look,
                disp,
                f"[SIM] {r.choice(TOPICS)} and more (synthetic)",
                r.choice(("en", "de", "pt")),
                born + timedelta(hours=r.uniform(-200, 100)),
            )
            self._chatter(inn)
            self.innocents.append(
                {"platform": "mastodon", "account_id": inn.uri, "handle": inn.acct, "lookalike_of": parent.did}
            )

    def _count(self, mean: float) -> int:
        return sum(1 for _ in range(int(mean * 2) + 1) if self.rng.random() < mean / (int(mean * 2) + 1))

    def _bystander(self, i: int) -> None:
        r = self.rng
        w1, w2 = r.sample(WORDS, 2)
        local = f"{r.choice(TOPICS).replace(' ', '')}_{w1}{i}"
        disp = r.choice(GENERIC) if r.random() < 0.1 else f"{w1.title()} {w2.title()}"
        a = self._account(
            local,
            disp,
            f"[SIM] {r.choice(TOPICS)} (synthetic)",
            r.choice(("en", "de", "pt", "ja")),
            self.world.at(r.uniform(0, self.world.end)),
        )
        self._chatter(a)

    def _chatter(self, a: _Fedi) -> None:
        r, t = self.rng, a.born
        for i in range(r.randint(1, 12)):
            t += timedelta(seconds=r.expovariate(1 / 20000) + 60)
            link = (
                f"https://{r.choice(('photos', 'wiki', 'blog'))}.sim.example/{r.randint(1, 500)}"
                if r.random() < 0.15
                else None
            )
            a.statuses.append((t, f"[SIM] {r.choice(TOPICS)} post {i} (synthetic)", link))

    def _origin_post(self, did: str, at: datetime, text: str, lang: str) -> None:
        self.extra.append(
            PostCreated(
                platform=PLATFORM,
                event_id=self._eid(),
                actor=did,
                time=at,
                post_id=f"at://{did}/app.bsky.feed.post/fm{self.n}",
                text=text,
                lang=lang,
            )
        )

    # -- writing ------------------------------------------------------------------------------------

    def write(self, folder: str | Path) -> dict[str, str]:
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        enc = msgspec.json.Encoder()
        origin = [e for _, _, e in self.world.events] + self.extra
        origin.sort(key=lambda e: e.time)
        paths = {
            "origin": str(out / "origin.jsonl"),
            "mastodon": str(out / "dest.mastodon-stream.jsonl"),
            "truth": str(out / "migration.json"),
        }
        with open(paths["origin"], "wb") as f:
            f.write(enc.encode_lines(origin))
        msgs = [(t, a.acct, i, a, text, link) for a in self.fedi for i, (t, text, link) in enumerate(a.statuses)]
        with open(paths["mastodon"], "w", encoding="utf-8") as f:
            for t, _, i, a, text, link in sorted(msgs, key=lambda m: (m[0], m[1], m[2])):
                f.write(
                    json.dumps(
                        {
                            "stream": ["public"],
                            "event": "update",
                            "payload": json.dumps(self._status(a, i, t, text, link)),
                        }
                    )
                    + "\n"
                )
        truth = {
            "kind": "migration",
            "generator": "atproto",
            "seed": self.seed,
            "origin_platform": PLATFORM,
            "params": {
                "moving": self.moving,
                "care_mean": self.care_mean,
                "pinned": self.p_pinned,
                "shout": self.p_shout,
                "field": self.p_field,
                "hub": self.p_hub,
            },
            "movers": self.movers,
            "innocents": self.innocents,
            "background": self.bystanders,
        }
        Path(paths["truth"]).write_text(json.dumps(truth, indent=1), encoding="utf-8")
        return paths

    @staticmethod
    def _status(a: _Fedi, i: int, t: datetime, text: str, link: str | None) -> dict[str, Any]:
        sid = str(int(_h("s", a.uri, i, n=14), 16))
        body = f"<p>{text}</p>" + (f'<p><a href="{link}">{link}</a></p>' if link else "")
        local = a.server == HUB
        return {
            "id": sid,
            "uri": f"{a.uri}/statuses/{sid}",
            "created_at": t.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "content": body,
            "language": a.lang,
            "account": {
                "id": str(int(_h("a", a.uri, n=12), 16)),
                "username": a.local,
                "acct": a.local if local else a.acct,
                "url": a.profile,
                "uri": a.uri,
                "display_name": a.display,
                "note": f"<p>{a.note}</p>",
                "avatar": f"https://{a.server}/system/accounts/avatars/{_h('av', a.uri, n=6)}/original/{_h('avf', a.uri)}.jpg",
                "fields": [{"name": k, "value": f'<a href="{v}" rel="me">{v}</a>'} for k, v in a.fields],
                "created_at": a.born.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                "locked": False,
                "bot": False,
                "followers_count": 0,
                "following_count": 0,
            },
            "media_attachments": [],
            "mentions": [],
            "tags": [],
        }


def build_world(seed: int, folder: str | Path, accounts: int = 2_500, days: float = 8.0) -> dict[str, str]:
    return FediMove(seed, accounts=accounts, days=days).write(folder)
