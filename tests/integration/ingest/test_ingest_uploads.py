"""Uploads end to end on the real PostgreSQL: stored, processed by the upload worker, a result
per row, the operator's error sheet, templates and limits."""

from __future__ import annotations

import csv
import io
import json
import random
import unicodedata
import uuid
import zipfile

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook
from sqlalchemy import text
from sqlalchemy.exc import InvalidRequestError

from luutru_ingest.core import upload_store
from luutru_ingest.upload_worker import UploadWorker
from tests.integration.conftest import add_facility_view
from tests.integration.ingest_helpers import SHEET_HEADER as HEADER
from tests.integration.ingest_helpers import as_csv, rows, staff
from tests.support import bearer, cp1258

pytestmark = pytest.mark.app_settings(upload_chunk_rows=2)


def as_xlsx(table, *, excel_dates: bool = False) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    sheet = workbook.add_worksheet()
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    for r, row in enumerate(table):
        for c, value in enumerate(row):
            if excel_dates and r > 0 and c == 1 and value == "01/05/1990":
                sheet.write_number(r, c, 32994, date_format)  # an Excel serial date
            else:
                sheet.write_string(r, c, value)
    workbook.close()
    return buffer.getvalue()


ENCODINGS = {
    "utf8.csv": lambda t: as_csv(t).encode("utf-8"),
    "bom.csv": lambda t: b"\xef\xbb\xbf" + as_csv(t).encode("utf-8"),
    "utf16.csv": lambda t: as_csv(t).encode("utf-16"),
    "cp1258.csv": lambda t: cp1258(unicodedata.normalize("NFC", as_csv(t))),
    "guests.xlsx": as_xlsx,
    "serials.xlsx": lambda t: as_xlsx(t, excel_dates=True),
}


def worker(app) -> UploadWorker:
    return UploadWorker(
        app.state.session_factory, settings=app.state.settings, rule=app.state.deadline_rule
    )


@pytest.mark.parametrize("filename", list(ENCODINGS))
async def test_upload_in_each_encoding(app, signer, db, facility, filename):
    client, headers = app.state.client, staff(signer, facility)
    table = rows()
    raw = ENCODINGS[filename](table)
    response = await client.post("/v1/uploads", files={"file": (filename, raw)}, headers=headers)
    assert response.status_code == 202, response.text
    upload_id = response.json()["upload_id"]
    async with db.connect() as conn:
        stored = await conn.scalar(
            text("SELECT raw FROM ingest.uploads WHERE id = :i"), {"i": upload_id}
        )
    assert bytes(stored) == raw  # the file as sent, before any processing

    await worker(app).drain()
    status = (await client.get(f"/v1/uploads/{upload_id}", headers=headers)).json()
    assert (status["status"], status["total_rows"]) == ("done", 6)
    assert (status["accepted"], status["rejected"]) == (4, 2)
    by_row = {r["row"]: r for r in status["results"]}
    assert by_row[3]["errors"][0]["pointer"] == "/rows/3/id_number"
    # Each accepted row names its stay; a refused one none.
    first_ids = {r["row"]: r["stay_id"] for r in status["results"] if r["status"] == "accepted"}
    assert set(first_ids.values()) == set(await _stay_ids(db, facility))
    assert by_row[3]["stay_id"] is None
    # 31/02 can be read but does not exist.
    assert by_row[5]["errors"][0]["code"] == "date-invalid"
    # No column is dropped silently: "Ghi chú" is recognised and said not to be stored.
    assert status["header_row"] == 1
    assert [(n["code"], n["column"]) for n in status["notices"]] == [("column-not-stored", "G")]
    assert status["columns"][3] == {
        "column": "D",
        "header": "Số định danh",
        "field": "id_number",
        "label": "Số định danh / Personal ID number",
        "status": "mapped",
    }
    names = await _names(db, facility)
    assert "Nguyễn Thị Hằng 0" in names
    assert all(unicodedata.is_normalized("NFC", n) for n in names)

    # The error sheet: the operator's own header and bad rows, an error column, no formulas.
    sheet = await client.get(f"/v1/uploads/{upload_id}/errors.csv", headers=headers)
    lines = list(csv.reader(io.StringIO(sheet.content.decode("utf-8-sig"))))
    assert lines[0] == [*HEADER, "Lỗi / Errors"]
    assert [line[0] for line in lines[1:]] == ["Nguyễn Thị Hằng 1", "Nguyễn Thị Hằng 3"]
    assert lines[2][6].startswith("'=")
    # The column as people name it, never the API's field key.
    assert "Số định danh" in lines[1][-1] and "id_number" not in lines[1][-1]
    xlsx = await client.get(f"/v1/uploads/{upload_id}/errors.xlsx", headers=headers)
    book = CalamineWorkbook.from_filelike(io.BytesIO(xlsx.content))
    cells = book.get_sheet_by_index(0).to_python()
    assert len(cells) == 3 and cells[2][6].startswith("'=")

    # Re-uploading the fixed rows registers only them; the good ones are duplicates.
    fixed = [row[:] for row in table]
    fixed[2][3], fixed[4][1] = f"075190{random.randrange(10**6):06d}", "01/05/1990"
    again = await client.post(
        "/v1/uploads", files={"file": ("fixed.csv", as_csv(fixed).encode())}, headers=headers
    )
    await worker(app).drain()
    status = (await client.get(f"/v1/uploads/{again.json()['upload_id']}", headers=headers)).json()
    assert (status["accepted"], status["duplicates"], status["rejected"]) == (2, 4, 0)
    assert len(await _names(db, facility)) == 6
    # A duplicate names the stay its row registered the first time.
    again_ids = {r["row"]: r["stay_id"] for r in status["results"]}
    assert {row: again_ids[row] for row in first_ids} == first_ids


