"""Who may see and manage a facility's rooms — the checked facility of a rooms request.

A facility's people see their own facility's rooms (staff the board, the manager the
registry too); police admins manage any facility's registry, police officers see those of
their communes. Another facility's rooms are a 404, as if they did not exist.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Path, Request

from luutru_common.auth import FACILITY_ROLES, Principal, Role, require_roles
from luutru_common.db import UnitOfWork
from luutru_common.problems import Problem
from luutru_ingest.core import store
from luutru_ingest.core.facility import checked
from luutru_ingest.models import FacilityView

POLICE_MANAGERS = (Role.POLICE_ADMIN, Role.SYSTEM_ADMIN)
READERS = (*FACILITY_ROLES, *POLICE_MANAGERS, Role.POLICE_OFFICER)
MANAGERS = (Role.FACILITY_MANAGER, *POLICE_MANAGERS)

FacilityId = Annotated[uuid.UUID, Path(description="Cơ sở lưu trú / The facility")]


def _unknown() -> Problem:
    return Problem(
        404,
        "facility-unknown",
        "Facility unknown",
        "Không tìm thấy cơ sở / This facility is not registered",
    )


def rooms_facility(*, manage: bool = False, facility_only: bool = False):
    """Dependency factory: the facility of the path, checked for the caller. ``manage``: the
    registry is changed (manager, police admin); ``facility_only``: the facility's own
    people alone (the board names guests)."""
    roles = MANAGERS if manage else READERS
    if facility_only:
        roles = tuple(r for r in roles if r in FACILITY_ROLES)
    caller = require_roles(*roles)

    async def dependency(
        request: Request, facility_id: FacilityId, principal: Principal = Depends(caller)
    ) -> FacilityView:
        own = principal.role in FACILITY_ROLES
        if own and principal.facility_id != facility_id:
            raise _unknown()
        async with UnitOfWork(request.app.state.session_factory) as uow:
            facility = await store.facility(uow.session, facility_id)
        if facility is None:
            raise _unknown()
        if principal.role == Role.POLICE_OFFICER and facility.commune_code not in (
            principal.communes
        ):
            raise Problem(
                403,
                "outside-area",
                "Facility outside your area",
                "Cơ sở không thuộc địa bàn của bạn / The facility is outside your communes",
            )
        if manage or own:
            # A closed or suspended facility's registry stays readable to the police.
            return checked(facility, takes_guests=True)
        return facility

    return dependency


RoomsReader = Annotated[FacilityView, Depends(rooms_facility())]
RoomsManager = Annotated[FacilityView, Depends(rooms_facility(manage=True))]
BoardReader = Annotated[FacilityView, Depends(rooms_facility(facility_only=True))]
