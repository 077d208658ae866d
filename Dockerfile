# syntax=docker/dockerfile:1.7
# One image per service, from this one file:
#   docker build --build-arg SERVICE=accounts  -t luutru-accounts  .
#   docker build --build-arg SERVICE=ingest    -t luutru-ingest    .
#   docker build --build-arg SERVICE=analytics -t luutru-analytics .
#   docker build --build-arg SERVICE=console   -t luutru-console   .
# Multi-stage: the builder resolves the service's dependencies from uv.lock (and nothing else
# of the workspace: no dev tools, no other service); the runtime stage carries only the
# virtual environment, runs as an unprivileged user and needs no writable root filesystem.
# The image's command is `luutru-service` (a link to `luutru-<SERVICE>`), so every
# orchestrator can say `serve`, `migrate` or `worker` without knowing the service's name.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm
ARG UV_VERSION=0.9.30
ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${PYTHON_IMAGE} AS builder
ARG SERVICE
ARG UV_VERSION
RUN test -n "${SERVICE}" || (echo "build with --build-arg SERVICE=accounts|ingest|analytics|console" && false)
RUN pip install --no-cache-dir "uv==${UV_VERSION}"
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv
WORKDIR /src
# Dependencies first, from the lock file and the members' pyproject files only: this layer
# is rebuilt when a dependency changes, not when the code does.
COPY pyproject.toml uv.lock ./
COPY libs/common/pyproject.toml libs/common/
COPY services/accounts/pyproject.toml services/accounts/
COPY services/ingest/pyproject.toml services/ingest/
COPY services/analytics/pyproject.toml services/analytics/
COPY services/console/pyproject.toml services/console/
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-workspace --package "luutru-${SERVICE}"
# Then the code, installed as wheels (not editable): the runtime needs no /src.
COPY libs ./libs
COPY services ./services
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-editable --package "luutru-${SERVICE}" \
 && ln -s "/app/.venv/bin/luutru-${SERVICE}" /app/.venv/bin/luutru-service \
 && /app/.venv/bin/luutru-service --help >/dev/null

# The web console's browser libraries, pinned by its package-lock.json: only the files it
# serves are kept (a few hundred kB, in every image; the console alone reads them).
FROM ${NODE_IMAGE} AS console-vendor
WORKDIR /vendor
COPY services/console/package.json services/console/package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && mkdir -p /out \
 && cp --parents node_modules/preact/dist/preact.module.js node_modules/preact/hooks/dist/hooks.module.js \
      node_modules/htm/dist/htm.module.js node_modules/chart.js/dist/chart.umd.min.js \
      node_modules/jsqr/dist/jsQR.js node_modules/qrcode-generator/dist/qrcode.mjs /out/

FROM ${PYTHON_IMAGE} AS runtime
ARG SERVICE
LABEL org.opencontainers.image.title="luutru-${SERVICE}" \
      org.opencontainers.image.description="luutru ${SERVICE} service (stay registration)"
# tini as PID 1: `luutru-<svc> worker` installs no SIGTERM handler, and a PID 1 without one
# ignores SIGTERM, so without tini every worker would wait out the whole grace period.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini=0.19.0-1 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /app --no-create-home luutru
ENV SERVICE=${SERVICE} \
    PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    LUUTRU_LOG_JSON=true \
    LUUTRU_CONSOLE_VENDOR_DIR=/app/console-vendor/node_modules
WORKDIR /app
COPY --from=builder --chown=root:root /app/.venv /app/.venv
COPY --from=console-vendor --chown=root:root /out /app/console-vendor
USER 10001:10001
EXPOSE 8000
# /readyz: the process answers AND reaches PostgreSQL and Kafka (compose waits on it).
# Kubernetes ignores HEALTHCHECK and uses the probes in deploy/k8s instead.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=6 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=2)"]
ENTRYPOINT ["tini", "--"]
CMD ["luutru-service", "serve", "--host", "0.0.0.0", "--port", "8000"]
