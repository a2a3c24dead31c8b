"""Coverage denominators: the working population of each kecamatan (or village) in a year, and of the regency.

Per area, from a BPS table imported with its year and source (`import_denominators`, `lindung coverage
denominators FILE --year YYYY --source TEXT`); for the regency as a whole, the figures shipped as versioned
data in data/regency_population.csv with their sources (docs/DOMAIN.md), used when no table covering every
kecamatan is loaded. The figures in force for a month are those of the latest year up to the month's year
(or the earliest year there is, for months before any).
"""
import csv
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lindung.accounts import audit
from lindung.coverage.models import WorkingPopulation
from lindung.regions.models import Level, Region

REGENCY_DATA = Path(__file__).parent / "data" / "regency_population.csv"
WORKERS = "workers"  # the measure used as the coverage denominator
TARGET = "programme_target"  # the APBD programme's target: its share is also shown
HEADER_SEARCH_ROWS = 20
AREA_HEADERS = ("kecamatan", "kode", "code", "wilayah", "district", "subdistrict", "desa", "kelurahan", "village", "area")
COUNT_HEADERS = ("bekerja", "jumlah", "total", "working", "workers", "count", "penduduk", "angkatan kerja")
TOTAL_ROW = re.compile(r"^(jumlah|total|kabupaten|kab\.|regency)\b", re.I)
NOTE_ROW = re.compile(r"^(sumber|source|catatan|note|keterangan)\b", re.I)


@dataclass(frozen=True)
class Figure:
    count: int
    year: int
    source: str


@cache
def shipped_regency_figures() -> tuple[tuple[str, int, str, int, str], ...]:
    """(area, year, measure, count, source) rows of data/regency_population.csv."""
    with open(REGENCY_DATA, newline="", encoding="utf-8") as f:
        return tuple((r["area"], int(r["year"]), r["measure"], int(r["count"]), r["source"]) for r in csv.DictReader(f))


def in_force(years, year: int):
    """The latest of `years` up to `year`, else the earliest; None when there are none."""
    years = sorted(set(years))
    if not years:
        return None
    before = [y for y in years if y <= year]
    return before[-1] if before else years[0]


def regency_figure(year: int, measure: str = WORKERS, regency: str | None = None) -> Figure | None:
    """The shipped regency figure of `measure` in force in `year`."""
    regency = regency or settings.LINDUNG_REGENCY
    rows = [r for r in shipped_regency_figures() if r[0] == regency and r[2] == measure]
    chosen = in_force([r[1] for r in rows], year)
    return next((Figure(r[3], r[1], r[4]) for r in rows if r[1] == chosen), None)


def area_figures(year: int, parent: str | None = None) -> dict[str, Figure]:
    """Imported working population per area code for the year in force: kecamatan of the regency, or
    the villages of kecamatan `parent`."""
    prefix = f"{parent or settings.LINDUNG_REGENCY}."
    level = Level.VILLAGE if parent else Level.DISTRICT
    rows = WorkingPopulation.objects.filter(area__code__startswith=prefix, area__level=level)
    chosen = in_force(rows.values_list("year", flat=True).distinct(), year)
    if chosen is None:
        return {}
    return {
        code: Figure(count, chosen, source)
        for code, count, source in rows.filter(year=chosen).values_list("area_id", "count", "source")
    }


def regency_denominator(year: int, by_kecamatan: dict[str, Figure], kecamatan_codes) -> Figure | None:
    """The regency's working population: the imported kecamatan figures when they cover every kecamatan,
    else the shipped regency figure."""
    if by_kecamatan and set(kecamatan_codes) <= set(by_kecamatan):
        figures = list(by_kecamatan.values())
        return Figure(sum(f.count for f in figures), figures[0].year, figures[0].source)
    return regency_figure(year)


# Import ---------------------------------------------------------------------------------------------

MESSAGES = {
    "file.unreadable": ("Berkas tidak dapat dibaca", "The file cannot be read"),
    "file.no_header": (
        "Baris judul tidak ditemukan: perlu kolom kecamatan (nama atau kode) dan kolom jumlah penduduk bekerja",
        "No header row found: a kecamatan column (name or code) and a column with the working population are needed",
    ),
    "file.empty": ("Berkas tidak berisi angka per wilayah", "The file holds no figures per area"),
    "area.unknown": ("Kecamatan atau desa tidak dikenal di kabupaten ini", "Unknown kecamatan or village in this regency"),
    "area.duplicate": ("Wilayah ini sudah ada di baris sebelumnya", "This area already appears in an earlier row"),
    "count.invalid": ("Jumlah bukan bilangan bulat tidak negatif", "The count is not a whole number of at least 0"),
    "year.invalid": ("Tahun tidak sah", "Not a valid year"),
    "source.missing": ("Sumber data wajib diisi", "The source of the figures is required"),
}


