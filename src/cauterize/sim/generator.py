"""The event stream of a simulated world, produced one time window at a time.

Everything that happens is a *task* ``(second, seq, handler, arg)``. At the start of each window
the background activity of that window (ordinary users, network posting, confounders) is drawn
as a sorted list of tasks; consequences (a suspension, a return, a follow-back, a shout-out) are
pushed onto an agenda heap, possibly far in the future. The two are merged in time order and
every handler emits events at its own time only, so the stream comes out in non-decreasing time
order without ever holding more than one window of work. ``seq`` is a global counter: it breaks
ties deterministically and is never compared past.

Determinism: one ``random.Random(seed)`` consumed in a fixed order, no iteration over sets or
``hash()``-ordered containers, so the same configuration gives byte-identical output.
"""

from __future__ import annotations

import bisect
import hashlib
import heapq
import itertools
import math
import random
import re
from collections import deque
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

from cauterize.evaluation.truth import (
    LABEL_CONFOUNDER,
    LABEL_EXTREMIST,
    AccountTruth,
    PostTruth,
    TruthHeader,
)
from cauterize.events import (
    AccountCreated,
    EnforcementApplied,
    Event,
    Follow,
    MediaRef,
    Mention,
    PostCreated,
    PostDeleted,
    PostRef,
    ProfileChanged,
    ReportFiled,
    Unfollow,
)
from cauterize.sim import names, text
from cauterize.sim.config import NetworkConfig, WorldConfig
from cauterize.sim.world import Acct, LiveSet, Persona, Population, binomial, lognormal_median, pareto_int, poisson

DAY = 86_400.0
ROLES = ("official", "media", "affiliate", "amplifier", "recruiter", "sympathiser")
WATCHERS = ("journalist", "researcher", "monitor")
CONFOUNDER_FIELDS = {
    "journalist": "journalists",
    "researcher": "researchers",
    "monitor": "monitors",
    "police": "police",
    "government": "government",
    "counter_messaging": "counter_messaging",
    "news": "news",
    "lookalike": "lookalikes",
    "parody": "parody",
}
#: Confounders whose posting rises with an attack, as newsrooms and authorities do.
ATTACK_RESPONDERS = frozenset({"news", "police", "government", "journalist"})
ID_BASE = 1_700_000_000_000
#: Events handed out per chunk; bounds memory regardless of how busy a window is.
CHUNK = 20_000

Task = tuple[int, int, Callable[[int, Any], None], Any]


def _hex(*parts: object, n: int = 64) -> str:
    return hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()[:n]


class Attack:
    __slots__ = ("end", "hashtag", "network", "region", "start")

    def __init__(self, start: int, end: int, hashtag: str, network: int, region: str) -> None:
        self.start, self.end, self.hashtag, self.network, self.region = start, end, hashtag, network, region


