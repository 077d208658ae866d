"""What spreadsheet columns mean: one synonym dictionary for every field a person's record can
carry, in the wordings facilities, coach operators and hotel software (PMS) exports use.

A header is compared by its key: accents folded, lower case, punctuation and extra spaces
removed ("Ngày đi (dự kiến)" → "ngay di du kien"), so "Họ và tên", "HO VA TEN", "Họ và tên (*)"
and "full_name" all find their field. Each field also has the label a person reads (in the
upload result, the error sheet and the console's mapping step).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from luutru_common.identity import name_match_key


@dataclass(frozen=True)
class Field:
    key: str
    vi: str
    en: str
    synonyms: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """Both names, as the upload result and the error sheet show them."""
        return f"{self.vi} / {self.en}"


_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_PARENTHESISED = re.compile(r"\([^)]*\)|\[[^\]]*\]")
# Words that decorate a header without changing what it means ("Họ tên của khách").
_FILLER = {"cua", "khach", "hanh", "guest", "guests", "passenger", "passengers", "the"}


def header_key(text: object) -> str:
    """'Ngày đi (dự kiến)' → 'ngay di du kien'; numbering in front ('1. Họ tên') dropped."""
    folded = name_match_key(str(text if text is not None else "")).lower()
    words = _NON_ALNUM.sub(" ", folded.replace("đ", "d")).split()
    while len(words) > 1 and words[0].isdigit():
        words.pop(0)
    return " ".join(words)


class Vocabulary:
    """Fields and their synonyms; ``match`` finds the field a header cell names."""

    def __init__(self, fields: list[Field]) -> None:
        self.fields = {f.key: f for f in fields}
        self._by_key: dict[str, str] = {}
        for f in fields:
            for name in (f.key.replace("_", " "), f.vi, f.en, *f.synonyms):
                self._by_key.setdefault(header_key(name), f.key)

    def match(self, text: object) -> str | None:
        """The field a header cell names, or None; a bracketed remark and filler words are tried
        without."""
        key = header_key(text)
        if not key:
            return None
        if (found := self._by_key.get(key)) is not None:
            return found
        # "Ngày đi (dự kiến)", "Họ tên (chữ in hoa)": what is in brackets is often a comment.
        bare = header_key(_PARENTHESISED.sub(" ", str(text)))
        if bare and (found := self._by_key.get(bare)) is not None:
            return found
        plain = " ".join(w for w in key.split() if w not in _FILLER)
        return self._by_key.get(plain) if plain else None

    def label(self, key: str) -> str:
        """The field's label in both languages; an unknown key as it is."""
        f = self.fields.get(key)
        return f.label if f else key

    def vi(self, key: str) -> str:
        """The field's Vietnamese name; an unknown key as it is."""
        f = self.fields.get(key)
        return f.vi if f else key


