"""A second world generator, deliberately unlike the first: nothing is tuned on it.

The main simulator (``generator.py``) writes a Twitter-like platform: numeric ids, creation
events for every account, underscore handles derived by its own eight techniques, suspensions
the platform reports the moment it acts. A model tuned there can learn those habits. This
generator is written separately, with other choices everywhere, and is used only to measure:

* **platform shape** (Bluesky-like): DIDs (``did:plc:...``), domain handles
  (``cinder-ridge.bsky.social``, custom domains), avatars as blob CIDs, no account language, no
  creation events at all: an account is first seen through its first profile event, post or
  follow; many pre-existing accounts never send a profile, and are known by handle only where
  others mention them;
* **late enforcement**: a takedown is reported (``enforcement``, reason ``takendown``) minutes
  to days after the account stopped, so most replacements are seen before their parent's
  suspension arrives;
* **other name habits**: hyphens added or removed, words reordered, a suffix word (``-backup``,
  ``-returns``, ``2``), a vowel dropped, digits for letters, a custom domain instead of
  ``bsky.social``, a plural, or a fresh word pair; display names and pictures reused at rates
  drawn per world; generic display names (``Archive``, ``Updates``) shared by many;
* **promotion**: the collective reposts and follows a replacement, and posts "now at @handle";
  in some worlds (drawn per seed) nobody promotes;
* **confounders**: journalists, researchers and counter-messaging accounts that follow, quote,
  reply to and mention the collective's accounts without promoting them (truth ``label``
  ``confounder``, ``role`` ``journalist``/``researcher``/``counter_messaging``), and innocent
  look-alikes (``role`` ``lookalike``) whose handles resemble members', some of them signing up
  while the world runs.

The truth file has the main simulator's format, so ``cauterize eval`` reads it unchanged.
"""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import msgspec

from cauterize.evaluation.truth import (
    LABEL_CONFOUNDER,
    LABEL_EXTREMIST,
    AccountTruth,
    PostTruth,
    TruthHeader,
    write_truth,
)
from cauterize.events import EnforcementApplied, Event, Follow, Mention, PostCreated, PostRef, ProfileChanged
from cauterize.sim.config import WorldConfig

PLATFORM = "atproto-sim"
START = datetime(2026, 3, 2, tzinfo=UTC)
WORDS = [
    "cinder", "ember", "ridge", "lantern", "vigil", "hollow", "iron", "dawn", "ash", "grey",
    "banner", "signal", "harbor", "north", "stone", "relay", "beacon", "watch", "field", "torch",
]  # fmt: skip
FIRST = ["lena", "tomas", "mira", "jonas", "ana", "felix", "noor", "pablo", "ines", "karl", "yuki", "sara"]
LAST = ["berg", "costa", "ivanova", "lind", "moreau", "okafor", "silva", "weber", "tanaka", "novak"]
GENERIC = ["Archive", "Updates", "News", "Notes", "Info", "Mirror"]
DOMAINS = ["bsky.social", "bsky.social", "bsky.social", "net", "org", "xyz"]
LANGS = {"en": 0.5, "de": 0.2, "pt": 0.15, "ja": 0.15}
NET_LANGS = {"en": 0.6, "de": 0.4}
TAGS = ["greystandard", "emberwatch", "vigilnow"]
DAY = 86_400.0


def _did(*parts: object) -> str:
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return "did:plc:" + "".join("abcdefghijklmnopqrstuvwxyz234567"[b % 32] for b in digest[:24])


def _cid(*parts: object) -> str:
    return "bafkrei" + hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:40]


def _split(handle: str) -> tuple[str, str]:
    name, _, domain = handle.partition(".")
    return name, domain


# --- the collective's renaming habits: (name part, domain) -> new handle ------------------------


def _suffix(name: str, domain: str, rng: random.Random) -> str:
    return f"{name}{rng.choice(['-backup', '-returns', '2', '-v3', '-again', 'x'])}.{domain}"


def _hyphen(name: str, domain: str, rng: random.Random) -> str:
    if "-" in name:
        return f"{name.replace('-', '', 1)}.{domain}"
    cut = rng.randint(2, max(2, len(name) - 2))
    return f"{name[:cut]}-{name[cut:]}.{domain}"


