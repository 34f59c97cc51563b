"""``cauterize decisions export``: every decision with its times, account, action and evidence."""

from __future__ import annotations

import contextlib
import csv
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import msgspec
import typer

from cauterize.cli.common import ConfigOption, get_config

decisions_app = typer.Typer(help="Decisions the policy made.", no_args_is_help=True)

FIELDS = (
    "decision_id",
    "platform",
    "account_id",
    "handle",
    "action",
    "policy",
    "policy_version",
    "rule",
    "reason",
    "event_id",
    "post_id",
    "event_time",
    "decided_at",
    "evidence",
)


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"


def export_record(row: dict[str, Any]) -> dict[str, Any]:
    """The public shape of one decision (documented in docs/decisions-export.md)."""
    return {
        "decision_id": row["id"],
        "platform": row["platform"],
        "account_id": row["account_id"],
        "handle": row.get("handle"),
        "action": row["action"],
        "policy": row["policy"],
        "policy_version": row["policy_version"],
        "rule": row["rule"],
        "reason": row["reason"],
        "event_id": row["event_id"],
        "post_id": row["post_id"],
        "event_time": row["event_time"].isoformat().replace("+00:00", "Z"),
        "decided_at": row["decided_at"].isoformat().replace("+00:00", "Z"),
        "evidence": row["evidence"],
    }


@decisions_app.command("export")
def export(
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f")] = ExportFormat.jsonl,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")] = None,
    action: Annotated[list[str] | None, typer.Option(help="Only these actions (repeatable).")] = None,
    config: ConfigOption = None,
) -> None:
    """Export decisions as JSON Lines or CSV (evidence as a JSON column)."""
    from cauterize.app import open_store

    store = open_store(get_config(config))
    with contextlib.ExitStack() as stack:
        out = stack.enter_context(open(output, "w", encoding="utf-8", newline="")) if output else sys.stdout
        if fmt is ExportFormat.csv:
            writer = csv.DictWriter(out, fieldnames=FIELDS)
            writer.writeheader()
            for row in store.iter_decisions(action):
                rec = export_record(row)
                rec["evidence"] = msgspec.json.encode(rec["evidence"]).decode()
                writer.writerow(rec)
        else:
            for row in store.iter_decisions(action):
                out.write(msgspec.json.encode(export_record(row)).decode() + "\n")


def register(app: typer.Typer) -> None:
    app.add_typer(decisions_app, name="decisions")
