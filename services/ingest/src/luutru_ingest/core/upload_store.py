from __future__ import annotations

import json
import uuid
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from luutru_common.db import jsonb_text, raw_connection
from luutru_ingest.models import Upload, UploadMapping, UploadRow


async def claim_next(session: AsyncSession, lease_s: float) -> uuid.UUID | None:
    """Take the oldest waiting upload whose lease is free; SKIP LOCKED lets several workers
    share the queue, the lease hands a dead worker's upload to another."""
    return await session.scalar(
        text(
            "UPDATE ingest.uploads SET status = 'processing', attempts = attempts + 1, "
            "lease_until = now() + make_interval(secs => :lease) WHERE id = ("
            " SELECT id FROM ingest.uploads WHERE status IN ('pending', 'processing')"
            " AND (lease_until IS NULL OR lease_until < now())"
            " ORDER BY created_at FOR UPDATE SKIP LOCKED LIMIT 1) RETURNING id"
        ),
        {"lease": lease_s},
    )


async def get(
    session: AsyncSession, upload_id: uuid.UUID, *, with_file: bool = True
) -> Upload | None:
    """An upload; ``with_file=False`` leaves its stored file (up to 20 MB) in the database:
    a progress poll does not read it, and loading it on every poll of a 100,000-row file was
    most of the poll's cost (bench/README.md). Reading ``raw`` then raises."""
    options = [] if with_file else [defer(Upload.raw, raiseload=True)]
    return await session.get(Upload, upload_id, options=options)


async def advance(
    session: AsyncSession,
    upload_id: uuid.UUID,
    *,
    expected_next_row: int,
    next_row: int,
    counts: dict[str, int],
    lease_s: float,
) -> bool:
    """Record a chunk as done. False when another worker moved the upload on meanwhile (our
    lease ran out): the caller must roll back its chunk."""
    moved = await session.scalar(
        text(
            "UPDATE ingest.uploads SET next_row = :next, accepted = accepted + :a, "
            "duplicates = duplicates + :d, rejected = rejected + :r, "
            "lease_until = now() + make_interval(secs => :lease) "
            "WHERE id = :id AND next_row = :expected RETURNING id"
        ),
        {
            "id": upload_id,
            "next": next_row,
            "expected": expected_next_row,
            "a": counts.get("accepted", 0),
            "d": counts.get("duplicate", 0),
            "r": counts.get("rejected", 0),
            "lease": lease_s,
        },
    )
    return moved is not None


async def insert_rows(session: AsyncSession, upload_id: uuid.UUID, rows: list[tuple]) -> None:
    """rows: (row_number, status, stay_id, errors, warnings)."""
    if not rows:
        return
    conn = await raw_connection(session)
    await conn.copy_records_to_table(
        "upload_rows",
        schema_name="ingest",
        columns=["upload_id", "row_number", "status", "stay_id", "errors", "warnings"],
        records=[(upload_id, n, s, i, jsonb_text(e), jsonb_text(w)) for n, s, i, e, w in rows],
    )


async def finish(
    session: AsyncSession,
    upload_id: uuid.UUID,
    *,
    status: str,
    total_rows: int | None,
    error: dict | None,
    at: datetime,
    add_notices: list[dict] | None = None,
) -> None:
    """Mark an upload finished with its status, total rows, error and added notices."""
    await session.execute(
        text(
            "UPDATE ingest.uploads SET status = :s, total_rows = coalesce(:t, total_rows), "
            "error = CAST(:e AS jsonb), finished_at = :at, lease_until = NULL, "
            "notices = notices || CAST(:n AS jsonb) WHERE id = :id"
        ),
        {
            "id": upload_id,
            "s": status,
            "t": total_rows,
            "e": json.dumps(error, ensure_ascii=False) if error else None,
            "n": json.dumps(add_notices or [], ensure_ascii=False),
            "at": at,
        },
    )


async def count_row_errors(session: AsyncSession, upload_id: uuid.UUID, code: str) -> int:
    """How many of an upload's rows carry an error with this code."""
    return await session.scalar(
        text(
            "SELECT count(*) FROM ingest.upload_rows WHERE upload_id = :id "
            "AND errors @> CAST(:pattern AS jsonb)"
        ),
        {"id": upload_id, "pattern": json.dumps([{"code": code}])},
    )


async def remembered_mapping(
    session: AsyncSession, facility_id: uuid.UUID, kind: str
) -> UploadMapping | None:
    return await session.get(UploadMapping, (facility_id, kind))


async def remember_mapping(
    session: AsyncSession,
    facility_id: uuid.UUID,
    kind: str,
    *,
    signature: str,
    mapping: dict,
    header_row: int | None,
) -> None:
    """The facility's last explicit mapping for this kind of upload (one per kind)."""
    await session.execute(
        text(
            "INSERT INTO ingest.upload_mappings (facility_id, kind, signature, header_row,"
            " mapping, updated_at) VALUES (:f, :k, :s, :h, CAST(:m AS jsonb), now())"
            " ON CONFLICT (facility_id, kind) DO UPDATE SET signature = excluded.signature,"
            " header_row = excluded.header_row, mapping = excluded.mapping,"
            " updated_at = excluded.updated_at"
        ),
        {
            "f": facility_id,
            "k": kind,
            "s": signature,
            "h": header_row,
            "m": json.dumps(mapping, ensure_ascii=False),
        },
    )


async def row_results(
    session: AsyncSession, upload_id: uuid.UUID, *, after_row: int, limit: int
) -> list[UploadRow]:
    """A page of an upload's row results after ``after_row``, in row order."""
    return list(
        (
            await session.scalars(
                select(UploadRow)
                .where(UploadRow.upload_id == upload_id, UploadRow.row_number > after_row)
                .order_by(UploadRow.row_number)
                .limit(limit)
            )
        ).all()
    )


async def rejected_rows(session: AsyncSession, upload_id: uuid.UUID) -> dict[int, list]:
    """The errors of an upload's refused rows, by row number."""
    rows = await session.execute(
        select(UploadRow.row_number, UploadRow.errors).where(
            UploadRow.upload_id == upload_id, UploadRow.status == "rejected"
        )
    )
    return {n: e for n, e in rows.all()}
