"""Coach manifests (U-ETDS style): one atomic submission per trip — every passenger valid or
none stored — with the guests' identity rules; later additions, removals, no-shows, cancel."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Date, func, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from luutru_common.admin_units import province_name
from luutru_common.events import (
    CrewMember,
    Passenger,
    TripCancelled,
    TripManifestSubmitted,
    TripPassengersChanged,
)
from luutru_common.problems import FieldError, Problem, field_error
from luutru_ingest import receipt_numbers
from luutru_ingest.core.checking import parse_partial, partial_verdict
from luutru_ingest.core.events import emit
from luutru_ingest.core.stay import aware, guest_identity, new_values
from luutru_ingest.deadline import DeadlineRule
from luutru_ingest.models import FacilityView, Trip, TripPassenger
from luutru_ingest.trips.schemas import (
    PassengerChange,
    PassengerIn,
    PassengerResult,
    TripIn,
    TripReceipt,
)

# Vietnamese plates: 2-digit area code, series letters (and digit), number — e.g. 51B-123.45.
PLATE_RE = re.compile(r"^\d{2}[A-Z]{1,2}\d?-?\d{3,5}$")
PASSENGER_FIELDS = ("seat", "boarding_point", "alighting_point")


def normalize_plate(plate: str) -> str:
    """A plate as stored: upper case, without spaces or dots (51B-123.45 → 51B-12345)."""
    return re.sub(r"[\s.]", "", plate.upper())


def _passengers(
    passengers: list[Any],
    *,
    departure: datetime | None,
    rule: DeadlineRule,
    now: datetime,
    operator_id: uuid.UUID | None,
    pointer: str,
    taken_seats: set[str],
    taken_documents: set[str],
) -> tuple[list[dict], list[FieldError], list[PassengerResult]]:
    """Read and judge passengers one by one, like guests arriving at the departure: every
    passenger's violations, the fields that cannot be read next to the rules of the others.
    Without a departure (it could not be read) the rules about the arrival are skipped and
    nothing is made to be stored."""
    errors: list[FieldError] = []
    rows: list[dict] = []
    results: list[PassengerResult] = []
    today = rule.local_date(now)
    for i, raw in enumerate(passengers):
        ptr = f"{pointer}/{i}"
        p, unreadable, left_out = parse_partial(PassengerIn, raw, ptr)
        errors.extend(unreadable)
        if p is None:
            continue
        identity = p.model_dump(exclude=set(PASSENGER_FIELDS), exclude_unset=True)
        if departure is None:
            left_out.add("check_in_at")
        else:
            identity["check_in_at"] = departure
        verdict = partial_verdict(identity, ptr, now=now, today=today, unread=left_out)
        errors.extend(verdict.errors)
        if p.seat:
            if p.seat in taken_seats:
                errors.append(
                    field_error(
                        f"{ptr}/seat",
                        "seat-taken",
                        "Ghế đã có hành khách khác",
                        "Another passenger has this seat",
                    )
                )
            taken_seats.add(p.seat)
        if unreadable or verdict.errors:
            continue
        if verdict.document_number in taken_documents:
            errors.append(
                field_error(
                    f"{ptr}/id_number",
                    "passenger-duplicate",
                    "Hành khách bị khai hai lần trên chuyến",
                    "This passenger is listed twice on the trip",
                )
            )
            continue
        taken_documents.add(verdict.document_number)
        if verdict.guest is None or operator_id is None:
            continue  # judged without its arrival: nothing to store
        values = new_values(verdict, facility_id=operator_id, rule=rule, now=now)
        guest = guest_identity(values).model_dump(mode="json")
        pid = uuid.uuid4()
        rows.append(
            {
                "id": pid,
                "guest": guest,
                "document_number": verdict.document_number,
                **{f: getattr(p, f) for f in PASSENGER_FIELDS},
                "status": "on_board",
            }
        )
        results.append(PassengerResult(index=i, passenger_id=pid, warnings=verdict.warnings))
    return rows, errors, results


def trip_rules(data: TripIn) -> list[FieldError]:
    """The rules of the manifest's own fields; a field that could not be read (None, see
    `parse_partial`) is not judged."""
    errors: list[FieldError] = []
    if data.plate is not None and not PLATE_RE.match(normalize_plate(data.plate)):
        errors.append(
            field_error(
                "/plate", "plate-format", "Biển số không hợp lệ (ví dụ 51B-123.45)",
                "Invalid plate (e.g. 51B-123.45)",
            )
        )  # fmt: skip
    for name in ("origin_province", "destination_province"):
        code = getattr(data, name)
        if code is not None and province_name(code) is None:
            errors.append(
                field_error(
                    f"/{name}", "province-code", "Mã tỉnh không tồn tại (34 tỉnh từ 1/7/2025)",
                    "Unknown province code (the 34 provinces since 1/7/2025)",
                )
            )  # fmt: skip
    if data.seats is not None and data.passengers is not None and len(data.passengers) > data.seats:
        errors.append(
            field_error(
                "/passengers", "over-seats", "Số hành khách vượt quá số ghế",
                "More passengers than seats",
            )
        )  # fmt: skip
    return errors


def manifest_errors(raw: object, *, rule: DeadlineRule, now: datetime) -> list[FieldError]:
    """Every violation of a manifest that does not validate as a whole (the exception path of
    POST /v1/trips): the fields that cannot be read, the rules of the trip's other fields and
    every passenger's violations."""
    data, errors, _ = parse_partial(TripIn, raw)
    if data is None:
        return errors
    errors += trip_rules(data)
    if data.passengers is not None:
        departure = (
            None if data.departure_at is None else aware(data.departure_at, rule).astimezone(UTC)
        )
        _, passenger_errors, _ = _passengers(
            data.passengers,
            departure=departure,
            rule=rule,
            now=now,
            operator_id=None,
            pointer="/passengers",
            taken_seats=set(),
            taken_documents=set(),
        )
        errors += passenger_errors
    return errors


