"""RFC 9457 problem details (``application/problem+json``) for every error we answer.

Each bad field or row is one entry of ``errors`` with a JSON pointer into the request, a
stable code and a message in Vietnamese and English. Nothing ever leaves as a bare 500 page.
"""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://luutru.example/problems/"

log = structlog.get_logger()


class LocalizedMessage(BaseModel):
    vi: str
    en: str


class FieldError(BaseModel):
    pointer: str = Field(description="JSON pointer into the request, e.g. /guests/3/id_number")
    code: str = Field(description="Stable machine-readable code")
    message: LocalizedMessage


class ProblemDetail(BaseModel):
    type: str
    title: str
    status: int
    detail: str | None = None
    code: str
    instance: str | None = None
    errors: list[FieldError] = Field(default_factory=list)


class Problem(Exception):
    """Raise anywhere in a request to answer with problem+json."""

    def __init__(
        self,
        status: int,
        code: str,
        title: str,
        detail: str | None = None,
        *,
        errors: list[FieldError] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail or title)
        self.status = status
        self.code = code
        self.title = title
        self.detail = detail
        self.errors = errors or []
        self.headers = headers

    @classmethod
    def invalid(cls, title: str, errors: list[FieldError], detail: str | None = None) -> Problem:
        """The 422 `validation-failed` of a body refused for ``errors`` (every violation at
        once, each naming its field)."""
        return cls(422, "validation-failed", title, detail, errors=errors)

    def to_model(self, instance: str | None = None) -> ProblemDetail:
        """The problem+json body, `instance` the request's path."""
        return ProblemDetail(
            type=PROBLEM_BASE + self.code,
            title=self.title,
            status=self.status,
            detail=self.detail,
            code=self.code,
            instance=instance,
            errors=self.errors,
        )


def field_error(pointer: str, code: str, vi: str, en: str) -> FieldError:
    """One violation: the field (JSON pointer), a stable code and the message in both
    languages."""
    return FieldError(pointer=pointer, code=code, message=LocalizedMessage(vi=vi, en=en))


def json_pointer(loc: tuple[Any, ...] | list[Any]) -> str:
    """A pydantic error location as an RFC 6901 JSON pointer."""
    parts = [str(p).replace("~", "~0").replace("/", "~1") for p in loc]
    return "/" + "/".join(parts) if parts else ""


# Vietnamese for the pydantic error types a client meets most; others fall back to English.
_VI_MESSAGES = {
    "missing": "Thiếu trường bắt buộc",
    "string_type": "Phải là chuỗi ký tự",
    "string_too_short": "Chuỗi quá ngắn",
    "string_too_long": "Chuỗi quá dài",
    "string_pattern_mismatch": "Sai định dạng",
    "int_type": "Phải là số nguyên",
    "int_parsing": "Phải là số nguyên",
    "float_parsing": "Phải là số",
    "bool_parsing": "Phải là true hoặc false",
    "uuid_parsing": "Mã định danh (UUID) không hợp lệ",
    "literal_error": "Giá trị không thuộc danh sách cho phép",
    "enum": "Giá trị không thuộc danh sách cho phép",
    "greater_than_equal": "Giá trị quá nhỏ",
    "less_than_equal": "Giá trị quá lớn",
    "greater_than": "Giá trị quá nhỏ",
    "less_than": "Giá trị quá lớn",
    "extra_forbidden": "Trường không được phép",
    "json_invalid": "JSON không hợp lệ",
    "model_attributes_type": "Phải là một đối tượng JSON",
    "model_type": "Phải là một đối tượng JSON",
    "dict_type": "Phải là một đối tượng JSON",
    "list_type": "Phải là một danh sách",
    "value_error": "Giá trị không hợp lệ",
    # Lists, and text fields whose type has its own validators (pydantic then reports the
    # generic length errors): the limit comes from the error's context.
    "too_short": "Quá ngắn",
    "too_long": "Quá dài",
}

# The field-validation codes a request can be answered with besides the rules' own (pydantic's
# error types, each with its Vietnamese message above).
VALIDATION_CODES = frozenset(_VI_MESSAGES)

_LIMITS = {
    "too_short": ("min_length", "tối thiểu"),
    "string_too_short": ("min_length", "tối thiểu"),
    "too_long": ("max_length", "tối đa"),
    "string_too_long": ("max_length", "tối đa"),
}


def _bilingual(etype: str, en: str) -> bool:
    # A validator that raises ValueError("tiếng Việt / English") says it in both languages, and
    # so do our own error types (kebab-case codes, as luutru_common.bounds raises them).
    return (etype == "value_error" or "-" in etype) and " / " in en


def _vietnamese(etype: str, en: str, ctx: dict[str, Any]) -> str:
    if _bilingual(etype, en):
        return en.removeprefix("Value error, ").split(" / ", 1)[0]
    vi = _VI_MESSAGES.get(etype, en)
    if etype in _LIMITS and _LIMITS[etype][0] in ctx:
        key, word = _LIMITS[etype]
        vi = f"{vi} ({word} {ctx[key]})"
    return vi


