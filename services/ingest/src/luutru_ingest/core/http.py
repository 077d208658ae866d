"""Request plumbing the ingest features share: idempotent answers, the facility user, and
the 422 that lists every violation of a refused body."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import asyncpg
import structlog
from fastapi import Depends, Header, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel

from luutru_common.auth import Principal, Role, require_roles
from luutru_common.db import UnitOfWork, raw_connection
from luutru_common.problems import FieldError, Problem, validation_errors
from luutru_ingest.core import idempotency

log = structlog.get_logger()

# Staff of a facility or of a coach operator; which of the two is core.facility's check.
FACILITY_ROLES = (Role.FACILITY_MANAGER, Role.FACILITY_STAFF)
facility_user = require_roles(*FACILITY_ROLES)
FacilityUser = Annotated[Principal, Depends(facility_user)]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description=(
            "Khóa chống gửi trùng: gửi lại cùng khóa, cùng nội dung nhận lại đúng câu trả lời "
            "cũ / Same key and body → the original answer; same key, other body → 422"
        ),
    ),
]


async def idempotent(
    conn: asyncpg.Connection,
    request: Request,
    facility_id: uuid.UUID,
    key: str | None,
    work: Callable[[], Awaitable[tuple[int, BaseModel | bytes]]],
) -> Response:
    """Run ``work`` once per Idempotency-Key, in the transaction ``conn`` is in; the caller
    commits it before answering. ``work`` answers with a model or its JSON already written."""
    if key is not None:
        digest = idempotency.request_hash(request.method, request.url.path, await request.body())
        stored = await idempotency.claim(conn, facility_id, key, digest)
        if stored is not None:
            return json_response(stored.body, stored.status_code)
    status, model = await work()
    body = model.decode() if isinstance(model, bytes) else model.model_dump_json()
    if key is not None:
        await idempotency.remember(conn, facility_id, key, status, body)
    return json_response(body, status)


async def idempotent_in(
    uow: UnitOfWork,
    request: Request,
    facility_id: uuid.UUID,
    key: str | None,
    work: Callable[[], Awaitable[tuple[int, BaseModel]]],
) -> Response:
    """`idempotent` inside an open unit of work (endpoints whose writes go through the ORM
    session), committed before the answer."""
    conn = await raw_connection(uow.session)
    response = await idempotent(conn, request, facility_id, key, work)
    await uow.commit()
    return response


def json_response(body: str | bytes, status: int) -> Response:
    """An answer already serialised: pydantic writes JSON straight from the model
    (`model_dump_json`), a fraction of the cost of a dict and then `json.dumps` for a
    batch's thousand receipts."""
    return Response(body, status, media_type="application/json")


# The exception path of an endpoint whose body is a typed model: (the request, the JSON body
# that did not validate) → every violation of that body.
Recheck = Callable[[Request, dict[str, Any]], list[FieldError]]


def rechecked(recheck: Recheck) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Mark an endpoint whose body, when it does not validate, is read again by ``recheck`` so
    the 422 lists every violation — the fields that cannot be read next to the rules the other
    fields break — instead of pydantic's errors alone. Valid bodies never take this path."""

    def mark(endpoint: Callable[..., Any]) -> Callable[..., Any]:
        endpoint.recheck = recheck  # type: ignore[attr-defined]
        return endpoint

    return mark


class RecheckedRoute(APIRoute):
    """A route that answers a refused body of a `rechecked` endpoint with its recheck."""

    def get_route_handler(self) -> Callable[[Request], Awaitable[Response]]:
        """The route's handler, wrapped (for a `rechecked` endpoint) to answer a refused body with
        every violation."""
        handler = super().get_route_handler()
        recheck: Recheck | None = getattr(self.endpoint, "recheck", None)
        if recheck is None:
            return handler

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as exc:
                raise _every_violation(request, exc, recheck) from None

        return route


def _every_violation(request: Request, exc: RequestValidationError, recheck: Recheck) -> Problem:
    details = list(exc.errors())
    in_body = [d for d in details if tuple(d.get("loc", ()))[:1] == ("body",)]
    elsewhere = [d for d in details if tuple(d.get("loc", ()))[:1] != ("body",)]
    found: list[FieldError] = []
    if in_body and isinstance(exc.body, dict):  # not for a body that is not JSON or an object
        try:
            found = recheck(request, exc.body)
        except Exception:  # the refusal stands with pydantic's errors: never a 500 for it
            log.exception("recheck_failed", path=request.url.path)
    return Problem.invalid(
        "Request is invalid",
        validation_errors(elsewhere) + (found or validation_errors(in_body)),
        "Dữ liệu gửi lên không hợp lệ / The request has invalid fields",
    )
