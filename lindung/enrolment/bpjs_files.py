"""Files to and from BPJS Ketenagakerjaan: a batch's collective registration out, the branch's answer in.

The layouts are versioned data (data/bpjs_layouts.csv; the official BPJS layout is unconfirmed, see
data/README.md): a new template from the branch office is a new row with its effective date.

- export_batch(): the collective-registration workbook (XLSX) of a batch's members waiting for BPJS,
  with full NIKs (BPJS needs them; every export is audited); members and memberships become "submitted".
- import_response(): the branch office's answer (CSV, XLSX, XLS or ODS). Every row ends in exactly one
  outcome (accepted, rejected, unknown, duplicate, invalid, already); accepted members' memberships
  become active with their membership number (KPJ), rejected ones end with BPJS's reason. Importing the
  same file again changes nothing and says so: the file's SHA-256 is kept in the audit event of the import.
- reconciliation(): sent, returned, accepted, rejected, who is still missing, and how many rows of the
  latest answer named someone not in the batch.

Members and memberships are matched and changed set-based: NIKs are found through their blind index
joined to the batch's members in Polars, and each kind of change is one or two statements.
"""
import csv
import re
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

import polars as pl
import python_calamine
import xlsxwriter
from django.db import connection, transaction
from django.db.models import CharField, Count, F, OuterRef, Subquery, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone

from lindung import bulk
from lindung.accounts import audit
from lindung.accounts.models import AuditEvent
from lindung.billing.models import Membership, MembershipStatus
from lindung.coverage.aggregate import figures_changed
from lindung.enrolment.lifecycle import REASON_LENGTH, record_changes
from lindung.enrolment.models import BatchMember, BatchMemberStatus, BatchStatus, EnrolmentBatch
from lindung.intake.headers import HEADER_SEARCH_ROWS, normalise_header
from lindung.intake.nik_frame import with_clean_nik
from lindung.intake.reader import (
    UnreadableFile,
    cell_text,
    csv_records,
    decode,
    detect_format,
    head_encoding,
)
from lindung.intake.services import file_sha256, language
from lindung.months import month_start
from lindung.personal_data import blind_index_many, mask_nik
from lindung.programmes.models import Programme
from lindung.programmes.rates import rate_for
from lindung.programmes.services import rate_schedule
from lindung.registry import nik as nik_rules

LAYOUTS_CSV = Path(__file__).parent / "data" / "bpjs_layouts.csv"
REGISTRATION = "registration"
RESPONSE = "response"

EXPORT_ACTION = "enrolment.export"
RESPONSE_ACTION = "enrolment.response"

# Members (and their memberships) that a registration file carries: not answered yet.
WAITING = [BatchMemberStatus.CANDIDATE, BatchMemberStatus.SUBMITTED]
WAITING_MEMBERSHIPS = [MembershipStatus.CANDIDATE, MembershipStatus.SUBMITTED]
MEMBER_REASON_LENGTH = BatchMember._meta.get_field("reason").max_length
KPJ_LENGTH = BatchMember._meta.get_field("kpj").max_length


class BpjsFileError(ValueError):
    """A file to or from BPJS cannot be made or read; the message is in Indonesian and English."""


# Layouts ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LayoutColumn:
    position: int | None  # 1-based; None for a layout's meta rows (the sheet name)
    key: str
    headers: tuple[str, ...]  # the header written (first) and, for files read, every spelling accepted
    format: str
    source: str

    @property
    def header(self) -> str:
        return self.headers[0]


@dataclass(frozen=True)
class Layout:
    name: str
    effective_from: date
    rows: tuple[LayoutColumn, ...]

    @property
    def columns(self) -> tuple[LayoutColumn, ...]:
        return tuple(sorted((r for r in self.rows if r.position is not None), key=lambda r: r.position))

    def column(self, key: str) -> LayoutColumn | None:
        return next((r for r in self.columns if r.key == key), None)

    def meta(self, key: str) -> str | None:
        return next((r.header for r in self.rows if r.position is None and r.key == key), None)


