"""Reading a worker list as it comes (CSV, XLSX, XLS, ODS) into a frame of text. Pure: no ORM.

Every value becomes text the rules downstream understand, and nothing is guessed away:
- CSV cells stay exactly as in the file (no type inference).
- A numeric spreadsheet cell becomes the text Python gives the float (3216010506900000.0, 1e+16,
  1500000.0), so a NIK that Excel stored as a number (and may have rounded) stays recognisable as one.
- A date cell becomes ISO text (1985-08-17; with its time when it has one); a boolean TRUE or FALSE;
  a text cell its text.
Spreadsheets are read with calamine (python-calamine): one pass over the file gives each cell's value
with its type. fastexcel, also calamine, is as fast but renders numbers and text alike when asked for
text, and asking it for the types as well means parsing the file once per type.
"""
import codecs
import csv
import gc
import io
import itertools
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import polars as pl
import python_calamine

from lindung.intake.headers import HEADER_SEARCH_ROWS, HeaderNotFound, canonical_header, find_header_row

ROW = "_row"

FILE_UNREADABLE = "file.unreadable"
FILE_EMPTY = "file.empty"
FILE_NO_HEADER = "file.no_header"
FILE_FORMAT = "file.format"

MESSAGES: dict[str, tuple[str, str]] = {
    FILE_UNREADABLE: (
        "Berkas tidak dapat dibaca: mungkin rusak, terpotong, atau dilindungi kata sandi. "
        "Buka berkas di Excel atau LibreOffice, lalu simpan ulang sebagai .xlsx atau .csv tanpa kata sandi.",
        "The file cannot be read: it may be damaged, cut short or protected by a password. "
        "Open it in Excel or LibreOffice and save it again as .xlsx or .csv without a password.",
    ),
    FILE_EMPTY: (
        "Berkas tidak berisi data pekerja: tidak ada baris terisi di bawah baris judul kolom.",
        "The file holds no workers: there are no filled rows under the column headers.",
    ),
    FILE_NO_HEADER: (
        "Baris judul kolom tidak ditemukan di 20 baris pertama. Baris judul harus memuat paling sedikit "
        "tiga kolom yang dikenal, salah satunya NIK atau Nama (misalnya NIK, Nama Lengkap, Tanggal Lahir, "
        "Desa). Gunakan templat yang disediakan.",
        "No row of column headers was found in the first 20 rows. The header row must name at least "
        "three known columns, one of them NIK or Name (for example NIK, Nama Lengkap, Tanggal Lahir, Desa). "
        "Use the template provided.",
    ),
    FILE_FORMAT: (
        "Format berkas tidak didukung. Kirim daftar sebagai berkas CSV, Excel (.xlsx atau .xls), "
        "atau OpenDocument (.ods).",
        "This kind of file is not supported. Send the list as a CSV, Excel (.xlsx or .xls) "
        "or OpenDocument (.ods) file.",
    ),
}
_LANGUAGE_INDEX = {"id": 0, "en": 1}


class UnreadableFile(ValueError):
    """The file cannot become a table; `code` says why, message(language) says it to the operator."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail

    def message(self, language: str = "id") -> str:
        index = _LANGUAGE_INDEX.get(language[:2].lower())
        if index is None:
            raise ValueError(f"file messages exist in 'id' and 'en', not {language!r}")
        return MESSAGES[self.code][index]


@dataclass(frozen=True)
class Table:
    """A worker list as read: `frame` has "_row" (the spreadsheet row, Int64) and one text column per source
    column, named by its canonical field when recognised, else by its header text."""

    frame: pl.DataFrame
    header_row: int  # 1-based spreadsheet row of the header
    headers: dict[str, str]  # canonical name -> header text as written
    format: str  # "csv", "xlsx", "xls" or "ods"
    encoding: str | None = None  # CSV only: "utf-8", "utf-8-sig", "cp1252" or "utf-16"
    delimiter: str | None = None  # CSV only
    sheet: str | None = None  # spreadsheets only: the sheet read


def read_table(path: Path, *, filename: str | None = None) -> Table:
    """Read the worker list at `path`. The content decides the format, not the name; `filename`, the name
    it was uploaded as, only goes into the detail of an UnreadableFile (for the log)."""
    path = Path(path)
    try:
        kind = detect_format(path)
        if kind == "csv":
            return _read_csv(path)
        return _read_spreadsheet(path, kind)
    except OSError as error:
        raise UnreadableFile(FILE_UNREADABLE, f"{filename or path.name}: {error}") from error
    except UnreadableFile as error:
        raise UnreadableFile(error.code, f"{filename or path.name}: {error.detail}") from error.__cause__


# --- format -------------------------------------------------------------------------------------------

_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_NOT_TEXT = (b"%PDF", b"{\\rtf", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b")


def detect_format(path: Path) -> str:
    """"csv", "xlsx", "xls" or "ods", from the content: uploads are often misnamed (an .xls that is CSV)."""
    with open(path, "rb") as file:
        head = file.read(4096)
    if not head:
        raise UnreadableFile(FILE_EMPTY, "no bytes")
    if head.startswith(_ZIP):
        return _zip_format(path)
    if head.startswith(_OLE2):
        # Excel 97-2003; an encrypted .xlsx is an OLE2 file too, and calamine will say it cannot read it.
        return "xls"
    if head.startswith(_NOT_TEXT) or _looks_like_markup(head) or _is_binary(head):
        raise UnreadableFile(FILE_FORMAT, "not a spreadsheet or CSV")
    return "csv"


def _zip_format(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip().startswith(_ODS_MIMETYPE):
                return "ods"
            if "xl/workbook.xml" in names:
                return "xlsx"
    except zipfile.BadZipFile as error:
        raise UnreadableFile(FILE_UNREADABLE, str(error)) from error
    raise UnreadableFile(FILE_FORMAT, "a zip archive that is not a spreadsheet")


def _looks_like_markup(head: bytes) -> bool:
    """HTML or XML saved with a spreadsheet's name (web exports, Excel 2003 XML) is not a format we read."""
    start = head.lstrip(codecs.BOM_UTF8).lstrip().lower()
    return start.startswith((b"<?xml", b"<html", b"<!doctype", b"<table"))


