"""Header recognition for worker lists: which column is which, in Indonesian or English as people write it.

Pure functions, no ORM. A header is normalised (case, punctuation, words in parentheses, common
abbreviations) and then looked up among the known spellings of each canonical field.
"""
import re
from collections.abc import Sequence

CANONICAL = (
    "nik", "full_name", "birth_place", "birth_date", "sex", "village", "district", "segment",
    "occupation", "income", "phone", "welfare_decile", "kk", "address",
)

# Known spellings, written as people write them; they go through the same normalisation as the input.
SPELLINGS: dict[str, tuple[str, ...]] = {
    "nik": (
        "NIK", "No. KTP", "Nomor KTP", "NIK KTP", "No NIK", "Nomor NIK", "Nomor Induk Kependudukan",
        "No. Induk Kependudukan", "KTP", "NIK e-KTP", "No. e-KTP", "No Identitas", "Nomor Identitas",
        "NIK Pekerja", "NIK Peserta", "National ID", "National ID number", "ID number", "Identity number",
        "NIK number",
    ),
    "full_name": (
        "Nama", "Nama Lengkap", "Nama Pekerja", "Nama Peserta", "Nama Anggota", "Nama Tenaga Kerja",
        "Nama Sesuai KTP", "Nama Lengkap Sesuai KTP", "Nama Petani", "Nama Nelayan", "Name", "Full name",
        "Worker name", "Worker's name",
    ),
    "birth_place": (
        "Tempat Lahir", "Tmp. Lahir", "Tmpt Lahir", "Tpt Lahir", "Kota Lahir", "Place of birth",
        "Birth place", "Birthplace",
    ),
    "birth_date": (
        "Tanggal Lahir", "Tgl. Lahir", "Tgl Lhr", "Tanggal Lhr", "Tgl. Lahir (dd/mm/yyyy)",
        "Date of birth", "Birth date", "Birthdate", "DOB",
    ),
    "sex": (
        "Jenis Kelamin", "Jns Kelamin", "Jenis Kel.", "JK", "L/P", "P/L", "L / P", "Kelamin", "Sex", "Gender",
    ),
    "village": (
        "Desa", "Kelurahan", "Desa/Kel", "Desa/Kelurahan", "Kel/Desa", "Kelurahan/Desa", "Nama Desa",
        "Nama Kelurahan", "Nama Desa/Kelurahan", "Desa Domisili", "Village",
    ),
    "district": ("Kecamatan", "Kec.", "Nama Kecamatan", "District", "Sub-district", "Subdistrict"),
    "segment": (
        "Segmen", "Segmen Pekerja", "Kelompok Pekerja", "Jenis Pekerja", "Kategori Pekerja", "Segment",
        "Worker segment",
    ),
    "occupation": (
        "Pekerjaan", "Jenis Pekerjaan", "Pekerjaan Sehari-hari", "Profesi", "Mata Pencaharian",
        "Occupation", "Job",
    ),
    "income": (
        "Penghasilan", "Pendapatan", "Penghasilan per Bulan", "Penghasilan Bulanan", "Pendapatan per Bulan",
        "Pendapatan Bulanan", "Penghasilan (Rp)", "Income", "Monthly income",
    ),
    "phone": (
        "No HP", "No. HP", "Nomor HP", "HP", "No. HP/WA", "No HP/WA", "No. WA", "WhatsApp", "No. Telp",
        "No Telepon", "Nomor Telepon", "Telepon", "Telp", "No. Handphone", "Handphone", "Phone",
        "Phone number", "Mobile", "Mobile number",
    ),
    "welfare_decile": (
        "Desil", "Desil Kesejahteraan", "Desil DTKS", "Desil P3KE", "Desil Regsosek", "Desil DTSEN",
        "Decile", "Welfare decile",
    ),
    "kk": (
        "No KK", "No. KK", "Nomor KK", "KK", "Nomor Kartu Keluarga", "No. Kartu Keluarga", "Kartu Keluarga",
        "Family card", "Family card number", "KK number",
    ),
    "address": ("Alamat", "Alamat Lengkap", "Alamat Rumah", "Alamat Domisili", "Address"),
}

# Abbreviations that people use interchangeably, folded to one word before the lookup.
_WORD_FORMS = {
    "nomor": "no", "nomer": "no", "nmr": "no", "no": "no",
    "tanggal": "tgl", "tgl": "tgl", "tg": "tgl",
    "tempat": "tempat", "tmp": "tempat", "tmpt": "tempat", "tpt": "tempat",
    "lhr": "lahir",
    "jns": "jenis",
    "kel": "kelurahan",
    "kec": "kecamatan",
    "telp": "telepon", "tlp": "telepon", "telpon": "telepon", "telephone": "telepon",
    "handphone": "hp",
    "wa": "whatsapp",
    "ektp": "ktp",
}

_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_NOT_WORD = re.compile(r"[^0-9a-z]+")
HEADER_SEARCH_ROWS = 20
MIN_RECOGNISED = 3


def normalise_header(text: str) -> str:
    """The lookup key of a header: lower case, words only, bracketed notes dropped, abbreviations folded."""
    text = text.casefold().replace("e-ktp", "ektp")
    unbracketed = _BRACKETED.sub(" ", text)
    if unbracketed.strip():
        # "Penghasilan (Rp)", "Tanggal Lahir (dd/mm/yyyy)": the note is not the name.
        text = unbracketed
    words = _NOT_WORD.sub(" ", text).split()
    return " ".join(_WORD_FORMS.get(word, word) for word in words)


_LOOKUP: dict[str, str] = {}
for _name in CANONICAL:
    for _spelling in SPELLINGS[_name]:
        _LOOKUP.setdefault(normalise_header(_spelling), _name)


def canonical_header(text: str) -> str | None:
    """The canonical field a header names ("No. KTP" -> "nik", "L/P" -> "sex"), or None if unknown."""
    if not isinstance(text, str):
        return None
    return _LOOKUP.get(normalise_header(text))


class HeaderNotFound(LookupError):
    """No row among the first rows looks like a header of a worker list."""


def recognised(row: Sequence[str | None]) -> set[str]:
    """The canonical fields named by the cells of `row`."""
    names = (canonical_header(cell) for cell in row if cell)
    return {name for name in names if name is not None}


def is_header(row: Sequence[str | None]) -> bool:
    names = recognised(row)
    return len(names) >= MIN_RECOGNISED and bool(names & {"nik", "full_name"})


def find_header_row(rows: list[list[str]]) -> int:
    """Index of the header among the first 20 rows: the first row naming at least 3 known fields,
    one of them NIK or name. Raises HeaderNotFound when there is none."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if is_header(row):
            return index
    raise HeaderNotFound(f"no header among the first {HEADER_SEARCH_ROWS} rows")