def _reorder(name: str, domain: str, rng: random.Random) -> str:
    parts = name.split("-")
    return f"{'-'.join(parts[::-1]) if len(parts) > 1 else name + '-' + rng.choice(WORDS)}.{domain}"


def _vowel(name: str, domain: str, rng: random.Random) -> str:
    spots = [i for i, c in enumerate(name) if c in "aeiou" and 0 < i < len(name) - 1]
    if not spots:
        return _suffix(name, domain, rng)
    i = rng.choice(spots)
    return f"{name[:i]}{name[i + 1 :]}.{domain}"


def _digits(name: str, domain: str, rng: random.Random) -> str:
    table = {"o": "0", "e": "3", "i": "1", "a": "4"}
    spots = [i for i, c in enumerate(name) if c in table]
    if not spots:
        return _suffix(name, domain, rng)
    i = rng.choice(spots)
    return f"{name[:i]}{table[name[i]]}{name[i + 1 :]}.{domain}"


def _domain(name: str, domain: str, rng: random.Random) -> str:
    return f"{name}.{rng.choice([d for d in ('net', 'org', 'xyz', 'bsky.social') if d != domain])}"


def _plural(name: str, domain: str, rng: random.Random) -> str:
    return f"{name}s.{domain}" if not name.endswith("s") else f"{name[:-1]}.{domain}"


def _fresh(name: str, domain: str, rng: random.Random) -> str:
    return f"{rng.choice(WORDS)}-{rng.choice(WORDS)}{rng.randint(1, 99)}.bsky.social"


HABITS = {
    "suffix": _suffix,
    "hyphen": _hyphen,
    "reorder": _reorder,
    "vowel": _vowel,
    "digits": _digits,
    "domain": _domain,
    "plural": _plural,
    "fresh": _fresh,
}


@dataclass
class _Acct:
    did: str
    handle: str
    display: str
    avatar: str
    bio: str
    lang: str
    label: str | None
    role: str
    created: float
    persona: str | None = None
    generation: int = 0
    parent: str | None = None
    technique: str | None = None
    same_display: bool | None = None
    same_avatar: bool | None = None
    rate: float = 1.0
    #: The account sends a profile event when it appears (new sign-ups always do).
    announces: bool = True
    stopped: float | None = None
    reported: float | None = None
    first_post: float | None = None
    follows: list[float] = field(default_factory=list)
    lookalike_of: str | None = None


@dataclass(frozen=True)
class AtprotoResult:
    events: int
    accounts: int
    paths: tuple[str, ...]


