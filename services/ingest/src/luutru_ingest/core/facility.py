"""The facility a request acts for, checked: the one place that says whether a token's
facility may register guests or submit trips."""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request

from luutru_common.auth import Principal, require_scope
from luutru_common.facility_types import BY_CODE
from luutru_common.problems import Problem
from luutru_ingest.core import store
from luutru_ingest.core.http import FACILITY_ROLES, facility_user
from luutru_ingest.models import FacilityView


def checked(facility: FacilityView | None, *, takes_guests: bool) -> FacilityView:
    """The facility if it may act: registered, active, of the right kind."""
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


async def _cached_facility(
    facility_id: uuid.UUID, load: Callable[[], Awaitable[FacilityView | None]]
) -> FacilityView | None:
    now = time.monotonic()
    hit = _facilities.get(facility_id)
    if hit is not None and hit[0] > now:
        return hit[1]
    facility = await load()  # detached: it outlives the session that read it
    if facility is not None:
        if len(_facilities) > 100_000:
            _facilities.clear()
        _facilities[facility_id] = (now + FACILITY_CACHE_S, facility)
    return facility


async def facility_for(
    request: Request, principal: Principal, *, takes_guests: bool = True
) -> FacilityView:
    """The caller's facility, checked (`checked`): for the dependencies below, and for an
    endpoint that learns from the request's form which kind of facility it needs."""
    if principal.facility_id is None:
        raise Problem(403, "no-facility", "Token carries no facility")
    facility_id = principal.facility_id

    async def load() -> FacilityView | None:
        return await store.facility_outside_session(request.app.state.pool, facility_id)

    return checked(await _cached_facility(facility_id, load), takes_guests=takes_guests)


def checked_facility(*, takes_guests: bool = True, scope: str | None = None):
    """Dependency factory (polar's style: it returns the checked resource): the facility of
    the caller — facility staff or manager — registered and active, one that takes guests
    or, with ``takes_guests=False``, a coach operator. With ``scope``, a machine client must
    have been granted it (checked first). The facility is read outside the endpoint's unit
    of work, and only when the short-lived copy has expired."""
    caller = require_scope(scope, *FACILITY_ROLES) if scope else facility_user

    async def dependency(
        request: Request,
        principal: Principal = Depends(caller),
    ) -> FacilityView:
        return await facility_for(request, principal, takes_guests=takes_guests)

    return dependency


# A facility that registers guests; the same about to write (scope stays:write).
GuestFacility = Annotated[FacilityView, Depends(checked_facility())]
WritingFacility = Annotated[FacilityView, Depends(checked_facility(scope="stays:write"))]
# A coach operator; the same about to write (scope trips:write).
CoachOperator = Annotated[FacilityView, Depends(checked_facility(takes_guests=False))]
WritingOperator = Annotated[
    FacilityView, Depends(checked_facility(takes_guests=False, scope="trips:write"))
]
