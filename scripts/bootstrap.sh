#!/usr/bin/env bash
# Shared set-up of scripts/run and scripts/test: the Python toolchain and dependencies (uv,
# one lock file), then PostgreSQL and Kafka (infra/local.sh). Idempotent and quick when done.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
UV_VERSION="0.9.30"
export UV_PYTHON_DOWNLOADS=never  # use the machine's CPython 3.11

say() { echo "[luutru] $*"; }

ensure_uv() {
  if command -v uv >/dev/null && [[ "$(uv --version | awk '{print $2}')" == "$UV_VERSION" ]]; then
    return
  fi
  say "installing uv $UV_VERSION"
  python3 -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION" 2>&1 \
    | grep -v "Running pip as the 'root' user" || true
  hash -r
}

ensure_python_deps() {
  say "syncing Python dependencies (uv.lock)"
  (cd "$ROOT" && uv sync --frozen --quiet)
}

bootstrap() {
  ensure_uv
  ensure_python_deps
  bash "$ROOT/infra/local.sh" up
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  bootstrap
fi
