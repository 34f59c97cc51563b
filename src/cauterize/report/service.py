"""One call from a config and a store to the report: what the CLI, the API and the console page share."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from cauterize.report.build import build_report, census_for


def parse_bound(value: str | None, end: bool = False) -> datetime | None:
    """``YYYY-MM-DD`` or an ISO time (UTC when no zone is given). A bare date as the end of the
    window includes that whole day, as a reader of "--to 2026-01-31" expects."""
    if not value:
        return None
    try:
        t = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"not a date or ISO time: {value!r} (e.g. 2026-01-31 or 2026-01-31T12:00Z)") from None
    t = t if t.tzinfo else t.replace(tzinfo=UTC)
    if end and len(value) == 10:
        t += timedelta(days=1)
    return t.astimezone(UTC)


def network_settings(cfg: Any) -> Any:
    from cauterize.network.service import NetworkSettings

    settings = NetworkSettings.from_config(getattr(cfg, "network", {}) or {})
    if settings.cache_dir is None:
        settings.cache_dir = str(cfg.data_dir / "network")
    return settings


def trusted_check(cfg: Any) -> Any:
    """The policy's trusted list (journalists, researchers, ...), or None when the policy has none."""
    from cauterize.policy.registry import build_policy

    return getattr(build_policy(cfg.policy), "is_trusted", None)


def report_for(
    cfg: Any,
    store: Any,
    period: str = "day",
    start: datetime | None = None,
    end: datetime | None = None,
    platform: str | None = None,
    census: bool = True,
    rounds: int | None = None,
    now: datetime | None = None,
    baseline: bool = True,
) -> dict[str, Any]:
    from cauterize.network import persist
    from cauterize.report.baseline import edit_distance_links

    plat = persist.default_platform(store, platform)
    c = census_for(store, network_settings(cfg), plat, rounds) if census else None
    b = edit_distance_links(store, plat) if baseline else None
    return build_report(store, plat, period, start, end, is_trusted=trusted_check(cfg), census=c, baseline=b, now=now)