@lru_cache(maxsize=4)
def read_layouts(path: Path = LAYOUTS_CSV) -> tuple[Layout, ...]:
    """Every version of every layout in the file, checked: positions and keys unique within a version."""
    versions: dict[tuple[str, date], list[LayoutColumn]] = {}
    with open(path, encoding="utf-8", newline="") as file:
        for number, row in enumerate(csv.DictReader(file), start=2):
            try:
                effective_from = date.fromisoformat(row["effective_from"])
                position = int(row["position"]) if row["position"].strip() else None
            except (TypeError, ValueError) as error:
                raise BpjsFileError(
                    f"{path.name} baris {number} tidak sah / {path.name} row {number} is not valid: {error}"
                ) from None
            column = LayoutColumn(
                position=position,
                key=row["key"].strip(),
                headers=tuple(h.strip() for h in row["header"].split("|") if h.strip()),
                format=row["format"] or "",
                source=row["source"] or "",
            )
            versions.setdefault((row["layout"].strip(), effective_from), []).append(column)
    layouts = []
    for (name, effective_from), rows in sorted(versions.items()):
        positions = [r.position for r in rows if r.position is not None]
        keys = [r.key for r in rows]
        if len(set(positions)) != len(positions) or len(set(keys)) != len(keys) or not all(r.headers for r in rows):
            raise BpjsFileError(
                f"Tata letak {name} {effective_from} memuat kolom ganda atau tanpa judul / "
                f"layout {name} {effective_from} repeats a column or has one without a header"
            )
        layouts.append(Layout(name=name, effective_from=effective_from, rows=tuple(rows)))
    return tuple(layouts)


def layout_in_force(on: date, layout: str = REGISTRATION, path: Path = LAYOUTS_CSV) -> Layout:
    """The version of `layout` ("registration" or "response") in force on a day."""
    versions = [v for v in read_layouts(path) if v.name == layout and v.effective_from <= on]
    if not versions:
        raise BpjsFileError(
            f"Tidak ada tata letak berkas {layout} yang berlaku pada {on} / no {layout} file layout in force on {on}"
        )
    return max(versions, key=lambda v: v.effective_from)


def _python_date_format(layout_format: str) -> str:
    """'dd-mm-yyyy' -> '%d-%m-%Y'."""
    if not re.fullmatch(r"(dd|mm|yyyy|[-/. ])+", layout_format):
        raise BpjsFileError(
            f"Format tanggal tidak dikenal: {layout_format!r} / unknown date format: {layout_format!r}"
        )
    return layout_format.replace("yyyy", "%Y").replace("dd", "%d").replace("mm", "%m")


# The batch's memberships ------------------------------------------------------------------------------


def batch_memberships(batch: EnrolmentBatch):
    """The memberships a batch created: its members' memberships in its programmes, paid by its payer,
    from its first month (one per person and programme: membership_unique_start)."""
    return Membership.objects.filter(
        payer_id=batch.payer_id,
        start_month=batch.start_month,
        programme_id__in=list(batch.programmes),
        person_id__in=BatchMember.objects.filter(batch=batch).values("person_id"),
    )


def _memberships_of_members(batch: EnrolmentBatch, member_statuses, membership_statuses):
    members = BatchMember.objects.filter(batch=batch, status__in=member_statuses).values("person_id")
    return batch_memberships(batch).filter(status__in=membership_statuses, person_id__in=members)


# Export -----------------------------------------------------------------------------------------------

# What the registration layout may ask for: the keys export_batch knows how to fill in.
REGISTRATION_KEYS = (
    "nik", "full_name", "birth_place", "birth_date", "sex", "address", "village", "district", "phone",
    "occupation", "income", "programmes", "start_date",
)
_PERSON_FIELDS = {
    "person_id": "person_id",
    "nik": "person__nik",
    "full_name": "person__full_name",
    "birth_place": "person__birth_place",
    "birth_date": "person__birth_date",
    "sex": "person__sex",
    "address": "person__address",
    "village": "person__village__name",
    "district": "person__village__parent__name",
    "phone": "person__phone",
    "occupation": "person__occupation",
    "segment": "person__segment__label_id",
}


def minimum_basis(batch: EnrolmentBatch) -> int:
    """The minimum income basis of the rate schedule for the batch's payer in its first month (Rp 1,000,000)."""
    rates = rate_schedule()
    kind = batch.payer.kind
    bases = [
        rate.min_income
        for code in Programme.objects.values_list("code", flat=True)
        if (rate := rate_for(code, batch.start_month, kind, rates)) is not None
    ]
    return max(bases, default=0)


