"""What an upload's result says about the file as a whole, once: each column that is not read
into the records — not recognised, recognised but not stored by this kind of upload, or
repeating an earlier column — so no column is ever dropped silently."""

from __future__ import annotations

from pydantic import BaseModel, Field

from luutru_common.intake.header import Column, Layout
from luutru_common.intake.vocabulary import Vocabulary, header_key
from luutru_common.problems import LocalizedMessage


class Notice(BaseModel):
    """Something about the file as a whole, said once."""

    code: str = Field(
        description=("column-unknown, column-not-stored, column-duplicate, foreign-columns-missing")
    )
    column: str | None = Field(default=None, description="Cột (A, B…) / Column letter")
    header: str | None = Field(default=None, description="Tiêu đề cột / The column's header")
    message: LocalizedMessage


def notice(code: str, column: Column | None, vi: str, en: str) -> dict:
    """A file-level notice as stored and answered: its code, the column it concerns and the message
    in both languages."""
    return {
        "code": code,
        "column": column.letter if column else None,
        "header": column.header if column else None,
        "message": {"vi": vi, "en": en},
    }


def column_notices(
    layout: Layout,
    vocabulary: Vocabulary,
    *,
    not_stored: tuple[str, str] = ("không lưu", "not stored"),
    mappable: bool = False,
) -> list[dict]:
    """A notice per column not read; ``not_stored`` says (vi, en) where such a column's data
    does not go, e.g. ("danh sách truy nã không lưu cột này", "not kept on the watchlist");
    ``mappable``: the upload takes an explicit mapping, so an unknown column can be given its
    field."""
    out: list[dict] = []
    first_of = {c.field: c for c in reversed(layout.columns) if c.status == "mapped"}
    for c in layout.columns:
        vi = f"Cột {c.letter} “{c.header}”" if c.header else f"Cột {c.letter}"
        en = f"Column {c.letter} “{c.header}”" if c.header else f"Column {c.letter}"
        if c.status == "unknown":
            out.append(
                notice(
                    "column-unknown",
                    c,
                    f"{vi}: không nhận ra nên bỏ qua"
                    + ("; nếu cần, chọn trường cho cột này" if mappable else ""),
                    f"{en}: not recognised, so ignored"
                    + ("; choose its field if it matters" if mappable else ""),
                )
            )
        elif c.status == "not-stored" and c.field in vocabulary.fields:
            name = vocabulary.fields[c.field]
            # "Ghi chú (Ghi chú)" says nothing twice: the field is named only when it differs.
            said = header_key(c.header) == header_key(name.vi)
            out.append(
                notice(
                    "column-not-stored",
                    c,
                    f"{vi}{'' if said else f' ({name.vi})'}: {not_stored[0]}",
                    f"{en} ({name.en}): {not_stored[1]}",
                )
            )
        elif c.status == "duplicate" and c.field in first_of:
            first = first_of[c.field].letter
            out.append(
                notice(
                    "column-duplicate",
                    c,
                    f"{vi} trùng nghĩa với cột {first}; dùng cột {first}",
                    f"{en} means the same as column {first}; column {first} is used",
                )
            )
    return out
