"""Reading worker lists as they come (lindung.intake.reader): no database.

The files are made at test time by the programs and libraries that make them in the field (xlsxwriter
and openpyxl for Excel 2007+, xlwt for Excel 97-2003, odfpy for OpenDocument, the csv module for CSV),
except files/libreoffice.ods, saved by LibreOffice 7.4 (`soffice --headless --convert-to ods`) from an
openpyxl workbook holding the rows of LIBREOFFICE_ROWS below.
"""
import codecs
import csv
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

import openpyxl
import polars as pl
import pytest
import xlsxwriter
import xlwt
from hypothesis import given, settings
from hypothesis import strategies as st
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table as OdsTable
from odf.table import TableCell, TableRow
from odf.text import P

from lindung.intake.reader import (
    FILE_EMPTY,
    FILE_FORMAT,
    FILE_NO_HEADER,
    FILE_UNREADABLE,
    MESSAGES,
    Table,
    UnreadableFile,
    cell_text,
    column_letter,
    column_names,
    detect_format,
    head_encoding,
    read_table,
    sniff_delimiter,
)
from lindung.registry.nik import EXCEL_NUMBER, clean_nik

FILES = Path(__file__).parent / "files"

TITLE = "DAFTAR PEKERJA RENTAN DESA SUKAWIJAYA 2026"
HEADER = [
    "No", "NIK", "Nama Lengkap", "Tempat Lahir", "Tgl. Lahir", "L/P", "Desa/Kel", "Kecamatan", "Pekerjaan",
    "Penghasilan", "No HP", "Desil", "No. KK", "Alamat",
]
COLUMNS = [
    "_row", "No", "nik", "full_name", "birth_place", "birth_date", "sex", "village", "district", "occupation",
    "income", "phone", "welfare_decile", "kk", "address",
]

# A list as a village sends it, with the types the cells have in a spreadsheet: a title, a blank row and
# a subtitle above the header, blank rows between workers, NIKs typed as text and as numbers (one of them
# rounded by Excel, one too long), a date cell, an Excel serial and an Indonesian date typed as text.
SPREADSHEET_ROWS = [
    [TITLE],
    [],
    ["Kecamatan Tambelang, Kabupaten Bekasi"],
    HEADER,
    [1, "3216044506900002", "Ni'mah", "Bekasi", date(1990, 6, 5), "P", "Sukawijaya", "Tambelang", "Petani",
     1500000, "081234567890", 2, "3216040101100007", "Kp. Cikarang – RT 01"],
    [],
    [2, 3216010506900001, "Sutrisno", "Bekasi", "31276", "L", "Sukawijaya", "Tambelang", "Buruh tani",
     900000.5, 81234567891, 1, 3216040101100007, "  Dusun II  "],
    [3, 3216010506900000, "Nur 'Aini", "Jakarta", "17 Agustus 1985", "P", "Sukawijaya", "Tambelang", "Pedagang",
     None, None, True, None, ""],
    [4, 1e16, "Asep", None, None, None, "Sukawijaya"],
    [],
]
EXPECTED_FROM_SPREADSHEET = [
    (5, "1.0", "3216044506900002", "Ni'mah", "Bekasi", "1990-06-05", "P", "Sukawijaya", "Tambelang", "Petani",
     "1500000.0", "081234567890", "2.0", "3216040101100007", "Kp. Cikarang – RT 01"),
    (7, "2.0", "3216010506900001.0", "Sutrisno", "Bekasi", "31276", "L", "Sukawijaya", "Tambelang",
     "Buruh tani", "900000.5", "81234567891.0", "1.0", "3216040101100007.0", "Dusun II"),
    (8, "3.0", "3216010506900000.0", "Nur 'Aini", "Jakarta", "17 Agustus 1985", "P", "Sukawijaya", "Tambelang",
     "Pedagang", None, None, "TRUE", None, None),
    (9, "4.0", "1e+16", "Asep", None, None, None, "Sukawijaya", None, None, None, None, None, None, None),
]

