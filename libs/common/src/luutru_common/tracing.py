"""OpenTelemetry tracing across HTTP and Kafka, off unless an OTLP endpoint is configured.

When on, a service exports spans over OTLP/HTTP and:

- every HTTP request has a server span (opentelemetry-instrumentation-asgi; the probes and
  ``/metrics`` are left out);
- an event recorded while a request is handled carries that request's W3C ``traceparent``,
  first in its outbox row, then as a Kafka header of the same name;
- the outbox relay makes one ``publish`` span per batch it sends, and a consumer one
  ``process`` span per batch it handles (its projections run inside it); both are *linked* to
  the spans of the requests that produced the events — a batch mixes many requests, so links,
  not parents (the OpenTelemetry messaging conventions do the same).

Off (no endpoint: the default on a laptop and in the tests), nothing of the SDK is imported
or run: no middleware is added, `current_traceparent` returns None after one global lookup
and the batch spans are `nullcontext`. The endpoint is ``LUUTRU_OTLP_ENDPOINT`` or the
standard ``OTEL_EXPORTER_OTLP_ENDPOINT`` / ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``;
``OTEL_SDK_DISABLED=true`` turns it off whatever is set.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from opentelemetry.trace import Span, Tracer

    from luutru_common.settings import ServiceSettings

TRACEPARENT = "traceparent"
# The routes no one wants a span for: probes every few seconds, Prometheus scrapes.
UNTRACED_ROUTES = "livez,readyz,metrics"
# More links than this on one batch span are dropped (the SDK's default limit is 128).
MAX_LINKS = 128

_tracer: Tracer | None = None
_provider: Any = None


def otlp_endpoint(settings: ServiceSettings) -> str:
    """Where spans go, or "" when tracing is off."""
    if os.environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return ""
    return (
        settings.otlp_endpoint
        or os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "")
        or os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT", "")
    )


def traces_url(settings: ServiceSettings) -> str | None:
    """The full OTLP/HTTP traces URL for ``LUUTRU_OTLP_ENDPOINT`` (a base URL, as the standard
    variable); None leaves the exporter to read the standard variables itself."""
    if settings.otlp_endpoint:
        return settings.otlp_endpoint.rstrip("/") + "/v1/traces"
    return None


def configure_tracing(settings: ServiceSettings) -> bool:
    """Install the exporting tracer provider once per process if an endpoint is set.
    Returns whether tracing is on."""
    global _tracer, _provider
    if not otlp_endpoint(settings):
        return False
    if _provider is None:
        # Imported only here: a service with tracing off never loads the SDK.
        from opentelemetry import trace
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor

        resource = Resource.create(
            {
                "service.name": f"luutru-{settings.service_name}",
                "deployment.environment.name": settings.environment,
            }
        )
        provider = TracerProvider(resource=resource)
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(traces_url(settings))))
        trace.set_tracer_provider(provider)
        _provider = provider
        _tracer = trace.get_tracer("luutru")
    return True


def enabled() -> bool:
    """Whether tracing was configured on (spans are recorded and exported)."""
    return _tracer is not None


def flush(timeout_s: float = 5.0) -> None:
    """Send the spans still buffered (at shutdown: the last batch's spans are not lost)."""
    if _provider is not None:
        _provider.force_flush(int(timeout_s * 1000))


def instrument(app: Any) -> Any:
    """The ASGI app wrapped in the server-span middleware when tracing is on; else as is."""
    if _tracer is None:
        return app
    from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware

    return OpenTelemetryMiddleware(app, excluded_urls=UNTRACED_ROUTES)


def current_traceparent() -> str | None:
    """The W3C traceparent of the span in progress (the request's), to store with events."""
    if _tracer is None:
        return None
    from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

    carrier: dict[str, str] = {}
    TraceContextTextMapPropagator().inject(carrier)
    return carrier.get(TRACEPARENT)


def _links(traceparents: Iterable[str | None]) -> list[Any]:
    from opentelemetry import trace
    from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

    propagator = TraceContextTextMapPropagator()
    links: dict[tuple[int, int], Any] = {}
    for value in traceparents:
        if not value or len(links) >= MAX_LINKS:
            continue
        context = trace.get_current_span(propagator.extract({TRACEPARENT: value}))
        span_context = context.get_span_context()
        if span_context.is_valid:
            key = (span_context.trace_id, span_context.span_id)
            links.setdefault(key, trace.Link(span_context))
    return list(links.values())


@contextlib.contextmanager
def _batch_span(
    name: str, kind: str, traceparents: Iterable[str | None], attributes: Mapping[str, Any]
) -> Iterator[Span]:
    from opentelemetry.trace import SpanKind

    assert _tracer is not None
    with _tracer.start_as_current_span(
        name,
        kind=SpanKind[kind],
        links=_links(traceparents),
        attributes=dict(attributes),
    ) as span:
        yield span


def publish_span(
    service: str, traceparents: Iterable[str | None], *, messages: int
) -> contextlib.AbstractContextManager[Any]:
    """The relay's span for one batch sent to Kafka, linked to the producing requests."""
    if _tracer is None:
        return contextlib.nullcontext()
    return _batch_span(
        f"{service} outbox publish",
        "PRODUCER",
        traceparents,
        {
            "messaging.system": "kafka",
            "messaging.operation.type": "send",
            "messaging.batch.message_count": messages,
        },
    )


def process_span(
    group: str, topic: str, partition: int, headers: Iterable[Iterable[tuple[str, bytes]]]
) -> contextlib.AbstractContextManager[Any]:
    """A consumer's span for one batch of one partition, linked to the producing requests
    through the ``traceparent`` header of each record (``headers``: each record's)."""
    if _tracer is None:
        return contextlib.nullcontext()
    headers = list(headers)
    return _batch_span(
        f"{topic} process",
        "CONSUMER",
        (_traceparent_header(h) for h in headers),
        {
            "messaging.system": "kafka",
            "messaging.operation.type": "process",
            "messaging.destination.name": topic,
            "messaging.destination.partition.id": str(partition),
            "messaging.consumer.group.name": group,
            "messaging.batch.message_count": len(headers),
        },
    )


def fetch_span(
    group: str, parts: Mapping[tuple[str, int], Iterable[Iterable[tuple[str, bytes]]]]
) -> contextlib.AbstractContextManager[Any]:
    """A consumer's span for one fetch handled in one transaction, over several partitions
    (``parts``: each record's headers by (topic, partition)), linked to the producing requests.
    With one partition it is that partition's `process_span`."""
    if len(parts) == 1:
        ((topic, partition), headers) = next(iter(parts.items()))
        return process_span(group, topic, partition, headers)
    if _tracer is None:
        return contextlib.nullcontext()
    headers = [h for part in parts.values() for h in part]
    topics = sorted({topic for topic, _ in parts})
    attributes = {
        "messaging.system": "kafka",
        "messaging.operation.type": "process",
        "messaging.consumer.group.name": group,
        "messaging.batch.message_count": len(headers),
    }
    if len(topics) == 1:
        attributes["messaging.destination.name"] = topics[0]
    return _batch_span(
        f"{' '.join(topics)} process",
        "CONSUMER",
        (_traceparent_header(h) for h in headers),
        attributes,
    )


def _traceparent_header(headers: Iterable[tuple[str, bytes]]) -> str | None:
    for key, value in headers or ():
        if key == TRACEPARENT and value:
            return value.decode("ascii", "replace")
    return None
