#!/usr/bin/env bash
# Train the link model on randomised worlds only (the evaders' habits drawn from each seed):
#
#   bash bench/evasion_train.sh bench/out/train src/cauterize/evasion/link_model.json
#
# Training seeds 101-112 on bench/scenarios/evasion.toml. Tuning looked at seeds 151-152 only;
# held-out evaluation uses fresh seeds (201-216 so far) and the second generator (atproto 301-314), never seen here.
set -euo pipefail
out=$1 model=$2
cli=${CAUTERIZE:-.venv/bin/cauterize}
mkdir -p "$out"
args=()
for seed in $(seq 101 112); do
  "$cli" sim -q --scenario bench/scenarios/evasion.toml --randomise --seed "$seed" \
    --out "$out/r$seed.jsonl" --truth "$out/r$seed.truth.jsonl"
  args+=(--events "$out/r$seed.jsonl" --truth "$out/r$seed.truth.jsonl")
done
"$cli" evasion train "${args[@]}" --version link-lr-5 --out "$model"