class Simulation:
    """Iterate :meth:`chunks` (or :meth:`events`) once, then read :meth:`truth_*`."""

    def __init__(self, cfg: WorldConfig) -> None:
        self.cfg = cfg
        self.rng = random.Random(cfg.seed)
        self.platform = cfg.platform
        self.taken: set[str] = set()
        self.pop = Population()
        self.langs = sorted(cfg.benign.languages)
        self.accts: list[Acct] = []
        self.by_id: dict[str, Acct] = {}
        #: Per network: live accounts by role, insertion-ordered (dicts, never sets, for determinism).
        self.live: list[dict[str, LiveSet]] = [{r: LiveSet() for r in ROLES} for _ in cfg.networks]
        self.live_all: list[LiveSet] = [LiveSet() for _ in cfg.networks]
        self.recent_net: list[deque[tuple[str, Acct]]] = [deque(maxlen=200) for _ in cfg.networks]
        self.recent_benign: deque[tuple[str, int]] = deque(maxlen=500)
        self.confounders: dict[str, list[Acct]] = {r: [] for r in CONFOUNDER_FIELDS}
        self.personas: list[Persona] = []
        self.watchers: list[Acct] = []
        self.posts_truth: list[PostTruth] = []
        self.agenda: list[Task] = []
        self.buf: list[Event] = []
        self.seq = 0
        self.n_events = 0
        self.n_posts = 0
        self.n_media = 0
        self.next_id = 0
        self.onboarding = cfg.onboarding_minutes * 60
        self.end = self.onboarding + int(cfg.days * DAY)
        self._dt_key = -1
        self._dt_val = cfg.start
        self.attacks: list[Attack] = []
        self._consumed = False

    # --- small helpers -----------------------------------------------------------------------

    def _next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def dt(self, t: int) -> datetime:
        if t != self._dt_key:
            self._dt_key = t
            self._dt_val = self.cfg.start + timedelta(seconds=t)
        return self._dt_val

    def _eid(self) -> str:
        self.n_events += 1
        return f"e{self.n_events}"

    def _pid(self) -> str:
        self.n_posts += 1
        return f"p{self.n_posts}"

    def schedule(self, t: int, fn: Callable[[int, Any], None], arg: Any = None) -> None:
        heapq.heappush(self.agenda, (t, self._next_seq(), fn, arg))

    def emit(self, event: Event) -> None:
        self.buf.append(event)

    def attack_at(self, t: int, network: int | None = None) -> Attack | None:
        for a in self.attacks:
            if a.start <= t < a.end and (network is None or a.network == network):
                return a
        return None

    def _pick_weighted(self, weights: dict[str, float]) -> str:
        keys = list(weights)
        return self.rng.choices(keys, weights=[weights[k] for k in keys])[0]

    def _alloc_id(self) -> str:
        self.next_id += 1
        return str(ID_BASE + self.next_id)

    # --- the world at t=0 --------------------------------------------------------------------

    def _build(self) -> Iterator[tuple[int, Acct | int]]:
        """Create the initial population, yielding (onboarding second, who) in onboarding order.

        Ordinary users are created lazily as they are announced, so a million of them never
        exist twice (once in a to-do list, once in the arrays).
        """
        cfg, rng = self.cfg, self.rng
        special: list[Acct] = []
        for n_idx, net in enumerate(cfg.networks):
            special.extend(self._build_network(n_idx, net))
        special.extend(self._build_confounders(special))
        self.watchers = [a for role in WATCHERS for a in self.confounders[role]]
        total = cfg.benign.accounts + len(special)
        # Network members are scattered through the id space, as they are on a real platform.
        positions = sorted(rng.sample(range(total), len(special)))
        at_position: dict[int, Acct] = {}
        for position, acct in zip(positions, special, strict=True):
            acct.account_id = str(ID_BASE + position)
            acct.created = position * self.onboarding // total
            self.by_id[acct.account_id] = acct
            at_position[position] = acct
        self.next_id = total
        benign_weights = self._benign_weights()
        for position in range(total):
            t = position * self.onboarding // total
            acct_at = at_position.get(position)
            if acct_at is not None:
                yield t, acct_at
            else:
                yield t, self._new_benign(ID_BASE + position, benign_weights)

    def _benign_weights(self) -> list[float]:
        return list(itertools.accumulate(self.cfg.benign.languages[k] for k in self.langs))

    def _new_benign(self, account_id: int, lang_cum: list[float]) -> int:
        b, rng = self.cfg.benign, self.rng
        lang_idx = bisect.bisect(lang_cum, rng.random() * lang_cum[-1])
        handle, _display = names.ordinary_handle(rng, self.langs[lang_idx])
        handle = names.unique(handle, self.taken, rng)
        followers = pareto_int(rng, b.follower_min, b.follower_pareto_alpha)
        # Mean of a log-normal is exp(mu + sigma^2/2): shift mu so the population mean is actions_per_day.
        activity = b.actions_per_day * math.exp(rng.gauss(-(b.activity_sigma**2) / 2, b.activity_sigma))
        return self.pop.add(account_id, handle, lang_idx, followers, activity)

    def _build_network(self, n_idx: int, net: NetworkConfig) -> list[Acct]:
        rng = self.rng
        out: list[Acct] = []
        langs = sorted(net.languages)
        counts = {
            "official": net.official,
            "media": net.media,
            "affiliate": net.affiliates,
            "amplifier": net.amplifiers,
            "recruiter": net.recruiters,
            "sympathiser": net.sympathisers,
        }
        for role in ROLES:
            for i in range(counts[role]):
                region = net.regions[i % len(net.regions)] if net.regions else ""
                persona = Persona(f"n{n_idx}-{role}-{i}", n_idx, role, region, 1)
                self.personas.append(persona)
                lang = rng.choices(langs, weights=[net.languages[k] for k in langs])[0]
                handle = names.unique(names.network_handle(rng, role, net.slug, region, i), self.taken, rng)
                display = self._network_display(net, role, region, handle, lang)
                acct = Acct(
                    account_id="",
                    handle=handle,
                    display_name=display,
                    avatar_hash=_hex("avatar", self.cfg.seed, persona.persona_id, n=16),
                    lang=lang,
                    label=LABEL_EXTREMIST,
                    role=role,
                    created=0,
                    network=n_idx,
                    persona=persona,
                    region=region,
                    followers=pareto_int(rng, net.follower_min.get(role, 10), net.follower_pareto_alpha, 200_000),
                )
                out.append(acct)
        return out

    def _network_display(self, net: NetworkConfig, role: str, region: str, handle: str, lang: str) -> str:
        if role == "official":
            return net.name
        if role == "media":
            return f"{net.name} Media Office"
        if role == "affiliate":
            return f"{net.name} – {region.title()}"
        parts = handle.split("_")
        name = parts[-1] if len(parts) > 1 else handle
        if lang == "ar" and name in names.AR_DISPLAY:
            return ("أبو " if parts[0] == "abu" else "") + names.AR_DISPLAY[name]
        return " ".join(p.title() for p in parts)

    def _build_confounders(self, network_accts: list[Acct]) -> list[Acct]:
        cfg, rng = self.cfg, self.rng
        c = cfg.confounders
        out: list[Acct] = []
        group = cfg.networks[0].name if cfg.networks else "Ashen Banner"
        slug = cfg.networks[0].slug if cfg.networks else "ashen"
        stems = {
            "journalist": ["reporter", "newsdesk", "journo"],
            "researcher": ["dr", "prof", "research"],
            "monitor": ["extremism_watch", "monitor", "osint"],
            "police": ["police", "metpolice", "citypolice"],
            "government": ["gov", "ministry", "interior"],
            "counter_messaging": ["voices", "leftbehind", "truthback"],
            "news": ["news", "daily", "live"],
            "parody": [f"{slug}_parody", f"not{slug}", f"{slug}_memes"],
        }
        lookalike_sources = [a for a in network_accts if a.role != "sympathiser"] or network_accts
        for role, attr in CONFOUNDER_FIELDS.items():
            for i in range(getattr(c, attr)):
                lang = "ar" if role == "lookalike" and rng.random() < 0.6 else "en"
                lookalike_of: Acct | None = None
                if role == "lookalike" and lookalike_sources:
                    lookalike_of = rng.choice(lookalike_sources)
                    technique = rng.choice([t for t in names.CLASSIC if t != "new_name"])
                    handle, _ = names.evade(lookalike_of.handle, technique, rng, self.taken)
                    display = " ".join(p.title() for p in handle.split("_"))
                elif role == "lookalike":
                    handle, display = names.ordinary_handle(rng, lang)
                    handle = names.unique(handle, self.taken, rng)
                else:
                    first, last = rng.choice(names.FIRST["en"]), rng.choice(names.LAST["en"])
                    stem = rng.choice(stems[role])
                    raw = f"{stem}_{last}" if role in {"journalist", "researcher"} else f"{stem}{i + 1}"
                    handle = names.unique(names.clamp(raw), self.taken, rng)
                    display = {
                        "journalist": f"{first.title()} {last.title()} (reporter)",
                        "researcher": f"Dr {first.title()} {last.title()}",
                        "parody": f"{group} (parody)",
                    }.get(role, handle.replace("_", " ").title())
                acct = Acct(
                    account_id="",
                    handle=handle,
                    display_name=display,
                    avatar_hash=_hex("avatar", self.cfg.seed, role, i, n=16),
                    lang=lang,
                    label=LABEL_CONFOUNDER,
                    role=role,
                    created=0,
                    followers=pareto_int(rng, 300 if role in {"news", "government", "police"} else 50, 1.3),
                )
                acct.resembles = lookalike_of
                self.confounders[role].append(acct)
                out.append(acct)
        return out

    def _onboard(self, t: int, who: Acct | int) -> None:
        if isinstance(who, int):
            self._emit_benign_created(t, who)
            return
        acct = who
        self.accts.append(acct)
        self._emit_created(t, acct, followers=acct.followers)
        if acct.label == LABEL_EXTREMIST:
            acct.follow_log.append(t)  # marker: followers at creation, see truth_accounts
            self._go_live(t, acct, start=self.onboarding)

    def _emit_benign_created(self, t: int, i: int) -> None:
        pop, rng = self.pop, self.rng
        lang = self.langs[pop.lang[i]]
        handle = pop.handles[i]
        self.emit(
            AccountCreated(
                platform=self.platform,
                event_id=self._eid(),
                actor=str(pop.ids[i]),
                time=self.dt(t),
                handle=handle,
                display_name=self._benign_display(handle, lang),
                avatar_hash=_hex("avatar", self.cfg.seed, i, n=16) if rng.random() < 0.7 else None,
                protected=rng.random() < 0.05,
                lang=lang,
                followers_count=pop.followers[i],
                following_count=int(rng.paretovariate(1.5) * 20),
            )
        )

    def _benign_display(self, handle: str, lang: str) -> str:
        # Rebuilt from the handle rather than stored: a million display names would double the memory.
        share = self.cfg.benign.generic_display_share
        if share and self.rng.random() < share:
            return self.rng.choice(names.GENERIC_DISPLAY)
        words = [w for w in re.sub(r"\d+", "", handle).split("_") if w and w != "the"]
        if lang == "ar" and words and words[0] in names.AR_DISPLAY and self.rng.random() < 0.6:
            return names.AR_DISPLAY[words[0]]
        return " ".join(w.title() for w in words) or handle

    def _emit_created(self, t: int, acct: Acct, followers: int) -> None:
        bio = None
        if acct.label == LABEL_EXTREMIST and acct.network is not None and acct.role != "sympathiser":
            bio = f"[SIM] {self.cfg.networks[acct.network].name} {acct.role} account (synthetic)"
        elif acct.role == "parody":
            bio = "Parody account, not affiliated with anyone"
        elif acct.role in WATCHERS:
            bio = f"{acct.role.title()} covering extremism online"
        self.emit(
            AccountCreated(
                platform=self.platform,
                event_id=self._eid(),
                actor=acct.account_id,
                time=self.dt(t),
                handle=acct.handle,
                display_name=acct.display_name,
                bio=bio,
                avatar_hash=acct.avatar_hash,
                protected=acct.protected,
                lang=acct.lang,
                followers_count=followers,
                following_count=int(self.rng.paretovariate(1.5) * 30),
            )
        )

    def _go_live(self, t: int, acct: Acct, start: int) -> None:
        """Register a network account and draw its lifetime (when the platform will catch it)."""
        assert acct.network is not None
        self.live[acct.network][acct.role].add(acct)
        self.live_all[acct.network].add(acct)
        rate = self.cfg.enforcement.suspension_rate_per_day.get(acct.role, 0.0)
        if rate > 0:
            when = start + int(self.rng.expovariate(rate / DAY))
            self._set_suspension(max(when, t + 1), acct)

    def _set_suspension(self, when: int, acct: Acct) -> None:
        if acct.suspend_at is None or when < acct.suspend_at:
            acct.suspend_at = when
            if when < self.end:
                self.schedule(when, self._suspend, acct)

    # --- the main loop -----------------------------------------------------------------------

    def _draw_attacks(self) -> None:
        cfg, rng = self.cfg, self.rng
        a = cfg.attacks
        if not cfg.networks:
            return
        hours = list(a.at_hours) or [rng.uniform(0.1, 0.8) * cfg.days * 24 for _ in range(a.count)]
        for k, h in enumerate(hours):
            n_idx = k % len(cfg.networks)
            net = cfg.networks[n_idx]
            start = self.onboarding + int(h * 3600)
            region = rng.choice(net.regions) if net.regions else "city"
            tag = f"{region.title()}Attack{k + 1}"
            self.attacks.append(Attack(start, start + int(a.duration_hours * 3600), tag, n_idx, region))

    def chunks(self) -> Iterator[list[Event]]:
        """Yield the stream in time order, in lists of at most about ``CHUNK`` events."""
        if self._consumed:
            raise RuntimeError("a Simulation can be iterated once")
        self._consumed = True
        self._draw_attacks()
        for t, who in self._build():
            self._onboard(t, who)
            if len(self.buf) >= CHUNK:
                yield self._flush()
        window = self.cfg.window_minutes * 60
        start = self.onboarding
        while start < self.end:
            stop = min(start + window, self.end)
            tasks = self._window_tasks(start, stop)
            # seq is unique, so tuple comparison never reaches the handler.
            tasks.sort()
            agenda = self.agenda
            i = 0
            while True:
                if agenda and agenda[0][0] < stop and (i >= len(tasks) or agenda[0] < tasks[i]):
                    t, _, fn, arg = heapq.heappop(agenda)
                elif i < len(tasks):
                    t, _, fn, arg = tasks[i]
                    i += 1
                else:
                    break
                fn(t, arg)
                if len(self.buf) >= CHUNK:
                    yield self._flush()
            start = stop
        if self.buf:
            yield self._flush()

    def events(self) -> Iterator[Event]:
        for chunk in self.chunks():
            yield from chunk

    def _flush(self) -> list[Event]:
        out, self.buf = self.buf, []
        return out

    def _window_tasks(self, start: int, stop: int) -> list[Task]:
        tasks: list[Task] = []
        self._benign_tasks(start, stop, tasks)
        self._network_tasks(start, stop, tasks)
        self._confounder_tasks(start, stop, tasks)
        return tasks

    def _uniform_times(self, start: int, stop: int, n: int) -> list[int]:
        rng = self.rng
        return [start + int(rng.random() * (stop - start)) for _ in range(n)]

    # --- ordinary users ----------------------------------------------------------------------

    def _benign_tasks(self, start: int, stop: int, tasks: list[Task]) -> None:
        rng, pop, b = self.rng, self.pop, self.cfg.benign
        n = len(pop)
        if n == 0:
            return
        span = stop - start
        hour = ((start + stop) / 2 / 3600.0) % 24
        # A gentle day/night cycle: busiest around 18:00, quietest around 06:00 (mean factor 1).
        diurnal = 1.0 + 0.4 * math.sin(2 * math.pi * (hour - 12) / 24)
        count = poisson(rng, pop.total_activity() / DAY * span * diurnal)
        actors = rng.choices(range(n), cum_weights=pop.cum_activity, k=count)
        mix = list(b.action_mix)
        kinds = rng.choices(mix, weights=[b.action_mix[k] for k in mix], k=count)
        handlers = {
            "post": self._benign_post,
            "follow": self._benign_follow,
            "unfollow": self._benign_unfollow,
            "profile": self._benign_profile,
            "delete": self._benign_delete,
            "report": self._benign_report,
        }
        for who, kind, t in zip(actors, kinds, self._uniform_times(start, stop, count), strict=True):
            tasks.append((t, self._next_seq(), handlers[kind], who))
        signups = poisson(rng, b.accounts * b.signups_per_day / DAY * span)
        for t in self._uniform_times(start, stop, signups):
            tasks.append((t, self._next_seq(), self._benign_signup, None))

    def _benign_signup(self, t: int, _: Any) -> None:
        i = self._new_benign(ID_BASE + self.next_id + 1, self._benign_weights())
        self.next_id += 1
        self._emit_benign_created(t, i)

    def _benign_post(self, t: int, i: int) -> None:
        rng, pop = self.rng, self.pop
        lang = self.langs[pop.lang[i]]
        pid = self._pid()
        reply_to = mentions = None
        hashtags: tuple[str, ...] = ()
        if self.recent_benign and rng.random() < self.cfg.benign.reply_share:
            target_pid, target = self.recent_benign[rng.randrange(len(self.recent_benign))]
            reply_to = PostRef(post_id=target_pid, account_id=str(pop.ids[target]))
        if rng.random() < self.cfg.benign.mention_share:
            j = self._popular()
            mentions = (Mention(handle=pop.handles[j], account_id=str(pop.ids[j])),)
        attack = self.attack_at(t)
        if attack and rng.random() < self.cfg.attacks.storm_share:
            hashtags = (attack.hashtag,)
        elif rng.random() < 0.1:
            hashtags = (rng.choice(["weekend", "football", "recipes", "news"]),)
        self.emit(
            PostCreated(
                platform=self.platform,
                event_id=self._eid(),
                actor=str(pop.ids[i]),
                time=self.dt(t),
                post_id=pid,
                text=text.ordinary(rng, lang),
                lang=lang,
                hashtags=hashtags,
                mentions=mentions or (),
                reply_to=reply_to,
            )
        )
        self.recent_benign.append((pid, i))

    def _popular(self) -> int:
        """An ordinary account drawn in proportion to its initial popularity."""
        cum = self.pop.cum_popularity
        return min(bisect.bisect(cum, self.rng.random() * cum[-1]), len(cum) - 1)

    def _benign_target(self, i: int) -> int:
        j = self._popular()
        return j if j != i else (j + 1) % len(self.pop)

    def _benign_follow(self, t: int, i: int) -> None:
        j = self._benign_target(i)
        self.pop.followers[j] += 1
        self.emit(
            Follow(
                platform=self.platform,
                event_id=self._eid(),
                actor=str(self.pop.ids[i]),
                time=self.dt(t),
                target=str(self.pop.ids[j]),
            )
        )

    def _benign_unfollow(self, t: int, i: int) -> None:
        # The follow graph is not kept (it would cost memory per edge); an unfollow picks a popular
        # account, as most follows went to popular accounts.
        j = self._benign_target(i)
        if self.pop.followers[j] > 0:
            self.pop.followers[j] -= 1
        self.emit(
            Unfollow(
                platform=self.platform,
                event_id=self._eid(),
                actor=str(self.pop.ids[i]),
                time=self.dt(t),
                target=str(self.pop.ids[j]),
            )
        )

    def _benign_profile(self, t: int, i: int) -> None:
        self.emit(
            ProfileChanged(
                platform=self.platform,
                event_id=self._eid(),
                actor=str(self.pop.ids[i]),
                time=self.dt(t),
                bio=text.ordinary(self.rng, self.langs[self.pop.lang[i]]),
                followers_count=self.pop.followers[i],
            )
        )

    def _benign_delete(self, t: int, i: int) -> None:
        if not self.recent_benign:
            return self._benign_post(t, i)
        pid, author = self.recent_benign.pop()
        self.emit(
            PostDeleted(
                platform=self.platform,
                event_id=self._eid(),
                actor=str(self.pop.ids[author]),
                time=self.dt(t),
                post_id=pid,
            )
        )
        return None

    def _benign_report(self, t: int, i: int) -> None:
        rng = self.rng
        recent = [d for d in self.recent_net if d]
        if recent and rng.random() < 0.7:
            pid, author = rng.choice(rng.choice(recent))
            if not author.alive():
                return
            target, reason = author.account_id, "violent_extremism"
        elif self.recent_benign:
            pid, j = self.recent_benign[rng.randrange(len(self.recent_benign))]
            target, reason = str(self.pop.ids[j]), "spam"
        else:
            return
        self.emit(
            ReportFiled(
                platform=self.platform,
                event_id=self._eid(),
                actor=str(self.pop.ids[i]),
                time=self.dt(t),
                target=target,
                post_id=pid,
                reason=reason,
            )
        )

    # --- networks ----------------------------------------------------------------------------

    def _rate_factor(self, t: int, network: int) -> float:
        return self.cfg.attacks.burst_multiplier if self.attack_at(t, network) else 1.0

    def _network_tasks(self, start: int, stop: int, tasks: list[Task]) -> None:
        rng, cfg = self.rng, self.cfg
        span = stop - start
        burst = max(1.0, cfg.attacks.burst_multiplier)
        for n_idx, net in enumerate(cfg.networks):
            attacking = any(a.network == n_idx and a.start < stop and a.end > start for a in self.attacks)
            peak = burst if attacking else 1.0
            for role in ROLES:
                rate = net.posts_per_day.get(role, 0.0) / DAY
                for acct in list(self.live[n_idx][role].items):
                    # Thinning: draw at the peak rate, keep each with probability rate(t)/peak.
                    for t in self._uniform_times(start, stop, poisson(rng, rate * span * peak)):
                        if rng.random() * peak <= self._rate_factor(t, n_idx):
                            tasks.append((t, self._next_seq(), self._network_post, acct))
                    if attacking:
                        threat_rate = cfg.attacks.threats_per_account_per_day / DAY
                        for t in self._uniform_times(start, stop, poisson(rng, threat_rate * span)):
                            if self.attack_at(t, n_idx):
                                tasks.append((t, self._next_seq(), self._threat, acct))
                    if role in {"official", "media"}:
                        lam = net.releases_per_day / DAY * span * peak
                        for t in self._uniform_times(start, stop, poisson(rng, lam)):
                            if rng.random() * peak <= self._rate_factor(t, n_idx):
                                tasks.append((t, self._next_seq(), self._release, acct))
                    if role == "recruiter":
                        lam = net.questions_per_recruiter_per_day / DAY * span
                        for t in self._uniform_times(start, stop, poisson(rng, lam)):
                            tasks.append((t, self._next_seq(), self._question, acct))

    def _hashtags(self, acct: Acct, t: int, k: int = 1) -> tuple[str, ...]:
        assert acct.network is not None
        net = self.cfg.networks[acct.network]
        tags = list(self.rng.sample(net.hashtags, min(k, len(net.hashtags)))) if net.hashtags else []
        attack = self.attack_at(t, acct.network)
        if attack:
            tags.append(attack.hashtag)
        return tuple(tags)

    def _post(self, t: int, acct: Acct, **fields: Any) -> str:
        pid = self._pid()
        self.emit(
            PostCreated(
                platform=self.platform,
                event_id=self._eid(),
                actor=acct.account_id,
                time=self.dt(t),
                post_id=pid,
                **fields,
            )
        )
        if acct.first_post is None:
            acct.first_post = t
        acct.last_post_id = pid
        return pid

    def _network_post(self, t: int, acct: Acct) -> None:
        # A private replacement stays silent until its release opens it.
        if not acct.alive() or acct.network is None or acct.protected:
            return
        rng = self.rng
        net = self.cfg.networks[acct.network]
        recent = self.recent_net[acct.network]
        reposter = acct.role in {"amplifier", "sympathiser"}
        if reposter and recent and rng.random() < 0.6:
            src_pid, src = recent[rng.randrange(len(recent))]
            self._post(t, acct, repost_of=PostRef(post_id=src_pid, account_id=src.account_id))
            return
        if acct.role == "sympathiser" and rng.random() < 0.4:
            return self._network_follow(t, acct)
        mentions: tuple[Mention, ...] = ()
        if acct.role == "amplifier":
            o = self.live[acct.network]["official"].choice(rng)
            if o is not None:
                mentions = (Mention(handle=o.handle, account_id=o.account_id),)
        pid = self._post(
            t,
            acct,
            text=text.network(rng, acct.lang, net.name, acct.region, self.n_posts),
            lang=acct.lang,
            hashtags=self._hashtags(acct, t, k=rng.randint(1, 2)),
            mentions=mentions,
        )
        recent.append((pid, acct))
        return None

    def _network_follow(self, t: int, acct: Acct) -> None:
        assert acct.network is not None
        live = self.live[acct.network]
        roles = [r for r in ("official", "media", "affiliate", "amplifier") if live[r]]
        if roles:
            target = live[self.rng.choices(roles, weights=[len(live[r]) for r in roles])[0]].choice(self.rng)
            assert target is not None
            self._follow(t, (acct, target))

    def _follow(self, t: int, pair: tuple[Acct | str, Acct]) -> None:
        follower, target = pair
        if not target.alive() or (isinstance(follower, Acct) and not follower.alive()):
            return
        actor = follower.account_id if isinstance(follower, Acct) else follower
        if actor == target.account_id:
            return
        target.followers += 1
        if target.label == LABEL_EXTREMIST:
            target.follow_log.append(t)
        self.emit(
            Follow(platform=self.platform, event_id=self._eid(), actor=actor, time=self.dt(t), target=target.account_id)
        )

    def _threat(self, t: int, acct: Acct) -> None:
        if not acct.alive() or acct.protected:
            return
        a, rng = self.cfg.attacks, self.rng
        employee = bool(a.employees) and (not a.public_figures or rng.random() < 0.3)
        target = rng.choice(a.employees if employee else a.public_figures)
        pid = self._post(t, acct, text=text.THREAT.format(target=target), lang="en", hashtags=self._hashtags(acct, t))
        self.posts_truth.append(PostTruth(self.platform, pid, acct.account_id, "threat", self.dt(t), target, employee))

    def _release(self, t: int, acct: Acct) -> None:
        if not acct.alive() or acct.network is None:
            return
        if acct.protected:
            # Private until the release: the account opens just before posting it.
            acct.protected = False
            self.emit(
                ProfileChanged(
                    platform=self.platform,
                    event_id=self._eid(),
                    actor=acct.account_id,
                    time=self.dt(t),
                    protected=False,
                )
            )
            self.schedule(t + self.rng.randint(30, 300), self._release, acct)
            return
        rng = self.rng
        net = self.cfg.networks[acct.network]
        self.n_media += 1
        kind = "video" if rng.random() < 0.7 else "audio"
        key = (self.cfg.seed, acct.network, self.n_media)
        media = MediaRef(
            media_id=f"m{self.n_media}",
            type=kind,
            url=f"https://media.sim.invalid/{self.n_media}.{'mp4' if kind == 'video' else 'm4a'}",
            hashes={"md5": _hex("md5", *key, n=32), "sha256": _hex("sha256", *key)},
        )
        pid = self._post(
            t,
            acct,
            text=text.release(acct.lang, net.name, self.n_media),
            lang=acct.lang,
            media=(media,),
            hashtags=self._hashtags(acct, t, k=2),
        )
        self.recent_net[acct.network].append((pid, acct))
        self.posts_truth.append(PostTruth(self.platform, pid, acct.account_id, "release", self.dt(t)))
        e = self.cfg.enforcement
        delay = lognormal_median(rng, e.release_suspension_median_minutes * 60, e.release_suspension_sigma)
        self._set_suspension(t + max(60, int(delay)), acct)
        live = self.live[acct.network]
        roles = [r for r in ("amplifier", "sympathiser") if live[r]]
        for _ in range(poisson(rng, net.reposts_per_release) if roles else 0):
            who = live[rng.choices(roles, weights=[len(live[r]) for r in roles])[0]].choice(rng)
            self.schedule(t + 1 + int(rng.expovariate(1 / 900)), self._repost_release, (who, pid, acct, media))

    def _repost_release(self, t: int, arg: tuple[Acct, str, Acct, MediaRef]) -> None:
        who, pid, src, media = arg
        if not who.alive():
            return
        if self.rng.random() < 0.5:
            self._post(t, who, repost_of=PostRef(post_id=pid, account_id=src.account_id))
            return
        # Re-uploads keep the file, hence the hashes, under a new media id: what hash-matching catches.
        self.n_media += 1
        copy = MediaRef(media_id=f"m{self.n_media}", type=media.type, url=media.url, hashes=dict(media.hashes))
        self._post(
            t, who, text="[SIM] reupload (synthetic)", lang=who.lang, media=(copy,), hashtags=self._hashtags(who, t)
        )

    def _question(self, t: int, recruiter: Acct) -> None:
        if not recruiter.alive() or recruiter.network is None:
            return
        rng = self.rng
        net = self.cfg.networks[recruiter.network]
        sympathisers = self.live[recruiter.network]["sympathiser"]
        asker: Acct | int
        if sympathisers and rng.random() < 0.6:
            asker = sympathisers.items[rng.randrange(len(sympathisers))]
            actor, asker_handle = asker.account_id, asker.handle
        elif len(self.pop):
            asker = rng.randrange(len(self.pop))
            actor, asker_handle = str(self.pop.ids[asker]), self.pop.handles[asker]
        else:
            return
        fields: dict[str, Any] = {
            "text": text.QUESTION.format(handle=recruiter.handle, group=net.name),
            "lang": "en",
            "mentions": (Mention(handle=recruiter.handle, account_id=recruiter.account_id),),
        }
        if isinstance(asker, Acct):
            pid = self._post(t, asker, **fields)
        else:
            pid = self._pid()
            self.emit(
                PostCreated(
                    platform=self.platform, event_id=self._eid(), actor=actor, time=self.dt(t), post_id=pid, **fields
                )
            )
        arg = (recruiter, pid, actor, asker_handle)
        self.schedule(t + 30 + int(rng.expovariate(1 / 600)), self._answer, arg)

    def _answer(self, t: int, arg: tuple[Acct, str, str, str]) -> None:
        recruiter, pid, asker_id, asker_handle = arg
        if not recruiter.alive() or recruiter.network is None:
            return
        self._post(
            t,
            recruiter,
            text=text.ANSWER.format(handle=asker_handle, group=self.cfg.networks[recruiter.network].name),
            lang="en",
            reply_to=PostRef(post_id=pid, account_id=asker_id),
            mentions=(Mention(handle=asker_handle, account_id=asker_id),),
        )

    # --- enforcement and recidivism ----------------------------------------------------------

    def _suspend(self, t: int, acct: Acct) -> None:
        if not acct.alive() or acct.suspend_at != t:
            return  # superseded by an earlier suspension
        rng, e = self.rng, self.cfg.enforcement
        if acct.last_post_id and rng.random() < min(1.0, e.post_removals_per_suspension):
            self.emit(
                EnforcementApplied(
                    platform=self.platform,
                    event_id=self._eid(),
                    actor=acct.account_id,
                    time=self.dt(t),
                    action="remove_post",
                    post_id=acct.last_post_id,
                    reason=e.reason,
                )
            )
        self.emit(
            EnforcementApplied(
                platform=self.platform,
                event_id=self._eid(),
                actor=acct.account_id,
                time=self.dt(t),
                action="suspend",
                reason=e.reason,
            )
        )
        acct.suspended = t
        assert acct.network is not None and acct.persona is not None
        self.live[acct.network][acct.role].remove(acct)
        self.live_all[acct.network].remove(acct)
        r = self.cfg.recidivism
        if acct.persona.incarnations < r.max_incarnations and rng.random() < r.return_probability:
            delay = max(30, int(lognormal_median(rng, r.return_median_minutes * 60, r.return_sigma)))
            if t + delay < self.end:
                self.schedule(t + delay, self._return, acct)

    def _return(self, t: int, parent: Acct) -> None:
        rng, r = self.rng, self.cfg.recidivism
        persona = parent.persona
        assert persona is not None and parent.network is not None
        persona.incarnations += 1
        net = self.cfg.networks[parent.network]
        technique = self._pick_weighted(r.techniques)
        if technique == "new_name" and parent.role in {"official", "media", "affiliate"}:
            # An outlet keeps its brand even under a fresh name.
            fresh = f"{net.slug}_{rng.choice(['press', 'agency', 'wire', 'center', 'voice'])}{rng.randint(1, 99)}"
            handle = names.unique(names.clamp(fresh), self.taken, rng)
        else:
            handle, technique = names.evade(parent.handle, technique, rng, self.taken)
        same_display = rng.random() < r.same_display_name_probability
        same_avatar = rng.random() < r.same_avatar_probability
        display = (
            parent.display_name
            if same_display
            else self._network_display(net, parent.role, parent.region, handle, parent.lang)
        )
        if (
            not same_display
            and r.generic_display_name_probability
            and rng.random() < r.generic_display_name_probability
        ):
            display = rng.choice(names.GENERIC_DISPLAY)
        if same_display is False and display == parent.display_name:
            display = f"{display} {persona.incarnations}"
        lang = parent.lang
        if r.change_language_probability and rng.random() < r.change_language_probability:
            lang = rng.choice([k for k in net.languages if k != parent.lang] or [parent.lang])
        protected = parent.role in {"official", "media"} and rng.random() < r.protected_until_release_probability
        child = Acct(
            account_id=self._alloc_id(),
            handle=handle,
            display_name=display,
            avatar_hash=parent.avatar_hash
            if same_avatar
            else _hex("avatar", self.cfg.seed, persona.persona_id, t, n=16),
            lang=lang,
            label=LABEL_EXTREMIST,
            role=parent.role,
            created=t,
            network=parent.network,
            persona=persona,
            region=parent.region,
            generation=parent.generation + 1,
            parent=parent,
            technique=technique,
            same_display_name=same_display,
            same_avatar=same_avatar,
            protected=protected,
            protected_at_creation=protected,
        )
        self.accts.append(child)
        self.by_id[child.account_id] = child
        self._emit_created(t, child, followers=0)
        child.follow_log.append(t)
        self._go_live(t, child, start=t)
        self._promote(t, child, parent)
        if protected:
            delay = lognormal_median(rng, r.protected_release_median_minutes * 60, 0.6)
            self.schedule(t + max(60, int(delay)), self._release, child)
        else:
            self.schedule(t + 1 + int(rng.expovariate(1 / (r.first_post_mean_minutes * 60))), self._network_post, child)

    def _promote(self, t: int, child: Acct, parent: Acct) -> None:
        """The network brings the audience back: shout-outs, re-follows, watchers following too."""
        rng, r = self.rng, self.cfg.recidivism
        assert child.network is not None
        live = self.live[child.network]
        amplifiers = live["amplifier"]
        for _ in range(poisson(rng, r.shoutouts_per_return) if amplifiers else 0):
            when = t + 1 + int(rng.expovariate(1 / (r.shoutout_mean_minutes * 60)))
            self.schedule(when, self._shoutout, (amplifiers.choice(rng), child))
        n_follow = min(binomial(rng, parent.followers, r.refollow_probability), 20_000)
        # The child itself may be drawn; _follow drops a self-follow.
        from_network = self.live_all[child.network].sample(rng, n_follow // 2)
        followers: list[Acct | str] = list(from_network)
        n_pop = len(self.pop)
        followers.extend(str(self.pop.ids[rng.randrange(n_pop)]) for _ in range(n_follow - len(from_network)) if n_pop)
        mean = r.refollow_mean_minutes * 60
        for f in followers:
            self.schedule(t + 1 + int(rng.expovariate(1 / mean)), self._follow, (f, child))
        c = self.cfg.confounders
        watchers = self.watchers
        n_watch = min(len(watchers), poisson(rng, c.watcher_follows_per_return.get(child.role, 0.0)))
        for w in rng.sample(watchers, n_watch):
            self.schedule(
                t + 1 + int(rng.expovariate(1 / (c.watcher_follow_mean_minutes * 60))), self._follow, (w, child)
            )

    def _shoutout(self, t: int, arg: tuple[Acct, Acct]) -> None:
        amp, child = arg
        if not amp.alive() or not child.alive() or amp.network is None:
            return
        net = self.cfg.networks[amp.network]
        pid = self._post(
            t,
            amp,
            text=text.shoutout(amp.lang, net.name, child.handle),
            lang=amp.lang,
            mentions=(Mention(handle=child.handle, account_id=child.account_id),),
            hashtags=self._hashtags(amp, t),
        )
        self.posts_truth.append(
            PostTruth(self.platform, pid, amp.account_id, "promotion", self.dt(t), child.account_id)
        )

    # --- confounders -------------------------------------------------------------------------

    def _confounder_tasks(self, start: int, stop: int, tasks: list[Task]) -> None:
        rng, c = self.rng, self.cfg.confounders
        span = stop - start
        burst = max(1.0, self.cfg.attacks.burst_multiplier)
        attacking = any(a.start < stop and a.end > start for a in self.attacks)
        if c.lookalike_signups_per_day:
            for t in self._uniform_times(start, stop, poisson(rng, c.lookalike_signups_per_day * span / DAY)):
                tasks.append((t, self._next_seq(), self._lookalike_signup, None))
        for role, accts in self.confounders.items():
            if not accts:
                continue
            peak = burst if attacking and role in ATTACK_RESPONDERS else 1.0
            lam = len(accts) * c.posts_per_day.get(role, 0.0) / DAY * span * peak
            for t in self._uniform_times(start, stop, poisson(rng, lam)):
                factor = burst if role in ATTACK_RESPONDERS and self.attack_at(t) else 1.0
                if rng.random() * peak <= factor:
                    tasks.append((t, self._next_seq(), self._confounder_post, rng.choice(accts)))

    def _lookalike_signup(self, t: int, _: Any) -> None:
        """An innocent account whose handle happens to resemble a live network account's."""
        rng = self.rng
        sources = [a for n in self.live_all for a in n.items if a.role != "sympathiser"]
        if not sources:
            return
        source = rng.choice(sources)
        technique = rng.choice([k for k in names.TECHNIQUES if k != "new_name"])
        handle, _ = names.evade(source.handle, technique, rng, self.taken)
        i = len(self.confounders["lookalike"])
        acct = Acct(
            account_id=self._alloc_id(),
            handle=handle,
            display_name=" ".join(p.title() for p in handle.split("_") if p),
            avatar_hash=_hex("avatar", self.cfg.seed, "lookalike", i, t, n=16),
            lang="ar" if rng.random() < 0.6 else "en",
            label=LABEL_CONFOUNDER,
            role="lookalike",
            created=t,
            followers=pareto_int(rng, 50, 1.3),
        )
        acct.resembles = source
        self.confounders["lookalike"].append(acct)
        self.accts.append(acct)
        self.by_id[acct.account_id] = acct
        self._emit_created(t, acct, followers=acct.followers)

    def _confounder_post(self, t: int, acct: Acct) -> None:
        rng = self.rng
        role = acct.role
        if role == "lookalike":
            self._post(t, acct, text=text.ordinary(rng, acct.lang), lang=acct.lang)
            return
        n_idx = rng.randrange(len(self.cfg.networks)) if self.cfg.networks else None
        if n_idx is None:
            self._post(t, acct, text=text.ordinary(rng, "en"), lang="en")
            return
        net = self.cfg.networks[n_idx]
        attack = self.attack_at(t)
        region = attack.region if attack else rng.choice(net.regions or ["city"])
        body = text.watcher(rng, role, net.name, region, self.n_posts)
        tags = [rng.choice(net.hashtags)] if net.hashtags and role not in {"police"} else []
        if attack and role in ATTACK_RESPONDERS:
            tags.append(attack.hashtag)
        recent = self.recent_net[n_idx]
        live_src = [(pid, a) for pid, a in list(recent)[-20:] if a.alive()]
        fields: dict[str, Any] = {"text": body, "lang": "en", "hashtags": tuple(tags)}
        if live_src and (role in {"journalist", "researcher", "monitor"} and rng.random() < 0.5):
            pid, src = rng.choice(live_src)
            fields["quote_of"] = PostRef(post_id=pid, account_id=src.account_id)
            fields["mentions"] = (Mention(handle=src.handle, account_id=src.account_id),)
        elif live_src and role == "counter_messaging":
            pid, src = rng.choice(live_src)
            fields["reply_to"] = PostRef(post_id=pid, account_id=src.account_id)
            fields["mentions"] = (Mention(handle=src.handle, account_id=src.account_id),)
        elif role == "parody":
            o = self.live[n_idx]["official"].choice(rng)
            if o is not None:
                fields["mentions"] = (Mention(handle=o.handle, account_id=o.account_id),)
        self._post(t, acct, **fields)

    # --- truth -------------------------------------------------------------------------------

    def truth_accounts(self) -> Iterator[AccountTruth]:
        start = self.cfg.start
        for a in self.accts:
            followers: list[tuple[int, int]] | None = None
            if a.label == LABEL_EXTREMIST:
                # follow_log[0] is the creation marker; the count there is the snapshot at creation.
                base = a.followers - (len(a.follow_log) - 1)
                points: list[tuple[int, int]] = [(0, base)]
                count = base
                for when in sorted(a.follow_log[1:]):
                    count += 1
                    offset = when - a.created
                    if points[-1][0] == offset:
                        points[-1] = (offset, count)
                    else:
                        points.append((offset, count))
                followers = points
            yield AccountTruth(
                platform=self.platform,
                account_id=a.account_id,
                handle=a.handle,
                label=a.label,
                role=a.role,
                created_at=start + timedelta(seconds=a.created),
                network=self.cfg.networks[a.network].name if a.network is not None else None,
                persona=a.persona.persona_id if a.persona else None,
                generation=a.generation,
                parent_account_id=a.parent.account_id if a.parent else None,
                technique=a.technique,
                same_display_name=a.same_display_name,
                same_avatar=a.same_avatar,
                protected_at_creation=a.protected_at_creation,
                suspended_at=start + timedelta(seconds=a.suspended) if a.suspended is not None else None,
                first_post_at=start + timedelta(seconds=a.first_post) if a.first_post is not None else None,
                lookalike_of=a.resembles.account_id if a.resembles else None,
                followers=followers,
            )

    def truth_header(self) -> TruthHeader:
        n_ext = sum(1 for a in self.accts if a.label == LABEL_EXTREMIST)
        n_conf = len(self.accts) - n_ext
        return TruthHeader(
            platform=self.platform,
            seed=self.cfg.seed,
            start=self.cfg.start,
            end=self.cfg.start + timedelta(seconds=self.end),
            scenario=self.cfg.scenario,
            counts={
                "accounts": len(self.pop) + len(self.accts),
                "benign": len(self.pop),
                "extremist": n_ext,
                "confounder": n_conf,
                "events": self.n_events,
                "attacks": len(self.attacks),
            },
            config=self.cfg.to_dict(),
        )