def _is_binary(head: bytes) -> bool:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    return b"\x00" in head


# --- CSV ----------------------------------------------------------------------------------------------

_DELIMITERS = (",", ";", "\t", "|")
_SNIFF_BYTES = 64 * 1024


def _undefined_in_cp1252(error: UnicodeDecodeError) -> tuple[str, int]:
    # Five bytes have no character in Windows-1252; browsers read them as the Latin-1 control characters.
    return error.object[error.start:error.end].decode("latin-1"), error.end


_CP1252_UNDEFINED = "lindung-cp1252-undefined"
codecs.register_error(_CP1252_UNDEFINED, _undefined_in_cp1252)


def _read_csv(path: Path) -> Table:
    with open(path, "rb") as file:
        head = file.read(_SNIFF_BYTES)
    encoding = head_encoding(head)
    head_text = _decode_head(head, encoding)
    delimiter = sniff_delimiter(head_text)
    try:
        cells = _csv_cells(path, encoding, head_text, delimiter)
    except _NotUtf8:
        encoding = "cp1252"
        cells = _csv_cells(path, encoding, _decode_head(head, encoding), delimiter)
    header_index = _header_index(cells.head(HEADER_SEARCH_ROWS * 3).rows())
    return _table(cells, header_index, format="csv", encoding=encoding, delimiter=delimiter)


