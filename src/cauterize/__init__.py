"""cauterize: find violent-extremist accounts, act on them, and stop suspended accounts growing back."""

__version__ = "0.1.0"
