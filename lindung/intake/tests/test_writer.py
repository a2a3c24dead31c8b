"""Giving files back (lindung.intake.writer): annotated files in every format, and the template."""
import csv
import io
from datetime import date
from pathlib import Path

import openpyxl
import polars as pl
import pytest
import python_calamine
import xlwt
from hypothesis import given, settings
from odf.opendocument import OpenDocumentSpreadsheet
from odf.style import Style, TableProperties
from odf.table import Table as OdsTable
from odf.table import TableCell, TableRow
from odf.text import P
from hypothesis import strategies as st

import lindung.regions
from lindung.intake.dates import parse_dates
from lindung.intake.headers import CANONICAL, canonical_header
from lindung.intake.reader import read_table
from lindung.intake.tests.test_reader import (
    CSV_ROWS,
    FILES,
    HEADER,
    SPREADSHEET_WRITERS,
    TITLE,
    write_csv,
    write_xlsx_with_openpyxl,
    write_xlsx_with_xlsxwriter,
)
from lindung.intake.writer import (
    REASONS_HEADER,
    STATUS_HEADER,
    TEMPLATE_EXAMPLE,
    TEMPLATE_HEADERS,
    write_annotated,
    write_template,
)
from lindung.registry.nik import check_nik

REASONS = {
    5: ("diterima", ""),
    7: ("ditolak", "NIK rusak oleh Excel (ditulis sebagai angka).\nTanggal lahir tidak cocok dengan NIK."),
    8: ("ditinjau", "Mungkin sama dengan Nur ‘Aini – baris 12"),
    9: ("ditolak", "NIK harus tepat 16 digit."),
}


def statuses_for(table) -> pl.DataFrame:
    rows = table.frame["_row"].to_list()
    return pl.DataFrame(
        {"_row": rows, "status": [REASONS[r][0] for r in rows], "reasons": [REASONS[r][1] for r in rows]}
    )


def sheet_rows(path: Path, sheet: str) -> list[list]:
    """The cells of a sheet from A1, with trailing empty cells and trailing empty rows dropped."""
    with open(path, "rb") as file:
        rows = python_calamine.CalamineWorkbook.from_filelike(file).get_sheet_by_name(sheet).to_python(
            skip_empty_area=False
        )
    return _trimmed(rows)


def csv_rows(path: Path, encoding: str, delimiter: str) -> list[list]:
    text = path.read_bytes().decode(encoding)
    return _trimmed(list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)))


def _trimmed(rows: list[list]) -> list[list]:
    rows = [list(row) for row in rows]
    for row in rows:
        while row and row[-1] in ("", None):
            row.pop()
    while rows and not rows[-1]:
        rows.pop()
    return rows


def expected_annotation(source_rows: list[list], header_row: int, width: int, notes: dict) -> list[list]:
    """What the operator should get back: title rows as they were, the two columns right after the header."""
    expected = []
    for number, row in enumerate(source_rows, start=1):
        if number == header_row:
            row = [*row[:width], STATUS_HEADER, REASONS_HEADER, *row[width:]]
        elif number in notes:
            padded = row[:width] + [""] * (width - len(row))
            row = [*padded, *notes[number], *row[width:]]
        expected.append(row)
    return _trimmed(expected)


def assert_read_back_lines_up(source_table, out: Path):
    back = read_table(out)
    assert back.header_row == source_table.header_row
    assert back.sheet == source_table.sheet
    assert back.frame.drop(STATUS_HEADER, REASONS_HEADER).equals(source_table.frame)
    assert back.frame.columns[-2:] == [STATUS_HEADER, REASONS_HEADER]
    lined_up = back.frame.select("_row", STATUS_HEADER, REASONS_HEADER).rows()
    assert lined_up == [(row, status, reasons or None) for row, (status, reasons) in sorted(REASONS.items())]


@pytest.mark.parametrize("writer", SPREADSHEET_WRITERS)
def test_spreadsheets_come_back_in_their_format_with_status_and_reasons_on_the_right_rows(tmp_path, writer):
    write, name, kind = SPREADSHEET_WRITERS[writer]
    source = write(tmp_path / name)
    table = read_table(source)
    out = write_annotated(table, source, statuses_for(table), tmp_path / f"out{source.suffix}")
    assert out == tmp_path / f"out{source.suffix}"
    assert read_table(out).format == kind
    source_rows = sheet_rows(source, "Daftar")
    assert sheet_rows(out, "Daftar") == expected_annotation(source_rows, 4, len(HEADER), REASONS)
    assert_read_back_lines_up(table, out)


