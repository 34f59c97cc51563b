"""AT Protocol firehose: ``com.atproto.sync.subscribeRepos`` from a PDS or a relay.

Each frame is decoded (DAG-CBOR header and body; a commit's records from its CAR blocks) and
handed on as the Jetstream JSON line it amounts to, which :mod:`cauterize.ingest.jetstream` reads:
one line per record operation of a ``#commit``, and ``#identity`` and ``#account`` as they are.
So the firehose and Jetstream give the same events, with the same ids. ``time_us`` is the
frame's ``time`` (when the PDS sequenced the event). ``#account`` with ``active: false`` and
``status: takendown`` is the platform's enforcement, as fast as the PDS emits it.

The cursor is the frame's ``seq``, kept in a :class:`~cauterize.live.cursor.CursorFile` and sent
as ``?cursor=`` on every reconnect. The socket has a receive timeout (``read_timeout``): a quiet
local PDS sends nothing for long spells, and a silent dead connection is found that way; the
reconnect resumes from the cursor, so nothing is lost either way. Needs the ``live`` extra.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from cauterize.live.cursor import CursorFile
from cauterize.live.health import Health
from cauterize.live.source import Disconnected, Fatal, websocket_messages


def _json_safe(value: Any) -> Any:
    """A decoded DAG-CBOR value as atproto's JSON form: CID links as ``{"$link"}``, bytes as ``{"$bytes"}``."""
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    if isinstance(value, bytes | bytearray):
        if _is_cid(value):
            return {"$link": _cid_str(value)}
        return {"$bytes": base64.b64encode(bytes(value)).decode().rstrip("=")}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return {"$link": str(value)}  # a CID object


def _is_cid(value: bytes | bytearray) -> bool:
    """A binary CIDv1 with a SHA-256 multihash (how libipld 3 hands over a DAG-CBOR link): version 1,
    codec dag-cbor (0x71) or raw (0x55), hash 0x12 of 32 bytes. atproto records hold no other bytes
    of that exact shape, so the test is safe for them."""
    return len(value) == 36 and value[0] == 1 and value[1] in (0x71, 0x55) and value[2:4] == b"\x12\x20"


def _cid_str(value: Any) -> str:
    if isinstance(value, bytes | bytearray):
        import libipld

        return str(libipld.encode_cid(bytes(value)))
    return str(value)


def _time_us(iso: str) -> int:
    t = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    return int(t.timestamp() * 1_000_000)


def jetstream_lines(header: dict[str, Any], body: dict[str, Any]) -> list[dict[str, Any]]:
    """The Jetstream events one decoded subscribeRepos frame amounts to (pure)."""
    t = header.get("t")
    if t == "#commit":
        from atproto import CAR

        blocks = CAR.from_bytes(body["blocks"]).blocks if body.get("blocks") else {}
        out = []
        for op in body.get("ops") or []:
            collection, _, rkey = str(op.get("path", "")).partition("/")
            action = op.get("action")
            commit: dict[str, Any] = {
                "rev": body.get("rev"),
                "operation": action,
                "collection": collection,
                "rkey": rkey,
            }
            if action in ("create", "update") and op.get("cid") is not None:
                cid = _cid_str(op["cid"])
                record = blocks.get(cid)
                if record is None:
                    continue  # a commit without the record's block (a "tooBig" commit): nothing to read
                commit["record"] = _json_safe(record)
                commit["cid"] = cid
            out.append({"did": body["repo"], "time_us": _time_us(body["time"]), "kind": "commit", "commit": commit})
        return out
    if t in ("#identity", "#account"):
        kind = t[1:]
        payload = {k: _json_safe(v) for k, v in body.items()}
        return [{"did": body["did"], "time_us": _time_us(body["time"]), "kind": kind, kind: payload}]
    return []  # #sync, #info and kinds this reader does not know carry nothing to act on


def decode_frame(data: bytes) -> tuple[dict[str, Any], Any]:
    """Split a binary frame into its two DAG-CBOR objects (header, body)."""
    import libipld

    parts = libipld.decode_dag_cbor_multi(data)
    if len(parts) != 2 or not isinstance(parts[0], dict):
        raise Disconnected(f"a frame of {len(parts)} objects, not a header and a body")
    return parts[0], parts[1]


class Firehose:
    """``url`` is the service's ``ws(s)://host[:port]``; the XRPC path is added."""

    SCHEME = "bluesky"
    FORMAT = "jetstream"

    @classmethod
    def from_spec(cls, address: str, options: dict[str, str], data_dir: Path) -> Firehose:
        cursor = options.get("cursor_file")
        cursor_path = Path(cursor) if cursor else data_dir / "live" / "firehose.cursor"
        return cls(
            address, cursor_path, float(options.get("read_timeout", 30.0)), float(options.get("cursor_lag", 10.0))
        )

    def __init__(self, url: str, cursor_file: Path | None = None, read_timeout: float = 30.0, cursor_lag: float = 10.0):
        if not url.startswith(("ws://", "wss://")):
            raise Fatal(f"a firehose URL is ws:// or wss://: {url!r}")
        self.base = url.rstrip("/")
        if not self.base.endswith("/xrpc/com.atproto.sync.subscribeRepos"):
            self.base += "/xrpc/com.atproto.sync.subscribeRepos"
        self.cursor = CursorFile(cursor_file, cursor_lag)
        self.seq: str | None = self.cursor.load()
        self.read_timeout = read_timeout
        self.name = f"bluesky:{url}"

    def session(self, health: Health) -> Iterator[bytes]:
        url = self.base + (("?" + urlencode({"cursor": self.seq})) if self.seq else "")
        for data in websocket_messages(url, self.read_timeout, 8 << 20, health):
            if isinstance(data, str):
                continue
            try:
                header, body = decode_frame(data)
                lines = jetstream_lines(header, body) if header.get("op") != -1 else []
            except Exception as exc:  # one bad frame: dead-lettered whole, the stream goes on
                health.errors += 1
                health.last_error = f"undecodable frame: {type(exc).__name__}: {exc}"[:500]
                yield json.dumps(
                    {
                        "undecodable_firehose_frame": base64.b64encode(data[: 1 << 20]).decode(),
                        "error": f"{type(exc).__name__}: {exc}"[:500],
                        "after_seq": self.seq,
                    }
                ).encode()
                continue
            if header.get("op") == -1:
                error = body.get("error") if isinstance(body, dict) else body
                if error in ("FutureCursor", "ConsumerTooSlow"):
                    self.seq = None if error == "FutureCursor" else self.seq
                raise Disconnected(f"error frame: {error}: {body.get('message') if isinstance(body, dict) else ''}")
            seq = body.get("seq") if isinstance(body, dict) else None
            for line in lines:
                health.saw(datetime.fromtimestamp(line["time_us"] / 1e6, UTC), str(seq))
                yield json.dumps(line, separators=(",", ":")).encode()
            if seq is not None:
                self.seq = str(seq)
                self.cursor.advance(self.seq)
