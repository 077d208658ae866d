"""Keyset paging for list endpoints, written once.

A list is ordered by a unique key; a page is asked for with the key of the previous page's
last row (the cursor) and fetched with ``WHERE key > :after ORDER BY key LIMIT limit + 1``:
the extra row says whether a next page exists, and no row is skipped or repeated when rows
are added meanwhile (as OFFSET would).

Use:

    after = paging.decode_uuid(cursor)          # or paging.decode(cursor) for any JSON key
    rows = await repository.page(..., after=after, limit=limit + 1)
    rows, next_cursor = paging.page(rows, limit, key=lambda r: str(r.id))

A cursor that cannot be read is a 422 naming the `cursor` query parameter.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from luutru_common.problems import Problem, field_error

T = TypeVar("T")


def bad_cursor() -> Problem:
    """The 422 for a cursor this service did not hand out."""
    return Problem.invalid(
        "Request is invalid",
        [
            field_error(
                "/query:cursor",
                "cursor-invalid",
                "Con trỏ phân trang không hợp lệ",
                "Invalid pagination cursor",
            )
        ],
        "Con trỏ phân trang không hợp lệ / Invalid pagination cursor",
    )


def encode(value: Any) -> str:
    """An opaque cursor for any JSON sort key (a code, a (time, id) pair…)."""
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def decode(cursor: str | None, kind: type | None = None) -> Any:
    """The sort key `encode` wrapped, or None for the first page; with ``kind``, a key of
    another type (a cursor made up by hand) is refused too."""
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise bad_cursor() from exc
    # bool is an int to Python, never a sort key here.
    if kind is not None and (not isinstance(value, kind) or isinstance(value, bool)):
        raise bad_cursor()
    return value


def decode_uuid(cursor: str | None) -> uuid.UUID | None:
    """For lists paged by a UUID id whose cursor is the id itself: the previous page's last
    id, or None for the first page."""
    if not cursor:
        return None
    try:
        return uuid.UUID(cursor)
    except ValueError:
        raise bad_cursor() from None


def page(rows: Sequence[T], limit: int, *, key: Callable[[T], str]) -> tuple[list[T], str | None]:
    """Rows fetched with ``limit + 1`` → (the page's rows, the next page's cursor or None)."""
    items = list(rows[:limit])
    return items, (key(items[-1]) if len(rows) > limit else None)