def test_cell_types_survive_the_round_trip(tmp_path):
    source = write_xlsx_with_xlsxwriter(tmp_path / "list.xlsx")
    table = read_table(source)
    out = write_annotated(table, source, statuses_for(table), tmp_path / "out.xlsx")
    rows = sheet_rows(out, "Daftar")
    assert rows[4][1] == "3216044506900002"  # text stays text: Excel will not round it
    assert rows[6][1] == 3216010506900001.0  # a number stays a number
    assert rows[4][4] == date(1990, 6, 5)  # a date stays a date
    assert rows[7][11] is True
    assert rows[6][13] == "  Dusun II  "  # the operator's own text is not altered, not even its spaces


def test_the_libreoffice_file_comes_back_as_ods(tmp_path):
    source = FILES / "libreoffice.ods"
    table = read_table(source)
    notes = {5: ("diterima", ""), 6: ("ditolak", "NIK rusak oleh Excel."), 8: ("ditolak", "NIK tidak valid.")}
    statuses = pl.DataFrame({"_row": list(notes), "status": [n[0] for n in notes.values()],
                             "reasons": [n[1] for n in notes.values()]})
    out = write_annotated(table, source, statuses, tmp_path / "out.ods")
    assert sheet_rows(out, "Pekerja") == expected_annotation(sheet_rows(source, "Pekerja"), 4, 14, notes)
    back = read_table(out)
    assert back.format == "ods"
    assert back.frame.drop(STATUS_HEADER, REASONS_HEADER).equals(table.frame)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("delimiter, line_end", [(",", "\r\n"), (";", "\n"), ("\t", "\r\n")])
def test_csv_comes_back_in_its_encoding_delimiter_and_line_ends(tmp_path, encoding, delimiter, line_end):
    source = write_csv(tmp_path / "list.csv", encoding=encoding, delimiter=delimiter, line_end=line_end)
    table = read_table(source)
    out = write_annotated(table, source, statuses_for(table), tmp_path / "out.csv")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
    assert (b"\r\n" in raw) == (line_end == "\r\n")
    if encoding == "cp1252":
        assert b"Kp. Cikarang \x96 RT 01" in raw
    assert csv_rows(out, encoding, delimiter) == expected_annotation(
        csv_rows(source, encoding, delimiter), 4, len(HEADER), REASONS
    )
    assert_read_back_lines_up(table, out)
    back = read_table(out)
    assert (back.encoding, back.delimiter) == (encoding, delimiter)


def test_csv_with_lone_carriage_returns_comes_back_with_them(tmp_path):
    source = tmp_path / "list.csv"
    source.write_bytes(b"Daftar\rNIK;Nama;Desa\r1;Budi;x\r")
    table = read_table(source)
    statuses = pl.DataFrame({"_row": [3], "status": ["diterima"], "reasons": [""]})
    out = write_annotated(table, source, statuses, tmp_path / "out.csv")
    assert out.read_bytes() == b"Daftar\rNIK;Nama;Desa;Status;Keterangan\r1;Budi;x;diterima;\r"


def test_title_rows_stay_exactly_as_they_were_in_csv(tmp_path):
    source = write_csv(tmp_path / "list.csv")
    table = read_table(source)
    out = write_annotated(table, source, statuses_for(table), tmp_path / "out.csv")
    source_lines = source.read_text().splitlines()
    out_lines = out.read_text().splitlines()
    assert out_lines[:3] == source_lines[:3] == [TITLE, "", '"Kecamatan Tambelang, Kabupaten Bekasi"']
    assert out_lines[5] == source_lines[5] == ""  # a blank row between workers stays blank


