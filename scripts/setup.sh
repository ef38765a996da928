#!/usr/bin/env bash
# Fresh-machine set-up: a virtual environment with everything Wellspring needs, and chromium
# for the browser tests. Idempotent. Usage: scripts/setup.sh [python] [venv] [run|test]
# run: what serving needs only (`make run`: a community's first run waits for nothing else);
# test (the default): also the dev and ray extras and the Debian packages the tests use.
set -euo pipefail
PY=${1:-python3.11}
VENV=${2:-.venv}
MODE=${3:-test}
"$PY" -m venv "$VENV"
"$VENV/bin/pip" install -q --upgrade pip
# torch first, pinned: the CPU wheel lies on local disk; unpinned it pulls a multi-GB CUDA build.
"$VENV/bin/pip" install -q torch==2.13.0
if [ "$MODE" = run ]; then
  "$VENV/bin/pip" install -q -e .
else
  "$VENV/bin/pip" install -q -e '.[dev,ray]'   # ray: `wellspring index --ray` and its test
fi
# Debian packages the tests use: chromium (the page), PostgreSQL 15 and nginx (replicas)
missing=""
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
[ -x /usr/lib/postgresql/15/bin/initdb ] || missing="$missing postgresql"
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || missing="$missing nginx"
if [ -n "$missing" ] && [ "$MODE" != run ]; then
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing) >/dev/null
  else
    echo "warning: missing Debian packages; the tests need: sudo apt-get install -y$missing" >&2
  fi
fi
"$VENV/bin/pip" check >/dev/null
# The sign-in tests' OpenID Connect provider (node's oidc-provider, pinned by
# tests/oidc/package-lock.json) into the git-ignored tests/oidc/node_modules.
if [ "$MODE" != run ]; then
  if command -v npm >/dev/null 2>&1; then
    (cd tests/oidc && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  else
    echo "warning: npm is missing; the sign-in tests need Node 20+ and npm" >&2
  fi
fi
# The English model on ONNX Runtime: exported once into the venv, verified against torch (cosine
# >= 0.9999); without a verified export the service falls back to torch and says why.
HF_HUB_OFFLINE=1 "$VENV/bin/wellspring" export-onnx || echo "warning: ONNX export refused; torch is used" >&2
echo "set-up done: $VENV"
