"""The names people read, as data (one source: luutru_common.names): countries, roles and
visa types, so the console shows "Hàn Quốc", "Công an tỉnh (quản trị)" and "Du lịch (DL)"
instead of KOR, police_admin and DL."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from luutru_common.names import ROLES, VISA_TYPES, countries

router = APIRouter(prefix="/v1", tags=["names"])


class NameOut(BaseModel):
    """A code with its names; read from a `luutru_common.names.Named`."""

    model_config = ConfigDict(from_attributes=True)

    code: str
    name_vi: str
    name_en: str


class ExplainedNameOut(NameOut):
    description_vi: str
    description_en: str


@router.get(
    "/countries",
    response_model=list[NameOut],
    summary="Quốc gia, vùng lãnh thổ / Countries",
    description=(
        "Mọi quốc gia, vùng lãnh thổ ISO 3166-1, theo mã 3 chữ (`nationality`, "
        "`country_of_residence`), với tên tiếng Việt và tiếng Anh; Việt Nam trước, rồi theo "
        "tên tiếng Việt. / Every ISO 3166-1 country by its alpha-3 code (`nationality`, "
        "`country_of_residence`), named in Vietnamese and English; Vietnam first, then by "
        "Vietnamese name."
    ),
)
async def list_countries() -> list[NameOut]:
    return [NameOut.model_validate(c) for c in countries()]


@router.get(
    "/roles",
    response_model=list[NameOut],
    summary="Vai trò người dùng / User roles",
    description=(
        "Tên của các vai trò (`role` của tài khoản và của token). / The names of the roles "
        "(an account's and a token's `role`)."
    ),
)
async def list_roles() -> list[NameOut]:
    return [NameOut.model_validate(r) for r in ROLES]


@router.get(
    "/visa-types",
    response_model=list[ExplainedNameOut],
    summary="Loại thị thực / Visa types",
    description=(
        "Ký hiệu thị thực (Luật 47/2014, sửa đổi 2019, 2023) và `exempt` (miễn thị thực), "
        "với tên và giải thích ngắn. Trường `visa_type` vẫn nhận chữ tự do. / Visa codes "
        "(Law 47/2014 as amended in 2019 and 2023) and `exempt`, with a name and a short "
        "explanation. `visa_type` still accepts free text."
    ),
)
async def list_visa_types() -> list[ExplainedNameOut]:
    return [ExplainedNameOut.model_validate(v) for v in VISA_TYPES]
