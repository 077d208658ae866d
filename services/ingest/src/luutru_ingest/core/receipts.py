"""What a facility gets back for a registration: the receipt of a stay and, in a batch or an
upload, a result per guest."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from luutru_common.problems import FieldError, Problem

StayStatus = Literal["checked_in", "checked_out", "voided"]


ReceiptNumber = Annotated[
    str,
    Field(
        description=(
            "Số biên nhận để đọc qua điện thoại, ví dụ K7M-4QX-9PA (9 ký tự, không có 0/O/1/I); "
            "tra cứu bằng GET /v1/stays/by-number/{number}. / Receipt number to read out, e.g. "
            "K7M-4QX-9PA; look it up with GET /v1/stays/by-number/{number}"
        ),
        examples=["K7M-4QX-9PA"],
    ),
]


class Receipt(BaseModel):
    stay_id: uuid.UUID
    receipt_number: ReceiptNumber
    facility_id: uuid.UUID
    received_at: datetime = Field(description="Giờ máy chủ nhận / Server time of receipt")
    due_at: datetime = Field(description="Hạn khai báo / Reporting deadline")
    on_time: bool
    late_minutes: int
    status: StayStatus = "checked_in"
    version: int = 1
    warnings: list[FieldError] = Field(default_factory=list)


class RecordResult(BaseModel):
    index: int
    status: Literal["accepted", "duplicate", "rejected", "valid"]
    receipt: Receipt | None = None
    errors: list[FieldError] = Field(default_factory=list)
    warnings: list[FieldError] = Field(default_factory=list)

    def answer(self) -> tuple[int, Receipt]:
        """One guest's result as the single check-in answers it: 201 with the new receipt,
        200 with the original's for a retry, or 422 naming the fields at fault."""
        # A guest that is not rejected has its receipt (new, or the original's).
        if self.status == "rejected" or self.receipt is None:
            raise Problem.invalid(
                "Registration is invalid",
                self.errors,
                "Thông tin khai báo không hợp lệ / The registration has invalid fields",
            )
        return (201 if self.status == "accepted" else 200), self.receipt
