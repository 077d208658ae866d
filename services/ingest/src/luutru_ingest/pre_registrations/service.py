"""Guest pre-registration: a facility's signed links, what guests send through them (pending
entries: never a stay, never an event, gone after ``pre_registration_hours``), and staff's
confirmation, which turns an entry into an ordinary stay by the check-in path (core)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from luutru_common.db import raw_connection
from luutru_common.identity import name_match_key, normalize_name
from luutru_common.problems import FieldError, Problem, field_error
from luutru_ingest.core import registration, rooms, stay, store
from luutru_ingest.core.facility import checked
from luutru_ingest.core.guest import CheckIn
from luutru_ingest.core.receipts import RecordResult
from luutru_ingest.core.validation import check_in_rules
from luutru_ingest.deadline import DeadlineRule
from luutru_ingest.models import FacilityView, PreRegistration, PreRegistrationLink
from luutru_ingest.pre_registrations import links, repository
from luutru_ingest.pre_registrations.schemas import GuestDetails, NewLink
from luutru_ingest.settings import IngestSettings

SOURCE = "self"  # the stay's source: the guest typed it, staff confirmed it


async def create_link(
    session: AsyncSession,
    *,
    facility: FacilityView,
    body: NewLink,
    settings: IngestSettings,
    now: datetime,
) -> PreRegistrationLink:
    """A new link; a standing one replaces the facility's earlier standing link (rotation)."""
    if body.kind == "standing":
        await repository.revoke_standing(session, facility.id, now)
        lifetime = timedelta(days=settings.pre_registration_standing_link_days)
    else:
        lifetime = timedelta(hours=body.valid_hours or settings.pre_registration_link_hours)
    link = PreRegistrationLink(
        id=uuid.uuid4(),
        facility_id=facility.id,
        kind=body.kind,
        label=body.label,
        max_entries=body.guests if body.kind == "guest" else None,
        entries=0,
        created_at=now,
        # Whole seconds: the token carries the expiry in seconds.
        expires_at=(now + lifetime).replace(microsecond=0),
    )
    session.add(link)
    await session.flush()
    return link


async def revoke_link(
    session: AsyncSession, *, facility: FacilityView, link_id: uuid.UUID, now: datetime
) -> None:
    link = await repository.link(session, link_id, lock=True)
    if link is None or link.facility_id != facility.id:
        raise Problem(404, "link-not-found", "Link not found", "Không có link này / No such link")
    link.revoked_at = link.revoked_at or now


def _gone(code: str, vi: str, en: str) -> Problem:
    return Problem(410, code, en, f"{vi} / {en}")


async def open_link(
    session: AsyncSession, *, token: str, settings: IngestSettings, now: datetime, lock: bool
) -> tuple[PreRegistrationLink, FacilityView]:
    """The link of a token and its facility, if a guest may still use it."""
    signed = links.read(settings.pre_registration_secret, token)
    if signed is None:
        raise Problem(
            404,
            "link-invalid",
            "Not a pre-registration link",
            "Link không đúng; hãy hỏi lễ tân / Not a valid link; please ask reception",
        )
    link = await repository.link(session, signed.link_id, lock=lock)
    if link is None or signed.expires_at <= now or link.expires_at <= now:
        raise _gone(
            "link-expired",
            "Link đã hết hạn; hãy hỏi lễ tân link mới",
            "This link has expired; ask reception for a new one",
        )
    if link.revoked_at is not None:
        raise _gone(
            "link-revoked",
            "Link này đã được thay bằng link mới; hãy quét mã ở quầy",
            "This link was replaced; scan the code at reception",
        )
    if link.max_entries is not None and link.entries >= link.max_entries:
        raise _gone(
            "link-used",
            "Link này đã được dùng; mỗi link chỉ dùng cho số khách đã định",
            "This link has been used already (one use per guest)",
        )
    facility = checked(await store.facility(session, link.facility_id), takes_guests=True)
    return link, facility


def judge_guest(
    details: GuestDetails, *, rule: DeadlineRule, now: datetime
) -> tuple[dict, bool, list[FieldError]]:
    """The guest's details by the check-in rules (arrival: now), as they will be stored:
    (fields with the card's QR merged in, whether the QR gave them, errors)."""
    local_now = now.astimezone(rule.timezone)
    data = details.model_dump(exclude={"check_in_at", "notice_accepted"}, exclude_none=True)
    verdict = check_in_rules(
        CheckIn.model_construct(**data, check_in_at=local_now),
        today=rule.local_date(now),
        now=local_now,
    )
    errors = list(verdict.errors)
    if not details.notice_accepted:
        errors.append(
            field_error(
                "/notice_accepted",
                "notice-not-accepted",
                "Hãy đọc và đồng ý với thông báo về dữ liệu cá nhân",
                "Please read and accept the privacy notice",
            )
        )
    guest = verdict.guest.model_dump(
        mode="json", exclude={"check_in_at", "qr", "notice_accepted"}, exclude_none=True
    )
    return guest, verdict.source == "qr", errors