def head_encoding(head: bytes) -> str:
    """The encoding of a CSV file from its first bytes: "utf-8-sig", "utf-16" (Excel's "Unicode Text";
    both by their BOM), "utf-8", or else "cp1252" (Excel's "CSV" on an Indonesian or English Windows)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        # Not final: the head may end inside a character.
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _decode_head(head: bytes, encoding: str) -> str:
    # The head may end inside a character: drop the piece rather than fail on it.
    return head.decode(encoding, errors="ignore" if encoding != "cp1252" else _CP1252_UNDEFINED)


def decode(raw: bytes, encoding: str) -> str:
    """The text of a CSV file in `encoding` (one of head_encoding's answers), without its BOM."""
    if encoding == "cp1252":
        return raw.decode("cp1252", errors=_CP1252_UNDEFINED)
    # "utf-8-sig" and "utf-16" drop the BOM.
    return raw.decode(encoding, errors="replace")


def transcode(raw: bytes, encoding: str) -> bytes:
    """UTF-8 bytes (without BOM) of a file in `encoding`."""
    return decode(raw, encoding).encode("utf-8")


def sniff_delimiter(head: str) -> str:
    """The delimiter under which the header row names the most known columns (comma when none does)."""
    head = _whole_lines(head)
    best, best_count = ",", 0
    for delimiter in _DELIMITERS:
        try:
            rows = csv_records(head, delimiter)[: HEADER_SEARCH_ROWS * 3]
            index = _header_index(rows)
        except UnreadableFile:
            continue
        count = sum(1 for cell in rows[index] if canonical_header(cell))
        if count > best_count:
            best, best_count = delimiter, count
    return best


def _whole_lines(head: str) -> str:
    end = max(head.rfind("\n"), head.rfind("\r"))
    return head[: end + 1] if end > 0 else head


def csv_records(text: str, delimiter: str) -> list[list[str]]:
    """The records of CSV text, as Excel would split them."""
    # newline="": the csv module then takes \r\n, \n and a lone \r as line ends, and keeps them in quotes.
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise UnreadableFile(FILE_UNREADABLE, str(error)) from error


class _NotUtf8(Exception):
    pass


def _csv_cells(path: Path, encoding: str, head_text: str, delimiter: str) -> pl.DataFrame:
    """All records as text, one column per field position, blank lines kept (they are rows of the
    spreadsheet the operator sees). Polars reads; what it refuses, the csv module reads as Excel would."""
    if "\r" in head_text and "\n" not in head_text:
        # Lone \r line ends ("CSV (Macintosh)"), which Polars does not know.
        return _csv_module_cells(path, encoding, delimiter)
    # UTF-8 goes to Polars as the file itself: no copy, and Polars checks that it is UTF-8.
    source = path if encoding in ("utf-8", "utf-8-sig") else transcode(path.read_bytes(), encoding)
    width = max(map(len, csv_records(_whole_lines(head_text), delimiter)), default=1)
    try:
        return _polars_csv(source, delimiter, width)
    except pl.exceptions.ComputeError as error:
        if source is path and "utf-8" in str(error).lower():
            raise _NotUtf8 from error
        # Quotes that do not pair up, or a record further down wider than any in the first part.
        return _csv_module_cells(path, encoding, delimiter)


def _polars_csv(source: Path | bytes, delimiter: str, width: int) -> pl.DataFrame:
    try:
        return pl.read_csv(
            source,
            has_header=False,
            separator=delimiter,
            schema={column_letter(index): pl.String for index in range(max(width, 1))},
            missing_columns="insert",
            infer_schema=False,
            raise_if_empty=False,
            glob=False,
        )
    except pl.exceptions.NoDataError as error:
        raise UnreadableFile(FILE_EMPTY, str(error)) from error


def _csv_module_cells(path: Path, encoding: str, delimiter: str) -> pl.DataFrame:
    records = csv_records(decode(path.read_bytes(), encoding), delimiter)
    width = max(map(len, records), default=1)
    columns = {
        column_letter(index): pl.Series([(r[index] or None) if index < len(r) else None for r in records],
                                        dtype=pl.String)
        for index in range(width)
    }
    return pl.DataFrame(columns)


# --- spreadsheets -------------------------------------------------------------------------------------


def _read_spreadsheet(path: Path, kind: str) -> Table:
    """The first visible sheet with a header row among its first rows."""
    try:
        with open(path, "rb") as file:
            # From the content, not the name: calamine picks its reader by the suffix when given a path.
            workbook = python_calamine.CalamineWorkbook.from_filelike(file)
            sheets = [sheet.name for sheet in workbook.sheets_metadata if _is_visible_worksheet(sheet)]
            filled = False
            for name in sheets:
                with _no_garbage_collection():
                    # calamine's copy of the sheet goes as soon as it is text (hundreds of MB for 1 M rows).
                    cells = _sheet_cells(workbook.get_sheet_by_name(name))
                if cells is None:
                    continue
                filled = True
                try:
                    header_index = _header_index(cells.head(HEADER_SEARCH_ROWS * 3).drop(ROW).rows())
                except UnreadableFile:
                    continue
                return _table(cells, header_index, format=kind, sheet=name)
    except (python_calamine.CalamineError, OSError) as error:
        raise UnreadableFile(FILE_UNREADABLE, str(error)) from error
    raise UnreadableFile(FILE_NO_HEADER if filled else FILE_EMPTY, f"sheets: {sheets}")


@contextmanager
def _no_garbage_collection():
    """A sheet becomes millions of Python values at once, none of them in a reference cycle; the cycle
    collector would walk them all again and again (a quarter of the time of a 1 M-row sheet)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _is_visible_worksheet(sheet: python_calamine.SheetMetadata) -> bool:
    return (
        sheet.typ == python_calamine.SheetTypeEnum.WorkSheet
        and sheet.visible == python_calamine.SheetVisibleEnum.Visible
    )


def _is_filled(value) -> bool:
    return not (value == "" or value is None or (isinstance(value, str) and not value.strip()))


# Rows turned into Python values at a time: a whole 1 M-row sheet at once is over a gigabyte of them.
SHEET_CHUNK = 100_000


def _sheet_cells(sheet: python_calamine.CalamineSheet) -> pl.DataFrame | None:
    """The sheet's used area as _sheet_frame() gives it (None when no cell is filled), converted a chunk of
    rows at a time."""
    first_row, first_column = sheet.start if sheet.height else (0, 0)
    # iter_rows() starts at the sheet's first row, to_python(skip_empty_area=True) at the used area's.
    rows = itertools.islice(sheet.iter_rows(), first_row, None)
    frames, filled = [], False
    while chunk := list(itertools.islice(rows, SHEET_CHUNK)):
        filled = filled or any(_is_filled(value) for row in chunk for value in row)
        frames.append(_sheet_frame(chunk, first_row + sum(f.height for f in frames), first_column))
    if sum(f.height for f in frames) != sheet.height or len({f.width for f in frames}) > 1:
        # Not the used area this calamine was expected to give: read the sheet at once.
        rows = sheet.to_python(skip_empty_area=True)
        filled = any(_is_filled(value) for row in rows for value in row)
        frames = [_sheet_frame(rows, first_row, first_column)] if rows else []
    if not filled:
        return None
    return pl.concat(frames, rechunk=True)


def _sheet_frame(rows: list[list], first_row: int, first_column: int) -> pl.DataFrame:
    """One text column per sheet column (named by its position), and the sheet row number in ROW."""
    columns = zip(*rows)
    frame = pl.DataFrame(
        {column_letter(first_column + index): _text_series(values) for index, values in enumerate(columns)}
    )
    return frame.with_columns(
        pl.int_range(first_row + 1, first_row + 1 + frame.height, dtype=pl.Int64).alias(ROW)
    ).select(ROW, pl.exclude(ROW))


def _text_series(values: tuple) -> pl.Series:
    kinds = set(map(type, values))
    if kinds <= {str}:
        return pl.Series(values, dtype=pl.String)
    if kinds <= {str, float}:
        # The common mixed column, numbers and empty cells, without a call per cell.
        return pl.Series([repr(value) if type(value) is float else value for value in values], dtype=pl.String)
    return pl.Series([value if type(value) is str else cell_text(value) for value in values], dtype=pl.String)


def cell_text(value) -> str | None:
    """The text of one spreadsheet value, as the rules downstream expect it (see the module doc)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return repr(float(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return _duration_text(value)
    return str(value)


def _duration_text(value: timedelta) -> str:
    seconds = int(value.total_seconds())
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


# --- the table ------------------------------------------------------------------------------------------


def column_letter(index: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA": columns are named by their letters until the header names them."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _header_index(rows: list) -> int:
    """Index of the header row in `rows`; the 20 rows searched start at the first non-blank one."""
    texts = [[_clean(cell) for cell in row] for row in rows]
    first = next((index for index, row in enumerate(texts) if any(row)), None)
    if first is None:
        raise UnreadableFile(FILE_EMPTY, "all blank")
    try:
        return first + find_header_row(texts[first:])
    except HeaderNotFound as error:
        raise UnreadableFile(FILE_NO_HEADER, str(error)) from error


def _clean(cell) -> str | None:
    text = cell.strip() if isinstance(cell, str) else cell
    return text or None


def _table(cells: pl.DataFrame, header_index: int, **about) -> Table:
    """Cut `cells` (a ROW column, then one column per source column) at the header and name the columns."""
    if ROW not in cells.columns:
        cells = cells.with_row_index(ROW, offset=1).with_columns(pl.col(ROW).cast(pl.Int64))
    sources = [name for name in cells.columns if name != ROW]
    header_texts = [_clean(value) for value in cells.row(header_index)[1:]]
    body = (
        cells.slice(header_index + 1)
        .with_columns(pl.col(sources).str.strip_chars())
        .with_columns(pl.when(pl.col(sources).str.len_bytes() > 0).then(pl.col(sources)))
        .filter(pl.any_horizontal(pl.col(sources).is_not_null()) if sources else pl.lit(False))
    )
    kept = [
        (source, text)
        for source, text in zip(sources, header_texts)
        if text is not None or body.get_column(source).null_count() < body.height
    ]
    names, headers = column_names(kept)
    frame = body.select(pl.col(ROW), *(pl.col(source).alias(name) for (source, _), name in zip(kept, names)))
    if frame.height == 0:
        raise UnreadableFile(FILE_EMPTY, "no rows under the header")
    header_row = cells.item(header_index, ROW)
    return Table(frame=frame, header_row=header_row, headers=headers, **about)


def column_names(columns: list[tuple[str, str | None]]) -> tuple[list[str], dict[str, str]]:
    """Names for (source letter, header text) columns: the canonical name of the first column that has
    it, else the header text, else "Kolom <letter>"; made unique with " (2)", " (3)"."""
    names: list[str] = []
    headers: dict[str, str] = {}
    taken = {ROW}
    for letter, text in columns:
        canonical = canonical_header(text) if text else None
        if canonical is not None and canonical not in headers:
            headers[canonical] = text
            name = canonical
        else:
            name = text or f"Kolom {letter}"
        names.append(_unique(name, taken))
    return names, headers


def _unique(name: str, taken: set[str]) -> str:
    candidate, number = name, 1
    while candidate in taken:
        number += 1
        candidate = f"{name} ({number})"
    taken.add(candidate)
    return candidate
