"""Kafka client settings, topic names and topic creation (confluent-kafka, imported lazily)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class KafkaMissing(RuntimeError):
    """confluent-kafka is not installed."""


def kafka() -> Any:
    """The confluent_kafka module, or a clear error naming the extra that brings it."""
    try:
        import confluent_kafka
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise KafkaMissing("the Kafka worker needs confluent-kafka: pip install 'cauterize[kafka]'") from exc
    return confluent_kafka


@dataclass(frozen=True)
class Topics:
    """The four topics a worker reads and writes, named from one prefix unless given."""

    input: str
    decisions: str
    dead_letters: str
    enforcement: str

    @classmethod
    def named(cls, prefix: str = "cauterize", input_topic: str | None = None) -> Topics:
        return cls(
            input=input_topic or f"{prefix}.events",
            decisions=f"{prefix}.decisions",
            dead_letters=f"{prefix}.dead-letters",
            enforcement=f"{prefix}.enforcement",
        )


def consumer_config(brokers: str, group: str, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Settings for the input consumer.

    Offsets are committed by hand, and only after the store has committed the batch they
    cover: auto-commit would mark records read that a crash then loses. ``earliest``: a new
    group starts from the topic's beginning, not from whatever arrives next. Six seconds of
    session timeout lets the group move a dead worker's partitions quickly (Kafka's default
    of 45 s is meant for fleets where a missed heartbeat is more often a GC pause).
    """
    return {
        "bootstrap.servers": brokers,
        "group.id": group,
        "enable.auto.commit": False,
        "enable.auto.offset.store": False,
        "auto.offset.reset": "earliest",
        "session.timeout.ms": 6000,
        "heartbeat.interval.ms": 1000,
        # A batch of 50,000 events with the ban-evasion detector takes seconds, not minutes;
        # past this the group gives the partitions to another worker.
        "max.poll.interval.ms": 300_000,
        "partition.assignment.strategy": "range",
        # Small fetches per partition keep a worker's partitions close in event time: with 1 MB
        # (the default) a batch held 5,000 records of one partition, hours of event time ahead
        # of the others, and the ban-evasion engine's clock jumped with it (new accounts on the
        # lagging partitions then looked old). Measured in docs/benchmarks.md.
        "max.partition.fetch.bytes": 65536,
        **(extra or {}),
    }


def producer_config(brokers: str, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Settings for the producer of decisions, dead letters and enforcement (and test input).

    ``acks=all``: a decision is out only once every in-sync replica has it. Messages are keyed
    by decision (or record) id, so a batch sent again after a crash is recognisable downstream
    and collapses on a compacted topic.
    """
    return {
        "bootstrap.servers": brokers,
        "acks": "all",
        "linger.ms": 20,
        "compression.type": "lz4",
        **(extra or {}),
    }


def ensure_topics(brokers: str, topics: Topics, partitions: int, extra: Mapping[str, Any] | None = None) -> None:
    """Create the topics that do not exist yet (input with ``partitions``; outputs likewise).

    The decisions and dead-letter topics are keyed by id and compacted where the broker
    supports it: a redelivered batch's second copy replaces the first instead of piling up.
    """
    kafka()
    import confluent_kafka.admin as admin_mod

    admin = admin_mod.AdminClient({"bootstrap.servers": brokers, **(extra or {})})
    existing = set(admin.list_topics(timeout=10).topics)
    wanted = []
    for name, compact in (
        (topics.input, False),
        (topics.decisions, True),
        (topics.dead_letters, False),
        (topics.enforcement, True),
    ):
        if name in existing:
            continue
        config = {"cleanup.policy": "compact"} if compact else {}
        wanted.append(admin_mod.NewTopic(name, num_partitions=partitions, replication_factor=1, config=config))
    if not wanted:
        return
    for name, future in admin.create_topics(wanted).items():
        try:
            future.result(15)
        except Exception as exc:  # another worker created it first
            if "TOPIC_ALREADY_EXISTS" not in str(exc) and "already exists" not in str(exc):
                raise RuntimeError(f"could not create topic {name}: {exc}") from exc


def parse_options(pairs: list[str] | None) -> dict[str, str]:
    """``-X key=value`` pairs (librdkafka settings: TLS, SASL, timeouts) as a dict."""
    out: dict[str, str] = {}
    for pair in pairs or ():
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ValueError(f"expected KEY=VALUE, got {pair!r}")
        out[key.strip()] = value
    return out
