"""Every violation of a record at once, even when some of its fields cannot be read.

A field that does not validate (a date that does not exist, a text too long, a number that is
not one) is an error next to the other fields' errors: the record is read again without it,
the rules that need it are skipped and the others still run. A valid record takes the typed
path alone (one model validation, then the rules), so the hot path pays nothing for this.

Serves the check-in (the exception path of a body that does not validate), batch items,
corrections, trip passengers and upload rows.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date, datetime
from functools import cache
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationError, create_model

from luutru_common.problems import FieldError, validation_errors
from luutru_ingest.core.guest import CheckIn
from luutru_ingest.core.validation import Verdict, check_in_rules

M = TypeVar("M", bound=BaseModel)

LOCAL_TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")
# Rules that judge the arrival: when check_in_at cannot be read, the server's now stands in
# for it so the record can be built, and these are not run.
ARRIVAL_RULES = frozenset(
    {
        "check-out-before-check-in",
        "long-stay-temporary-residence",
        "entry-after-check-in",
        "relationship-required",  # a minor is under 18 at arrival
        "check-in-in-future",
    }
)
# What a QR text would have filled in: not asked for when the QR itself cannot be read.
QR_FILLED_RULES = frozenset({"required", "document-missing"})
DOCUMENT_FIELDS = frozenset({"id_number", "passport_number"})


def field_of(pointer: str, prefix: str = "") -> str | None:
    """The top-level field a pointer under ``prefix`` names: (/guests/3/date_of_birth,
    /guests/3) → date_of_birth; None for the record itself or another record."""
    if not pointer.startswith(prefix + "/"):
        return None
    return pointer[len(prefix) + 1 :].split("/", 1)[0]


def _with_prefix(errors: list[FieldError], pointer: str) -> list[FieldError]:
    for e in errors:
        e.pointer = pointer + e.pointer
    return errors


@cache
def _required(model: type[BaseModel]) -> frozenset[str]:
    return frozenset(name for name, f in model.model_fields.items() if f.is_required())


@cache
def _lenient(model: type[M], optional: frozenset[str]) -> type[M]:
    """``model`` with the required fields ``optional`` made optional (None): a record can be
    built without them. Their rules are skipped by the callers, so None is never judged."""
    fields: Any = {name: (Any, None) for name in optional}
    return create_model(model.__name__, __base__=model, **fields)


def parse_partial(
    model: type[M],
    raw: object,
    pointer: str = "",
    *,
    fill: Mapping[str, Any] | None = None,
    unread: Collection[str] = (),
) -> tuple[M | None, list[FieldError], set[str]]:
    """``raw`` as ``model``, or as much of it as can be read.

    Returns (the record, the errors of the fields that do not validate with pointers under
    ``pointer``, the names of the top-level fields left out). A field that does not validate is
    left out and the record read again: an optional field takes its default, a required one
    the value in ``fill`` or None. ``unread`` are fields the caller already knows cannot be
    read (and reports itself): they are left out without an error. The record is None when
    ``raw`` is not an object at all (or still does not validate without the bad fields).
    """
    fill = fill or {}
    errors: list[FieldError] = []
    left_out = set(unread)
    for _ in range(3):  # a second pass fails only on what the first could not see
        data: Any = raw
        target = model
        if left_out:
            if not isinstance(raw, Mapping):
                return None, errors, left_out
            data = {k: v for k, v in raw.items() if k not in left_out}
            data.update({k: fill[k] for k in left_out if k in fill})
            missing = frozenset(left_out & _required(model) - fill.keys())
            if missing:
                target = _lenient(model, missing)
        try:
            return target.model_validate(data), errors, left_out
        except ValidationError as exc:
            details = exc.errors()
            errors += _with_prefix(validation_errors(list(details), strip_prefix=False), pointer)
            failed = {d["loc"][0] for d in details if d["loc"] and isinstance(d["loc"][0], str)}
            if not failed - left_out or any(not d["loc"] for d in details):
                return None, errors, left_out | failed
            left_out |= failed
    return None, errors, left_out


def keep_readable(
    verdict: Verdict, errors: list[FieldError], left_out: Collection[str], pointer: str = ""
) -> Verdict:
    """The verdict of the rules on a record read without the fields ``left_out``: ``errors``
    (why they could not be read) first, then the rule errors and warnings that do not concern
    or depend on a field left out. Its guest is None: such a record is never stored."""
    if not left_out:
        verdict.errors = errors + verdict.errors
        return verdict
    skip: set[str] = set()
    if "check_in_at" in left_out:
        skip |= ARRIVAL_RULES
    if "qr" in left_out:
        skip |= QR_FILLED_RULES
    if DOCUMENT_FIELDS & set(left_out):
        skip.add("document-missing")

    def keep(e: FieldError) -> bool:
        return e.code not in skip and field_of(e.pointer, pointer) not in left_out

    verdict.errors = errors + [e for e in verdict.errors if keep(e)]
    verdict.warnings = [w for w in verdict.warnings if keep(w)]
    verdict.guest = None
    return verdict


def partial_verdict(
    raw: object,
    pointer: str = "",
    *,
    now: datetime,
    today: date | None = None,
    unread: Collection[str] = (),
    refuse_future: bool = False,
) -> Verdict:
    """Every violation of one registration (a CheckIn as a JSON object): the fields that cannot
    be read, and the rules of the others. A rule that needs a field left out is skipped (no
    `required` for a date of birth that was there but unreadable); without a readable
    check_in_at, ``now`` stands in for it and the rules about the arrival are skipped.

    ``today`` is the local day (default: ``now``'s day in Vietnam); ``unread`` as for
    `parse_partial`. A valid record gives exactly `check_in_rules`' verdict.
    """
    if today is None:
        today = now.astimezone(LOCAL_TIMEZONE).date()
    # A stay's arrival cannot lie ahead (check-in-in-future); a trip's departure may.
    local_now = now.astimezone(LOCAL_TIMEZONE) if refuse_future else None
    if not unread:
        # Nearly every record reads whole: one validation, then the rules — what
        # `parse_partial` would end with, without its bookkeeping (a batch judges thousands).
        try:
            whole = CheckIn.model_validate(raw)
        except ValidationError:
            pass
        else:
            return check_in_rules(whole, today=today, now=local_now, pointer=pointer)
    return verdict_in_parts(raw, pointer, now=now, today=today, local_now=local_now, unread=unread)


def verdict_in_parts(
    raw: object,
    pointer: str,
    *,
    now: datetime,
    today: date,
    local_now: datetime | None,
    unread: Collection[str] = (),
) -> Verdict:
    """`partial_verdict` the long way, field by field (`parse_partial`): what it falls back to
    when the record does not read whole, and what a test holds its shortcut equal to."""
    data, errors, left_out = parse_partial(
        CheckIn, raw, pointer, fill={"check_in_at": now}, unread=unread
    )
    if data is None:
        return Verdict(errors=errors)
    verdict = check_in_rules(data, today=today, now=local_now, pointer=pointer)
    return keep_readable(verdict, errors, left_out, pointer) if left_out else verdict


def validate_partial(
    raw: object,
    pointer: str = "",
    *,
    now: datetime,
    today: date | None = None,
    unread: Collection[str] = (),
    refuse_future: bool = False,
) -> tuple[CheckIn | None, list[FieldError], list[FieldError]]:
    """(the guest — None unless every field could be read —, every error, the warnings) of
    one registration; see `partial_verdict`."""
    verdict = partial_verdict(
        raw, pointer, now=now, today=today, unread=unread, refuse_future=refuse_future
    )
    return verdict.guest, verdict.errors, verdict.warnings


def all_violations(
    record: dict[str, Any],
    cell_errors: list[FieldError],
    *,
    pointer: str,
    now: datetime,
    refuse_future: bool = True,
) -> list[FieldError]:
    """A row's unreadable cells, and every rule its readable cells break (the rules that need
    an unreadable cell are skipped). A trip's passengers board at a departure that may be
    ahead (refuse_future=False); a guest's arrival may not."""
    unread = {field_of(e.pointer, pointer) for e in cell_errors}
    if "check_in_time" in unread:
        unread.add("check_in_at")
    _, errors, _ = validate_partial(
        record, pointer, now=now, unread={f for f in unread if f}, refuse_future=refuse_future
    )
    return cell_errors + errors
