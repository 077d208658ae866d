"""Facility types and the department that exploits each type's data (Kế hoạch 305/KH-UBND).

This table is the single source of the type → department mapping; services read it, the
accounts API publishes it. Change it here, not in code paths.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Department(StrEnum):
    VHTTDL = "VHTTDL"  # Sở Văn hóa, Thể thao và Du lịch — tourism
    SYT = "SYT"  # Sở Y tế — health
    SGTVT = "SGTVT"  # Sở Giao thông vận tải — transport
    BQLKKT = "BQLKKT"  # Ban Quản lý Khu kinh tế — economic zones


DEPARTMENT_NAMES = {
    Department.VHTTDL: (
        "Sở Văn hóa, Thể thao và Du lịch",
        "Department of Culture, Sports and Tourism",
    ),
    Department.SYT: ("Sở Y tế", "Department of Health"),
    Department.SGTVT: ("Sở Giao thông vận tải", "Department of Transport"),
    Department.BQLKKT: ("Ban Quản lý Khu kinh tế", "Economic Zones Authority"),
}


@dataclass(frozen=True)
class FacilityType:
    code: str
    name_vi: str
    name_en: str
    department: Department
    plan_model: int  # the model number in Kế hoạch 305
    takes_guests: bool = True  # coaches carry passengers on trips instead
    has_stars: bool = False
    has_zone: bool = False


FACILITY_TYPES: tuple[FacilityType, ...] = (
    FacilityType("boarding_house", "Nhà trọ", "Boarding house", Department.VHTTDL, 9),
    FacilityType("motel", "Nhà nghỉ", "Motel / guest house", Department.VHTTDL, 9),
    FacilityType("hotel", "Khách sạn", "Hotel", Department.VHTTDL, 9, has_stars=True),
    FacilityType("guest_house", "Nhà khách", "State guest house", Department.VHTTDL, 9),
    FacilityType("official_residence", "Nhà công vụ", "Official residence", Department.VHTTDL, 9),
    FacilityType("homestay", "Homestay", "Homestay", Department.VHTTDL, 9),
    FacilityType("rental_housing", "Nhà cho thuê", "Rental housing", Department.BQLKKT, 10),
    FacilityType(
        "zone_housing",
        "Nhà ở trong khu công nghiệp / khu kinh tế",
        "Housing in an industrial or economic zone",
        Department.BQLKKT,
        10,
        has_zone=True,
    ),
    FacilityType("medical", "Cơ sở khám chữa bệnh", "Medical facility", Department.SYT, 11),
    FacilityType(
        "coach",
        "Xe khách đường dài",
        "Long-distance coach operator",
        Department.SGTVT,
        12,
        takes_guests=False,
    ),
)

BY_CODE: dict[str, FacilityType] = {t.code: t for t in FACILITY_TYPES}
FACILITY_TYPE_CODES: tuple[str, ...] = tuple(BY_CODE)


def types_of_department(department: str) -> frozenset[str]:
    """The facility types whose figures a department (tourism, health, transport, zones)
    receives."""
    return frozenset(t.code for t in FACILITY_TYPES if t.department == department)