def registration_rows(batch: EnrolmentBatch, layout: Layout) -> list[list]:
    """The rows of the registration sheet, in rank order: members not answered yet (candidate or submitted)."""
    unknown = [c.key for c in layout.columns if c.key not in REGISTRATION_KEYS]
    if unknown:
        raise BpjsFileError(
            f"Tata letak {layout.name} {layout.effective_from} meminta kolom yang belum dikenal lindung: {unknown} / "
            f"layout {layout.name} {layout.effective_from} asks for columns lindung does not know: {unknown}"
        )
    # Full NIK and phone: read with their converters (decrypted), one query.
    people = list(
        BatchMember.objects.filter(batch=batch, status__in=WAITING)
        .order_by("rank", "pk")
        .values_list(*_PERSON_FIELDS.values())
    )
    if not people:
        return []
    memberships = bulk.read_frame(
        batch_memberships(batch)
        .filter(person_id__in=BatchMember.objects.filter(batch=batch, status__in=WAITING).values("person_id"))
        .values_list("person_id", "programme_id", "programme__sort", "declared_income"),
        {"person_id": pl.Int64, "programme": pl.String, "sort": pl.Int64, "declared_income": pl.Int64},
    )
    separator = (layout.column("programmes").format if layout.column("programmes") else "") or ", "
    per_person = memberships.sort("person_id", "sort", "programme").group_by("person_id", maintain_order=True).agg(
        pl.col("programme").str.join(separator).alias("programmes"),
        pl.col("declared_income").max().alias("declared_income"),
    )
    frame = pl.DataFrame(
        people,
        schema={name: (pl.Int64 if name == "person_id" else pl.Date if name == "birth_date" else pl.String)
                for name in _PERSON_FIELDS},
        orient="row",
    ).join(per_person, on="person_id", how="left", maintain_order="left")
    default_programmes = separator.join(
        Programme.objects.filter(code__in=batch.programmes).order_by("sort", "code").values_list("code", flat=True)
    )
    start = month_start(batch.start_month)
    frame = frame.with_columns(
        pl.col("programmes").fill_null(default_programmes),
        pl.col("declared_income").fill_null(minimum_basis(batch)).alias("income"),
        pl.when(pl.col("occupation").fill_null("") != "").then("occupation").otherwise("segment").alias("occupation"),
        pl.lit(start).alias("start_date"),
    )
    for column in layout.columns:
        if column.key in ("birth_date", "start_date"):
            frame = frame.with_columns(pl.col(column.key).dt.strftime(_python_date_format(column.format)))
    return frame.select(
        pl.col(c.key) if c.key == "income" else pl.col(c.key).fill_null("") for c in layout.columns
    ).rows()


def registration_workbook(layout: Layout, rows: list[list], created: datetime | None = None) -> bytes:
    """The collective-registration workbook: one sheet, the layout's headers in row 1, a member per row."""
    with tempfile.TemporaryDirectory(prefix="lindung-bpjs-") as folder:
        # Written row by row with inline strings (constant_memory, which needs a file, not memory): half
        # the time for 75,000 people. The folder is private to this user and gone afterwards.
        path = Path(folder) / "pendaftaran.xlsx"
        _write_registration(path, layout, rows, created)
        return path.read_bytes()


def _write_registration(path: Path, layout: Layout, rows: list[list], created: datetime | None) -> None:
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True, "tmpdir": str(path.parent)})
    # A fixed creation time: exporting the same batch again gives the same file.
    workbook.set_properties(
        {"title": layout.meta("sheet") or "Pendaftaran", "created": created or datetime(2000, 1, 1)}
    )
    sheet = workbook.add_worksheet((layout.meta("sheet") or "Data")[:31])
    bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    text = workbook.add_format({"num_format": "@"})
    money = workbook.add_format({"num_format": "#,##0"})
    for index, column in enumerate(layout.columns):
        width = max([len(column.header) + 2, 12, *(len(str(row[index])) + 2 for row in rows[:200])])
        sheet.set_column(index, index, min(width, 50), money if column.format == "rupiah" else text)
        sheet.write_string(0, index, column.header, bold)
    write_string, write_number = sheet.write_string, sheet.write_number
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            # Text cells are written as text (a NIK stays a NIK); the column's format is for what is typed later.
            if isinstance(value, int):
                write_number(r, c, value, money)
            elif value:
                write_string(r, c, value)
    sheet.freeze_panes(1, 0)
    workbook.close()


def export_batch(batch: EnrolmentBatch, user=None, today: date | None = None, progress=None) -> bytes:
    """The collective-registration workbook (XLSX) of a batch's members not answered yet, in rank order.

    Holds full NIKs (BPJS needs them): audited as "enrolment.export" with the number of rows. Members
    and their memberships go from candidate to submitted (with a history row), the batch to submitted.
    Exporting again gives the same rows and changes nothing more. `progress`: an optional
    callable(fraction, text) told how far it got.
    """
    progress = progress or _no_progress
    layout = layout_in_force(today or timezone.localdate(), REGISTRATION)
    progress(0.05, "reading")
    with transaction.atomic():
        batch = EnrolmentBatch.objects.select_for_update().select_related("payer").get(pk=batch.pk)
        rows = registration_rows(batch, layout)
        if not rows:
            raise BpjsFileError(
                f"Tidak ada peserta batch #{batch.pk} yang menunggu dikirim ke BPJS / "
                f"nobody in batch #{batch.pk} is waiting to be sent to BPJS"
            )
        first_month = batch.start_month
        to_submit = _memberships_of_members(batch, WAITING, [MembershipStatus.CANDIDATE])
        record_changes(to_submit, MembershipStatus.SUBMITTED, first_month, f"sent to BPJS (batch #{batch.pk})", user)
        memberships = to_submit.update(status=MembershipStatus.SUBMITTED)
        members = BatchMember.objects.filter(batch=batch, status=BatchMemberStatus.CANDIDATE).update(
            status=BatchMemberStatus.SUBMITTED
        )
        if batch.status == BatchStatus.COMMITTED or batch.exported_at is None:
            if batch.status == BatchStatus.COMMITTED:
                batch.status = BatchStatus.SUBMITTED
            batch.exported_at = batch.exported_at or timezone.now()
            batch.save(update_fields=["status", "exported_at"])
        audit.record(
            EXPORT_ACTION,
            target=batch,
            user=user,
            summary=f"BPJS registration file of batch #{batch.pk}: {len(rows)} people (full NIK)",
            after={
                "batch": batch.pk,
                "rows": len(rows),
                "newly_submitted": members,
                "memberships_submitted": memberships,
                "layout": f"{layout.name} {layout.effective_from}",
            },
        )
        created = timezone.localtime(batch.exported_at).replace(tzinfo=None)
    progress(0.6, "writing")
    content = registration_workbook(layout, rows, created=created)
    progress(1.0, "done")
    return content


