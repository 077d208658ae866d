"""Guest registration: validate, store, and emit the stays' events through the outbox — in
one transaction, so an accepted registration and its event are durable together. It runs on
the caller's asyncpg connection inside that transaction (luutru_common.db.transaction, or
`raw_connection` under an ORM unit of work).

One code path (`register`) serves a single check-in, a batch and an upload chunk: the rules
are the same and the natural key (facility, document, arrival day) makes every retry
harmless.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

import asyncpg
import orjson

from luutru_common.logging import get_correlation_id
from luutru_common.outbox import insert_outbox
from luutru_common.problems import FieldError, field_error
from luutru_ingest import receipt_numbers
from luutru_ingest.core import rooms, stay, store
from luutru_ingest.core.checking import partial_verdict
from luutru_ingest.core.guest import CheckIn
from luutru_ingest.core.receipts import Receipt, RecordResult
from luutru_ingest.core.validation import check_in_rules
from luutru_ingest.deadline import DeadlineRule
from luutru_ingest.models import SCHEMA, FacilityView

# Below this many guests one statement does stays, events and wake-up; above, COPY wins.
SMALL_BATCH = 20


class Outcome:
    """One guest's result (RecordResult's fields), kept as plain values: a batch answers a
    thousand of them with one orjson call (`as_json`), and the models are built only for
    whoever reads them (the single check-in's receipt, an upload's stay id)."""

    __slots__ = ("errors", "index", "status", "stay", "warnings")

    def __init__(
        self,
        index: int,
        status: str,
        stay: dict | None = None,
        errors: list[FieldError] | None = None,
        warnings: list[FieldError] | None = None,
    ) -> None:
        self.index = index
        self.status = status
        self.stay = stay  # the new stay's values, or the stored row a duplicate repeats
        self.errors = errors or []
        self.warnings = warnings or []

    @property
    def receipt(self) -> Receipt | None:
        if self.stay is None:
            return None
        return stay.receipt(self.stay, self.warnings if self.status == "accepted" else None)

    def result(self) -> RecordResult:
        return RecordResult(
            index=self.index,
            status=self.status,
            receipt=self.receipt,
            errors=self.errors,
            warnings=self.warnings,
        )

    def answer(self) -> tuple[int, Receipt]:
        """As the single check-in answers it (RecordResult.answer)."""
        return self.result().answer()

    def as_json(self) -> dict:
        """The RecordResult as JSON values, for `stay.to_json`. A new stay's warnings are
        already in JSON form in its row; a stored row's are jsonb text, embedded as is."""
        receipt = None
        warnings: object = [w.model_dump(mode="json") for w in self.warnings]
        if self.stay is not None:
            receipt = stay.receipt_fields(self.stay)
            stored = self.stay["warnings"]
            receipt["warnings"] = orjson.Fragment(stored) if isinstance(stored, str) else stored
            if self.status == "accepted":
                warnings = receipt["warnings"]
        return {
            "index": self.index,
            "status": self.status,
            "receipt": receipt,
            "errors": [e.model_dump(mode="json") for e in self.errors],
            "warnings": warnings,
        }


@dataclass
class Prepared:
    """A guest that passed the rules: its place in the request, its row, its warnings."""

    index: int
    values: dict
    warnings: list[FieldError]


async def capacity_warnings(
    conn: asyncpg.Connection,
    facility: FacilityView,
    prepared: list[Prepared],
    *,
    today: date,
    timezone: str,
) -> None:
    """More guests than declared beds is a warning on each guest beyond the beds."""
    if not facility.beds or not prepared:
        return
    # Past the beds every new guest is over: a count up to the beds decides the same.
    held = await store.in_house_count(
        conn, facility.id, today, timezone=timezone, at_most=facility.beds
    )
    if held + len(prepared) <= facility.beds:
        return
    warning = field_error(
        "",
        "over-capacity",
        "Số khách vượt quá số giường đã khai báo của cơ sở",
        "More guests than the facility's declared beds",
    )
    stored = warning.model_dump(mode="json")
    for item in prepared[max(facility.beds - held, 0) :]:
        item.warnings.append(warning)
        item.values["warnings"] = [*item.values["warnings"], stored]


async def register(
    conn: asyncpg.Connection,
    *,
    facility: FacilityView,
    items: list[tuple[int, object]],
    rule: DeadlineRule,
    now: datetime,
    pointer: Callable[[int], str],
    dry_run: bool = False,
    upload_id: uuid.UUID | None = None,
    wake_relay: bool = True,
) -> list[Outcome]:
    """Validate and store guests (raw objects or CheckIn); a result per item, in order.

    Accepted guests are inserted with one statement, their events with another; guests whose
    natural key already exists get their original receipt with status `duplicate`.
    wake_relay false: no NOTIFY in the transaction; the caller wakes the relay after its
    commit (luutru_common.outbox.RelayWakeup).
    """
    results, prepared = judge(items, facility=facility, rule=rule, now=now, pointer=pointer)
    await store_judged(
        conn,
        results,
        prepared,
        facility=facility,
        rule=rule,
        now=now,
        pointer=pointer,
        dry_run=dry_run,
        upload_id=upload_id,
        wake_relay=wake_relay,
    )
    return [results[i] for i, _ in items]