def test_reasons_cp1252_cannot_hold_are_replaced_not_fatal(tmp_path):
    rows = [["NIK", "Nama", "Desa"], ["1", "Ni’mah", "x"]]
    source = write_csv(tmp_path / "list.csv", rows=rows, encoding="cp1252")
    table = read_table(source)
    assert table.encoding == "cp1252"
    statuses = pl.DataFrame({"_row": [2], "status": ["ditolak ✗"], "reasons": ["NIK ≠ KTP – periksa"]})
    out = write_annotated(table, source, statuses, tmp_path / "out.csv")
    assert csv_rows(out, "cp1252", ",")[1] == ["1", "Ni’mah", "x", "ditolak ?", "NIK ? KTP – periksa"]


def test_an_ascii_csv_gets_a_bom_only_when_its_reasons_are_not_ascii(tmp_path):
    source = write_csv(tmp_path / "list.csv", rows=[["NIK", "Nama", "Desa"], ["1", "Budi", "x"]])
    table = read_table(source)
    plain = pl.DataFrame({"_row": [2], "status": ["ditolak"], "reasons": ["NIK harus 16 digit"]})
    out = write_annotated(table, source, plain, tmp_path / "plain.csv")
    assert out.read_bytes() == b"NIK,Nama,Desa,Status,Keterangan\r\n1,Budi,x,ditolak,NIK harus 16 digit\r\n"
    fancy = pl.DataFrame({"_row": [2], "status": ["ditolak"], "reasons": ["Sama dengan Nur ‘Aini – baris 7"]})
    out = write_annotated(table, source, fancy, tmp_path / "fancy.csv")
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    back = read_table(out)
    assert back.encoding == "utf-8-sig"
    assert back.frame["Keterangan"].to_list() == ["Sama dengan Nur ‘Aini – baris 7"]


def test_cells_right_of_the_header_move_along_and_rows_without_status_stay_as_they_are(tmp_path):
    rows = [["NIK", "Nama", "Desa"], ["1", "Budi", "x", "", "catatan"], ["2", "Siti", "y"], ["3", "Ani", "z"]]
    source = write_csv(tmp_path / "list.csv", rows=rows)
    table = read_table(source)
    statuses = pl.DataFrame({"_row": [2, 4], "status": ["ditolak", "diterima"], "reasons": ["alasan", None]})
    out = write_annotated(table, source, statuses, tmp_path / "out.csv")
    assert csv_rows(out, "utf-8", ",") == [
        ["NIK", "Nama", "Desa", "Status", "Keterangan"],
        ["1", "Budi", "x", "ditolak", "alasan", "", "catatan"],
        ["2", "Siti", "y"],
        ["3", "Ani", "z", "diterima"],
    ]


def test_xlsx_keeps_other_sheets_merged_title_and_hidden_sheets(tmp_path):
    source = write_xlsx_with_xlsxwriter(tmp_path / "list.xlsx", before=("Petunjuk",))
    table = read_table(source)
    out = write_annotated(table, source, statuses_for(table), tmp_path / "out.xlsx")
    workbook = openpyxl.load_workbook(out)
    assert workbook.sheetnames == ["Petunjuk", "Daftar"]
    assert workbook["Petunjuk"]["A1"].value == "Isi daftar di lembar berikutnya."
    assert [str(r) for r in workbook["Daftar"].merged_cells.ranges] == ["A1:H1"]
    assert workbook["Daftar"]["O4"].font.bold

    hidden = openpyxl.load_workbook(write_xlsx_with_openpyxl(tmp_path / "hidden.xlsx"))
    hidden.create_sheet("Kode").sheet_state = "hidden"
    hidden.save(tmp_path / "hidden.xlsx")
    table = read_table(tmp_path / "hidden.xlsx")
    out = write_annotated(table, tmp_path / "hidden.xlsx", statuses_for(table), tmp_path / "hidden-out.xlsx")
    assert openpyxl.load_workbook(out)["Kode"].sheet_state == "hidden"


