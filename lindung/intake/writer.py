"""Giving files back: the operator's own file with a status and the reasons on each row, and the template.

Pure: no ORM. The annotated file has every row of the original, title rows included, with two columns,
"Status" and "Keterangan", put right after the last column of the header row (cells further right in the
header and data rows move two columns along). CSV keeps its encoding, delimiter and line ends (a plain
ASCII file whose reasons are not gets a UTF-8 BOM, so that Excel shows them right). A
spreadsheet is rebuilt from its values in the same format: every sheet, cell types (text stays text, so
a NIK typed as text is not turned into a number), dates, hidden sheets and (XLSX, XLS) merged cells are
kept; fonts, colours, column widths and formulas are not (a formula keeps the value it last had).
"""
import csv
import math
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path

import polars as pl
import python_calamine
import xlsxwriter
import xlwt
from odf import teletype
from odf.number import DateStyle, Day, Hours, Minutes, Month, Seconds, Text, TimeStyle, Year
from odf.opendocument import OpenDocumentSpreadsheet
from odf.style import Style, TableColumnProperties, TableProperties, TextProperties
from odf.table import Table as OdsTable
from odf.table import TableCell, TableColumn, TableRow
from odf.text import P

from lindung.intake.reader import ROW, Table, csv_records, decode

STATUS_HEADER = "Status"
REASONS_HEADER = "Keterangan"

Notes = dict[int, tuple[str, str]]


def write_annotated(table: Table, source: Path, statuses: pl.DataFrame, out: Path) -> Path:
    """Write `source` to `out` in its own format with each row's status and reasons (`statuses`: columns
    "_row", "status", "reasons"); returns the path written, which is `out`."""
    notes = _notes(statuses)
    writers: dict[str, Callable[[Table, Path, Notes, Path], Path]] = {
        "csv": _write_csv, "xlsx": _write_xlsx, "xls": _write_xls, "ods": _write_ods,
    }
    return writers[table.format](table, Path(source), notes, Path(out))


def _notes(statuses: pl.DataFrame) -> Notes:
    columns = statuses.select(
        pl.col(ROW).cast(pl.Int64),
        pl.col("status").cast(pl.String).fill_null(""),
        pl.col("reasons").cast(pl.String).fill_null(""),
    )
    return {row: (status, reasons) for row, status, reasons in columns.iter_rows()}


def annotated_cells(cells: list, number: int, header_row: int, width: int, notes: Notes) -> list:
    """The cells of spreadsheet row `number` with the two columns put in at `width` (rows above the header
    and rows with nothing to say, and nothing right of `width`, stay as they are)."""
    if number < header_row:
        return cells
    extra = (STATUS_HEADER, REASONS_HEADER) if number == header_row else notes.get(number)
    if extra is None:
        if len(cells) <= width:
            return cells
        extra = ("", "")
    return [*cells[:width], *[""] * (width - len(cells)), *extra, *cells[width:]]


def header_width(cells: Sequence) -> int:
    """Columns up to and including the last filled cell of the header row."""
    filled = [index for index, value in enumerate(cells) if value is not None and str(value).strip()]
    return filled[-1] + 1 if filled else len(cells)


# --- CSV ----------------------------------------------------------------------------------------------


def _write_csv(table: Table, source: Path, notes: Notes, out: Path) -> Path:
    raw = source.read_bytes()
    text = decode(raw, table.encoding or "utf-8")
    records = csv_records(text, table.delimiter or ",")
    width = header_width(records[table.header_row - 1]) if len(records) >= table.header_row else 0
    line_end = _line_end(text[:65536])
    # Python writes the BOM of "utf-8-sig" and "utf-16" back.
    with open(out, "w", encoding=_out_encoding(table, raw, notes), errors="replace", newline="") as file:
        writer = csv.writer(file, delimiter=table.delimiter or ",", lineterminator=line_end)
        for number, record in enumerate(records, start=1):
            writer.writerow(annotated_cells(record, number, table.header_row, width, notes))
    return out


