#!/usr/bin/env bash
# A fresh clone's `make run` to serving (issue #32): seconds from `make run` until /health/ready
# answers 200 on :8000, then the first /experts and the next twenty (seconds, client side), and
# the CPU seconds the whole run used (GNU time). Usage: bench/fresh_clone_run.sh [branch] [dir]
# The clone (its own .venv: that is the point) is left in DIR; delete it afterwards.
set -u
BRANCH=${1:-$(git rev-parse --abbrev-ref HEAD)}
DIR=${2:-$(mktemp -d /tmp/ws-fresh-XXXX)}
SRC=$(git rev-parse --show-toplevel)
rm -rf "$DIR"; git clone -q -b "$BRANCH" "$SRC" "$DIR"; cd "$DIR" || exit 1
echo "commit $(git rev-parse --short HEAD) start $(date -u +%FT%TZ) load $(cut -d' ' -f1-3 /proc/loadavg)"
start=$(date +%s.%N)
setsid /usr/bin/time -v make run > make-run.log 2>&1 &
run_group=$!  # its own process group: stopped below by that id alone
until [ "$(curl -s -o ready.json -w '%{http_code}' http://127.0.0.1:8000/health/ready)" = 200 ]; do
  sleep 1
  if [ "$(echo "$(date +%s.%N) - $start > 1800" | bc)" = 1 ]; then echo "not ready in 30 min"; exit 1; fi
done
echo "ready after $(echo "$(date +%s.%N) - $start" | bc) s; load $(cut -d' ' -f1-3 /proc/loadavg); end $(date -u +%FT%TZ)"
cat ready.json; echo
for i in $(seq 0 20); do
  curl -s -o /dev/null -w '%{time_total} ' "http://127.0.0.1:8000/experts?q=need+$i+groundwater+recharge+in+arid+regions"
done; echo
kill -INT -- "-$run_group" 2>/dev/null || true
wait
grep -E "Elapsed|User time|System time" make-run.log