def test_ods_keeps_hidden_sheets_hidden(tmp_path):
    document = OpenDocumentSpreadsheet()
    hidden_style = Style(name="ta-hidden", family="table")
    hidden_style.addElement(TableProperties(display="false"))
    document.automaticstyles.addElement(hidden_style)
    for name, style, rows in (("Daftar", None, [["NIK", "Nama", "Desa"], ["1", "Budi", "x"]]),
                              ("Kode", hidden_style, [["kode"]])):
        sheet = OdsTable(name=name, stylename=style) if style else OdsTable(name=name)
        for row in rows:
            element = TableRow()
            for value in row:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=value))
                element.addElement(cell)
            sheet.addElement(element)
        document.spreadsheet.addElement(sheet)
    document.save(str(tmp_path / "list.ods"))
    table = read_table(tmp_path / "list.ods")
    statuses = pl.DataFrame({"_row": [2], "status": ["diterima"], "reasons": [""]})
    out = write_annotated(table, tmp_path / "list.ods", statuses, tmp_path / "out.ods")
    with open(out, "rb") as file:
        about = python_calamine.CalamineWorkbook.from_filelike(file).sheets_metadata
    assert [(sheet.name, sheet.visible == python_calamine.SheetVisibleEnum.Visible) for sheet in about] == [
        ("Daftar", True), ("Kode", False),
    ]
    assert sheet_rows(out, "Kode") == [["kode"]]


def test_xls_too_wide_for_two_more_columns_comes_back_as_xlsx(tmp_path):
    workbook = xlwt.Workbook()
    sheet = workbook.add_sheet("Daftar")
    header = ["NIK", "Nama", "Desa", *[f"Kolom tambahan {n}" for n in range(252)]]
    for column, title in enumerate(header):
        sheet.write(0, column, title)
        sheet.write(1, column, "3216040506900001" if column == 0 else f"isi {column}")
    workbook.save(str(tmp_path / "wide.xls"))
    table = read_table(tmp_path / "wide.xls")
    statuses = pl.DataFrame({"_row": [2], "status": ["diterima"], "reasons": [""]})
    out = write_annotated(table, tmp_path / "wide.xls", statuses, tmp_path / "out.xls")
    assert out == tmp_path / "out.xlsx"
    back = read_table(out)
    assert back.format == "xlsx"
    assert back.frame[STATUS_HEADER].to_list() == ["diterima"]


@settings(max_examples=40, deadline=None)
@given(
    cells=st.lists(
        st.lists(st.text(st.characters(exclude_categories=("Cs", "Cc"), include_characters="\n"), max_size=10),
                 min_size=3, max_size=3),
        min_size=1, max_size=6,
    ),
    reasons=st.text(st.characters(exclude_categories=("Cs", "Cc"), include_characters="\n"), max_size=20),
    delimiter=st.sampled_from([",", ";"]),
)
def test_any_csv_round_trips_with_its_reasons(tmp_path_factory, cells, reasons, delimiter):
    folder = tmp_path_factory.mktemp("round-trip")
    rows = [["Daftar pekerja"], ["NIK", "Nama", "Desa"], *cells, ["3216040506900001", "Budi", "Sukawijaya"]]
    source = write_csv(folder / "list.csv", rows=rows, delimiter=delimiter)
    table = read_table(source)
    statuses = table.frame.select("_row", pl.lit("ditolak").alias("status"), pl.lit(reasons).alias("reasons"))
    out = write_annotated(table, source, statuses, folder / "out.csv")
    back = read_table(out)
    assert back.frame.drop(STATUS_HEADER, REASONS_HEADER).equals(table.frame)
    assert back.frame[REASONS_HEADER].to_list() == [reasons.strip() or None] * table.frame.height


# --- the template ---------------------------------------------------------------------------------------


def _districts() -> set[str]:
    path = Path(lindung.regions.__file__).parent / "data" / "wilayah.csv"
    with open(path, encoding="utf-8") as file:
        return {row[0] for row in csv.reader(file) if row and row[0].count(".") == 2}


def _villages() -> dict[str, str]:
    path = Path(lindung.regions.__file__).parent / "data" / "wilayah.csv"
    with open(path, encoding="utf-8") as file:
        return {row[0]: row[1] for row in csv.reader(file) if row and row[0].count(".") == 3}


