"""A limit on the size of every request body, per route, enforced before anything reads it.

A body announced larger than its route's limit (Content-Length) is refused at once, unread; a
body sent without a length (chunked) is counted as it arrives and refused the moment it goes
over. Either way the answer is 413 problem+json and memory stays flat, whatever is sent —
this sits in front of the JSON guard, the form parser and every endpoint.

Routes are matched on their path template (``/v1/trips/{trip_id}/passengers``): small JSON
bodies by default, more for the batch endpoint, the size of an upload for upload routes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from luutru_common.problems import PROBLEM_JSON, Problem

DEFAULT_JSON_LIMIT = 64 * 1024
"""A person, a facility, a user, a search: a few kilobytes even with every field full."""
MULTIPART_MARGIN = 64 * 1024
"""What a multipart form adds around its file (boundaries, headers, the other fields)."""


def too_large_problem(limit: int) -> Problem:
    """The 413 for a body over `limit` bytes, the limit in the message."""
    return Problem(
        413,
        "payload-too-large",
        "Payload too large",
        f"Dữ liệu gửi lên quá lớn (tối đa {limit:,} byte) / The request body is too large "
        f"(at most {limit:,} bytes)".replace(",", "."),
    )


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` once a body outgrows its limit. An HTTPException, so FastAPI's
    own body reading lets it through (the problem handlers answer 413); raised elsewhere, the
    middleware answers it."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, too_large_problem(limit).detail)
        self.limit = limit


def _template_regex(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template)
    return re.compile(
        "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts if p) + "$"
    )


class BodyLimitMiddleware:
    """Pure ASGI: ``limits`` maps path templates to their limit in bytes; others get
    ``default``."""

    def __init__(
        self, app: ASGIApp, *, default: int = DEFAULT_JSON_LIMIT, limits: Mapping[str, int] = {}
    ) -> None:
        self.app = app
        self.default = default
        self.routes = [(_template_regex(t), n) for t, n in limits.items()]

    def limit_for(self, path: str) -> int:
        """The body limit of a path: the first route pattern that matches it, else the default."""
        for pattern, limit in self.routes:
            if pattern.match(path):
                return limit
        return self.default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            return await self.app(scope, receive, send)
        limit = self.limit_for(scope["path"])
        announced = _content_length(scope)
        if announced is not None and announced > limit:
            return await _refuse(scope, receive, send, limit)
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge:
            if started:
                raise
            await _refuse(scope, receive, send, limit)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _refuse(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
    problem = too_large_problem(limit)
    response = JSONResponse(
        problem.to_model(scope.get("path")).model_dump(mode="json", exclude_none=True),
        status_code=413,
        media_type=PROBLEM_JSON,
        # The rest of the body is not read: the connection cannot be reused.
        headers={"Connection": "close"},
    )
    await response(scope, receive, send)
