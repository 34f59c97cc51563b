"""``cauterize evasion train`` and ``cauterize lineage``."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table
from rich.tree import Tree

from cauterize.cli.common import ConfigOption, console, err_console, get_config, untrusted
from cauterize.display import visible

evasion_app = typer.Typer(help="Ban-evasion linking: train the link model.", no_args_is_help=True)


def _events(paths: list[Path]):  # type: ignore[no-untyped-def]
    from cauterize.ingest.jsonl import CanonicalJsonl
    from cauterize.ingest.sources import FileSource

    adapter = CanonicalJsonl()
    for path in paths:
        for record in FileSource(path).records():
            yield from adapter.parse(record.data)


@evasion_app.command("train")
def train(
    events: Annotated[list[Path], typer.Option("--events", help="Canonical JSONL streams (repeat with --truth).")],
    truth: Annotated[list[Path], typer.Option("--truth", help="Their ground truth files, same order.")],
    out: Annotated[Path, typer.Option(help="Where to write the model JSON.")],
    version: Annotated[
        str,
        typer.Option(help="Model version recorded in every signal (name each refit: the shipped one is link-lr-5)."),
    ],
) -> None:
    """Fit the link model on simulated worlds whose lineage is known (needs the `train` extra)."""
    from cauterize.evaluation.truth import read_truth
    from cauterize.evasion.model import fit
    from cauterize.evasion.training import Pairs, collect_pairs

    if len(events) != len(truth):
        err_console.print("give one --truth per --events")
        raise typer.Exit(2)
    total = Pairs()
    sources = []
    for ev_path, truth_path in zip(events, truth, strict=True):
        t = read_truth(truth_path)
        parents = {a.account_id: a.parent_account_id for a in t.accounts.values() if a.parent_account_id}
        allow = [a.account_id for a in t.accounts.values() if a.label == "confounder" and a.role != "lookalike"]
        pairs = collect_pairs(_events([ev_path]), parents, allowlist=allow)
        total.rows += pairs.rows
        total.labels += pairs.labels
        total.triggers.update(pairs.triggers)
        total.returns = [a + b for a, b in zip(total.returns, pairs.returns, strict=True)]
        sources.append({"events": ev_path.name, "scenario": t.header.scenario, "seed": t.header.seed})
        console.print(
            f"{ev_path}: {len(pairs.labels)} pairs, {sum(pairs.labels)} true parents, "
            f"{sum(pairs.returns)} network returns ({pairs.returns[1]} replacements)"
        )
    others, replacements = total.returns
    model = fit(
        total.rows,
        total.labels,
        version,
        {"worlds": sources, "triggers": dict(total.triggers)},
        returns=(others + replacements, replacements),
    )
    model.save(out)
    t = Table("feature", "weight", title=f"link model {version}")
    for k, w in sorted(model.weights.items(), key=lambda kv: -abs(kv[1])):
        t.add_row(k, f"{w:+.3f}")
    t.add_row("bias", f"{model.bias:+.3f}")
    console.print(t)
    if model.network_return is not None:
        console.print(f"network-return lead score: {model.network_return:.4f}")


def _fmt(t: datetime | None) -> str:
    return t.strftime("%Y-%m-%d %H:%M") if t else "?"


def lineage(
    ref: Annotated[str, typer.Argument(help="Account id or @handle of any incarnation.")],
    platform: Annotated[str | None, typer.Option(help="Only this platform.")] = None,
    min_probability: Annotated[float, typer.Option(help="Ignore weaker links (default: the review threshold).")] = 0.3,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per lineage, for scripts.")] = False,
    config: ConfigOption = None,
) -> None:
    """Print an actor's family tree: every linked incarnation with dates and follower counts, on every platform."""
    from cauterize.app import open_store

    store = open_store(get_config(config))
    matches = store.find_accounts(ref, platform)
    if not matches:
        err_console.print(untrusted(f"no account matches {ref!r}"))
        raise typer.Exit(1)
    from cauterize.cli.lineage import across_platforms_json, across_platforms_table

    for plat, account_id in matches:
        if as_json:
            out = _lineage_json(store, plat, account_id, min_probability)
            out["across_platforms"] = across_platforms_json(store, plat, account_id, min_probability)
            print(json.dumps(out, default=str, sort_keys=True))
        else:
            console.print(_tree(store, plat, account_id, min_probability))
            table = across_platforms_table(store, plat, account_id, min_probability)
            if table is not None:
                console.print(table)


def _lineage_json(store: Any, plat: str, account_id: str, min_probability: float) -> dict[str, Any]:
    links = {c: pl for c, pl in store.evasion_links(plat).items() if pl[1] >= min_probability}
    members, frontier = {account_id}, [account_id]
    while frontier:  # every account linked to this one, either way
        acct = frontier.pop()
        for child, (parent, _p) in links.items():
            for other in ((child,) if parent == acct else ()) + ((parent,) if child == acct else ()):
                if other not in members:
                    members.add(other)
                    frontier.append(other)
    out = []
    for acct in sorted(members):
        row = store.account(plat, acct) or {}
        parent, prob = links.get(acct, (None, None))
        out.append(
            {
                "account_id": acct,
                "handle": row.get("handle"),
                "created_at": row.get("created_at"),
                "status": row.get("status"),
                "status_at": row.get("status_at"),
                "followers": max(row.get("followers_count") or 0, store.followers_seen(plat, acct)),
                "parent_account_id": parent,
                "link_probability": prob,
            }
        )
    return {"platform": plat, "account_id": account_id, "incarnations": out}


def _tree(store: Any, plat: str, account_id: str, min_probability: float) -> Tree:
    links = {c: pl for c, pl in store.evasion_links(plat).items() if pl[1] >= min_probability}
    parent_of = {child: parent for child, (parent, _p) in links.items()}
    root = account_id
    seen = {root}
    while root in parent_of and parent_of[root] not in seen:
        root = parent_of[root]
        seen.add(root)
    children: dict[str, list[str]] = {}
    for child, parent in parent_of.items():
        children.setdefault(parent, []).append(child)
    rows = {a: store.account(plat, a) or {} for a in {root, *parent_of, *children}}

    def label(acct: str) -> str:
        row: dict[str, Any] = rows.get(acct) or store.account(plat, acct) or {}
        prob = links.get(acct, (None, None))[1]
        status = row.get("status", "?")
        bits = [
            f"[bold]@{escape(visible(row.get('handle') or '?'))}[/] ({escape(visible(acct))})",
            f"created {_fmt(row.get('created_at'))}",
            status if status == "active" else f"{status} {_fmt(row.get('status_at'))}",
            f"followers {max(row.get('followers_count') or 0, store.followers_seen(plat, acct))}",
        ]
        if prob is not None:
            bits.append(f"link p={prob:.2f}")
        return " · ".join(bits)

    def created(acct: str) -> datetime:
        return (rows.get(acct) or {}).get("created_at") or datetime.min.replace(tzinfo=UTC)

    tree = Tree(label(root))
    stack = [(tree, root)]
    seen = {root}
    while stack:
        node, acct = stack.pop()
        for child in sorted(children.get(acct, ()), key=created):
            if child not in seen:  # a cycle in the links must not loop forever
                seen.add(child)
                stack.append((node.add(label(child)), child))
    return tree


def register(app: typer.Typer) -> None:
    app.add_typer(evasion_app, name="evasion")
    app.command("lineage")(lineage)
