from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import Response

from luutru_common.app import UnitOfWorkDep
from luutru_common.auth import Principal, ensure_scope
from luutru_common.problems import Problem, problem_responses
from luutru_ingest.core import sheets, upload_store
from luutru_ingest.core import upload_parsing as parsing
from luutru_ingest.core.facility import WritingFacility, facility_for
from luutru_ingest.core.http import FacilityUser
from luutru_ingest.core.upload_intake import (
    XLSX,
    HeaderRowForm,
    MappingForm,
    accept_upload,
    parse_mapping,
    read_limited,
    status_of,
)
from luutru_ingest.core.upload_schemas import UploadPreview, UploadStatus
from luutru_ingest.models import Upload
from luutru_ingest.uploads import previews, service

router = APIRouter(prefix="/v1", tags=["uploads"])

UPLOAD_DESCRIPTION = (
    "Tệp được kiểm tra (loại tệp, dòng tiêu đề, cột bắt buộc) rồi lưu nguyên vẹn và xử lý "
    "nền; trả 202 và mã tải lên. CSV (UTF-8, UTF-8 BOM, UTF-16, Windows-1258; dấu phẩy, chấm "
    "phẩy hoặc tab), XLSX, XLS hoặc ODS; tệp gõ bằng phông TCVN3 (.VnTime) hoặc VNI (VNI-Times) "
    "được chuyển sang Unicode. Dòng tiêu đề được tìm trong 20 dòng đầu (bỏ qua dòng "
    "tên bảng, dòng trống; tiêu đề hai dòng); tên cột tiếng Việt hoặc tiếng Anh, nhiều cách "
    "viết; cặp Loại giấy tờ + Số giấy tờ. Ngày dd/mm/yyyy hoặc ngày Excel. Có thể gửi kèm "
    "ghép cột tự chọn (xem /v1/uploads/preview). / The file is checked (type, header row, "
    "required columns), stored as sent and processed in the background; 202 with an id. CSV "
    "(UTF-8, BOM, UTF-16, Windows-1258; comma, semicolon or tab), XLSX, XLS or ODS; sheets "
    "typed with the legacy TCVN3 (.VnTime) or VNI (VNI-Times) fonts are converted to Unicode. "
    "The header "
    "is found in the first 20 lines (title and blank lines skipped, two-line headers); "
    "Vietnamese or English headers in many wordings; a document type + number pair. Dates "
    "dd/mm/yyyy or Excel dates. An explicit column mapping may be sent (see "
    "/v1/uploads/preview)."
)


@router.post(
    "/uploads",
    status_code=202,
    response_model=UploadStatus,
    summary="Tải lên danh sách khách (CSV/XLSX) / Upload a guest list (CSV/XLSX)",
    description=UPLOAD_DESCRIPTION,
    responses=problem_responses(401, 403, 404, 413, 415, 422),
)
async def upload(
    request: Request,
    principal: FacilityUser,
    facility: WritingFacility,
    uow: UnitOfWorkDep,
    file: Annotated[UploadFile, File(description="CSV, XLSX, XLS hoặc ODS")],
    mapping: MappingForm = None,
    header_row: HeaderRowForm = None,
):
    return await accept_upload(
        request,
        uow,
        facility,
        principal.subject,
        file,
        target=parsing.GUESTS,
        mapping=mapping,
        header_row=header_row,
    )


@router.post(
    "/uploads/preview",
    response_model=UploadPreview,
    summary="Xem trước cách đọc tệp và ghép cột / Preview how a file is read and mapped",
    description=(
        "Không lưu gì. Trả về dòng tiêu đề tìm thấy, cột nào ghép với trường nào, các dòng đầu "
        "đã kiểm tra và cột bắt buộc còn thiếu. Nếu cơ sở đã ghép cột cho tệp cùng tiêu đề "
        "lần trước, ghép cột đó được đề xuất. / Stores nothing. Answers the header found, "
        "each column's field, the first rows checked and the required columns missing. A "
        "facility's last mapping for a file with the same headers is offered again."
    ),
    responses=problem_responses(401, 403, 404, 413, 415, 422),
)
async def preview(
    request: Request,
    principal: FacilityUser,
    uow: UnitOfWorkDep,
    file: Annotated[UploadFile, File(description="CSV, XLSX, XLS hoặc ODS")],
    kind: Annotated[Literal["guests", "trip"], Form()] = "guests",
    mapping: MappingForm = None,
    header_row: HeaderRowForm = None,
) -> UploadPreview:
    ensure_scope(principal, "stays:write" if kind == "guests" else "trips:write")
    # Which kind of facility may preview comes with the form, so it is checked here rather
    # than by a dependency, the same way (core.facility).
    facility = await facility_for(request, principal, takes_guests=kind == "guests")
    target = parsing.TARGETS[kind]
    explicit = parse_mapping(mapping, target)
    settings = request.app.state.settings
    raw = await read_limited(file, settings.upload_max_bytes)
    async with uow:
        remembered = await upload_store.remembered_mapping(uow.session, facility.id, kind)
        return await previews.preview(
            uow.session,
            raw,
            file.filename or "",
            target,
            facility=facility,
            explicit=explicit,
            header_row=header_row,
            remembered=remembered,
            rule=request.app.state.deadline_rule,
        )


async def _own_upload(
    uow, principal: Principal, upload_id: uuid.UUID, *, with_file: bool = True
) -> Upload:
    upload = await upload_store.get(uow.session, upload_id, with_file=with_file)
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
    after_row: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
) -> UploadStatus:
    async with uow:
        upload = await _own_upload(uow, principal, upload_id, with_file=False)
        rows = await upload_store.row_results(
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
        rejected = await upload_store.rejected_rows(uow.session, upload_id)
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
