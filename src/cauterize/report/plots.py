"""The report's plots as PNG bytes (matplotlib, the ``plot`` extra; Agg backend, imported lazily).

Without matplotlib :func:`plots` returns no images and a reason, and the report says plots are off.
"""

from __future__ import annotations

import io
import textwrap
from typing import Any


def plots_off() -> str | None:
    """Why plots cannot be drawn here, or None when they can."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return "plots are off: matplotlib is not installed (pip install 'cauterize[plot]')"
    return None


def _png(fig: Any) -> bytes:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    plt.close(fig)
    return buf.getvalue()


def census_png(census: dict[str, Any]) -> bytes | None:
    days = census.get("days") or []
    if not days:
        return None
    import matplotlib.pyplot as plt

    x = list(range(len(days)))
    fig, ax = plt.subplots(figsize=(9, 4.2))
    ax.fill_between(
        x, [d["low"] for d in days], [d["high"] for d in days], alpha=0.25, color="tab:red", label="90% interval"
    )
    ax.plot(x, [d["active"] for d in days], "o-", color="tab:red", label="active network accounts (estimate)")
    ax.bar(x, [d["suspended"] for d in days], 0.5, color="tab:gray", alpha=0.7, label="suspended that day")
    waves = set(census.get("wave_days") or [])
    for i, d in enumerate(days):
        if d["day"] in waves:
            ax.axvspan(i - 0.5, i + 0.5, color="tab:orange", alpha=0.15, lw=0)
    if waves:
        ax.plot([], [], "s", color="tab:orange", alpha=0.4, label="suspension wave")
    ax.set_xticks(x, [d["day"] for d in days], rotation=30, ha="right", fontsize=8)
    ax.set_ylabel("accounts")
    ax.set_title("Network census per day")
    ax.legend(loc="upper right", fontsize=8)
    ax.grid(alpha=0.3)
    if census.get("method"):
        fig.text(0.01, 0.005, textwrap.fill(str(census["method"]), 160), fontsize=6.5, color="0.35", va="bottom")
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    return _png(fig)


def time_to_action_png(rows: list[dict[str, Any]]) -> bytes | None:
    if not rows:
        return None
    import matplotlib.pyplot as plt
    import numpy as np

    fig, ax = plt.subplots(figsize=(9, 3.6))
    hours = np.array([max(r["hours"], 0.0) for r in rows])
    top = max(float(hours.max()), 1.0)
    bins = np.linspace(0, top, min(40, max(5, len(rows) // 2)) + 1)
    sources = sorted({r["source"] for r in rows})
    ax.hist(
        [[r["hours"] for r in rows if r["source"] == s] for s in sources],
        bins=bins,
        stacked=True,
        label=[f"action by {s}" for s in sources],
    )
    for q, style in ((0.5, "-"), (0.9, "--")):
        v = float(np.quantile(hours, q))
        ax.axvline(v, color="k", ls=style, lw=1, label=f"{'median' if q == 0.5 else 'p90'} {v:.1f} h")
    ax.set_xlabel("hours from account creation to first action")
    ax.set_ylabel("accounts")
    ax.set_title("Time to action")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return _png(fig)


def return_latency_png(latency: list[float], relink: list[float]) -> bytes | None:
    if not latency and not relink:
        return None
    import matplotlib.pyplot as plt
    import numpy as np

    fig, axes = plt.subplots(1, 2, figsize=(9, 3.4))
    for ax, values, title, colour in (
        (axes[0], latency, "suspension → replacement created", "tab:purple"),
        (axes[1], relink, "replacement created → relinked by cauterize", "tab:green"),
    ):
        if values:
            v = np.array(values, float)
            # A few returns days later would squash the rest into one bar: draw up to the p95 and
            # say how many lie beyond it (and how many came before the suspension, a backup
            # account made in advance or a wrong link).
            top = max(float(np.quantile(v, 0.95)), 1.0)
            shown = v[(v >= 0) & (v <= top)]
            ax.hist(shown, bins=np.linspace(0, top, min(30, max(5, len(shown) // 2)) + 1), color=colour, alpha=0.8)
            ax.set_xlim(0, top * 1.02)
            ax.axvline(float(np.median(v)), color="k", lw=1, label=f"median {float(np.median(v)):.0f} min")
            ax.legend(fontsize=8)
            beyond, before = int((v > top).sum()), int((v < 0).sum())
            if beyond or before:
                note = f"{beyond} beyond {top:.0f} min" + (f", {before} negative" if before else "")
                ax.text(0.98, 0.6, note + " (not drawn)", ha="right", transform=ax.transAxes, fontsize=8)
        else:
            ax.text(0.5, 0.5, "none", ha="center", va="center", transform=ax.transAxes)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("minutes")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("returns")
    fig.tight_layout()
    return _png(fig)


def plots(report: dict[str, Any]) -> tuple[dict[str, bytes], str | None]:
    """name -> PNG for each plot the report has data for, and why plots are off (or None)."""
    why = plots_off()
    if why:
        return {}, why
    import matplotlib

    matplotlib.use("Agg")
    dist = report.get("distributions", {})
    out = {
        "census": census_png(report.get("census", {})),
        "time_to_action": time_to_action_png(dist.get("hours_creation_to_action", [])),
        "return_latency": return_latency_png(
            dist.get("minutes_suspension_to_return", []), dist.get("minutes_creation_to_relink", [])
        ),
    }
    return {k: v for k, v in out.items() if v is not None}, None
