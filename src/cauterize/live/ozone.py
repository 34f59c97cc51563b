"""Act as an Ozone moderation service: ``tools.ozone.moderation.emitEvent`` through the PDS.

The sink logs in once (a moderator account on the PDS; each login costs about half a second) and
sends every call through the PDS with ``atproto-proxy: <ozone did>#atproto_labeler``. Actions:

* ``suspend`` -> ``#modEventTakedown`` on the account (``com.atproto.admin.defs#repoRef``). Ozone
  pushes it to the PDS, which takes the repo down and emits ``#account`` ``takendown`` on its
  firehose. Before it, with ``label_posts`` set, each of the account's posts gets a
  ``#modEventLabel`` with that label (the repo is unreadable once down).
* ``reinstate`` -> ``#modEventReverseTakedown`` (the appeal's reversal).
* ``remove_post`` / ``restore_post`` -> takedown / reversal on the post's ``strongRef``.
* ``restrict`` / ``unrestrict`` -> ``#modEventLabel`` adding / negating ``restrict_label`` on the account.

Every event's ``comment`` is the evidence (reason, rules, model versions, decisions, reviewer) and
the case's link; ``externalId`` is the action's idempotency key, so Ozone itself refuses a
redelivered duplicate, which counts as delivered. Needs the ``live`` extra (``atproto``).
"""

from __future__ import annotations

import os
import threading
from typing import Any

from cauterize.live.mastodon_admin import evidence_text
from cauterize.review.sinks.base import Sink, SinkError

D = "tools.ozone.moderation.defs"
#: Ozone's refusals that mean the platform is already in the state the action asks for: a
#: redelivery of an action that went through (the outbox is at-least-once) counts as delivered.
_ALREADY_DONE = ("already taken down", "is not taken down", "not taken down", "external id", "externalid")