def _no_progress(fraction: float, text: str) -> None:
    pass


# Reading the answer ------------------------------------------------------------------------------------

RESPONSE_KEYS = ("nik", "kpj", "status", "reason")
REQUIRED_KEYS = ("nik", "status")
_DELIMITERS = (",", ";", "\t", "|")
_SNIFF_BYTES = 64 * 1024


@dataclass(frozen=True)
class ResponseTable:
    frame: pl.DataFrame  # _row (spreadsheet row), nik_text, kpj_text, status_text, reason_text
    header_row: int
    headers: dict[str, str]  # key -> the header as written in the file
    format: str


def _header_lookup(layout: Layout) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for column in layout.columns:
        for header in column.headers:
            lookup.setdefault(normalise_header(header), column.key)
    return lookup


def _find_header(rows: list[list], lookup: dict[str, str]) -> tuple[int, dict[str, int]] | None:
    """(index of the header row, key -> column index) among the first 20 non-blank rows, or None.
    A header names at least NIK and Status."""
    seen = 0
    for index, row in enumerate(rows):
        texts = [cell_text(cell) if not isinstance(cell, str) else cell for cell in row]
        if not any(t and t.strip() for t in texts):
            continue
        seen += 1
        if seen > HEADER_SEARCH_ROWS:
            return None
        found: dict[str, int] = {}
        for position, text in enumerate(texts):
            key = lookup.get(normalise_header(text)) if isinstance(text, str) and text.strip() else None
            if key is not None and key not in found:
                found[key] = position
        if all(key in found for key in REQUIRED_KEYS):
            return index, found
    return None


def _no_header() -> BpjsFileError:
    return BpjsFileError(
        "Baris judul kolom berkas jawaban BPJS tidak ditemukan: berkas harus memuat paling sedikit kolom NIK "
        "dan Status (serta KPJ untuk yang diterima dan Keterangan untuk yang ditolak) / "
        "no header row was found in the BPJS answer file: it must have at least the columns NIK and Status "
        "(and KPJ for those accepted, Keterangan or Reason for those rejected)"
    )


def read_response(path: Path, layout: Layout) -> ResponseTable:
    """The answer file as text columns, whatever its format (CSV, XLSX, XLS, ODS), read as the intake
    reader reads worker lists (format from the content, CSV encodings, numeric cells as Python's text)."""
    path = Path(path)
    lookup = _header_lookup(layout)
    try:
        kind = detect_format(path)
        if kind == "csv":
            rows, numbers = _csv_rows(path, lookup)
        else:
            rows, numbers = _sheet_rows(path, lookup)
    except UnreadableFile as error:
        raise BpjsFileError(f"{error.message('id')} / {error.message('en')}") from None
    found = _find_header(rows, lookup)
    if found is None:
        raise _no_header()
    header_index, positions = found
    header_cells = rows[header_index]
    data = []
    for row, number in zip(rows[header_index + 1:], numbers[header_index + 1:]):
        texts = [_text(cell) for cell in row]
        if not any(texts):
            continue  # a blank line is not a row of the answer
        data.append([number, *(texts[positions[key]] if key in positions and positions[key] < len(texts) else None
                               for key in RESPONSE_KEYS)])
    if not data:
        raise BpjsFileError(
            "Berkas jawaban BPJS tidak berisi baris di bawah judul kolom / "
            "the BPJS answer file has no rows under its column headers"
        )
    frame = pl.DataFrame(
        data,
        schema={"_row": pl.Int64, **{f"{key}_text": pl.String for key in RESPONSE_KEYS}},
        orient="row",
    )
    headers = {key: str(_text(header_cells[i])) for key, i in positions.items()}
    return ResponseTable(frame=frame, header_row=numbers[header_index], headers=headers, format=kind)


