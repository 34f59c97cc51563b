"""HTTP: the ingest endpoint now; the review console joins it later."""
