"""Measuring cross-platform links on a migration world, beside the naive baseline (same handle stem).

Reads a migration world's files through the real adapters (canonical JSONL for the origin,
Mastodon and Jetstream lines for the destinations), replays every event in time order through
the ``crossplatform`` detector and the default threshold policy (with automatic actions ON, so
that any rule that would suspend shows up as an action), and scores what it reported against
the world's ``migration.json``. The naive baseline reads the same events: a new account on
another platform is linked to the most recently suspended account whose handle has the same
stem (:func:`cauterize.actors.traits.stem`, at least four characters).

Nothing here imports the simulator: a migration world is files on disk.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from cauterize.actors.lead import LABEL as LEAD
from cauterize.actors.lead import NetworkLead
from cauterize.actors.refs import family_of
from cauterize.actors.traits import stem
from cauterize.detectors.base import Signal
from cauterize.detectors.crossplatform import CrossPlatformDetector
from cauterize.events import AccountCreated, EnforcementApplied, Event, ProfileChanged, decode_event
from cauterize.ingest.base import Adapter, Reject
from cauterize.ingest.jetstream import Jetstream
from cauterize.ingest.mastodon import MastodonAdapter
from cauterize.policy.threshold import ThresholdPolicy

#: File name -> adapter; a migration world holds some of these (the second generator has no Jetstream).
FILES: dict[str, type[Adapter] | None] = {
    "origin.jsonl": None,
    "origin-extra.jsonl": None,
    "dest.mastodon.jsonl": MastodonAdapter,
    "dest.mastodon-stream.jsonl": MastodonAdapter,
    "dest.jetstream.jsonl": Jetstream,
}


def read_world(folder: str | Path) -> tuple[list[Event], int]:
    """Every event of the world's files, deduplicated by (platform, event id), in time order; rejects."""
    events: dict[tuple[str, str], Event] = {}
    rejects = 0
    for name, adapter_cls in FILES.items():
        path = Path(folder) / name
        if not path.exists():
            continue
        adapter = adapter_cls() if adapter_cls else None
        with open(path, "rb") as f:
            for line in f:
                if not line.strip():
                    continue
                items: Iterable[Event | Reject] = [decode_event(line)] if adapter is None else adapter.parse(line)
                for ev in items:
                    if isinstance(ev, Reject):
                        rejects += 1
                    else:
                        events.setdefault((ev.platform, ev.event_id), ev)
    ordered = sorted(events.values(), key=lambda e: e.time)
    return ordered, rejects


class _NoContext:
    def account(self, platform: str, account_id: str) -> None:
        return None


@dataclass(slots=True)
class Outcome:
    """What one method said about each account: the parent it named (None: no link)."""

    links: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    #: Leads (``crossplatform.lead``): the parent they suggest, None for "parent unclear". Never a link.
    leads: dict[tuple[str, str], tuple[str, str] | None] = field(default_factory=dict)
    auto_actions: int = 0


def run_detector(events: list[Event], aliases: dict[str, str]) -> tuple[Outcome, list[Signal]]:
    det = CrossPlatformDetector(aliases=aliases)
    policy = ThresholdPolicy(auto_actions=True)
    out = Outcome()
    signals: list[Signal] = []
    ctx = _NoContext()
    for ev in events:
        sigs = list(det.detect(ev, ctx))  # type: ignore[arg-type]
        if not sigs:
            continue
        signals += sigs
        for s in sigs:
            if s.label == LEAD:
                sp = s.evidence["suggested_parent"]
                out.leads[(s.platform, s.account_id)] = (sp["platform"], sp["account_id"]) if sp else None
            else:
                out.links[(s.platform, s.account_id)] = (s.evidence["parent_platform"], s.evidence["parent_account_id"])
        for d in policy.decide(ev, sigs):
            if d.action in ("suspend", "escalate"):
                out.auto_actions += 1
    # Links still waiting for an event of their platform at the end of the stream count too:
    # in a live deployment the next event of that platform carries them.
    for link in det.pending:
        if isinstance(link, NetworkLead):
            out.leads[(link.platform, link.account_id)] = link.parent.key if link.parent is not None else None
        else:
            out.links[(link.platform, link.account_id)] = link.parent.key
    return out, signals


def run_naive(events: list[Event], aliases: dict[str, str]) -> Outcome:
    """Same handle stem: each account seen is linked to the latest suspended account of another family
    whose handle has its stem (an account whose stem matches several takes the most recent)."""
    handles: dict[tuple[str, str], list[str]] = {}
    suspended: dict[str, tuple[datetime, tuple[str, str]]] = {}
    for ev in events:
        key = (ev.platform, ev.actor)
        if isinstance(ev, AccountCreated | ProfileChanged) and ev.handle:
            hs = handles.setdefault(key, [])
            if ev.handle not in hs:
                hs.append(ev.handle)
        elif isinstance(ev, EnforcementApplied) and ev.action in ("suspend", "delete"):
            for h in handles.get(key, ()):
                s = stem(h)
                if len(s) >= 4:
                    suspended[s] = (ev.time, key)
    out = Outcome()
    for key, hs in handles.items():
        fam = family_of(key[0], aliases)
        best: tuple[datetime, tuple[str, str]] | None = None
        for h in hs:
            hit = suspended.get(stem(h))
            if hit and family_of(hit[1][0], aliases) != fam and (best is None or hit[0] > best[0]):
                best = hit
        if best is not None:
            out.links[key] = best[1]
    return out


