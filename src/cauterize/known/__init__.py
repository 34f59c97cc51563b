"""Known material: hash banks of statements, images, video frames, files and links.

One module per signal type (``text_minhash``, ``pdq``, ``file_hash``, ``url``), each with a
fast index and a naive linear-scan index that must return the same matches: the naive one is
the reference the fast one is tested against. ``banks`` holds named banks of entries and
builds the indexes; ``io`` reads and writes banks in the formats other tools use.
"""

from cauterize.known.banks import Bank, BankEntry, BankSet, Match

__all__ = ["Bank", "BankEntry", "BankSet", "Match"]
