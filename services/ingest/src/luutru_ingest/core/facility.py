"""The facility a request acts for, checked: the one place that says whether a token's
facility may register guests or submit trips."""

from __future__ import annotations

import time
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from luutru_common.facility_types import BY_CODE
from luutru_common.problems import Problem
from luutru_ingest.core import store
from luutru_ingest.models import FacilityView


async def active_facility(
    session: AsyncSession, facility_id: uuid.UUID | None, *, takes_guests: bool = True
) -> FacilityView:
    """The facility of the caller's token, checked: registered, active, and of a type that
    takes guests (``takes_guests``) or a coach operator (not ``takes_guests``)."""
    if facility_id is None:
        raise Problem(403, "no-facility", "Token carries no facility")
    facility = await _cached_facility(session, facility_id)
    if facility is None:
        raise Problem(
            404,
            "facility-unknown",
            "Facility unknown",
            "Cơ sở chưa được đăng ký với Công an / This facility is not registered",
        )
    if facility.status != "active":
        raise Problem(
            403,
            "facility-not-active",
            "Facility not active",
            "Cơ sở đang bị tạm dừng hoặc đã đóng / The facility is suspended or closed",
        )
    ftype = BY_CODE.get(facility.facility_type)
    if takes_guests and (ftype is None or not ftype.takes_guests):
        raise Problem(
            422,
            "facility-type-takes-no-guests",
            "Facility type takes no guests",
            "Loại cơ sở này khai báo hành khách theo chuyến / This type reports trip manifests",
        )
    if not takes_guests and (ftype is None or ftype.takes_guests):
        raise Problem(
            422,
            "facility-not-coach",
            "Only coach operators submit trips",
            "Chỉ nhà xe khai báo chuyến / Only coach operators submit trip manifests",
        )
    return facility


# The facility read model changes rarely (facility.v1); at hundreds of check-ins a second a
# short-lived copy saves a round trip per request. A suspension still takes effect within
# FACILITY_CACHE_S of its event reaching ingest.
FACILITY_CACHE_S = 2.0
_facilities: dict[uuid.UUID, tuple[float, FacilityView]] = {}


async def _cached_facility(session: AsyncSession, facility_id: uuid.UUID) -> FacilityView | None:
    now = time.monotonic()
    hit = _facilities.get(facility_id)
    if hit is not None and hit[0] > now:
        return hit[1]
    facility = await store.facility(session, facility_id)
    if facility is not None:
        session.expunge(facility)
        if len(_facilities) > 100_000:
            _facilities.clear()
        _facilities[facility_id] = (now + FACILITY_CACHE_S, facility)
    return facility
