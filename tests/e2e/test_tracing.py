"""One check-in makes one connected trace across the processes: the services export to a
small OTLP/HTTP receiver run by the test; ingest's request span, the outbox relay's publish
span and analytics' consumer span of the stay event are joined by trace id and span links."""

from __future__ import annotations

import gzip
import random
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.trace.v1.trace_pb2 import Span as ProtoSpan

from tests.e2e.conftest import Platform, poll, running_platform
from tests.e2e.test_walking_skeleton import token
from tests.support import E2E_PORT_BASE, TEST_TAG, first_login

PORTS = {
    "accounts": E2E_PORT_BASE + 21,
    "ingest": E2E_PORT_BASE + 22,
    "analytics": E2E_PORT_BASE + 23,
}


@dataclass(frozen=True)
class ReceivedSpan:
    service: str
    name: str
    kind: int
    trace_id: bytes
    span_id: bytes
    links: frozenset[tuple[bytes, bytes]]
    attributes: dict[str, object]


class Collector:
    """What an OpenTelemetry collector would receive on /v1/traces (OTLP/HTTP, protobuf)."""

    def __init__(self) -> None:
        self.spans: list[ReceivedSpan] = []
        self.lock = threading.Lock()

    def receive(self, body: bytes) -> None:
        request = ExportTraceServiceRequest.FromString(body)
        with self.lock:
            for resource_spans in request.resource_spans:
                service = _attributes(resource_spans.resource.attributes).get("service.name")
                for scope_spans in resource_spans.scope_spans:
                    for span in scope_spans.spans:
                        self.spans.append(
                            ReceivedSpan(
                                service=str(service),
                                name=span.name,
                                kind=span.kind,
                                trace_id=span.trace_id,
                                span_id=span.span_id,
                                links=frozenset((x.trace_id, x.span_id) for x in span.links),
                                attributes=_attributes(span.attributes),
                            )
                        )

    def snapshot(self) -> list[ReceivedSpan]:
        with self.lock:
            return list(self.spans)


def _attributes(pairs) -> dict[str, object]:
    values = {}
    for pair in pairs:
        kind = pair.value.WhichOneof("value")
        values[pair.key] = getattr(pair.value, kind) if kind else None
    return values


@pytest.fixture(scope="module")
def collector() -> Iterator[tuple[Collector, str]]:
    received = Collector()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if self.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            if self.path == "/v1/traces":
                received.receive(body)
            answer = ExportTraceServiceResponse().SerializeToString()
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield received, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


@pytest.fixture(scope="module")
def traced_platform(infrastructure, collector, tmp_path_factory) -> Iterator[Platform]:
    _, endpoint = collector
    with running_platform(
        f"luutru_e2e_trace{TEST_TAG}",
        PORTS,
        tmp_path_factory.mktemp("traced-service-logs"),
        {
            "LUUTRU_OTLP_ENDPOINT": endpoint,
            # Spans leave every 0.2 s instead of 5 s, so the test waits less.
            "OTEL_BSP_SCHEDULE_DELAY": "200",
        },
    ) as platform:
        yield platform


def test_one_check_in_makes_one_connected_trace(traced_platform: Platform, collector):
    received, _ = collector
    platform = traced_platform
    admin = {"Authorization": f"Bearer {token(platform, *platform.admin)}"}
    created = httpx.post(
        platform.url("accounts", "/v1/facilities"),
        headers=admin,
        json={
            "name": "Nhà nghỉ Hoa Sen",
            "facility_type": "hotel",
            "star_rating": 1,
            "province_code": 75,
            "commune_code": 26068,
            "rooms": 8,
            "beds": 12,
        },
    )
    assert created.status_code == 201, created.text
    manager = created.json()["manager"]
    staff = {
        "Authorization": "Bearer "
        + first_login(platform.urls["accounts"], manager["username"], manager["one_time_password"])
    }
    day = date(2020, 1, 1) + timedelta(days=random.randrange(2000))
    guest = {
        "full_name": "Lê Văn Tám",
        "date_of_birth": "1988-03-02",
        "gender": "male",
        "id_number": "075188001234",
        "check_in_at": f"{day.isoformat()}T14:00:00+07:00",
        "room": "2",
    }

    def check_in():
        response = httpx.post(platform.url("ingest", "/v1/stays"), headers=staff, json=guest)
        return None if response.status_code == 404 else response

    assert poll(check_in, timeout=15).status_code == 201

    def request_span() -> ReceivedSpan | None:
        for span in received.snapshot():
            if (
                span.service == "luutru-ingest"
                and span.kind == ProtoSpan.SPAN_KIND_SERVER
                and span.attributes.get("http.request.method", span.attributes.get("http.method"))
                == "POST"
                and span.attributes.get(
                    "http.response.status_code", span.attributes.get("http.status_code")
                )
                == 201
            ):
                return span
        return None

    request = poll(request_span, timeout=20)
    produced_by_request = (request.trace_id, request.span_id)

    def linked(service: str, named) -> ReceivedSpan | None:
        for span in received.snapshot():
            if span.service == service and named(span.name) and produced_by_request in span.links:
                return span
        return None

    publish = poll(lambda: linked("luutru-ingest", "ingest outbox publish".__eq__), timeout=20)
    assert publish.kind == ProtoSpan.SPAN_KIND_PRODUCER
    # The facility's own event may come in the same fetch as the stay's (on a loaded machine):
    # that fetch's span is named after both topics, "facility.v1 stay.v1 process".
    consume = poll(
        lambda: linked("luutru-analytics", lambda name: name.endswith(" process")), timeout=20
    )
    assert consume.kind == ProtoSpan.SPAN_KIND_CONSUMER
    assert "stay.v1" in consume.name.removesuffix(" process").split()
    assert consume.attributes.get("messaging.destination.name", "stay.v1") == "stay.v1"
    assert str(consume.attributes["messaging.consumer.group.name"]).endswith("analytics")
    # Three processes' spans, one trace: each batch span points at the request's span.
    assert {request.trace_id} == {t for t, _ in publish.links & consume.links}

    # The probes are left out: no span for the readiness checks the platform answered.
    assert not [
        s for s in received.snapshot() if "readyz" in str(s.attributes) or "livez" in s.name
    ]
