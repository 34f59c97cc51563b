"""The ``[review]`` section of ``cauterize.toml``, with its defaults (see docs/console.md)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from cauterize.config import Config

#: Hours a case may wait, by queue, before its SLA is breached.
DEFAULT_SLA_HOURS: dict[str, float] = {
    "threat": 1.0,
    "known_material": 4.0,
    "ban_evasion": 12.0,
    "propaganda": 24.0,
    "other": 72.0,
}
#: Automatic actions allowed per UTC day and action type before the circuit breaker trips.
DEFAULT_DAILY_CAPS: dict[str, int] = {"suspend": 200, "remove_post": 300, "restrict": 300}


@dataclass
class ReviewSettings:
    data_dir: Path
    session_hours: float = 8.0
    secure_cookies: bool = False
    #: Global shadow mode: automatic actions are recorded with status ``shadow`` and never sent.
    shadow: bool = False
    sla_hours: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_SLA_HOURS))
    daily_caps: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_DAILY_CAPS))
    sinks: list[dict[str, Any]] = field(default_factory=list)
    max_attempts: int = 8
    retry_base_seconds: float = 5.0
    #: argon2 parameters (the library's RFC 9106 defaults unless set; tests lower them).
    argon2: dict[str, int] = field(default_factory=dict)
    secret_key: str | None = None
    signing_key: Path | None = None

    @classmethod
    def from_config(cls, cfg: Config) -> ReviewSettings:
        raw = dict(cfg.review)
        s = cls(data_dir=cfg.data_dir)
        s.session_hours = float(raw.get("session_hours", s.session_hours))
        s.secure_cookies = bool(raw.get("secure_cookies", s.secure_cookies))
        s.shadow = bool(raw.get("shadow", s.shadow))
        s.sla_hours = {**s.sla_hours, **{k: float(v) for k, v in raw.get("sla_hours", {}).items()}}
        s.daily_caps = {**s.daily_caps, **{k: int(v) for k, v in raw.get("daily_caps", {}).items()}}
        s.sinks = [dict(x) for x in raw.get("sinks", [])]
        s.max_attempts = int(raw.get("max_attempts", s.max_attempts))
        s.retry_base_seconds = float(raw.get("retry_base_seconds", s.retry_base_seconds))
        s.argon2 = {k: int(v) for k, v in raw.get("argon2", {}).items()}
        s.secret_key = raw.get("secret_key") or os.environ.get("CAUTERIZE_SECRET_KEY")
        if raw.get("signing_key"):
            s.signing_key = s.path(raw["signing_key"])
        return s

    @property
    def session_ttl(self) -> timedelta:
        return timedelta(hours=self.session_hours)

    def path(self, p: str | Path) -> Path:
        """Relative paths in ``[review]`` are relative to the data directory."""
        p = Path(p)
        return p if p.is_absolute() else self.data_dir / p

    def sla(self, queue: str) -> timedelta:
        return timedelta(hours=self.sla_hours.get(queue, self.sla_hours["other"]))

    def session_secret(self) -> str:
        """The configured key, else one kept in the data directory (created 0600 on first use)."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "console-secret"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(48))
        return path.read_text().strip()
