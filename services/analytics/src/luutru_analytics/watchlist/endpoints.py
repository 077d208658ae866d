"""The watchlist (đối tượng truy nã): provincial police add entries one by one or by file;
each new entry is matched at once against the guests staying now."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request, UploadFile
from pydantic import ValidationError
from sqlalchemy import select

from luutru_analytics.models import WatchlistEntry
from luutru_analytics.police.access import log_access
from luutru_analytics.watchlist import upload as files
from luutru_analytics.watchlist.schemas import (
    UploadResult,
    UploadRowResult,
    WatchlistAdded,
    WatchlistEntryIn,
    WatchlistEntryOut,
)
from luutru_analytics.watchlist.service import add_entry
from luutru_common.app import UnitOfWorkDep
from luutru_common.auth import Principal, Role, require_roles
from luutru_common.problems import Problem, field_error, problem_responses

router = APIRouter(prefix="/v1/watchlist", tags=["watchlist"])

WatchlistManager = Annotated[
    Principal, Depends(require_roles(Role.POLICE_ADMIN, Role.SYSTEM_ADMIN))
]
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


@router.post(
    "",
    status_code=201,
    response_model=WatchlistAdded,
    summary="Thêm đối tượng vào danh sách truy nã / Add a watchlist entry",
    description=(
        "Số giấy tờ, hoặc họ tên và ngày sinh. Đối chiếu ngay với khách đang lưu trú. / A "
        "document number, or a full name with date of birth; matched at once against the "
        "guests staying now."
    ),
    responses=problem_responses(401, 403, 422),
)
async def add(
    request: Request, body: WatchlistEntryIn, principal: WatchlistManager, uow: UnitOfWorkDep
) -> WatchlistAdded:
    async with uow:
        entry, raised = await add_entry(
            uow.session,
            body,
            created_by=principal.subject,
            threshold=request.app.state.settings.name_match_threshold,
        )
        await uow.commit()
    return WatchlistAdded(entry=WatchlistEntryOut.model_validate(entry), alerts_raised=raised)


@router.post(
    "/upload",
    response_model=UploadResult,
    summary="Tải danh sách truy nã (CSV/XLSX) / Upload a watchlist file (CSV/XLSX)",
    description=(
        "Cột: Số giấy tờ, Họ tên, Ngày sinh (dd/mm/yyyy hoặc ngày Excel), Lý do. Kết quả theo "
        "từng dòng; dòng lỗi không chặn dòng khác. / Columns: document number, full name, "
        "date of birth (dd/mm/yyyy or an Excel date), reason. One result per row; bad rows "
        "do not stop good ones."
    ),
    responses=problem_responses(401, 403, 413, 422),
)
async def upload(
    request: Request, file: UploadFile, principal: WatchlistManager, uow: UnitOfWorkDep
) -> UploadResult:
    content = await file.read(MAX_UPLOAD_BYTES + 1)
    if len(content) > MAX_UPLOAD_BYTES:
        raise Problem(413, "file-too-large", "File too large", "Tối đa 10 MB / At most 10 MB")
    try:
        table = files.read_table(file.filename or "", content)
    except Exception as exc:
        raise Problem(
            422,
            "unreadable-file",
            "Unreadable file",
            errors=[
                field_error("/file", "unreadable-file", "Không đọc được tệp", f"Cannot read: {exc}")
            ],
        ) from exc
    rows, _unknown = files.rows_as_dicts(table)
    results: list[UploadRowResult] = []
    threshold = request.app.state.settings.name_match_threshold
    async with uow:
        for i, row in enumerate(rows, start=1):
            try:
                row["date_of_birth"] = files.parse_date(row.get("date_of_birth"))
            except ValueError:
                results.append(
                    UploadRowResult(row=i, errors=[_err(i, "date_of_birth", "bad-date")])
                )
                continue
            try:
                data = WatchlistEntryIn(
                    **{
                        k: (str(v) if k != "date_of_birth" and v is not None else v)
                        for k, v in row.items()
                        if v not in ("", None)
                    }
                )
            except ValidationError as exc:
                results.append(
                    UploadRowResult(
                        row=i,
                        errors=[
                            _err(i, ".".join(map(str, e["loc"])) or "row", e["type"])
                            for e in exc.errors()
                        ],
                    )
                )
                continue
            entry, raised = await add_entry(
                uow.session, data, created_by=principal.subject, threshold=threshold
            )
            results.append(UploadRowResult(row=i, entry_id=entry.entry_id, alerts_raised=raised))
        await uow.commit()
    accepted = sum(1 for r in results if r.entry_id)
    return UploadResult(
        accepted=accepted,
        rejected=len(results) - accepted,
        alerts_raised=sum(r.alerts_raised for r in results),
        rows=results,
    )


def _err(row: int, field: str, code: str) -> dict:
    return field_error(
        f"/rows/{row}/{field}", code, "Dữ liệu không hợp lệ", f"Invalid value ({code})"
    ).model_dump()


@router.get(
    "",
    response_model=list[WatchlistEntryOut],
    summary="Danh sách truy nã / The watchlist",
    description="Ghi nhật ký truy cập / Logged in the access log.",
    responses=problem_responses(401, 403),
)
async def list_entries(principal: WatchlistManager, uow: UnitOfWorkDep) -> list[WatchlistEntryOut]:
    async with uow:
        entries = (
            await uow.session.scalars(
                select(WatchlistEntry)
                .where(WatchlistEntry.active)
                .order_by(WatchlistEntry.created_at)
            )
        ).all()
        await log_access(
            uow.session,
            principal,
            action="watchlist-list",
            query={},
            purpose="watchlist management",
            result_count=len(entries),
        )
        await uow.commit()
    return [WatchlistEntryOut.model_validate(e) for e in entries]


@router.delete(
    "/{entry_id}",
    status_code=204,
    summary="Gỡ khỏi danh sách / Remove a watchlist entry",
    description="Ngừng đối chiếu; cảnh báo cũ giữ nguyên. / Stops matching; past alerts stay.",
    responses=problem_responses(401, 403, 404),
)
async def remove(entry_id: uuid.UUID, principal: WatchlistManager, uow: UnitOfWorkDep) -> None:
    async with uow:
        entry = await uow.session.get(WatchlistEntry, entry_id)
        if entry is None:
            raise Problem(404, "not-found", "Not found", "Không có mục này / No such entry")
        entry.active = False
        await uow.commit()