def _text(cell) -> str | None:
    text = cell if isinstance(cell, str) else cell_text(cell)
    text = text.strip() if text else None
    return text or None


def _csv_rows(path: Path, lookup: dict[str, str]) -> tuple[list[list], list[int]]:
    raw = path.read_bytes()
    encoding = head_encoding(raw[:_SNIFF_BYTES])
    text = decode(raw, encoding)
    head = text[:_SNIFF_BYTES]
    head = head[: max(head.rfind("\n"), head.rfind("\r")) + 1] or head
    # The delimiter under which a header row is found that names the most response columns.
    best, best_count = ",", -1
    for delimiter in _DELIMITERS:
        found = _find_header(csv_records(head, delimiter), lookup)
        count = len(found[1]) if found else 0
        if count > best_count:
            best, best_count = delimiter, count
    records = csv_records(text, best)
    return records, list(range(1, len(records) + 1))


def _sheet_rows(path: Path, lookup: dict[str, str]) -> tuple[list[list], list[int]]:
    """The rows of the first visible sheet with a header row (sheet row numbers alongside)."""
    try:
        with open(path, "rb") as file:
            workbook = python_calamine.CalamineWorkbook.from_filelike(file)
            for about in workbook.sheets_metadata:
                if (about.typ != python_calamine.SheetTypeEnum.WorkSheet
                        or about.visible != python_calamine.SheetVisibleEnum.Visible):
                    continue
                sheet = workbook.get_sheet_by_name(about.name)
                rows = sheet.to_python(skip_empty_area=True)
                if _find_header(rows, lookup) is None:
                    continue
                first_row, first_column = sheet.start if rows else (0, 0)
                rows = [[None] * first_column + list(row) for row in rows]
                return rows, list(range(first_row + 1, first_row + 1 + len(rows)))
    except (python_calamine.CalamineError, OSError) as error:
        raise UnreadableFile("file.unreadable", str(error)) from error
    raise _no_header()


# Deciding each row ---------------------------------------------------------------------------------------

OUTCOMES = ("accepted", "rejected", "unknown", "duplicate", "invalid", "already")

MESSAGES: dict[str, tuple[str, str]] = {
    "status.missing": (
        "Status belum diisi: tulis diterima atau ditolak.",
        "The status is empty: write accepted (diterima) or rejected (ditolak).",
    ),
    "status.invalid": (
        "Status tidak dikenal: tulis diterima atau ditolak.",
        "Unknown status: write accepted (diterima) or rejected (ditolak).",
    ),
    "kpj.missing": (
        "Peserta diterima tetapi nomor KPJ belum diisi.",
        "Accepted, but the membership number (KPJ) is empty.",
    ),
    "kpj.invalid": (
        "Nomor KPJ tidak sesuai format ({pattern}).",
        "The membership number (KPJ) does not have the expected form ({pattern}).",
    ),
    "duplicate.in_file": (
        "NIK ini sudah ada di baris {first}; baris itu yang berlaku.",
        "This NIK is already in row {first}; that row stands.",
    ),
    "nik.not_in_batch": (
        "NIK ini bukan peserta batch ini.",
        "This NIK is not a member of this batch.",
    ),
    "answer.conflict": (
        "Orang ini sudah dijawab BPJS dengan jawaban lain ({earlier}); jawaban pertama tetap berlaku. "
        "Perbaiki secara manual bila BPJS mengubah jawabannya.",
        "This person was already answered differently by BPJS ({earlier}); the first answer stands. "
        "Correct it by hand if BPJS changed its answer.",
    ),
}

NO_REASON = "tanpa keterangan / no reason given"


def _message(code: str, lang: str, **values) -> str:
    pair = MESSAGES.get(code) or nik_rules.MESSAGES.get(code) or (code, code)
    return pair[0 if lang == "id" else 1].format(**values)


def _status_words(layout: Layout) -> dict[str, str]:
    column = layout.column("status")
    words = {}
    for pair in (column.format if column else "").split("|"):
        word, _, answer = pair.partition("=")
        if word.strip() and answer.strip() in ("accepted", "rejected"):
            words[" ".join(word.split()).casefold()] = answer.strip()
    if not words:
        raise BpjsFileError(
            f"Tata letak {layout.name} {layout.effective_from} tidak memuat kata status / "
            f"layout {layout.name} {layout.effective_from} lists no status words"
        )
    return words


def _kpj_pattern(layout: Layout) -> str:
    column = layout.column("kpj")
    return (column.format if column else "") or r"[0-9]+"


def _kpj_form(pattern: str, lang: str) -> str:
    """The layout's KPJ pattern as an operator reads it: "[0-9]{11}" is "11 angka" (11 digits)."""
    if digits := re.fullmatch(r"\[0-9\]\{(\d+)\}|\\d\{(\d+)\}", pattern):
        count = digits.group(1) or digits.group(2)
        return f"{count} angka" if lang == "id" else f"{count} digits"
    return pattern


