"""Live sources by scheme: every module of ``cauterize.live`` that defines a connector class with
``SCHEME`` (and ``FORMAT``, the adapter that reads its records) is found here; adding a platform
means adding a module.

A source is named on the command line as ``scheme:address[;key=value;...]``, e.g.
``bluesky:ws://127.0.0.1:2583;cursor_file=firehose.cursor`` or
``mastodon:https://mastodon.example;stream=hashtag;tag=example;token_env=MASTODON_TOKEN``.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from pathlib import Path
from typing import Any


def parse_spec(spec: str) -> tuple[str, str, dict[str, str]]:
    """``scheme:address;k=v;...`` -> (scheme, address, options)."""
    head, *opts = spec.split(";")
    scheme, sep, address = head.partition(":")
    if not sep or not scheme or not address or address.startswith("//"):
        # "ws://host" alone splits as kind "ws": the kind was left out
        raise ValueError(f"expected scheme:address[;key=value...] (e.g. bluesky:wss://host), got {spec!r}")
    options: dict[str, str] = {}
    for opt in opts:
        if not opt:
            continue
        key, eq, value = opt.partition("=")
        if not eq:
            raise ValueError(f"option {opt!r} in {spec!r} is not key=value")
        options[key.strip()] = value
    return scheme, address, options


@cache
def schemes() -> dict[str, Any]:
    import cauterize.live as pkg

    found: dict[str, Any] = {}
    for info in pkgutil.iter_modules(pkg.__path__):
        module = importlib.import_module(f"{pkg.__name__}.{info.name}")
        for value in vars(module).values():
            scheme = getattr(value, "SCHEME", None)
            if (
                isinstance(value, type)
                and isinstance(scheme, str)
                and getattr(value, "__module__", "") == module.__name__
            ):
                found[scheme] = value
    return dict(sorted(found.items()))


def build_connector(spec: str, data_dir: Path) -> tuple[Any, str]:
    """The connector a spec names and the input format of its records."""
    scheme, address, options = parse_spec(spec)
    cls = schemes().get(scheme)
    if cls is None:
        raise ValueError(f"unknown live source {scheme!r}; known: {', '.join(schemes())}")
    return cls.from_spec(address, options, data_dir), cls.FORMAT