# The same list as CSV text, as typed.
CSV_ROWS = [
    [TITLE],
    [],
    ["Kecamatan Tambelang, Kabupaten Bekasi"],
    HEADER,
    ["1", "3216044506900002", "Ni'mah", "Bekasi", "05/06/1990", "P", "Sukawijaya", "Tambelang", "Petani",
     "1500000", "081234567890", "2", "3216040101100007", "Kp. Cikarang – RT 01"],
    [],
    ["2", "'3216010506900001", "Sutrisno", "Bekasi", "31276", "L", "Sukawijaya", "Tambelang", "Buruh tani",
     "900.000,50", "0812 3456 7891", "1", "3216040101100007", "  Dusun II  "],
    ["3", "3.21601E+15", "Nur 'Aini", "Jakarta", "17 Agustus 1985", "P", "Sukawijaya", "Tambelang", "Pedagang",
     "", "", "", "", ""],
    ["4", "3216010506900001.0", "Asep", "", "", "", "Sukawijaya"],
    ["", "", "", ""],
]
EXPECTED_FROM_CSV = [
    (5, "1", "3216044506900002", "Ni'mah", "Bekasi", "05/06/1990", "P", "Sukawijaya", "Tambelang", "Petani",
     "1500000", "081234567890", "2", "3216040101100007", "Kp. Cikarang – RT 01"),
    (7, "2", "'3216010506900001", "Sutrisno", "Bekasi", "31276", "L", "Sukawijaya", "Tambelang", "Buruh tani",
     "900.000,50", "0812 3456 7891", "1", "3216040101100007", "Dusun II"),
    (8, "3", "3.21601E+15", "Nur 'Aini", "Jakarta", "17 Agustus 1985", "P", "Sukawijaya", "Tambelang", "Pedagang",
     None, None, None, None, None),
    (9, "4", "3216010506900001.0", "Asep", None, None, None, "Sukawijaya", None, None, None, None, None, None,
     None),
]


# --- writers of test files (also used by test_writer) ----------------------------------------------------


def write_xlsx_with_xlsxwriter(path: Path, rows=SPREADSHEET_ROWS, sheet="Daftar", before=()) -> Path:
    """`rows` on sheet `sheet`, after sheets named in `before` (each holding one line of text)."""
    workbook = xlsxwriter.Workbook(str(path))
    for name in before:
        workbook.add_worksheet(name).write_string(0, 0, "Isi daftar di lembar berikutnya.")
    worksheet = workbook.add_worksheet(sheet)
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, str):
                worksheet.write_string(r, c, value)
            elif isinstance(value, bool):
                worksheet.write_boolean(r, c, value)
            elif isinstance(value, (date, datetime)):
                worksheet.write_datetime(r, c, value, date_format)
            else:
                worksheet.write_number(r, c, value)
    if rows and rows[0] == [TITLE]:
        worksheet.merge_range(0, 0, 0, 7, TITLE)
    workbook.close()
    return path


def write_xlsx_with_openpyxl(path: Path, rows=SPREADSHEET_ROWS, sheet="Daftar") -> Path:
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is None or value == "":
                continue
            cell = worksheet.cell(row=r, column=c, value=value)
            if isinstance(value, date):
                cell.number_format = "DD/MM/YYYY"
    if rows and rows[0] == [TITLE]:
        worksheet.merge_cells("A1:H1")
    workbook.save(path)
    return path


def write_xls_with_xlwt(path: Path, rows=SPREADSHEET_ROWS, sheet="Daftar") -> Path:
    workbook = xlwt.Workbook(encoding="utf-8")
    worksheet = workbook.add_sheet(sheet)
    date_style = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, date):
                worksheet.write(r, c, value, date_style)
            else:
                worksheet.write(r, c, value)
    workbook.save(str(path))
    return path


def write_ods_with_odfpy(path: Path, rows=SPREADSHEET_ROWS, sheet="Daftar") -> Path:
    document = OpenDocumentSpreadsheet()
    table = OdsTable(name=sheet)
    for row in rows:
        element = TableRow()
        for value in row or [None]:
            element.addElement(_ods_cell(value))
        table.addElement(element)
    document.spreadsheet.addElement(table)
    document.save(str(path))
    return path


def _ods_cell(value):
    if value is None or value == "":
        return TableCell()
    if isinstance(value, bool):
        cell = TableCell(valuetype="boolean", booleanvalue=str(value).lower())
    elif isinstance(value, (int, float)):
        cell = TableCell(valuetype="float", value=repr(float(value)))
    elif isinstance(value, date):
        cell = TableCell(valuetype="date", datevalue=value.isoformat())
    else:
        cell = TableCell(valuetype="string")
    cell.addElement(P(text=str(value)))
    return cell


