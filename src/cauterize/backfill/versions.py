"""What a backfill's results were scored with: detector, model and bank versions.

A retro-hunt is only worth keeping if one can say later which bank or model found what, so every
run report and every Parquet file of results carries these. A bank has no version field of its
own: its version here is a digest of its entries (id, type, value, labels), which changes when
an entry is added, removed or relabelled and not when the same bank is loaded again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from cauterize.detectors.base import Detector


def bank_version(bank: Any) -> str:
    h = hashlib.sha256()
    for e in sorted(bank.entries, key=lambda e: e.id):
        for part in (e.id, e.signal_type, e.value, *bank.labels_of(e)):
            h.update(part.encode())
            h.update(b"\x00")
        h.update(b"\x01")
    return h.hexdigest()[:16]


def describe(detectors: Sequence[Detector]) -> dict[str, Any]:
    """``{"detectors": {name: version}, "banks": {name: {...}}, "models": {name: version}}``."""
    out: dict[str, Any] = {"detectors": {d.name: str(d.version) for d in detectors}, "banks": {}, "models": {}}
    for d in detectors:
        bankset = getattr(d, "bankset", None)
        if bankset is not None:
            for name, bank in bankset.banks.items():
                out["banks"][name] = {"version": bank_version(bank), "entries": len(bank.entries)}
        for task, cascade in getattr(d, "_cascades", ()):
            tiers = [cascade.fast, *([cascade.strong] if getattr(cascade, "strong", None) is not None else [])]
            out["models"][f"{d.name}.{task}"] = sorted({str(getattr(m, "version", "?")) for m in tiers})
        engine = getattr(d, "engine", None)
        model = getattr(engine, "model", None)
        if model is not None and getattr(model, "version", None):
            out["models"][f"{d.name}.link_model"] = [str(model.version)]
    return out
