"""Police-only reads of personal data: foreign guests staying now and the person search.
Every answer is logged in the access log in the same transaction, before it is sent."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query

from luutru_analytics.core.access_log import log_access
from luutru_analytics.core.matching import normalize_document
from luutru_analytics.core.scope import require_police
from luutru_analytics.police import repository
from luutru_analytics.police.schemas import (
    AccessLogOut,
    ForeignGuestsQuery,
    GuestRecordList,
    GuestRecordOut,
    PersonSearch,
    stated_purpose,
)
from luutru_analytics.text import NO_NUL
from luutru_common.app import UnitOfWorkDep
from luutru_common.auth import CurrentPrincipal, Role
from luutru_common.identity import name_match_key
from luutru_common.problems import Problem, field_error, problem_responses

router = APIRouter(prefix="/v1/police", tags=["police"])
VN = ZoneInfo("Asia/Ho_Chi_Minh")


@router.get(
    "/foreign-guests",
    response_model=GuestRecordList,
    summary="Người nước ngoài đang lưu trú / Foreign guests staying now",
    description=(
        "Dữ liệu cá nhân, chỉ Công an (Công an xã: trong xã của mình); mỗi lần xem được ghi "
        "nhật ký truy cập với mục đích: số hồ sơ/vụ việc, lý do trong danh mục, ghi chú. / "
        "Personal data, police only (commune police: their communes); every read is written "
        "to the access log with its purpose: `case_reference` (a case or dossier reference "
        "with a number), `reason` from the fixed list, an optional free-text `note`."
    ),
    responses=problem_responses(401, 403, 422),
)
async def foreign_guests(
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
    q: Annotated[ForeignGuestsQuery, Query()],
) -> GuestRecordList:
    scope = require_police(principal)
    today = datetime.now(VN).date()
    async with uow:
        found = await repository.foreign_guests_now(uow.session, today, scope.communes, q.limit)
        await log_access(
            uow.session,
            principal,
            action="foreign-guests",
            query={"date": today, "communes": scope.communes or "all"},
            purpose=stated_purpose(q),
            result_count=len(found),
        )
        await uow.commit()
    return GuestRecordList(rows=[GuestRecordOut.model_validate(r) for r in found])


@router.post(
    "/search",
    response_model=GuestRecordList,
    summary="Tra cứu người lưu trú / Person search",
    description=(
        "Theo số giấy tờ, hoặc họ tên (không phân biệt dấu) và ngày sinh. Bắt buộc nêu mục "
        "đích; mỗi lần tra cứu được ghi nhật ký (ai, khi nào, tra gì, vì sao). / By document "
        "number, or accent-folded name and date of birth. The purpose is required and "
        "structured: a case or dossier reference and a reason from a fixed list (free text "
        "only as a note); each search is logged (who, when, what, why)."
    ),
    responses=problem_responses(401, 403, 422),
)
async def person_search(
    body: PersonSearch, principal: CurrentPrincipal, uow: UnitOfWorkDep
) -> GuestRecordList:
    scope = require_police(principal)
    document = normalize_document(body.document_number)
    name_key = name_match_key(body.full_name) if body.full_name else None
    if not document and not name_key:
        raise Problem.invalid(
            "Invalid search",
            [
                field_error(
                    "/document_number",
                    "search-needs-key",
                    "Cần số giấy tờ hoặc họ tên",
                    "Give a document number or a full name",
                )
            ],
        )
    async with uow:
        found = await repository.search(
            uow.session,
            document=document,
            name_key=name_key,
            date_of_birth=body.date_of_birth,
            communes=scope.communes,
            limit=body.limit,
        )
        await log_access(
            uow.session,
            principal,
            action="person-search",
            query={
                "document_number": document,
                "full_name": body.full_name,
                "date_of_birth": body.date_of_birth,
                "case_reference": body.case_reference,
            },
            purpose=stated_purpose(body),
            result_count=len(found),
        )
        await uow.commit()
    return GuestRecordList(rows=[GuestRecordOut.model_validate(r) for r in found])


@router.get(
    "/access-log",
    response_model=list[AccessLogOut],
    summary="Nhật ký truy cập dữ liệu cá nhân / Personal-data access log",
    description="Chỉ Công an tỉnh / Provincial police (police_admin, system_admin) only.",
    responses=problem_responses(401, 403),
)
async def access_log(
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
    subject: Annotated[str | None, Query(max_length=200, pattern=NO_NUL)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[AccessLogOut]:
    if principal.role not in (Role.POLICE_ADMIN, Role.SYSTEM_ADMIN):
        raise Problem(403, "forbidden", "Forbidden", "Chỉ Công an tỉnh / Provincial police only")
    async with uow:
        rows = await repository.access_log(uow.session, subject=subject, limit=limit)
    return [AccessLogOut.model_validate(r) for r in rows]