async def _stay_ids(db, facility) -> list[str]:
    async with db.connect() as conn:
        return [
            str(i)
            for i in (
                await conn.execute(
                    text("SELECT id FROM ingest.stays WHERE facility_id = :f"), {"f": facility}
                )
            ).scalars()
        ]


async def _names(db, facility) -> list[str]:
    async with db.connect() as conn:
        return list(
            (
                await conn.execute(
                    text("SELECT full_name FROM ingest.stays WHERE facility_id = :f"),
                    {"f": facility},
                )
            ).scalars()
        )


async def test_templates(app, signer, facility):
    client, headers = app.state.client, staff(signer, facility)
    xlsx = await client.get("/v1/templates/guests.xlsx", headers=headers)
    book = CalamineWorkbook.from_filelike(io.BytesIO(xlsx.content))
    assert len(book.sheet_names) == 5
    header = book.get_sheet_by_index(0).to_python()[0]
    assert header[0] == "Họ và tên"
    countries = book.get_sheet_by_name(book.sheet_names[2]).to_python()
    assert ["VNM", "Viet Nam"] in countries
    csv_template = await client.get("/v1/templates/guests.csv", headers=headers)
    assert csv_template.content.startswith(b"\xef\xbb\xbf")
    assert (await client.get("/v1/templates/guests.pdf", headers=headers)).status_code == 404


async def test_limits_and_bad_files_are_clear_problems(app, signer, facility, db):
    client, headers = app.state.client, staff(signer, facility)
    app.state.settings.upload_max_bytes = 1000
    big = await client.post(
        "/v1/uploads", files={"file": ("big.csv", as_csv(rows(40)).encode())}, headers=headers
    )
    assert big.status_code == 413 and big.json()["code"] == "file-too-large"
    app.state.settings.upload_max_bytes = 10**7
    app.state.settings.upload_max_rows = 10
    many = await client.post(
        "/v1/uploads", files={"file": ("many.csv", as_csv(rows(40)).encode())}, headers=headers
    )
    assert many.status_code == 413 and many.json()["code"] == "too-many-rows"
    many_xlsx = await client.post(
        "/v1/uploads", files={"file": ("many.xlsx", as_xlsx(rows(40)))}, headers=headers
    )
    assert many_xlsx.status_code == 413
    app.state.settings.upload_max_rows = 200_000
    headless = await client.post(
        "/v1/uploads", files={"file": ("x.csv", b"a,b,c\n1,2,3\n")}, headers=headers
    )
    assert headless.status_code == 422 and headless.json()["code"] == "headers-unknown"
    empty = await client.post("/v1/uploads", files={"file": ("x.csv", b"")}, headers=headers)
    assert empty.status_code == 422
    broken = await client.post(
        "/v1/uploads", files={"file": ("x.xlsx", b"PK\x03\x04garbage")}, headers=headers
    )
    assert broken.status_code == 422 and broken.json()["code"] == "file-unreadable"
    async with db.connect() as conn:
        stored = await conn.scalar(
            text("SELECT count(*) FROM ingest.uploads WHERE facility_id = :f"), {"f": facility}
        )
    assert stored == 0


async def test_uploads_are_private_to_their_facility(app, signer, db, facility):
    client = app.state.client
    response = await client.post(
        "/v1/uploads",
        files={"file": ("a.csv", as_csv(rows(6)).encode())},
        headers=staff(signer, facility),
    )
    other = await add_facility_view(db)
    peek = await client.get(
        f"/v1/uploads/{response.json()['upload_id']}", headers=staff(signer, other)
    )
    assert peek.status_code == 404


