"""``cauterize accounts show ID|@handle``: an account, its handle history, signals and decisions."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from cauterize.cli.common import ConfigOption, console, err_console, get_config, untrusted

accounts_app = typer.Typer(help="Look at accounts.", no_args_is_help=True)


def _fmt_time(t) -> str:  # type: ignore[no-untyped-def]
    return t.strftime("%Y-%m-%d %H:%M:%SZ") if t else "-"


@accounts_app.command("show")
def show(
    ref: Annotated[str, typer.Argument(help="Account id, or @handle (matches any account that ever used it).")],
    platform: Annotated[str | None, typer.Option(help="Only this platform.")] = None,
    config: ConfigOption = None,
) -> None:
    """Show an account with its handle history, signals and decisions."""
    from cauterize.app import open_store

    store = open_store(get_config(config))
    matches = store.find_accounts(ref, platform)
    if not matches:
        err_console.print(untrusted(f"no account matches {ref!r}"))
        raise typer.Exit(1)
    for plat, account_id in matches:
        acct = store.account(plat, account_id) or {}
        head = Table(title=untrusted(f"{plat}:{account_id}"), show_header=False, title_justify="left")
        head.add_column(style="bold")
        head.add_column()
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
        for h in store.handle_history(plat, account_id):
            hist.add_row(untrusted(h["handle"]), _fmt_time(h["seen_at"]))
        console.print(hist)

        enf = store.enforcements_for(plat, account_id)
        if enf:
            t = Table("time", "action", "reason", title="platform enforcement", title_justify="left")
            for e in enf:
                t.add_row(_fmt_time(e["event_time"]), e["action"], untrusted(e["reason"]))
            console.print(t)

        sig = Table("time", "detector", "label", "score", "evidence", title="signals", title_justify="left")
        for srow in store.signals_for(plat, account_id):
            sig.add_row(
                _fmt_time(srow["event_time"]),
                f"{srow['detector']} v{srow['detector_version']}",
                srow["label"],
                f"{srow['score']:.3f}",
                untrusted(_short(srow["evidence"])),
            )
        console.print(sig)

        dec = Table("time", "action", "rule", "reason", title="decisions", title_justify="left")
        for d in store.decisions_for(plat, account_id):
            action = d["action"]
            if d["evidence"].get("proposed_action"):
                action += f" (proposed: {d['evidence']['proposed_action']})"
            dec.add_row(_fmt_time(d["event_time"]), untrusted(action), d["rule"], untrusted(d["reason"]))
        console.print(dec)


def _short(evidence: dict, limit: int = 90) -> str:
    import msgspec

    text = msgspec.json.encode(evidence).decode()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def register(app: typer.Typer) -> None:
    app.add_typer(accounts_app, name="accounts")