@dataclass
class Decision:
    rows: pl.DataFrame  # _row, outcome, member_id, person_id, kpj, reason
    issues: pl.DataFrame  # _row, key, code, first, earlier


def decide(table: ResponseTable, batch: EnrolmentBatch, layout: Layout) -> Decision:
    """Each row's outcome against the batch as it stands; nothing is written."""
    words = _status_words(layout)
    pattern = _kpj_pattern(layout)
    frame = with_clean_nik(table.frame, "nik_text", nik="nik", error="nik_error")
    frame = frame.with_columns(
        pl.col("status_text").str.replace_all(r"\s+", " ").str.to_lowercase()
        .replace_strict(words, default=None, return_dtype=pl.String).alias("answer"),
        pl.col("kpj_text").str.strip_chars().str.strip_chars_start("'\u2018\u2019`")
        .str.replace(r"^([0-9]+)[.,]0+$", "$1").str.replace_all(r"[\s\-]", "").alias("kpj"),
        pl.col("reason_text").alias("reason"),
    )
    accepted = pl.col("answer") == "accepted"
    checks = [
        ("nik", pl.col("nik_error").is_not_null(), pl.col("nik_error")),
        ("status", pl.col("status_text").is_null(), pl.lit("status.missing")),
        ("status", pl.col("status_text").is_not_null() & pl.col("answer").is_null(), pl.lit("status.invalid")),
        ("kpj", accepted & pl.col("kpj").is_null(), pl.lit("kpj.missing")),
        ("kpj", accepted & pl.col("kpj").is_not_null() & ~pl.col("kpj").str.contains(f"^(?:{pattern})$"),
         pl.lit("kpj.invalid")),
    ]
    issues = [
        frame.filter(condition).select("_row", pl.lit(key).alias("key"), code.alias("code"))
        for key, condition, code in checks
    ]
    invalid_rows = pl.concat(issues).get_column("_row").unique()
    frame = frame.with_columns(pl.col("_row").is_in(invalid_rows.implode()).alias("invalid"))
    # Among rows otherwise valid, the first with a NIK stands.
    frame = frame.with_columns(
        pl.when(~pl.col("invalid")).then(pl.col("_row").min().over("nik", "invalid")).alias("first")
    )
    frame = frame.with_columns((~pl.col("invalid") & (pl.col("first") != pl.col("_row"))).alias("duplicate"))
    standing = frame.filter(~pl.col("invalid") & ~pl.col("duplicate"))
    niks = standing.get_column("nik").unique().to_list()
    indexed = pl.DataFrame(
        {"nik": niks, "nik_index": blind_index_many(niks, "nik")}, schema={"nik": pl.String, "nik_index": pl.String}
    )
    members = bulk.read_frame(
        BatchMember.objects.filter(batch=batch).order_by()
        .values_list("id", "person_id", "person__nik_index", "status", "kpj"),
        {"member_id": pl.Int64, "person_id": pl.Int64, "nik_index": pl.String, "member_status": pl.String,
         "member_kpj": pl.String},
    )
    matched = standing.join(indexed, on="nik", how="left").join(members, on="nik_index", how="left").select(
        "_row", "member_id", "person_id", "member_status", "member_kpj"
    )
    frame = frame.join(matched, on="_row", how="left")
    was_accepted = pl.col("member_status") == BatchMemberStatus.ACCEPTED
    was_rejected = pl.col("member_status") == BatchMemberStatus.REJECTED
    same = (was_accepted & accepted & (pl.col("kpj") == pl.col("member_kpj"))) | (
        was_rejected & (pl.col("answer") == "rejected")
    )
    frame = frame.with_columns(
        pl.when(pl.col("invalid")).then(pl.lit("invalid"))
        .when(pl.col("duplicate")).then(pl.lit("duplicate"))
        .when(pl.col("member_id").is_null()).then(pl.lit("unknown"))
        .when(same).then(pl.lit("already"))
        .when(was_accepted | was_rejected).then(pl.lit("conflict"))
        .otherwise(pl.col("answer"))
        .alias("outcome")
    )
    earlier = pl.when(was_accepted).then(pl.lit("KPJ ") + pl.col("member_kpj")).otherwise(pl.lit("ditolak / rejected"))
    issues.append(frame.filter(pl.col("outcome") == "duplicate").select(
        "_row", pl.lit("nik").alias("key"), pl.lit("duplicate.in_file").alias("code"), "first"))
    issues.append(frame.filter(pl.col("outcome") == "unknown").select(
        "_row", pl.lit("nik").alias("key"), pl.lit("nik.not_in_batch").alias("code")))
    issues.append(frame.filter(pl.col("outcome") == "conflict").select(
        "_row", pl.lit("status").alias("key"), pl.lit("answer.conflict").alias("code"), earlier.alias("earlier")))
    issue_frame = pl.concat(issues, how="diagonal_relaxed").sort("_row", "key", "code")
    if "first" not in issue_frame.columns:
        issue_frame = issue_frame.with_columns(pl.lit(None, dtype=pl.Int64).alias("first"))
    if "earlier" not in issue_frame.columns:
        issue_frame = issue_frame.with_columns(pl.lit(None, dtype=pl.String).alias("earlier"))
    rows = frame.select(
        "_row",
        pl.col("outcome").replace("conflict", "invalid"),
        "member_id",
        "person_id",
        "kpj",
        "reason",
    ).sort("_row")
    return Decision(rows=rows, issues=issue_frame)


