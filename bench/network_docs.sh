#!/usr/bin/env bash
# Regenerate the network pictures in docs/img from the small simulated world (seed 1):
#   bash bench/network_docs.sh [WORKDIR]
# docs/img/network-abu_talha.html  the interactive page (`cauterize network --html`)
# docs/img/network-graph.png       the same graph drawn by matplotlib (`cauterize network --png`)
# docs/img/network-page.png        a headless-Chromium screenshot of the page (skipped without chromium)
# docs/img/census.png              `cauterize census --plot`
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="${1:-/tmp/net-work/docs-world}"
cli="$repo/.venv/bin/cauterize"
mkdir -p "$work"
cd "$work"
if [ ! -f data/cauterize.db ]; then
  "$cli" sim --scenario "$repo/bench/scenarios/small.toml" --seed 1 --out events.jsonl --truth truth.jsonl -q
  printf 'data_dir = "data"\n' > cauterize.toml
  "$cli" ingest -c cauterize.toml -q events.jsonl > /dev/null
fi
COLUMNS=160 "$cli" network -c cauterize.toml @abu_talha --limit 40 \
  --html "$repo/docs/img/network-abu_talha.html" --png "$repo/docs/img/network-graph.png"
"$cli" census -c cauterize.toml --plot "$repo/docs/img/census.png"
if command -v chromium > /dev/null; then
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1200,1000 \
    --screenshot="$repo/docs/img/network-page.png" "file://$repo/docs/img/network-abu_talha.html" 2> /dev/null
fi
