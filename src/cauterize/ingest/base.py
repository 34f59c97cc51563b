"""What an adapter is: something that turns the bytes of one input record into canonical events.

Adapters know one input format and nothing else: not the store, not the detectors. A record
is one line of a JSON Lines file (or a whole JSON document). An adapter:

* raises :class:`RecordError` when the whole record is unusable (the pipeline dead-letters it);
* yields :class:`Reject` for one bad item inside an otherwise good record (e.g. one tweet of a
  page of 100 without an author), so the good items around it are kept;
* yields events for everything else.

Any other exception escaping an adapter is a bug in the adapter; the pipeline still catches it,
dead-letters the record with the exception named, and goes on.

Adding a format means adding a module to ``cauterize.ingest`` that defines an ``Adapter``
subclass (or exposing one through the ``cauterize.adapters`` entry point group).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from cauterize.events import Event


class RecordError(ValueError):
    """The record cannot be turned into events; ``str(err)`` is the dead-letter reason."""


class NotYetKnown(RecordError):
    """The record needs something other records state (e.g. whether an id is an account or a post).

    When a run merges several inputs by time it reads each a record ahead, so such a record is
    tried again once the run has read every input up to ``time``; only then is it dead-lettered.
    """

    def __init__(self, reason: str, time: datetime) -> None:
        super().__init__(reason)
        self.time = time


@dataclass(frozen=True, slots=True)
class Reject:
    """One item of a record that could not be used, with where it sits in the record."""

    reason: str
    where: str = ""
    raw: bytes | None = None


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One unit of input and where it came from (for the dead-letter table and error messages)."""

    source: str
    position: int  # 1-based line number, or 1 for a whole-document file
    data: bytes
    #: Set by the source when the record could not even be read whole (e.g. over the size limit).
    error: str | None = None
    #: Not a record: a live source's heartbeat while no input comes, so that the pipeline can
    #: release held events and flush on time during a quiet spell.
    tick: bool = False


class Adapter:
    """Base class of input adapters. Subclasses set ``name`` and implement ``parse``."""

    #: The ``--format`` value, e.g. ``twitter-v2``.
    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    #: Higher runs first when sniffing; keep generic formats low.
    sniff_priority: ClassVar[int] = 0

    registry: ClassVar[dict[str, type[Adapter]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "parse" in cls.__dict__:
            cls.parse = _guarded(cls.__dict__["parse"])  # type: ignore[method-assign]
        if cls.name:
            Adapter.registry[cls.name] = cls

    @classmethod
    def sniff(cls, obj: Any) -> bool:
        """Whether a decoded JSON value (the first record of an input) is in this format."""
        return False

    @classmethod
    def quick_check(cls, data: bytes) -> bool:
        """Whether a record may be in this format, from its bytes alone, without decoding it.

        Used when a file mixes formats line by line (``--format auto``): the last format used
        keeps a record that passes this check, and a record it refuses with a ``RecordError`` is
        sniffed again. So a check only has to turn away what this format would otherwise
        misread without an error (e.g. a compliance event looks like a Twitter page).
        """
        return True

    def parse(self, data: bytes) -> Iterable[Event | Reject]:
        raise NotImplementedError


def _guarded(
    parse: Callable[[Any, bytes], Iterable[Event | Reject]],
) -> Callable[[Any, bytes], Iterator[Event | Reject]]:
    """Hold every adapter to its contract whatever the input: a record nested past the decoder's
    recursion limit (hostile input: ``[[[[...``), or one describing an event the event model
    refuses (a negative count, a 40-character language tag), is a ``RecordError`` naming why."""

    @functools.wraps(parse)
    def wrapper(self: Any, data: bytes) -> Iterator[Event | Reject]:
        try:
            yield from parse(self, data)
        except RecordError:
            raise
        except RecursionError:
            raise RecordError("the record is nested too deeply to read") from None
        except ValueError as exc:  # an event the record describes is invalid (events.py checks)
            raise RecordError(f"invalid value in the record: {exc}") from None

    return wrapper


def require(obj: dict, key: str, where: str = "") -> Any:
    """Fetch a required field, failing with a reason that names it."""
    try:
        value = obj[key]
    except (KeyError, TypeError):
        raise RecordError(f"missing required field {where + key!r}") from None
    if value is None:
        raise RecordError(f"required field {where + key!r} is null")
    return value