def write_csv(path: Path, rows=CSV_ROWS, encoding="utf-8", delimiter=",", line_end="\r\n") -> Path:
    with open(path, "w", encoding=encoding, newline="") as file:
        csv.writer(file, delimiter=delimiter, lineterminator=line_end).writerows(rows)
    return path


SPREADSHEET_WRITERS = {
    "xlsxwriter": (write_xlsx_with_xlsxwriter, "list.xlsx", "xlsx"),
    "openpyxl": (write_xlsx_with_openpyxl, "list.xlsx", "xlsx"),
    "xlwt": (write_xls_with_xlwt, "list.xls", "xls"),
    "odfpy": (write_ods_with_odfpy, "list.ods", "ods"),
}


# --- spreadsheets -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("writer", SPREADSHEET_WRITERS)
def test_spreadsheets_give_the_same_table_whoever_wrote_them(tmp_path, writer):
    write, name, kind = SPREADSHEET_WRITERS[writer]
    table = read_table(write(tmp_path / name))
    assert (table.format, table.sheet, table.header_row, table.encoding, table.delimiter) == (
        kind, "Daftar", 4, None, None,
    )
    assert table.frame.columns == COLUMNS
    assert table.frame.schema["_row"] == pl.Int64
    assert all(dtype == pl.String for name, dtype in table.frame.schema.items() if name != "_row")
    assert table.frame.rows() == EXPECTED_FROM_SPREADSHEET
    assert table.headers == dict(zip(COLUMNS[2:], HEADER[1:]))


def test_a_nik_typed_as_a_number_reads_as_the_text_of_that_number_and_the_nik_rules_see_it(tmp_path):
    table = read_table(write_xlsx_with_xlsxwriter(tmp_path / "list.xlsx"))
    niks = table.frame["nik"].to_list()
    assert niks == ["3216044506900002", "3216010506900001.0", "3216010506900000.0", "1e+16"]
    assert clean_nik(niks[1]) == ("3216010506900001", ())
    # Excel keeps 15 significant digits: a 16th digit of 0 may be one it lost.
    assert clean_nik(niks[2])[1][0].code == EXCEL_NUMBER


def test_the_libreoffice_file(tmp_path):
    table = read_table(FILES / "libreoffice.ods")
    assert (table.format, table.sheet, table.header_row) == ("ods", "Pekerja", 4)
    assert table.headers == {
        "nik": "Nomor Induk Kependudukan", "full_name": "Nama", "birth_place": "Tempat Lahir",
        "birth_date": "Tgl Lahir", "sex": "JK", "village": "Desa / Kelurahan", "district": "Kecamatan",
        "occupation": "Pekerjaan", "income": "Penghasilan (Rp)", "phone": "No. HP", "welfare_decile": "Desil",
        "kk": "No. KK", "address": "Alamat",
    }
    assert table.frame.select("_row", "No.", "nik", "full_name", "birth_date", "income", "phone", "kk",
                              "address").rows() == [
        (5, "1.0", "3216044506900002", "Ni'mah", "1990-06-05", "1500000.0", "081234567890", "3216040101100007",
         "Kp. Cikarang – RT 01"),
        (6, "2.0", "3216010506900001.0", "Sutrisno", "17 Agustus 1985", "900000.5", "81234567891.0",
         "3216040101100007.0", "Dusun II"),
        (8, "3.0", "'3216040506900003", "Nur 'Aini", "31276", None, None, None, "Kp. Babakan"),
    ]


# The rows of files/libreoffice.ods, as they were given to openpyxl before LibreOffice saved them.
LIBREOFFICE_ROWS = [
    ["DAFTAR PEKERJA RENTAN DESA SUKAWIJAYA 2026 (merged A1:H1)"],
    ["Kecamatan Tambelang, Kabupaten Bekasi"],
    [],
    ["No.", "Nomor Induk Kependudukan", "Nama", "Tempat Lahir", "Tgl Lahir", "JK", "Desa / Kelurahan",
     "Kecamatan", "Pekerjaan", "Penghasilan (Rp)", "No. HP", "Desil", "No. KK", "Alamat"],
    [1, "3216044506900002", "Ni'mah", "Bekasi", "date(1990, 6, 5) as DD/MM/YYYY", "P", "Sukawijaya",
     "Tambelang", "Petani", 1500000, "081234567890", 2, "3216040101100007", "Kp. Cikarang – RT 01"],
    [2, "3216010506900001 as a number", "Sutrisno", "Bekasi", "17 Agustus 1985", "L", "Sukawijaya",
     "Tambelang", "Buruh tani", 900000.5, 81234567891, 1, 3216040101100007, "Dusun II"],
    [],
    [3, "'3216040506900003", "Nur 'Aini", "Jakarta", "31276", "P", "Sukawijaya", "Tambelang", "Pedagang",
     None, None, None, None, "  Kp. Babakan  "],
]


