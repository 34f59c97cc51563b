"""``cauterize.toml``: where data lives and how the pipeline is set up.

Looked up in this order: ``--config PATH``, ``$CAUTERIZE_CONFIG``, ``./cauterize.toml``, the user's
``~/.config/cauterize/cauterize.toml`` (``$XDG_CONFIG_HOME``); with none,
the documented defaults below apply (see docs/configuration.md and the repository's commented
``cauterize.toml``). The whole file is checked before use (``config_check``): an unknown key or a
value of the wrong type is an error that names the section, the key and what was expected. The
data directory is created on first use.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from cauterize.ingest.sources import DEFAULT_MAX_RECORD_BYTES

DEFAULT_DATA_DIR = ".cauterize"


@dataclass
class Config:
    data_dir: Path = Path(DEFAULT_DATA_DIR)
    #: SQLAlchemy URL; defaults to SQLite in the data directory.
    database_url: str | None = None
    reorder_window_seconds: float = 300.0
    batch_size: int = 50_000
    max_batch_seconds: float = 5.0
    max_hold_seconds: float = 2.0
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES
    detectors: dict[str, dict[str, Any]] = field(default_factory=dict)
    policy: dict[str, Any] = field(default_factory=dict)
    server: dict[str, Any] = field(default_factory=lambda: {"host": "127.0.0.1", "port": 8000})
    #: The review console: sessions, sinks, circuit breakers, SLAs (see docs/console.md).
    review: dict[str, Any] = field(default_factory=dict)
    #: Network mapping, coordination and census (see docs/network.md).
    network: dict[str, Any] = field(default_factory=dict)
    source: Path | None = None

    @property
    def store_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'cauterize.db').resolve()}"

    @property
    def reorder_window(self) -> timedelta:
        return timedelta(seconds=self.reorder_window_seconds)


def user_config_path() -> Path:
    """The per-user config (``cauterize init --user``): used when no other is given or found."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "cauterize" / "cauterize.toml"


def describe(cfg: Config) -> str:
    """One line for the top of a run: which file configured it, and where the data goes."""
    origin = (
        str(cfg.source) if cfg.source else "built-in defaults (no cauterize.toml found; `cauterize init` writes one)"
    )
    return f"config: {origin}; store: {cfg.store_url}"


_KNOWN = {"data_dir", "database", "ingest", "detectors", "policy", "server", "review", "network"}


def load_config(path: str | Path | None = None) -> Config:
    if path is None:
        env = os.environ.get("CAUTERIZE_CONFIG")
        if env:
            path = env
        elif Path("cauterize.toml").exists():
            path = "cauterize.toml"
        elif user_config_path().exists():
            path = user_config_path()
    cfg = Config()
    if os.environ.get("CAUTERIZE_DATA_DIR"):
        cfg.data_dir = Path(os.environ["CAUTERIZE_DATA_DIR"])
    if os.environ.get("CAUTERIZE_DATABASE_URL"):
        cfg.database_url = os.environ["CAUTERIZE_DATABASE_URL"]
    if path is None:
        return cfg
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: not valid TOML: {exc}") from None
    unknown = set(raw) - _KNOWN
    if unknown:
        raise ValueError(f"{path}: unknown section(s) {sorted(unknown)}; known: {sorted(_KNOWN)}")
    from cauterize.config_check import check

    problems = check(raw)
    if problems:
        raise ValueError(f"{path}: " + ("\n  ".join(["invalid configuration:", *problems])))
    cfg.source = path
    if "data_dir" in raw and not os.environ.get("CAUTERIZE_DATA_DIR"):
        cfg.data_dir = (path.parent / raw["data_dir"]).resolve()
    if "url" in raw.get("database", {}) and not os.environ.get("CAUTERIZE_DATABASE_URL"):
        cfg.database_url = raw["database"]["url"]
    ingest = raw.get("ingest", {})
    cfg.reorder_window_seconds = float(ingest.get("reorder_window_seconds", cfg.reorder_window_seconds))
    cfg.batch_size = int(ingest.get("batch_size", cfg.batch_size))
    cfg.max_batch_seconds = float(ingest.get("max_batch_seconds", cfg.max_batch_seconds))
    cfg.max_hold_seconds = float(ingest.get("max_hold_seconds", cfg.max_hold_seconds))
    cfg.max_record_bytes = int(ingest.get("max_record_bytes", cfg.max_record_bytes))
    cfg.detectors = raw.get("detectors", {})
    cfg.policy = raw.get("policy", {})
    cfg.server = {**cfg.server, **raw.get("server", {})}
    cfg.review = raw.get("review", {})
    cfg.network = raw.get("network", {})
    return cfg