def change_errors(raw: object, *, rule: DeadlineRule, now: datetime) -> list[FieldError]:
    """Every violation of a passenger change that does not validate as a whole: its fields
    that cannot be read and every added passenger's violations (without the trip, which is
    not read for a refused body: the rules about the arrival and the seats on board wait)."""
    data, errors, _ = parse_partial(PassengerChange, raw)
    if data is not None and data.add:
        _, passenger_errors, _ = _passengers(
            data.add,
            departure=None,
            rule=rule,
            now=now,
            operator_id=None,
            pointer="/add",
            taken_seats=set(),
            taken_documents=set(),
        )
        errors += passenger_errors
    return errors


def _refuse(errors: list[FieldError]) -> Problem:
    return Problem.invalid(
        "Manifest is invalid",
        errors,
        "Danh sách hành khách không hợp lệ, chuyến chưa được nhận / The manifest is invalid; "
        "nothing was stored",
    )


def _passenger_event(row: dict) -> Passenger:
    return Passenger(
        passenger_id=row["id"],
        guest=row["guest"],
        seat=row["seat"],
        boarding_point=row["boarding_point"],
        alighting_point=row["alighting_point"],
    )


async def submit(
    session: AsyncSession,
    *,
    operator: FacilityView,
    data: TripIn,
    rule: DeadlineRule,
    now: datetime,
) -> tuple[TripReceipt, bool]:
    """Store the whole manifest or nothing. A resubmission of the same trip (operator, plate,
    departure) returns the original receipt and creates nothing."""
    errors = trip_rules(data)
    plate = normalize_plate(data.plate)
    departure = aware(data.departure_at, rule).astimezone(UTC)
    rows, passenger_errors, results = _passengers(
        data.passengers,
        departure=departure,
        rule=rule,
        now=now,
        operator_id=operator.id,
        pointer="/passengers",
        taken_seats=set(),
        taken_documents=set(),
    )
    errors.extend(passenger_errors)
    if errors:
        raise _refuse(errors)

    trip_id = uuid.uuid4()
    crew = [c.model_dump(mode="json") for c in data.crew]
    # No conflict target: the same trip (operator, plate, departure) is a resubmission; a
    # receipt number drawn before (about one in 10^13 a pair) is drawn again.
    for _ in range(5):
        number = receipt_numbers.new_number()
        created = await session.scalar(
            insert(Trip)
            .values(
                id=trip_id,
                operator_id=operator.id,
                plate=plate,
                origin_province=data.origin_province,
                destination_province=data.destination_province,
                departure_at=departure,
                seats=data.seats,
                crew=crew,
                status="submitted",
                received_at=now,
                receipt_number=number,
            )
            .on_conflict_do_nothing()
            .returning(Trip.id)
        )
        if created is not None:
            break
        trip = await session.scalar(
            select(Trip).where(
                Trip.operator_id == operator.id,
                Trip.plate == plate,
                Trip.departure_at == departure,
            )
        )
        if trip is not None:
            return await receipt_of(session, trip), False
    else:
        raise RuntimeError("no free receipt number after 5 draws")
    await _insert_passengers(session, trip_id, rows, start=0)
    await emit(
        session,
        [
            TripManifestSubmitted(
                trip_id=trip_id,
                operator_id=operator.id,
                province_code=operator.province_code,
                commune_code=operator.commune_code,
                plate=plate,
                origin_province=data.origin_province,
                destination_province=data.destination_province,
                departure_at=departure,
                seats=data.seats,
                crew=[CrewMember(**c) for c in crew],
                passengers=[_passenger_event(r) for r in rows],
                received_at=now,
            )
        ],
    )
    return TripReceipt(
        trip_id=trip_id,
        receipt_number=number,
        status="submitted",
        received_at=now,
        passengers=results,
    ), True


