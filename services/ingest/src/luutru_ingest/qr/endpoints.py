from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from luutru_common.auth import Principal, Role, require_roles
from luutru_common.problems import Problem, problem_responses
from luutru_ingest.core.qr import QrGuest, parse_qr

router = APIRouter(prefix="/v1", tags=["qr"])

FacilityUser = Annotated[
    Principal, Depends(require_roles(Role.FACILITY_MANAGER, Role.FACILITY_STAFF))
]


class QrText(BaseModel):
    qr: str = Field(min_length=1, max_length=1000, description="Chuỗi QR / The QR text")


@router.post(
    "/qr/parse",
    response_model=QrGuest,
    summary="Đọc mã QR thẻ căn cước / Parse a chip-card QR",
    description=(
        "Tách chuỗi QR (6 hoặc 7 trường, NFC hoặc NFD) thành các trường của khách, đánh dấu "
        "nguồn qr. / Splits the QR text (6 or 7 fields, NFC or NFD) into guest fields, "
        "marked source=qr."
    ),
    responses=problem_responses(401, 403, 422),
)
async def parse(body: QrText, principal: FacilityUser) -> QrGuest:
    guest, errors = parse_qr(body.qr)
    if guest is None:
        raise Problem(
            422,
            "qr-format",
            "QR text is invalid",
            "Mã QR không đúng định dạng / The QR text is malformed",
            errors=errors,
        )
    return guest
