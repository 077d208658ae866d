"""Watchlist, matching, alerts and the police reads of personal data (with the access log),
in-process on real PostgreSQL."""

from __future__ import annotations

import io
import random
import uuid
import zipfile
from datetime import date, datetime, timedelta

import pytest
import xlsxwriter
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from luutru_analytics.core.matching import name_score
from luutru_common.events import GuestCheckedOut
from tests.integration.analytics_helpers import (
    VN,
    check_in,
    facility,
    guest,
    rare_birthday,
    rare_document,
    unique_commune,
)
from tests.support import bearer, cp1258


async def alerts_for(db, **where):
    clause = " AND ".join(f"{k} = :{k}" for k in where)
    async with db.connect() as conn:
        return (
            (await conn.execute(text(f"SELECT * FROM analytics.alerts WHERE {clause}"), where))
            .mappings()
            .all()
        )


def test_name_scores():
    assert name_score("NGUYEN VAN AN", "NGUYEN VAN AN") == 1.0
    # A missing middle name: Dice 2·2/(3+2) = 0.8; characters 2·9/(13+9) = 0.818 → 0.818.
    assert name_score("NGUYEN VAN AN", "NGUYEN AN") == 0.818
    assert name_score("NGUYEN VAN AN", "TRAN THI BINH") < 0.5


async def test_document_hit_raises_alert_and_watchlist_hit_in_outbox(app, feeder, admin, db):
    doc = rare_document()
    added = await app.state.client.post(
        "/v1/watchlist",
        json={"document_number": doc, "reason": "Truy nã QĐ 12/2026"},
        headers=admin,
    )
    assert added.status_code == 201, added.text
    assert added.json()["alerts_raised"] == 0
    h = facility(commune=unique_commune())
    stay = check_in(
        h, datetime.now(VN).date(), nights=1, who=guest(name="Lê Văn Tám", id_number=doc)
    )
    other = check_in(h, datetime.now(VN).date(), nights=1)
    await feeder.send(h, stay, other, stay)
    (alert,) = await alerts_for(db, facility_id=h.facility_id)
    assert (alert["match_kind"], alert["score"], alert["status"]) == ("document", 1.0, "new")
    assert alert["stay_id"] == stay.stay_id and alert["subject_name"] == "Lê Văn Tám"
    async with db.connect() as conn:
        hit = (
            await conn.execute(
                text(
                    "SELECT topic, key, payload::jsonb AS payload FROM analytics.outbox "
                    "WHERE key = :k"
                ),
                {"k": str(alert["alert_id"])},
            )
        ).one()
    assert (hit.topic, hit.payload["event_type"]) == ("alert.v1", "WatchlistHit")
    assert hit.payload["data"]["stay_id"] == str(stay.stay_id)


async def test_name_and_birth_date_match_with_a_score(app, feeder, admin, db):
    born = rare_birthday()
    added = await app.state.client.post(
        "/v1/watchlist",
        json={"full_name": "Nguyễn Văn Ấn", "date_of_birth": born.isoformat()},
        headers=admin,
    )
    assert added.status_code == 201, added.text
    h = facility(commune=unique_commune())
    today = datetime.now(VN).date()
    same = check_in(h, today, who=guest(name="NGUYEN VAN AN", born=born))  # folded: 1.0
    shorter = check_in(h, today, who=guest(name="Nguyễn Ấn", born=born))  # 0.818 (above)
    other_name = check_in(h, today, who=guest(name="Trần Thị Bình", born=born))
    other_day = check_in(h, today, who=guest(name="Nguyễn Văn Ấn", born=born + timedelta(1)))
    await feeder.send(h, same, shorter, other_name, other_day)
    alerts = {
        a["stay_id"]: (a["match_kind"], a["score"])
        for a in await alerts_for(db, facility_id=h.facility_id)
    }
    assert alerts == {same.stay_id: ("name_dob", 1.0), shorter.stay_id: ("name_dob", 0.818)}