def _line_end(head: str) -> str:
    if "\r\n" in head:
        return "\r\n"
    return "\r" if "\r" in head and "\n" not in head else "\n"


def _out_encoding(table: Table, raw: bytes, notes: Notes) -> str:
    """The source's encoding; but a plain-ASCII file is as much Windows-1252 as UTF-8, and Excel opens a
    CSV without BOM as Windows-1252: reasons beyond ASCII then get a BOM so Excel shows them right."""
    encoding = table.encoding or "utf-8"
    if encoding == "utf-8" and raw.isascii() and not all(map(str.isascii, _note_texts(notes))):
        return "utf-8-sig"
    return encoding


def _note_texts(notes: Notes):
    for status, reasons in notes.values():
        yield status
        yield reasons


# --- spreadsheets ---------------------------------------------------------------------------------------


def _sheets(source: Path):
    """(name, hidden, rows from A1, merged ranges) for each worksheet of the source, in order."""
    with open(source, "rb") as file:
        workbook = python_calamine.CalamineWorkbook.from_filelike(file)
        for about in workbook.sheets_metadata:
            if about.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            sheet = workbook.get_sheet_by_name(about.name)
            hidden = about.visible != python_calamine.SheetVisibleEnum.Visible
            merged = _merged_ranges(sheet)
            yield about.name, hidden, sheet.to_python(skip_empty_area=False), merged


def _merged_ranges(sheet) -> list[tuple[int, int, int, int]]:
    try:
        ranges = sheet.merged_cell_ranges or []
    except python_calamine.CalamineError:
        ranges = []
    return [(top, left, bottom, right) for (top, left), (bottom, right) in ranges]


def _annotated_rows(table: Table, notes: Notes, name: str, rows: list[list]) -> tuple[Iterable[list], int]:
    """The rows of sheet `name`, annotated when it is the sheet the table was read from; and the column
    the two columns went in at (-1 for other sheets)."""
    if name != table.sheet:
        return rows, -1
    header = rows[table.header_row - 1] if len(rows) >= table.header_row else []
    width = header_width(header)
    annotated = (annotated_cells(row, number, table.header_row, width, notes) for number, row in enumerate(rows, 1))
    return annotated, width


def _kept_merges(merges, table: Table, name: str, width: int):
    """Merged ranges that the inserted columns do not cut through (title rows, or left of them)."""
    if name != table.sheet:
        return merges
    return [m for m in merges if m[2] < table.header_row - 1 or m[3] < width]


def _write_xlsx(table: Table, source: Path, notes: Notes, out: Path) -> Path:
    workbook = xlsxwriter.Workbook(str(out), {"constant_memory": True})
    formats = _XlsxFormats(workbook)
    for name, hidden, rows, merges in _sheets(source):
        rows, width = _annotated_rows(table, notes, name, rows)
        worksheet = workbook.add_worksheet(name)
        if hidden:
            worksheet.hide()
        if width >= 0:
            worksheet.set_column(width, width, 14)
            worksheet.set_column(width + 1, width + 1, 60)
        merges = _kept_merges(merges, table, name, width)
        merge_at = {(top, left): (top, left, bottom, right) for top, left, bottom, right in merges}
        covered = {(r, c) for top, left, bottom, right in merges
                   for r in range(top, bottom + 1) for c in range(left, right + 1)} - set(merge_at)
        for r, row in enumerate(rows):
            bold = width >= 0 and r == table.header_row - 1
            for c, value in enumerate(row):
                if (r, c) in covered:
                    continue
                cell_format = formats.bold if bold and c in (width, width + 1) else None
                if (r, c) in merge_at:
                    worksheet.merge_range(*merge_at[(r, c)], "", formats.merged)
                    cell_format = formats.merged
                formats.write(worksheet, r, c, value, cell_format)
    workbook.close()
    return out


