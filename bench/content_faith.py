"""Religious speech and news headlines: two model sets side by side, on the same held-out frames.

2.2.0 appended frames to the suite's ``everyday_faith`` and ``report_attack`` lists, so the test
part of those functions grew and the training run's figures are not on 2.1.0's rows. This scores
both model sets on the test frames each function had in 2.1.0 ("old frames") and on the test
frames appended in 2.2.0 ("new frames", written before either model was scored on them), each at
its own per-language threshold; the threat model on the held-out HateCheck/MHC non-hateful
identity cases ("I love [group]", neutral mentions); and the issue's probe sentences.

    git show v:src/cauterize/models/<file> > bench/out/m210/<file>   # 2.1.0's seven files
    .venv/bin/python bench/content_faith.py --old bench/out/m210 --old-version 2.1.0 \
        [--new DIR] [--json bench/out/content_faith.json]

Needs ../shared/data for the HateCheck rows (skipped with a message when absent).
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

from cauterize.content import data
from cauterize.content.cascade import Cascade
from cauterize.content.functional import propaganda_cases, template_split
from cauterize.content.normalize import normalize
from cauterize.content.shipped import VERSION, load_cascade

#: Frames each function had in 2.1.0 (per language): template indices below this are "old".
OLD_FRAMES = {
    ("everyday_faith", "en"): 12,
    ("everyday_faith", "ar"): 12,
    ("everyday_faith", "fr"): 12,
    ("report_attack", "en"): 5,
    ("report_attack", "ar"): 4,
    ("report_attack", "fr"): 4,
}
#: The sentences issue 11 and the 2.1.0 model card quote (bland, or a wire headline).
PROBES = (
    ("en", "JazakAllah khair brother"),
    ("ar", "جزاك الله خيرا"),
    ("en", "Bismillah"),
    ("en", "Eid Mubarak everyone!"),
    ("en", "Pentagon confirms senior ISIS commander killed in drone strike near Mosul"),
    ("en", "Officials say a senior Islamic State commander was killed in an air strike"),
)


def _flag_rate(cascade: Cascade, rows: list[tuple[str, str]]) -> dict[str, Any]:
    flags = [cascade.score(normalize(t)) >= cascade.threshold_for(lang) for lang, t in rows]
    return {"n": len(flags), "flagged": sum(flags), "rate": round(sum(flags) / len(flags), 4) if flags else None}


def measure(cascades: dict[str, tuple[Cascade, Cascade]], root: Path) -> dict[str, Any]:
    out: dict[str, Any] = {"suite": {}, "hatecheck_identity_nh": {}, "probes": {}}
    cases = [c for c in propaganda_cases() if template_split(c.template) == "test"]
    for (function, lang), n_old in sorted(OLD_FRAMES.items()):
        picked = [c for c in cases if c.function == function and c.lang == lang]
        old = [(c.lang, c.text) for c in picked if int(c.template.rsplit("-", 1)[1]) < n_old]
        new = [(c.lang, c.text) for c in picked if int(c.template.rsplit("-", 1)[1]) >= n_old]
        for name, (prop, _) in cascades.items():
            out["suite"].setdefault(name, {})[f"{function}.{lang}"] = {
                "old_frames": _flag_rate(prop, old),
                "new_frames": _flag_rate(prop, new),
            }
    if (root / "threat_tests").is_dir():
        hc = [
            (e.lang, e.text)
            for e in data.hatecheck(root)
            if e.tag in ("ident_pos_nh", "ident_neutral_nh") and data.split_of(e.unit, 13) == "test"
        ]
        for name, (_, threat) in cascades.items():
            out["hatecheck_identity_nh"][name] = _flag_rate(threat, hc)
    else:
        out["hatecheck_identity_nh"] = f"skipped: no threat_tests under {root}"
    for name, (prop, _) in cascades.items():
        out["probes"][name] = [
            {"text": t, "score": round(prop.score(normalize(t)), 3), "threshold": prop.threshold_for(lang)}
            for lang, t in PROBES
        ]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--old", type=Path, required=True, help="directory of the older model set")
    ap.add_argument("--old-version", default="2.1.0")
    ap.add_argument("--new", type=Path, default=None, help="directory of the newer set (default: shipped)")
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("CAUTERIZE_SHARED_DATA", "../shared/data")))
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    cascades = {
        args.old_version: (
            load_cascade("propaganda", args.old_version, args.old),
            load_cascade("threat", args.old_version, args.old),
        ),
        VERSION: (load_cascade("propaganda", VERSION, args.new), load_cascade("threat", VERSION, args.new)),
    }
    out = measure(cascades, args.data)
    text = json.dumps(out, indent=2, ensure_ascii=False)
    print(text)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(text + "\n")


if __name__ == "__main__":
    main()