async def test_new_entry_is_matched_against_guests_staying_now(app, feeder, admin, db):
    doc, gone_doc = rare_document(), rare_document()
    h = facility(commune=unique_commune())
    today = datetime.now(VN).date()
    here = check_in(h, today - timedelta(days=1), nights=3, who=guest(id_number=doc))
    gone = check_in(h, today - timedelta(days=1), nights=3, who=guest(id_number=gone_doc))
    await feeder.send(
        h,
        here,
        gone,
        GuestCheckedOut(
            stay_id=gone.stay_id, facility_id=h.facility_id, check_out_at=datetime.now(VN)
        ),
    )
    for document, raised in ((doc, 1), (gone_doc, 0)):
        added = await app.state.client.post(
            "/v1/watchlist", json={"document_number": document}, headers=admin
        )
        assert added.json()["alerts_raised"] == raised
    (alert,) = await alerts_for(db, facility_id=h.facility_id)
    assert alert["stay_id"] == here.stay_id


async def test_an_uploaded_list_is_matched_against_guests_staying_now_row_by_row(
    app, feeder, admin, db
):
    """The rows of an upload are stored and matched together (one query for every row's
    candidates): each readable row says how many alerts it raised, the unreadable ones why
    they were refused, in the file's order."""
    doc, born = rare_document(), rare_birthday()
    h = facility(commune=unique_commune())
    today = datetime.now(VN).date()
    by_document = check_in(h, today, who=guest(id_number=doc))
    by_name = check_in(h, today, who=guest(name="Hoàng Thị Tải Lên", born=born))
    await feeder.send(h, by_document, by_name)
    csv_text = (
        "Số giấy tờ,Họ tên,Ngày sinh,Lý do\n"
        f",Ai Đó Khác,{born:%d/%m/%Y},không khớp tên\n"
        f"{doc},,,Truy nã\n"
        ",Chỉ Có Tên,,thiếu ngày sinh\n"
        f",HOANG THI TAI LEN,{born:%d/%m/%Y},Truy nã\n"
        f"{doc},Hoàng Thị Tải Lên,{born:%d/%m/%Y},cả hai\n"
    )
    answer = await upload_watchlist(app, admin, csv_text.encode(), "ds.csv")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [(r["row"], r["alerts_raised"], bool(r["errors"])) for r in body["rows"]] == [
        (2, 0, False),
        (3, 1, False),
        (4, 0, True),
        (5, 1, False),
        (6, 2, False),  # its document finds one guest, its name and birth date the other
    ]
    assert (body["accepted"], body["rejected"], body["alerts_raised"]) == (4, 1, 4)
    alerts = await alerts_for(db, facility_id=h.facility_id)
    assert sorted((a["stay_id"], a["match_kind"]) for a in alerts) == sorted(
        [
            (by_document.stay_id, "document"),
            (by_name.stay_id, "name_dob"),
            (by_document.stay_id, "document"),
            (by_name.stay_id, "name_dob"),
        ]
    )


async def test_alert_moves_new_acknowledged_closed_with_notes(app, feeder, admin, signer, db):
    doc = rare_document()
    await app.state.client.post("/v1/watchlist", json={"document_number": doc}, headers=admin)
    c = unique_commune()
    h = facility(commune=c)
    await feeder.send(h, check_in(h, datetime.now(VN).date(), who=guest(id_number=doc)))
    (alert,) = await alerts_for(db, facility_id=h.facility_id)
    client = app.state.client
    # Commune police of another commune neither see nor touch it; those of its commune do.
    stranger = bearer(signer.token(role="police_officer", communes=[c + 1]))
    listed = (await client.get("/v1/alerts", headers=stranger)).json()
    assert str(alert["alert_id"]) not in {a["alert_id"] for a in listed}
    path = f"/v1/alerts/{alert['alert_id']}/transitions"
    assert (
        await client.post(path, json={"status": "acknowledged"}, headers=stranger)
    ).status_code == 404
    local = bearer(signer.token(role="police_officer", communes=[c], sub="officer-7"))
    listed = (await client.get("/v1/alerts", params={"status": "new"}, headers=local)).json()
    assert str(alert["alert_id"]) in {a["alert_id"] for a in listed}
    ack = await client.post(
        path, json={"status": "acknowledged", "note": "Đã cử tổ công tác"}, headers=local
    )
    assert ack.status_code == 200 and ack.json()["status"] == "acknowledged"
    closed = await client.post(
        path, json={"status": "closed", "note": "Đã xác minh"}, headers=admin
    )
    assert closed.json()["status"] == "closed"
    assert [(n["status"], n["by"], n["note"]) for n in closed.json()["notes"]] == [
        ("acknowledged", "officer-7", "Đã cử tổ công tác"),
        ("closed", "police-admin-1", "Đã xác minh"),
    ]
    again = await client.post(path, json={"status": "acknowledged"}, headers=admin)
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"