class _XlsxFormats:
    def __init__(self, workbook: xlsxwriter.Workbook):
        self.date = workbook.add_format({"num_format": "dd/mm/yyyy"})
        self.datetime = workbook.add_format({"num_format": "dd/mm/yyyy hh:mm:ss"})
        self.time = workbook.add_format({"num_format": "hh:mm:ss"})
        self.duration = workbook.add_format({"num_format": "[h]:mm:ss"})
        self.bold = workbook.add_format({"bold": True})
        self.merged = workbook.add_format({"align": "center", "valign": "vcenter"})

    def write(self, worksheet, row: int, column: int, value, cell_format=None) -> None:
        if value == "" or value is None:
            return
        if isinstance(value, str):
            worksheet.write_string(row, column, value, cell_format)
        elif isinstance(value, bool):
            worksheet.write_boolean(row, column, value, cell_format)
        elif isinstance(value, (int, float)):
            worksheet.write_number(row, column, value, cell_format)
        elif isinstance(value, datetime):
            worksheet.write_datetime(row, column, value, self.datetime)
        elif isinstance(value, date):
            worksheet.write_datetime(row, column, value, self.date)
        elif isinstance(value, time):
            worksheet.write_datetime(row, column, value, self.time)
        elif isinstance(value, timedelta):
            worksheet.write_number(row, column, value / timedelta(days=1), self.duration)
        else:
            worksheet.write_string(row, column, str(value), cell_format)


XLS_MAX_COLUMNS = 256


def _write_xls(table: Table, source: Path, notes: Notes, out: Path) -> Path:
    sheets = []
    for name, hidden, rows, merges in _sheets(source):
        annotated, width = _annotated_rows(table, notes, name, rows)
        sheets.append((name, hidden, list(annotated), width, merges))
    if any(len(row) > XLS_MAX_COLUMNS for _, _, rows, _, _ in sheets for row in rows):
        # The two columns do not fit in Excel 97-2003's 256: give the file back as .xlsx instead.
        return _write_xlsx(table, source, notes, out.with_suffix(".xlsx"))
    workbook = xlwt.Workbook(encoding="utf-8")
    styles = {
        "date": xlwt.easyxf(num_format_str="DD/MM/YYYY"),
        "datetime": xlwt.easyxf(num_format_str="DD/MM/YYYY HH:MM:SS"),
        "time": xlwt.easyxf(num_format_str="HH:MM:SS"),
        "duration": xlwt.easyxf(num_format_str="[H]:MM:SS"),
        "bold": xlwt.easyxf("font: bold on"),
        "plain": xlwt.Style.default_style,
    }
    for name, hidden, rows, width, merges in sheets:
        worksheet = workbook.add_sheet(name, cell_overwrite_ok=True)
        if hidden:
            worksheet.visibility = 1
        if width >= 0:
            worksheet.col(width + 1).width = 60 * 256
        for top, left, bottom, right in _kept_merges(merges, table, name, width):
            worksheet.merge(top, bottom, left, right)
        for r, row in enumerate(rows):
            bold = width >= 0 and r == table.header_row - 1
            for c, value in enumerate(row):
                if value == "" or value is None:
                    continue
                value, style = _xls_value(value, styles)
                worksheet.write(r, c, value, styles["bold"] if bold and c in (width, width + 1) else style)
    workbook.save(str(out))
    return out


def _xls_value(value, styles):
    if isinstance(value, datetime):
        return value, styles["datetime"]
    if isinstance(value, date):
        return value, styles["date"]
    if isinstance(value, time):
        return value, styles["time"]
    if isinstance(value, timedelta):
        return value / timedelta(days=1), styles["duration"]
    if isinstance(value, (str, bool, int, float)):
        return value, styles["plain"]
    return str(value), styles["plain"]