def test_the_first_visible_sheet_with_a_header_is_read(tmp_path):
    path = write_xlsx_with_xlsxwriter(tmp_path / "list.xlsx", before=("Petunjuk",))
    table = read_table(path)
    assert table.sheet == "Daftar"
    assert table.frame.rows() == EXPECTED_FROM_SPREADSHEET


def test_a_hidden_sheet_is_not_read(tmp_path):
    path = tmp_path / "hidden.xlsx"
    workbook = openpyxl.Workbook()
    hidden = workbook.active
    hidden.title = "Lama"
    for row in (["NIK", "Nama", "Desa"], ["3216040506900009", "Lama", "Lama"]):
        hidden.append(row)
    hidden.sheet_state = "hidden"
    shown = workbook.create_sheet("Baru")
    for row in (["NIK", "Nama", "Desa"], ["3216040506900001", "Budi", "Sukawijaya"]):
        shown.append(row)
    workbook.save(path)
    table = read_table(path)
    assert table.sheet == "Baru"
    assert table.frame.rows() == [(2, "3216040506900001", "Budi", "Sukawijaya")]


def test_a_table_that_does_not_start_at_a1_keeps_true_row_numbers(tmp_path):
    rows = [[], [], [None, None, "Daftar"], [], [], [None, None, "NIK", "Nama", "Desa"],
            [None, None, "3216040506900001", "Budi", "Sukawijaya"]]
    for write, name, _ in SPREADSHEET_WRITERS.values():
        table = read_table(write(tmp_path / name, rows=rows))
        assert table.header_row == 6, name
        assert table.frame.rows() == [(7, "3216040506900001", "Budi", "Sukawijaya")], name


def test_cell_types_become_text_the_rules_understand(tmp_path):
    path = tmp_path / "types.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["NIK", "Nama", "Desa", "Catatan"])
    long_date = workbook.add_format({"num_format": "d mmmm yyyy"})
    date_time = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    clock = workbook.add_format({"num_format": "hh:mm"})
    cells = [
        ("number", lambda r: sheet.write_number(r, 3, 1500000)),
        ("fraction", lambda r: sheet.write_number(r, 3, 0.1)),
        ("negative", lambda r: sheet.write_number(r, 3, -3)),
        ("huge", lambda r: sheet.write_number(r, 3, 12345678901234567890)),
        ("true", lambda r: sheet.write_boolean(r, 3, True)),
        ("false", lambda r: sheet.write_boolean(r, 3, False)),
        ("date", lambda r: sheet.write_datetime(r, 3, date(1985, 8, 17), long_date)),
        ("datetime", lambda r: sheet.write_datetime(r, 3, datetime(1985, 8, 17, 10, 30), date_time)),
        ("time", lambda r: sheet.write_datetime(r, 3, time(10, 30), clock)),
        ("serial text", lambda r: sheet.write_string(r, 3, "31276")),
        ("apostrophe text", lambda r: sheet.write_string(r, 3, "'3216040506900001")),
        ("spaces", lambda r: sheet.write_string(r, 3, " \u00a0 Kp. Babakan \t")),
        ("only spaces", lambda r: sheet.write_string(r, 3, "   ")),
        ("formula", lambda r: sheet.write_formula(r, 3, "=1+2", None, 3)),
        ("multi-line", lambda r: sheet.write_string(r, 3, "RT 01\nRW 02")),
    ]
    for row, (label, write) in enumerate(cells, start=1):
        sheet.write_string(row, 0, "3216040506900001")
        sheet.write_string(row, 1, label)
        write(row)
    workbook.close()
    frame = read_table(path).frame
    assert dict(zip(frame["full_name"], frame["Catatan"])) == {
        "number": "1500000.0", "fraction": "0.1", "negative": "-3.0", "huge": "1.234567890123457e+19",
        "true": "TRUE", "false": "FALSE", "date": "1985-08-17", "datetime": "1985-08-17 10:30:00",
        "time": "10:30:00", "serial text": "31276", "apostrophe text": "'3216040506900001", "spaces": "Kp. Babakan",
        "only spaces": None, "formula": "3.0", "multi-line": "RT 01\nRW 02",
    }


