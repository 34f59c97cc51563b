"""``cauterize worker``: consume a Kafka topic with the ingest pipeline; ``cauterize produce``: feed one.

Several workers with one ``--group`` share the input topic's partitions; see docs/deployment.md.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Annotated

import typer

from cauterize.cli.common import ConfigOption, err_console, get_config, untrusted
from cauterize.config import describe

BrokersOption = Annotated[str, typer.Option("--brokers", "-b", help="Bootstrap servers, host:port[,host:port].")]
PrefixOption = Annotated[
    str,
    typer.Option(
        "--topic-prefix", help="Topics are PREFIX.events, PREFIX.decisions, PREFIX.dead-letters, PREFIX.enforcement."
    ),
]
KafkaOption = Annotated[
    list[str] | None,
    typer.Option("-X", "--kafka", help="librdkafka setting KEY=VALUE (TLS, SASL, ...), repeatable."),
]


def worker(
    brokers: BrokersOption,
    group: Annotated[str, typer.Option("--group", "-g", help="Consumer group: workers of one group share the input.")],
    config: ConfigOption = None,
    topic_prefix: PrefixOption = "cauterize",
    input_topic: Annotated[
        str | None, typer.Option("--input-topic", help="Read this topic instead of PREFIX.events.")
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="Input format: auto, jsonl (canonical events) or an adapter.")
    ] = "auto",
    max_batch: Annotated[int, typer.Option("--max-batch", help="Records per store transaction at most.")] = 5000,
    create_topics: Annotated[
        int, typer.Option("--create-topics", help="Create missing topics with this many partitions (0: don't).")
    ] = 0,
    shared_kinds: Annotated[
        str | None,
        typer.Option(
            "--shared-kinds",
            help="Event kinds read back from other workers for the stateful detectors (comma-separated; "
            "default: all they take). E.g. enforcement,account_created,profile_changed.",
        ),
    ] = None,
    idle_exit: Annotated[
        float | None, typer.Option("--idle-exit", help="Stop after this many seconds without input (batch jobs).")
    ] = None,
    stats: Annotated[Path | None, typer.Option("--stats", help="Write the worker's counters here (JSON).")] = None,
    ordered: Annotated[
        str,
        typer.Option(
            "--ordered",
            help="Order-sensitive detectors (comma-separated) that partitioned workers leave to the one "
            "ordered stage; '' runs every detector in the workers (ban evasion then depends on partition order).",
        ),
    ] = "evasion",
    ordered_stage: Annotated[
        bool,
        typer.Option(
            "--ordered-stage",
            help="Run the ordered stage instead of a partitioned worker: the --ordered detectors on every "
            "partition's stored events in event-time order (run exactly one per group).",
        ),
    ] = False,
    kafka_option: KafkaOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only warnings.")] = False,
) -> None:
    """Consume raw records or canonical events from Kafka: the same adapters, detectors and policy as
    `ingest`, offsets committed only after the store commit, decisions out to Kafka."""
    from cauterize.app import build_pipeline
    from cauterize.store.copy_writer import CopyStore
    from cauterize.stream.client import KafkaMissing, Topics, consumer_config, ensure_topics, parse_options
    from cauterize.stream.ordered import without
    from cauterize.stream.worker import Worker

    logging.basicConfig(level=logging.WARNING if quiet else logging.INFO, format="%(asctime)s %(name)s %(message)s")
    cfg = get_config(config)
    if not quiet:
        err_console.print(untrusted(describe(cfg)), soft_wrap=True)
    try:
        extra = parse_options(kafka_option)
        topics = Topics.named(topic_prefix, input_topic)
        if create_topics:
            ensure_topics(brokers, topics, create_topics, extra)
        from cauterize.stream.client import producer_config

        cfg.data_dir.mkdir(parents=True, exist_ok=True)
        names = [n.strip() for n in ordered.split(",") if n.strip()]
        if ordered_stage:
            _run_stage(cfg, brokers, group, topics, fmt, extra, names, idle_exit, stats)
            return
        cfg.detectors = without(cfg.detectors, names)
        store = CopyStore.open(cfg.store_url)
        pipeline = build_pipeline(cfg, store)
        w = Worker(
            pipeline,
            store,
            consumer_config(brokers, group, extra),
            producer_config(brokers, extra),
            topics,
            fmt,
            max_batch=max_batch,
            shared_kinds=shared_kinds.split(",") if shared_kinds else None,
        )
    except (KafkaMissing, ValueError, RuntimeError) as exc:
        err_console.print(untrusted(str(exc)))
        raise typer.Exit(2) from None
    result = w.run(idle_exit=idle_exit, stats_path=stats)
    store.close()
    if not quiet:
        print(json.dumps(result.as_dict()))


def _run_stage(cfg, brokers, group, topics, fmt, extra, names, idle_exit, stats) -> None:  # type: ignore[no-untyped-def]
    from cauterize.app import build_pipeline
    from cauterize.store.store import Store
    from cauterize.stream.ordered import OrderedStage, only

    if not names:
        raise ValueError("--ordered-stage needs at least one detector in --ordered")
    cfg.detectors = only(cfg.detectors, names)
    store = Store.open(cfg.store_url)
    pipeline = build_pipeline(cfg, store)
    stage = OrderedStage(
        store,
        pipeline.detectors,
        pipeline.policy,
        pipeline.ctx,
        {"bootstrap.servers": brokers, **extra},
        group,
        topics,
        fmt,
        reorder_window=cfg.reorder_window,
    )
    result = stage.run(idle_exit=idle_exit)
    store.close()
    if stats is not None:
        stats.write_text(json.dumps(result.as_dict()))


def produce(
    files: Annotated[list[Path], typer.Argument(help="Files of records (lines; .gz read too).")],
    brokers: BrokersOption,
    topic_prefix: PrefixOption = "cauterize",
    topic: Annotated[str | None, typer.Option("--topic", help="Send here instead of PREFIX.events.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="Format used to find each record's account.")] = "jsonl",
    rate: Annotated[float | None, typer.Option("--rate", help="Records per second at most.")] = None,
    create_topics: Annotated[
        int, typer.Option("--create-topics", help="Create missing topics with this many partitions (0: don't).")
    ] = 0,
    kafka_option: KafkaOption = None,
) -> None:
    """Send records to the input topic, each keyed by its account (one account, one partition)."""
    from cauterize.ingest.registry import get_adapter
    from cauterize.ingest.sources import FileSource
    from cauterize.stream.client import KafkaMissing, Topics, ensure_topics, parse_options, producer_config
    from cauterize.stream.produce import produce_records

    try:
        extra = parse_options(kafka_option)
        topics = Topics.named(topic_prefix, topic)
        if create_topics:
            ensure_topics(brokers, topics, create_topics, extra)
        adapter = None if fmt == "auto" else get_adapter(fmt)
        records = (r.data for f in files for r in FileSource(f).records() if r.error is None)
        n = produce_records(producer_config(brokers, extra), topics.input, records, adapter, rate=rate)
    except (KafkaMissing, ValueError, RuntimeError) as exc:
        err_console.print(untrusted(str(exc)))
        raise typer.Exit(2) from None
    print(json.dumps({"sent": n, "topic": topics.input}))


def register(app: typer.Typer) -> None:
    app.command("worker")(worker)
    app.command("produce")(produce)