async def test_progress_is_read_without_the_stored_file(app, signer, facility):
    # A client polls the progress of a large file every second or so: the poll must not load
    # the stored file (up to 20 MB) each time, while the worker still reads it.
    client, headers = app.state.client, staff(signer, facility)
    raw = as_csv(rows(6)).encode()
    response = await client.post("/v1/uploads", files={"file": ("a.csv", raw)}, headers=headers)
    upload_id = uuid.UUID(response.json()["upload_id"])
    async with app.state.session_factory() as session:
        polled = await upload_store.get(session, upload_id, with_file=False)
        assert polled is not None and polled.status == "pending"
        with pytest.raises(InvalidRequestError):
            _ = polled.raw
    async with app.state.session_factory() as session:
        stored = await upload_store.get(session, upload_id)
        assert stored is not None and stored.raw == raw
    status = await client.get(f"/v1/uploads/{upload_id}", headers=headers)
    assert status.status_code == 200 and status.json()["status"] == "pending"


async def test_machine_clients_need_the_stays_scope_to_upload(app, signer, facility):
    content = {"file": ("a.csv", as_csv(rows(6)).encode())}
    coach_system = bearer(
        signer.token(role="facility_staff", facility_id=facility, client=True, scope="trips:write")
    )
    refused = await app.state.client.post("/v1/uploads", files=content, headers=coach_system)
    assert (refused.status_code, refused.json()["code"]) == (403, "scope-missing")
    pms = bearer(
        signer.token(role="facility_staff", facility_id=facility, client=True, scope="stays:write")
    )
    assert (
        await app.state.client.post("/v1/uploads", files=content, headers=pms)
    ).status_code == 202


