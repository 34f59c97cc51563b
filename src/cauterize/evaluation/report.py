"""Rendering an :class:`~cauterize.evaluation.metrics.EvalReport`: Rich tables, markdown, JSON."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console
from rich.table import Table

from cauterize.evaluation.metrics import EvalReport


def fmt(value: Any, pct: bool = False) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.1%}" if pct else f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"
    return str(value)


def _overview_rows(r: EvalReport) -> list[tuple[str, ...]]:
    rows = []
    for name, c in (("end to end: flagged", r.flagged), ("end to end: actioned", r.actioned)):
        rows.append(
            (name, fmt(c["tp"]), fmt(c["fp"]), fmt(c["fn"]), fmt(c["precision"]), fmt(c["recall"]), fmt(c["f1"]), "–")
        )
    for d in r.detectors:
        c = d.confusion
        rows.append(
            (
                f"detector: {d.detector}",
                fmt(c["tp"]),
                fmt(c["fp"]),
                fmt(c["fn"]),
                fmt(c["precision"]),
                fmt(c["recall"]),
                fmt(c["f1"]),
                f"{fmt(d.roc_auc)} ({d.auc_source})" if d.roc_auc is not None else "–",
            )
        )
    return rows


def _evasion_rows(r: EvalReport) -> list[tuple[str, str]]:
    e = r.evasion
    return [
        ("replacement accounts", fmt(e.replacements)),
        ("flagged", f"{e.flagged} ({fmt(e.flagged_share, pct=True)})"),
        ("flagged before first post", f"{e.before_first_post} ({fmt(e.before_first_post_share, pct=True)})"),
        (
            "flagged before first post, or by the parent's takedown report if it posted before it",
            f"{e.before_first_post_or_report} ({fmt(e.before_first_post_or_report_share, pct=True)}; "
            f"{e.posted_before_report} posted before the report)",
        ),
        (
            "flagged before first post, naming an earlier incarnation",
            f"{e.before_first_post_right_parent} ({fmt(e.before_first_post_right_parent_share, pct=True)})",
        ),
        ("flagged before 10 followers", f"{e.before_10_followers} ({fmt(e.before_10_followers_share, pct=True)})"),
        ("minutes creation → flag, median", fmt(e.minutes_to_flag_median)),
        ("minutes creation → flag, p95", fmt(e.minutes_to_flag_p95)),
        ("followers at flag, median (reach before action)", fmt(e.followers_at_flag_median)),
        ("linked to a parent", fmt(e.linked)),
        ("correct parent linked", f"{e.correct_parent} ({fmt(e.correct_parent_share, pct=True)})"),
        ("correct parent ranked first", f"{e.correct_parent_first} ({fmt(e.correct_parent_first_share, pct=True)})"),
        ("linked to an earlier incarnation", f"{e.correct_lineage} ({fmt(e.correct_lineage_share, pct=True)})"),
        ("non-replacements linked (false links)", fmt(e.false_links)),
        ("review link precision", fmt(e.link_precision, pct=True)),
    ]


#: The targets of issue 19 for each world: (row, cauterize's figure, the naive rule's figure).
def _versus_rows(r: EvalReport) -> list[tuple[str, str, str]]:
    if r.naive is None:
        return []
    e, n = r.evasion, r.naive.evasion
    rows = [
        ("flagged before first post", e.before_first_post_share, n.before_first_post_share),
        (
            "… or by the takedown report (posted before it)",
            e.before_first_post_or_report_share,
            n.before_first_post_or_report_share,
        ),
        (
            "… naming an earlier incarnation",
            e.before_first_post_right_parent_share,
            n.before_first_post_right_parent_share,
        ),
        ("flagged before 10 followers", e.before_10_followers_share, n.before_10_followers_share),
        ("right parent", e.correct_parent_share, n.correct_parent_share),
        ("review link precision", e.link_precision, n.link_precision),
    ]
    out = [(name, fmt(a, pct=True), fmt(b, pct=True)) for name, a, b in rows]
    out.append(("confounders actioned automatically", fmt(r.harm_total.actioned), fmt(r.naive.harm_total.actioned)))
    out.append(("confounders flagged", fmt(r.harm_total.flagged), fmt(r.naive.harm_total.flagged)))
    out.append(("non-replacements linked", fmt(e.false_links), fmt(n.false_links)))
    return out


VERSUS_HEAD = ("ban evasion", "cauterize", "naive rule (edit distance <= 0.2)")


def _harm_rows(r: EvalReport) -> list[tuple[str, ...]]:
    rows = [
        (
            t,
            fmt(h.total),
            fmt(h.flagged),
            fmt(h.flagged_share, pct=True),
            fmt(h.actioned),
            fmt(h.actioned_share, pct=True),
        )
        for t, h in r.harm.items()
    ]
    h = r.harm_total
    rows.append(
        (
            "all confounders",
            fmt(h.total),
            fmt(h.flagged),
            fmt(h.flagged_share, pct=True),
            fmt(h.actioned),
            fmt(h.actioned_share, pct=True),
        )
    )
    return rows


OVERVIEW_HEAD = ("", "TP", "FP", "FN", "precision", "recall", "F1", "ROC-AUC")
HARM_HEAD = ("confounder type", "accounts", "flagged", "flagged %", "actioned", "actioned %")


def render(report: EvalReport, console: Console) -> None:
    console.print(
        f"[bold]{report.scenario}[/]: {report.accounts:,} accounts, {report.extremist:,} extremist, "
        f"{report.confounders:,} confounders, {report.decisions:,} decisions"
    )
    for title, head, rows in (
        ("Detection (accounts)", OVERVIEW_HEAD, _overview_rows(report)),
        ("Ban evasion (replacement accounts)", ("", "value"), _evasion_rows(report)),
        *(
            [("Ban evasion: cauterize vs the naive rule, same events", VERSUS_HEAD, _versus_rows(report))]
            if report.naive is not None
            else []
        ),
        ("Harm: confounders flagged or actioned", HARM_HEAD, _harm_rows(report)),
    ):
        table = Table(title=title, title_justify="left")
        for i, h in enumerate(head):
            table.add_column(h, justify="left" if i == 0 else "right")
        for row in rows:
            table.add_row(*row)
        console.print(table)
    console.print(f"ordinary users flagged: {report.benign_flagged}, actioned: {report.benign_actioned}")


def _md_table(head: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return "\n".join(lines)


def to_markdown(report: EvalReport) -> str:
    parts = [
        f"# Evaluation: {report.scenario}",
        "",
        f"{report.accounts:,} accounts, {report.extremist:,} extremist (all incarnations), "
        f"{report.confounders:,} confounders, {report.decisions:,} decisions.",
        "",
        "## Detection (accounts)",
        "",
        _md_table(OVERVIEW_HEAD, _overview_rows(report)),
        "",
        "## Ban evasion (replacement accounts)",
        "",
        _md_table(("metric", "value"), _evasion_rows(report)),
        "",
        _md_table(
            ("technique", "replacements", "flagged", "flagged %", "correct parent"),
            [
                (
                    t,
                    fmt(v["replacements"]),
                    fmt(v["flagged"]),
                    fmt(v["flagged_share"], pct=True),
                    fmt(v["correct_parent"]),
                )
                for t, v in report.evasion.by_technique.items()
            ],
        ),
        "",
        *(
            ["## Ban evasion: cauterize vs the naive rule", "", _md_table(VERSUS_HEAD, _versus_rows(report)), ""]
            if report.naive is not None
            else []
        ),
        *(
            [
                "### Calibration of ban-evasion links",
                "",
                _md_table(
                    ("probability", "links", "mean probability", "right (an earlier incarnation)"),
                    [
                        (b["band"], fmt(b["links"]), fmt(b["mean_probability"]), fmt(b["correct_share"], pct=True))
                        for b in report.evasion.calibration
                    ],
                ),
                "",
                f"Brier score: {fmt(report.evasion.brier)}.",
                "",
            ]
            if report.evasion.calibration
            else []
        ),
        "## Harm: confounders flagged or actioned",
        "",
        _md_table(HARM_HEAD, _harm_rows(report)),
        "",
        f"Ordinary users flagged: {report.benign_flagged}, actioned: {report.benign_actioned}.",
        "",
    ]
    return "\n".join(parts)


def to_json(report: EvalReport) -> str:
    return json.dumps(report.to_dict(), indent=2, sort_keys=True, default=str)