@pytest.mark.parametrize(
    "value, text",
    [
        (None, None), ("", None), ("  x ", "  x "), (3216010506900001.0, "3216010506900001.0"),
        (3216010506900000, "3216010506900000.0"), (1e16, "1e+16"), (1500000, "1500000.0"), (0.5, "0.5"),
        (True, "TRUE"), (False, "FALSE"), (date(1985, 8, 17), "1985-08-17"),
        (datetime(1985, 8, 17), "1985-08-17"), (datetime(1985, 8, 17, 7, 5, 3), "1985-08-17 07:05:03"),
        (time(7, 5), "07:05:00"), (timedelta(hours=26, minutes=3), "26:03:00"),
    ],
)
def test_cell_text(value, text):
    assert cell_text(value) == text


# --- CSV --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("line_end", ["\r\n", "\n"])
def test_csv_in_every_encoding_and_delimiter_reads_exactly_as_typed(tmp_path, encoding, delimiter, line_end):
    path = write_csv(tmp_path / "list.csv", encoding=encoding, delimiter=delimiter, line_end=line_end)
    table = read_table(path)
    assert (table.format, table.encoding, table.delimiter, table.sheet, table.header_row) == (
        "csv", encoding, delimiter, None, 4,
    )
    assert table.frame.columns == COLUMNS
    assert table.frame.rows() == EXPECTED_FROM_CSV
    assert table.headers == dict(zip(COLUMNS[2:], HEADER[1:]))


def test_cp1252_keeps_the_en_dash_and_apostrophes(tmp_path):
    raw = "NIK;Nama;Alamat\r\n3216040506900001;Nur 'Aini;Kp. Cikarang – RT 01\r\n".encode("cp1252")
    assert b"\x96" in raw  # the en dash, one byte in Windows-1252
    path = tmp_path / "list.csv"
    path.write_bytes(raw)
    table = read_table(path)
    assert table.encoding == "cp1252"
    assert table.frame.rows() == [(2, "3216040506900001", "Nur 'Aini", "Kp. Cikarang – RT 01")]


def test_a_cp1252_file_whose_first_part_is_ascii(tmp_path):
    rows = [HEADER] + [[str(n), "3216040506900001", "Sutrisno"] for n in range(5000)]
    rows.append(["5000", "3216040506900001", "Ni’mah – é"])
    path = write_csv(tmp_path / "list.csv", rows=rows, encoding="cp1252")
    table = read_table(path)
    assert table.encoding == "cp1252"
    assert table.frame.row(-1)[:4] == (5002, "5000", "3216040506900001", "Ni’mah – é")