def _english(etype: str, en: str) -> str:
    if _bilingual(etype, en):
        return en.removeprefix("Value error, ").split(" / ", 1)[1]
    return en


# Pydantic's errors for a date or a time it could not parse, by the kind of field.
_DATE_PARSING = {
    "date_parsing": "date",
    "date_from_datetime_parsing": "date",
    "date_from_datetime_inexact": "date",  # a number read as a timestamp with a time of day
    "datetime_parsing": "datetime",
    "datetime_from_date_parsing": "datetime",
}
# …and what it says (ctx.error) when the text is in the right format but the day is not in
# the calendar (31/02, month 13, year 0).
_NOT_IN_CALENDAR = (
    "day value is outside expected range",
    "month value is outside expected range",
    "year 0 is out of range",
)
_DATE_INVALID = (
    "date-invalid",
    "Ngày không tồn tại (ví dụ 31/02)",
    "This date does not exist (e.g. 31 February)",
)
_DATE_FORMAT = {
    "date": (
        "date-format",
        "Không đọc được ngày; ghi theo dạng YYYY-MM-DD (ví dụ 1990-05-01)",
        "The date cannot be read; write it as YYYY-MM-DD (e.g. 1990-05-01)",
    ),
    "datetime": (
        "date-format",
        "Không đọc được thời điểm; ghi theo ISO 8601 (ví dụ 2026-11-27T14:00:00+07:00)",
        "The time cannot be read; write it in ISO 8601 (e.g. 2026-11-27T14:00:00+07:00)",
    ),
}


def _date_error(etype: str, ctx: dict[str, Any]) -> tuple[str, str, str] | None:
    """`date-invalid` for a well-written date that does not exist, `date-format` for one that
    cannot be read; None for any other error."""
    kind = _DATE_PARSING.get(etype)
    if kind is None:
        return None
    if str(ctx.get("error", "")).startswith(_NOT_IN_CALENDAR):
        return _DATE_INVALID
    return _DATE_FORMAT[kind]


def validation_errors(
    errors: list[dict[str, Any]], *, strip_prefix: bool = True
) -> list[FieldError]:
    """pydantic's errors as field errors; ``strip_prefix`` drops FastAPI's leading source
    (body, query…) from the location."""
    out: list[FieldError] = []
    for err in errors:
        loc = list(err.get("loc", ()))
        # FastAPI prefixes the location with where it came from (body, query, path, header);
        # a parameter's name takes the source as a prefix, the rest (a list's index) stays.
        if strip_prefix and loc and loc[0] in ("body", "query", "path", "header", "cookie"):
            source = loc.pop(0)
            if source != "body":
                loc = [f"{source}:{loc[0]}", *loc[1:]] if loc else [source]
        etype = str(err.get("type", "value_error"))
        en = str(err.get("msg", "Invalid value"))
        ctx = err.get("ctx") or {}
        if (date_error := _date_error(etype, ctx)) is not None:
            out.append(field_error(json_pointer(loc), *date_error))
            continue
        out.append(
            field_error(json_pointer(loc), etype, _vietnamese(etype, en, ctx), _english(etype, en))
        )
    return out


