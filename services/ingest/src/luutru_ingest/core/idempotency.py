"""The `Idempotency-Key` header: the key, a hash of the request and the original answer are
stored in the same transaction as the work.

Claiming the key is an INSERT … ON CONFLICT DO NOTHING on its primary key: a concurrent
request with the same key waits on the first one's row lock until that commits (then it
finds the stored answer) or rolls back (then it proceeds itself). No duplicate either way.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from luutru_common.problems import Problem

MAX_KEY_LENGTH = 200


@dataclass
class StoredAnswer:
    status_code: int
    body: dict


def request_hash(method: str, path: str, body: bytes) -> str:
    """What makes a retry the same request: method, path and body."""
    return hashlib.sha256(b"\0".join([method.encode(), path.encode(), body])).hexdigest()


async def claim(
    session: AsyncSession, facility_id: uuid.UUID, key: str, digest: str
) -> StoredAnswer | None:
    """None: this request owns the key now. Otherwise the original answer to replay."""
    if not key or len(key) > MAX_KEY_LENGTH:
        raise Problem(
            400,
            "idempotency-key-invalid",
            "Bad Idempotency-Key",
            f"Idempotency-Key: 1–{MAX_KEY_LENGTH} ký tự / 1–{MAX_KEY_LENGTH} characters",
        )
    claimed = await session.scalar(
        text(
            "INSERT INTO ingest.idempotency_keys (facility_id, key, request_hash) "
            "VALUES (:f, :k, :h) ON CONFLICT DO NOTHING RETURNING key"
        ),
        {"f": facility_id, "k": key, "h": digest},
    )
    if claimed is not None:
        return None
    row = (
        await session.execute(
            text(
                "SELECT request_hash, status_code, response FROM ingest.idempotency_keys "
                "WHERE facility_id = :f AND key = :k"
            ),
            {"f": facility_id, "k": key},
        )
    ).one()
    if row.request_hash != digest:
        raise Problem(
            422,
            "idempotency-key-reused",
            "Idempotency-Key reused with another request",
            "Khóa Idempotency-Key đã dùng cho một yêu cầu khác / This Idempotency-Key was used "
            "with a different request",
        )
    return StoredAnswer(row.status_code, row.response)


async def remember(
    session: AsyncSession, facility_id: uuid.UUID, key: str, status_code: int, body: dict
) -> None:
    """Store the answer given under an Idempotency-Key, to replay it to a retry."""
    await session.execute(
        text(
            "UPDATE ingest.idempotency_keys SET status_code = :s, response = CAST(:r AS jsonb) "
            "WHERE facility_id = :f AND key = :k"
        ),
        {"f": facility_id, "k": key, "s": status_code, "r": json.dumps(body)},
    )
