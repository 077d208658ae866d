"""The `Idempotency-Key` header: the key, a hash of the request and the original answer are
stored in the same transaction as the work.

Claiming the key is an INSERT … ON CONFLICT DO NOTHING on its primary key: a concurrent
request with the same key waits on the first one's row lock until that commits (then it
finds the stored answer) or rolls back (then it proceeds itself). No duplicate either way.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

import asyncpg

from luutru_common.problems import Problem

MAX_KEY_LENGTH = 200


@dataclass
class StoredAnswer:
    status_code: int
    body: str  # the JSON answer as sent


def request_hash(method: str, path: str, body: bytes) -> str:
    """What makes a retry the same request: method, path and body."""
    return hashlib.sha256(b"\0".join([method.encode(), path.encode(), body])).hexdigest()


CLAIM = (
    "INSERT INTO ingest.idempotency_keys (facility_id, key, request_hash) "
    "VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING key"
)
STORED = (
    "SELECT request_hash, status_code, response::text FROM ingest.idempotency_keys "
    "WHERE facility_id = $1 AND key = $2"
)
REMEMBER = (
    "UPDATE ingest.idempotency_keys SET status_code = $3, response = $4::jsonb "
    "WHERE facility_id = $1 AND key = $2"
)


async def claim(
    conn: asyncpg.Connection, facility_id: uuid.UUID, key: str, digest: str
) -> StoredAnswer | None:
    """None: this request owns the key now. Otherwise the original answer to replay."""
    if not key or len(key) > MAX_KEY_LENGTH:
        raise Problem(
            400,
            "idempotency-key-invalid",
            "Bad Idempotency-Key",
            f"Idempotency-Key: 1–{MAX_KEY_LENGTH} ký tự / 1–{MAX_KEY_LENGTH} characters",
        )
    if await conn.fetchval(CLAIM, facility_id, key, digest) is not None:
        return None
    row = await conn.fetchrow(STORED, facility_id, key)
    if row["request_hash"] != digest:
        raise Problem(
            422,
            "idempotency-key-reused",
            "Idempotency-Key reused with another request",
            "Khóa Idempotency-Key đã dùng cho một yêu cầu khác / This Idempotency-Key was used "
            "with a different request",
        )
    return StoredAnswer(row["status_code"], row["response"])


async def remember(
    conn: asyncpg.Connection, facility_id: uuid.UUID, key: str, status_code: int, body: str
) -> None:
    """Store the answer given under an Idempotency-Key (its JSON), to replay it to a retry."""
    await conn.execute(REMEMBER, facility_id, key, status_code, body)
