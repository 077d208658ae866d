"""structlog set-up and the correlation id that follows a request through Kafka.

The id comes from the ``X-Correlation-ID`` request header (or is made up), is bound to every
log line of the request, stored with outbox rows, sent as a Kafka header and bound again by
the consumer that handles the event.
"""

from __future__ import annotations

import logging
import sys
import uuid
from contextvars import ContextVar

import structlog

from luutru_common.log_privacy import mask_fields, mask_standard_logging, masking_renderer

CORRELATION_HEADER = "X-Correlation-ID"
KAFKA_CORRELATION_HEADER = "correlation_id"

_correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)


def get_correlation_id() -> str | None:
    """The correlation id bound to the current task, if any."""
    return _correlation_id.get()


def bind_correlation_id(value: str | None) -> str:
    """Bind (or create) the correlation id for the current task and its log lines."""
    value = value or uuid.uuid4().hex
    _correlation_id.set(value)
    structlog.contextvars.bind_contextvars(correlation_id=value)
    return value


class _CurrentStderr:
    """The process's standard error as it is when a line is written, not as it was when
    logging was set up: a logger is made once per module (cached on first use), and a stream
    replaced since — a test runner's capture, closed after its test — made every later line
    fail with "I/O operation on closed file", in whatever task logged it (a consumer
    restarted on it and left its group mid-test)."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def configure_logging(*, service: str, level: str = "INFO", json: bool = False) -> None:
    """structlog for the service: JSON lines or console, personal fields masked, correlation id and
    service on every line."""
    renderer = (
        structlog.processors.JSONRenderer()
        if json
        else structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.StackInfoRenderer(),
            structlog.processors.format_exc_info,
            mask_fields,
            masking_renderer(renderer),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(file=_CurrentStderr()),
        cache_logger_on_first_use=True,
    )
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(service=service)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    # Lines of uvicorn, SQLAlchemy and aiokafka too carry no personal data (log_privacy).
    mask_standard_logging()


class CorrelationIdMiddleware:
    """Pure ASGI middleware (cheaper than BaseHTTPMiddleware on the hot path)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        incoming = None
        for name, value in scope.get("headers", ()):
            if name == b"x-correlation-id":
                incoming = value.decode("latin-1")[:128]
                break
        structlog.contextvars.clear_contextvars()
        cid = bind_correlation_id(incoming)

        async def send_with_header(message):
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [
                    *message["headers"],
                    (b"x-correlation-id", cid.encode("latin-1")),
                ]
            await send(message)

        await self.app(scope, receive, send_with_header)