class OzoneSink(Sink):
    kind = "ozone"

    def __init__(
        self,
        pds: str,
        ozone_did: str,
        identifier: str,
        password: str,
        case_url: str | None = None,
        label_posts: str | None = None,
        restrict_label: str = "!hide",
        name: str = "ozone",
    ):
        super().__init__(name)
        self.pds, self.ozone_did = pds.rstrip("/"), ozone_did
        self.identifier, self.password = identifier, password
        self.case_url, self.label_posts, self.restrict_label = case_url, label_posts, restrict_label
        self._client: Any = None
        self._mod: Any = None
        self._lock = threading.Lock()

    @classmethod
    def from_config(cls, raw: dict[str, Any], resolve: Any) -> OzoneSink:
        password = raw.get("password") or os.environ.get(str(raw.get("password_env", "OZONE_PASSWORD")), "")
        if not password:
            raise ValueError("ozone sink: set password_env to a variable holding the moderator's app password")
        return cls(
            str(raw["url"]),
            str(raw["ozone_did"]),
            str(raw["identifier"]),
            str(password),
            raw.get("case_url"),
            raw.get("label_posts"),
            str(raw.get("restrict_label", "!hide")),
            str(raw.get("name", "ozone")),
        )

    def prepare(self) -> None:
        """Log in now rather than on the first action (a login costs about half a second)."""
        with self._lock:
            self._login()

    def _login(self) -> Any:
        if self._mod is None:
            from atproto import Client

            client = Client(base_url=self.pds)
            client.login(self.identifier, self.password)
            self._client = client
            self._mod = client.with_proxy("atproto_labeler", self.ozone_did)
        return self._mod

    @staticmethod
    def _call(client: Any, kind: str, nsid: str, params: dict[str, Any] | None = None, data: Any = None) -> Any:
        """A raw XRPC call, the answer as a plain dict: atproto 0.0.73's typed models refuse some real
        answers (``get_repo`` on a labelled repo), and the raw call takes any lexicon."""
        from atproto_client.models.dot_dict import DotDict

        if kind == "query":
            res = client.invoke_query(nsid, params=DotDict(params) if params else None)
        else:
            res = client.invoke_procedure(nsid, data=DotDict(data), input_encoding="application/json")
        content = getattr(res, "content", res)
        return content if isinstance(content, dict) else {}

    def _emit(self, event: dict[str, Any], subject: dict[str, Any], external_id: str | None) -> dict[str, Any]:
        body: dict[str, Any] = {"event": event, "subject": subject, "createdBy": self._client.me.did}
        if external_id:
            body["externalId"] = external_id
        return self._call(self._mod, "procedure", "tools.ozone.moderation.emitEvent", data=body)

    def _posts_of(self, did: str) -> list[dict[str, str]]:
        out, cursor = [], None
        while True:
            params = {"repo": did, "collection": "app.bsky.feed.post", "limit": 100}
            if cursor:
                params["cursor"] = cursor
            res = self._call(self._client, "query", "com.atproto.repo.listRecords", params)
            for rec in res.get("records", []):
                out.append({"uri": rec["uri"], "cid": rec["cid"]})
            cursor = res.get("cursor")
            if not cursor or not res.get("records"):
                return out

    def _posts_if_readable(self, did: str) -> list[dict[str, str]]:
        """The account's posts, or none when its repo is already down (a redelivery after the
        takedown went through: the labels went with the first delivery)."""
        try:
            return self._posts_of(did)
        except Exception as exc:
            if "Could not find repo" in str(exc) or "RepoTakendown" in str(exc):
                return []
            raise

    def _post_ref(self, uri: str) -> dict[str, str]:
        parts = uri.removeprefix("at://").split("/")
        params = {"repo": parts[0], "collection": parts[1], "rkey": parts[2]}
        res = self._call(self._client, "query", "com.atproto.repo.getRecord", params)
        return {"$type": "com.atproto.repo.strongRef", "uri": res["uri"], "cid": res["cid"]}

    def send(self, payload: dict[str, Any]) -> None:
        action = str(payload.get("action"))
        did = str(payload.get("account_id", ""))
        if not did.startswith("did:"):
            raise SinkError(f"ozone acts on DIDs; {did!r} is not one (platform {payload.get('platform')!r})")
        comment = evidence_text(payload, self.case_url)
        key = str(payload.get("idempotency_key") or "") or None
        repo = {"$type": "com.atproto.admin.defs#repoRef", "did": did}
        try:
            with self._lock:
                self._login()
                if action == "suspend":
                    if self.label_posts:
                        for ref in self._posts_if_readable(did):
                            event = {
                                "$type": f"{D}#modEventLabel",
                                "comment": comment,
                                "createLabelVals": [self.label_posts],
                                "negateLabelVals": [],
                            }
                            self._emit(event, {"$type": "com.atproto.repo.strongRef", **ref}, None)
                    self._emit(
                        {"$type": f"{D}#modEventTakedown", "comment": comment, "acknowledgeAccountSubjects": True},
                        repo,
                        key,
                    )
                elif action == "reinstate":
                    self._emit({"$type": f"{D}#modEventReverseTakedown", "comment": comment}, repo, key)
                elif action in ("remove_post", "restore_post") and payload.get("post_id"):
                    ref = self._post_ref(str(payload["post_id"]))
                    kind = "modEventTakedown" if action == "remove_post" else "modEventReverseTakedown"
                    self._emit({"$type": f"{D}#{kind}", "comment": comment}, ref, key)
                elif action in ("restrict", "unrestrict"):
                    vals = [self.restrict_label]
                    event = {
                        "$type": f"{D}#modEventLabel",
                        "comment": comment,
                        "createLabelVals": vals if action == "restrict" else [],
                        "negateLabelVals": [] if action == "restrict" else vals,
                    }
                    self._emit(event, repo, key)
        except SinkError:
            raise
        except Exception as exc:  # network, auth, a refusal by Ozone: the outbox retries
            text = str(exc)
            if any(m in text.lower() for m in _ALREADY_DONE):
                return  # Ozone already has this action or its effect: delivered before

            if "Expired" in text or "Token" in text:
                self._mod = None  # log in again next time
            raise SinkError(f"ozone: {type(exc).__name__}: {text[:500]}") from exc
