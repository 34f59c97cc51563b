"""Census plot (matplotlib, Agg backend; imported only when a plot is asked for)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from cauterize.network.census import CensusDay


def require_matplotlib() -> None:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise RuntimeError("plots need matplotlib: pip install 'cauterize[plot]'") from None


def census_plot(days: Sequence[CensusDay], path: str | Path, title: str, method: str) -> None:
    require_matplotlib()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = list(range(len(days)))
    labels = [d.day for d in days]
    fig, (ax, ax2) = plt.subplots(2, 1, figsize=(9, 6.5), sharex=True, gridspec_kw={"height_ratios": [3, 2]})
    ax.fill_between(x, [d.low for d in days], [d.high for d in days], alpha=0.25, color="tab:red", label="90% interval")
    ax.plot(x, [d.active for d in days], "o-", color="tab:red", label="active network accounts (estimate)")
    width = 0.35
    ax.bar([i - width / 2 for i in x], [d.created for d in days], width, color="tab:blue", alpha=0.7, label="created")
    ax.bar(
        [i + width / 2 for i in x], [d.suspended for d in days], width, color="tab:gray", alpha=0.7, label="suspended"
    )
    from matplotlib.ticker import MaxNLocator

    partial = [i for i, d in enumerate(days) if d.partial]
    for i in partial:
        # A day the data ends in: its counts cover part of it, so it is shaded, not read as a drop.
        for a in (ax, ax2):
            a.axvspan(i - 0.5, i + 0.5, color="0.85", alpha=0.6, zorder=0)
        ax.annotate("partial day", (i, 0), xytext=(0, 4), textcoords="offset points", ha="center", fontsize=7)
    ax.set_ylabel("accounts")
    ax.set_title(title)
    ax.legend(loc="upper right", fontsize=8)
    ax.grid(alpha=0.3)
    ax2.plot(x, [d.followers for d in days], "s-", color="tab:purple")
    ax2.set_ylabel("followers reached")
    ax2.grid(alpha=0.3)
    # Counts: whole numbers, from zero (a flat series made matplotlib centre the axis on it).
    for a in (ax, ax2):
        a.yaxis.set_major_locator(MaxNLocator(integer=True))
        a.set_ylim(0, max(a.get_ylim()[1], 1))
    ax2.set_xticks(x, labels, rotation=30, ha="right")
    import textwrap

    fig.text(0.01, 0.005, textwrap.fill(method, 170), fontsize=7, color="0.35", va="bottom")
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    fig.savefig(path, dpi=110)
    plt.close(fig)