def score(outcome: Outcome, truth: dict[str, Any], n_accounts: dict[str, int]) -> dict[str, Any]:
    """Links first; a lead counts only for an account with no link, and never as a right parent.
    Both are review flags, so both count against innocents and other accounts."""
    movers = truth["movers"]
    innocents = truth["innocents"]

    def right(m: dict[str, Any]) -> bool:
        return outcome.links.get((m["platform"], m["account_id"])) == (m["parent_platform"], m["parent_account_id"])

    def persona(m: dict[str, Any]) -> bool:
        got = outcome.links.get((m["platform"], m["account_id"]))
        return got is not None and got[1] in m["persona_accounts"]

    def lead(m: dict[str, Any]) -> str | None:
        k = (m["platform"], m["account_id"])
        if k in outcome.links or k not in outcome.leads:
            return None
        got = outcome.leads[k]
        if got is None:
            return "unclear"
        return "named_right" if got == (m["parent_platform"], m["parent_account_id"]) else "named_other"

    ann = [m for m in movers if m["announced"]]
    sil = [m for m in movers if not m["announced"]]
    known = {(m["platform"], m["account_id"]) for m in movers}
    flagged = set(outcome.links) | set(outcome.leads)
    flagged_inn = sum(1 for i in innocents if (i["platform"], i["account_id"]) in flagged)
    dest_platforms = {m["platform"] for m in movers} | {i["platform"] for i in innocents}
    inn_keys = {(i["platform"], i["account_id"]) for i in innocents}
    other = sum(1 for k in flagged if k not in known and k not in inn_keys and k[0] in dest_platforms)
    ann_leads = [lead(m) for m in ann]
    return {
        "announced": len(ann),
        "announced_right_parent": sum(map(right, ann)),
        "announced_right_persona": sum(map(persona, ann)),
        "announced_lead_unclear": ann_leads.count("unclear"),
        "announced_lead_named_right": ann_leads.count("named_right"),
        "announced_lead_named_other": ann_leads.count("named_other"),
        "silent": len(sil),
        "silent_right_parent": sum(map(right, sil)),
        "silent_right_persona": sum(map(persona, sil)),
        "silent_leads": sum(1 for m in sil if lead(m) is not None),
        "movers_wrong_parent": sum(
            1 for m in movers if (m["platform"], m["account_id"]) in outcome.links and not persona(m)
        ),
        "innocents": len(innocents),
        "innocents_flagged": flagged_inn,
        "innocents_leads": sum(1 for i in innocents if (i["platform"], i["account_id"]) in outcome.leads),
        "other_accounts": max(0, sum(n_accounts.get(p, 0) for p in dest_platforms) - len(known) - len(inn_keys)),
        "other_flagged": other,
        "auto_actions": outcome.auto_actions,
    }


def accounts_per_platform(events: list[Event]) -> dict[str, int]:
    seen: dict[str, set[str]] = {}
    for ev in events:
        seen.setdefault(ev.platform, set()).add(ev.actor)
    return {p: len(s) for p, s in seen.items()}


def measure(folder: str | Path, aliases: dict[str, str] | None = None) -> dict[str, Any]:
    """Both methods on one world folder: ``{"cauterize": {...}, "naive": {...}}``."""
    aliases = aliases or {"sim": "twitter"}
    truth = json.loads((Path(folder) / "migration.json").read_text(encoding="utf-8"))
    events, rejects = read_world(folder)
    counts = accounts_per_platform(events)
    det, _ = run_detector(events, aliases)
    naive = run_naive(events, aliases)
    return {
        "world": str(folder),
        "generator": truth.get("generator"),
        "seed": truth.get("seed"),
        "events": len(events),
        "rejects": rejects,
        "cauterize": score(det, truth, counts),
        "naive": score(naive, truth, counts),
    }


def total(rows: Iterable[dict[str, Any]], method: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in rows:
        for k, v in r[method].items():
            out[k] = out.get(k, 0) + v
    return out


def iter_lines(rows: list[dict[str, Any]]) -> Iterator[str]:
    """A markdown table: both methods per world, then the totals."""
    yield (
        "| world | method | announced: right parent | announced: lead, parent unclear | announced: lead naming a parent "
        "(right) | silent: right parent | movers given a wrong parent | same-name innocents flagged "
        "| other accounts flagged | automatic actions |"
    )
    yield "|---|---|---|---|---|---|---|---|---|---|"
    for r in [*rows, {"world": "all", "cauterize": total(rows, "cauterize"), "naive": total(rows, "naive")}]:
        name = r["world"] if r["world"] == "all" else f"{r['generator']} {r['seed']}"
        for method in ("cauterize", "naive"):
            m = r[method]
            yield (
                f"| {name} | {method} | {_pct(m['announced_right_parent'], m['announced'])} | "
                f"{_pct(m['announced_lead_unclear'], m['announced'])} | "
                f"{m['announced_lead_named_right'] + m['announced_lead_named_other']} "
                f"({m['announced_lead_named_right']}) | "
                f"{_pct(m['silent_right_parent'], m['silent'])} | {m['movers_wrong_parent']} | "
                f"{_pct(m['innocents_flagged'], m['innocents'])} | "
                f"{_pct(m['other_flagged'], m['other_accounts'])} | {m['auto_actions']} |"
            )


def _pct(a: int, b: int) -> str:
    return f"{a}/{b} ({100.0 * a / b:.1f}%)" if b else "0/0"