# Import ---------------------------------------------------------------------------------------------------


@dataclass
class ResponseReport:
    file: str
    rows: int = 0
    accepted: int = 0
    rejected: int = 0
    unknown: int = 0
    duplicate: int = 0
    invalid: int = 0
    already: int = 0
    issues: list = field(default_factory=list)  # row, column, code, message
    missing: int = 0  # members sent and not answered yet
    outcomes: list = field(default_factory=list)  # row, outcome
    batch: int | None = None
    sha256: str = ""
    repeat_of: dict | None = None  # the earlier import of the same file: {"event", "at", "file"}

    @property
    def changed(self) -> bool:
        return self.repeat_of is None and bool(self.accepted or self.rejected)

    def counts(self) -> dict:
        return {name: getattr(self, name) for name in ("rows", *OUTCOMES, "missing")}

    def as_json(self) -> dict:
        report = {
            "file": self.file,
            **self.counts(),
            "issues": self.issues,
            "outcomes": self.outcomes,
            "batch": self.batch,
            "changed": self.changed,
        }
        if self.repeat_of is not None:
            report["already_imported"] = self.repeat_of
        return report


def earlier_import(batch: EnrolmentBatch, sha256: str) -> AuditEvent | None:
    """The audit event of an earlier import of the same file (same SHA-256) for this batch."""
    return (
        AuditEvent.objects.filter(
            action=RESPONSE_ACTION,
            target_type=EnrolmentBatch._meta.label_lower,
            target_id=str(batch.pk),
            after__sha256=sha256,
        )
        .order_by("at", "id")
        .first()
    )


def import_response(
    batch: EnrolmentBatch, path: Path, user=None, filename: str | None = None, today: date | None = None,
    progress=None,
) -> ResponseReport:
    """Apply the branch office's answer file to a batch; every row gets one outcome (see the module doc).

    Accepted: the member is accepted with the KPJ, the person's memberships of the batch become active
    with it ("accepted by BPJS"). Rejected: the member is rejected with the reason, the memberships end
    in their first month ("rejected by BPJS: <reason>"). The batch is answered once nobody is left waiting.
    One transaction; a repeat of a file already imported for this batch changes nothing and says so.
    `progress`: an optional callable(fraction, text) told how far it got.
    """
    progress = progress or _no_progress
    path = Path(path)
    filename = filename or path.name
    layout = layout_in_force(today or timezone.localdate(), RESPONSE)
    progress(0.05, "reading")
    sha = file_sha256(path)
    table = read_response(path, layout)
    lang = language()
    progress(0.4, "checking and writing")  # what happens in the transaction is seen by others only at its end
    with transaction.atomic():
        batch = EnrolmentBatch.objects.select_for_update().get(pk=batch.pk)
        decision = decide(table, batch, layout)
        report = _report(filename, batch, sha, decision, table, layout, lang)
        earlier = earlier_import(batch, sha)
        if earlier is not None:
            report.repeat_of = {
                "event": earlier.pk, "at": earlier.at.isoformat(), "file": (earlier.after or {}).get("file")
            }
        else:
            _apply(batch, decision.rows, user)
        report.missing = BatchMember.objects.filter(batch=batch, status=BatchMemberStatus.SUBMITTED).count()
        if earlier is None:
            audit.record(
                RESPONSE_ACTION,
                target=batch,
                user=user,
                summary=f"BPJS answer {filename} for batch #{batch.pk}: {report.accepted} accepted, "
                f"{report.rejected} rejected, {report.unknown} unknown, {report.invalid} invalid",
                after={"sha256": sha, "file": filename, **report.counts(),
                       "layout": f"{layout.name} {layout.effective_from}"},
            )
    progress(1.0, "done")
    return report


