"""The life of a stay after check-in: check-out, correction, extension, void — each with its
event, in the caller's unit of work. Registration itself is core.registration."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from luutru_common.events import GuestCheckedOut, StayVoided
from luutru_common.problems import Problem, field_error
from luutru_ingest.core import rooms
from luutru_ingest.core import stay as stay_core
from luutru_ingest.core.events import emit, emit_stay_corrected
from luutru_ingest.core.guest import CheckIn
from luutru_ingest.core.validation import check_in_rules
from luutru_ingest.deadline import DeadlineRule
from luutru_ingest.models import FacilityView, Stay, StayVersion
from luutru_ingest.stays import repository


async def _open_stay(session: AsyncSession, facility_id: uuid.UUID, stay_id: uuid.UUID) -> Stay:
    stay = await repository.stay_for_update(session, facility_id, stay_id)
    if stay is None:
        raise Problem(404, "stay-not-found", "Stay not found", "Không tìm thấy bản khai")
    if stay.status == "voided":
        raise Problem(
            409, "stay-voided", "Stay is voided", "Bản khai đã bị hủy / The record was voided"
        )
    return stay


async def check_out(
    session: AsyncSession,
    *,
    facility: FacilityView,
    stay_id: uuid.UUID,
    at: datetime | None,
    rule: DeadlineRule,
) -> Stay:
    """Record the guest's departure (now, or ``at``) and emit GuestCheckedOut."""
    stay = await _open_stay(session, facility.id, stay_id)
    if stay.status == "checked_out":
        return stay  # checking out twice is a retry, not an error
    moment = stay_core.aware(at, rule) if at else datetime.now(UTC)
    if moment < stay.check_in_at:
        raise Problem.invalid(
            "Check-out before check-in",
            [
                field_error(
                    "/check_out_at",
                    "check-out-before-check-in",
                    "Giờ đi không thể trước giờ đến",
                    "Check-out cannot be before check-in",
                )
            ],
        )
    stay.status, stay.check_out_at = "checked_out", moment
    await session.flush()
    await emit(
        session,
        [GuestCheckedOut(stay_id=stay.id, facility_id=stay.facility_id, check_out_at=moment)],
    )
    return stay


async def correct(
    session: AsyncSession,
    *,
    facility: FacilityView,
    stay_id: uuid.UUID,
    data: CheckIn,
    reason: str | None,
    by: str,
    rule: DeadlineRule,
    now: datetime,
    pointer: str = "/stay",
    changed_at: datetime | None = None,
) -> Stay:
    """A full replacement; the previous state is kept in stay_versions. The receipt times of
    the original registration stay (a correction does not make a record late).
    ``changed_at``: when the change happened (a move to another room), default ``now``."""
    stay = await _open_stay(session, facility.id, stay_id)
    verdict = check_in_rules(
        data, today=rule.local_date(now), now=now.astimezone(rule.timezone), pointer=pointer
    )
    if verdict.errors:
        raise Problem.invalid(
            "Correction is invalid",
            verdict.errors,
            "Thông tin sửa không hợp lệ / The correction has invalid fields",
        )
    session.add(
        StayVersion(
            stay_id=stay.id,
            version=stay.version,
            data=json.loads(json.dumps(stay_core.row_values(stay), default=str)),
            reason=reason,
            changed_by=by,
            changed_at=changed_at or now,
        )
    )
    values = stay_core.new_values(verdict, facility_id=facility.id, rule=rule, now=now)
    _, room_errors, room_warnings = await rooms.placed_in_room(
        session, facility.id, values, pointer=pointer, stay_id=stay.id
    )
    if room_errors:
        raise Problem.invalid(
            "Correction is invalid",
            room_errors,
            "Thông tin sửa không hợp lệ / The correction has invalid fields",
        )
    values["warnings"] += [w.model_dump(mode="json") for w in room_warnings]
    for key, value in values.items():
        if key not in stay_core.KEPT_BY_CORRECTION:
            setattr(stay, key, value)
    stay.due_at = rule.due_at(stay.check_in_at)
    stay.version += 1
    try:
        await session.flush()
    except Exception as exc:  # the natural key now collides with another stay
        if "uq_stays" in str(exc):
            raise Problem(
                409,
                "stay-exists",
                "Another stay has this document and day",
                "Đã có bản khai khác cho giấy tờ và ngày đến này / Another record exists",
            ) from exc
        raise
    await emit_stay_corrected(session, stay_core.row_values(stay), reason=reason)
    return stay


async def extend(
    session: AsyncSession,
    *,
    facility: FacilityView,
    stay_id: uuid.UUID,
    expected_check_out: date,
    reason: str | None,
    by: str,
    rule: DeadlineRule,
    now: datetime,
) -> Stay:
    """An extension is a correction with a new expected check-out."""
    stay = await repository.stay(session, facility.id, stay_id)
    if stay is None:
        raise Problem(404, "stay-not-found", "Stay not found", "Không tìm thấy bản khai")
    data = stay_core.checkin_of(stay).model_copy(update={"expected_check_out": expected_check_out})
    return await correct(
        session,
        facility=facility,
        stay_id=stay_id,
        data=data,
        reason=reason or "extension",
        by=by,
        rule=rule,
        now=now,
        pointer="",
    )


async def move(
    session: AsyncSession,
    *,
    facility: FacilityView,
    stay_id: uuid.UUID,
    room_id: uuid.UUID,
    moved_at: datetime | None,
    reason: str | None,
    by: str,
    rule: DeadlineRule,
    now: datetime,
) -> Stay:
    """A guest moved to another registry room: a correction (a new version, StayCorrected)
    with the room changed, recorded at the time of the move."""
    stay = await _open_stay(session, facility.id, stay_id)
    if stay.status != "checked_in":
        raise Problem(
            409,
            "stay-not-in-house",
            "Guest has left",
            "Khách đã trả phòng, không chuyển phòng được / The guest has checked out",
        )
    moment = stay_core.aware(moved_at, rule) if moved_at else now
    if moment < stay.check_in_at or moment > now:
        raise Problem.invalid(
            "Move time is invalid",
            [
                field_error(
                    "/moved_at",
                    "moved-at-out-of-stay",
                    "Giờ chuyển phòng phải sau giờ đến và không ở tương lai",
                    "The move must be after check-in and not in the future",
                )
            ],
        )
    before = stay.room
    data = stay_core.checkin_of(stay).model_copy(update={"room_id": room_id, "room": None})
    return await correct(
        session,
        facility=facility,
        stay_id=stay_id,
        data=data,
        reason=reason or f"Chuyển phòng / moved from {before or '-'}",
        by=by,
        rule=rule,
        now=now,
        pointer="",
        changed_at=moment,
    )


async def void(
    session: AsyncSession, *, facility: FacilityView, stay_id: uuid.UUID, reason: str
) -> Stay:
    """Cancel a record made by mistake (kept, with its reason) and emit StayVoided."""
    stay = await repository.stay_for_update(session, facility.id, stay_id)
    if stay is None:
        raise Problem(404, "stay-not-found", "Stay not found", "Không tìm thấy bản khai")
    if stay.status == "voided":
        return stay
    stay.status, stay.void_reason = "voided", reason
    await session.flush()
    await emit(session, [StayVoided(stay_id=stay.id, facility_id=stay.facility_id, reason=reason)])
    return stay
