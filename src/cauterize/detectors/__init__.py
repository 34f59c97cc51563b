"""Detectors: one module each; see ``base.py`` for the interface."""
