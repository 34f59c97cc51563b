"""Propaganda recall on held-out pro-IS tweets that carry a propaganda function, and on those that don't.

The pro-IS data is labelled per account: every tweet of a pro-IS account counts as a positive,
greetings and prayers included. ``bench/content_pro_is_sample.json`` holds one annotator's labels
of 100 held-out English tweets drawn at random from the test-split accounts and of all 61 held-out
Arabic-script ones (keys are hashes of the text; no text is stored). This prints the shipped model's flag rate on each class beside the
TF-IDF + LR baselines (refitted here on the same training rows, thresholds chosen by the same rule
on the same calibration rows, exactly as ``cauterize models train`` does).

    .venv/bin/python bench/content_annotated.py [--json bench/out/content_annotated.json]

Needs ../shared/data and the ``train`` extra (scikit-learn). Takes about a minute.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
from pathlib import Path
from typing import Any

from cauterize.content import data
from cauterize.content.normalize import normalize
from cauterize.content.shipped import VERSION, load_cascade
from cauterize.content.train import TrainConfig, _cap_accounts, _fit_baselines, lang_of, propaganda_rows

SAMPLE = Path(__file__).with_name("content_pro_is_sample.json")


def _key(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _wilson(k: int, n: int) -> tuple[float, float]:
    """95% Wilson interval of k successes in n."""
    if not n:
        return (0.0, 0.0)
    z, p = 1.96, k / n
    mid = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (round(mid - half, 3), round(mid + half, 3))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    root = args.data or data.default_data_dir()
    labels = json.loads(SAMPLE.read_text())["labels"]
    cfg = TrainConfig()
    rows = propaganda_rows(root, cfg.seed)
    tests = {}
    for e, split in rows:
        if split == "test" and e.source == "extremist":
            tests.setdefault(_key(e.text), e)
    missing = [h for entries in labels.values() for h, _ in entries if h not in tests]
    if missing:
        raise SystemExit(f"{len(missing)} sampled tweets not found in the test split: wrong data or seed")
    cache: dict[str, str] = {}

    def norm(text: str) -> str:
        if text not in cache:
            cache[text] = normalize(text)
        return cache[text]

    baselines = _fit_baselines("propaganda", _cap_accounts(rows, cfg.max_per_account, cfg.seed), cfg, norm)
    cascade = load_cascade("propaganda")
    out: dict[str, Any] = {"version": VERSION}
    print(f"model set {VERSION}: flagged at each model's per-language threshold (95% Wilson interval)")
    print(f"{'sample':<14} {'n':>4} {'shipped':>16} {'baseline':>16} {'baseline_raw':>16}")
    for lang, entries in labels.items():
        for cls in ("function", "none"):
            texts = [tests[h].text for h, lab in entries if lab == cls]
            langs = [lang_of(tests[h]) for h, lab in entries if lab == cls]
            flags = {
                "shipped": [
                    cascade.score(norm(t)) >= cascade.threshold_for(lg) for t, lg in zip(texts, langs, strict=True)
                ]
            }
            for name, (model, th) in baselines.items():
                flags[name] = [s >= th[lg] for s, lg in zip(model.scores(texts), langs, strict=True)]
            row = {m: {"flagged": sum(f), "n": len(f), "ci95": _wilson(sum(f), len(f))} for m, f in flags.items()}
            out[f"{lang}.{cls}"] = row
            cells = [
                f"{row[m]['flagged'] / max(len(texts), 1):.0%} {row[m]['ci95'][0]:.0%}-{row[m]['ci95'][1]:.0%}"
                for m in ("shipped", "baseline", "baseline_raw")
            ]
            print(f"{lang + '.' + cls:<14} {len(texts):>4} " + " ".join(f"{c:>16}" for c in cells))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
