"""A guard in front of every JSON request body: bodies nested deeper than any of our schemas
(which would exhaust the recursion of the JSON decoder or of what reads the result) and text
with an unpaired UTF-16 surrogate (``"\\ud800"``: valid JSON, but no UTF-8 encoding exists, so
PostgreSQL and every encoder refuse it) are answered with a problem before any endpoint runs.

Both checks look at the raw bytes first, which costs next to nothing on ordinary bodies: the
nesting is measured only when the body has more brackets than the limit, and decoded only when
it has a surrogate escape at all.
"""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from luutru_common.problems import PROBLEM_JSON, FieldError, Problem, field_error, json_pointer

MAX_JSON_DEPTH = 32
"""Arrays and objects nested in one another; our deepest request is 3 (a batch of guests)."""
MAX_TEXT_ERRORS = 100

_PAIR = re.compile(rb"[\[{][\]}]")
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'[]{}"')
_QUOTE_OR_BACKSLASH_ESCAPE = re.compile(rb'\\[\\"]')
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_FORM_TYPES = ("multipart/", "application/x-www-form-urlencoded")


def json_too_deep(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether the arrays and objects of a JSON text nest deeper than ``limit`` (for text that
    is not JSON, whether its brackets would take a decoder that deep)."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    # Escaped backslashes, then escaped quotes: rare, so looked for first (one scan; a name's
    # accents escaped as \\u… are most of a body's backslashes and need nothing).
    if _QUOTE_OR_BACKSLASH_ESCAPE.search(body):
        body = body.replace(b"\\\\", b"").replace(b'\\"', b"")
    structure = body.translate(None, _NOT_STRUCTURE)  # brackets and quotes only
    # Two quotes side by side are a string with no bracket in it, or the end of one string and
    # the start of the next with only `:` or `,` between: dropping them changes no bracket's
    # depth, and leaves the (rare) strings that hold brackets for the split.
    structure = structure.replace(b'""', b"")
    brackets = b"".join(structure.split(b'"')[0::2]) if b'"' in structure else structure
    depth = 0
    while depth < limit:
        brackets, removed = _PAIR.subn(b"", brackets)  # the innermost level
        if not removed:
            break
        depth += 1
    # Left over: containers deeper than the limit, or brackets never closed (each as deep).
    return depth + brackets.count(b"[") + brackets.count(b"{") > limit


def _has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def unpaired_surrogates(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The paths of the keys and strings of a decoded JSON value that cannot be encoded (a key
    in a path has its surrogates written as escapes, so the path itself can be sent)."""
    found: list[tuple[Any, ...]] = []
    if isinstance(value, str):
        if _has_lone_surrogate(value):
            found.append(path)
    elif isinstance(value, dict):
        for key, item in value.items():
            safe = key.encode("utf-8", "backslashreplace").decode("utf-8")
            if safe != key:
                found.append((*path, safe))
            found += unpaired_surrogates(item, (*path, safe))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += unpaired_surrogates(item, (*path, index))
    return found


def surrogate_errors(body: bytes) -> list[FieldError]:
    """Field errors for the text of a JSON body that has unpaired surrogates."""
    if not _SURROGATE_ESCAPE.search(body):
        return []
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):
        return []  # not JSON: the endpoint's own parsing answers that
    return [
        field_error(
            json_pointer(path),
            "invalid-characters",
            "Chuỗi chứa ký tự không hợp lệ (nửa cặp thay thế UTF-16 đứng riêng, ví dụ \\ud800)",
            "The text contains an unpaired UTF-16 surrogate (such as \\ud800)",
        )
        for path in unpaired_surrogates(value)[:MAX_TEXT_ERRORS]
    ]


def too_deep_problem() -> Problem:
    """The 400 for JSON nested deeper than MAX_JSON_DEPTH (refused before it is parsed)."""
    return Problem(
        400,
        "json-too-deep",
        "JSON nested too deeply",
        f"JSON lồng nhau quá sâu (tối đa {MAX_JSON_DEPTH} cấp) / The JSON is nested too "
        f"deeply (at most {MAX_JSON_DEPTH} levels)",
        errors=[
            field_error(
                "",
                "json-too-deep",
                f"Mảng và đối tượng JSON lồng nhau tối đa {MAX_JSON_DEPTH} cấp",
                f"JSON arrays and objects may be nested at most {MAX_JSON_DEPTH} levels deep",
            )
        ],
    )


def _is_guarded(scope: Scope) -> bool:
    if scope["method"] not in ("POST", "PUT", "PATCH", "DELETE"):
        return False
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            content_type = value.decode("latin-1").split(";")[0].strip().lower()
            return not content_type.startswith(_FORM_TYPES)
    return True  # no content type: FastAPI and our token endpoint may still read JSON


class JsonGuardMiddleware:
    """Pure ASGI: reads a JSON body, refuses it if too deep or unencodable, else replays it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _is_guarded(scope):
            return await self.app(scope, receive, send)
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return await self.app(scope, _replay([message], receive), send)
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        problem = None
        if json_too_deep(body):
            problem = too_deep_problem()
        elif errors := surrogate_errors(body):
            problem = Problem.invalid(
                "Request is invalid",
                errors,
                "Dữ liệu gửi lên chứa ký tự không hợp lệ / The request contains invalid characters",
            )
        if problem is not None:
            response = JSONResponse(
                problem.to_model(scope.get("path")).model_dump(mode="json", exclude_none=True),
                status_code=problem.status,
                media_type=PROBLEM_JSON,
            )
            return await response(scope, receive, send)
        message = {"type": "http.request", "body": body, "more_body": False}
        await self.app(scope, _replay([message], receive), send)


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replayed() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replayed
