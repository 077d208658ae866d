from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response

from luutru_common.app import UnitOfWorkDep
from luutru_common.auth import Principal, Role, ensure_scope, require_roles
from luutru_common.problems import Problem, problem_responses
from luutru_ingest.models import Upload
from luutru_ingest.stays import service as stays
from luutru_ingest.uploads import repository, service, sheets
from luutru_ingest.uploads.schemas import RowResult, UploadStatus

router = APIRouter(prefix="/v1", tags=["uploads"])

FacilityUser = Annotated[
    Principal, Depends(require_roles(Role.FACILITY_MANAGER, Role.FACILITY_STAFF))
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def read_limited(file: UploadFile, limit: int) -> bytes:
    """Read at most ``limit`` bytes; more is a 413 before the rest is even read."""
    parts, size = [], 0
    while chunk := await file.read(1 << 20):
        size += len(chunk)
        if size > limit:
            raise Problem(
                413,
                "file-too-large",
                "File too large",
                f"Tệp tối đa {limit // (1024 * 1024)} MB / At most {limit // (1024 * 1024)} MB",
            )
        parts.append(chunk)
    if size == 0:
        raise Problem(422, "file-empty", "Empty file", "Tệp rỗng / The file is empty")
    return b"".join(parts)


@router.post(
    "/uploads",
    status_code=202,
    response_model=UploadStatus,
    summary="Tải lên danh sách khách (CSV/XLSX) / Upload a guest list (CSV/XLSX)",
    description=(
        "Tệp được lưu nguyên vẹn rồi xử lý nền; trả 202 và mã tải lên. CSV (UTF-8, UTF-8 BOM, "
        "UTF-16, Windows-1258) hoặc XLSX; tiêu đề tiếng Việt hoặc tiếng Anh; ngày dd/mm/yyyy "
        "hoặc ngày Excel. / The file is stored as sent and processed in the background; 202 "
        "with an id. CSV (UTF-8, BOM, UTF-16, Windows-1258) or XLSX; Vietnamese or English "
        "headers; dd/mm/yyyy or Excel dates."
    ),
    responses=problem_responses(401, 403, 404, 413, 422),
)
async def upload(
    request: Request,
    principal: FacilityUser,
    uow: UnitOfWorkDep,
    file: Annotated[UploadFile, File(description="CSV hoặc XLSX / CSV or XLSX")],
):
    ensure_scope(principal, "stays:write")
    settings = request.app.state.settings
    raw = await read_limited(file, settings.upload_max_bytes)
    filename = (file.filename or "upload")[:200]
    fmt, _ = service.check_file(raw, filename, settings)
    async with uow:
        facility = await stays.active_facility(uow.session, principal.facility_id)
        record = Upload(
            id=uuid.uuid4(),
            facility_id=facility.id,
            kind="guests",
            filename=filename,
            file_format=fmt,
            raw=raw,
            size=len(raw),
            uploaded_by=principal.subject,
            status="pending",
            next_row=2,
            accepted=0,
            duplicates=0,
            rejected=0,
            attempts=0,
            created_at=datetime.now(UTC),
        )
        uow.session.add(record)
        await uow.commit()
    body = status_of(record, []).model_dump(mode="json")
    return JSONResponse(body, 202, headers={"Location": f"/v1/uploads/{record.id}"})


def status_of(upload: Upload, rows, *, limit: int = 0) -> UploadStatus:
    results = [
        RowResult(
            row=r.row_number,
            status=r.status,
            stay_id=r.stay_id,
            errors=r.errors,
            warnings=r.warnings,
        )
        for r in rows
    ]
    return UploadStatus(
        upload_id=upload.id,
        kind=upload.kind,  # type: ignore[arg-type]
        filename=upload.filename,
        status=upload.status,  # type: ignore[arg-type]
        total_rows=upload.total_rows,
        processed_rows=upload.accepted + upload.duplicates + upload.rejected,
        accepted=upload.accepted,
        duplicates=upload.duplicates,
        rejected=upload.rejected,
        created_at=upload.created_at,
        finished_at=upload.finished_at,
        error=upload.error,
        results=results,
        next_after_row=results[-1].row if limit and len(results) == limit else None,
    )


async def _own_upload(uow, principal: Principal, upload_id: uuid.UUID) -> Upload:
    upload = await repository.get(uow.session, upload_id)
    if upload is None or upload.facility_id != principal.facility_id:
        raise Problem(404, "upload-not-found", "Upload not found", "Không tìm thấy tệp tải lên")
    return upload


@router.get(
    "/uploads/{upload_id}",
    response_model=UploadStatus,
    summary="Tiến độ và kết quả từng dòng / Progress and a result per row",
    responses=problem_responses(401, 403, 404, 422),
)
async def upload_status(
    upload_id: uuid.UUID,
    principal: FacilityUser,
    uow: UnitOfWorkDep,
    after_row: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
) -> UploadStatus:
    async with uow:
        upload = await _own_upload(uow, principal, upload_id)
        rows = await repository.row_results(
            uow.session, upload_id, after_row=after_row, limit=limit
        )
    return status_of(upload, rows, limit=limit)


@router.get(
    "/uploads/{upload_id}/errors.{fmt}",
    summary="Các dòng lỗi để sửa và tải lại / The refused rows, to fix and upload again",
    description=(
        "Chính các dòng của người tải lên bị từ chối, thêm cột lỗi; ô bắt đầu bằng = + - @ "
        "được vô hiệu hóa. / The operator's own refused rows with an error column; cells "
        "that would run as formulas are neutralised."
    ),
    responses={
        200: {"content": {XLSX: {}, "text/csv": {}}, "description": "The sheet"},
        **problem_responses(401, 403, 404, 409, 422),
    },
)
async def upload_errors(
    upload_id: uuid.UUID,
    fmt: str,
    principal: FacilityUser,
    uow: UnitOfWorkDep,
) -> Response:
    if fmt not in ("xlsx", "csv"):
        raise Problem(404, "not-found", "Not found", "Chỉ có errors.xlsx hoặc errors.csv")
    async with uow:
        upload = await _own_upload(uow, principal, upload_id)
        if upload.status not in ("done",):
            raise Problem(
                409,
                "upload-not-finished",
                "Upload not processed yet",
                "Tệp chưa xử lý xong / The upload is still being processed",
            )
        rejected = await repository.rejected_rows(uow.session, upload_id)
    rows = service.error_sheet(upload, rejected)
    name = f"errors-{upload_id}.{fmt}"
    disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
    if fmt == "csv":
        return Response(sheets.to_csv(rows), media_type="text/csv", headers=disposition)
    return Response(sheets.to_xlsx({"Errors": rows}), media_type=XLSX, headers=disposition)


@router.get(
    "/templates/guests.{fmt}",
    summary="Mẫu danh sách khách / Guest list template",
    description=(
        "XLSX có hướng dẫn và danh mục mã; CSV chỉ có tiêu đề và ví dụ. / XLSX with "
        "instructions and code lists; CSV with headers and examples."
    ),
    responses={200: {"content": {XLSX: {}, "text/csv": {}}}, **problem_responses(401, 404)},
)
async def template(fmt: str, principal: FacilityUser) -> Response:
    if fmt == "xlsx":
        return Response(
            sheets.template_xlsx(),
            media_type=XLSX,
            headers={"Content-Disposition": 'attachment; filename="guests.xlsx"'},
        )
    if fmt == "csv":
        return Response(
            sheets.to_csv(sheets.template_rows()),
            media_type="text/csv",
            headers={"Content-Disposition": 'attachment; filename="guests.csv"'},
        )
    raise Problem(404, "not-found", "Not found", "Chỉ có guests.xlsx hoặc guests.csv")
