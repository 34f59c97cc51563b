#!/usr/bin/env bash
# End-to-end quality of the pipeline on a simulated world whose truth is known:
#
#   bash bench/evasion_eval.sh bench/scenarios/medium.toml 5 bench/out/medium-5
#
# simulates the world (seed 5), ingests it with the repository's cauterize.toml (its own store
# under OUTDIR), exports the decisions and runs `cauterize eval`. The report lands in
# OUTDIR/report.md and OUTDIR/report.json (with the naive edit-distance rule beside cauterize's
# ban-evasion figures). link-lr-4 was trained on randomised worlds only (bench/evasion_train.sh);
# bench/evasion_worlds.sh runs many worlds, including the second generator, in one go.
#
# TRUSTED=1 gives the policy the platform's list of known watchers (journalists, researchers,
# counter-messaging, monitors, news desks, police, government; not parody or look-alike
# accounts), taken from the truth as a platform would keep it, as `policy.trusted_file`.
set -euo pipefail
scenario=$1 seed=$2 out=$3
cli=${CAUTERIZE:-.venv/bin/cauterize}
here=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
rm -rf "$out/.cauterize"
cp "$here/cauterize.toml" "$out/cauterize.toml"
t0=$(date +%s)
"$cli" sim --scenario "$scenario" --seed "$seed" --out "$out/events.jsonl" --truth "$out/truth.jsonl"
if [[ -n "${TRUSTED:-}" ]]; then
  python3 - "$out/truth.jsonl" > "$out/trusted.txt" <<'PY'
import json, sys
roles = {"journalist", "researcher", "counter_messaging", "monitor", "news", "police", "government"}
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    if r.get("kind") == "account" and r.get("label") == "confounder" and r.get("role") in roles:
        print(f"{r['platform']}:{r['account_id']}")
PY
  sed -i "/^\[policy\]/a trusted_file = \"$(cd "$out" && pwd)/trusted.txt\"" "$out/cauterize.toml"
fi
t1=$(date +%s)
"$cli" ingest -q -c "$out/cauterize.toml" "$out/events.jsonl"
t2=$(date +%s)
"$cli" decisions export -c "$out/cauterize.toml" --format jsonl -o "$out/decisions.jsonl"
"$cli" eval --truth "$out/truth.jsonl" --decisions "$out/decisions.jsonl" --events "$out/events.jsonl" \
  --json "$out/report.json" --markdown "$out/report.md"
echo "sim ${seed}: simulate $((t1 - t0)) s, ingest $((t2 - t1)) s, events $(wc -l < "$out/events.jsonl")"
