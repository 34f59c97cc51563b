"""Backfill and retro-hunts: scoring archives of platform data on a distributed engine.

The archive is cut into partitions (byte ranges of plain JSON Lines files, whole gzip files,
Parquet row groups); each partition is parsed and scored by the *stateless* detectors (those
that keep no state across events) on the engine's workers, with the same adapters and the same
``Detector.detect`` the streaming pipeline calls. The *stateful* detectors (ban evasion, hashtag
storms, network proximity) need every event in event-time order, so they run once, in order,
on the driver; the policy then decides each event from all of its signals, exactly as the
pipeline does. See docs/architecture.md ("Backfill") for why the work is split this way.
"""
