"""``cauterize users``: create users, set roles and passwords, issue API tokens (admin's tools)."""

from __future__ import annotations

import getpass
import os
from typing import Annotated

import typer

from cauterize.cli.common import ConfigOption, console, err_console, get_config, untrusted

users_app = typer.Typer(
    help="Console users (viewer, reviewer, lead, admin) and their API tokens.", no_args_is_help=True
)


def _users(config):  # type: ignore[no-untyped-def]
    from cauterize.app import open_store
    from cauterize.review.auth import Users
    from cauterize.review.settings import ReviewSettings

    cfg = get_config(config)
    store = open_store(cfg)
    return Users(store.engine, ReviewSettings.from_config(cfg).argon2), store


def _password(given: str | None) -> str:
    if given:
        return given
    env = os.environ.get("CAUTERIZE_PASSWORD")
    if env:
        return env
    first = getpass.getpass("password: ")
    if first != getpass.getpass("again: "):
        err_console.print("[red]passwords differ[/]")
        raise typer.Exit(2)
    return first


@users_app.command("create")
def create(
    username: str,
    role: Annotated[str, typer.Option(help="viewer, reviewer, lead or admin.")] = "reviewer",
    password: Annotated[str | None, typer.Option(help="Password (else $CAUTERIZE_PASSWORD, else asked twice).")] = None,
    config: ConfigOption = None,
) -> None:
    """Create a console user (password hashed with argon2id)."""
    from cauterize.review import audit
    from cauterize.review.auth import AuthError

    users, store = _users(config)
    try:
        users.create(username, _password(password), role)
    except AuthError as exc:
        err_console.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from None
    audit.record(store.engine, f"cli:{getpass.getuser()}", "user_created", {"username": username, "role": role})
    console.print(f"user {username} created ({role})")


@users_app.command("set")
def set_user(
    username: str,
    role: Annotated[str | None, typer.Option(help="New role.")] = None,
    password: Annotated[bool, typer.Option("--password", help="Set a new password (asked).")] = False,
    disable: Annotated[bool | None, typer.Option("--disable/--enable", help="Disable or enable log-in.")] = None,
    config: ConfigOption = None,
) -> None:
    """Change a user's role, password or whether they may log in."""
    from cauterize.review import audit
    from cauterize.review.auth import AuthError

    users, store = _users(config)
    try:
        if role is not None or disable is not None:
            users.set_role(username, role, disable)
        if password:
            users.set_password(username, _password(None))
    except AuthError as exc:
        err_console.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from None
    audit.record(
        store.engine,
        f"cli:{getpass.getuser()}",
        "user_changed",
        {"username": username, "role": role, "disabled": disable, "password": password},
    )
    console.print(f"user {username} updated")


@users_app.command("list")
def list_users(config: ConfigOption = None) -> None:
    users, _ = _users(config)
    for u in users.list():
        console.print(f"{u['username']:24} {u['role']:9} {'disabled' if u['disabled'] else ''}")


@users_app.command("token")
def token(
    username: str,
    name: Annotated[str, typer.Option(help="What the token is for.")] = "cli",
    role: Annotated[str | None, typer.Option(help="Role of the token (at most the user's).")] = None,
    days: Annotated[float, typer.Option(help="Days until it expires.")] = 90,
    config: ConfigOption = None,
) -> None:
    """Issue an API token for a user; printed once (only its hash is stored)."""
    from cauterize.review import audit
    from cauterize.review.auth import AuthError

    users, store = _users(config)
    try:
        tok = users.create_token(username, name, role, days)
    except AuthError as exc:
        err_console.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from None
    audit.record(store.engine, f"cli:{getpass.getuser()}", "token_created", {"username": username, "name": name})
    print(tok)


@users_app.command("revoke")
def revoke(
    username: str,
    name: Annotated[str, typer.Argument(help="The name the token was issued with (--name).")],
    config: ConfigOption = None,
) -> None:
    """Revoke a user's API tokens of that name (a new password or disabling the user revokes all)."""
    from cauterize.review import audit

    users, store = _users(config)
    n = users.revoke_token(name, username)
    if not n:
        err_console.print(untrusted(f"no live token {name!r} for {username!r}"))
        raise typer.Exit(1)
    audit.record(store.engine, f"cli:{getpass.getuser()}", "token_revoked", {"username": username, "name": name})
    console.print(f"revoked {n} token(s)")


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
