"""Where a backfill's partition tasks run. One module per engine; each defines an ``Engine`` subclass."""
