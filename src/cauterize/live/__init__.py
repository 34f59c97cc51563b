"""Live connectors: read a platform's own stream and act through its own moderation API.

Connectors here only move bytes: each turns a platform's live feed into records in a format an
adapter in ``cauterize.ingest`` already reads (Mastodon streaming messages, Jetstream lines,
Twitter v2 pages), and each sink turns a review action into the platform's API call. Nothing in
this package scores or decides; see docs/connectors.md.
"""
