import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from luutru_common.identity import ID_NUMBER_RE, name_match_key, normalize_name


def test_nfd_and_nfc_names_store_the_same():
    nfc = "Nguyễn Văn Ấn"
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfd != nfc
    assert normalize_name(nfd) == nfc
    assert normalize_name("  Nguyễn   Văn  Ấn ") == nfc


def test_match_key_folds_accents_and_d_stroke():
    assert name_match_key("Nguyễn Văn Ấn") == "NGUYEN VAN AN"
    assert name_match_key("Đặng Thị Đào") == "DANG THI DAO"
    assert name_match_key(unicodedata.normalize("NFD", "Đỗ Hữu Lộc")) == "DO HUU LOC"


@given(st.text())
def test_match_key_is_idempotent(name):
    assert name_match_key(name_match_key(name)) == name_match_key(name)


def test_id_number_hard_rule():
    assert ID_NUMBER_RE.match("075090001234")
    for bad in ("07509000123", "0750900012345", "07509000123a", "075 090 001 234", ""):
        assert not ID_NUMBER_RE.match(bad)