def _report(
    filename: str, batch, sha: str, decision: Decision, table: ResponseTable, layout: Layout, lang: str
) -> ResponseReport:
    counts = dict(decision.rows.group_by("outcome").len().iter_rows())
    pattern = _kpj_pattern(layout)

    def column_name(key: str) -> str:
        return table.headers.get(key) or layout.column(key).header

    issues = [
        {
            "row": row,
            "column": column_name(key),
            "code": code,
            "message": _message(code, lang, first=first, earlier=earlier, pattern=_kpj_form(pattern, lang)),
        }
        for row, key, code, first, earlier in decision.issues.select(
            "_row", "key", "code", "first", "earlier"
        ).iter_rows()
    ]
    return ResponseReport(
        file=filename,
        rows=decision.rows.height,
        issues=issues,
        outcomes=[
            {"row": row, "outcome": outcome} for row, outcome in decision.rows.select("_row", "outcome").iter_rows()
        ],
        batch=batch.pk,
        sha256=sha,
        **{name: counts.get(name, 0) for name in OUTCOMES},
    )


def _apply(batch: EnrolmentBatch, rows: pl.DataFrame, user=None) -> None:
    now = timezone.now()
    answers = rows.filter(pl.col("outcome").is_in(["accepted", "rejected"])).select(
        "member_id",
        "outcome",
        pl.when(pl.col("outcome") == "accepted").then(pl.col("kpj").str.slice(0, KPJ_LENGTH)).otherwise(pl.lit("")),
        pl.when(pl.col("outcome") == "rejected")
        .then(pl.col("reason").fill_null(NO_REASON).str.slice(0, MEMBER_REASON_LENGTH))
        .otherwise(pl.lit("")),
    )
    if answers.height:
        answered_at = connection.ops.adapt_datetimefield_value(now)
        bulk.update_rows(
            BatchMember, "id", ["status", "kpj", "reason", "answered_at"], (
                (*row, answered_at) for row in answers.iter_rows()
            )
        )
    # order_by(): a member's default ordering would join the batch table into every lookup.
    member = BatchMember.objects.filter(batch=batch, person_id=OuterRef("person_id")).order_by()
    first_month = batch.start_month

    to_activate = _memberships_of_members(batch, [BatchMemberStatus.ACCEPTED], WAITING_MEMBERSHIPS)
    record_changes(to_activate, MembershipStatus.ACTIVE, first_month, "accepted by BPJS", user)
    if to_activate.update(status=MembershipStatus.ACTIVE, kpj=Subquery(member.values("kpj")[:1])):
        figures_changed(first_month)

    to_end = _memberships_of_members(batch, [BatchMemberStatus.REJECTED], WAITING_MEMBERSHIPS)
    reason = Substr(
        Concat(Value("rejected by BPJS: "), Subquery(member.values("reason")[:1]), output_field=CharField()),
        1,
        REASON_LENGTH,
    )
    record_changes(to_end, MembershipStatus.REJECTED, first_month, reason, user)
    to_end.update(status=MembershipStatus.REJECTED, end_month=F("start_month"))

    waiting = BatchMember.objects.filter(batch=batch, status__in=WAITING).exists()
    if not waiting and batch.status != BatchStatus.ANSWERED:
        batch.status = BatchStatus.ANSWERED
        batch.answered_at = now
        batch.save(update_fields=["status", "answered_at"])


# Reconciliation ---------------------------------------------------------------------------------------------


def reconciliation(batch: EnrolmentBatch) -> dict:
    """What was sent to BPJS for a batch, what came back, and who is still missing an answer.

    `unknown`: rows of the latest answer file that named someone not in the batch.
    """
    counts = dict(
        BatchMember.objects.filter(batch=batch).order_by().values_list("status").annotate(n=Count("pk"))
    )
    accepted = counts.get(BatchMemberStatus.ACCEPTED, 0)
    rejected = counts.get(BatchMemberStatus.REJECTED, 0)
    submitted = counts.get(BatchMemberStatus.SUBMITTED, 0)
    missing = [
        {"rank": rank, "person_id": person_id, "full_name": name, "nik_masked": mask_nik(nik)}
        for rank, person_id, name, nik in BatchMember.objects.filter(batch=batch, status=BatchMemberStatus.SUBMITTED)
        .order_by("rank", "pk")
        .values_list("rank", "person_id", "person__full_name", "person__nik")
    ]
    latest = (
        AuditEvent.objects.filter(
            action=RESPONSE_ACTION, target_type=EnrolmentBatch._meta.label_lower, target_id=str(batch.pk)
        )
        .order_by("-at", "-id")
        .first()
    )
    return {
        "batch": batch.pk,
        "status": EnrolmentBatch.objects.filter(pk=batch.pk).values_list("status", flat=True).first(),
        "sent": accepted + rejected + submitted,
        "not_sent": counts.get(BatchMemberStatus.CANDIDATE, 0),
        "returned": accepted + rejected,
        "accepted": accepted,
        "rejected": rejected,
        "missing": missing,
        "unknown": ((latest.after or {}).get("unknown", 0) if latest else 0),
    }
