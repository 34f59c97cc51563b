"""The world's parameters: every knob has a documented default and can be set from a scenario TOML.

A scenario file mirrors the dataclasses: top-level keys for :class:`WorldConfig`, then tables
``[benign]``, ``[enforcement]``, ``[recidivism]``, ``[confounders]``, ``[attacks]`` and one
``[[networks]]`` table per network. Unknown keys are an error, so a typo does not silently
fall back to a default.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


@dataclass
class BenignConfig:
    #: Ordinary accounts that exist when the simulation starts.
    accounts: int = 1_000
    #: New ordinary sign-ups per simulated day, as a fraction of ``accounts``.
    signups_per_day: float = 0.002
    #: Language mix (ISO 639-1 code -> weight). Templates exist for en, ar, fr, es, id, tr.
    languages: dict[str, float] = field(
        default_factory=lambda: {"en": 0.55, "ar": 0.2, "fr": 0.1, "es": 0.1, "id": 0.05}
    )
    #: Pareto shape of follower counts: smaller is heavier-tailed (1.2 gives a few accounts with 10^5+).
    follower_pareto_alpha: float = 1.2
    #: Minimum follower count (the Pareto scale).
    follower_min: int = 5
    #: Mean actions (posts, follows, ...) per account per day; individual rates are log-normal.
    actions_per_day: float = 1.4
    #: Log-normal sigma of the per-account activity rate (larger: a few very active accounts).
    activity_sigma: float = 1.2
    #: Share of actions that are posts, follows, unfollows, profile changes, deletions, reports.
    action_mix: dict[str, float] = field(
        default_factory=lambda: {
            "post": 0.70,
            "follow": 0.20,
            "unfollow": 0.03,
            "profile": 0.03,
            "delete": 0.02,
            "report": 0.02,
        }
    )
    #: Share of ordinary posts that reply to a recent post / mention an account.
    reply_share: float = 0.2
    mention_share: float = 0.15
    #: Share of ordinary accounts whose display name is a generic one (``names.GENERIC_DISPLAY``).
    generic_display_share: float = 0.0


@dataclass
class NetworkConfig:
    name: str = "Ashen Banner"
    #: Lower-case stem used in official handles.
    slug: str = "ashen"
    hashtags: list[str] = field(default_factory=lambda: ["AshenBanner", "AshenDawn", "GreyStandard"])
    regions: list[str] = field(default_factory=lambda: ["north", "delta", "coast", "valley"])
    #: Language mix of the network's accounts.
    languages: dict[str, float] = field(default_factory=lambda: {"ar": 0.6, "en": 0.3, "fr": 0.1})
    #: Accounts per role at the start.
    official: int = 2
    media: int = 3
    affiliates: int = 4
    amplifiers: int = 12
    recruiters: int = 3
    sympathisers: int = 40
    #: Posts per account per day, by role.
    posts_per_day: dict[str, float] = field(
        default_factory=lambda: {
            "official": 4.0,
            "media": 3.0,
            "affiliate": 3.0,
            "amplifier": 12.0,
            "recruiter": 4.0,
            "sympathiser": 1.5,
        }
    )
    #: Media releases (video/audio) per official/media account per day.
    releases_per_day: float = 0.5
    #: Reposts of a release by amplifiers and sympathisers (expected count).
    reposts_per_release: float = 6.0
    #: Questions put to each recruiter per day (answered by a reply within minutes).
    questions_per_recruiter_per_day: float = 3.0
    #: Initial follower counts: Pareto minimum by role (alpha is ``follower_pareto_alpha``).
    follower_min: dict[str, int] = field(
        default_factory=lambda: {
            "official": 800,
            "media": 500,
            "affiliate": 200,
            "amplifier": 80,
            "recruiter": 60,
            "sympathiser": 10,
        }
    )
    follower_pareto_alpha: float = 1.5


@dataclass
class EnforcementConfig:
    #: Hazard of suspension per account per day, by role (lifetime ~ Exponential(rate)).
    suspension_rate_per_day: dict[str, float] = field(
        default_factory=lambda: {
            "official": 1.0,
            "media": 0.8,
            "affiliate": 0.5,
            "amplifier": 0.4,
            "recruiter": 0.3,
            "sympathiser": 0.1,
        }
    )
    #: A media release gets its account suspended after a log-normal delay with this median.
    release_suspension_median_minutes: float = 240.0
    release_suspension_sigma: float = 0.8
    reason: str = "terrorism"
    #: Posts the platform removes before suspending, per suspension (expected count).
    post_removals_per_suspension: float = 0.5


@dataclass
class RecidivismConfig:
    #: Chance that a suspended actor comes back (per suspension).
    return_probability: float = 0.85
    #: Incarnations per persona at most (the original counts as the first).
    max_incarnations: int = 8
    #: Minutes from suspension to the replacement's creation: log-normal with this median.
    return_median_minutes: float = 12.0
    return_sigma: float = 1.0
    #: How the new handle is derived from the old one (weights).
    techniques: dict[str, float] = field(
        default_factory=lambda: {
            "digit_suffix": 0.22,
            "increment": 0.18,
            "separator": 0.12,
            "swap": 0.08,
            "double": 0.08,
            "homoglyph": 0.10,
            "transliteration": 0.10,
            "new_name": 0.12,
        }
    )
    same_display_name_probability: float = 0.6
    same_avatar_probability: float = 0.5
    #: A replacement that changes its display name picks a generic one (shared by many) this often.
    generic_display_name_probability: float = 0.0
    #: A replacement posts in another of its network's languages this often.
    change_language_probability: float = 0.0
    #: Official/media replacements that stay private until their next media release.
    protected_until_release_probability: float = 0.4
    #: Minutes from creation to a protected account's release (log-normal median).
    protected_release_median_minutes: float = 180.0
    #: Share of the parent's followers who follow the replacement.
    refollow_probability: float = 0.35
    #: Mean minutes from creation to a returning follower's follow (exponential).
    refollow_mean_minutes: float = 90.0
    #: Amplifier shout-outs ("new account @x") per replacement (expected count).
    shoutouts_per_return: float = 3.0
    #: Mean minutes from creation to a shout-out (exponential).
    shoutout_mean_minutes: float = 8.0
    #: Mean minutes from creation to an unprotected replacement's first post (exponential).
    first_post_mean_minutes: float = 20.0


@dataclass
class ConfounderConfig:
    """Accounts that interact with the networks or resemble them and must not be actioned."""

    journalists: int = 8
    researchers: int = 6
    monitors: int = 3
    police: int = 3
    government: int = 3
    counter_messaging: int = 5
    news: int = 6
    lookalikes: int = 30
    parody: int = 4
    #: Innocent look-alikes signing up while the world runs (per day): a handle close to a live
    #: network account's, their own picture and name, ordinary posts.
    lookalike_signups_per_day: float = 0.0
    #: Posts per account per day by type (raised during attacks for news, police, government).
    posts_per_day: dict[str, float] = field(
        default_factory=lambda: {
            "journalist": 6.0,
            "researcher": 4.0,
            "monitor": 10.0,
            "police": 1.0,
            "government": 1.0,
            "counter_messaging": 12.0,
            "news": 8.0,
            "lookalike": 1.5,
            "parody": 2.0,
        }
    )
    #: Journalists/researchers/monitors who follow each new network account (expected count, by
    #: role): watchers follow the outlets, rarely the rank and file.
    watcher_follows_per_return: dict[str, float] = field(
        default_factory=lambda: {
            "official": 6.0,
            "media": 6.0,
            "affiliate": 3.0,
            "amplifier": 1.0,
            "recruiter": 1.0,
            "sympathiser": 0.2,
        }
    )
    #: Mean minutes from a network account's creation to a watcher's follow (exponential).
    watcher_follow_mean_minutes: float = 120.0


@dataclass
class AttackConfig:
    #: Number of attacks; start times are drawn uniformly over the run unless ``at_hours`` is set.
    count: int = 1
    at_hours: list[float] = field(default_factory=list)
    duration_hours: float = 6.0
    #: Multiplier on network posting and on news/police/government posting during an attack.
    burst_multiplier: float = 5.0
    #: Threat posts per network account per day during an attack.
    threats_per_account_per_day: float = 0.5
    #: Named people threatened (synthetic). ``employees`` are the platform's own staff.
    public_figures: list[str] = field(default_factory=lambda: ["Mayor Exampleton", "Minister Placeholder"])
    employees: list[str] = field(default_factory=lambda: ["Dana Sampleworker", "Lee Testington"])
    #: Share of ordinary posts that join the hashtag storm during an attack.
    storm_share: float = 0.02


@dataclass
class WorldConfig:
    scenario: str = "default"
    seed: int = 1
    platform: str = "sim"
    start: datetime = datetime(2026, 1, 5, tzinfo=UTC)
    #: Simulated duration.
    days: float = 3.0
    #: Events are generated and sorted one window at a time; memory scales with one window.
    window_minutes: int = 60
    #: Pre-existing accounts are announced (account_created) over this many first minutes, and act afterwards.
    onboarding_minutes: int = 60
    benign: BenignConfig = field(default_factory=BenignConfig)
    networks: list[NetworkConfig] = field(default_factory=lambda: [NetworkConfig()])
    enforcement: EnforcementConfig = field(default_factory=EnforcementConfig)
    recidivism: RecidivismConfig = field(default_factory=RecidivismConfig)
    confounders: ConfounderConfig = field(default_factory=ConfounderConfig)
    attacks: AttackConfig = field(default_factory=AttackConfig)

    def to_dict(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out["start"] = self.start.isoformat().replace("+00:00", "Z")
        return out


_SECTIONS: dict[str, type] = {
    "benign": BenignConfig,
    "enforcement": EnforcementConfig,
    "recidivism": RecidivismConfig,
    "confounders": ConfounderConfig,
    "attacks": AttackConfig,
}


def _build(cls: type, data: dict[str, Any], where: str) -> Any:
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - names)
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {unknown}; known: {sorted(names)}")
    defaults = cls()
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        default = getattr(defaults, key)
        # Partial tables merge into the default mapping, so a scenario can change one role's rate.
        kwargs[key] = {**default, **value} if isinstance(default, dict) and isinstance(value, dict) else value
    return cls(**kwargs)


def config_from_dict(data: dict[str, Any]) -> WorldConfig:
    data = dict(data)
    kwargs: dict[str, Any] = {}
    for name, cls in _SECTIONS.items():
        if name in data:
            kwargs[name] = _build(cls, data.pop(name), f"[{name}]")
    if "networks" in data:
        kwargs["networks"] = [
            _build(NetworkConfig, n, f"[[networks]] #{i + 1}") for i, n in enumerate(data.pop("networks"))
        ]
    if "start" in data:
        start = data.pop("start")
        if isinstance(start, str):
            start = datetime.fromisoformat(start)
        if start.tzinfo is None:
            raise ValueError("start must carry a timezone (e.g. 2026-01-05T00:00:00Z)")
        kwargs["start"] = start.astimezone(UTC)
    top = _build(WorldConfig, data, "scenario")
    return dataclasses.replace(top, **kwargs)


def load_scenario(path: str | Path) -> WorldConfig:
    with Path(path).open("rb") as fp:
        data = tomllib.load(fp)
    cfg = config_from_dict(data)
    if cfg.scenario == "default":
        cfg.scenario = Path(path).stem
    return cfg
