"""The review workspace: cases and queues built from decisions, actions sent to sinks, appeals,
escalation packages, shadow mode and back-tests, circuit breakers, users and the audit chain.

Every module here reads and writes its own tables (``store/schema_review.py``) through
``store.engine``; the detectors and the ingest path never import it.
"""
