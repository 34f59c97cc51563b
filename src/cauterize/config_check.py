"""Checking a parsed ``cauterize.toml`` before anything runs, naming the key that is wrong.

A misspelt option used to end in a traceback (detectors), or be ignored ([ingest]), and a wrong
type named no key. Every section is checked here against what reads it, so that adding a
detector, a policy or a settings field extends the check without editing it: the options of a
detector or a policy are the parameters of its constructor, those of ``[review]`` and
``[network]`` the fields of their settings classes. Values are type-checked with pydantic and
never rewritten: what the check passes is what the code receives.
"""

from __future__ import annotations

import dataclasses
import inspect
import typing
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

_STRICT = ConfigDict(extra="forbid", arbitrary_types_allowed=True)


class _Ingest(BaseModel):
    model_config = _STRICT
    reorder_window_seconds: float = Field(300.0, ge=0)
    batch_size: int = Field(50_000, ge=1)
    max_batch_seconds: float = Field(5.0, gt=0)
    max_hold_seconds: float = Field(2.0, ge=0)
    max_record_bytes: int = Field(4_194_304, ge=1024)


class _Database(BaseModel):
    model_config = _STRICT
    url: str | None = None


class _RateLimits(BaseModel):
    model_config = _STRICT
    client: float = Field(6000, gt=0)
    credential: float = Field(1200, gt=0)


class _Server(BaseModel):
    model_config = _STRICT
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    rate_limit_per_minute: _RateLimits = _RateLimits()


def _describe(err: Mapping[str, Any]) -> str:
    loc = ".".join(str(p) for p in err["loc"])
    if err["type"] == "extra_forbidden":
        return f"{loc}: unknown key"
    if err["type"] == "missing":
        return f"{loc}: required"
    return f"{loc} = {err.get('input')!r}: {err['msg']}"


@cache
def _params_model(target: Callable[..., Any], name: str) -> type[BaseModel]:
    """A model of a constructor's keyword parameters (``**kwargs`` admits any other key)."""
    sig = inspect.signature(target)
    try:
        hints = typing.get_type_hints(target)
    except Exception:  # an annotation that does not resolve: check names only
        hints = {}
    fields: dict[str, Any] = {}
    open_ended = False
    for pname, p in sig.parameters.items():
        if pname == "self" or p.kind is p.VAR_POSITIONAL:
            continue
        if p.kind is p.VAR_KEYWORD:
            open_ended = True
            continue
        default = ... if p.default is p.empty else p.default
        fields[pname] = (hints.get(pname, Any), default)
    config = ConfigDict(extra="allow" if open_ended else "forbid", arbitrary_types_allowed=True)
    return create_model(name, __config__=config, **fields)


def _check(model: type[BaseModel], section: str, raw: Any, problems: list[str]) -> None:
    if not isinstance(raw, Mapping):
        problems.append(f"[{section}] must be a table, not {type(raw).__name__}")
        return
    try:
        model.model_validate(dict(raw))
    except ValidationError as exc:
        known = ", ".join(sorted(model.model_fields))
        for err in exc.errors():
            line = f"[{section}] {_describe(err)}"
            if err["type"] == "extra_forbidden":
                line += f" (known: {known})"
            problems.append(line)


def _detectors(raw: Any, problems: list[str]) -> None:
    from cauterize.detectors.registry import detector_classes

    if not isinstance(raw, Mapping):
        problems.append("[detectors] must be a table of [detectors.NAME] tables")
        return
    classes = detector_classes()
    for name, options in raw.items():
        cls = classes.get(name)
        if cls is None:
            problems.append(f"[detectors.{name}]: unknown detector (known: {', '.join(classes)})")
            continue
        opts = dict(options) if isinstance(options, Mapping) else options
        if isinstance(opts, dict):
            enabled = opts.pop("enabled", None)
            if enabled is not None and not isinstance(enabled, bool):
                problems.append(f"[detectors.{name}] enabled = {enabled!r}: expected true or false")
        _check(_params_model(cls.__init__, f"{cls.__name__}Options"), f"detectors.{name}", opts, problems)


def _policy(raw: Any, problems: list[str]) -> None:
    from cauterize.policy.registry import policy_classes

    if not isinstance(raw, Mapping):
        problems.append("[policy] must be a table")
        return
    opts = dict(raw)
    name = opts.pop("name", "threshold")
    classes = policy_classes()
    if name not in classes:
        problems.append(f"[policy] name = {name!r}: unknown policy (known: {', '.join(sorted(classes))})")
        return
    _check(_params_model(classes[name].__init__, f"{name}PolicyOptions"), "policy", opts, problems)


def _review(raw: Any, problems: list[str]) -> None:
    from cauterize.review.settings import ReviewSettings

    fields = {
        f.name: (typing.get_type_hints(ReviewSettings).get(f.name, Any), None)
        for f in dataclasses.fields(ReviewSettings)
        if f.name != "data_dir"
    }
    # Paths are written as strings in TOML.
    fields["signing_key"] = (str | None, None)
    _check(create_model("ReviewOptions", __config__=_STRICT, **fields), "review", raw, problems)


def _network(raw: Any, problems: list[str]) -> None:
    from cauterize.network.service import NetworkSettings

    if not isinstance(raw, Mapping):
        problems.append("[network] must be a table")
        return
    try:
        NetworkSettings.from_config(dict(raw))
    except (ValueError, TypeError) as exc:
        problems.append(str(exc) if str(exc).startswith("[network]") else f"[network] {exc}")


def check(raw: Mapping[str, Any]) -> list[str]:
    """Every problem found in a parsed config file, one line each, naming section and key."""
    problems: list[str] = []
    if "data_dir" in raw and not isinstance(raw["data_dir"], str):
        problems.append(f"data_dir = {raw['data_dir']!r}: expected a path (a string)")
    for section, model in (("ingest", _Ingest), ("database", _Database), ("server", _Server)):
        if section in raw:
            _check(model, section, raw[section], problems)
    for section, fn in (("detectors", _detectors), ("policy", _policy), ("review", _review), ("network", _network)):
        if section in raw:
            fn(raw[section], problems)
    return problems
