# One image per service: docker build --build-arg SERVICE=ingest -t luutru-ingest .
# Multi-stage: dependencies resolved from uv.lock in a builder, a slim non-root runtime.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS builder
ARG SERVICE
RUN pip install --no-cache-dir uv==0.9.30
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never
WORKDIR /src
COPY pyproject.toml uv.lock ./
COPY libs ./libs
COPY services ./services
RUN uv sync --frozen --no-dev --no-editable --package luutru-${SERVICE}

FROM ${PYTHON_IMAGE}
ARG SERVICE
ENV SERVICE=${SERVICE} PATH=/app/.venv/bin:$PATH PYTHONUNBUFFERED=1 LUUTRU_LOG_JSON=true
RUN useradd --system --uid 10001 --home /app luutru
WORKDIR /app
COPY --from=builder --chown=luutru /src/.venv /app/.venv
USER 10001
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --retries=6 \
  CMD python -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=2)" || exit 1
CMD ["sh", "-c", "exec luutru-${SERVICE} serve --host 0.0.0.0 --port 8000"]
