"""The administrative units facilities and commune police are registered under, as data:
forms pick a province and a commune by name instead of typing codes."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from luutru_common.admin_units import DATA_VERSION, communes_of, province_name, provinces
from luutru_common.problems import Problem, problem_responses

router = APIRouter(prefix="/v1/provinces", tags=["administrative units"])


class AdminUnit(BaseModel):
    code: int
    name: str


@router.get(
    "",
    response_model=list[AdminUnit],
    summary="Tỉnh, thành phố / Provinces",
    description=f"34 tỉnh, thành phố từ 1/7/2025 ({DATA_VERSION}). / The 34 provinces.",
)
async def list_provinces() -> list[AdminUnit]:
    return [AdminUnit(code=code, name=name) for code, name in provinces()]


@router.get(
    "/{province_code}/communes",
    response_model=list[AdminUnit],
    summary="Xã, phường của một tỉnh / Communes of a province",
    responses=problem_responses(404),
)
async def list_communes(province_code: int) -> list[AdminUnit]:
    if province_name(province_code) is None:
        raise Problem(
            404,
            "province-unknown",
            "No such province",
            "Không có tỉnh, thành phố với mã này / No province has this code",
        )
    return [AdminUnit(code=code, name=name) for code, name in communes_of(province_code)]
