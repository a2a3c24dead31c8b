"""Header recognition (lindung.intake.headers): pure functions, no database."""
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from lindung.intake.headers import (
    CANONICAL,
    HEADER_SEARCH_ROWS,
    SPELLINGS,
    HeaderNotFound,
    canonical_header,
    find_header_row,
    normalise_header,
)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("NIK", "nik"), ("No. KTP", "nik"), ("No KTP", "nik"), ("Nomor KTP", "nik"),
        ("Nomor Induk Kependudukan", "nik"), ("NIK (16 digit)", "nik"), ("nik*", "nik"), ("NIK e-KTP", "nik"),
        ("Nama", "full_name"), ("Nama Lengkap", "full_name"), ("NAMA LENGKAP", "full_name"),
        ("Nama Sesuai KTP", "full_name"), ("Name", "full_name"), ("Full name", "full_name"),
        ("Tempat Lahir", "birth_place"), ("Tmp. Lahir", "birth_place"), ("Place of birth", "birth_place"),
        ("Tanggal Lahir", "birth_date"), ("Tgl Lahir", "birth_date"), ("Tgl. Lahir", "birth_date"),
        ("Tanggal Lahir (dd/mm/yyyy)", "birth_date"), ("TGL LHR", "birth_date"), ("Date of birth", "birth_date"),
        ("Jenis Kelamin", "sex"), ("JK", "sex"), ("L/P", "sex"), ("L / P", "sex"), ("P/L", "sex"), ("Sex", "sex"),
        ("Desa", "village"), ("Kelurahan", "village"), ("Desa/Kel", "village"), ("Desa/Kel.", "village"),
        ("Desa / Kelurahan", "village"), ("Kel/Desa", "village"), ("Village", "village"),
        ("Kecamatan", "district"), ("Kec.", "district"), ("District", "district"), ("Sub-district", "district"),
        ("Pekerjaan", "occupation"), ("Jenis Pekerjaan", "occupation"), ("Occupation", "occupation"),
        ("Segmen", "segment"), ("Segmen Pekerja", "segment"), ("Segment", "segment"),
        ("Penghasilan", "income"), ("Penghasilan (Rp)", "income"), ("Pendapatan per Bulan", "income"),
        ("Income", "income"),
        ("No HP", "phone"), ("No. HP", "phone"), ("Nomor HP", "phone"), ("No. HP/WA", "phone"),
        ("No. Telp", "phone"), ("Nomor Telepon", "phone"), ("Phone", "phone"), ("Phone number", "phone"),
        ("Desil", "welfare_decile"), ("Desil DTKS", "welfare_decile"), ("Decile", "welfare_decile"),
        ("No KK", "kk"), ("No. KK", "kk"), ("Nomor Kartu Keluarga", "kk"), ("KK", "kk"), ("KK number", "kk"),
        ("Alamat", "address"), ("Alamat Lengkap", "address"), ("Address", "address"),
    ],
)
def test_known_headers(text, expected):
    assert canonical_header(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "", "   ", "No", "No.", "No Urut", "Keterangan", "Status", "Nama Ibu Kandung", "Nama Kepala Keluarga",
        "Tempat/Tanggal Lahir", "DAFTAR PEKERJA RENTAN DESA SUKAWIJAYA 2026", "Tanggal", "Lahir", "2026", "(Rp)",
    ],
)
def test_unknown_headers(text):
    assert canonical_header(text) is None


@pytest.mark.parametrize("value", [None, 3, 3.5, True])
def test_a_cell_that_is_not_text_names_nothing(value):
    assert canonical_header(value) is None


@pytest.mark.parametrize("name", CANONICAL)
def test_every_canonical_name_recognises_itself(name):
    assert canonical_header(name) == name


def test_every_spelling_names_its_own_field_and_no_other():
    assert set(SPELLINGS) == set(CANONICAL)
    for name, spellings in SPELLINGS.items():
        for spelling in spellings:
            assert canonical_header(spelling) == name, spelling


