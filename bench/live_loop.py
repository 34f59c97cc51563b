"""Closed-loop latency on a real local AT Protocol network (devnet/: PLC, PDS, AppView, Ozone).

    python bench/live_loop.py [--n 20] [--flush-seconds 0.5] [--json bench/out/live_loop.json]

Starts the network (needs node, `npm ci --prefix devnet`, PostgreSQL binaries and the `live`
extra) and cauterize's live loop on the PDS firehose, with an Ozone sink. Then, ``--n`` times each:

* **post -> decision**: a fresh account posts a watch-listed hashtag; time from the post call to
  cauterize's decision row, split at the moment the live loop's firehose reader hands the post's
  line to the pipeline (decode included before, scoring, batching and the SQLite commit after). Baseline: a bare firehose subscriber (websocket + frame decode, no
  pipeline), time from the same post call to its frame: what the platform itself costs.
* **click -> platform state**: a reviewer suspends the account's case (``actions.perform``, what
  the console calls); time until the PDS reports the repo ``takendown``, and until the PDS's
  ``#account`` event is back in cauterize's store. Baseline: a moderator's own Ozone takedown of
  another account through the same API (logged in already), time until the PDS reports it.

Nothing is tuned on these runs: the loop uses the flush bound the CLI defaults to (0.5 s).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, ClassVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select

from cauterize.config import Config
from cauterize.events import decode_event
from cauterize.live.firehose import Firehose, decode_frame
from cauterize.live.loop import LiveLoop
from cauterize.live.ozone import OzoneSink
from cauterize.live.source import LiveSource
from cauterize.review import actions, cases
from cauterize.review.actions import ActionRequest
from cauterize.review.auth import Principal
from cauterize.store import schema as s
from tests.live.devnet import dev_network, unavailable_reason
from tests.review.world import review_config


def poll(check: Any, timeout: float = 30.0, every: float = 0.01) -> float:
    t0 = time.monotonic()
    while not check():
        if time.monotonic() - t0 > timeout:
            raise TimeoutError("not within the timeout")
        time.sleep(every)
    return time.monotonic() - t0


class BareSubscriber:
    """The baseline: the firehose read by nothing but a websocket and the frame decoder."""

    def __init__(self, ws_url: str):
        from websockets.sync.client import connect

        self.seen: dict[str, float] = {}
        self._ws = connect(ws_url + "/xrpc/com.atproto.sync.subscribeRepos", proxy=None)
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        try:
            while True:
                header, body = decode_frame(self._ws.recv())
                if header.get("t") == "#commit":
                    for op in body.get("ops") or []:
                        self.seen.setdefault(f"at://{body['repo']}/{op['path']}", time.monotonic())
        except Exception:
            return


class TimedFirehose(Firehose):
    """The live loop's own firehose reader, noting when each record's line is handed to the pipeline."""

    handed: ClassVar[dict[str, float]] = {}

    def session(self, health: Any) -> Any:
        for data in super().session(health):
            line = json.loads(data)
            commit = line.get("commit") or {}
            if commit.get("rkey"):
                uri = f"at://{line['did']}/{commit['collection']}/{commit['rkey']}"
                self.handed.setdefault(uri, time.monotonic())
            yield data


def account(pds: str, handle: str) -> Any:
    from atproto import Client
    from atproto_client.exceptions import BadRequestError

    Client(base_url=pds).com.atproto.server.create_account(
        {"handle": handle, "email": f"{handle}@example.test", "password": "pw"}
    )
    c = Client(base_url=pds)
    for _ in range(200):
        try:
            c.login(handle, "pw")
            return c
        except BadRequestError:  # the AppView indexes a new account a moment later
            time.sleep(0.02)
    raise TimeoutError(handle)


def summary(xs: list[float]) -> dict[str, float]:
    xs = sorted(xs)
    return {
        "n": len(xs),
        "median_ms": round(statistics.median(xs) * 1000, 1),
        "p95_ms": round(xs[min(len(xs) - 1, int(0.95 * len(xs)))] * 1000, 1),
        "max_ms": round(xs[-1] * 1000, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20)
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--flush-seconds", type=float, default=0.5, help="the live loop's flush bound (CLI default 0.5)")
    args = ap.parse_args()
    reason = unavailable_reason()
    if reason:
        sys.exit(f"cannot run: {reason}")
    from atproto import client_utils

    tmp_dir = tempfile.TemporaryDirectory(prefix="cauterize-live-bench-")
    tmp = Path(tmp_dir.name)
    t_start = time.monotonic()
    with dev_network() as net:
        network_up = time.monotonic() - t_start
        pds = net["pds"]
        cfg = review_config(Config(data_dir=tmp / "data"))
        sink = {
            "kind": "ozone",
            "url": pds,
            "ozone_did": net["ozone_did"],
            "identifier": net["moderator"]["handle"],
            "password": net["moderator"]["password"],
            "case_url": "https://cauterize.example",
        }
        live = LiveLoop(
            cfg,
            [LiveSource(TimedFirehose(net["pds_ws"], tmp / "cursor"))],
            "jetstream",
            [sink],
            flush_seconds=args.flush_seconds,
        )
        threading.Thread(target=live.run, daemon=True).start()
        poll(lambda: live.sources[0].health.connected)
        bare = BareSubscriber(net["pds_ws"])
        moderator = OzoneSink(pds, net["ozone_did"], net["moderator"]["handle"], net["moderator"]["password"])
        moderator.prepare()
        reviewer = Principal("bench", "reviewer", "session")
        engine = live.store.engine
        d = s.decisions
        e = s.events

        def decided(did: str) -> bool:
            with engine.connect() as conn:
                return conn.execute(select(d.c.id).where(d.c.account_id == did)).first() is not None

        def enforced(did: str) -> bool:
            """A suspension of ``did`` is in the store (its creation's ``#account active`` is an
            ``unsuspend``, which does not count)."""
            with engine.connect() as conn:
                q = select(e.c.payload).where(e.c.actor == did, e.c.kind == "enforcement")
                return any(decode_event(r.payload).action == "suspend" for r in conn.execute(q))  # type: ignore[attr-defined]

        def status(did: str) -> str | None:
            from atproto import Client

            return Client(base_url=pds).com.atproto.sync.get_repo_status({"did": did}).status

        res: dict[str, list[float]] = {
            k: [] for k in ("bare", "decision", "handed", "pipeline", "pds", "store", "ozone_direct")
        }
        dids = []
        for i in range(args.n):
            user = account(pds, f"post{i}.test")
            dids.append(user.me.did)
            t0 = time.monotonic()
            post = user.send_post(client_utils.TextBuilder().text("bulletin ").tag("#AshenBanner", "AshenBanner"))
            poll(lambda did=user.me.did: decided(did))
            done = time.monotonic()
            res["decision"].append(done - t0)
            handed = TimedFirehose.handed[post.uri]
            res["handed"].append(handed - t0)
            res["pipeline"].append(done - handed)
            poll(lambda uri=post.uri: uri in bare.seen)
            res["bare"].append(bare.seen[post.uri] - t0)

        def case_of(did: str) -> dict[str, Any] | None:
            found = [c for c in cases.list_cases(engine, None, limit=1000) if c.get("root_account_id") == did]
            return found[0] if found else None

        for i, did in enumerate(dids):
            poll(lambda did=did: case_of(did) is not None)  # the loop opens cases every second
            case = case_of(did)
            assert case is not None
            t0 = time.monotonic()
            actions.perform(engine, reviewer, case["id"], ActionRequest("suspend", reason="bench"), live.review.sinks)
            poll(lambda did=did: status(did) == "takendown")
            res["pds"].append(time.monotonic() - t0)
            poll(lambda did=did: enforced(did))
            res["store"].append(time.monotonic() - t0)
            other = account(pds, f"direct{i}.test").me.did
            t0 = time.monotonic()
            moderator.send(
                {"action": "suspend", "account_id": other, "idempotency_key": f"direct-{i}", "reason": "bench"}
            )
            poll(lambda did=other: status(did) == "takendown")
            res["ozone_direct"].append(time.monotonic() - t0)
        live.stop()
        out = {
            "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "load_avg": os.getloadavg(),
            "flush_seconds": args.flush_seconds,
            "network_start_s": round(network_up, 2),
            "devnet_startup_ms": net.get("startup_ms"),
            "post_to_frame_bare_subscriber": summary(res["bare"]),
            "post_to_decision_cauterize": summary(res["decision"]),
            "  of which post_to_line_handed_to_pipeline": summary(res["handed"]),
            "  of which line_handed_to_decision_stored": summary(res["pipeline"]),
            "ozone_takedown_direct_to_pds": summary(res["ozone_direct"]),
            "reviewer_click_to_pds_takedown": summary(res["pds"]),
            "reviewer_click_to_account_event_in_store": summary(res["store"]),
        }
    tmp_dir.cleanup()
    print(json.dumps(out, indent=2))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