async def test_upload_csv_and_xlsx_with_per_row_results(app, admin, db):
    born = rare_birthday()
    csv_text = (
        "Số giấy tờ,Họ tên,Ngày sinh,Lý do\n"
        f"{rare_document()},,,Truy nã\n"
        f",Phạm Văn Đồng,{born:%d/%m/%Y},Truy nã\n"
        ",Chỉ Có Tên,,thiếu ngày sinh\n"
        ",Ngày Sai,31/02/1990,\n"
    )
    answer = await upload_watchlist(app, admin, csv_text.encode(), "ds.csv")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["accepted"], body["rejected"]) == (2, 2)
    # Rows are the lines the spreadsheet shows: the header is line 1.
    assert [(r["row"], [e["code"] for e in r["errors"]]) for r in body["rows"]] == [
        (2, []),
        (3, []),
        (4, ["entry-incomplete"]),
        (5, ["date-invalid"]),
    ]
    assert body["rows"][3]["errors"][0]["pointer"] == "/rows/5/date_of_birth"
    assert body["header_row"] == 1 and body["notices"] == []

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["Số giấy tờ", "Họ tên", "Ngày sinh"])
    sheet.write_row(1, 0, ["", "Võ Thị Sáu", (born - date(1899, 12, 30)).days])  # Excel serial
    book.close()
    answer = await upload_watchlist(app, admin, buffer.getvalue(), "ds.xlsx")
    assert answer.json()["accepted"] == 1
    async with db.connect() as conn:
        stored = await conn.scalar(
            text("SELECT date_of_birth FROM analytics.watchlist_entries WHERE entry_id = :e"),
            {"e": answer.json()["rows"][0]["entry_id"]},
        )
    assert stored == born


async def test_person_search_needs_a_purpose_and_every_read_is_logged(app, feeder, signer, db):
    doc = rare_document()
    c = unique_commune()
    h = facility(commune=c)
    today = datetime.now(VN).date()
    tourist = guest(
        name="John Smith", passport=f"X{random.randrange(10**7):07d}", nationality="GBR"
    )
    await feeder.send(
        h,
        check_in(h, today, nights=2, who=guest(name="Đỗ Văn Hùng", id_number=doc)),
        check_in(h, today, nights=2, who=tourist),
    )
    subject = f"o-{uuid.uuid4()}"
    officer = bearer(signer.token(role="police_officer", communes=[c], sub=subject))
    client = app.state.client
    missing = await client.post("/v1/police/search", json={"document_number": doc}, headers=officer)
    assert missing.status_code == 422
    # The finding: dots passed as a purpose. A case reference needs a number, a reason the list.
    for why in (
        {"case_reference": "..........", "reason": "criminal-investigation"},
        {"case_reference": "15/TB-CAX", "reason": "curiosity"},
        {"purpose": "Xác minh theo đơn tố giác số 15"},
    ):
        refused = await client.post(
            "/v1/police/search", json={"document_number": doc, **why}, headers=officer
        )
        assert refused.status_code == 422, why
    found = await client.post(
        "/v1/police/search",
        json={
            "document_number": doc,
            "case_reference": "15/TB-CAX",
            "reason": "criminal-investigation",
            "note": "Xác minh theo đơn tố giác",
        },
        headers=officer,
    )
    assert [r["full_name"] for r in found.json()["rows"]] == ["Đỗ Văn Hùng"]
    by_name = await client.post(
        "/v1/police/search",
        json={
            "full_name": "do van hung",
            "case_reference": "15/TB-CAX",
            "reason": "criminal-investigation",
            "note": "Xác minh theo đơn tố giác",
        },
        headers=officer,
    )
    assert [r["id_number"] for r in by_name.json()["rows"]] == [doc]
    # The list of foreigners asks for the same structured purpose: a case and a listed reason;
    # free text alone (the old "purpose") is refused, naming the missing fields.
    refused = await client.get(
        "/v1/police/foreign-guests", params={"purpose": ".........."}, headers=officer
    )
    assert refused.status_code == 422
    assert {e["pointer"] for e in refused.json()["errors"]} >= {
        "/query:case_reference",
        "/query:reason",
    }
    oversight = {
        "case_reference": "7/KH-PA08",
        "reason": "foreigner-oversight",
        "note": "Kiểm tra định kỳ",
    }
    foreigners = (
        await client.get("/v1/police/foreign-guests", params=oversight, headers=officer)
    ).json()
    assert [r["passport_number"] for r in foreigners["rows"]] == [tourist.passport_number]
    analyst = bearer(signer.token(role="department_analyst", department="VHTTDL"))
    assert (
        await client.post(
            "/v1/police/search",
            headers=analyst,
            json={"document_number": doc, "case_reference": "1/X", "reason": "missing-person"},
        )
    ).status_code == 403

    # This officer's reads (other tests' officers search too), newest first.
    admin = bearer(signer.token(role="police_admin"))
    log = (
        await client.get("/v1/police/access-log", params={"subject": subject}, headers=admin)
    ).json()
    mine = [
        e
        for e in log
        if e["role"] == "police_officer"
        and e["result_count"]
        and e["purpose"]
        == "Điều tra vụ án hình sự / Criminal investigation · 15/TB-CAX · Xác minh theo đơn tố giác"
    ]
    assert len(mine) >= 2
    assert [e["purpose"] for e in log if e["action"] == "foreign-guests"] == [
        "Quản lý người nước ngoài / Oversight of foreigners · 7/KH-PA08 · Kiểm tra định kỳ"
    ]
    assert mine[-1]["query"]["document_number"] == doc
    assert mine[-1]["query"]["case_reference"] == "15/TB-CAX"
    # The log is append-only.
    with pytest.raises(DBAPIError, match="append-only"):
        async with db.begin() as conn:
            await conn.execute(text("UPDATE analytics.access_log SET purpose = 'x'"))
    with pytest.raises(DBAPIError, match="append-only"):
        async with db.begin() as conn:
            await conn.execute(text("DELETE FROM analytics.access_log"))


