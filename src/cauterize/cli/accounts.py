"""``cauterize accounts show ID|@handle``: an account, its handle history, signals and decisions."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Annotated, Any

import typer
from rich.table import Table

from cauterize.cli.common import ConfigOption, console, err_console, get_config, untrusted

accounts_app = typer.Typer(help="Look at accounts.", no_args_is_help=True)


def _fmt_time(t) -> str:  # type: ignore[no-untyped-def]
    return t.strftime("%Y-%m-%d %H:%M:%SZ") if t else "-"


def _clip(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def why(evidence: Mapping[str, Any], post_text: str | None = None) -> str:
    """A signal's evidence as a reviewer reads it: the post that triggered it and what matched,
    or the parent account a ban-evasion link names and the lines of evidence behind it."""
    parts: list[str] = []
    if post_text:
        parts.append(f"post: “{_clip(post_text)}”")
    parent = evidence.get("parent_account_id")
    if parent:
        handles = ", ".join("@" + h for h in evidence.get("parent_handles", [])[:3])
        line = f"parent {parent}" + (f" ({handles})" if handles else "")
        if evidence.get("evidence_lines"):
            line += "; lines: " + ", ".join(evidence["evidence_lines"])
        if evidence.get("trigger"):
            line += f"; trigger: {evidence['trigger']}"
        late = evidence.get("found_late")
        if isinstance(late, dict) and late.get("minutes_after_appearance") is not None:
            line += f" (found when the suspension arrived, {late['minutes_after_appearance']} min after it appeared)"
        if evidence.get("review_only"):
            line += "; review only"
        parts.append(line)
    matches = evidence.get("matches")
    if isinstance(matches, list) and matches:
        terms = [str(m.get("term") or m.get("hashtag") or m.get("text") or m) for m in matches[:5]]
        parts.append("matched: " + ", ".join(terms))
    ngrams = evidence.get("top_ngrams")
    if isinstance(ngrams, list) and ngrams:
        parts.append("words: " + ", ".join(str(n.get("ngram")) for n in ngrams[:5]))
    for key in ("target_type", "candidates", "network_promoters"):
        if evidence.get(key):
            value = evidence[key]
            parts.append(f"{key}: {_clip(json.dumps(value, default=str), 100)}")
    if not parts:
        parts.append(_clip(json.dumps(evidence, default=str, ensure_ascii=False), 200))
    return "\n".join(parts)


def _record(store: Any, plat: str, account_id: str) -> dict[str, Any]:
    signals = store.signals_for(plat, account_id)
    texts = store.post_texts(plat, [s["post_id"] for s in signals if s.get("post_id")])
    return {
        "platform": plat,
        "account_id": account_id,
        "account": store.account(plat, account_id) or {},
        "handles": store.handle_history(plat, account_id),
        "enforcement": store.enforcements_for(plat, account_id),
        "signals": [{**s, "post_text": texts.get(s.get("post_id"))} for s in signals],
        "decisions": store.decisions_for(plat, account_id),
    }


@accounts_app.command("show")
def show(
    ref: Annotated[str, typer.Argument(help="Account id, or @handle (matches any account that ever used it).")],
    platform: Annotated[str | None, typer.Option(help="Only this platform.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per account, for scripts.")] = False,
    config: ConfigOption = None,
) -> None:
    """Show an account with its handle history, signals (with the post behind each) and decisions."""
    from cauterize.app import open_store

    store = open_store(get_config(config))
    matches = store.find_accounts(ref, platform)
    if not matches:
        err_console.print(untrusted(f"no account matches {ref!r}"))
        raise typer.Exit(1)
    for plat, account_id in matches:
        rec = _record(store, plat, account_id)
        if as_json:
            # Plain print: a JSON line for a pipe, never wrapped or styled by the terminal width.
            print(json.dumps(rec, default=str, ensure_ascii=False, sort_keys=True))
            continue
        _print(rec)


def _print(rec: dict[str, Any]) -> None:
    acct = rec["account"]
    head = Table(title=untrusted(f"{rec['platform']}:{rec['account_id']}"), show_header=False, title_justify="left")
    head.add_column(style="bold", no_wrap=True)
    head.add_column(overflow="fold")
    for key in (
        "handle",
        "display_name",
        "bio",
        "status",
        "protected",
        "followers_count",
        "created_at",
        "first_seen",
        "last_seen",
    ):
        value = acct.get(key)
        head.add_row(key, _fmt_time(value) if key.endswith(("_at", "_seen")) else untrusted(value))
    console.print(head)

    hist = Table("handle", "since", title="handle history", title_justify="left")
    for h in rec["handles"]:
        hist.add_row(untrusted(h["handle"]), _fmt_time(h["seen_at"]))
    console.print(hist)

    if rec["enforcement"]:
        t = Table("time", "action", "reason", title="platform enforcement", title_justify="left")
        for e in rec["enforcement"]:
            t.add_row(_fmt_time(e["event_time"]), e["action"], untrusted(e["reason"]))
        console.print(t)

    sig = Table(title="signals", title_justify="left")
    sig.add_column("time", no_wrap=True)
    sig.add_column("label", overflow="fold")
    sig.add_column("score", justify="right", no_wrap=True)
    sig.add_column("why", overflow="fold", ratio=1)
    for srow in rec["signals"]:
        sig.add_row(
            _fmt_time(srow["event_time"]),
            untrusted(f"{srow['label']}\n{srow['detector']} v{srow['detector_version']}"),
            f"{srow['score']:.3f}",
            untrusted(why(srow["evidence"], srow.get("post_text"))),
        )
    console.print(sig)

    dec = Table(title="decisions", title_justify="left")
    dec.add_column("time", no_wrap=True)
    dec.add_column("action", overflow="fold")
    dec.add_column("rule", overflow="fold")
    dec.add_column("reason", overflow="fold", ratio=1)
    for d in rec["decisions"]:
        action = d["action"]
        if d["evidence"].get("proposed_action"):
            action += f" (proposed: {d['evidence']['proposed_action']})"
        dec.add_row(_fmt_time(d["event_time"]), untrusted(action), untrusted(d["rule"]), untrusted(d["reason"]))
    console.print(dec)


def register(app: typer.Typer) -> None:
    app.add_typer(accounts_app, name="accounts")