async def store_judged(
    conn: asyncpg.Connection,
    results: dict[int, Outcome],
    prepared: list[Prepared],
    *,
    facility: FacilityView,
    rule: DeadlineRule,
    now: datetime,
    pointer: Callable[[int], str],
    dry_run: bool = False,
    upload_id: uuid.UUID | None = None,
    wake_relay: bool = True,
) -> dict[int, uuid.UUID]:
    """`register`'s second half, for guests already judged (`judge`): their rooms, the
    capacity warning, and the stays with their events; fills ``results`` in for ``prepared``
    and returns, by index, the id of each guest's stay (new, or the original's).
    An upload judges its next chunk in a thread while this stores the current one, and keeps
    only the stay ids (an `Outcome` builds its receipt only when read)."""
    stay_ids: dict[int, uuid.UUID] = {}
    refused = await rooms.place_all(
        conn,
        facility.id,
        prepared,
        pointer=pointer,
        today=rule.local_date(now),
        timezone=rule.timezone.key,
    )
    for item in prepared:
        if item.index in refused:
            results[item.index] = Outcome(item.index, "rejected", errors=refused[item.index])
    prepared = [item for item in prepared if item.index not in refused]
    for item in prepared:
        item.values["upload_id"] = upload_id
    await capacity_warnings(
        conn, facility, prepared, today=rule.local_date(now), timezone=rule.timezone.key
    )
    if dry_run:
        for item in prepared:
            results[item.index] = Outcome(item.index, "valid", warnings=item.warnings)
    else:
        created, existing = await store_new(conn, facility, prepared, wake_relay=wake_relay)
        for item in prepared:
            if item.values["id"] in created:
                stay_ids[item.index] = item.values["id"]
                results[item.index] = Outcome(
                    item.index, "accepted", item.values, warnings=item.warnings
                )
            else:
                original = existing[(item.values["document_number"], item.values["check_in_date"])]
                stay_ids[item.index] = original["id"]
                results[item.index] = Outcome(item.index, "duplicate", dict(original))
    return stay_ids


def judge(
    items: list[tuple[int, object]],
    *,
    facility: FacilityView,
    rule: DeadlineRule,
    now: datetime,
    pointer: Callable[[int], str],
) -> tuple[dict[int, Outcome], list[Prepared]]:
    """Read and judge each guest: the refused ones' results, and the rows of the others."""
    today = rule.local_date(now)
    local_now = now.astimezone(rule.timezone)  # naive check-in times are local wall time
    results: dict[int, Outcome] = {}
    prepared: list[Prepared] = []
    stay_ids = stay.uuids(len(items))
    numbers = receipt_numbers.new_numbers(len(items))
    for index, raw in items:
        p = pointer(index)
        # A raw item (a batch's) is read field by field: the fields that cannot be read are
        # errors next to the rule errors of the others.
        verdict = (
            check_in_rules(raw, today=today, now=local_now, pointer=p)
            if isinstance(raw, CheckIn)
            else partial_verdict(raw, p, now=now, today=today, refuse_future=True)
        )
        if verdict.errors:
            results[index] = Outcome(index, "rejected", None, verdict.errors, verdict.warnings)
            continue
        values = stay.new_values(
            verdict,
            facility_id=facility.id,
            rule=rule,
            now=now,
            stay_id=stay_ids.pop(),
            receipt_number=numbers.pop(),
        )
        prepared.append(Prepared(index, values, verdict.warnings))
    return results, prepared


async def store_new(
    conn: asyncpg.Connection,
    facility: FacilityView,
    prepared: list[Prepared],
    *,
    wake_relay: bool = True,
) -> tuple[set[uuid.UUID], dict]:
    """Insert the guests whose natural key is new, with their GuestCheckedIn events. Returns
    the ids created and, by natural key, the stored stays the others duplicate."""
    cid = get_correlation_id()
    occurred_at = stay.json_time(datetime.now(UTC))
    event_ids = stay.uuids(len(prepared))
    key = str(facility.id)  # every event's key: written once, not once a guest
    events = {
        item.values["id"]: stay.checked_in_row(
            item.values,
            event_id=event_id,
            occurred_at=occurred_at,
            correlation_id=cid,
            key=key,
        )
        for item, event_id in zip(prepared, event_ids, strict=True)
    }
    created: set[uuid.UUID] = set()
    existing: dict = {}
    pending = prepared
    for _ in range(5):
        if len(prepared) < SMALL_BATCH:
            inserted = await store.insert_small(
                conn,
                [p.values for p in pending],
                [(p.values["id"], events[p.values["id"]]) for p in pending],
                wake=wake_relay,
            )
        else:
            inserted = await store.insert_stays(conn, [p.values for p in pending])
            await insert_outbox(
                conn,
                SCHEMA,
                [events[p.values["id"]] for p in pending if p.values["id"] in inserted],
            )
        created |= inserted
        left_out = [p for p in pending if p.values["id"] not in inserted]
        existing |= await store.by_natural_keys(
            conn,
            facility.id,
            [(p.values["document_number"], p.values["check_in_date"]) for p in left_out],
        )
        # Left out without a stay of the same key: its receipt number was drawn before
        # (about one in 10^13 a pair). Draw again for those alone.
        pending = [
            p
            for p in left_out
            if (p.values["document_number"], p.values["check_in_date"]) not in existing
        ]
        if not pending:
            return created, existing
        for item, number in zip(pending, receipt_numbers.new_numbers(len(pending)), strict=True):
            item.values["receipt_number"] = number
    raise RuntimeError("no free receipt number after 5 draws")