def test_bytes_windows_1252_leaves_undefined_do_not_stop_the_reading(tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(b"NIK,Nama,Desa\n3216040506900001,Bud\x81i,Sukawijaya\xe9\n")
    table = read_table(path)
    assert table.encoding == "cp1252"
    assert table.frame.rows() == [(2, "3216040506900001", "Bud\x81i", "Sukawijayaé")]


def test_utf16_unicode_text_from_excel(tmp_path):
    path = write_csv(tmp_path / "list.txt", encoding="utf-16", delimiter="\t")
    table = read_table(path)
    assert (table.encoding, table.delimiter) == ("utf-16", "\t")
    assert table.frame.rows() == EXPECTED_FROM_CSV


def test_csv_row_numbers_count_records_as_a_spreadsheet_shows_them(tmp_path):
    rows = [["NIK", "Nama", "Alamat"], ["3216040506900001", "Budi", "RT 01\nRW 02"], [],
            ["3216040506900002", "Siti", "x"]]
    table = read_table(write_csv(tmp_path / "list.csv", rows=rows))
    assert table.frame.rows() == [
        (2, "3216040506900001", "Budi", "RT 01\nRW 02"), (4, "3216040506900002", "Siti", "x"),
    ]


def test_csv_rows_longer_than_the_header_keep_their_cells_even_far_down(tmp_path):
    rows = [["Daftar"], ["NIK", "Nama", "Desa"]]
    rows += [["3216040506900001", f"Orang {n}", "Sukawijaya"] for n in range(5000)]
    rows += [["3216040506900002", "Siti", "Sukawijaya", "", "catatan"]]
    rows += [["3216040506900003", "Ani"]]
    table = read_table(write_csv(tmp_path / "list.csv", rows=rows))
    assert table.frame.columns == ["_row", "nik", "full_name", "village", "Kolom E"]
    assert table.frame.row(-2) == (5003, "3216040506900002", "Siti", "Sukawijaya", "catatan")
    assert table.frame.row(-1) == (5004, "3216040506900003", "Ani", None, None)


def test_excel_sep_line_and_quoted_delimiters(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text('sep=;\nNIK;Nama;Alamat;Desa\n3216040506900001;"Santoso; Budi";"Jl. ""Mawar"" 1";Sukawijaya\n')
    table = read_table(path)
    assert table.delimiter == ";"
    assert table.header_row == 2
    assert table.frame.rows() == [(3, "3216040506900001", "Santoso; Budi", 'Jl. "Mawar" 1', "Sukawijaya")]


def test_quotes_that_do_not_pair_up_are_read_as_excel_reads_them(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text('NIK,Nama,Desa\n1,Bu"di,x\n2,"Siti"h,y\n3,"Ani,z\n4,Asep,w\n')
    assert read_table(path).frame.rows() == [
        (2, "1", 'Bu"di', "x"), (3, "2", "Sitih", "y"), (4, "3", "Ani,z\n4,Asep,w", None),
    ]


def test_lone_carriage_returns_end_lines_as_in_csv_for_macintosh(tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(b"Daftar\r\rNIK;Nama;Desa\r1;Budi;x\r2;Siti;y\r")
    table = read_table(path)
    assert (table.delimiter, table.header_row) == (";", 3)
    assert table.frame.rows() == [(4, "1", "Budi", "x"), (5, "2", "Siti", "y")]


@pytest.mark.parametrize(
    "head, delimiter",
    [
        ("NIK,Nama,Desa\n1,2,3\n", ","),
        ("NIK;Nama;Desa\n1;2;3\n", ";"),
        ("NIK\tNama\tDesa\n1\t2\t3\n", "\t"),
        ("NIK|Nama|Desa\n1|2|3\n", "|"),
        ("Daftar, desa Sukawijaya, 2026\nNIK;Nama;Desa;Catatan, bila ada\n", ";"),
        ("no header here\n", ","),
    ],
)
def test_sniff_delimiter(head, delimiter):
    assert sniff_delimiter(head) == delimiter


@pytest.mark.parametrize(
    "head, encoding",
    [
        (b"NIK", "utf-8"), ("Ni’mah".encode(), "utf-8"), (codecs.BOM_UTF8 + b"NIK", "utf-8-sig"),
        ("NIK".encode("utf-16"), "utf-16"), ("Ni’mah".encode("cp1252"), "cp1252"),
        # The first part of a file may end inside a character.
        ("Nama Ni’mah".encode()[:-2], "utf-8"),
    ],
)
def test_head_encoding(head, encoding):
    assert head_encoding(head) == encoding


@settings(max_examples=60, deadline=None)
@given(
    cells=st.lists(
        # Control characters aside: Python and Polars disagree on whether \x1c-\x1f are spaces.
        st.lists(st.text(st.characters(exclude_categories=("Cs", "Cc"), include_characters="\t\n"), max_size=12),
                 min_size=3, max_size=3),
        min_size=1, max_size=8,
    ),
    delimiter=st.sampled_from([",", ";"]),
)
def test_any_csv_text_comes_back_as_written_stripped(tmp_path_factory, cells, delimiter):
    path = tmp_path_factory.mktemp("csv") / "list.csv"
    rows = [["NIK", "Nama", "Desa"], *cells]
    write_csv(path, rows=rows, delimiter=delimiter, line_end="\n")
    expected = [
        (number, *[(cell.strip() or None) for cell in row])
        for number, row in enumerate(cells, start=2)
        if any(cell.strip() for cell in row)
    ]
    if not expected:
        assert _fails(path) == FILE_EMPTY
        return
    assert read_table(path).frame.rows() == expected


# --- headers and column names -------------------------------------------------------------------------------


def test_duplicate_and_unknown_headers_keep_their_text_and_empty_headers_with_data_are_named_by_column(tmp_path):
    rows = [["NIK", "Nama", "No. KTP", "NIK", "Keterangan", "", "Desa", ""],
            ["3216040506900001", "Budi", "3216040506900002", "3216040506900003", "baru", "x", "Sukawijaya", ""]]
    table = read_table(write_csv(tmp_path / "list.csv", rows=rows))
    assert table.frame.columns == ["_row", "nik", "full_name", "No. KTP", "NIK", "Keterangan", "Kolom F", "village"]
    assert table.headers == {"nik": "NIK", "full_name": "Nama", "village": "Desa"}


def test_column_names_are_unique():
    names, headers = column_names([("A", "NIK"), ("B", "nik"), ("C", "NIK"), ("D", "_row"), ("E", "Nama")])
    assert names == ["nik", "nik (2)", "NIK", "_row (2)", "full_name"]
    assert headers == {"nik": "NIK", "full_name": "Nama"}


def test_english_headers(tmp_path):
    rows = [["Worker list"], ["ID number", "Full name", "Date of birth", "Sex", "Village", "District", "Occupation",
                              "Monthly income", "Phone number", "Welfare decile", "Family card number", "Address"],
            ["3216040506900001", "Budi", "05/06/1990", "M", "Sukawijaya", "Tambelang", "Farmer", "1500000",
             "081234567890", "2", "3216040101100007", "Kp. Babakan"]]
    table = read_table(write_csv(tmp_path / "list.csv", rows=rows))
    assert table.frame.columns == ["_row", "nik", "full_name", "birth_date", "sex", "village", "district",
                                   "occupation", "income", "phone", "welfare_decile", "kk", "address"]
    assert table.header_row == 2


def test_a_recognised_header_with_an_empty_column_is_kept(tmp_path):
    rows = [["NIK", "Nama", "Desa", "Desil"], ["3216040506900001", "Budi", "Sukawijaya", ""]]
    table = read_table(write_csv(tmp_path / "list.csv", rows=rows))
    assert table.frame.columns == ["_row", "nik", "full_name", "village", "welfare_decile"]
    assert table.frame.rows() == [(2, "3216040506900001", "Budi", "Sukawijaya", None)]


@pytest.mark.parametrize("index, letter", [(0, "A"), (25, "Z"), (26, "AA"), (51, "AZ"), (701, "ZZ"), (702, "AAA")])
def test_column_letter(index, letter):
    assert column_letter(index) == letter


# --- format and failures ------------------------------------------------------------------------------------


def test_the_content_decides_the_format_not_the_name(tmp_path):
    xlsx = write_xlsx_with_xlsxwriter(tmp_path / "list.csv")
    csv_named_xls = write_csv(tmp_path / "list.xls")
    ods_named_xlsx = write_ods_with_odfpy(tmp_path / "list.xlsx")
    xls_without_suffix = write_xls_with_xlwt(tmp_path / "upload-7f3a")
    assert [detect_format(p) for p in (xlsx, csv_named_xls, ods_named_xlsx, xls_without_suffix)] == [
        "xlsx", "csv", "ods", "xls",
    ]
    assert read_table(xlsx, filename="list.csv").frame.rows() == EXPECTED_FROM_SPREADSHEET
    assert read_table(csv_named_xls).frame.rows() == EXPECTED_FROM_CSV
    assert read_table(ods_named_xlsx).frame.rows() == EXPECTED_FROM_SPREADSHEET
    assert read_table(xls_without_suffix).frame.rows() == EXPECTED_FROM_SPREADSHEET


def _fails(path: Path) -> str:
    with pytest.raises(UnreadableFile) as caught:
        read_table(path)
    return caught.value.code


def test_empty_files(tmp_path):
    (tmp_path / "zero.csv").write_bytes(b"")
    (tmp_path / "blank.csv").write_text("\n\n , , \n")
    write_csv(tmp_path / "header-only.csv", rows=[["Daftar"], ["NIK", "Nama", "Desa"], [], ["", "", ""]])
    write_xlsx_with_xlsxwriter(tmp_path / "header-only.xlsx", rows=[["NIK", "Nama", "Desa"]])
    write_xlsx_with_xlsxwriter(tmp_path / "nothing.xlsx", rows=[])
    write_ods_with_odfpy(tmp_path / "nothing.ods", rows=[[]])
    for name in ("zero.csv", "blank.csv", "header-only.csv", "header-only.xlsx", "nothing.xlsx", "nothing.ods"):
        assert _fails(tmp_path / name) == FILE_EMPTY, name


def test_no_header(tmp_path):
    write_csv(tmp_path / "no-header.csv", rows=[["3216040506900001", "Budi", "Sukawijaya"]])
    write_csv(tmp_path / "two-columns.csv", rows=[["NIK", "Nama"], ["3216040506900001", "Budi"]])
    write_csv(tmp_path / "too-far-down.csv", rows=[[f"catatan {n}"] for n in range(21)] + [["NIK", "Nama", "Desa"],
                                                                                          ["1", "2", "3"]])
    write_xlsx_with_xlsxwriter(tmp_path / "no-header.xlsx", rows=[["Nama Ibu", "Alamat"], ["Siti", "x"]])
    for name in ("no-header.csv", "two-columns.csv", "too-far-down.csv", "no-header.xlsx"):
        assert _fails(tmp_path / name) == FILE_NO_HEADER, name


def test_blank_rows_above_do_not_count_towards_the_twenty(tmp_path):
    rows = [[]] * 30 + [["Daftar"]] * 19 + [["NIK", "Nama", "Desa"], ["1", "2", "3"]]
    assert read_table(write_csv(tmp_path / "list.csv", rows=rows)).header_row == 50
    assert read_table(write_xlsx_with_xlsxwriter(tmp_path / "list.xlsx", rows=rows)).header_row == 50


def test_files_that_are_not_lists(tmp_path):
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    (tmp_path / "photo.xlsx").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "web.xls").write_text("<html><body><table><tr><td>NIK</td></tr></table></body></html>")
    (tmp_path / "excel2003.xml").write_text('<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>')
    (tmp_path / "binary.dat").write_bytes(b"NIK\x00Nama\x00\x01\x02")
    with zipfile.ZipFile(tmp_path / "letter.docx", "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    for name in ("scan.pdf", "photo.xlsx", "web.xls", "excel2003.xml", "binary.dat", "letter.docx"):
        assert _fails(tmp_path / name) == FILE_FORMAT, name


def test_damaged_files(tmp_path):
    whole = write_xlsx_with_xlsxwriter(tmp_path / "whole.xlsx").read_bytes()
    (tmp_path / "cut.xlsx").write_bytes(whole[: len(whole) // 2])
    xls = write_xls_with_xlwt(tmp_path / "whole.xls").read_bytes()
    (tmp_path / "cut.xls").write_bytes(xls[:600])
    with zipfile.ZipFile(tmp_path / "broken.xlsx", "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook><sheets><sheet name='x'")
    for name in ("cut.xlsx", "cut.xls", "broken.xlsx"):
        assert _fails(tmp_path / name) == FILE_UNREADABLE, name
    assert _fails(tmp_path / "missing.csv") == FILE_UNREADABLE


def test_the_upload_name_goes_into_the_detail_for_the_log(tmp_path):
    (tmp_path / "f81d4fae").write_bytes(b"%PDF-1.7")
    with pytest.raises(UnreadableFile) as caught:
        read_table(tmp_path / "f81d4fae", filename="Daftar Desa Sukawijaya.pdf")
    assert caught.value.code == FILE_FORMAT
    assert "Daftar Desa Sukawijaya.pdf" in caught.value.detail
    assert "Daftar Desa Sukawijaya.pdf" not in caught.value.message("id")


def test_messages_in_indonesian_and_english():
    for code in (FILE_UNREADABLE, FILE_EMPTY, FILE_NO_HEADER, FILE_FORMAT):
        error = UnreadableFile(code, "detail for the log")
        assert error.code == code
        assert isinstance(error, ValueError)
        indonesian, english = error.message("id"), error.message("en")
        assert indonesian and english and indonesian != english
        assert error.message() == indonesian
        assert error.message("en-US") == english
        assert "detail for the log" not in indonesian + english
    assert set(MESSAGES) == {FILE_UNREADABLE, FILE_EMPTY, FILE_NO_HEADER, FILE_FORMAT}
    with pytest.raises(ValueError):
        UnreadableFile(FILE_EMPTY).message("fr")


def test_table_is_frozen(tmp_path):
    table = read_table(write_csv(tmp_path / "list.csv"))
    assert isinstance(table, Table)
    with pytest.raises(AttributeError):
        table.header_row = 1
