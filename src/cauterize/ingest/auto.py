"""``--format auto``: the format of every record found from the record itself.

A collector's file often mixes formats line by line (a filtered stream with the compliance
results of the same accounts written between its pages), and one run may take files of
different formats. Decoding every line twice to sniff it would cost as much as parsing it, so
:class:`AutoDetect` keeps the adapters it has used, most recent first, and gives a record to the
first whose byte-level ``quick_check`` accepts it; only a record no used adapter accepts, or one
the chosen adapter refuses with a ``RecordError``, is sniffed (decoded) again. A stream of one
format thus pays one sniff per file, and a mixed file one per change of format at most.

Twitter batch compliance results do not say whether their ids are users or tweets: here they
are resolved through ``lookup`` (what the store already holds) and through the accounts and posts
this run has parsed so far (the stream lines before them), which :class:`RunMemory` keeps,
bounded to the most recent ones (older ones are in the store by then).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any, Protocol

from cauterize.events import AccountCreated, Event, PostCreated, ProfileChanged
from cauterize.ingest.base import Adapter, RecordError, Reject
from cauterize.ingest.registry import sniff_class

#: Entries of each kind kept in memory: more than a pipeline batch and its reorder window hold
#: before the store has them.
_REMEMBERED = 250_000


class Lookup(Protocol):
    """What the store already knows (the pipeline passes the store itself)."""

    def post_author(self, platform: str, post_id: str) -> str | None: ...

    def account(self, platform: str, account_id: str) -> Any: ...


class RunMemory:
    """Accounts and post authors seen by this run, per platform, the most recent ones only."""

    def __init__(self, lookup: Lookup | None = None, limit: int = _REMEMBERED) -> None:
        self.lookup = lookup
        self.limit = limit
        self._accounts: dict[tuple[str, str], None] = {}
        self._authors: dict[tuple[str, str], str] = {}

    def saw(self, events: Iterable[Event | Reject]) -> None:
        accounts, authors, limit = self._accounts, self._authors, self.limit
        for e in events:
            kind = type(e)
            if kind is PostCreated:
                authors[(e.platform, e.post_id)] = e.actor  # type: ignore[union-attr]
                if len(authors) > limit:
                    del authors[next(iter(authors))]
            elif kind is AccountCreated or kind is ProfileChanged:
                accounts[(e.platform, e.actor)] = None  # type: ignore[union-attr]
                if len(accounts) > limit:
                    del accounts[next(iter(accounts))]

    def post_author(self, platform: str, post_id: str) -> str | None:
        found = self._authors.get((platform, post_id))
        if found is None and self.lookup is not None:
            found = self.lookup.post_author(platform, post_id)
        return found

    def has_account(self, platform: str, account_id: str) -> bool:
        if (platform, account_id) in self._accounts:
            return True
        return self.lookup is not None and self.lookup.account(platform, account_id) is not None


class AutoDetect(Adapter):
    """Sniffs each record; one instance per source, sharing a :class:`RunMemory` across a run."""

    # No ``name``: not a format of its own, so it is not registered.

    def __init__(self, memory: RunMemory | None = None) -> None:
        self.memory = memory if memory is not None else RunMemory()
        self._used: list[Adapter] = []  # most recent first
        #: Records parsed per format name, for the run summary.
        self.formats: Counter[str] = Counter()

    def _make(self, cls: type[Adapter]) -> Adapter:
        from cauterize.ingest.twitter_compliance import TwitterCompliance
        from cauterize.ingest.twitter_v2 import PLATFORM

        if cls is TwitterCompliance:
            memory = self.memory
            return TwitterCompliance(
                tweet_authors=lambda post_id: memory.post_author(PLATFORM, post_id),
                known_account=lambda account_id: memory.has_account(PLATFORM, account_id),
            )
        return cls()

    def _sniffed(self, data: bytes, refused_by: Adapter | None = None) -> Adapter:
        cls = sniff_class(data)
        if refused_by is not None and type(refused_by) is cls:
            raise RecordError("same format")  # replaced by the first refusal's reason below
        for adapter in self._used:
            if type(adapter) is cls:
                break
        else:
            adapter = self._make(cls)
        if adapter in self._used:
            self._used.remove(adapter)
        self._used.insert(0, adapter)
        return adapter

    def parse(self, data: bytes) -> Iterable[Event | Reject]:
        adapter = next((a for a in self._used if a.quick_check(data)), None)
        if adapter is None:
            try:
                adapter = self._sniffed(data)
            except RecordError:
                if not self._used:
                    raise
                # Not any format: the file's own format names what is wrong with the record.
                adapter = self._used[0]
            items = list(adapter.parse(data))
        else:
            try:
                items = list(adapter.parse(data))
            except RecordError as refusal:
                try:
                    other = self._sniffed(data, refused_by=adapter)
                except RecordError:
                    raise refusal from None
                items = list(other.parse(data))
                adapter = other
        if self._used[0] is not adapter:
            self._used.remove(adapter)
            self._used.insert(0, adapter)
        self.formats[adapter.name] += 1
        self.memory.saw(items)
        return items
