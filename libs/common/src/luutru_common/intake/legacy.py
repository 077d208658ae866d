"""Vietnamese text typed in a legacy 8-bit font encoding, still found in the spreadsheets of
offices and guest houses that never moved to Unicode fonts:

- TCVN3 (TCVN 5712:1993, "ABC", the .VnTime fonts, mostly in the north): each Vietnamese
  letter is one Latin-1 character the font draws differently — "Họ và tên" arrives as
  "Hä vµ tªn";
- VNI (the VNI-Times fonts, mostly in the south): a letter with marks is its base letter
  followed by a Latin-1 character the font draws as the marks — "Họ và tên" arrives as
  "Hoï vaø teân", "Nguyễn" as "Nguyeãn".

Both arrive so in CSV and XLSX alike. Latin-1 letters are also legitimate Vietnamese ("Tá",
"Hà"), so text is never converted on a guess: a sheet is read in a legacy encoding only when
its header is recognised after conversion and not before (see Sheet in this package).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

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

# VNI: each vowel without a tone and with the tones sắc, huyền, hỏi, ngã, nặng, as the VNI
# fonts store it. Capitals are the same with every character upper-cased ("AÙ" is "Á").
_TONES = "\u0301\u0300\u0309\u0303\u0323"  # combining acute, grave, hook above, tilde, dot
_PLAIN_MARKS = "ùøûõï"
_VNI_VOWELS = {
    "a": ["a", *("a" + m for m in _PLAIN_MARKS)],
    "â": ["a" + m for m in "âáàåãä"],
    "ă": ["a" + m for m in "êéèúüë"],
    "e": ["e", *("e" + m for m in _PLAIN_MARKS)],
    "ê": ["e" + m for m in "âáàåãä"],
    "i": list("iíìæóò"),
    "o": ["o", *("o" + m for m in _PLAIN_MARKS)],
    "ô": ["o" + m for m in "âáàåãä"],
    "ơ": ["ô", *("ô" + m for m in _PLAIN_MARKS)],
    "u": ["u", *("u" + m for m in _PLAIN_MARKS)],
    "ư": ["ö", *("ö" + m for m in _PLAIN_MARKS)],
    "y": ["y", *("y" + m for m in _PLAIN_MARKS[:4]), "î"],
}


def _vni_table() -> dict[str, str]:
    table = {"ñ": "đ", "Ñ": "Đ"}
    for vowel, forms in _VNI_VOWELS.items():
        letters = [vowel] + [unicodedata.normalize("NFC", vowel + t) for t in _TONES]
        for stored, letter in zip(forms, letters, strict=True):
            if stored != letter:
                table[stored] = letter
                table[stored.upper()] = letter.upper()
    return table


_VNI = _vni_table()
# Longest first: "ôù" is ớ, where "ô" alone is ơ.
_VNI_SEQUENCE = re.compile("|".join(sorted(map(re.escape, _VNI), key=len, reverse=True)))


def tcvn3_to_unicode(text: str) -> str:
    """Vietnamese text typed in the pre-Unicode TCVN3 (ABC) encoding, as Unicode."""
    return text.translate(_TABLE)


def vni_to_unicode(text: str) -> str:
    """Vietnamese text typed in the VNI encoding (VNI-Times fonts), as Unicode."""
    return _VNI_SEQUENCE.sub(lambda m: _VNI[m.group()], text)


# By the name Sheet.encoding gives it, the conversion of each legacy encoding.
CONVERSIONS: dict[str, Callable[[str], str]] = {"tcvn3": tcvn3_to_unicode, "vni": vni_to_unicode}


def convert_cells(cells: list, encoding: str) -> list:
    """A row with every text cell converted from ``encoding`` (a key of CONVERSIONS)."""
    convert = CONVERSIONS[encoding]
    return [convert(c) if isinstance(c, str) else c for c in cells]
