"""Worlds whose assumptions are drawn at random over wide ranges, for training and tuning.

A link model fitted on one simulator's fixed habits learns the habits (how soon a replacement
returns, how it renames, whether it keeps its picture) rather than identity. ``randomised``
draws every such assumption per world from a wide range, seeded, so that the model has to rely
on what holds in all of them. The ranges, and the seeds used for training, are documented in
docs/simulation.md; evaluation uses other seeds and the second generator (``sim.atproto``).
"""

from __future__ import annotations

import dataclasses
import math
import random
from typing import Any

from cauterize.sim import names
from cauterize.sim.config import WorldConfig


def _log_uniform(rng: random.Random, lo: float, hi: float) -> float:
    return math.exp(rng.uniform(math.log(lo), math.log(hi)))


def draw(seed: int) -> dict[str, Any]:
    """The assumptions of world ``seed``: a plain dict (it goes into the truth header)."""
    rng = random.Random(f"randomised-{seed}")
    # Every renaming habit gets a weight; about a third of them are switched off per world.
    techniques = {t: (rng.random() if rng.random() < 0.7 else 0.0) for t in names.TECHNIQUES}
    if not any(techniques.values()):
        techniques["new_name"] = 1.0
    promotion = rng.random() < 0.75
    return {
        "return_median_minutes": _log_uniform(rng, 2.0, 7 * 1440.0),
        "return_sigma": rng.uniform(0.3, 1.8),
        "techniques": techniques,
        "same_display_name_probability": rng.random(),
        "same_avatar_probability": rng.random(),
        "generic_display_name_probability": rng.uniform(0.0, 0.6),
        "change_language_probability": rng.uniform(0.0, 0.3),
        "shoutouts_per_return": rng.uniform(0.5, 5.0) if promotion else 0.0,
        "refollow_probability": rng.uniform(0.0, 0.6) if promotion else rng.uniform(0.0, 0.05),
        "first_post_mean_minutes": _log_uniform(rng, 2.0, 600.0),
        "lookalikes": rng.randint(0, 200),
        "lookalike_signups_per_day": _log_uniform(rng, 1.0, 60.0),
        "generic_display_share": rng.uniform(0.0, 0.05),
    }


def randomised(cfg: WorldConfig, seed: int) -> WorldConfig:
    """``cfg`` with the assumptions of world ``seed`` drawn at random (the seed also seeds the world)."""
    d = draw(seed)
    recidivism = dataclasses.replace(
        cfg.recidivism,
        return_median_minutes=d["return_median_minutes"],
        return_sigma=d["return_sigma"],
        techniques=d["techniques"],
        same_display_name_probability=d["same_display_name_probability"],
        same_avatar_probability=d["same_avatar_probability"],
        generic_display_name_probability=d["generic_display_name_probability"],
        change_language_probability=d["change_language_probability"],
        shoutouts_per_return=d["shoutouts_per_return"],
        refollow_probability=d["refollow_probability"],
        first_post_mean_minutes=d["first_post_mean_minutes"],
    )
    confounders = dataclasses.replace(
        cfg.confounders, lookalikes=d["lookalikes"], lookalike_signups_per_day=d["lookalike_signups_per_day"]
    )
    benign = dataclasses.replace(cfg.benign, generic_display_share=d["generic_display_share"])
    return dataclasses.replace(
        cfg,
        seed=seed,
        scenario=f"{cfg.scenario}-randomised",
        recidivism=recidivism,
        confounders=confounders,
        benign=benign,
    )
