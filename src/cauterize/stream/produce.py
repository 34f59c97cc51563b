"""Feed records into the input topic, each keyed by its account (tests, benchmarks, replays)."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from cauterize.ingest.base import Adapter
from cauterize.stream.client import kafka
from cauterize.stream.keys import record_key


def produce_records(
    producer_conf: dict[str, Any],
    topic: str,
    records: Iterable[bytes],
    adapter: Adapter | None = None,
    *,
    rate: float | None = None,
) -> int:
    """Send each record (one line or document) to ``topic`` keyed by its account; ``rate``
    caps records per second (paced in steps of 10 ms). Returns the number sent."""
    producer = kafka().Producer(producer_conf)
    sent = 0
    start = time.monotonic()
    for data in records:
        if rate:
            ahead = sent / rate - (time.monotonic() - start)
            if ahead > 0.01:
                time.sleep(ahead)
        key = record_key(data, adapter)
        while True:
            try:
                producer.produce(topic, value=data, key=key)
                break
            except BufferError:
                producer.poll(0.05)
        sent += 1
        if sent % 1000 == 0:
            producer.poll(0)
    left = producer.flush(120)
    if left:
        raise RuntimeError(f"{left} record(s) not acknowledged by the broker")
    return sent