async def test_a_wanted_coach_passenger_raises_an_alert(app, feeder, admin, db):
    from luutru_common.events import Passenger, TripManifestSubmitted, TripPassengersChanged

    doc, later_doc = rare_document(), rare_document()
    for document in (doc, later_doc):
        await app.state.client.post(
            "/v1/watchlist", json={"document_number": document}, headers=admin
        )
    c = unique_commune()
    operator = facility(commune=c, facility_type="coach", rooms=None, beds=None)
    wanted = Passenger(passenger_id=uuid.uuid4(), guest=guest(id_number=doc), seat="12")
    now = datetime.now(VN)
    trip = TripManifestSubmitted(
        trip_id=uuid.uuid4(),
        operator_id=operator.facility_id,
        province_code=75,
        commune_code=c,
        plate="60B-999.99",
        origin_province=75,
        destination_province=79,
        departure_at=now,
        seats=40,
        passengers=[wanted, Passenger(passenger_id=uuid.uuid4(), guest=guest(), seat="13")],
        received_at=now,
    )
    added = Passenger(passenger_id=uuid.uuid4(), guest=guest(id_number=later_doc))
    await feeder.send(
        operator,
        trip,
        TripPassengersChanged(
            trip_id=trip.trip_id, operator_id=operator.facility_id, added=[added]
        ),
    )
    alerts = {a["subject_document"]: a for a in await alerts_for(db, trip_id=trip.trip_id)}
    assert set(alerts) == {doc, later_doc}
    assert alerts[doc]["commune_code"] == c and alerts[doc]["stay_id"] is None


async def test_upload_of_a_legacy_windows_1258_csv(app, admin, db):
    """The list police keep on an old office PC: Windows-1258, semicolons, names in NFC after."""
    born = rare_birthday()
    content = cp1258(f"Số giấy tờ;Họ tên;Ngày sinh\n;Nguyễn Thị Định;{born:%d/%m/%Y}\n")
    answer = await upload_watchlist(app, admin, content, "ds.csv")
    assert answer.status_code == 200, answer.text
    assert answer.json()["accepted"] == 1
    async with db.connect() as conn:
        name = await conn.scalar(
            text("SELECT full_name FROM analytics.watchlist_entries WHERE entry_id = :e"),
            {"e": answer.json()["rows"][0]["entry_id"]},
        )
    assert name == "Nguyễn Thị Định"


