"""Input adapters (one module per format) and sources; see ``base.py`` for the interface."""
