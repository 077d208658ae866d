from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from luutru_analytics.text import SafeText
from luutru_common.bounds import BoundedDate

SearchReason = Literal[
    "criminal-investigation",
    "administrative-violation",
    "wanted-person",
    "missing-person",
    "residence-management",
    "foreigner-oversight",
    "judicial-request",
]
"""Why personal data may be read (Law 91/2025 on personal data protection): a fixed list, so
the access log can be reviewed by reason, and "........" is not a purpose."""


def _names_a_case(value: str) -> str:
    if not any(c.isdigit() for c in value):
        raise ValueError(
            "số hồ sơ/vụ việc phải có chữ số (ví dụ 123/QĐ-CAP) / a case or dossier reference "
            "has a number (such as 123/QĐ-CAP)"
        )
    return value


CaseReference = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        min_length=3,
        max_length=60,
        pattern=r"^[0-9A-Za-zÀ-ỹĐđ][0-9A-Za-zÀ-ỹĐđ/.\-_ ]*$",
    ),
    AfterValidator(_names_a_case),
]


class ReadPurpose(BaseModel):
    """Why personal data is read, structured and mandatory (Law 91/2025): the case or dossier
    it serves and a reason from a fixed list; free text only as a note. The person search
    takes it in its body, the list of foreign guests in its query."""

    model_config = ConfigDict(extra="forbid")

    case_reference: CaseReference = Field(
        description="Số hồ sơ/vụ việc / Case or dossier reference (e.g. 123/QĐ-CAP)"
    )
    reason: SearchReason = Field(description="Lý do tra cứu / Reason for the read")
    note: SafeText | None = Field(default=None, max_length=500, description="Ghi chú / Note")


class ForeignGuestsQuery(ReadPurpose):
    """The query of the list of foreign guests staying now: its purpose and a limit."""

    # Other query parameters are ignored, as they are everywhere else; the purpose's own
    # fields are still required.
    model_config = ConfigDict(extra="ignore")

    limit: int = Field(default=500, ge=1, le=5000)


class PersonSearch(ReadPurpose):
    """At least one of document_number or full_name, with the purpose of the search."""

    document_number: SafeText | None = Field(default=None, max_length=20)
    full_name: SafeText | None = Field(default=None, max_length=200)
    date_of_birth: BoundedDate | None = None
    limit: int = Field(default=100, ge=1, le=1000)


class GuestRecordOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    record_id: uuid.UUID
    kind: str
    stay_id: uuid.UUID | None
    trip_id: uuid.UUID | None
    facility_id: uuid.UUID
    facility_type: str
    commune_code: int
    full_name: str
    date_of_birth: date
    gender: str
    id_number: str | None
    passport_number: str | None
    nationality: str
    country_of_residence: str
    visa_type: str | None
    visa_number: str | None
    entry_date: date | None
    entry_port: str | None
    room: str | None
    arrived_at: datetime
    expected_departure: date | None
    departed_at: datetime | None


class GuestRecordList(BaseModel):
    rows: list[GuestRecordOut]


class AccessLogOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    subject: str
    role: str
    action: str
    query: dict
    purpose: str
    result_count: int


REASON_LABELS: dict[str, str] = {
    "criminal-investigation": "Điều tra vụ án hình sự / Criminal investigation",
    "administrative-violation": "Xử lý vi phạm hành chính / Administrative violation",
    "wanted-person": "Truy tìm đối tượng truy nã / Search for a wanted person",
    "missing-person": "Tìm người mất tích / Missing person",
    "residence-management": "Quản lý cư trú / Residence management",
    "foreigner-oversight": "Quản lý người nước ngoài / Oversight of foreigners",
    "judicial-request": "Yêu cầu của cơ quan tư pháp / Request of a judicial body",
}


def stated_purpose(search: ReadPurpose) -> str:
    """The purpose as the access log shows it to people: the reason in words, the case, then
    the note if any."""
    text = f"{REASON_LABELS[search.reason]} · {search.case_reference}"
    return f"{text} · {search.note}" if search.note else text
