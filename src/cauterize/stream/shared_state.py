"""State every worker must see, broadcast through the database.

Partitioning by account keeps an account's own events on one worker, but the ban-evasion
registry is global by nature: a replacement account arriving on partition 3 must be matched
against a parent suspended on partition 1, and a suspension must re-score recent accounts on
every partition. So each worker feeds its stateful detectors (those with ``history_kinds``)
the events the *other* workers stored, read back from the events table by id.

Why the database and not a compacted topic: the store already holds every event, once, after
its batch committed; a second copy in a topic would add a write per event and a second
source of truth to keep consistent. The price is a read of other workers' events per batch
(an indexed range scan by id), which grows with the number of workers; docs/architecture.md
says where that stops paying.

PostgreSQL hands out ids when a row is inserted, not when it commits, so a batch that
commits late can show rows below ids already read. Ids skipped in a read are kept as
*holes* and looked up again at the next catch-up, until ``hole_seconds`` pass (a gap that
never fills: a rolled-back batch or a conflicting insert used the id).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func, or_, select

from cauterize.detectors.base import Context, Detector
from cauterize.events import decode_event
from cauterize.store import schema as s
from cauterize.store.store import Store

#: Ids a catch-up looks for again at most (oldest dropped first).
_MAX_HOLES = 100_000
#: Ids below the newest visible at start-up that may still be committing.
_START_WINDOW = 200_000


class SharedState:
    """Feeds other workers' stored events into this worker's stateful detectors."""

    def __init__(
        self,
        store: Store,
        detectors: Sequence[Detector],
        ctx: Context,
        kinds: Iterable[str] | None = None,
        hole_seconds: float = 30.0,
    ) -> None:
        self.store = store
        self.stateful = [d for d in detectors if d.history_kinds]
        wanted = frozenset().union(*(d.history_kinds for d in self.stateful)) if self.stateful else frozenset()
        self.kinds = frozenset(kinds) & wanted if kinds is not None else wanted
        self.ctx = ctx
        self.hole_seconds = hole_seconds
        #: Runs this worker wrote: their events went through its detectors already.
        self.own_runs: set[int] = set()
        self.watermark = 0
        self.holes: dict[int, float] = {}
        self.fed = 0

    def _feed(self, payload: bytes) -> None:
        event = decode_event(payload)
        for d in self.stateful:
            if event.kind in d.history_kinds:
                d.warm_up(event, self.ctx)
        self.fed += 1

    def warm_up(self) -> int:
        """Rebuild the detectors' state from every stored event (a restart continues from the
        database, not from the topic's start); returns the number of events replayed."""
        e = s.events
        with self.store.engine.connect() as conn:
            newest = conn.execute(select(func.max(e.c.id))).scalar() or 0
            self.watermark = newest
            if newest:
                # Ids just below the newest may belong to batches still committing.
                present = {r[0] for r in conn.execute(select(e.c.id).where(e.c.id > max(newest - _START_WINDOW, 0)))}
                now = time.monotonic()
                self.holes = {i: now for i in range(max(newest - _START_WINDOW, 0) + 1, newest) if i not in present}
            if not self.kinds:
                return 0
            q = (
                select(e.c.payload)
                .where(e.c.kind.in_(sorted(self.kinds)), e.c.id <= newest)
                .order_by(e.c.event_time, e.c.id)
            )
            for (payload,) in conn.execution_options(yield_per=5000).execute(q):
                self._feed(payload)
        return self.fed

    def catch_up(self) -> int:
        """Feed the events other workers committed since the last call; returns how many."""
        if not self.kinds:
            return 0
        e = s.events
        now = time.monotonic()
        for i in [i for i, t in self.holes.items() if now - t > self.hole_seconds]:
            del self.holes[i]
        cond = e.c.id > self.watermark
        if len(self.holes) > 1000:
            # A long list of ids costs more to send than the range costs to scan.
            cond = or_(cond, e.c.id.between(min(self.holes), max(self.holes)))
        elif self.holes:
            cond = or_(cond, e.c.id.in_(list(self.holes)))
        q = select(e.c.id, e.c.run_id, e.c.kind, e.c.payload).where(cond).order_by(e.c.event_time, e.c.id)
        fed = 0
        seen: list[int] = []
        with self.store.engine.connect() as conn:
            for row_id, run_id, kind, payload in conn.execution_options(yield_per=5000).execute(q):
                if row_id <= self.watermark and self.holes.pop(row_id, None) is None:
                    continue  # read before, found again by the range of the holes
                seen.append(row_id)
                if run_id in self.own_runs or kind not in self.kinds:
                    continue
                self._feed(payload)
                fed += 1
        newest = max(seen, default=self.watermark)
        if newest > self.watermark:
            visible = set(seen)
            for i in range(self.watermark + 1, newest):
                if i not in visible:
                    self.holes[i] = now
            self.watermark = newest
        while len(self.holes) > _MAX_HOLES:
            del self.holes[next(iter(self.holes))]
        return fed

    def stats(self) -> dict[str, Any]:
        return {"fed": self.fed, "watermark": self.watermark, "holes": len(self.holes)}
