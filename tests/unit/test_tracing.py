"""Tracing is off without an endpoint and then costs nothing; on, the W3C context of the
producing requests turns into span links."""

from __future__ import annotations

import subprocess
import sys

from luutru_common import tracing
from luutru_common.settings import ServiceSettings

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"


def test_without_an_endpoint_nothing_of_the_sdk_is_loaded():
    # A fresh interpreter: the service app built as in production, tracing unset.
    script = (
        "import os, sys\n"
        "for k in ('OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', "
        "'LUUTRU_OTLP_ENDPOINT'): os.environ.pop(k, None)\n"
        "from luutru_common import tracing\n"
        "from luutru_common.settings import ServiceSettings\n"
        "assert tracing.configure_tracing(ServiceSettings(service_name='ingest')) is False\n"
        "app = object()\n"
        "assert tracing.instrument(app) is app\n"
        "assert tracing.current_traceparent() is None\n"
        "print(sorted(m for m in sys.modules if m.startswith('opentelemetry.sdk') "
        "or m.startswith('opentelemetry.instrumentation')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_endpoint_from_the_luutru_setting_or_the_standard_variable(monkeypatch):
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_ENDPOINT", raising=False)
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", raising=False)
    monkeypatch.delenv("OTEL_SDK_DISABLED", raising=False)
    own = ServiceSettings(otlp_endpoint="http://collector:4318/")
    assert tracing.otlp_endpoint(own) == "http://collector:4318/"
    assert tracing.traces_url(own) == "http://collector:4318/v1/traces"
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://otel:4318")
    standard = ServiceSettings()
    assert tracing.otlp_endpoint(standard) == "http://otel:4318"
    assert tracing.traces_url(standard) is None  # the exporter reads the variable itself
    monkeypatch.setenv("OTEL_SDK_DISABLED", "true")
    assert tracing.otlp_endpoint(own) == ""


def test_batch_spans_are_no_ops_when_off():
    assert not tracing.enabled()
    with tracing.publish_span("ingest", [PARENT], messages=1) as span:
        assert span is None
    with tracing.process_span("g", "stay.v1", 0, [[("traceparent", PARENT.encode())]]) as span:
        assert span is None


def test_links_come_from_traceparents_once_each_and_skip_garbage():
    links = tracing._links([PARENT, PARENT, None, "", "00-zz-not-a-context", PARENT[:-2] + "00"])
    assert [(f"{x.context.trace_id:032x}", f"{x.context.span_id:016x}") for x in links] == [
        (TRACE_ID, "00f067aa0ba902b7")
    ]
    headers = [("correlation_id", b"abc"), ("traceparent", PARENT.encode())]
    assert tracing._traceparent_header(headers) == PARENT
    assert tracing._traceparent_header([("correlation_id", b"abc")]) is None
