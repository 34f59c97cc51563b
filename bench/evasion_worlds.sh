#!/usr/bin/env bash
# Ban evasion on many worlds, cauterize beside the naive rule, each through the real commands:
#
#   bash bench/evasion_worlds.sh bench/out/worlds  randomised:201 randomised:202 atproto:301 ...
#
# Each WORLD is GENERATOR:SEED: `randomised` is `cauterize sim --randomise` on
# bench/scenarios/evasion.toml (the evaders' habits drawn from the seed), `atproto` is the
# second, Bluesky-shaped generator (`cauterize sim --generator atproto`), `small`/`medium` the
# fixed scenarios. Every world is simulated, ingested with the repository's cauterize.toml plus
# the platform's list of watchers as `policy.trusted_file` (TRUSTED) and automatic actions on
# (`policy.auto_actions = true`, off by default in the product), its decisions exported and
# scored by `cauterize eval --events` (which computes the naive rule from the same events).
# Reports land in OUT/<world>/report.{md,json}; a summary table on stdout. MODEL=path scores
# with another link model file (e.g. a candidate before it replaces the packaged one);
# REPORT_AT=p reports links from probability p and reviews them from p (both 0.3 by default).
set -euo pipefail
out=$1
shift
cli=${CAUTERIZE:-.venv/bin/cauterize}
here=$(cd "$(dirname "$0")/.." && pwd)
for world in "$@"; do
  gen=${world%%:*} seed=${world##*:}
  dir="$out/$gen-$seed"
  mkdir -p "$dir"
  rm -rf "$dir/.cauterize"
  cp "$here/cauterize.toml" "$dir/cauterize.toml"
  case $gen in
    randomised) "$cli" sim -q --scenario "$here/bench/scenarios/evasion.toml" --randomise --seed "$seed" --out "$dir/events.jsonl" --truth "$dir/truth.jsonl" ;;
    atproto) "$cli" sim -q --generator atproto --seed "$seed" --out "$dir/events.jsonl" --truth "$dir/truth.jsonl" ;;
    *) "$cli" sim -q --scenario "$here/bench/scenarios/$gen.toml" --seed "$seed" --out "$dir/events.jsonl" --truth "$dir/truth.jsonl" ;;
  esac
  python3 - "$dir/truth.jsonl" > "$dir/trusted.txt" <<'PY'
import json, sys
roles = {"journalist", "researcher", "counter_messaging", "monitor", "news", "police", "government"}
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    if r.get("kind") == "account" and r.get("label") == "confounder" and r.get("role") in roles:
        print(f"{r['platform']}:{r['account_id']}")
PY
  sed -i "/^\[policy\]/a trusted_file = \"$(cd "$dir" && pwd)/trusted.txt\"" "$dir/cauterize.toml"
  # Automatic actions on, so that "confounders actioned" counts what the automatic rules would do.
  sed -i "s/^auto_actions = false/auto_actions = true/" "$dir/cauterize.toml"
  if [[ -n "${MODEL:-}${REPORT_AT:-}" ]]; then
    grep -q '^\[detectors.evasion\]' "$dir/cauterize.toml" || printf '\n[detectors.evasion]\n' >> "$dir/cauterize.toml"
    [[ -z "${MODEL:-}" ]] || sed -i "/^\[detectors.evasion\]/a model = \"$(realpath "$MODEL")\"" "$dir/cauterize.toml"
  fi
  if [[ -n "${REPORT_AT:-}" ]]; then
    sed -i "/^\[detectors.evasion\]/a report_at = $REPORT_AT" "$dir/cauterize.toml"
    sed -i "s/\(name = \"ban-evasion-review\".*threshold = \)[0-9.]*/\1$REPORT_AT/" "$dir/cauterize.toml"
  fi
  "$cli" ingest -q -c "$dir/cauterize.toml" "$dir/events.jsonl"
  "$cli" decisions export -c "$dir/cauterize.toml" --format jsonl -o "$dir/decisions.jsonl"
  "$cli" eval --truth "$dir/truth.jsonl" --decisions "$dir/decisions.jsonl" --events "$dir/events.jsonl" \
    --json "$dir/report.json" --markdown "$dir/report.md" > "$dir/eval.txt"
done
python3 - "$out" "$@" <<'PY'
import json, sys
out, worlds = sys.argv[1], sys.argv[2:]
def pct(v):
    return "–" if v is None else f"{v:.1%}"
def nameless(d):
    """Replacements whose parent never showed a handle in the stream (no profile, no mention)."""
    named = set()
    for line in open(f"{d}/events.jsonl", encoding="utf-8"):
        e = json.loads(line)
        if e.get("handle"):
            named.add(e["actor"])
        for m in e.get("mentions", ()):
            if m.get("handle") and m.get("account_id"):
                named.add(m["account_id"])
    kids = [json.loads(x) for x in open(f"{d}/truth.jsonl", encoding="utf-8")]
    kids = [k for k in kids if k.get("kind") == "account" and k.get("generation", 0) > 0 and k["label"] == "extremist"]
    return sum(1 for k in kids if k["parent_account_id"] not in named)
print("cauterize (naive rule) on each world; 'nameless': replacements whose parent never showed a handle")
print("| world | replacements | nameless | before first post | … naming an earlier incarnation | … or by the takedown report | before 10 followers | right parent | link precision | confounders actioned | Brier |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for w in worlds:
    d = f"{out}/{w.replace(':', '-')}"
    r = json.load(open(f"{d}/report.json"))
    e, n = r["evasion"], r["naive"]["evasion"]
    cells = [f"{pct(e.get(k))} ({pct(n.get(k))})" for k in ("before_first_post_share", "before_first_post_right_parent_share", "before_first_post_or_report_share", "before_10_followers_share", "correct_parent_share", "link_precision")]
    brier = "–" if e.get("brier") is None else f"{e['brier']:.3f}"
    print(f"| {w} | {e['replacements']} | {nameless(d)} | " + " | ".join(cells) + f" | {r['harm_total']['actioned']} ({r['naive']['harm_total']['actioned']}) | {brier} |")
PY
