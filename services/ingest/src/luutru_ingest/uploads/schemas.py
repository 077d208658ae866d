from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from luutru_common.problems import FieldError


class RowResult(BaseModel):
    row: int = Field(description="Số dòng trong tệp (dòng tiêu đề là 1) / Line in the file")
    status: Literal["accepted", "duplicate", "rejected"]
    stay_id: uuid.UUID | None = None
    errors: list[FieldError] = Field(default_factory=list)
    warnings: list[FieldError] = Field(default_factory=list)


class UploadStatus(BaseModel):
    upload_id: uuid.UUID
    kind: Literal["guests", "trip"]
    filename: str
    status: Literal["pending", "processing", "done", "failed"]
    total_rows: int | None = Field(description="Biết khi xong / Known when done")
    processed_rows: int
    accepted: int
    duplicates: int
    rejected: int
    created_at: datetime
    finished_at: datetime | None = None
    error: dict | None = None
    results: list[RowResult] = Field(default_factory=list)
    next_after_row: int | None = Field(
        default=None, description="Trang kết quả sau / Pass as after_row for more results"
    )
