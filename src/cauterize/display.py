"""Making untrusted text safe to show: ingested handles, names, bios and posts are the attacker's.

Three things go wrong when a platform's text reaches a terminal or a page as it is: control
characters (ANSI escape sequences can rewrite the screen or the title bar), bidirectional
controls (a right-to-left override makes ``moc.elpmaxe`` read as ``example.com``), and markup
(Rich interprets ``[red]`` and crashes on ``[/x]``). ``visible`` replaces each such character by
a visible ``<U+XXXX>`` so a reviewer sees that it was there; the text itself is otherwise kept.
This module is a leaf: the CLI, the console and the exports all use it.
"""

from __future__ import annotations

import re

# C0 and C1 controls except tab and newline, DEL, bidi embeddings/overrides/isolates and marks,
# and the line/paragraph separators that break a table row.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def _mark(m: re.Match[str]) -> str:
    return f"<U+{ord(m.group(0)):04X}>"


def visible(text: str) -> str:
    """``text`` with every control and bidi-control character replaced by ``<U+XXXX>``."""
    return _UNSAFE.sub(_mark, text) if _UNSAFE.search(text) else text
