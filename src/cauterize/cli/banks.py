"""``cauterize banks import|export|list|match``: hash banks of known material.

Banks are files: our JSON (lossless) is what ``import`` writes and what the
``known_material`` detector is best pointed at; CSV, python-threatexchange's text form and the
TAT hash-list JSON are read and written too (see ``cauterize.known.io``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from cauterize.cli.common import console, err_console, untrusted

banks_app = typer.Typer(help="Hash banks of known material: import, export, list, match.", no_args_is_help=True)

FormatOption = Annotated[
    str | None, typer.Option("--format", "-f", help="json, csv, te or tat (default: from the name).")
]


def _load(paths: list[Path], fmt: str | None = None):  # type: ignore[no-untyped-def]
    from cauterize.known import io as bank_io

    banks = []
    try:
        for p in paths:
            banks.extend(bank_io.load(p, fmt))
    except (OSError, ValueError, KeyError) as exc:
        err_console.print(f"[red]cannot read banks:[/] {exc}")
        raise typer.Exit(2) from None
    return banks


@banks_app.command("import")
def import_(
    source: Annotated[
        Path, typer.Argument(help="File to import (a TAT hash list, a CSV, a threatexchange text file, ...).")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Bank file to write (JSON); merged into if it exists.")],
    fmt: FormatOption = None,
    bank: Annotated[str | None, typer.Option(help="Bank name (default: the file's stem).")] = None,
    label: Annotated[list[str] | None, typer.Option(help="Label for entries that carry none (repeat).")] = None,
) -> None:
    """Read SOURCE and write (or merge into) a JSON bank file."""
    from cauterize.known import io as bank_io
    from cauterize.known.banks import BankSet

    try:
        new = bank_io.load(source, fmt, bank=bank)
    except (OSError, ValueError, KeyError) as exc:
        err_console.print(f"[red]cannot read {source}:[/] {exc}")
        raise typer.Exit(2) from None
    for b in new:
        if label:
            b.default_labels = tuple(label)
    existing = bank_io.load(out, "json") if out.exists() else []
    names = {b.name for b in new}
    merged = [b for b in existing if b.name not in names] + new
    try:
        BankSet(merged)  # validates every value before anything is written
    except (ValueError, ImportError) as exc:
        err_console.print(f"[red]invalid bank:[/] {exc}")
        raise typer.Exit(2) from None
    bank_io.dump(merged, out, "json")
    for b in new:
        console.print(f"{b.name}: {len(b.entries)} entries -> {out}")


@banks_app.command("export")
def export(
    banks: Annotated[list[Path], typer.Argument(help="Bank files.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="File to write.")],
    fmt: FormatOption = None,
) -> None:
    """Write banks in another format (csv, te, tat, json)."""
    from cauterize.known import io as bank_io

    loaded = _load(banks)
    bank_io.dump(loaded, out, fmt)
    console.print(f"{sum(len(b.entries) for b in loaded)} entries -> {out}")


@banks_app.command("list")
def list_(
    banks: Annotated[list[Path], typer.Argument(help="Bank files.")],
    fmt: FormatOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per bank and signal type.")] = False,
) -> None:
    """Banks, their entry counts per signal type, and labels."""
    t = Table("bank", "signal type", "entries", "labels")
    for b in _load(banks, fmt):
        per: dict[str, list[int | set[str]]] = {}
        for e in b.entries:
            row = per.setdefault(e.signal_type, [0, set()])
            row[0] += 1  # type: ignore[operator]
            row[1].update(b.labels_of(e))  # type: ignore[union-attr]
        for st, (n, labels) in sorted(per.items()):
            if as_json:
                print(json.dumps({"bank": b.name, "signal_type": st, "entries": n, "labels": sorted(labels)}))  # type: ignore[arg-type]
            else:
                t.add_row(untrusted(b.name), st, str(n), untrusted(", ".join(sorted(labels))))  # type: ignore[arg-type]
    if not as_json:
        console.print(t)


@banks_app.command("match")
def match(
    banks: Annotated[list[Path], typer.Argument(help="Bank files.")],
    text: Annotated[str | None, typer.Option(help="A statement to look up.")] = None,
    url: Annotated[list[str] | None, typer.Option(help="A link to look up (repeat).")] = None,
    hash_: Annotated[list[str] | None, typer.Option("--hash", help="ALGO:VALUE, e.g. pdq:… or md5:… (repeat).")] = None,
    image: Annotated[
        list[Path] | None, typer.Option(help="An image file to PDQ-hash and look up (media extra).")
    ] = None,
    pdq_threshold: Annotated[int, typer.Option(help="Hamming bits.")] = 31,
    text_threshold: Annotated[float, typer.Option(help="Estimated Jaccard similarity.")] = 0.6,
) -> None:
    """Look up a text, links, hashes or images; print matches as JSON lines."""
    from cauterize.known.banks import BankSet

    bs = BankSet(_load(banks), pdq_threshold=pdq_threshold, text_threshold=text_threshold)
    found = []
    if text:
        found += [("text", m) for m in bs.match_text(text)]
    for u in url or ():
        found += [(u, m) for m in bs.match_url(u)]
    for h in hash_ or ():
        algo, _, value = h.partition(":")
        found += [(h, m) for m in bs.match_hash(algo, value)]
    for path in image or ():
        from cauterize.known import pdq

        try:
            digest, quality = pdq.hash_image(path)
        except ImportError:
            err_console.print("hashing images needs the media extra: pip install 'cauterize[media]'")
            raise typer.Exit(2) from None
        found += [(f"{path} (pdq {digest}, quality {quality})", m) for m in bs.match_hash("pdq", digest)]
    for query, m in found:
        typer.echo(json.dumps({"query": str(query), **m.as_dict()}, ensure_ascii=False))
    if not found:
        err_console.print("no match")
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(banks_app, name="banks")
