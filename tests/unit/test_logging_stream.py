"""A service's log lines go to standard error as it is when they are written: a logger made
(and cached) while another stream stood there — a test runner's capture, closed since — still
writes, to the stream of now, instead of failing in whatever task logged."""

from __future__ import annotations

import io
import sys

import structlog

from luutru_common.logging import configure_logging


def test_a_cached_logger_writes_to_the_stderr_of_now(monkeypatch):
    first = io.StringIO()
    monkeypatch.setattr(sys, "stderr", first)
    configure_logging(service="test", json=True)
    log = structlog.get_logger("luutru.test.stream")
    log.info("first_line")
    assert "first_line" in first.getvalue()
    first.close()  # the capture of a test that has ended
    second = io.StringIO()
    monkeypatch.setattr(sys, "stderr", second)
    log.info("second_line")  # the same cached logger
    assert "second_line" in second.getvalue()