def _write_ods(table: Table, source: Path, notes: Notes, out: Path) -> Path:
    document = OpenDocumentSpreadsheet()
    styles = _OdsStyles(document)
    for name, hidden, rows, merges in _sheets(source):
        rows, width = _annotated_rows(table, notes, name, rows)
        sheet = OdsTable(name=name, stylename=styles.hidden_sheet) if hidden else OdsTable(name=name)
        if width >= 0:
            _ods_columns(sheet, width, styles)
        for r, row in enumerate(rows):
            bold = width >= 0 and r == table.header_row - 1
            sheet.addElement(_ods_row(row, styles, bold_columns=(width, width + 1) if bold else ()))
        document.spreadsheet.addElement(sheet)
    document.save(str(out))
    return out


class _OdsStyles:
    def __init__(self, document):
        date_style = DateStyle(name="date-dmy")
        for part in (Day(style="long"), Text(text="/"), Month(style="long"), Text(text="/"), Year(style="long")):
            date_style.addElement(part)
        time_style = TimeStyle(name="time-hms")
        for part in (Hours(style="long"), Text(text=":"), Minutes(style="long"), Text(text=":"),
                     Seconds(style="long")):
            time_style.addElement(part)
        document.automaticstyles.addElement(date_style)
        document.automaticstyles.addElement(time_style)
        self.date = Style(name="cell-date", family="table-cell", datastylename="date-dmy")
        self.time = Style(name="cell-time", family="table-cell", datastylename="time-hms")
        self.bold = Style(name="cell-bold", family="table-cell")
        self.bold.addElement(TextProperties(fontweight="bold"))
        self.wide = Style(name="column-wide", family="table-column")
        self.wide.addElement(TableColumnProperties(columnwidth="12cm"))
        self.hidden_sheet = Style(name="sheet-hidden", family="table")
        self.hidden_sheet.addElement(TableProperties(display="false"))
        for style in (self.date, self.time, self.bold, self.wide, self.hidden_sheet):
            document.automaticstyles.addElement(style)


def _ods_columns(sheet, width: int, styles: _OdsStyles) -> None:
    sheet.addElement(TableColumn(numbercolumnsrepeated=width + 1))
    sheet.addElement(TableColumn(stylename=styles.wide))


def _ods_row(row: list, styles: _OdsStyles, bold_columns: tuple[int, ...] = ()):
    element = TableRow()
    last = max((index for index, value in enumerate(row) if value not in ("", None)), default=-1)
    blanks = 0
    for index, value in enumerate(row[: last + 1]):
        if value in ("", None):
            blanks += 1
            continue
        if blanks:
            element.addElement(TableCell(numbercolumnsrepeated=blanks))
            blanks = 0
        element.addElement(_ods_cell(value, styles, bold=index in bold_columns))
    if last < 0:
        element.addElement(TableCell())
    return element


def _ods_cell(value, styles: _OdsStyles, bold: bool = False):
    extra = {"stylename": styles.bold} if bold else {}
    if isinstance(value, bool):
        cell = TableCell(valuetype="boolean", booleanvalue="true" if value else "false", **extra)
        shown = "TRUE" if value else "FALSE"
    elif isinstance(value, (int, float)):
        cell = TableCell(valuetype="float", value=repr(float(value)), **extra)
        shown = repr(value)
    elif isinstance(value, datetime):
        cell = TableCell(valuetype="date", datevalue=value.isoformat(), stylename=styles.date)
        shown = value.strftime("%d/%m/%Y %H:%M:%S")
    elif isinstance(value, date):
        cell = TableCell(valuetype="date", datevalue=value.isoformat(), stylename=styles.date)
        shown = value.strftime("%d/%m/%Y")
    elif isinstance(value, time):
        cell = TableCell(valuetype="time", timevalue=value.strftime("PT%HH%MM%SS"), stylename=styles.time)
        shown = value.strftime("%H:%M:%S")
    elif isinstance(value, timedelta):
        seconds = int(value.total_seconds())
        cell = TableCell(valuetype="time", timevalue=f"PT{seconds // 3600}H{seconds % 3600 // 60}M{seconds % 60}S")
        shown = f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    else:
        cell = TableCell(valuetype="string", **extra)
        shown = str(value)
    for line in shown.split("\n"):
        paragraph = P()
        # teletype keeps runs of spaces and tabs, which plain ODF text would collapse.
        teletype.addTextToElement(paragraph, line)
        cell.addElement(paragraph)
    return cell


