"""Opaque cursors for list endpoints: the sort key of the last row, base64url-encoded."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from luutru_common.problems import Problem, field_error


def encode(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def decode(cursor: str | None) -> Any:
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        return json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise bad_cursor() from exc


def bad_cursor() -> Problem:
    return Problem(
        422,
        "validation-failed",
        "Request is invalid",
        "Con trỏ phân trang không hợp lệ / Invalid pagination cursor",
        errors=[
            field_error(
                "/query:cursor",
                "cursor-invalid",
                "Con trỏ phân trang không hợp lệ",
                "Invalid pagination cursor",
            )
        ],
    )