def zip_bomb() -> bytes:
    """An "XLSX" whose sheet expands from about 50 KB to 50 MB of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (50 * 1024 * 1024))
    assert len(out.getvalue()) < 1024 * 1024
    return out.getvalue()


async def upload_watchlist(app, admin, content: bytes, name: str):
    return await app.state.client.post(
        "/v1/watchlist/upload", headers=admin, files={"file": (name, content)}
    )


async def stored_entry(db, entry_id: str):
    async with db.connect() as conn:
        return (
            (
                await conn.execute(
                    text(
                        "SELECT document_number, full_name, date_of_birth, reason"
                        " FROM analytics.watchlist_entries WHERE entry_id = :e"
                    ),
                    {"e": entry_id},
                )
            )
            .mappings()
            .one()
        )


async def test_upload_under_a_title_with_the_sheets_line_numbers(app, admin, db):
    """A list as police keep it: a title and a blank line above the header, the name in two
    columns, the document in "Số CCCD" or "Số hộ chiếu", a column we do not keep and one we
    do not know; every problem of a row said at once."""
    born, doc = rare_birthday(), rare_document()
    passport = f"C{random.randrange(10**7):07d}"
    lines = [
        "DANH SÁCH ĐỐI TƯỢNG TRUY NÃ,,,,,,,",
        ",,,,,,,",
        "STT,Họ,Tên,Ngày sinh,Số CCCD,Số hộ chiếu,Giới tính,Ghi chú chuyên án",
        f"1,,,,{doc},,Nam,QĐ 1",
        f"2,Trần Văn,Bảy,{born:%d/%m/%Y},,{passport},Nam,",
        ",,,,,,,",  # a blank line: the rows under it keep their own numbers
        "3,Lê Thị,Tám,31/02/1990,,,Nữ,",  # a date that does not exist
        "4,,,ngày 5 tháng 3,,,,",  # unreadable date, and neither a document nor a name
    ]
    answer = await upload_watchlist(app, admin, "\n".join(lines).encode(), "truy-na.csv")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["header_row"] == 3
    assert (body["accepted"], body["rejected"]) == (2, 2)
    rows = {r["row"]: r for r in body["rows"]}
    assert sorted(rows) == [4, 5, 7, 8]
    assert rows[4]["entry_id"] and rows[5]["entry_id"]
    assert [(e["pointer"], e["code"]) for e in rows[7]["errors"]] == [
        ("/rows/7/date_of_birth", "date-invalid")
    ]
    assert [(e["pointer"], e["code"]) for e in rows[8]["errors"]] == [
        ("/rows/8/date_of_birth", "date-format"),
        ("/rows/8", "entry-incomplete"),
    ]
    assert all(e["message"]["vi"] and e["message"]["en"] for e in rows[8]["errors"])
    first = await stored_entry(db, rows[4]["entry_id"])
    assert (first["document_number"], first["full_name"]) == (doc, None)
    second = await stored_entry(db, rows[5]["entry_id"])
    assert (second["document_number"], second["full_name"], second["date_of_birth"]) == (
        passport,
        "Trần Văn Bảy",
        born,
    )
    assert [(n["code"], n["column"], n["header"]) for n in body["notices"]] == [
        ("column-not-stored", "G", "Giới tính"),
        ("column-unknown", "H", "Ghi chú chuyên án"),
    ]
    assert body["notices"][1]["message"]["vi"] == (
        "Cột H “Ghi chú chuyên án”: không nhận ra nên bỏ qua"
    )


async def test_upload_stores_the_numbers_people_see_not_the_marks_they_do_not(app, admin, db):
    """A clerk's list pasted together: a number behind Excel's text apostrophe, one behind a
    zero-width space, one a script wrote out as a decimal ("75090001234.0"). Each is stored as
    its 12 digits — kept as typed, none would ever match a guest's ID number."""
    docs = [rare_document() for _ in range(3)]
    while docs[2][1] == "0":  # the number lost one leading 0, as a 12-digit ID number does
        docs[2] = rare_document()
    lines = [
        "Số CCCD,Lý do",
        f"'{docs[0]},QĐ 1",
        f"\u200b{docs[1]},QĐ 2",
        f"{int(docs[2])}.0,QĐ 3",
    ]
    answer = await upload_watchlist(app, admin, "\n".join(lines).encode(), "truy-na.csv")
    assert answer.status_code == 200, answer.text
    rows = {r["row"]: r for r in answer.json()["rows"]}
    assert [rows[line]["errors"] for line in (2, 3, 4)] == [[], [], []]
    assert [w["code"] for w in rows[4]["warnings"]] == ["id-leading-zero-restored"]
    stored = [
        (await stored_entry(db, rows[line]["entry_id"]))["document_number"] for line in (2, 3, 4)
    ]
    assert stored == docs