def message(code: str, value: str = "") -> str:
    indonesian, english = MESSAGES[code]
    suffix = f": {value!r}" if value else ""
    return f"{indonesian}{suffix} / {english}{suffix}"


@dataclass
class DenominatorIssue:
    row: int | None  # the spreadsheet row, 1-based; None for the whole file
    code: str
    message: str

    def as_json(self) -> dict:
        return {"row": self.row, "code": self.code, "message": self.message}


@dataclass
class DenominatorImport:
    """What an import read and saved: nothing is saved when there is any error."""

    file: str
    year: int | None
    source: str
    rows: int = 0  # rows with figures read (title, total and note rows not counted)
    saved: int = 0
    replaced: int = 0  # figures of the same year loaded before and replaced
    total: int = 0
    errors: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_json(self) -> dict:
        return {
            "file": self.file, "year": self.year, "source": self.source, "rows": self.rows, "saved": self.saved,
            "replaced": self.replaced, "total": self.total, "ok": self.ok,
            "errors": [e.as_json() for e in self.errors],
        }


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_rows(path: Path) -> list[list[str]]:
    """Every row of the first sheet (or the CSV) as text cells."""
    from lindung.intake.reader import csv_records, decode, detect_format, head_encoding

    kind = detect_format(path)
    if kind == "csv":
        raw = path.read_bytes()
        text = decode(raw, head_encoding(raw[:65536]))
        # The delimiter under which a header row is found (comma when none is).
        for delimiter in (",", ";", "\t", "|"):
            rows = csv_records(text, delimiter)
            if find_columns(rows) is not None:
                return rows
        return csv_records(text, ",")
    import python_calamine

    sheet = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    return [[_cell_text(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]


def _header_kind(cell: str) -> str | None:
    text = cell.strip().lower()
    if any(word in text for word in COUNT_HEADERS) and not text.startswith(("kode", "code")):
        return "count"
    if any(text.startswith(word) or f" {word}" in text for word in AREA_HEADERS):
        return "area"
    return None


def find_columns(rows: list[list[str]]) -> tuple[int, list[int], int] | None:
    """(header row index, area column indexes, count column index) among the first rows, or None.

    The count column is the last column naming a count ('Jumlah', 'Bekerja', 'Total', …), so a table with
    Laki-laki / Perempuan / Jumlah takes the total."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        kinds = [_header_kind(cell or "") for cell in row]
        areas = [i for i, k in enumerate(kinds) if k == "area"]
        counts = [i for i, k in enumerate(kinds) if k == "count"]
        if areas and counts:
            return index, areas, counts[-1]
    return None


def parse_count(text: str) -> int | None:
    """'12.345', '12,345', '12 345', '12345' -> 12345; None when not a whole number >= 0."""
    text = text.strip().replace("\u00a0", " ")
    if re.fullmatch(r"[0-9]{1,3}([., ][0-9]{3})+|[0-9]+", text):
        return int(re.sub(r"[., ]", "", text))
    if re.fullmatch(r"[0-9]+\.0+", text):  # a whole number a spreadsheet wrote as a float
        return int(text.split(".")[0])
    return None


def normalise_name(text: str) -> str:
    text = re.sub(r"^\s*(kecamatan|kec\.?|desa|kelurahan|kel\.?)\s+", "", text.strip(), flags=re.I)
    return re.sub(r"[^a-z0-9]", "", text.lower())


def area_lookup(regency: str) -> dict[str, str]:
    """Code or normalised kecamatan name -> Kemendagri code, for the regency's kecamatan and villages (by code)."""
    lookup = {}
    for code, name, level in Region.objects.filter(code__startswith=f"{regency}.").values_list("code", "name", "level"):
        lookup[code] = code
        lookup[code.replace(".", "")] = code
        if level == Level.DISTRICT:
            lookup[normalise_name(name)] = code
    return lookup


def parse_table(rows: list[list[str]], regency: str) -> tuple[dict[str, int], int, list[DenominatorIssue]]:
    """Area code -> count from the rows of a BPS-like table; also the rows read and the issues."""
    found = find_columns(rows)
    if found is None:
        return {}, 0, [DenominatorIssue(None, "file.no_header", message("file.no_header"))]
    header, area_columns, count_column = found
    lookup = area_lookup(regency)
    counts: dict[str, int] = {}
    first_row: dict[str, int] = {}
    issues, read = [], 0
    for index in range(header + 1, len(rows)):
        row = rows[index]
        number = index + 1
        cells = [(row[i] if i < len(row) else "").strip() for i in area_columns]
        count_text = (row[count_column] if count_column < len(row) else "").strip()
        label = next((c for c in cells if c), "")
        if not label and not count_text:
            continue
        if NOTE_ROW.match(label) or TOTAL_ROW.match(label) or (not label and count_text and not read):
            continue  # notes, the regency total, column numbers under the header
        if re.fullmatch(r"\(?[0-9]+\)?", label) and re.fullmatch(r"\(?[0-9]+\)?", count_text) and not read:
            continue  # BPS numbers its columns (1) (2) (3) under the header
        read += 1
        code = next((lookup[k] for c in cells if c for k in (c, normalise_name(c)) if k in lookup), None)
        if code is None:
            issues.append(DenominatorIssue(number, "area.unknown", message("area.unknown", label)))
            continue
        count = parse_count(count_text)
        if count is None:
            issues.append(DenominatorIssue(number, "count.invalid", message("count.invalid", count_text)))
            continue
        if code in counts:
            issues.append(
                DenominatorIssue(number, "area.duplicate", message("area.duplicate", f"{label} (row {first_row[code]})"))
            )
            continue
        counts[code], first_row[code] = count, number
    if not read and not issues:
        issues.append(DenominatorIssue(None, "file.empty", message("file.empty")))
    return counts, read, issues


def import_denominators(path_or_file, year: int, source: str, user=None, filename: str | None = None) -> DenominatorImport:
    """Import the working population per kecamatan (or village, by code) of `year` from a BPS table.

    `path_or_file`: a path, or an uploaded file (anything with .read() or .temporary_file_path()). The
    header row is found under any title rows; a total row ('Jumlah', 'Kabupaten Bekasi'), notes
    ('Sumber: …') and BPS's column numbers are skipped. Every row with figures must name a known kecamatan
    or village of the regency and a whole number; on any error nothing is saved. Otherwise the figures of
    `year` loaded before are replaced by the file's, with `source`, in one transaction, and audited.
    """
    import tempfile

    name = filename or getattr(path_or_file, "name", None) or str(path_or_file)
    name = Path(name).name
    result = DenominatorImport(file=name, year=year, source=(source or "").strip())
    if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 9999:
        result.errors.append(DenominatorIssue(None, "year.invalid", message("year.invalid", str(year))))
    if not result.source:
        result.errors.append(DenominatorIssue(None, "source.missing", message("source.missing")))
    try:
        if isinstance(path_or_file, (str, Path)):
            rows = read_rows(Path(path_or_file))
        elif hasattr(path_or_file, "temporary_file_path"):
            rows = read_rows(Path(path_or_file.temporary_file_path()))
        else:
            with tempfile.NamedTemporaryFile(suffix=Path(name).suffix) as tmp:
                for chunk in path_or_file.chunks() if hasattr(path_or_file, "chunks") else [path_or_file.read()]:
                    tmp.write(chunk)
                tmp.flush()
                rows = read_rows(Path(tmp.name))
    except Exception as error:  # any unreadable file: corrupt zip, password, binary
        result.errors.append(DenominatorIssue(None, "file.unreadable", f"{message('file.unreadable')} ({error})"))
        return result
    counts, result.rows, issues = parse_table(rows, settings.LINDUNG_REGENCY)
    result.errors += issues
    if result.errors:
        return result
    with transaction.atomic():
        previous = WorkingPopulation.objects.filter(year=year)
        result.replaced = previous.delete()[0]
        WorkingPopulation.objects.bulk_create(
            WorkingPopulation(
                area_id=code, year=year, count=count, source=result.source, file_name=name,
                imported_at=timezone.now(), imported_by=user if getattr(user, "pk", None) else None,
            )
            for code, count in sorted(counts.items())
        )
        result.saved = len(counts)
        result.total = sum(counts.values())
        audit.record(
            "coverage.denominators",
            user=user,
            summary=f"working population {year}: {result.saved} areas, {result.total:,} people ({name})",
            after={k: v for k, v in result.as_json().items() if k != "errors"},
        )
    return result