# Every field of a person's record across guest lists, trip passenger sheets and the
# watchlist, plus the columns that commonly travel with them and that no target stores (so
# they are named in the result as "not stored", not silently dropped).
PERSON = Vocabulary(
    [
        Field("row_number", "STT", "No.", ("tt", "so tt", "so thu tu", "no", "stt khach")),
        # The reasons column of an error sheet we handed back, uploaded again once fixed.
        Field("upload_errors", "Lỗi", "Errors", ("loi", "errors", "loi errors")),
        Field(
            "full_name",
            "Họ và tên",
            "Full name",
            (
                "ho ten",
                "ho va ten",
                "ho ten day du",
                "ten day du",
                "ten khach",
                "name",
                "full name",
                "guest name",
                "passenger name",
                "customer name",
                "ten khach hang",
                "khach hang",
                "ho ten nguoi luu tru",
                "ten nguoi luu tru",
                "ho va ten chu in hoa",
            ),
        ),
        Field(
            "family_name",
            "Họ",
            "Surname",
            ("ho", "ho dem", "ho va ten dem", "last name", "surname", "family name", "lastname"),
        ),
        Field(
            "given_name",
            "Tên",
            "Given name",
            ("ten", "first name", "given name", "given names", "firstname", "ten goi"),
        ),
        Field(
            "date_of_birth",
            "Ngày sinh",
            "Date of birth",
            (
                "ngay thang nam sinh",
                "ngay sinh",
                "sinh ngay",
                "ngay sinh dd mm yyyy",
                "dob",
                "d o b",
                "birth date",
                "birthday",
                "date of birth",
                "birthdate",
                "nam sinh",
                "year of birth",
            ),
        ),
        # The form of Vietnamese registers: the date of birth written under "Nam" or "Nữ"
        # (two columns under a merged "Ngày sinh"), which gives the gender too.
        Field(
            "birth_male",
            "Ngày sinh (Nam)",
            "Date of birth (male)",
            ("ngay sinh nam", "nam sinh nam", "ngay thang nam sinh nam", "sinh ngay nam", "nam"),
        ),
        Field(
            "birth_female",
            "Ngày sinh (Nữ)",
            "Date of birth (female)",
            ("ngay sinh nu", "nam sinh nu", "ngay thang nam sinh nu", "sinh ngay nu", "nu"),
        ),
        Field(
            "gender",
            "Giới tính",
            "Gender",
            ("gioi tinh", "gioi", "phai", "nam nu", "sex", "gender", "gt"),
        ),
        Field(
            "document_type",
            "Loại giấy tờ",
            "Document type",
            (
                "loai giay to",
                "loai giay to tuy than",
                "loai gt",
                "loai gttt",
                "loai the",
                "document type",
                "id type",
                "doc type",
                "type of document",
            ),
        ),
        Field(
            "document_number",
            "Số giấy tờ",
            "Document number",
            (
                "so giay to",
                "so giay to tuy than",
                "so gttt",
                "so gt",
                "giay to tuy than",
                "giay to",
                "so cccd ho chieu",
                "so cccd hc",
                "cccd ho chieu",
                "so cmnd cccd ho chieu",
                "so cmnd cccd hc",
                "cmnd cccd ho chieu",
                "so cmnd cccd",
                "cmnd cccd",
                # the same two words the other way round, as often
                "so cccd cmnd",
                "cccd cmnd",
                "so cccd cmnd ho chieu",
                "cccd cmnd ho chieu",
                "so cccd cmnd hc",
                "so cccd cmt",
                "so cmt cccd",
                "so cmnd can cuoc",
                "so dinh danh ho chieu",
                "so can cuoc ho chieu",
                "so giay to cccd ho chieu",
                "document number",
                "document no",
                "id passport",
                "id passport no",
                "id passport number",
                "id or passport",
            ),
        ),
        Field(
            "id_number",
            "Số định danh",
            "Personal ID number",
            (
                "so dinh danh",
                "so dinh danh ca nhan",
                "ma dinh danh",
                "so cccd",
                "cccd",
                "can cuoc",
                "so can cuoc",
                "can cuoc cong dan",
                "so can cuoc cong dan",
                "so the can cuoc",
                "id number",
                "id no",
                "personal id",
                "national id",
                "citizen id",
                "id card",
                "id card number",
            ),
        ),
        Field(
            "legacy_id_number",
            "Số CMND cũ",
            "Old ID card number",
            ("cmnd", "so cmnd", "chung minh nhan dan", "so chung minh nhan dan", "so cmt", "cmt"),
        ),
        Field(
            "passport_number",
            "Số hộ chiếu",
            "Passport number",
            (
                "so ho chieu",
                "ho chieu",
                "so hc",
                "passport",
                "passport no",
                "passport number",
                "so passport",
            ),
        ),
        Field(
            "nationality",
            "Quốc tịch",
            "Nationality",
            ("quoc tich", "nationality", "citizenship", "quoc gia", "nuoc", "country"),
        ),
        Field(
            "country_of_residence",
            "Nước cư trú",
            "Country of residence",
            (
                "noi cu tru quoc gia",
                "nuoc cu tru",
                "quoc gia cu tru",
                "noi cu tru",
                "cu tru tai nuoc",
                "country of residence",
                "residence country",
                "residence",
                "country of residency",
            ),
        ),
        Field(
            "address",
            "Địa chỉ",
            "Address",
            (
                "dia chi",
                "dia chi thuong tru",
                "noi thuong tru",
                "thuong tru",
                "dia chi lien he",
                "noi o hien tai",
                "cho o hien nay",
                "que quan",
                "nguyen quan",
                "address",
                "home address",
                "permanent address",
            ),
        ),
        Field(
            "visa_type",
            "Loại thị thực",
            "Visa type",
            ("loai thi thuc", "ky hieu thi thuc", "loai visa", "visa type", "visa", "thi thuc"),
        ),
        Field(
            "visa_number",
            "Số thị thực",
            "Visa number",
            ("so thi thuc", "so visa", "visa number", "visa no"),
        ),
        Field(
            "entry_date",
            "Ngày nhập cảnh",
            "Entry date",
            ("ngay nhap canh", "nhap canh ngay", "entry date", "date of entry", "arrival in vn"),
        ),
        Field(
            "entry_port",
            "Cửa khẩu nhập cảnh",
            "Port of entry",
            ("cua khau nhap canh", "cua khau", "noi nhap canh", "entry port", "port of entry"),
        ),
        Field(
            "accompanying_adult_document",
            "Giấy tờ người đi cùng",
            "Accompanying adult's document",
            (
                "giay to nguoi di cung",
                "nguoi di cung",
                "giay to nguoi giam ho",
                "nguoi giam ho",
                "accompanying adult document",
                "accompanying adult",
                "guardian document",
            ),
        ),
        Field(
            "relationship",
            "Quan hệ",
            "Relationship",
            ("quan he", "moi quan he", "quan he voi nguoi di cung", "relationship"),
        ),
        Field(
            "room",
            "Phòng",
            "Room",
            (
                "phong",
                "so phong",
                "phong so",
                "phong giuong",
                "giuong",
                "so giuong",
                "room",
                "room no",
                "room number",
                "room bed",
                "bed",
            ),
        ),
        Field(
            "reason",
            "Lý do",
            "Reason",
            (
                "ly do",
                "ly do luu tru",
                "ly do den",
                "muc dich",
                "muc dich luu tru",
                "reason",
                "reason for stay",
                "purpose",
                "purpose of stay",
            ),
        ),
        Field(
            "check_in_at",
            "Ngày đến",
            "Arrival",
            (
                "ngay den",
                "thoi gian den",
                "ngay gio den",
                "thoi diem den",
                "ngay nhan phong",
                "ngay vao",
                "tu ngay",
                "luu tru tu ngay",
                "ngay bat dau luu tru",
                "check in",
                "check in date",
                "checkin",
                "arrival",
                "arrival date",
                "date of arrival",
            ),
        ),
        Field(
            "check_in_time",
            "Giờ đến",
            "Arrival time",
            ("gio den", "gio nhan phong", "gio vao", "arrival time", "check in time", "time in"),
        ),
        Field(
            "expected_check_out",
            "Ngày đi dự kiến",
            "Expected check-out",
            (
                "ngay di du kien",
                "du kien di",
                "ngay di",
                "ngay tra phong",
                "ngay tra phong du kien",
                "den ngay",
                "luu tru den ngay",
                "expected check out",
                "check out",
                "check out date",
                "checkout",
                "departure date",
                "departure",
            ),
        ),
        Field("qr", "Mã QR", "QR text", ("qr", "ma qr", "chuoi qr", "qr code")),
        Field("seat", "Số ghế", "Seat", ("ghe", "so ghe", "vi tri ghe", "seat", "seat no")),
        Field(
            "boarding_point",
            "Điểm đón",
            "Boarding point",
            ("diem don", "noi don", "noi len xe", "diem len xe", "boarding point", "pick up"),
        ),
        Field(
            "alighting_point",
            "Điểm trả",
            "Alighting point",
            ("diem tra", "noi tra", "noi xuong xe", "diem xuong xe", "alighting point", "drop off"),
        ),
        Field(
            "phone",
            "Số điện thoại",
            "Phone",
            ("sdt", "so dien thoai", "dien thoai", "dt", "so dt", "phone", "mobile", "tel"),
        ),
        Field("email", "Email", "Email", ("email", "e mail", "thu dien tu")),
        Field("note", "Ghi chú", "Note", ("ghi chu", "note", "notes", "remarks", "remark")),
        Field("occupation", "Nghề nghiệp", "Occupation", ("nghe nghiep", "occupation", "job")),
        Field("ethnicity", "Dân tộc", "Ethnicity", ("dan toc", "ethnicity")),
        Field("religion", "Tôn giáo", "Religion", ("ton giao", "religion")),
        Field("vehicle_plate", "Biển số xe", "Vehicle plate", ("bien so", "bien so xe", "plate")),
        Field("fare", "Giá vé", "Fare", ("gia ve", "tien ve", "fare", "ticket price")),
        Field(
            "ticket_number",
            "Số vé",
            "Ticket number",
            ("so ve", "ma ve", "ticket", "ticket no", "ticket number"),
        ),
    ]
)