async def _insert_passengers(
    session: AsyncSession, trip_id: uuid.UUID, rows: list[dict], *, start: int
) -> None:
    if rows:
        await session.execute(
            insert(TripPassenger),
            [{"trip_id": trip_id, "seq": start + n, **r} for n, r in enumerate(rows)],
        )


async def _trip_passengers(session: AsyncSession, trip_id: uuid.UUID) -> list[TripPassenger]:
    return list(
        (
            await session.scalars(
                select(TripPassenger)
                .where(TripPassenger.trip_id == trip_id)
                .order_by(TripPassenger.seq)
            )
        ).all()
    )


async def receipt_of(session: AsyncSession, trip: Trip) -> TripReceipt:
    """The receipt of a stored trip (what a resubmission gets back)."""
    passengers = await _trip_passengers(session, trip.id)
    return TripReceipt(
        trip_id=trip.id,
        receipt_number=trip.receipt_number,
        status=trip.status,  # type: ignore[arg-type]
        received_at=trip.received_at,
        passengers=[PassengerResult(index=n, passenger_id=p.id) for n, p in enumerate(passengers)],
    )


async def trips_departing(
    session: AsyncSession,
    operator_id: uuid.UUID,
    day: date,
    *,
    after: uuid.UUID | None,
    limit: int,
    timezone: str,
    text_query: str | None = None,
) -> list[tuple[Trip, int]]:
    """The operator's trips leaving on ``day`` (local time), with their passengers on board;
    ``text_query``: only the trip with that receipt number or plate (as typed)."""
    on_board = (
        select(func.count())
        .where(TripPassenger.trip_id == Trip.id, TripPassenger.status == "on_board")
        .scalar_subquery()
    )
    query = select(Trip, on_board).where(
        Trip.operator_id == operator_id,
        func.timezone(timezone, Trip.departure_at).cast(Date) == day,
    )
    if text_query and text_query.strip():
        number = receipt_numbers.normalize(text_query)
        plate = normalize_plate(text_query)
        query = query.where(
            or_(Trip.receipt_number == number, Trip.plate == plate)
            if number
            else Trip.plate == plate
        )
    if after is not None:
        query = query.where(Trip.id > after)
    return [(trip, n) for trip, n in (await session.execute(query.order_by(Trip.id).limit(limit)))]


