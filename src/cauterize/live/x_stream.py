"""X (Twitter) API v2 filtered stream, for a deployment with API access.

At the start of each session the stream's rules are made to match the configured ones (``GET
/2/tweets/search/stream/rules``, then one ``POST`` deleting the rules not wanted and one adding
the missing; a rule is its ``value`` and ``tag``). Then ``GET /2/tweets/search/stream`` with the
expansions and fields the twitter-v2 adapter reads; each non-blank line is one
``{"data", "includes", "matching_rules"}`` message (or an ``errors`` object, which the adapter
dead-letters). X sends a blank keep-alive line every 20 s: nothing for ``read_timeout`` (30 s)
means the connection is dead. Reconnects follow X's documented back-off (live/backoff.py): TCP
errors linear from 250 ms to 16 s, HTTP errors exponential from 5 s to 320 s, 429 exponential
from a minute. 401/403 stop the run: a bad token does not improve by retrying.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cauterize.live.health import Health
from cauterize.live.source import Disconnected, Fatal
from cauterize.live.sse import open_stream

#: What the twitter-v2 adapter needs to build accounts, posts, mentions and references.
STREAM_PARAMS = {
    "tweet.fields": "id,text,author_id,created_at,lang,entities,referenced_tweets,attachments,in_reply_to_user_id,"
    "conversation_id,withheld,edit_history_tweet_ids",
    "user.fields": "id,username,name,description,created_at,profile_image_url,protected,public_metrics,location,url,"
    "verified,withheld,entities,pinned_tweet_id",
    "expansions": "author_id,referenced_tweets.id,referenced_tweets.id.author_id,entities.mentions.username,"
    "attachments.media_keys,in_reply_to_user_id",
    "media.fields": "media_key,type,url,preview_image_url,variants",
}


def api(base: str, token: str, method: str, path: str, body: Any = None, timeout: float = 15.0) -> Any:
    """One JSON call to the X API; raises ``Disconnected`` (with the status) or ``Fatal`` for 401/403."""
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    if data is not None:
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            raw = resp.read()
    except urllib.error.HTTPError as exc:
        text = exc.read(500).decode("utf-8", "replace")
        if exc.code in (401, 403):
            raise Fatal(f"{method} {path}: HTTP {exc.code} {text}") from None
        raise Disconnected(f"{method} {path}: HTTP {exc.code} {text}", exc.code) from None
    except (urllib.error.URLError, OSError) as exc:
        raise Disconnected(f"{method} {path}: {exc}") from None
    return json.loads(raw) if raw.strip() else {}


class XFilteredStream:
    SCHEME = "x"
    FORMAT = "twitter-v2"

    def __init__(
        self,
        base: str = "https://api.x.com",
        token: str = "",
        rules: list[dict[str, str]] | None = None,
        read_timeout: float = 30.0,
    ):
        if not token:
            raise Fatal("the X filtered stream needs a bearer token")
        self.base, self.token = base.rstrip("/"), token
        self.rules = rules
        self.read_timeout = read_timeout
        self.name = f"x:{self.base}/2/tweets/search/stream"

    @classmethod
    def from_spec(cls, address: str, options: dict[str, str], data_dir: Path) -> XFilteredStream:
        token = options.get("token") or os.environ.get(options.get("token_env", "X_BEARER_TOKEN"), "")
        rules = None
        if options.get("rules_file"):
            rules = json.loads(Path(options["rules_file"]).read_text())
        return cls(address, token, rules)

    def sync_rules(self) -> dict[str, int]:
        """Make the stream's rules the configured ones; returns how many were added and deleted."""
        if self.rules is None:
            return {"added": 0, "deleted": 0}
        current = api(self.base, self.token, "GET", "/2/tweets/search/stream/rules").get("data") or []
        want = {(r["value"], r.get("tag")) for r in self.rules}
        have = {(r["value"], r.get("tag")): r["id"] for r in current}
        stale = [rid for key, rid in have.items() if key not in want]
        missing = [{"value": v, **({"tag": t} if t else {})} for v, t in sorted(want - set(have), key=str)]
        if stale:
            api(self.base, self.token, "POST", "/2/tweets/search/stream/rules", {"delete": {"ids": stale}})
        if missing:
            res = api(self.base, self.token, "POST", "/2/tweets/search/stream/rules", {"add": missing})
            if res.get("errors"):
                raise Fatal(f"X refused stream rules: {json.dumps(res['errors'])[:500]}")
        return {"added": len(missing), "deleted": len(stale)}

    def session(self, health: Health) -> Iterator[bytes]:
        self.sync_rules()
        url = f"{self.base}/2/tweets/search/stream?{urllib.parse.urlencode(STREAM_PARAMS)}"
        conn, resp = open_stream(url, {"Authorization": f"Bearer {self.token}"}, self.read_timeout)
        health.up()
        try:
            while True:
                try:
                    line = resp.readline(16 << 20)
                except TimeoutError:
                    raise Disconnected(f"no data or keep-alive for {self.read_timeout:.0f} s", idle=True) from None
                if not line:
                    raise Disconnected("X closed the stream")
                line = line.strip()
                if not line:
                    continue  # keep-alive
                health.saw()
                yield line
        finally:
            conn.close()
