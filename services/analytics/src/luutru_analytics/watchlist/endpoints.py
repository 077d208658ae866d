"""The watchlist (đối tượng truy nã): provincial police add entries one by one or by file;
each new entry is matched at once against the guests staying now."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request, UploadFile

from luutru_analytics.core.access_log import log_access
from luutru_analytics.watchlist import repository
from luutru_analytics.watchlist import upload as files
from luutru_analytics.watchlist.schemas import (
    UploadResult,
    UploadRowResult,
    WatchlistAdded,
    WatchlistEntryIn,
    WatchlistEntryOut,
)
from luutru_analytics.watchlist.service import add_entries, add_entry
from luutru_common import intake
from luutru_common.app import UnitOfWorkDep
from luutru_common.auth import Principal, Role, require_roles
from luutru_common.problems import Problem, problem_responses

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


UPLOAD_DESCRIPTION = (
    "Bảng tính CSV (UTF-8 có hoặc không BOM, UTF-16, Windows-1258; phân cách dấu phẩy, chấm "
    "phẩy hoặc tab), XLSX, XLS hoặc ODS (trang tính đầu tiên), tối đa 10 MB. Dòng tiêu đề được "
    "tìm trong 20 dòng đầu (có thể có dòng tựa đề, dòng trống phía trên), tiêu đề tiếng Việt "
    "hoặc tiếng Anh: số giấy tờ (“Số giấy tờ”, “Số CCCD”, “Số định danh”, “Số hộ chiếu”, “Số "
    "CMND”), họ tên (“Họ và tên”, hoặc “Họ” và “Tên”), “Ngày sinh” (dd/mm/yyyy, yyyy-mm-dd "
    "hoặc ô ngày của Excel), “Lý do”. Cần cột số giấy tờ, hoặc cột họ tên và ngày sinh; thiếu "
    "thì cả tệp bị từ chối (422 headers-unknown, nêu các cột tìm thấy và cột thiếu). Mỗi dòng "
    "một kết quả, `row` là số dòng như bảng tính hiển thị; mỗi dòng cần số giấy tờ, hoặc họ "
    "tên và ngày sinh, và được báo mọi lỗi cùng lúc (ngày sai dạng: date-format; ngày không "
    "tồn tại: date-invalid); dòng lỗi không chặn dòng khác. Cột không đọc được nêu trong "
    "`notices`. Lỗi tệp: 413 file-too-large, 413 archive-too-large (nghi zip bomb), 415 "
    "file-unsupported (không phải bảng tính, ví dụ PDF, Word), 422 file-empty, 422 "
    "file-unreadable (tệp hỏng), 422 headers-unknown. / A CSV (UTF-8 with or without BOM, "
    "UTF-16, Windows-1258; comma, semicolon or tab), XLSX, XLS or ODS spreadsheet (first "
    "sheet), at most 10 MB. The header row is looked for in the first 20 lines (title and "
    "blank rows above it are fine), in Vietnamese or English: a document number (document, "
    "ID card, personal ID, passport or old ID number), the full name (or surname and given "
    "name), the date of birth (dd/mm/yyyy, yyyy-mm-dd or an Excel date), the reason. A "
    "document column, or name and date-of-birth columns, must be there, or the whole file is "
    "refused (422 headers-unknown, naming the columns found and those missing). One result "
    "per row, `row` being the line number the spreadsheet shows; each row needs a document "
    "number, or a full name with a date of birth, and gets all its errors at once (a date "
    "that cannot be read: date-format; one that does not exist: date-invalid); bad rows do "
    "not stop good ones. Columns not read are listed in `notices`. File problems: 413 "
    "file-too-large, 413 archive-too-large (a zip bomb?), 415 file-unsupported (not a "
    "spreadsheet: a PDF, a Word document), 422 file-empty, 422 file-unreadable (damaged), "
    "422 headers-unknown."
)


@router.post(
    "/upload",
    response_model=UploadResult,
    summary=(
        "Tải danh sách truy nã (CSV/XLSX/XLS/ODS) / Upload a watchlist file (CSV/XLSX/XLS/ODS)"
    ),
    description=UPLOAD_DESCRIPTION,
    responses=problem_responses(401, 403, 413, 415, 422),
)
async def upload(
    request: Request, file: UploadFile, principal: WatchlistManager, uow: UnitOfWorkDep
) -> UploadResult:
    content = await file.read(MAX_UPLOAD_BYTES + 1)
    if len(content) > MAX_UPLOAD_BYTES:
        raise intake.file_problem("file-too-large", "tối đa 10 MB", "at most 10 MB")
    sheet, layout = files.open_watchlist(content, file.filename or "")
    # The whole file is read before anything is stored: a file damaged halfway is refused
    # whole, not half-imported.
    rows = list(files.read_rows(sheet, layout))
    threshold = request.app.state.settings.name_match_threshold
    readable = [row for row in rows if row.entry is not None]
    async with uow:
        added = await add_entries(
            uow.session,
            [row.entry for row in readable],  # type: ignore[misc]
            created_by=principal.subject,
            threshold=threshold,
        )
        await uow.commit()
    # In the file's order: the stored entries come back in the order of the readable rows.
    stored = iter(added)
    results: list[UploadRowResult] = []
    for row in rows:
        if row.entry is None:
            results.append(UploadRowResult(row=row.line, errors=row.errors, warnings=row.warnings))
            continue
        entry, raised = next(stored)
        results.append(
            UploadRowResult(
                row=row.line, entry_id=entry.entry_id, alerts_raised=raised, warnings=row.warnings
            )
        )
    accepted = sum(1 for r in results if r.entry_id)
    return UploadResult(
        accepted=accepted,
        rejected=len(results) - accepted,
        alerts_raised=sum(r.alerts_raised for r in results),
        header_row=layout.header_line or None,
        notices=files.column_notices(layout),  # type: ignore[arg-type]
        rows=results,
    )


@router.get(
    "",
    response_model=list[WatchlistEntryOut],
    summary="Danh sách truy nã / The watchlist",
    description="Ghi nhật ký truy cập / Logged in the access log.",
    responses=problem_responses(401, 403),
)
async def list_entries(principal: WatchlistManager, uow: UnitOfWorkDep) -> list[WatchlistEntryOut]:
    async with uow:
        entries = await repository.active_entries(uow.session)
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
        entry = await repository.entry(uow.session, entry_id)
        if entry is None:
            raise Problem(404, "not-found", "Not found", "Không có mục này / No such entry")
        entry.active = False
        await uow.commit()
