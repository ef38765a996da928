#!/usr/bin/env bash
# The OpenAPI contract against a served home: schemathesis --checks all (stateful phase
# included), with an admin key and without one. The suite runs a quick variant on the test
# community (tests/api/test_contract.py); this runs more examples against any home.
#
#   bash bench/contract.sh HOME [EXAMPLES] [SEED]
#
# HOME is copied (a run writes: members, contributions, keys) and served by `wellspring serve`
# on a free port. Prints each run's summary line and exits non-zero on any failure; each run's
# whole report is kept in $CONTRACT_OUT (default: a folder under /tmp, named on the last line).
set -euo pipefail
cd "$(dirname "$0")/.."
home=$1; examples=${2:-25}; seed=${3:-$RANDOM}
work=$(mktemp -d); trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
out=${CONTRACT_OUT:-$(mktemp -d /tmp/contract.XXXXXX)}; mkdir -p "$out"
cp -r "$home" "$work/home"
export HF_HUB_OFFLINE=1 WELLSPRING_HOME="$work/home" PYTHONPATH="$PWD"
.venv/bin/wellspring keys create --role admin --name contract > "$work/key.txt"
key=$(grep -o 'ws_[A-Za-z0-9_-]*' "$work/key.txt" | head -1)
port=$(.venv/bin/python -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
.venv/bin/wellspring serve --port "$port" > "$work/serve.log" 2>&1 & server=$!
for _ in $(seq 240); do curl -sf "127.0.0.1:$port/health/ready" > /dev/null && break; sleep 1; done
echo "$(date -u +%FT%TZ) $(uname -m), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); home $home; examples $examples; seed $seed"
status=0
for who in key public; do
  args=()
  if [ "$who" = key ]; then args=(-H "X-API-Key: $key"); export CONTRACT_KEY_ID=$(echo "$key" | cut -d_ -f2); fi
  if .venv/bin/st --config-file tests/api/contract/schemathesis.toml run "http://127.0.0.1:$port/openapi.json" \
       --checks all --max-examples "$examples" --seed "$seed" --no-color "${args[@]}" > "$out/st-$who.txt" 2>&1; then
    echo "$who: $(grep -E 'generated' "$out/st-$who.txt" | tail -1 | sed 's/^ *//')"
  else
    status=1; echo "$who: FAILED: $(grep -E 'generated' "$out/st-$who.txt" | tail -1 | sed 's/^ *//')"
    grep -E '^_{3,} |^- ST|^\[[45]|^    `' "$out/st-$who.txt" | cut -c1-300 | head -40
  fi
done
echo "reports: $out"
exit $status