async def test_upload_of_an_xlsx_under_a_title(app, admin, db):
    born = rare_birthday()
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write(0, 0, "Danh sách truy nã")
    sheet.write_row(2, 0, ["Họ và tên", "Ngày sinh", "Lý do", "Biệt danh"])
    dated = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write(3, 0, "Võ Văn Kiệt")
    sheet.write_datetime(3, 1, datetime.combine(born, datetime.min.time()), dated)
    sheet.write(3, 2, "Truy nã")
    sheet.write(3, 3, "Sáu Dân")
    book.close()
    answer = await upload_watchlist(app, admin, buffer.getvalue(), "ds.xlsx")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["header_row"] == 3 and [r["row"] for r in body["rows"]] == [4]
    assert [(n["code"], n["column"]) for n in body["notices"]] == [("column-unknown", "D")]
    stored = await stored_entry(db, body["rows"][0]["entry_id"])
    assert (stored["full_name"], stored["date_of_birth"], stored["reason"]) == (
        "Võ Văn Kiệt",
        born,
        "Truy nã",
    )


async def test_a_list_of_document_numbers_alone(app, admin, db):
    doc = rare_document()
    answer = await upload_watchlist(app, admin, f"Số CCCD\n{doc}\n".encode(), "so.csv")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["header_row"], [r["row"] for r in body["rows"]]) == (1, [2])
    assert (await stored_entry(db, body["rows"][0]["entry_id"]))["document_number"] == doc


@pytest.mark.parametrize(
    ("lines", "found", "missing"),
    [
        # Names without dates of birth, and no document: no row could ever match.
        (["Danh sách", "", "Họ và tên,Lý do", "Nguyễn Văn A,x"], "“Họ và tên”, “Lý do”",
         ["Thiếu cột “Số định danh” hoặc “Ngày sinh”"]),
        (["Lý do,Ghi chú", "x,y"], "“Lý do”, “Ghi chú”",
         ["Thiếu cột “Số định danh” hoặc “Họ và tên”",
          "Thiếu cột “Số định danh” hoặc “Ngày sinh”"]),
    ],
    ids=["name-without-birth-date", "nothing-to-match"],
)  # fmt: skip
async def test_a_sheet_without_the_columns_to_match_is_refused(app, admin, lines, found, missing):
    answer = await upload_watchlist(app, admin, "\n".join(lines).encode(), "ds.csv")
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert body["code"] == "headers-unknown"
    assert f"columns found: {found}" in body["detail"]
    assert [(e["pointer"], e["code"]) for e in body["errors"]] == [
        ("/file", "column-missing")
    ] * len(missing)
    assert [e["message"]["vi"] for e in body["errors"]] == missing


@pytest.mark.parametrize(
    ("content", "name", "status", "code"),
    [
        (zip_bomb(), "bomb.xlsx", 413, "archive-too-large"),
        (b"%PDF-1.7\n1 0 obj <<>> endobj\n", "ds.pdf", 415, "file-unsupported"),
        (b"%PDF-1.7\n1 0 obj <<>> endobj\n", "ds.csv", 415, "file-unsupported"),
        (b"", "ds.csv", 422, "file-empty"),
        (b"PK\x03\x04 not really a workbook", "ds.xlsx", 422, "file-unreadable"),
        (b"x" * (10 * 1024 * 1024 + 1), "big.csv", 413, "file-too-large"),
    ],
    ids=["zip-bomb", "pdf", "pdf-named-csv", "empty", "damaged", "too-large"],
)
async def test_unusable_files_are_the_shared_file_problems(app, admin, content, name, status, code):
    answer = await upload_watchlist(app, admin, content, name)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    body = answer.json()
    assert (body["status"], body["code"]) == (status, code)
    assert [(e["pointer"], e["code"]) for e in body["errors"]] == [("/file", code)]
