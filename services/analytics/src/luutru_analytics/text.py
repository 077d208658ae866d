"""Text that PostgreSQL can store: free text from requests must not carry NUL characters
(asyncpg refuses them), so they are a validation error (422), never a server error."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator

NO_NUL = r"^[^\x00]*$"


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("ký tự NUL không hợp lệ / NUL characters are not allowed")
    return value


SafeText = Annotated[str, AfterValidator(_no_nul)]
