"""Shared CLI pieces: the --config option, the console, config loading with clean errors."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

from cauterize.config import Config, load_config
from cauterize.display import visible

console = Console()
err_console = Console(stderr=True)

ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", "-c", help="cauterize.toml to use (default: $CAUTERIZE_CONFIG or ./cauterize.toml)."),
]


def get_config(path: Path | None) -> Config:
    try:
        return load_config(path)
    except (OSError, ValueError) as exc:
        err_console.print(Text("config error: ", style="red") + untrusted(exc))
        raise typer.Exit(2) from None


def untrusted(value: object) -> Text:
    """A value that came from a platform (handle, name, bio, post, a record's bytes) as a Rich
    ``Text``: never parsed as markup, and with control and bidi characters made visible."""
    return Text(visible("-" if value is None else str(value)))
