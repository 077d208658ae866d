from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from luutru_common.intake.notices import Notice
from luutru_common.problems import FieldError, LocalizedMessage


class RowResult(BaseModel):
    row: int = Field(
        description="Số dòng như bảng tính hiển thị / The line number the spreadsheet shows"
    )
    status: Literal["accepted", "duplicate", "rejected"]
    stay_id: uuid.UUID | None = None
    errors: list[FieldError] = Field(default_factory=list)
    warnings: list[FieldError] = Field(default_factory=list)


class ColumnView(BaseModel):
    """One column of the sheet and what it was read as."""

    column: str = Field(description="Tên cột trong bảng tính (A, B…) / Column letter")
    header: str = Field(description="Tiêu đề cột trong tệp / The header text in the file")
    field: str | None = Field(description="Trường được ghép / The field it is read as")
    label: str | None = Field(description="Tên trường để hiển thị / The field's name to show")
    status: Literal["mapped", "not-stored", "unknown", "duplicate", "ignored"] = Field(
        description=(
            "mapped: đọc vào bản khai; not-stored: nhận ra nhưng không lưu; unknown: không "
            "nhận ra; duplicate: trùng nghĩa với cột trước; ignored: bỏ qua (STT, cột trống) "
            "/ mapped: read into the record; not-stored: recognised, not stored; unknown: not "
            "recognised; duplicate: same meaning as an earlier column; ignored: STT, blank"
        )
    )


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
    header_row: int | None = Field(
        default=None, description="Dòng tiêu đề trong tệp / The header's line in the file"
    )
    columns: list[ColumnView] = Field(
        default_factory=list, description="Từng cột được đọc ra sao / How each column was read"
    )
    notices: list[Notice] = Field(
        default_factory=list,
        description="Lưu ý về cả tệp (cột không lưu, thiếu cột…) / Notes on the whole file",
    )
    results: list[RowResult] = Field(default_factory=list)
    next_after_row: int | None = Field(
        default=None, description="Trang kết quả sau / Pass as after_row for more results"
    )


class FieldChoice(BaseModel):
    field: str
    label: str
    required: bool = False


class PreviewRow(BaseModel):
    row: int = Field(description="Số dòng trong bảng tính / Line number in the sheet")
    cells: dict[str, str] = Field(
        description="Nội dung từng ô theo cột (A, B…) / Each cell's text by column letter"
    )
    values: dict[str, Any] = Field(description="Giá trị đọc được / The values as read")
    status: Literal["valid", "rejected", "unchecked"] = Field(
        description=(
            "unchecked: chưa kiểm tra vì còn thiếu cột bắt buộc / not checked while required "
            "columns are missing"
        )
    )
    errors: list[FieldError] = Field(default_factory=list)
    warnings: list[FieldError] = Field(default_factory=list)


class UploadPreview(BaseModel):
    """What an upload of this file would read, before anything is stored: the header found,
    each column's field, the first rows checked, and what is missing."""

    kind: Literal["guests", "trip"]
    file_format: str
    header_row: int | None
    header_found: bool
    mapping_source: Literal["detected", "explicit", "remembered"]
    mapping: dict[str, str | None] = Field(
        description=(
            "Ghép cột đang dùng (chữ cột → trường); gửi lại khi tải lên để giữ / The mapping "
            "in use (column letter → field); send it with the upload to keep it"
        )
    )
    columns: list[ColumnView]
    missing: list[LocalizedMessage] = Field(
        default_factory=list, description="Cột bắt buộc còn thiếu / Required columns missing"
    )
    notices: list[Notice] = Field(default_factory=list)
    rows: list[PreviewRow] = Field(default_factory=list)
    fields: list[FieldChoice] = Field(
        description="Các trường có thể chọn cho một cột / The fields a column can be mapped to"
    )
