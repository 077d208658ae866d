"""No personal data in logs (luutru_common.log_privacy): a database error about a guest, as a
service logs it (structlog and the standard library, tracebacks included), and as PostgreSQL
writes it to its own log, carries neither the guest's name nor the document number."""

from __future__ import annotations

import io
import logging
import random
import uuid

import structlog
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from luutru_common.db import make_engine
from luutru_common.logging import configure_logging
from tests.integration.conftest import TEST_DB
from tests.support import PG_LOG, runtime_url


def a_guest() -> tuple[str, str]:
    name = "Trần Thị " + random.choice(["Mỹ", "Lệ", "Oanh", "Thuỷ"]) + uuid.uuid4().hex[:6]
    return name, "".join(random.choice("0123456789") for _ in range(12))


async def failing_insert(name: str, number: str) -> DBAPIError:
    """What a bug would do: a statement about a guest that PostgreSQL refuses (no facility,
    no arrival: NOT NULL) with the guest's values as parameters."""
    engine = make_engine(runtime_url(TEST_DB, "ingest"), pool_size=1)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO ingest.stays (id, document_type, document_number, full_name)"
                    " VALUES (:id, 'id_number', :number, :name)"
                ),
                {"id": uuid.uuid4(), "number": number, "name": name},
            )
    except DBAPIError as exc:
        return exc
    finally:
        await engine.dispose()
    raise AssertionError("the insert was expected to fail")


async def test_a_database_error_about_a_guest_is_logged_without_the_guest(test_database, capsys):
    name, number = a_guest()
    error = await failing_insert(name, number)
    # SQLAlchemy's message would carry the statement's parameters: hidden by the engine.
    assert "[SQL parameters hidden due to hide_parameters=True]" in str(error)
    assert name not in str(error)
    # uvicorn's logger with a handler of its own, configured before the app (as uvicorn does)
    uvicorn_lines = io.StringIO()
    handler = logging.StreamHandler(uvicorn_lines)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logging.getLogger("uvicorn.error").addHandler(handler)
    try:
        configure_logging(service="test", json=True)
        try:
            raise error
        except DBAPIError:
            structlog.get_logger().exception("handler_failed", error=repr(error))
            logging.getLogger("uvicorn.error").exception("Exception in ASGI application")
        structlog.get_logger().info("check_in", full_name=name, id_number=number, room="305")
    finally:
        logging.getLogger("uvicorn.error").removeHandler(handler)
    out = capsys.readouterr()
    logged = out.out + out.err + uvicorn_lines.getvalue()
    assert "Traceback" in uvicorn_lines.getvalue()  # the traceback went through the mask
    assert "not-null constraint" in logged  # the error itself is still there to debug
    assert "handler_failed" in logged and "Exception in ASGI application" in logged
    assert name not in logged
    assert number not in logged
    assert "[SQL parameters hidden" in logged


async def test_postgresql_does_not_log_the_guest(test_database):
    assert PG_LOG.exists(), f"no PostgreSQL log at {PG_LOG}: set LUUTRU_PG_LOG"
    name, number = a_guest()
    start = PG_LOG.stat().st_size
    await failing_insert(name, number)
    with PG_LOG.open("rb") as f:
        f.seek(start)
        written = f.read().decode("utf-8", "replace")
    assert "not-null constraint" in written  # the server did log the error
    assert name not in written
    assert number not in written