async def submit(
    session: AsyncSession,
    *,
    link: PreRegistrationLink,
    guest: dict,
    qr_sourced: bool,
    address: str | None,
    settings: IngestSettings,
    now: datetime,
) -> PreRegistration:
    """Store what the guest sent as a pending entry, within the caps (the link row is locked
    by open_link; the facility's list by an advisory lock)."""
    if address and settings.pre_registration_address_limit:
        since = repository.window_start(now, settings.pre_registration_address_window_s)
        if await repository.recent_from(session, address, since) >= (
            settings.pre_registration_address_limit
        ):
            raise Problem(
                429,
                "too-many-pre-registrations",
                "Too many pre-registrations from this address",
                "Quá nhiều lượt khai trước từ cùng một mạng; hãy thử lại sau ít phút hoặc khai "
                "tại quầy / Too many from this network; try again in a few minutes or register "
                "at reception",
                headers={"Retry-After": str(settings.pre_registration_address_window_s)},
            )
    await repository.lock_facility_list(session, link.facility_id)
    if await repository.live_count(session, now, link_id=link.id) >= (
        settings.pre_registration_link_cap
    ):
        raise Problem(
            429,
            "link-full",
            "This link has too many pending entries",
            "Link này đã đủ số khai trước đang chờ; hãy khai tại quầy / This link has as many "
            "pending entries as it may hold; please register at reception",
        )
    if await repository.live_count(session, now, facility_id=link.facility_id) >= (
        settings.pre_registration_facility_cap
    ):
        raise Problem(
            429,
            "facility-list-full",
            "The facility's list of pre-registrations is full",
            "Danh sách khai trước của cơ sở đã đầy; hãy khai tại quầy / The list of "
            "pre-registrations is full; please register at reception",
        )
    link.entries += 1
    full_name = normalize_name(guest.get("full_name") or "")
    for _ in range(5):
        entry = PreRegistration(
            id=uuid.uuid4(),
            facility_id=link.facility_id,
            link_id=link.id,
            code=links.new_code(),
            full_name=full_name,
            name_key=name_match_key(full_name),
            guest={**guest, "qr_sourced": qr_sourced},
            source_address=address,
            created_at=now,
            expires_at=now + timedelta(hours=settings.pre_registration_hours),
        )
        try:
            async with session.begin_nested():
                session.add(entry)
                await session.flush()
            return entry
        except IntegrityError:  # the code is taken in this facility: draw again
            continue
    raise RuntimeError("no free pre-registration code after 5 draws")


async def confirm(
    session: AsyncSession,
    *,
    facility: FacilityView,
    entry_id: uuid.UUID,
    room: str | None,
    check_in_at: datetime | None,
    rule: DeadlineRule,
    now: datetime,
) -> RecordResult:
    """The pending entry as a stay (source `self`) by the check-in path: the same rules, the
    receipt and deadline from the confirmed arrival, the GuestCheckedIn event; the entry is
    deleted in the same transaction. A guest already registered that day: the original receipt
    (status duplicate)."""
    entry = await repository.pending_one(session, facility.id, entry_id, now)
    if entry is None:
        raise Problem(
            404,
            "pre-registration-not-found",
            "Pre-registration not found",
            "Không có bản khai trước này (đã xác nhận hoặc đã hết hạn) / No such "
            "pre-registration (already confirmed or expired)",
        )
    fields = {k: v for k, v in entry.guest.items() if k != "qr_sourced"}
    fields["room"] = room if room is not None else fields.get("room")
    fields["check_in_at"] = (check_in_at or now).isoformat()
    results, prepared = registration.judge(
        [(0, fields)], facility=facility, rule=rule, now=now, pointer=lambda _: ""
    )
    if results:
        return results[0].result()
    [item] = prepared
    item.values["source"] = SOURCE
    conn = await raw_connection(session)
    today = rule.local_date(now)
    # The room as at the desk: matched to the registry where the facility keeps one.
    refused = await rooms.place_all(
        conn,
        facility.id,
        prepared,
        pointer=lambda _: "/room",
        today=today,
        timezone=rule.timezone.key,
    )
    if refused:
        return RecordResult(index=0, status="rejected", errors=refused[0])
    await registration.capacity_warnings(
        conn, facility, prepared, today=today, timezone=rule.timezone.key
    )
    created, existing = await registration.store_new(conn, facility, prepared)
    await session.delete(entry)
    if item.values["id"] in created:
        return RecordResult(
            index=0, status="accepted", receipt=stay.receipt(item.values), warnings=item.warnings
        )
    original = existing[(item.values["document_number"], item.values["check_in_date"])]
    return RecordResult(index=0, status="duplicate", receipt=stay.receipt(dict(original)))