async def own_trip_by_number(session: AsyncSession, operator_id: uuid.UUID, text: str) -> Trip:
    """The operator's trip with that receipt number (as typed); another operator's is a 404."""
    number = receipt_numbers.normalize(text)
    trip = (
        await session.scalar(
            select(Trip).where(Trip.receipt_number == number, Trip.operator_id == operator_id)
        )
        if number
        else None
    )
    if trip is None:
        raise Problem(404, "trip-not-found", "Trip not found", "Không tìm thấy chuyến")
    return trip


async def own_trip(
    session: AsyncSession, operator_id: uuid.UUID, trip_id: uuid.UUID, *, lock: bool = False
) -> Trip:
    """The operator's trip (locked with ``lock``); another operator's is a 404."""
    query = select(Trip).where(Trip.id == trip_id, Trip.operator_id == operator_id)
    trip = await session.scalar(query.with_for_update() if lock else query)
    if trip is None:
        raise Problem(404, "trip-not-found", "Trip not found", "Không tìm thấy chuyến")
    return trip


async def change_passengers(
    session: AsyncSession,
    *,
    operator: FacilityView,
    trip_id: uuid.UUID,
    add: list[Any],
    remove: list[uuid.UUID],
    no_shows: list[uuid.UUID],
    rule: DeadlineRule,
    now: datetime,
) -> list[PassengerResult]:
    """Add, remove and mark no-show passengers of a trip, all or nothing, and emit
    TripPassengersChanged."""
    trip = await own_trip(session, operator.id, trip_id, lock=True)
    if trip.status == "cancelled":
        raise Problem(409, "trip-cancelled", "Trip cancelled", "Chuyến đã hủy")
    current = await _trip_passengers(session, trip.id)
    by_id = {p.id: p for p in current}
    errors: list[FieldError] = []
    for name, ids in (("remove", remove), ("no_shows", no_shows)):
        for i, pid in enumerate(ids):
            if pid not in by_id or by_id[pid].status != "on_board":
                errors.append(
                    field_error(
                        f"/{name}/{i}", "passenger-not-on-board", "Không có hành khách này",
                        "No such passenger on board",
                    )
                )  # fmt: skip
    on_board = [p for p in current if p.status == "on_board" and p.id not in set(remove)]
    rows, passenger_errors, results = _passengers(
        add,
        departure=trip.departure_at,
        rule=rule,
        now=now,
        operator_id=operator.id,
        pointer="/add",
        taken_seats={p.seat for p in on_board if p.seat},
        taken_documents={p.document_number for p in on_board},
    )
    errors.extend(passenger_errors)
    if len(on_board) + len(rows) > trip.seats:
        errors.append(
            field_error(
                "/add", "over-seats", "Số hành khách vượt quá số ghế", "More passengers than seats"
            )
        )
    if errors:
        raise _refuse(errors)
    for pid in remove:
        by_id[pid].status = "removed"
    for pid in no_shows:
        by_id[pid].status = "no_show"
    await _insert_passengers(session, trip.id, rows, start=len(current))
    await session.flush()
    await emit(
        session,
        [
            TripPassengersChanged(
                trip_id=trip.id,
                operator_id=operator.id,
                added=[_passenger_event(r) for r in rows],
                removed=remove,
                no_shows=no_shows,
            )
        ],
    )
    return results


async def cancel(
    session: AsyncSession, *, operator: FacilityView, trip_id: uuid.UUID, reason: str | None
) -> Trip:
    """Cancel the operator's trip (a retry is harmless) and emit TripCancelled."""
    trip = await own_trip(session, operator.id, trip_id, lock=True)
    if trip.status == "cancelled":
        return trip
    trip.status, trip.cancel_reason = "cancelled", reason
    await session.flush()
    await emit(session, [TripCancelled(trip_id=trip.id, operator_id=operator.id, reason=reason)])
    return trip


async def passengers_of(session: AsyncSession, trip_id: uuid.UUID) -> list[TripPassenger]:
    """A trip's passengers, in the order they were listed."""
    return await _trip_passengers(session, trip_id)
