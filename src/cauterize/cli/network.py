"""``cauterize network REF``: an account's neighbourhood, as a table and an interactive HTML page;
``cauterize coordination``: accounts that repost, link or tag the same thing within seconds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from cauterize.cli.common import ConfigOption, console, err_console, get_config


def _setup(config: Path | None, platform: str | None) -> tuple[Any, Any, str]:
    from cauterize.app import open_store
    from cauterize.network import persist
    from cauterize.network.service import NetworkSettings

    cfg = get_config(config)
    try:
        settings = NetworkSettings.from_config(getattr(cfg, "network", {}) or {})
    except (TypeError, ValueError) as exc:
        err_console.print(f"[red]config error:[/] {exc}")
        raise typer.Exit(2) from None
    if settings.cache_dir is None:
        settings.cache_dir = str(cfg.data_dir / "network")
    store = open_store(cfg)
    try:
        plat = persist.default_platform(store, platform)
    except LookupError as exc:
        err_console.print(str(exc))
        raise typer.Exit(1) from None
    return store, settings, plat


def _kind(i: int, center: int, r: Any, seeds: set[int]) -> str:
    if i == center:
        return "center"
    if i in seeds:
        return "seed"
    if r.protected[i]:
        return "observer" if r.observer is not None and r.observer[i] else "protected"
    if r.adjusted[i] >= r.member_closeness:
        return "member"
    return "other"


def network(
    ref: Annotated[str, typer.Argument(help="Account id, or @handle.")],
    platform: Annotated[str | None, typer.Option(help="Platform (default: the only one in the store).")] = None,
    limit: Annotated[int, typer.Option(help="Counterparts shown (strongest first).")] = 40,
    html: Annotated[
        Path | None, typer.Option(help="Write the interactive page here (default network-<handle>.html).")
    ] = None,
    png: Annotated[Path | None, typer.Option(help="Also draw the graph as a PNG (matplotlib).")] = None,
    config: ConfigOption = None,
) -> None:
    """Show the accounts around REF: who it promotes, who promotes it, their proximity to the network."""
    import numpy as np

    from cauterize.network import page, persist
    from cauterize.network.graph import KINDS
    from cauterize.network.service import analyse_store, neighbourhood

    store, settings, plat = _setup(config, platform)
    matches = [m for m in store.find_accounts(ref, plat)]
    if not matches:
        err_console.print(f"no account matches {ref!r}")
        raise typer.Exit(1)
    a = analyse_store(store, settings, plat)
    g, r = a.graph, a.scores
    seeds = set(r.seeds.tolist())
    console.print(f"seeds: {a.seed_summary()}")
    for _, account_id in matches:
        center = g.ids.get(account_id)
        if center is None:
            err_console.print(f"{account_id}: no interactions recorded")
            continue
        rows = neighbourhood(g, center, limit)
        nodes_idx = [center] + [row["node"] for row in rows]
        ids = [g.keys[i] for i in nodes_idx]
        names = persist.handles(store, plat, ids)
        label = names.get(account_id, account_id)

        def info(i: int) -> list[str]:
            out = [
                f"closeness {r.closeness[i]:.3f} (adjusted {r.adjusted[i]:.3f})",
                f"followers {int(a.facts['followers'][i])}",
            ]
            if i in seeds:
                why = a.seed_choice.why.get(g.keys[i], "confirmed") if a.seed_choice else "confirmed"
                out.append(f"seed: {why}")
            if i in r.roles:
                out.append(f"role {r.roles[i]}")
            if r.community[i] >= 0:
                out.append(f"community {int(r.community[i])}")
            kinds = r.direction.kinds_of(i)
            if kinds:
                share = float(r.direction.promotion_share()[i])
                detail = ", ".join(f"{k} {v:.2f}" for k, v in sorted(kinds.items()))
                out.append(f"with the network: promotion share {share:.2f} ({detail})")
            out += [f"protected: {why}" for why in r.reasons[i]]
            return out

        t = Table(
            "account",
            "id",
            "interactions (decayed weight; → by the account, ← by them)",
            "closeness",
            "status",
            "role",
            title=f"network around @{label} ({plat}:{account_id})",
            title_justify="left",
        )
        table_rows = []
        for row in rows:
            i = row["node"]
            status = _kind(i, center, r, seeds)
            kinds = ", ".join(f"{k} {v}" for k, v in sorted(row["kinds"].items()))
            role = r.roles.get(i, "-")
            t.add_row(
                "@" + names.get(row["account_id"], "?"), row["account_id"], kinds, f"{r.closeness[i]:.3f}", status, role
            )
            table_rows.append(
                {
                    "account": "@" + names.get(row["account_id"], "?"),
                    "id": row["account_id"],
                    "interactions": kinds,
                    "closeness": f"{r.closeness[i]:.3f}",
                    "status": status,
                    "role": role,
                }
            )
        console.print(
            f"@{label}: {_kind(center, -1, r, seeds)}, closeness {r.closeness[center]:.3f}, adjusted {r.adjusted[center]:.3f}"
            + (f", role {r.roles[center]}" if center in r.roles else "")
            + (f", community {int(r.community[center])}" if r.community[center] >= 0 else "")
            + (f", protected ({'; '.join(r.reasons[center])})" if r.protected[center] else "")
        )
        for line in info(center)[2:]:
            if not line.startswith("protected:"):  # said on the line above
                console.print(f"  {line}")
        console.print(t)
        # Page: the center, its counterparts, and every edge among them.
        local = {i: k for k, i in enumerate(nodes_idx)}
        tab = g.table
        w = g.weights_at()
        inside = np.zeros(g.n, bool)
        inside[nodes_idx] = True
        sel = np.flatnonzero(inside[tab.src] & inside[tab.dst] & (w > 0.01))
        edges = [
            {
                "s": local[int(tab.src[e])],
                "t": local[int(tab.dst[e])],
                "kind": KINDS[int(tab.kind[e])],
                "w": round(float(w[e]), 3),
            }
            for e in sel.tolist()
        ]
        nodes = [
            {
                "id": g.keys[i],
                "label": "@" + names.get(g.keys[i], g.keys[i]),
                "kind": _kind(i, center, r, seeds),
                "followers": int(a.facts["followers"][i]),
                "role": r.roles.get(i),
                "info": info(i),
            }
            for i in nodes_idx
        ]
        data = page.page_data(nodes, edges)
        out = html or Path(f"network-{label}.html")
        subtitle = (
            f"{len(rows)} strongest counterparts, {len(edges)} edges; graph of {g.n:,} accounts, {len(g.table):,} edges"
        )
        out.write_text(page.render_html(f"Network around @{label}", subtitle, data, table_rows), encoding="utf-8")
        console.print(f"wrote {out}")
        if png:
            try:
                page.render_png(data, png, f"Network around @{label} ({subtitle})")
            except RuntimeError as exc:
                err_console.print(f"[red]{exc}[/]")
                raise typer.Exit(2) from None
            console.print(f"wrote {png}")


def coordination(
    platform: Annotated[str | None, typer.Option(help="Platform (default: the only one in the store).")] = None,
    window: Annotated[float | None, typer.Option(help="Seconds within which two posts of one item co-act.")] = None,
    min_items: Annotated[int | None, typer.Option(help="Distinct items a pair must share.")] = None,
    top: Annotated[int, typer.Option(help="Pairs shown per kind.")] = 15,
    as_json: Annotated[bool, typer.Option("--json", help="Print pairs as JSON lines.")] = False,
    config: ConfigOption = None,
) -> None:
    """Co-repost, co-link and co-hashtag networks over the stored posts (batch), saved to the store."""
    import numpy as np

    from cauterize.network import persist
    from cauterize.network.coordination_store import coordination_from_store

    store, settings, plat = _setup(config, platform)
    win = window if window is not None else settings.coordination_window
    k = min_items if min_items is not None else settings.coordination_min_items
    results = coordination_from_store(store, plat, win, settings.coordination_max_burst)
    for kind, (pairs, keys, seconds, n_posts) in results.items():
        strong = pairs.at_least(k)
        names = persist.handles(store, plat, sorted({keys[int(x)] for x in list(strong.a) + list(strong.b)})[:5000])
        persist.save_pairs(
            store,
            plat,
            kind,
            [
                {
                    "platform": plat,
                    "kind": kind,
                    "a": keys[int(x)],
                    "b": keys[int(y)],
                    "items": int(c),
                    "last_time": persist._dt(float(t)),
                }
                for x, y, c, t in zip(strong.a, strong.b, strong.items, strong.last, strict=True)
            ],
        )
        order = np.argsort(-strong.items, kind="stable")[:top] if len(strong) else []
        if as_json:
            for i in order:
                print(
                    json.dumps(
                        {
                            "kind": kind,
                            "a": keys[int(strong.a[i])],
                            "b": keys[int(strong.b[i])],
                            "items": int(strong.items[i]),
                        }
                    )
                )
            continue
        t = Table(
            "a",
            "b",
            "items",
            title=f"{kind}: {len(strong):,} pairs with >= {k} items (of {len(pairs):,} pairs; {n_posts:,} posts, {pairs.trending} trending items left out, {seconds:.2f}s)",
            title_justify="left",
        )
        for i in order:
            a, b = keys[int(strong.a[i])], keys[int(strong.b[i])]
            t.add_row(f"@{names.get(a, a)}", f"@{names.get(b, b)}", str(int(strong.items[i])))
        console.print(t)


def register(app: typer.Typer) -> None:
    app.command("network")(network)
    app.command("coordination")(coordination)
