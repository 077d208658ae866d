"""Vietnamese text typed in a legacy 8-bit font encoding, still found in the spreadsheets of
offices that used the .VnTime fonts: TCVN3 (TCVN 5712:1993, "ABC"). Such a file stores each
Vietnamese letter as a Latin-1 character the font draws differently — "Họ và tên" arrives as
"Hä vµ tªn", in CSV and XLSX alike.

Latin-1 letters are also legitimate Vietnamese ("Tá", "Hà"), so text is never converted on a
guess: a sheet is read as TCVN3 only when its header is recognised after conversion and not
before (see Sheet in this package).
"""

from __future__ import annotations

# TCVN3 code point → Unicode letter. Capitals with tones have no codes of their own: they are
# the same codes drawn by the capital font (.VnTimeH), so they come back lower case.
_TCVN3 = dict(
    zip(
        "µ¸¶·¹¨»¾¼½Æ©ÇÊÈÉË®ÌÐÎÏÑªÒÕÓÔÖ×ÝØÜÞßãáâä«åèæçé¬êíëìîïóñòô\xadõøö÷ùúýûüþ¡¢§£¤¥¦",
        "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵĂÂĐÊÔƠƯ",
        strict=True,
    )
)
_TABLE = str.maketrans(_TCVN3)


def tcvn3_to_unicode(text: str) -> str:
    """Vietnamese text typed in the pre-Unicode TCVN3 (ABC) encoding, as Unicode."""
    return text.translate(_TABLE)


def convert_cells(cells: list) -> list:
    """A row with every text cell converted from TCVN3."""
    return [tcvn3_to_unicode(c) if isinstance(c, str) else c for c in cells]
