"""Users, passwords (argon2id) and API tokens scoped by role.

Passwords are hashed with argon2id (argon2-cffi, RFC 9106 parameters by default) and rehashed
on log-in when the parameters change. API tokens are 256-bit random strings shown once; only
their sha256 is stored (a token is not a password: it has full entropy, so a fast hash is
enough to make a stolen table useless). A token's role can be at most its owner's.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from cauterize.policy.actions import ROLES, role_rank
from cauterize.store.schema_review import review_tokens as T
from cauterize.store.schema_review import review_users as U

TOKEN_PREFIX = "cz_"
_USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")


class AuthError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Principal:
    username: str
    role: str
    #: "session" or "token"
    via: str

    def can(self, minimum: str) -> bool:
        return role_rank(self.role) >= role_rank(minimum) >= 0


class Users:
    def __init__(self, engine: Engine, argon2: dict[str, int] | None = None):
        self.engine = engine
        self.hasher = PasswordHasher(**(argon2 or {}))
        self._dummy = self.hasher.hash(secrets.token_hex(8))

    def create(self, username: str, password: str, role: str) -> None:
        if not _USERNAME.match(username):
            raise AuthError("username: 1-64 of letters, digits, _ . @ -")
        if role not in ROLES:
            raise AuthError(f"role must be one of {', '.join(ROLES)}")
        if len(password) < 8:
            raise AuthError("password: at least 8 characters")
        row = {
            "username": username,
            "password_hash": self.hasher.hash(password),
            "role": role,
            "created_at": datetime.now(UTC),
            "disabled": False,
        }
        try:
            with self.engine.begin() as conn:
                conn.execute(U.insert().values(**row))
        except IntegrityError:
            raise AuthError(f"user {username!r} exists") from None

    def set_password(self, username: str, password: str) -> None:
        if len(password) < 8:
            raise AuthError("password: at least 8 characters")
        with self.engine.begin() as conn:
            n = conn.execute(
                update(U)
                .where(U.c.username == username)
                .values(password_hash=self.hasher.hash(password), session_generation=U.c.session_generation + 1)
            ).rowcount
            if n:
                _revoke_all(conn, username)
        if not n:
            raise AuthError(f"no user {username!r}")

    def set_role(self, username: str, role: str | None = None, disabled: bool | None = None) -> None:
        values: dict[str, object] = {}
        if role is not None:
            if role not in ROLES:
                raise AuthError(f"role must be one of {', '.join(ROLES)}")
            values["role"] = role
        if disabled is not None:
            values["disabled"] = disabled
            if disabled:
                values["session_generation"] = U.c.session_generation + 1
        with self.engine.begin() as conn:
            if not conn.execute(update(U).where(U.c.username == username).values(**values)).rowcount:
                raise AuthError(f"no user {username!r}")
            if disabled:
                # Revoked, not suspended: re-enabling the user must not bring old tokens back.
                _revoke_all(conn, username)

    def session(self, username: str) -> tuple[Principal, int] | None:
        """The user behind a session cookie, and the session generation now in force."""
        with self.engine.connect() as conn:
            r = conn.execute(
                select(U.c.username, U.c.role, U.c.disabled, U.c.session_generation).where(U.c.username == username)
            ).first()
        if r is None or r.disabled:
            return None
        return Principal(r.username, r.role, "session"), int(r.session_generation)

    def end_sessions(self, username: str) -> None:
        """Every session of this user stops working, wherever its cookie was copied."""
        with self.engine.begin() as conn:
            conn.execute(
                update(U).where(U.c.username == username).values(session_generation=U.c.session_generation + 1)
            )

    def get(self, username: str) -> Principal | None:
        with self.engine.connect() as conn:
            r = conn.execute(select(U.c.username, U.c.role, U.c.disabled).where(U.c.username == username)).first()
        if r is None or r.disabled:
            return None
        return Principal(r.username, r.role, "session")

    def list(self) -> list[dict[str, object]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(U.c.username, U.c.role, U.c.disabled, U.c.created_at).order_by(U.c.username))
            return [dict(r._mapping) for r in rows]

    def authenticate(self, username: str, password: str) -> Principal | None:
        with self.engine.connect() as conn:
            r = conn.execute(select(U).where(U.c.username == username)).first()
        if r is None or r.disabled:
            # Same work either way, so timing does not tell which usernames exist.
            with contextlib.suppress(VerificationError, InvalidHashError):
                self.hasher.verify(self._dummy, password)
            return None
        try:
            self.hasher.verify(r.password_hash, password)
        except (VerificationError, InvalidHashError):
            return None
        if self.hasher.check_needs_rehash(r.password_hash):
            with self.engine.begin() as conn:
                conn.execute(update(U).where(U.c.id == r.id).values(password_hash=self.hasher.hash(password)))
        return Principal(r.username, r.role, "session")

    # -- API tokens ---------------------------------------------------------------------------

    def create_token(self, username: str, name: str, role: str | None = None, days: float | None = 90) -> str:
        user = self.get(username)
        if user is None:
            raise AuthError(f"no user {username!r}")
        role = role or user.role
        if role not in ROLES or role_rank(role) > role_rank(user.role):
            raise AuthError(f"a token's role is at most its owner's ({user.role})")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        with self.engine.begin() as conn:
            conn.execute(
                T.insert().values(
                    token_hash=_sha(token),
                    username=username,
                    role=role,
                    name=name[:128],
                    created_at=now,
                    expires_at=now + timedelta(days=days) if days else None,
                )
            )
        return token

    def revoke_token(self, name: str, username: str) -> int:
        with self.engine.begin() as conn:
            return conn.execute(
                update(T)
                .where(T.c.name == name, T.c.username == username, T.c.revoked_at.is_(None))
                .values(revoked_at=datetime.now(UTC))
            ).rowcount

    def token_principal(self, token: str) -> Principal | None:
        if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            return None
        with self.engine.connect() as conn:
            r = conn.execute(select(T).where(T.c.token_hash == _sha(token))).first()
        now = datetime.now(UTC)
        if r is None or r.revoked_at is not None or (r.expires_at is not None and r.expires_at <= now):
            return None
        owner = self.get(r.username)
        if owner is None:
            return None
        # Never more than the owner has now (a demoted owner's tokens shrink with them).
        role = r.role if role_rank(r.role) <= role_rank(owner.role) else owner.role
        return Principal(r.username, role, "token")


def _revoke_all(conn: Connection, username: str) -> None:
    """A new password or a disabled user ends every API token too: a leaked password often means a
    leaked token, and a token must never outlive the trust that issued it. Logging out of one
    browser session leaves tokens alone: scripts hold them, not the browser."""
    conn.execute(
        update(T).where(T.c.username == username, T.c.revoked_at.is_(None)).values(revoked_at=datetime.now(UTC))
    )


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
