"""``cauterize db``: the store's schema version, and migrations run on a live server.

Every command that opens the store upgrades it first, so a single machine never needs this.
A fleet of workers on one PostgreSQL does: run ``cauterize db upgrade`` once per release, from
one place, before the new workers start (they then find the schema current and migrate nothing).
Migrations take the store's writer lock, so two upgrades at once run one after the other.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from cauterize.cli.common import ConfigOption, console, get_config, untrusted

db_app = typer.Typer(help="The store's schema: current revision, upgrade to the newest.", no_args_is_help=True)


def _revisions(url: str) -> tuple[str | None, str]:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from cauterize.store.db import alembic_config, make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    return current, str(head)


@db_app.command("current")
def current(
    config: ConfigOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
) -> None:
    """Print the store's schema revision and the newest this version of cauterize knows."""
    cfg = get_config(config)
    rev, head = _revisions(cfg.store_url)
    if as_json:
        print(json.dumps({"current": rev, "head": head, "up_to_date": rev == head}))
        return
    console.print(untrusted(f"current: {rev or 'none (empty store)'}; newest: {head}"))


@db_app.command("upgrade")
def upgrade(
    config: ConfigOption = None,
    revision: Annotated[str, typer.Option("--revision", help="Target revision.")] = "head",
) -> None:
    """Migrate the store (SQLite or a live PostgreSQL) to the newest schema, under the writer lock."""
    from cauterize.store.db import make_engine, migrate
    from cauterize.store.writer_lock import writer_lock

    cfg = get_config(config)
    if cfg.store_url.startswith("sqlite"):
        cfg.data_dir.mkdir(parents=True, exist_ok=True)
    before, _ = _revisions(cfg.store_url)
    engine = make_engine(cfg.store_url)
    try:
        with writer_lock(engine):
            migrate(engine, revision)
    finally:
        engine.dispose()
    after, _ = _revisions(cfg.store_url)
    console.print(untrusted(f"schema: {before or 'none'} -> {after}"))


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