def test_normalise_header_folds_abbreviations_punctuation_and_notes():
    assert normalise_header("  Tgl.  Lahir (dd/mm/yyyy) * ") == "tgl lahir"
    assert normalise_header("Nomor Induk Kependudukan") == "no induk kependudukan"
    assert normalise_header("Desa/Kel.") == normalise_header("Desa / Kelurahan")
    # A header that is only a note in brackets keeps its words.
    assert normalise_header("(Rp)") == "rp"


_decorations = st.tuples(
    st.sampled_from(["", " ", "  ", "\t"]),
    st.sampled_from(["", "*", ":", ".", " *", " (wajib)", " (Rp)", " [isi]", " (dd/mm/yyyy)"]),
    st.sampled_from(["", " ", "\u00a0"]),
)


@given(
    field=st.sampled_from(CANONICAL),
    data=st.data(),
    decoration=_decorations,
)
def test_case_spacing_punctuation_and_notes_do_not_change_the_field(field, data, decoration):
    spelling = data.draw(st.sampled_from(SPELLINGS[field]))
    cases = data.draw(st.lists(st.booleans(), min_size=len(spelling), max_size=len(spelling)))
    cased = "".join(c.upper() if up else c.lower() for c, up in zip(spelling, cases))
    spaced = data.draw(st.sampled_from([cased, cased.replace(" ", "  "), cased.replace(" ", " \u00a0")]))
    before, after, trailing = decoration
    assert canonical_header(f"{before}{spaced}{after}{trailing}") == field


@given(st.text())
def test_any_text_gives_a_canonical_name_or_none(text):
    assert canonical_header(text) in (*CANONICAL, None)


TITLE = ["DAFTAR PEKERJA RENTAN DESA SUKAWIJAYA 2026", None, None]


def test_the_header_is_the_first_row_naming_three_fields_with_nik_or_name():
    rows = [
        TITLE,
        [None, None, None],
        ["Kecamatan Tambelang", "", ""],
        ["No", "NIK", "Nama", "Desa"],
        ["1", "3216040506900001", "Budi", "Sukawijaya"],
    ]
    assert find_header_row(rows) == 3


def test_a_row_of_three_fields_without_nik_or_name_is_not_the_header():
    rows = [["Desa", "Kecamatan", "Pekerjaan"], ["NIK", "Nama Lengkap", "Tgl Lahir"]]
    assert find_header_row(rows) == 1


def test_a_field_named_twice_counts_once():
    with pytest.raises(HeaderNotFound):
        find_header_row([["NIK", "No. KTP", "Nama"]])
    assert find_header_row([["NIK", "No. KTP", "Nama", "JK"]]) == 0


def test_two_fields_are_not_enough():
    with pytest.raises(HeaderNotFound):
        find_header_row([["NIK", "Nama"], ["3216040506900001", "Budi"]])


def test_the_header_must_be_among_the_first_twenty_rows():
    header = ["NIK", "Nama", "Desa"]
    assert find_header_row([TITLE] * (HEADER_SEARCH_ROWS - 1) + [header]) == HEADER_SEARCH_ROWS - 1
    with pytest.raises(HeaderNotFound):
        find_header_row([TITLE] * HEADER_SEARCH_ROWS + [header])


def test_no_rows_no_header():
    with pytest.raises(HeaderNotFound):
        find_header_row([])
    assert issubclass(HeaderNotFound, LookupError)


_title_words = st.sampled_from(
    ["DAFTAR", "PEKERJA", "RENTAN", "DESA", "SUKAWIJAYA", "2026", "Kabupaten Bekasi", "Lampiran", "", None]
)


@given(
    titles=st.lists(st.lists(_title_words, max_size=4), max_size=HEADER_SEARCH_ROWS - 1),
    fields=st.lists(st.sampled_from(CANONICAL), min_size=3, max_size=len(CANONICAL), unique=True),
    data=st.data(),
)
def test_title_rows_above_any_header_are_skipped(titles, fields, data):
    assume({"nik", "full_name"} & set(fields))
    header = [data.draw(st.sampled_from(SPELLINGS[field])) for field in fields]
    rows = [*titles, header, ["3216040506900001", "Budi", "Sukawijaya"]]
    assert find_header_row(rows) == len(titles)