# --- the template ---------------------------------------------------------------------------------------

TEMPLATE_HEADERS = {
    "id": (
        "NIK", "Nama Lengkap", "Tempat Lahir", "Tanggal Lahir", "Jenis Kelamin", "Desa/Kelurahan", "Kecamatan",
        "Segmen", "Pekerjaan", "Penghasilan", "No HP", "Desil", "No KK", "Alamat",
    ),
    "en": (
        "NIK", "Full name", "Place of birth", "Date of birth", "Sex", "Village", "District", "Segment",
        "Occupation", "Income", "Phone number", "Welfare decile", "KK number", "Address",
    ),
}
# One worker of Kabupaten Bekasi whose row passes every check: NIK issued in Tambelang (32.16.04) for a man
# born on 5 June 1990, living in Desa Sukawijaya, Kecamatan Tambelang.
TEMPLATE_EXAMPLE = (
    "3216040506900001", "Budi Santoso", "Bekasi", date(1990, 6, 5), "L", "Sukawijaya", "Tambelang",
    "Petani", "Petani padi", 1_500_000, "081234567890", 2, "3216040101100007", "Kp. Sukawijaya RT 001/RW 002",
)
_TEXT_COLUMNS = {0, 10, 12}  # NIK, phone, KK: Excel would turn them into numbers and drop digits
_DATE_COLUMN = 3
_SEX_COLUMN = 4
_MONEY_COLUMN = 9
_DECILE_COLUMN = 11
_TEMPLATE_ROWS = 10_000
_INSTRUCTION_WIDTH = 90  # characters

INSTRUCTIONS_ID = (
    "Petunjuk pengisian daftar pekerja",
    "1. Isi satu baris untuk satu pekerja, mulai baris 2 lembar Data. Jangan ubah baris judul kolom.",
    "2. Baris 2 adalah contoh: timpa atau hapus sebelum dikirim.",
    "3. NIK dan No KK: 16 digit sesuai KTP dan Kartu Keluarga. Kolomnya sudah berformat Teks; bila menyalin "
    "dari berkas lain, tempel sebagai nilai (Tempel Spesial > Nilai) agar Excel tidak mengubahnya menjadi angka.",
    "4. Tanggal Lahir: hari/bulan/tahun, misalnya 05/06/1990 atau 5 Juni 1990.",
    "5. Jenis Kelamin: L (laki-laki) atau P (perempuan).",
    "6. Desa/Kelurahan dan Kecamatan: nama tempat tinggal pekerja, tanpa kata \"Desa\" atau \"Kecamatan\".",
    "7. Segmen: kelompok pekerja, misalnya Petani, Buruh tani, Nelayan, Pedagang kecil, Ojek. "
    "Pekerjaan: pekerjaan sehari-hari.",
    "8. Penghasilan: rupiah per bulan, angka saja (1500000), tanpa \"Rp\" dan titik.",
    "9. No HP: nomor yang aktif, diawali 08. Desil: 1 sampai 10 dari data kesejahteraan; kosongkan bila tidak tahu.",
    "10. Simpan sebagai .xlsx (boleh juga .xls, .ods, atau .csv) lalu unggah. Setelah diperiksa, unduh kembali "
    "berkas yang sama dengan kolom Status dan Keterangan di setiap baris.",
)
INSTRUCTIONS_EN = (
    "How to fill in the list of workers",
    "1. One row per worker, from row 2 of the Data sheet. Do not change the row of column headers.",
    "2. Row 2 is an example: overwrite or delete it before sending.",
    "3. NIK and KK number: the 16 digits on the ID card and family card. These columns are formatted as Text; "
    "when copying from another file, paste as values (Paste Special > Values) so Excel does not turn them "
    "into numbers.",
    "4. Date of birth: day/month/year, for example 05/06/1990 or 5 June 1990.",
    "5. Sex: L (male) or P (female).",
    "6. Village and district: where the worker lives, without the words \"Desa\" or \"Kecamatan\".",
    "7. Segment: the group of workers, for example Farmer, Farm labourer, Fisher, Street vendor, Ojek driver. "
    "Occupation: the work done day to day.",
    "8. Income: rupiah per month, digits only (1500000), without \"Rp\" or dots.",
    "9. Phone: an active number starting with 08. Welfare decile: 1 to 10 from the welfare data; "
    "leave it empty when not known.",
    "10. Save as .xlsx (.xls, .ods or .csv also work) and upload it. Once checked, download the same file "
    "with Status and Keterangan (reasons) columns on every row.",
)


