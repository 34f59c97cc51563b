"""The ground-truth file a simulated world comes with, and its reader.

Two encodings of the same records (see docs/simulation.md):

* ``*.json``: one object ``{"header": {...}, "accounts": [...], "posts": [...]}``, handy for
  small worlds and for reading by eye;
* anything else (``*.jsonl``): one record per line, the header first, then ``account`` and
  ``post`` records, so that a million-account world can be written and read as a stream.

Only non-benign accounts (network members and confounders) are listed: an account missing from
the truth is an ordinary user. The header's ``counts`` give the size of the whole population,
which is what negatives and rates are computed against.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

TRUTH_FORMAT = "cauterize-truth"
TRUTH_VERSION = 1

LABEL_EXTREMIST = "extremist"
LABEL_CONFOUNDER = "confounder"
LABEL_BENIGN = "benign"


def parse_time(value: str) -> datetime:
    # fromisoformat accepts "Z" since 3.11; a naive time in a truth file is a writer bug.
    dt = datetime.fromisoformat(value)
    if dt.tzinfo is None:
        raise ValueError(f"time without a timezone: {value!r}")
    return dt.astimezone(UTC)


def format_time(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


@dataclass(slots=True)
class AccountTruth:
    platform: str
    account_id: str
    handle: str
    #: ``extremist`` or ``confounder`` (benign accounts are not listed).
    label: str
    #: Network role (official, media, affiliate, amplifier, recruiter, sympathiser) or confounder
    #: type (journalist, researcher, monitor, police, government, counter_messaging, news,
    #: lookalike, parody).
    role: str
    created_at: datetime
    network: str | None = None
    #: The person behind a chain of incarnations; all incarnations share it.
    persona: str | None = None
    #: 0 for an original account, n for the n-th replacement.
    generation: int = 0
    parent_account_id: str | None = None
    #: How the handle was derived from the parent's (digit_suffix, increment, separator, ...).
    technique: str | None = None
    same_display_name: bool | None = None
    same_avatar: bool | None = None
    protected_at_creation: bool = False
    suspended_at: datetime | None = None
    first_post_at: datetime | None = None
    #: For lookalikes: the network account whose handle theirs resembles.
    lookalike_of: str | None = None
    #: Follower count change points ``(seconds since creation, count)``; ``None`` when not recorded.
    followers: list[tuple[int, int]] | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.platform, self.account_id)

    @property
    def is_replacement(self) -> bool:
        return self.label == LABEL_EXTREMIST and self.generation > 0

    def followers_at(self, when: datetime) -> int | None:
        """Followers the account had at ``when`` (the last change point at or before it)."""
        if self.followers is None:
            return None
        offset = (when - self.created_at).total_seconds()
        count = 0
        for at, n in self.followers:
            if at > offset:
                break
            count = n
        return count

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": "account",
            "platform": self.platform,
            "account_id": self.account_id,
            "handle": self.handle,
            "label": self.label,
            "role": self.role,
            "created_at": format_time(self.created_at),
            "network": self.network,
            "persona": self.persona,
            "generation": self.generation,
            "parent_account_id": self.parent_account_id,
            "technique": self.technique,
            "same_display_name": self.same_display_name,
            "same_avatar": self.same_avatar,
            "protected_at_creation": self.protected_at_creation,
            "suspended_at": format_time(self.suspended_at) if self.suspended_at else None,
            "first_post_at": format_time(self.first_post_at) if self.first_post_at else None,
            "lookalike_of": self.lookalike_of,
            "followers": [list(p) for p in self.followers] if self.followers is not None else None,
        }
        return out

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> AccountTruth:
        def opt_time(name: str) -> datetime | None:
            v = obj.get(name)
            return parse_time(v) if v else None

        followers = obj.get("followers")
        return cls(
            platform=obj["platform"],
            account_id=str(obj["account_id"]),
            handle=obj["handle"],
            label=obj["label"],
            role=obj["role"],
            created_at=parse_time(obj["created_at"]),
            network=obj.get("network"),
            persona=obj.get("persona"),
            generation=int(obj.get("generation", 0)),
            parent_account_id=obj.get("parent_account_id"),
            technique=obj.get("technique"),
            same_display_name=obj.get("same_display_name"),
            same_avatar=obj.get("same_avatar"),
            protected_at_creation=bool(obj.get("protected_at_creation", False)),
            suspended_at=opt_time("suspended_at"),
            first_post_at=opt_time("first_post_at"),
            lookalike_of=obj.get("lookalike_of"),
            followers=[(int(a), int(b)) for a, b in followers] if followers is not None else None,
        )


@dataclass(slots=True)
class PostTruth:
    """A post whose nature matters to a detector: a threat, a media release, a promotion."""

    platform: str
    post_id: str
    account_id: str
    #: ``threat``, ``release`` or ``promotion``.
    label: str
    time: datetime
    #: Threat target's name, or the promoted account id.
    target: str | None = None
    #: For threats: whether the target is one of the platform's own employees.
    target_is_employee: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "post",
            "platform": self.platform,
            "post_id": self.post_id,
            "account_id": self.account_id,
            "label": self.label,
            "time": format_time(self.time),
            "target": self.target,
            "target_is_employee": self.target_is_employee,
        }

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> PostTruth:
        return cls(
            platform=obj["platform"],
            post_id=str(obj["post_id"]),
            account_id=str(obj["account_id"]),
            label=obj["label"],
            time=parse_time(obj["time"]),
            target=obj.get("target"),
            target_is_employee=bool(obj.get("target_is_employee", False)),
        )


@dataclass(slots=True)
class TruthHeader:
    platform: str
    seed: int
    start: datetime
    end: datetime
    scenario: str
    #: Population sizes: ``accounts`` (all accounts that ever existed), ``benign``, ``extremist``,
    #: ``confounder``, and ``events`` (lines written).
    counts: dict[str, int] = field(default_factory=dict)
    #: The world parameters the file was generated with.
    config: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "header",
            "format": TRUTH_FORMAT,
            "version": TRUTH_VERSION,
            "platform": self.platform,
            "seed": self.seed,
            "start": format_time(self.start),
            "end": format_time(self.end),
            "scenario": self.scenario,
            "counts": dict(self.counts),
            "config": self.config,
        }

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> TruthHeader:
        if obj.get("format") != TRUTH_FORMAT:
            raise ValueError(f"not a cauterize truth file (format={obj.get('format')!r})")
        if int(obj.get("version", 0)) > TRUTH_VERSION:
            raise ValueError(f"truth version {obj['version']} is newer than this reader ({TRUTH_VERSION})")
        return cls(
            platform=obj["platform"],
            seed=int(obj["seed"]),
            start=parse_time(obj["start"]),
            end=parse_time(obj["end"]),
            scenario=obj.get("scenario", ""),
            counts={k: int(v) for k, v in obj.get("counts", {}).items()},
            config=obj.get("config", {}),
        )


@dataclass(slots=True)
class Truth:
    header: TruthHeader
    accounts: dict[tuple[str, str], AccountTruth] = field(default_factory=dict)
    posts: list[PostTruth] = field(default_factory=list)

    def label_of(self, key: tuple[str, str]) -> str:
        acct = self.accounts.get(key)
        return acct.label if acct else LABEL_BENIGN

    @property
    def total_accounts(self) -> int:
        return self.header.counts.get("accounts", len(self.accounts))


def _dumps(obj: dict[str, Any]) -> str:
    # Sorted keys and no spaces: the truth must be byte-identical for the same seed.
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def write_truth(
    path: str | Path, header: TruthHeader, accounts: Iterable[AccountTruth], posts: Iterable[PostTruth]
) -> None:
    """Write the truth, as one JSON object for ``*.json`` and as JSON lines otherwise."""
    path = Path(path)
    with path.open("w", encoding="utf-8", newline="\n") as fp:
        if path.suffix == ".json":
            fp.write('{"header":' + _dumps(header.to_json()) + ',\n"accounts":[\n')
            _write_joined(fp, (a.to_json() for a in accounts))
            fp.write('],\n"posts":[\n')
            _write_joined(fp, (p.to_json() for p in posts))
            fp.write("]}\n")
        else:
            fp.write(_dumps(header.to_json()) + "\n")
            for a in accounts:
                fp.write(_dumps(a.to_json()) + "\n")
            for p in posts:
                fp.write(_dumps(p.to_json()) + "\n")


def _write_joined(fp: IO[str], objs: Iterator[dict[str, Any]]) -> None:
    first = True
    for obj in objs:
        if not first:
            fp.write(",\n")
        fp.write(_dumps(obj))
        first = False
    fp.write("\n")


def read_truth(path: str | Path) -> Truth:
    """Read either encoding; which one is decided by the content, not the file name."""
    with Path(path).open("r", encoding="utf-8") as fp:
        return read_truth_from(fp)


def read_truth_from(fp: IO[str]) -> Truth:
    first = fp.readline()
    try:
        obj = json.loads(first)
    except json.JSONDecodeError:
        obj = None
    if isinstance(obj, dict) and obj.get("kind") == "header":
        truth = Truth(header=TruthHeader.from_json(obj))
        for lineno, line in enumerate(fp, 2):
            if not line.strip():
                continue
            rec = json.loads(line)
            kind = rec.get("kind")
            if kind == "account":
                _add_account(truth, AccountTruth.from_json(rec))
            elif kind == "post":
                truth.posts.append(PostTruth.from_json(rec))
            else:
                raise ValueError(f"line {lineno}: unknown truth record kind {kind!r}")
        return truth
    doc = json.loads(first + fp.read())
    if not isinstance(doc, dict) or "header" not in doc:
        raise ValueError("not a cauterize truth file: no header")
    truth = Truth(header=TruthHeader.from_json(doc["header"]))
    for rec in doc.get("accounts", []):
        _add_account(truth, AccountTruth.from_json(rec))
    truth.posts.extend(PostTruth.from_json(p) for p in doc.get("posts", []))
    return truth


def _add_account(truth: Truth, acct: AccountTruth) -> None:
    if acct.key in truth.accounts:
        raise ValueError(f"account {acct.key} listed twice in the truth")
    truth.accounts[acct.key] = acct
