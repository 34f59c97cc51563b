"""``cauterize init``: a commented config and the empty lists an operator fills first."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Annotated

import typer

from cauterize.cli.common import console, err_console, untrusted
from cauterize.config import load_config, user_config_path

_LISTS = {
    "trusted-accounts.txt": (
        "# Journalists, researchers, news desks, police and counter-messaging accounts: one\n"
        "# 'platform:account_id' per line (e.g. twitter:123456789). Only a threat to life is decided on them.\n"
    ),
    "evasion-allowlist.txt": (
        "# Accounts that watch the network (the same people as trusted-accounts.txt, usually): one\n"
        "# 'account_id' per line. They never count as a suspended account's audience or promoters.\n"
    ),
}


def _toml_path(p: Path) -> str:
    return str(p).replace("\\", "\\\\").replace('"', '\\"')


def init(
    directory: Annotated[Path, typer.Argument(help="Where to write cauterize.toml and the lists.")] = Path("."),
    user: Annotated[bool, typer.Option("--user", help="Write the per-user config (~/.config/cauterize).")] = False,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing cauterize.toml.")] = False,
) -> None:
    """Write a commented cauterize.toml, an empty trusted list and an evasion allow-list."""
    target = user_config_path() if user else directory.resolve() / "cauterize.toml"
    if target.exists() and not force:
        err_console.print(untrusted(f"{target} exists; --force to overwrite it"))
        raise typer.Exit(2)
    target.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in _LISTS.items():
        path = target.parent / name
        if not path.exists():
            path.write_text(text, encoding="utf-8")
            written.append(path)
    template = resources.files("cauterize.data").joinpath("init-cauterize.toml").read_text(encoding="utf-8")
    target.write_text(
        template.replace("{data_dir}", _toml_path(target.parent / ".cauterize"))
        .replace("{trusted_file}", _toml_path(target.parent / "trusted-accounts.txt"))
        .replace("{allowlist_file}", _toml_path(target.parent / "evasion-allowlist.txt")),
        encoding="utf-8",
    )
    load_config(target)  # what init writes must pass the same check as any config
    console.print(untrusted(f"wrote {target}"))
    for path in written:
        console.print(untrusted(f"wrote {path}"))
    console.print(
        "first step: list the journalists, researchers, police and counter-messaging accounts you know "
        "in trusted-accounts.txt and evasion-allowlist.txt, so they are never collateral damage."
    )


def register(app: typer.Typer) -> None:
    app.command("init")(init)
