"""The link model: logistic regression over pair features, weights in a versioned JSON file.

Scoring is a dot product, so the product needs no ML library. Training (``fit``) is a
sign-constrained logistic regression solved with scipy (the ``train`` extra), on pairs collected
from simulated worlds where the true parent is known; the fitted weights are written back as JSON.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from cauterize.evasion.features import FEATURES

DEFAULT_MODEL = "link_model.json"


@dataclass(frozen=True)
class LinkModel:
    version: str
    weights: dict[str, float]
    bias: float
    trained_on: dict[str, Any]
    #: Share of the training worlds' network-promoted newcomers (``returns.py``) that were
    #: replacements: the score of an ``evasion.network_return`` lead. ``None``: no leads.
    network_return: float | None = None

    @cached_property
    def _items(self) -> list[tuple[str, float]]:
        # Zero weights cost a multiply on every candidate of every scoring; skip them.
        return [(k, w) for k in FEATURES if (w := self.weights[k])]

    @classmethod
    def load(cls, path: str | Path | None = None) -> LinkModel:
        if path is None:
            text = resources.files("cauterize.evasion").joinpath(DEFAULT_MODEL).read_text(encoding="utf-8")
        else:
            text = Path(path).read_text(encoding="utf-8")
        raw = json.loads(text)
        missing = set(FEATURES) - set(raw["weights"])
        if missing:
            raise ValueError(f"link model {raw.get('version')} lacks weights for {sorted(missing)}")
        returns = raw.get("network_return")
        return cls(
            raw["version"],
            {k: float(v) for k, v in raw["weights"].items()},
            float(raw["bias"]),
            raw.get("trained_on", {}),
            float(returns["probability"]) if returns else None,
        )

    def contributions(self, features: dict[str, float]) -> dict[str, float]:
        return {k: self.weights[k] * features[k] for k in FEATURES if features.get(k)}

    def probability(self, features: dict[str, float]) -> float:
        z = self.bias
        for k, w in self._items:
            z += w * features[k]
        return 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))

    def save(self, path: str | Path) -> None:
        raw: dict[str, Any] = {
            "version": self.version,
            "bias": self.bias,
            "weights": self.weights,
            "trained_on": self.trained_on,
        }
        if self.network_return is not None:
            raw["network_return"] = {"probability": self.network_return}
        Path(path).write_text(json.dumps(raw, indent=2, sort_keys=True) + "\n", encoding="utf-8")


#: Sign constraints on the weights (lower, upper; ``None``: unbounded). Similarity of a name,
#: picture, audience or content never lowers the probability, and time is monotone: the three
#: time indicators are non-negative, so a later return scores lower but by a bounded amount.
#: Popularity of a stem or display name only ever lowers it. Language is capped: in a simulator
#: a replacement keeps its language by construction, and the weight must not learn that habit.
BOUNDS: dict[str, tuple[float | None, float | None]] = {
    "stem_popularity": (None, 0.0),
    "display_name_popularity": (None, 0.0),
    # A display name that spells the handle out repeats the name's evidence: it may only take
    # back some of what the display-name similarity added.
    "display_name_echoes_handle": (None, 0.0),
    "same_language": (0.0, 1.0),
    # A return a week later with the same name, display name and picture must still link: time
    # may move the log-odds by at most 4.5 in all.
    "within_hour": (0.0, 1.5),
    "within_day": (0.0, 1.5),
    "within_week": (0.0, 1.5),
    # A backup kept in reserve with the parent's handle, display name and picture must still reach
    # review (p >= 0.3); a namesake with a similar handle and display name alone must not.
    "lived_alongside": (-5.5, 0.0),
    "superseded": (None, 0.0),
    # A second look-alike of a parent whose replacement is live is usually not a second return,
    # but a backup does happen: capped so that a name, picture and display name still link.
    "already_replaced": (-3.0, 0.0),
}
DEFAULT_BOUND: tuple[float | None, float | None] = (0.0, None)


def fit(
    rows: Sequence[dict[str, float]],
    labels: Sequence[int],
    version: str,
    trained_on: dict[str, Any],
    returns: tuple[int, int] = (0, 0),
    l2: float = 1.0,
) -> LinkModel:
    """Fit weights on labelled pairs (1: the true parent, 0: any other candidate).

    L2-penalised logistic regression with the sign constraints of ``BOUNDS`` (L-BFGS-B).
    ``returns``: network-promoted newcomers without a link seen in the training worlds, and how
    many of them were replacements; their smoothed share scores the network-return leads.
    """
    try:
        import numpy as np
        from scipy.optimize import minimize
    except ImportError as exc:  # pragma: no cover - depends on the extra
        raise RuntimeError("training needs numpy and scipy: pip install -e '.[train]'") from exc
    x = np.array([[r.get(k, 0.0) for k in FEATURES] for r in rows], dtype=float)
    y = np.array(labels, dtype=float)
    n = len(y)

    def loss(theta: Any) -> tuple[float, Any]:
        w, b = theta[:-1], theta[-1]
        z = x @ w + b
        # log(1 + e^z) - y z, stably; the mean keeps the penalty's scale independent of n.
        nll = float(np.sum(np.logaddexp(0.0, z) - y * z)) / n
        p = 1.0 / (1.0 + np.exp(-z))
        grad_w = x.T @ (p - y) / n + w * (l2 / n)
        grad_b = float(np.sum(p - y)) / n
        return nll + 0.5 * (l2 / n) * float(w @ w), np.append(grad_w, grad_b)

    bounds = [BOUNDS.get(k, DEFAULT_BOUND) for k in FEATURES] + [(None, None)]
    res = minimize(loss, np.zeros(len(FEATURES) + 1), jac=True, method="L-BFGS-B", bounds=bounds)
    # No class re-weighting: the output is read as a probability, and re-weighting would inflate it.
    weights = {k: round(float(w), 6) for k, w in zip(FEATURES, res.x[:-1], strict=True)}
    seen, replacements = returns
    trained_on = {**trained_on, "pairs": n, "positives": int(y.sum())}
    if seen:
        trained_on["network_returns"] = {"accounts": seen, "replacements": replacements}
    # Laplace smoothing: a perfect record on a few hundred accounts is not a certainty.
    share = round((replacements + 1) / (seen + 2), 4) if seen else None
    return LinkModel(version, weights, round(float(res.x[-1]), 6), trained_on, share)