def with_sheet_renamed(xlsx: bytes, new: str = "xl/worksheets/guests.xml") -> bytes:
    """The same workbook with its sheet stored under another name, as some tools write it."""
    source, out = zipfile.ZipFile(io.BytesIO(xlsx)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename in ("xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
                data = data.replace(b"worksheets/sheet1.xml", new.removeprefix("xl/").encode())
            name = new if item.filename == "xl/worksheets/sheet1.xml" else item.filename
            target.writestr(name, data)
    return out.getvalue()


async def test_row_limit_reads_the_sheet_the_workbook_names(app, signer, facility):
    app.state.settings.upload_max_rows = 10
    try:
        response = await app.state.client.post(
            "/v1/uploads",
            files={"file": ("many.xlsx", with_sheet_renamed(as_xlsx(rows(40))))},
            headers=staff(signer, facility),
        )
    finally:
        app.state.settings.upload_max_rows = 200_000
    assert (response.status_code, response.json()["code"]) == (413, "too-many-rows")


def pms_export(n: int = 3) -> list[list]:
    """A hotel program's export: a title, a blank line, headers of its own wording — two of
    which no dictionary can know ("Mã GT" holds the ID number, "Khách" the name)."""
    out = [["BÁO CÁO KHÁCH ĐẾN — KS Sông Đồng Nai"], [], ["STT", "Khách", "Ngày sinh", "Phái",
           "Mã GT", "Ngày đến", "Phòng", "Mã KH"]]  # fmt: skip
    for i in range(n):
        out.append(
            [
                str(i + 1),
                f"Trần Văn Bình {i}",
                "02/03/1988",
                "Nam",
                f"075088{random.randrange(10**6):06d}",
                "27/11/2026 10:00",
                str(200 + i),
                f"KH{i:04d}",
            ]
        )
    return out


async def test_preview_then_an_explicit_mapping_is_used_and_remembered(app, signer, facility):
    client, headers = app.state.client, staff(signer, facility)
    raw = as_csv(pms_export()).encode()

    first = await client.post("/v1/uploads/preview", files={"file": ("pms.csv", raw)},
                              headers=headers)  # fmt: skip
    assert first.status_code == 200, first.text
    preview = first.json()
    assert (preview["header_row"], preview["header_found"]) == (3, True)
    assert preview["mapping_source"] == "detected"
    assert {c["column"]: c["status"] for c in preview["columns"]} == {
        "A": "ignored",
        "B": "unknown",
        "C": "mapped",
        "D": "mapped",
        "E": "unknown",
        "F": "mapped",
        "G": "mapped",
        "H": "unknown",
    }
    assert [m["vi"] for m in preview["missing"]] == [
        "Thiếu cột “Họ và tên” hoặc “Họ”",
        "Thiếu cột “Số định danh” hoặc “Số hộ chiếu”",
    ]
    # The rows are shown cell by cell so the operator can tell what each column holds; they
    # are judged once the header names every required column.
    assert [(r["row"], r["status"]) for r in preview["rows"]] == [
        (4, "unchecked"),
        (5, "unchecked"),
        (6, "unchecked"),
    ]
    assert preview["rows"][0]["cells"]["B"] == "Trần Văn Bình 0"
    assert any(f["field"] == "id_number" and f["required"] for f in preview["fields"])

    # Submitting as detected is refused before anything is stored, saying what is missing.
    refused = await client.post("/v1/uploads", files={"file": ("pms.csv", raw)}, headers=headers)
    assert (refused.status_code, refused.json()["code"]) == (422, "headers-unknown")
    assert "“Khách”" in refused.json()["detail"]

    mapping = json.dumps({"B": "full_name", "E": "id_number", "H": None})
    second = await client.post(
        "/v1/uploads/preview",
        files={"file": ("pms.csv", raw)},
        data={"mapping": mapping},
        headers=headers,
    )
    checked = second.json()
    assert checked["missing"] == [] and checked["mapping_source"] == "explicit"
    assert [(r["row"], r["status"]) for r in checked["rows"]] == [
        (4, "valid"),
        (5, "valid"),
        (6, "valid"),
    ]
    assert checked["rows"][0]["values"]["full_name"] == "Trần Văn Bình 0"

    accepted = await client.post(
        "/v1/uploads", files={"file": ("pms.csv", raw)}, data={"mapping": mapping},
        headers=headers,
    )  # fmt: skip
    assert accepted.status_code == 202, accepted.text
    await worker(app).drain()
    status = (await client.get(f"/v1/uploads/{accepted.json()['upload_id']}",
                               headers=headers)).json()  # fmt: skip
    assert (status["accepted"], status["rejected"], status["header_row"]) == (3, 0, 3)
    assert [r["row"] for r in status["results"]] == [4, 5, 6]  # the lines the sheet shows

    # Next time, a file with the same headers is offered the same mapping.
    again = await client.post(
        "/v1/uploads/preview",
        files={"file": ("pms2.csv", as_csv(pms_export(2)).encode())},
        headers=headers,
    )
    remembered = again.json()
    assert remembered["mapping_source"] == "remembered"
    assert remembered["mapping"]["B"] == "full_name" and remembered["mapping"]["E"] == "id_number"
    assert remembered["missing"] == []


async def test_a_bad_mapping_is_a_clear_problem(app, signer, facility):
    client, headers = app.state.client, staff(signer, facility)
    raw = as_csv(pms_export()).encode()
    for mapping, code in (
        ("not json", "mapping-invalid"),
        (json.dumps({"B": "shoe_size"}), "mapping-invalid"),
        (json.dumps({"9": "full_name"}), "mapping-invalid"),
    ):
        response = await client.post(
            "/v1/uploads", files={"file": ("pms.csv", raw)}, data={"mapping": mapping},
            headers=headers,
        )  # fmt: skip
        assert (response.status_code, response.json()["code"]) == (422, code)


async def test_foreign_guests_without_the_visa_columns_are_told_once(app, signer, facility):
    client, headers = app.state.client, staff(signer, facility)
    table = [["Họ và tên", "Ngày sinh", "Giới tính", "Số hộ chiếu", "Quốc tịch", "Ngày đến"]]
    for i in range(3):
        table.append([f"Kim Min Jun {i}", "04/07/1991", "Nam", f"M{random.randrange(10**8):08d}",
                      "Hàn Quốc", "27/11/2026 15:00"])  # fmt: skip
    response = await client.post(
        "/v1/uploads", files={"file": ("kr.csv", as_csv(table).encode())}, headers=headers
    )
    await worker(app).drain()
    status = (await client.get(f"/v1/uploads/{response.json()['upload_id']}",
                               headers=headers)).json()  # fmt: skip
    assert status["rejected"] == 3
    for row in status["results"]:
        assert [e["code"] for e in row["errors"]] == ["foreign-columns-missing"]
    [notice] = status["notices"]
    assert notice["code"] == "foreign-columns-missing"
    assert notice["message"]["vi"].startswith("3 khách nước ngoài cần các cột “Loại thị thực”")


async def test_every_violation_of_a_row_at_once(app, signer, facility):
    client, headers = app.state.client, staff(signer, facility)
    table = [
        HEADER,
        ["Lê Thị Mai", "31/02/1990", "Nữ", "", "27/11/2026 14:00", "101", ""],
        ["Lê Văn Nam", "01/01/2099", "Nam", "07509900123", "27/11/2026 14:00", "102", ""],
    ]
    response = await client.post(
        "/v1/uploads", files={"file": ("bad.csv", as_csv(table).encode())}, headers=headers
    )
    await worker(app).drain()
    status = (await client.get(f"/v1/uploads/{response.json()['upload_id']}",
                               headers=headers)).json()  # fmt: skip
    codes = {r["row"]: {e["code"] for e in r["errors"]} for r in status["results"]}
    assert codes == {
        2: {"date-invalid", "document-missing"},
        3: {"birth-in-future", "id-number-format"},
    }