class AtprotoWorld:
    def __init__(self, seed: int, accounts: int = 2_500, days: float = 8.0, members: int = 60):
        self.seed = seed
        self.rng = random.Random(f"atproto-{seed}")
        rng = self.rng
        self.days = days
        self.end = days * DAY
        # The collective's habits for this world.
        self.habits = {k: rng.random() for k in HABITS}
        self.same_display = rng.uniform(0.2, 0.9)
        self.same_avatar = rng.uniform(0.1, 0.8)
        self.same_bio = rng.uniform(0.3, 0.9)
        self.generic_display = rng.uniform(0.0, 0.3)
        self.promotes = rng.random() < 0.8
        self.return_probability = rng.uniform(0.6, 0.95)
        self.events: list[tuple[float, int, Event]] = []
        self.accts: dict[str, _Acct] = {}
        self.handles: set[str] = set()
        self.posts: list[tuple[str, str]] = []  # (post id, author) of the collective, recent
        self.truth_posts: list[PostTruth] = []
        self.n = 0
        self._pool: list[_Acct] = []
        self._members: list[_Acct] = []
        self._build(accounts, members)

    # -- helpers --------------------------------------------------------------------------------

    def at(self, t: float) -> datetime:
        return START + timedelta(seconds=t)

    def _eid(self) -> str:
        self.n += 1
        return f"at{self.seed}-{self.n}"

    def emit(self, t: float, ev_factory: type, **fields: object) -> Event:
        ev = ev_factory(platform=PLATFORM, event_id=self._eid(), time=self.at(t), **fields)
        self.events.append((t, self.n, ev))
        return ev

    def _unique(self, handle: str) -> str:
        name, domain = _split(handle)
        while handle in self.handles:
            handle = f"{name}{self.rng.randint(2, 999)}.{domain}"
        self.handles.add(handle)
        return handle

    def _lang(self, mix: dict[str, float]) -> str:
        return self.rng.choices(list(mix), weights=list(mix.values()))[0]

    def _add(self, a: _Acct) -> _Acct:
        self.accts[a.did] = a
        return a

    # -- the world ------------------------------------------------------------------------------

    def _build(self, accounts: int, members: int) -> None:
        rng = self.rng
        for i in range(accounts):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            name = rng.choice([f"{first}{last}", f"{first}-{last}", f"{first}{rng.randint(1, 999)}"])
            handle = self._unique(f"{name}.{rng.choice(DOMAINS)}")
            generic = rng.random() < 0.03
            created = rng.uniform(-30 * DAY, 0) if i < accounts * 0.97 else rng.uniform(0, self.end)
            self._add(
                _Acct(
                    _did("u", self.seed, i),
                    handle,
                    rng.choice(GENERIC) if generic else f"{first.title()} {last.title()}",
                    _cid("u", self.seed, i),
                    f"{rng.choice(['coffee', 'hiking', 'jazz', 'cats', 'code'])} and more",
                    self._lang(LANGS),
                    None,
                    "ordinary",
                    created,
                    rate=math.exp(rng.gauss(0, 1.0)),
                    announces=created >= 0 or rng.random() < 0.5,
                )
            )
        for i in range(members):
            w1, w2 = rng.sample(WORDS, 2)
            handle = self._unique(f"{w1}-{w2}.bsky.social" if rng.random() < 0.7 else f"{w1}{w2}.bsky.social")
            display = rng.choice(GENERIC) if rng.random() < self.generic_display else f"{w1.title()} {w2.title()}"
            self._add(
                _Acct(
                    _did("m", self.seed, i),
                    handle,
                    display,
                    _cid("m", self.seed, i),
                    f"[SIM] collective member {i} (synthetic)",
                    self._lang(NET_LANGS),
                    LABEL_EXTREMIST,
                    "member" if i >= 6 else "outlet",
                    rng.uniform(-60 * DAY, -DAY),
                    persona=f"p{i}",
                    rate=rng.uniform(3, 12),
                    announces=rng.random() < 0.5,
                )
            )
        roles = ["journalist"] * 5 + ["researcher"] * 5 + ["counter_messaging"] * 4
        for i, role in enumerate(roles):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            self._add(
                _Acct(
                    _did("c", self.seed, i),
                    self._unique(f"{first}{last}-{role[:5]}.bsky.social"),
                    f"{first.title()} {last.title()}",
                    _cid("c", self.seed, i),
                    f"{role.replace('_', ' ')} on online extremism",
                    "en",
                    LABEL_CONFOUNDER,
                    role,
                    -100 * DAY,
                    rate=rng.uniform(4, 10),
                )
            )
        members_list = [a for a in self.accts.values() if a.label == LABEL_EXTREMIST]
        for i in range(rng.randint(20, 80)):
            self._lookalike(i, rng.choice(members_list), rng.uniform(-30 * DAY, self.end) if i % 2 else -10 * DAY)

    def _lookalike(self, i: int, source: _Acct, created: float) -> None:
        rng = self.rng
        name, domain = _split(source.handle)
        habit = rng.choice([h for h in HABITS if h != "fresh"])
        handle = self._unique(HABITS[habit](name, domain, rng))
        self._add(
            _Acct(
                _did("l", self.seed, i),
                handle,
                " ".join(p.title() for p in _split(handle)[0].split("-")) + rng.choice([" Photos", " Studio", ""]),
                _cid("l", self.seed, i),
                rng.choice(["landscapes", "local history", "my own opinions"]),
                self._lang(LANGS),
                LABEL_CONFOUNDER,
                "lookalike",
                created,
                rate=rng.uniform(0.5, 2),
                lookalike_of=source.did,
            )
        )

    def run(self) -> None:
        self._pool = list(self.accts.values())
        self._members = [m for m in self._pool if m.label == LABEL_EXTREMIST]
        for a in self._pool:
            self._live(a)
        self.events.sort(key=lambda e: (e[0], e[1]))

    def _live(self, a: _Acct) -> None:
        """Everything an account does, from its appearance to its takedown or the world's end."""
        rng = self.rng
        start = max(a.created, 0.0)
        if a.label == LABEL_EXTREMIST and a.generation == 0:
            life = rng.expovariate(rng.uniform(0.1, 0.5) / DAY)
            a.stopped = life if life < self.end else None
        elif a.label == LABEL_EXTREMIST:
            life = rng.expovariate(0.3 / DAY)
            a.stopped = start + life if start + life < self.end else None
        stop = a.stopped if a.stopped is not None else self.end
        if a.announces:
            self.emit(
                start,
                ProfileChanged,
                actor=a.did,
                handle=a.handle,
                display_name=a.display,
                bio=a.bio,
                avatar_hash=a.avatar,
            )
        n_posts = int(rng.expovariate(1.0) * a.rate * (stop - start) / DAY) + (1 if a.generation else 0)
        times = sorted(rng.uniform(start, stop) for _ in range(n_posts))
        if a.generation and times:
            times[0] = start + rng.expovariate(1 / rng.uniform(60, 3600))
            times.sort()
        for t in times:
            if t >= stop:
                break
            self._post(t, a)
        for _ in range(int(a.rate * (stop - start) / DAY / 3)):
            t = rng.uniform(start, stop)
            target = self._follow_target(a)
            if target is not None and target.did != a.did:
                self.emit(t, Follow, actor=a.did, target=target.did)
                target.follows.append(t)
        if a.stopped is not None:
            lag = rng.uniform(60, 1800) if rng.random() < 0.4 else rng.uniform(3600, 3 * DAY)
            a.reported = a.stopped + lag
            if a.reported < self.end:
                self.emit(a.reported, EnforcementApplied, actor=a.did, action="suspend", reason="takendown")
            if rng.random() < self.return_probability and a.generation < 6:
                delay = math.exp(rng.uniform(math.log(300), math.log(10 * DAY)))
                if a.stopped + delay < self.end - 3600:
                    self._return(a, a.stopped + delay)

    def _follow_target(self, a: _Acct) -> _Acct | None:
        rng = self.rng
        watches = a.label == LABEL_EXTREMIST or (a.label == LABEL_CONFOUNDER and a.role != "lookalike")
        if watches and self._members and rng.random() < 0.7:
            return rng.choice(self._members)
        return rng.choice(self._pool) if self._pool else None

    def _post(self, t: float, a: _Acct) -> None:
        rng = self.rng
        pid = f"at://{a.did}/app.bsky.feed.post/{self._eid()}"
        fields: dict[str, object] = {"post_id": pid, "lang": a.lang}
        if a.first_post is None:
            a.first_post = t
        if a.label == LABEL_EXTREMIST:
            fields["text"] = "[SIM] collective update (synthetic)"
            fields["hashtags"] = (rng.choice(TAGS),)
            self.posts.append((pid, a.did))
            del self.posts[:-50]
            self.emit(t, PostCreated, actor=a.did, **fields)
            return
        if a.label == LABEL_CONFOUNDER and a.role != "lookalike" and self.posts:
            ref_pid, ref_author = rng.choice(self.posts)
            ref = self.accts[ref_author]
            fields["text"] = "[SIM] reporting on the collective (synthetic)"
            fields["mentions"] = (Mention(handle=ref.handle, account_id=ref.did),)
            if a.role == "counter_messaging":
                fields["reply_to"] = PostRef(post_id=ref_pid, account_id=ref.did)
            else:
                fields["quote_of"] = PostRef(post_id=ref_pid, account_id=ref.did)
            self.emit(t, PostCreated, actor=a.did, **fields)
            return
        fields["text"] = rng.choice(["nice day", "reading a book", "new photo up", "anyone else?"])
        self.emit(t, PostCreated, actor=a.did, **fields)

    def _return(self, parent: _Acct, t: float) -> None:
        rng = self.rng
        habit = rng.choices(list(self.habits), weights=list(self.habits.values()))[0]
        name, domain = _split(parent.handle)
        handle = self._unique(HABITS[habit](name, domain, rng))
        same_display = rng.random() < self.same_display
        same_avatar = rng.random() < self.same_avatar
        w1, w2 = rng.sample(WORDS, 2)
        child = self._add(
            _Acct(
                _did("r", self.seed, parent.did, t),
                handle,
                parent.display
                if same_display
                else (rng.choice(GENERIC) if rng.random() < 0.3 else f"{w1.title()} {w2}"),
                parent.avatar if same_avatar else _cid("r", self.seed, parent.did, t),
                parent.bio if rng.random() < self.same_bio else "[SIM] back again (synthetic)",
                parent.lang,
                LABEL_EXTREMIST,
                parent.role,
                t,
                persona=parent.persona,
                generation=parent.generation + 1,
                parent=parent.did,
                technique=habit,
                same_display=same_display,
                same_avatar=same_avatar,
                rate=parent.rate,
                announces=True,
            )
        )
        if self.promotes:
            live = [
                m
                for m in self.accts.values()
                if m.label == LABEL_EXTREMIST and m.did != child.did and m.created <= t and (m.stopped or 1e18) > t
            ]
            for m in rng.sample(live, min(len(live), rng.randint(2, 8))):
                when = t + rng.expovariate(1 / 1800)
                self.emit(when, Follow, actor=m.did, target=child.did)
                child.follows.append(when)
                if rng.random() < 0.4:
                    pid = f"at://{m.did}/app.bsky.feed.post/{self._eid()}"
                    self.emit(
                        when + 30,
                        PostCreated,
                        actor=m.did,
                        post_id=pid,
                        text="[SIM] now at a new home (synthetic)",
                        lang=m.lang,
                        mentions=(Mention(handle=child.handle, account_id=child.did),),
                    )
                    self.truth_posts.append(PostTruth(PLATFORM, pid, m.did, "promotion", self.at(when + 30), child.did))
        self._live(child)

    # -- truth --------------------------------------------------------------------------------

    def truth(self) -> tuple[TruthHeader, list[AccountTruth]]:
        out = []
        for a in self.accts.values():
            if a.label is None:
                continue
            created = self.at(max(a.created, 0.0) if a.generation else a.created)
            followers = None
            if a.generation:
                points: list[tuple[int, int]] = [(0, 0)]
                for i, when in enumerate(sorted(a.follows), 1):
                    points.append((int(when - a.created), i))
                followers = points
            out.append(
                AccountTruth(
                    platform=PLATFORM,
                    account_id=a.did,
                    handle=a.handle,
                    label=a.label,
                    role=a.role,
                    created_at=created,
                    network="collective" if a.label == LABEL_EXTREMIST else None,
                    persona=a.persona,
                    generation=a.generation,
                    parent_account_id=a.parent,
                    technique=a.technique,
                    same_display_name=a.same_display,
                    same_avatar=a.same_avatar,
                    suspended_at=self.at(a.reported) if a.reported is not None and a.reported < self.end else None,
                    first_post_at=self.at(a.first_post) if a.first_post is not None else None,
                    lookalike_of=a.lookalike_of,
                    followers=followers,
                )
            )
        counts = {
            "accounts": len(self.accts),
            "benign": sum(1 for a in self.accts.values() if a.label is None),
            "extremist": sum(1 for a in out if a.label == LABEL_EXTREMIST),
            "confounder": sum(1 for a in out if a.label == LABEL_CONFOUNDER),
            "events": len(self.events),
        }
        config = {
            "generator": "atproto",
            "habits": self.habits,
            "same_display": self.same_display,
            "same_avatar": self.same_avatar,
            "promotes": self.promotes,
        }
        header = TruthHeader(PLATFORM, self.seed, START, self.at(self.end), "atproto", counts, config)
        return header, out


def simulate_atproto(cfg: WorldConfig, events_path: str | Path, truth_path: str | Path | None) -> AtprotoResult:
    """Write the second generator's world for ``cfg.seed`` (``--accounts`` and ``--days`` apply when set)."""
    accounts = cfg.benign.accounts if cfg.benign.accounts != WorldConfig().benign.accounts else 2_500
    days = cfg.days if cfg.days != WorldConfig().days else 8.0
    world = AtprotoWorld(cfg.seed, accounts=accounts, days=days)
    world.run()
    enc = msgspec.json.Encoder()
    with open(events_path, "wb") as fp:
        for _, _, ev in world.events:
            fp.write(enc.encode(ev) + b"\n")
    paths = [str(events_path)]
    if truth_path is not None:
        header, accts = world.truth()
        write_truth(truth_path, header, accts, world.truth_posts)
        paths.append(str(truth_path))
    return AtprotoResult(len(world.events), len(world.accts), tuple(paths))