def write_template(out: Path, language: str = "id") -> Path:
    """The XLSX template operators fill in: the headers lindung recognises, formats that keep Excel from
    mangling NIKs and dates, one valid example row, and a sheet of instructions (Indonesian and English)."""
    language = "en" if language[:2].lower() == "en" else "id"
    workbook = xlsxwriter.Workbook(str(out))
    _template_data_sheet(workbook, TEMPLATE_HEADERS[language])
    _template_instructions_sheet(workbook, language)
    workbook.close()
    return Path(out)


def _template_data_sheet(workbook: xlsxwriter.Workbook, headers: Sequence[str]) -> None:
    sheet = workbook.add_worksheet("Data")
    header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    text = workbook.add_format({"num_format": "@"})
    day = workbook.add_format({"num_format": "dd/mm/yyyy"})
    money = workbook.add_format({"num_format": "#,##0"})
    whole = workbook.add_format({"num_format": "0"})
    column_formats = {_DATE_COLUMN: day, _MONEY_COLUMN: money, _DECILE_COLUMN: whole}
    column_formats.update({column: text for column in _TEXT_COLUMNS})
    for column, title in enumerate(headers):
        sheet.set_column(column, column, max(12, len(title) + 4), column_formats.get(column))
        sheet.write_string(0, column, title, header)
    sheet.set_column(0, 0, 20, text)
    sheet.set_column(1, 1, 24)
    sheet.set_column(12, 12, 20, text)
    sheet.set_column(13, 13, 32)
    for column, value in enumerate(TEMPLATE_EXAMPLE):
        cell_format = column_formats.get(column)
        if isinstance(value, str):
            sheet.write_string(1, column, value, cell_format)
        elif isinstance(value, date):
            sheet.write_datetime(1, column, value, cell_format)
        else:
            sheet.write_number(1, column, value, cell_format)
    sheet.data_validation(1, _SEX_COLUMN, _TEMPLATE_ROWS, _SEX_COLUMN, {"validate": "list", "source": ["L", "P"]})
    sheet.data_validation(
        1, _DECILE_COLUMN, _TEMPLATE_ROWS, _DECILE_COLUMN,
        {"validate": "integer", "criteria": "between", "minimum": 1, "maximum": 10},
    )
    sheet.freeze_panes(1, 0)


def _template_instructions_sheet(workbook: xlsxwriter.Workbook, language: str) -> None:
    sheet = workbook.add_worksheet("Petunjuk" if language == "id" else "Instructions")
    title = workbook.add_format({"bold": True, "font_size": 13})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    sheet.set_column(0, 0, _INSTRUCTION_WIDTH, wrap)
    first, second = (INSTRUCTIONS_ID, INSTRUCTIONS_EN) if language == "id" else (INSTRUCTIONS_EN, INSTRUCTIONS_ID)
    lines = [*first, "", *second]
    headings = {0, len(first) + 1}
    for row, line in enumerate(lines):
        # Not every program grows a row to fit wrapped text (LibreOffice does not): give it the height.
        sheet.set_row(row, 15 * max(1, math.ceil(len(line) / (_INSTRUCTION_WIDTH - 10))))
        sheet.write_string(row, 0, line, title if row in headings else wrap)
