"""Policies turn signals into decisions; see ``base.py``."""
