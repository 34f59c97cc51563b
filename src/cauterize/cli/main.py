"""The ``cauterize`` command. Sub-commands live one module each in ``cauterize.cli``.

Each module defines ``register(app)``; adding a command means adding a module.
"""

from __future__ import annotations

import importlib
import pkgutil

import typer

app = typer.Typer(
    name="cauterize",
    help="Find violent-extremist accounts, act on them, and stop suspended accounts from growing back.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)


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
