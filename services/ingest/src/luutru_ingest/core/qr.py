"""The chip-card (CCCD) QR text: `id12|old_cmnd9|full name|ddmmyyyy|Nam/Nữ|address|ddmmyyyy`.

Some cards omit the old CMND field (6 fields). The text is unsigned, so everything read from
it is marked `source=qr`. Keyboards and scanners deliver NFC or NFD: normalise first.
"""

from __future__ import annotations

import unicodedata
from datetime import date

from pydantic import BaseModel, Field

from luutru_common.identity import ID_NUMBER_RE, normalize_name
from luutru_common.problems import FieldError, field_error

_GENDERS = {"nam": "male", "nữ": "female", "nu": "female", "male": "male", "female": "female"}


class QrGuest(BaseModel):
    id_number: str
    legacy_id_number: str | None = None
    full_name: str
    date_of_birth: date
    gender: str
    address: str | None = None
    issued_on: date | None = None
    source: str = Field(default="qr", description="Luôn là qr / Always qr: the QR is unsigned")


def _ddmmyyyy(text: str) -> date | None:
    text = text.strip()
    if len(text) != 8 or not text.isdigit():
        return None
    try:
        return date(int(text[4:]), int(text[2:4]), int(text[:2]))
    except ValueError:
        return None


def parse_qr(text: str, *, pointer: str = "/qr") -> tuple[QrGuest | None, list[FieldError]]:
    """Parse the QR text; on failure return the errors (code `qr-format`, every problem)."""
    fields = [f.strip() for f in unicodedata.normalize("NFC", text.strip()).split("|")]
    if len(fields) == 6:
        # Either the old CMND or the issue date is missing: an empty or 9-digit second field
        # is the CMND, anything else is the name.
        if fields[1] == "" or (fields[1].isdigit() and len(fields[1]) == 9):
            fields.append("")
        else:
            fields.insert(1, "")
    if len(fields) != 7:
        return None, [
            field_error(
                pointer,
                "qr-format",
                "Mã QR phải có 6 hoặc 7 trường ngăn cách bởi |",
                "The QR text must have 6 or 7 fields separated by |",
            )
        ]
    id_number, cmnd, name, birth, gender, address, issued = fields
    errors = []

    def bad(vi: str, en: str) -> None:
        errors.append(field_error(pointer, "qr-format", vi, en))

    if not ID_NUMBER_RE.match(id_number):
        bad("Số định danh trong QR phải gồm 12 chữ số", "The QR's ID number must be 12 digits")
    if cmnd and not (cmnd.isdigit() and len(cmnd) == 9):
        bad("Số CMND cũ trong QR phải gồm 9 chữ số", "The QR's old ID must be 9 digits")
    if not name:
        bad("QR thiếu họ tên", "The QR has no name")
    dob = _ddmmyyyy(birth)
    if dob is None:
        bad("Ngày sinh trong QR phải là ddmmyyyy", "The QR's birth date must be ddmmyyyy")
    sex = _GENDERS.get(gender.lower())
    if sex is None:
        bad("Giới tính trong QR phải là Nam hoặc Nữ", "The QR's gender must be Nam or Nữ")
    issued_on = _ddmmyyyy(issued) if issued else None
    if issued and issued_on is None:
        bad("Ngày cấp trong QR phải là ddmmyyyy", "The QR's issue date must be ddmmyyyy")
    if errors or dob is None or sex is None:  # a missing date or gender is among the errors
        return None, errors
    return (
        QrGuest(
            id_number=id_number,
            legacy_id_number=cmnd or None,
            full_name=normalize_name(name),
            date_of_birth=dob,
            gender=sex,
            address=address or None,
            issued_on=issued_on,
        ),
        [],
    )