def test_the_template_reads_back_with_every_field_recognised(tmp_path):
    out = write_template(tmp_path / "templat.xlsx")
    table = read_table(out)
    assert (table.format, table.sheet, table.header_row) == ("xlsx", "Data", 1)
    assert list(table.headers) == list(CANONICAL)
    assert list(table.headers.values()) == [
        "NIK", "Nama Lengkap", "Tempat Lahir", "Tanggal Lahir", "Jenis Kelamin", "Desa/Kelurahan", "Kecamatan",
        "Segmen", "Pekerjaan", "Penghasilan", "No HP", "Desil", "No KK", "Alamat",
    ]
    assert table.frame.rows(named=True) == [{
        "_row": 2, "nik": "3216040506900001", "full_name": "Budi Santoso", "birth_place": "Bekasi",
        "birth_date": "1990-06-05", "sex": "L", "village": "Sukawijaya", "district": "Tambelang",
        "segment": "Petani", "occupation": "Petani padi", "income": "1500000.0", "phone": "081234567890",
        "welfare_decile": "2.0", "kk": "3216040101100007", "address": "Kp. Sukawijaya RT 001/RW 002",
    }]


def test_the_example_row_is_a_valid_worker_of_kabupaten_bekasi(tmp_path):
    row = read_table(write_template(tmp_path / "templat.xlsx")).frame.row(0, named=True)
    birth_date = pl.DataFrame({"d": [row["birth_date"]]}).select(parse_dates("d")).item()
    result = check_nik(row["nik"], known_districts=_districts(), declared_birth_date=birth_date,
                       declared_sex=row["sex"])
    assert result.valid, result.errors
    assert result.district_code == "32.16.04"
    assert _villages()["32.16.04.2001"] == row["village"]
    assert check_nik(row["kk"], known_districts=_districts()).district_code == "32.16.04"


def test_the_template_keeps_excel_from_mangling_niks_and_dates(tmp_path):
    workbook = openpyxl.load_workbook(write_template(tmp_path / "templat.xlsx"))
    assert workbook.sheetnames == ["Data", "Petunjuk"]
    data = workbook["Data"]
    for column in ("A", "K", "M"):  # NIK, No HP, No KK
        assert data[f"{column}2"].number_format == "@"
        assert data[f"{column}2"].data_type == "s"
    assert data["D2"].number_format == "dd/mm/yyyy"
    assert data["D2"].is_date
    assert data.freeze_panes == "A2"
    validations = {str(v.sqref): v for v in data.data_validations.dataValidation}
    assert validations["E2:E10001"].formula1 == '"L,P"'


def test_the_instructions_are_in_indonesian_then_english(tmp_path):
    workbook = openpyxl.load_workbook(write_template(tmp_path / "templat.xlsx"))
    lines = [row[0] for row in workbook["Petunjuk"].iter_rows(values_only=True) if row[0]]
    assert lines[0] == "Petunjuk pengisian daftar pekerja"
    assert "How to fill in the list of workers" in lines
    assert lines.index("How to fill in the list of workers") > len(lines) // 2 - 1
    assert any("NIK" in line and "Teks" in line for line in lines)


def test_the_english_template(tmp_path):
    out = write_template(tmp_path / "template.xlsx", language="en")
    table = read_table(out)
    assert list(table.headers) == list(CANONICAL)
    assert list(table.headers.values()) == list(TEMPLATE_HEADERS["en"])
    assert openpyxl.load_workbook(out).sheetnames == ["Data", "Instructions"]


def test_template_headers_and_example_agree():
    for language, headers in TEMPLATE_HEADERS.items():
        assert [canonical_header(h) for h in headers] == list(CANONICAL), language
    assert len(TEMPLATE_EXAMPLE) == len(CANONICAL)


def test_the_annotated_template_round_trips(tmp_path):
    source = write_template(tmp_path / "templat.xlsx")
    table = read_table(source)
    statuses = pl.DataFrame({"_row": [2], "status": ["diterima"], "reasons": [""]})
    out = write_annotated(table, source, statuses, tmp_path / "hasil.xlsx")
    rows = sheet_rows(out, "Data")
    assert rows[0][-2:] == [STATUS_HEADER, REASONS_HEADER]
    assert rows[1][0] == "3216040506900001"
    assert rows[1][14] == "diterima"
    assert sheet_rows(out, "Petunjuk") == sheet_rows(source, "Petunjuk")


def test_csv_rows_of_the_reader_tests_are_what_the_writer_tests_use():
    # The writer tests rely on the layout of the reader tests' list: header on row 4, 14 columns.
    assert CSV_ROWS[3] == HEADER and len(HEADER) == 14
