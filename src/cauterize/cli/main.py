"""The ``cauterize`` command. Sub-commands live one module each in ``cauterize.cli``.

Each module defines ``register(app)``; adding a command means adding a module.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Annotated, Any

import typer
import typer.core

# Typer 0.29 labels every option with its Python type, flags included ("--quiet <bool>"), which
# reads as if the flag took a value. Flags take none: show no type for them.
_display_type_rich = typer.core.TyperOption.display_type_rich


def _flag_without_type(self: typer.core.TyperOption, ctx: Any) -> str | None:
    return None if self.is_flag else _display_type_rich(self, ctx)


typer.core.TyperOption.display_type_rich = _flag_without_type  # type: ignore[method-assign]

app = typer.Typer(
    name="cauterize",
    help="Find violent-extremist accounts, act on them, and stop suspended accounts from growing back.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            v = version("cauterize")
        except PackageNotFoundError:  # running from a source tree without an install
            from cauterize import __version__ as v
        typer.echo(f"cauterize {v}")
        raise typer.Exit()


@app.callback()
def _main(
    show_version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Find violent-extremist accounts, act on them, and stop suspended accounts from growing back."""


def _register_all() -> None:
    import cauterize.cli as pkg

    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
        if info.name in {"main", "common"} or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{pkg.__name__}.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(app)


_register_all()

if __name__ == "__main__":
    app()
