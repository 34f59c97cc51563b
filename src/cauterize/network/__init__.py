"""Network mapping: the interaction graph, seed expansion, communities, roles, coordination, census.

Algorithms here are pure functions over arrays (``graph``, ``expansion``, ``communities``,
``roles``, ``coordination``, ``protect``, ``census``); reading and writing the store is in
``persist``, and rendering in ``page`` and ``plot``. See docs/network.md.
"""
