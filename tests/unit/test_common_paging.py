"""Keyset paging (luutru_common.paging): cursors by id, typed keys and the page split."""

from __future__ import annotations

import uuid

import pytest

from luutru_common import paging
from luutru_common.problems import Problem


def test_uuid_cursor_is_the_id_itself():
    last = uuid.uuid4()
    assert paging.decode_uuid(str(last)) == last
    assert paging.decode_uuid(None) is None
    assert paging.decode_uuid("") is None


@pytest.mark.parametrize("cursor", ["not-an-id", "1234", "%%%"])
def test_bad_uuid_cursor_names_the_parameter(cursor):
    with pytest.raises(Problem) as bad:
        paging.decode_uuid(cursor)
    assert bad.value.status == 422
    assert (bad.value.errors[0].pointer, bad.value.errors[0].code) == (
        "/query:cursor",
        "cursor-invalid",
    )


@pytest.mark.parametrize(("value", "kind"), [("75-000123", int), (True, int), (7, str)])
def test_a_key_of_another_type_is_refused(value, kind):
    with pytest.raises(Problem):
        paging.decode(paging.encode(value), kind)


def test_page_splits_the_extra_row_into_a_cursor():
    rows = [1, 2, 3, 4]
    assert paging.page(rows, 3, key=str) == ([1, 2, 3], "3")
    assert paging.page(rows[:3], 3, key=str) == ([1, 2, 3], None)
    assert paging.page([], 3, key=str) == ([], None)