def _response(problem: ProblemDetail, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        problem.model_dump(mode="json", exclude_none=True),
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


_STATUS_CODES = {
    400: ("bad-request", "Bad request"),
    401: ("unauthenticated", "Authentication required"),
    403: ("forbidden", "Forbidden"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    406: ("not-acceptable", "Not acceptable"),
    409: ("conflict", "Conflict"),
    413: ("payload-too-large", "Payload too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    429: ("too-many-requests", "Too many requests"),
}


def _unreachable_network(exc: BaseException) -> bool:
    """What is transient without a database: the network (a connection refused, a timeout)."""
    return isinstance(exc, OSError | TimeoutError)


def install_problem_handlers(app: FastAPI, *, database: bool = True) -> None:
    """The problem+json answers of every error. `database=False` is for an app without one
    (the console): then neither SQLAlchemy nor the Kafka consumer's module (through
    `is_transient`) is imported, half of the console's start-up (issue 14, cold start)."""
    if database:
        from luutru_common.consumer import is_transient
    else:
        is_transient = _unreachable_network

    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return _response(exc.to_model(request.url.path), exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        problem = Problem.invalid(
            "Request is invalid",
            validation_errors(list(exc.errors())),
            "Dữ liệu gửi lên không hợp lệ / The request has invalid fields",
        )
        return _response(problem.to_model(request.url.path))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if isinstance(exc.__cause__, RecursionError):
            # FastAPI's answer to a body its JSON decoder could not descend into.
            return await _too_deep(request, exc.__cause__)
        code, title = _STATUS_CODES.get(exc.status_code, ("http-error", "HTTP error"))
        detail = exc.detail if isinstance(exc.detail, str) else None
        problem = Problem(exc.status_code, code, title, detail)
        return _response(problem.to_model(request.url.path), getattr(exc, "headers", None))

    async def _database(request: Request, exc: Exception) -> JSONResponse:
        if _sqlstate(exc) in _BAD_TEXT_SQLSTATES:
            # Text PostgreSQL cannot store (a NUL byte, say) that got past validation: the
            # client's input is at fault, not the server.
            return _response(_invalid_characters().to_model(request.url.path))
        if _out_of_range(exc):
            # A number or time PostgreSQL cannot hold that got past the bounds of
            # luutru_common.bounds: still the input's fault, never a server error.
            problem = Problem(
                422,
                "value-out-of-range",
                "A value is out of range",
                "Một giá trị vượt quá giới hạn cho phép / A value is out of the allowed range",
            )
            return _response(problem.to_model(request.url.path))
        return await _unexpected(request, exc)

    if database:
        from sqlalchemy.exc import DBAPIError

        app.add_exception_handler(DBAPIError, _database)

    @app.exception_handler(RecursionError)
    async def _too_deep(request: Request, exc: RecursionError) -> JSONResponse:
        # Input nested deeper than any reader of it can go (JSON read by hand, say; the
        # JsonGuardMiddleware refuses deep JSON bodies before this).
        log.warning("input_too_deep", path=request.url.path)
        problem = Problem(
            400,
            "json-too-deep",
            "Input nested too deeply",
            "Dữ liệu lồng nhau quá sâu / The input is nested too deeply",
        )
        return _response(problem.to_model(request.url.path))

    @app.exception_handler(UnicodeEncodeError)
    async def _unencodable(request: Request, exc: UnicodeEncodeError) -> JSONResponse:
        # Text with an unpaired surrogate (valid JSON "\\ud800") has no UTF-8 encoding: the
        # client's input, not the server, is at fault. The JsonGuardMiddleware names the field
        # for JSON bodies; this is the net under everything else.
        log.warning("unencodable_text", path=request.url.path, reason=exc.reason)
        return _response(_invalid_characters().to_model(request.url.path))

    @app.exception_handler(OSError)
    async def _unreachable(request: Request, exc: OSError) -> JSONResponse:
        # A connection refused or timed out (the database, say) is answered here, by the
        # exception middleware, rather than by the server error middleware, which re-raises.
        return await _unexpected(request, exc)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        if is_transient(exc):
            # The database (or another part of the platform) is down: retry, nothing is wrong
            # with the request.
            log.warning("dependency_unavailable", path=request.url.path, error=repr(exc))
            return _response(unavailable().to_model(request.url.path), unavailable().headers)
        log.exception("unhandled_error", path=request.url.path)
        problem = Problem(
            500,
            "internal-error",
            "Internal error",
            "Lỗi hệ thống, vui lòng thử lại / Internal error, please retry",
        )
        return _response(problem.to_model(request.url.path))


RETRY_AFTER_S = 5


def unavailable() -> Problem:
    """503 with Retry-After: a dependency (database, keys) is away for now."""
    return Problem(
        503,
        "service-unavailable",
        "Service temporarily unavailable",
        "Hệ thống tạm thời gián đoạn, vui lòng thử lại sau ít giây / The service is "
        "temporarily unavailable; retry in a few seconds",
        headers={"Retry-After": str(RETRY_AFTER_S)},
    )


# character_not_in_repertoire (e.g. NUL in UTF-8 text), untranslatable_character
_BAD_TEXT_SQLSTATES = frozenset({"22021", "22P05"})
# numeric_value_out_of_range, datetime_field_overflow
_OUT_OF_RANGE_SQLSTATES = frozenset({"22003", "22008"})


def _out_of_range(exc: BaseException) -> bool:
    code = _sqlstate(exc)
    if code in _OUT_OF_RANGE_SQLSTATES:
        return True
    # asyncpg refuses a parameter it cannot encode (an int past int32/int64) with a generic
    # data_exception: "invalid input for query argument $1: … (value out of int32 range)".
    return code == "22000" and "value out of" in str(exc)


def _invalid_characters() -> Problem:
    return Problem(
        422,
        "invalid-characters",
        "Text contains characters that cannot be stored",
        "Dữ liệu chứa ký tự không hợp lệ (ví dụ NUL) / The input contains characters "
        "that cannot be stored (such as NUL)",
    )


def _sqlstate(exc: BaseException) -> str | None:
    """The PostgreSQL error code behind an exception, through SQLAlchemy's wrapping."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        code = getattr(current, "sqlstate", None) or getattr(current, "pgcode", None)
        if isinstance(code, str):
            return code
        current = getattr(current, "orig", None) or current.__cause__
    return None


# For OpenAPI: declare the problem responses an endpoint can give.
def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI ``responses`` of an endpoint that may answer problem+json with
    ``statuses``."""
    return {
        s: {"model": ProblemDetail, "content": {PROBLEM_JSON: {}}, "description": "Problem"}
        for s in statuses
    }
