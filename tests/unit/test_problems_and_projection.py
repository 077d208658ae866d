from datetime import date

import pytest

from luutru_analytics.projections.attributes import age_band
from luutru_common.problems import json_pointer, validation_errors


def test_json_pointer_escapes():
    assert json_pointer(["guests", 3, "id_number"]) == "/guests/3/id_number"
    assert json_pointer(["a/b", "c~d"]) == "/a~1b/c~0d"


def test_validation_errors_strip_body_and_keep_query_source():
    errors = validation_errors(
        [
            {"loc": ("body", "guests", 0, "gender"), "type": "literal_error", "msg": "bad"},
            {"loc": ("query", "date_from"), "type": "missing", "msg": "Field required"},
        ]
    )
    assert [(e.pointer, e.code) for e in errors] == [
        ("/guests/0/gender", "literal_error"),
        ("/query:date_from", "missing"),
    ]
    assert errors[1].message.vi == "Thiếu trường bắt buộc"


def test_length_and_model_errors_read_well_in_both_languages():
    from typing import Annotated

    from pydantic import AfterValidator, BaseModel, Field, ValidationError, model_validator

    Text = Annotated[str, AfterValidator(str.strip)]

    class Entry(BaseModel):
        document_number: Text | None = Field(default=None, max_length=20)

        @model_validator(mode="after")
        def _enough(self):
            if not self.document_number:
                raise ValueError("cần số giấy tờ / give a document number")
            return self

    with pytest.raises(ValidationError) as long_one:
        Entry(document_number="1" * 25)
    [error] = validation_errors(long_one.value.errors(), strip_prefix=False)
    assert error.pointer == "/document_number"
    assert error.message.vi == "Quá dài (tối đa 20)"  # a text, not "a list too long"
    with pytest.raises(ValidationError) as missing:
        Entry()
    [error] = validation_errors(missing.value.errors(), strip_prefix=False)
    assert (error.message.vi, error.message.en) == ("cần số giấy tờ", "give a document number")


@pytest.mark.parametrize(
    ("birth", "band"),
    [
        (date(2026, 11, 27), "0-14"),
        (date(2011, 11, 28), "0-14"),  # 14 until the day before the 15th birthday
        (date(2011, 11, 27), "15-24"),
        (date(1991, 11, 27), "35-44"),
        (date(1961, 11, 28), "55-64"),
        (date(1961, 11, 27), "65+"),
    ],
)
def test_age_band(birth, band):
    assert age_band(birth, date(2026, 11, 27)) == band
